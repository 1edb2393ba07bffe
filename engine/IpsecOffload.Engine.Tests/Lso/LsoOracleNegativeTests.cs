using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Lso.LsoTestKit;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>
/// The oracle must see what is wrong: one tampered byte, swapped or missing segments, a repeated IV,
/// non-minimal or non-default padding, wrong TSO header fields. Base: the D7 frames (AES-GCM-128,
/// IPv4, 3 segments) and a 4-segment AES-CBC + SHA1 burst on IPv6.
/// </summary>
public sealed class LsoOracleNegativeTests
{
    private static byte[][] D7Frames() => LsoD7Tests.WireFrames.Select(Hex.Parse).ToArray();

    private static IReadOnlyList<string> CheckD7(byte[][] frames, ISet<string>? seen = null) =>
        LsoOracle.Check(LsoD7Tests.Spec, LsoD7Tests.SuperPacket, 128, LargeSendOffloadType.V1, 1, frames, seen);

    private static void ExpectReported(IReadOnlyList<string> problems, params string[] fragments)
    {
        string all = string.Join(Environment.NewLine, problems);
        Assert.That(problems, Is.Not.Empty, "the oracle passed a bad burst");
        foreach (string fragment in fragments)
        {
            Assert.That(all, Does.Contain(fragment));
        }
    }

    [TestCase(0x05, "IPv4 Identification", TestName = "Tamper_IPv4Identification_Reported")]
    [TestCase(0x0B, "IPv4 header checksum", TestName = "Tamper_IPv4Checksum_Reported")]
    [TestCase(0x0F, "IP header byte 0x0f", TestName = "Tamper_IPv4Source_Reported")]
    [TestCase(0x17, "ESP SPI", TestName = "Tamper_EspSpi_Reported")]
    [TestCase(0x1B, "ESP SN_low", TestName = "Tamper_EspSequenceNumber_Reported")]
    [TestCase(0x1F, "ICV does not verify", TestName = "Tamper_EspIv_Reported")]
    [TestCase(0x40, "ICV does not verify", TestName = "Tamper_Ciphertext_Reported")]
    [TestCase(-1, "ICV does not verify", TestName = "Tamper_IcvLastByte_Reported")]
    public void OneTamperedByte_InSegment1_IsReported(int offset, string expected)
    {
        byte[][] frames = D7Frames();
        byte[] segment = frames[1];
        segment[offset < 0 ? segment.Length + offset : offset] ^= 0x01;
        IReadOnlyList<string> problems = CheckD7(frames);
        ExpectReported(problems, "segment 1", expected);
        Assert.That(problems.Where(p => p.StartsWith("segment 0", StringComparison.Ordinal) || p.StartsWith("segment 2", StringComparison.Ordinal)), Is.Empty,
            "untouched segments pass");
    }

    [Test]
    public void TwoSegmentsSwapped_IsReported()
    {
        byte[][] frames = D7Frames();
        (frames[0], frames[1]) = (frames[1], frames[0]);
        ExpectReported(CheckD7(frames), "segment 0: ESP SN_low 0x00000002, expected 0x00000001", "segment 1: ESP SN_low 0x00000001, expected 0x00000002");
    }

    [Test]
    public void SegmentMissing_IsReported()
    {
        byte[][] frames = D7Frames();
        ExpectReported(CheckD7([frames[0], frames[2]]), "2 segments, expected 3", "concatenate to 172 bytes, the original has 300");
    }

