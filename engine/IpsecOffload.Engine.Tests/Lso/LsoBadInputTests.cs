using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Lso.LsoTestKit;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>
/// Every class of LSO input the segmenter refuses (docs/decisions/lso-bad-input.md), with its SEND-21
/// status (INVALID_LENGTH for lengths, FAILURE otherwise) and a message with the numbers. Base: an IPv4
/// TCP packet, 20-byte TCP header, 1000 payload bytes, AES-GCM-128 (ICV 16), MSS 400, LSOv1 — ESP at
/// 0x14, TCP at 0x24 (frame offset 50), PadLength 2 (RFC 4303 minimal for 1020 bytes).
/// </summary>
public sealed class LsoBadInputTests
{
    private const int Salt = 0x1B0;

    private sealed record Case(LsoFramedPacket Framed, SaSpec Spec, LsoRequest Request);

    private static Case Base(LargeSendOffloadType version = LargeSendOffloadType.V1, int payload = 1000, bool esn = false, ulong sn = 5)
    {
        Random random = TestSeeds.Create(Salt);
        SaSpec spec = Gcm128.Spec(random, Spi, esn);
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = payload }, random);
        LsoFramedPacket framed = LsoFramer.Frame(plain, Framing(spec, sn, FirstIv(spec, sn, random)), 400, version);
        LsoRequest request = version == LargeSendOffloadType.V1
            ? LsoRequest.FromV1(framed.LsoV1Info, framed.HeaderInfo)
            : LsoRequest.FromV2(framed.LsoV2Info, framed.HeaderInfo);
        return new Case(framed, spec, request);
    }

    private static NdisError? Segment(Case c, byte[]? packet = null, LsoRequest? request = null, SaTransform? sa = null)
    {
        using SaTransform own = Transform(c.Spec, 0);
        bool ok = LsoSegmenter.TrySegment(packet ?? c.Framed.Packet, sa ?? own, request ?? c.Request, out LsoSegmentation? result, out NdisError? error);
        Assert.That(ok, Is.EqualTo(result is not null));
        return error;
    }

    private static void Expect(NdisError? error, NdisStatus status, string field, params string[] fragments)
    {
        Assert.That(error, Is.Not.Null, "the segmenter accepted the packet");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Status, Is.EqualTo(status), error.ToString());
            Assert.That(error.Field, Does.Contain(field), error.ToString());
            foreach (string fragment in fragments)
            {
                Assert.That(error.Message, Does.Contain(fragment), error.ToString());
            }

            Assert.That(status.IsValidSendCompletion(), Is.True, "SEND-21 allows the status");
        }
    }

    [Test]
    public void BaseCase_IsAccepted() => Assert.That(Segment(Base()), Is.Null);

    [Test]
    public void MssZero_FailsNamingTheField()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { Mss = 0 }), NdisStatus.Failure, "LsoV1Transmit.MSS", "is 0");
    }

    [Test]
    public void PadLengthBeyondTrailingBytes_IsInvalidLength()
    {
        Case c = Base(payload: 3); // TCP 23 bytes → PadLength 3; 6 bytes follow the TCP header
        Assert.That(c.Framed.PadLength, Is.EqualTo(3));
        Expect(Segment(c, request: c.Request with { HeaderInfo = c.Request.HeaderInfo with { PadLength = 7 } }),
            NdisStatus.InvalidLength, "PadLength", "is 7", "only 6 bytes follow the TCP header", "0x38");
    }

    [Test]
    public void HeadersNotInFirstMdl_Fails()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { FirstMdlLength = 69 }), NdisStatus.Failure, "MDL", "holds 69 bytes", "(70 bytes)", "SEND-19");
        Assert.That(Segment(c, request: c.Request with { FirstMdlLength = 70 }), Is.Null, "exactly the headers in the first MDL is enough");
    }

    [Test]
    public void SegmentAboveMtu_IsInvalidLength_AndFitsWithJumboMtu()
    {
        Case c = Base(payload: 3000);
        LsoRequest big = c.Request with { Mss = 1460 };
        // 20 + 8 + 8 + 20 + 1460 + pad 2 + 2 + 16 = 1536.
        Expect(Segment(c, request: big), NdisStatus.InvalidLength, "MSS", "MSS 1460", "1536-byte IP datagram", "MTU 1500");
        Assert.That(Segment(c, request: big with { Mtu = LsoRequest.JumboMtu }), Is.Null);
    }

    [Test]
    public void MssLargestThatFits_IsAccepted()
    {
        Case c = Base(payload: 3000);
        Assert.That(Segment(c, request: c.Request with { Mss = 1424 }), Is.Null, "20 + 8 + 8 + 20 + 1424 + pad 2 + 2 + 16 = 1500");
    }

    [TestCase(4u, TestName = "TcpHeaderOffset_FourPastTcp_Fails")]
    [TestCase(0xFFFF_FFF8u, TestName = "TcpHeaderOffset_EightBeforeTcp_Fails")]
    public void TcpHeaderOffset_NotOnTcpHeader_Fails(uint delta)
    {
        Case c = Base();
        uint offset = unchecked(c.Request.TcpHeaderOffset + delta);
        Expect(Segment(c, request: c.Request with { TcpHeaderOffset = offset }), NdisStatus.Failure, "TcpHeaderOffset",
            $"is {offset}", "not on the TCP header", "puts it at 36 (frame offset 50)");
    }

    [Test]
    public void NextHeaderNotTcp_Fails()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { HeaderInfo = c.Request.HeaderInfo with { NextHeader = IpProtocol.Udp } }),
            NdisStatus.Failure, "NextHeader", "is 17", "TCP only");
    }

    [Test]
    public void PlainTcpPacketWithoutEsp_Fails()
    {
        Random random = TestSeeds.Create(Salt + 1);
        Case c = Base();
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 100 }, random);
        Expect(Segment(c, packet: plain), NdisStatus.Failure, "IPv4.Protocol", "is 6", "ESP (50)");
    }

    [Test]
    public void AhSa_IsRefused()
    {
        Case c = Base();
        using var ah = new SaTransform(IpsecProtocol.Ah, Spi, false, 0, null, null,
            DotNetCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacSha256, new byte[32]));
        Expect(Segment(c, sa: ah), NdisStatus.Failure, "OffloadHandle", "Ah SA 0x9c3e71a5", "ESP only");
    }

    [Test]
    public void TunnelHandlePresent_IsRefused()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { TunnelHandlePresent = true }), NdisStatus.Failure, "TunnelHandle", "SEND-16");
    }

    [Test]
    public void NonEsnSequenceNumberWouldWrap_Fails()
    {
        Case c = Base(sn: 0xFFFF_FFFE); // 3 segments: 0xFFFFFFFE, 0xFFFFFFFF, then a wrap
        Expect(Segment(c), NdisStatus.Failure, "ESP.SequenceNumber", "3 segments from SN 0xfffffffe", "32-bit counter must not wrap");
    }

    [Test]
    public void EsnSequenceNumberAcrossLowHalf_IsAccepted() => Assert.That(Segment(Base(esn: true, sn: 0xFFFF_FFFE)), Is.Null);

    [Test]
    public void LsoV1TotalLengthDisagreesWithNb_IsInvalidLength()
    {
        Case c = Base();
        byte[] packet = c.Framed.Packet.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(packet.Length - 1));
        Expect(Segment(c, packet: packet), NdisStatus.InvalidLength, "IPv4.TotalLength", $"{packet.Length - 1}", $"{packet.Length}-byte NB");
    }

    [Test]
    public void LsoV2TotalLengthZero_IsAccepted()
    {
        Case c = Base(LargeSendOffloadType.V2);
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(c.Framed.Packet.AsSpan(2)), Is.Zero);
        Assert.That(Segment(c), Is.Null);
    }

    [Test]
    public void EspHeaderOffsetNotOnEsp_Fails()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { HeaderInfo = c.Request.HeaderInfo with { EspHeaderOffset = 6 } }),
            NdisStatus.Failure, "EspHeaderOffset", "6 × 4 = 24 bytes is not on the ESP header", "at 0x14");
    }

    [Test]
    public void AhHeaderOffsetSet_Fails()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { HeaderInfo = c.Request.HeaderInfo with { AhHeaderOffset = 5 } }),
            NdisStatus.Failure, "AhHeaderOffset", "is 5 (20 bytes)");
    }

    [Test]
    public void SpiMismatch_Fails()
    {
        Case c = Base();
        byte[] packet = c.Framed.Packet.ToArray();
        packet[20] ^= 0x80;
        Expect(Segment(c, packet: packet), NdisStatus.Failure, "ESP.Spi", "0x1c3e71a5", "0x9c3e71a5");
    }

    [Test]
    public void IPv4PacketOnIPv6Sa_Fails()
    {
        Case c = Base();
        Expect(Segment(c, request: c.Request with { IsIPv6Sa = true }), NdisStatus.Failure, "IP.Version", "IPv4 packet on an IPv6 SA");
    }

    [Test]
    public void LsoV2IPVersionMismatch_Fails()
    {
        Case c = Base(LargeSendOffloadType.V2);
        Expect(Segment(c, request: c.Request with { IPVersion = LargeSendOffloadIPVersion.IPv6 }), NdisStatus.Failure, "LsoV2Transmit.IPVersion", "says IPv6", "is IPv4");
    }

    [Test]
    public void TruncatedTcpHeader_IsInvalidLength()
    {
        Case c = Base();
        byte[] packet = c.Framed.Packet[..40];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 40);
        Expect(Segment(c, packet: packet), NdisStatus.InvalidLength, "TCP", "0x24", "needs 20 bytes");
    }

    [Test]
    public void EmptyPacket_IsInvalidLength() => Expect(Segment(Base(), packet: []), NdisStatus.InvalidLength, "IP.Version", "empty");

    [Test]
    public void FromSlot_DecodesV1AndV2()
    {
        IPsecOffloadV2HeaderTransmit header = new(6, 0, 0, 5);
        LsoRequest v2 = LsoRequest.FromSlot(0xC360_05B4, NdisAbi.X86, header); // spec digest §2.6 test vector
        LsoRequest v1 = LsoRequest.FromSlot(new LsoV1Transmit(0xA_BCDE, 0x2F1).ToSlot(NdisAbi.X64), NdisAbi.X64, header);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((v2.Version, v2.Mss, v2.TcpHeaderOffset, v2.IPVersion), Is.EqualTo((LargeSendOffloadType.V2, 1460u, 54u, LargeSendOffloadIPVersion.IPv6)));
            Assert.That((v1.Version, v1.Mss, v1.TcpHeaderOffset), Is.EqualTo((LargeSendOffloadType.V1, 0xA_BCDEu, 0x2F1u)));
        }
    }

    [Test]
    public void Framer_RefusesWhatTheTransportNeverSends()
    {
        Random random = TestSeeds.Create(Salt + 2);
        SaSpec spec = Gcm128.Spec(random, Spi);
        byte[] tcp = TcpPacket(new PacketShape { PayloadLength = 10 }, random);
        byte[] udp = tcp.ToArray();
        udp[9] = IpProtocol.Udp;
        byte[] longHeaders = TcpPacket(new PacketShape { IPv6 = true, HopByHop = true, TcpOptionsLength = 40, PayloadLength = 10 }, random);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => LsoFramer.Frame(udp, Framing(spec, 1, new byte[8]), 100, LargeSendOffloadType.V1),
                Throws.ArgumentException.With.Message.Contains("found protocol 17"));
            Assert.That(() => LsoFramer.Frame(tcp, Framing(spec, 1, new byte[8]) with { Protocol = IpsecProtocol.Ah }, 100, LargeSendOffloadType.V1),
                Throws.ArgumentException.With.Message.Contains("transport-mode ESP"));
            Assert.That(() => LsoFramer.Frame(tcp, Framing(spec, 1, new byte[8]), 0, LargeSendOffloadType.V1),
                Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => LsoFramer.Frame(longHeaders, Framing(spec, 1, new byte[8]), 100, LargeSendOffloadType.V2),
                Throws.ArgumentException.With.Message.Contains("= 138 header bytes"));
        }
    }
}
