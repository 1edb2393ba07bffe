using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Lso.LsoTestKit;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>
/// wire-formats §6.7 D7 (TSO + ESP transport, AES-GCM-128; derived, cross-checked per segment with Scapy):
/// the 340-byte super-packet, MSS 128, SPI 0x1000, SN 1, IV = 64-bit SN, three wire frames. Its IPv4 ID
/// 0x1000 is below 0x7FFF, so LSOv1 and LSOv2 give the same frames.
/// </summary>
public sealed class LsoD7Tests
{
    internal static readonly byte[] SuperPacket = Hex.Parse(
        "45000154100040004006a650c0a80102c0a801019c4013890100000002000000" +
        "50992000c7dc0000000102030405060708090a0b0c0d0e0f1011121314151617" +
        "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637" +
        "38393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f5051525354555657" +
        "58595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f7071727374757677" +
        "78797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f9091929394959697" +
        "98999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7" +
        "b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7" +
        "d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7" +
        "f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f1011121314151617" +
        "18191a1b1c1d1e1f202122232425262728292a2b");

    internal static readonly string[] WireFrames =
    [
        "450000cc100040004032a6acc0a80102c0a80101000010000000000100000000" +
        "000000011004b910f54e7cb906bab16ab2114142d775d497d1c00135f607bdb3" +
        "7851f0f25e79d3d2640148fffbebbd3f8780da8c1ab4b555a609e9aabda5b56f" +
        "70bd7beb188135b3bf4ede9da4f6312fe04137fca64c2a43fc21f1668ff9c7ab" +
        "8788a4510a2035d38ae33c4f8dbff733dc300773a1751119a26eb0de2a04bd2b" +
        "102e777a8e1c4affc25f8367904a79af2e03a1a470cbca846daf07cf9102258f" +
        "9fd8cb89f784ef621dea57ae",
        "450000cc100140004032a6abc0a80102c0a80101000010000000000200000000" +
        "00000002de51ee01649214e6a37aeb72c1634ece7a153b5df197ed331a5ceace" +
        "02f8c39c3ba2b5217981c0ffb098d62c3cdc4b5e03aef48e2094b9a4703e0bab" +
        "7e1f81df85227e5f57f5da3c727abbcbc01ff6183bf781a8e5647f8bd06d65b3" +
        "1bbe75bd912c22cb172250f5dbab5866c4daad01a4ef45b39deb6ba8c77bfc55" +
        "f1588229f11c99602f8f8cd2d062d9ca684f388df221687b5905a7f49b8cbd0f" +
        "8cc56ee62833def31b726c7e",
        "45000078100240004032a6fec0a80102c0a80101000010000000000300000000" +
        "000000033a131fbb85e0d8656d38ccf294e3a9acd599a532e0c624ea21965e9b" +
        "186febb1c20c1dbf6d0f0d27db5f2c7343bd67cc6d4f8cecd914f595b481ddd7" +
        "cb1619bbdb62217458f8c069cfb3614e2a75dd8658bcfd08",
    ];

    internal static SaSpec Spec => new()
    {
        Protocol = IpsecProtocol.Esp,
        Spi = 0x1000,
        Encryption = CryptoAlgorithm.AesGcm128,
        EncryptionKey = Hex.Parse("feffe9928665731c6d6a8f9467308308cafebabe"),
        IcvLength = 16,
    };

    private static LsoSegmentation Segment(LargeSendOffloadType version)
    {
        SaSpec spec = Spec;
        LsoFramedPacket framed = LsoFramer.Frame(SuperPacket, Framing(spec, 1, Hex.Parse("0000000000000001")), 128, version);
        using SaTransform sa = Transform(spec, 0);
        LsoRequest request = LsoRequest.FromSlot(framed.LsoSlot(NdisAbi.X64), NdisAbi.X64, framed.HeaderInfo);
        Assert.That(LsoSegmenter.TrySegment(framed.Packet, sa, request, out LsoSegmentation? result, out NdisError? error), Is.True, error?.ToString());
        return result!;
    }

    [TestCase(LargeSendOffloadType.V1, 0, TestName = "D7_LsoV1_Frame0_MatchesByteForByte")]
    [TestCase(LargeSendOffloadType.V1, 1, TestName = "D7_LsoV1_Frame1_MatchesByteForByte")]
    [TestCase(LargeSendOffloadType.V1, 2, TestName = "D7_LsoV1_Frame2_MatchesByteForByte")]
    [TestCase(LargeSendOffloadType.V2, 0, TestName = "D7_LsoV2_Frame0_MatchesByteForByte")]
    [TestCase(LargeSendOffloadType.V2, 1, TestName = "D7_LsoV2_Frame1_MatchesByteForByte")]
    [TestCase(LargeSendOffloadType.V2, 2, TestName = "D7_LsoV2_Frame2_MatchesByteForByte")]
    public void D7_Segmenter_MatchesPublishedFrame(LargeSendOffloadType version, int frame)
    {
        LsoSegmentation result = Segment(version);
        Assert.That(result.Segments, Has.Count.EqualTo(3));
        HexAssert.AreEqual(WireFrames[frame], result.Segments[frame], $"D7 frame {frame} ({version})");
    }

    [Test]
    public void D7_LsoV1Completion_Reports300PayloadBytes() =>
        Assert.That(Segment(LargeSendOffloadType.V1).V1Completion.TcpPayload, Is.EqualTo(300u));

    [Test]
    public void D7_Oracle_AcceptsThePublishedFrames()
    {
        IReadOnlyList<string> problems = LsoOracle.Check(Spec, SuperPacket, 128, LargeSendOffloadType.V1, 1, WireFrames.Select(Hex.Parse).ToArray());
        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [Test]
    public void D7_Framer_BuildsTheProfileLayout()
    {
        LsoFramedPacket framed = LsoFramer.Frame(SuperPacket, Framing(Spec, 1, Hex.Parse("0000000000000001")), 128, LargeSendOffloadType.V1);
        // IPv4 (total 20 + 8 + 8 + 20 + 300 + 2 pad = 358 = 0x166, protocol 50, checksum over this header),
        // ESP SPI 0x1000 SN 1, IV = SN, TCP with the pseudo-header partial sum 0x835a = c0a8+0102+c0a8+0101+0006 folded,
        // payload, pad bytes 01 02 (RFC 4303 minimal for 320 bytes at alignment 4).
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual("45000166100040004032a612c0a80102c0a80101" + "0000100000000001" + "0000000000000001", framed.Packet.AsSpan(0, 36), "headers");
            HexAssert.AreEqual("9c401389010000000200000050992000835a", framed.Packet.AsSpan(36, 18), "TCP header through the checksum");
            HexAssert.AreEqual("0102", framed.Packet.AsSpan(framed.Packet.Length - 2), "pad bytes");
            Assert.That(framed.Packet, Has.Length.EqualTo(358));
            Assert.That(framed.PadLength, Is.EqualTo(2));
            Assert.That(framed.HeaderInfo, Is.EqualTo(new IPsecOffloadV2HeaderTransmit(6, 2, 0, 5)));
            Assert.That(framed.LsoV1Info, Is.EqualTo(new LsoV1Transmit(128, 14 + 36)));
        }
    }
}