    [Test]
    public void IvRepeatedWithinTheSa_IsReported()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Assert.That(CheckD7(D7Frames(), seen), Is.Empty, "first use of the IVs");
        ExpectReported(CheckD7(D7Frames(), seen), "segment 0: IV 0000000000000001 was already used", "segment 2: IV 0000000000000003 was already used");
    }

    [Test]
    public void IvRepeatedInsideTheBurst_IsReported()
    {
        byte[][] frames = D7Frames();
        frames[0].AsSpan(28, 8).CopyTo(frames[1].AsSpan(28, 8));
        ExpectReported(CheckD7(frames), "segment 1: IV 0000000000000001 was already used");
    }

    /// <summary>
    /// Re-protects the D7 plaintext segments with the engine's framer + processor, optionally with a wider
    /// pad alignment or zeroed pad bytes, so that crypto verifies and only the padding is wrong.
    /// </summary>
    private static byte[][] ReprotectD7(int alignment, bool zeroPadding)
    {
        string[] plain =
        [
            "450000a8100040004006a6fcc0a80102c0a801019c4013890100000002000000" +
            "5090200088a70000000102030405060708090a0b0c0d0e0f1011121314151617" +
            "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637" +
            "38393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f5051525354555657" +
            "58595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f7071727374757677" +
            "78797a7b7c7d7e7f",
            "450000a8100140004006a6fbc0a80102c0a801019c4013890100008002000000" +
            "5010200068870000808182838485868788898a8b8c8d8e8f9091929394959697" +
            "98999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7" +
            "b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7" +
            "d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7" +
            "f8f9fafbfcfdfeff",
            "45000054100240004006a74ec0a80102c0a801019c4013890100010002000000" +
            "50192000889c0000000102030405060708090a0b0c0d0e0f1011121314151617" +
            "18191a1b1c1d1e1f202122232425262728292a2b",
        ];
        using SaTransform sa = Transform(LsoD7Tests.Spec, 0);
        var frames = new byte[3][];
        for (int k = 0; k < 3; k++)
        {
            byte[] iv = Hex.Parse($"000000000000000{k + 1}");
            FramedPacket framed = PacketFramer.Frame(Hex.Parse(plain[k]), [Framing(LsoD7Tests.Spec, (ulong)k + 1, iv) with { EspPadAlignment = alignment }]);
            FramedHeader esp = framed.Headers[0];
            int padLength = framed.PadLength;
            if (zeroPadding)
            {
                framed.Packet.AsSpan(esp.ProtectedOffset + esp.ProtectedLength - 2 - padLength, padLength).Clear();
            }

            Assert.That(OutboundProcessor.Process(framed.Packet, new OutboundRequest([sa], false)), Is.Null);
            frames[k] = framed.Packet;
        }

        return frames;
    }

    [Test]
    public void ReprotectedD7_WithRightPadding_MatchesThePublishedFramesAndPasses()
    {
        byte[][] frames = ReprotectD7(4, zeroPadding: false);
        HexAssert.AreEqual(LsoD7Tests.WireFrames[2], frames[2], "D7 frame 2 rebuilt");
        Assert.That(CheckD7(frames), Is.Empty);
    }

    [Test]
    public void NonMinimalPadding_IsReported() =>
        ExpectReported(CheckD7(ReprotectD7(8, zeroPadding: false)),
            "segment 2: ESP Pad Length 6, minimal RFC 4303 padding for 64 payload bytes at alignment 4 is 2");

    [Test]
    public void ZeroPaddingContents_IsReported() =>
        ExpectReported(CheckD7(ReprotectD7(4, zeroPadding: true)),
            "segment 0: ESP padding byte 0 is 0x00, RFC 4303 default padding has 0x01");

    [Test]
    public void WrongFirstSequenceNumber_IsReportedForEverySegment() =>
        ExpectReported(LsoOracle.Check(LsoD7Tests.Spec, LsoD7Tests.SuperPacket, 128, LargeSendOffloadType.V1, 2, D7Frames()),
            "segment 0: ESP SN_low 0x00000001, expected 0x00000002", "segment 2: ESP SN_low 0x00000003, expected 0x00000004");

    [Test]
    public void WrongMss_IsReported() =>
        ExpectReported(LsoOracle.Check(LsoD7Tests.Spec, LsoD7Tests.SuperPacket, 100, LargeSendOffloadType.V1, 1, D7Frames()),
            "segment 0: 128 payload bytes; every segment but the last carries MSS = 100", "segment 1: TCP sequence number");

    [Test]
    public void EsnHighHalfWrong_IsReported()
    {
        Random random = TestSeeds.Create(0x0E5);
        SaSpec spec = Algorithms[13].Spec(random, Spi, esn: true, 0); // AES-GMAC-128
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 300 }, random);
        const ulong First = 0xFFFF_FFFF;
        LsoRun run = Run(spec, plain, 100, LargeSendOffloadType.V1, First, random);
        Assert.That(run.Problems, Is.Empty, run.ToString());
        ExpectReported(LsoOracle.Check(spec, plain, 100, LargeSendOffloadType.V1, First + (1UL << 32), run.Segmentation!.Segments),
            "segment 0: aes-gmac-128 ICV does not verify", "SN_high 0x00000001", "segment 1: aes-gmac-128 ICV does not verify");
    }

    [Test]
    public void FinFlagNotInOriginal_IsReported()
    {
        Random random = TestSeeds.Create(0xF1);
        SaSpec spec = Algorithms[12].Spec(random, Spi); // ESP-NULL + SHA-256: cleartext, so the flags can be edited and re-MACed
        byte[] plain = TcpPacket(new PacketShape { IPv6 = true, PayloadLength = 300, Flags = TcpFlags.Ack | TcpFlags.Fin }, random);
        LsoRun run = Run(spec, plain, 100, LargeSendOffloadType.V2, 9, random);
        Assert.That(run.Problems, Is.Empty, run.ToString());
        // Claim the original had no FIN: only the last segment (which carries FIN) then disagrees.
        byte[] noFin = plain.ToArray();
        noFin[40 + 13] &= 0xFE;
        ExpectReported(LsoOracle.Check(spec, noFin, 100, LargeSendOffloadType.V2, 9, run.Segmentation!.Segments),
            "segment 2: TCP flags 0x11, expected 0x10");
    }
}
