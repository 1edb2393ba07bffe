using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using static IpsecOffload.Engine.Tests.Send.VectorBuild;

namespace IpsecOffload.Engine.Tests.Send;

/// <summary>
/// Every class of input the processor refuses, with the SEND-21 status (INVALID_LENGTH for lengths,
/// FAILURE otherwise) and a message with the numbers. Base packet: ODP pkt_ipv4_icmp_0 framed with
/// ESP-NULL + HMAC-SHA-256-128 (ESP at 0x14, 156 bytes) or AH HMAC-SHA-256-128.
/// </summary>
public sealed class OutboundValidationTests
{
    private static readonly DotNetCryptoBackend Backend = DotNetCryptoBackend.Instance;

    private static SaTransform EspNullSha256(uint spi = 0x7b) => new(IpsecProtocol.Esp, spi, false, 0,
        Backend.CreateCipher(CryptoAlgorithm.EspNull, []), null, Backend.CreateIntegrity(CryptoAlgorithm.HmacSha256, H(Rep("5a", 32))));

    private static SaTransform AhSha256(uint spi = 0x7b) => new(IpsecProtocol.Ah, spi, false, 0,
        null, null, Backend.CreateIntegrity(CryptoAlgorithm.HmacSha256, H(Rep("5a", 32))));

    private static SaTransform AesCbcSha1() => new(IpsecProtocol.Esp, 0x7b, false, 0,
        Backend.CreateCipher(CryptoAlgorithm.AesCbc128, H(Rep("a5", 16))), null, Backend.CreateIntegrity(CryptoAlgorithm.HmacSha1, H(Rep("5a", 20))));

    private static FramedPacket Frame(SaTransform sa, byte[]? input = null, int? padAlignment = null, int? icvLength = null)
    {
        FramingSa framing = FramingSa.For(sa, 1, new byte[sa.IvLength]);
        framing = framing with { EspPadAlignment = padAlignment ?? framing.EspPadAlignment, IcvLength = icvLength ?? framing.IcvLength };
        return PacketFramer.Frame(input ?? SendVectors.OdpIcmp4, [framing]);
    }

    private static void Expect(NdisError? error, NdisStatus status, string field, params string[] fragments)
    {
        Assert.That(error, Is.Not.Null, "the processor accepted the packet");
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

    private static NdisError? Process(byte[] packet, SaTransform sa, IPsecOffloadV2HeaderTransmit? oob, bool ipv6 = false) =>
        OutboundProcessor.Process(packet, new OutboundRequest([sa], ipv6, oob));

    [Test]
    public void OobEspOffset_OutsidePacket_FailsWithOffsetAndLength()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo with { EspHeaderOffset = 255 }),
            NdisStatus.Failure, "EspHeaderOffset", "255 × 4 = 1020 bytes", "156-byte packet");
    }

    [Test]
    public void OobEspOffset_NotOnEspHeader_FailsNamingTheRealOffset()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo with { EspHeaderOffset = 6 }),
            NdisStatus.Failure, "EspHeaderOffset", "24 bytes is not on the ESP header", "at 0x14");
    }

    [Test]
    public void OobEspOffset_ZeroWithEspSa_Fails()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo with { EspHeaderOffset = 0 }),
            NdisStatus.Failure, "EspHeaderOffset", "is 0 (no ESP header)", "0x0000007b");
    }

    [Test]
    public void EspSpi_DiffersFromSa_FailsWithBothSpis()
    {
        using SaTransform framer = EspNullSha256(), sa = EspNullSha256(0xdead_beef);
        FramedPacket framed = Frame(framer);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo), NdisStatus.Failure, "ESP.Spi", "SPI 0x0000007b", "0xdeadbeef");
    }

    [Test]
    public void AhSpi_DiffersFromSa_FailsWithBothSpis()
    {
        using SaTransform framer = AhSha256(), sa = AhSha256(0x1234_5678);
        FramedPacket framed = Frame(framer);
        Expect(Process(framed.Packet, sa, null), NdisStatus.Failure, "AH.Spi", "SPI 0x0000007b", "0x12345678");
    }

    [Test]
    public void IPv4TotalLength_DisagreesWithBuffer_InvalidLength()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        byte[] longer = [.. framed.Packet, 0, 0, 0, 0];
        Expect(Process(longer, sa, framed.V2HeaderInfo), NdisStatus.InvalidLength, "IPv4.TotalLength", "Total Length 156", "160-byte buffer");
    }

    [Test]
    public void IPv4Header_Truncated_InvalidLength()
    {
        using SaTransform sa = EspNullSha256();
        Expect(Process(Frame(sa).Packet[..12], sa, null), NdisStatus.InvalidLength, "IPv4", "needs 20 bytes, 12 are there");
    }

    [Test]
    public void AhHeader_Truncated_InvalidLength()
    {
        using SaTransform sa = AhSha256();
        byte[] packet = IPv4("45000000000000004000000001020304" + "05060708", 51, H("0405000000"));
        Expect(Process(packet, sa, null), NdisStatus.InvalidLength, "AH.SequenceNumber", "needs 12 bytes, the datagram has 5");
    }

    [Test]
    public void PadLength_DiffersFromOob_Fails()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo with { PadLength = 3 }),
            NdisStatus.Failure, "PadLength", "is 3", "pad length byte at 0x8a is 2");
    }

    [Test]
    public void NextHeader_DiffersFromOob_Fails()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo with { NextHeader = 6 }),
            NdisStatus.Failure, "NextHeader", "is 6", "next header byte at 0x8b is 1");
    }

    [Test]
    public void PaddedLength_NotOnSaAlignment_InvalidLength()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa, padAlignment: 1);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo), NdisStatus.InvalidLength, "ESP.PadLength",
            "110 bytes (pad length 0)", "4-byte alignment");
    }

    [Test]
    public void PadLengthByte_RunsBeforePayloadStart_InvalidLength()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        framed.Packet[0x8a] = 200;
        Expect(Process(framed.Packet, sa, null), NdisStatus.InvalidLength, "ESP.PadLength", "says 200 padding bytes, only 110 precede it");
    }

    [Test]
    public void IcvPlaceholder_Missing_InvalidLength()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa, Carrier(59, []), icvLength: 0);
        Expect(Process(framed.Packet, sa, null), NdisStatus.InvalidLength, "ESP.Icv", "need 26 bytes, the datagram has 12");
    }

    [Test]
    public void CbcPayload_NotBlockMultiple_InvalidLength()
    {
        using SaTransform sa = AesCbcSha1();
        byte[] withOptions = H("49b8003c123440004001b565c0a86f02c0a8de0294040000070b040a00000100000000000800ad8a12340001000102030405060708090a0b0c0d0e0f");
        FramedPacket framed = Frame(sa, withOptions, padAlignment: 4);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo), NdisStatus.InvalidLength, "ESP.PayloadData",
            "is 28 bytes, not a multiple of the aes-cbc-128 block size 16");
    }

    [Test]
    public void AhSa_OnEspPacket_Fails()
    {
        using SaTransform esp = EspNullSha256(), ah = AhSha256();
        Expect(Process(Frame(esp).Packet, ah, null), NdisStatus.Failure, "AH", "AH SA 0x0000007b", "carries ESP at 0x14 and no AH header");
    }

    [Test]
    public void EspSa_OnAhPacket_Fails()
    {
        using SaTransform esp = EspNullSha256(), ah = AhSha256();
        Expect(Process(Frame(ah).Packet, esp, null), NdisStatus.Failure, "ESP", "ESP SA 0x0000007b", "carries AH at 0x14 and no ESP header");
    }

    [Test]
    public void EspSa_OnPlainPacket_FailsNamingTheLastProtocol()
    {
        using SaTransform esp = EspNullSha256();
        Expect(Process((byte[])SendVectors.OdpIcmp4.Clone(), esp, null), NdisStatus.Failure, "ESP", "ends with protocol 1 at 0x14");
    }

    [Test]
    public void IPv6Packet_OnIPv4Sa_Fails()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp6, [FramingSa.For(sa, 1, Array.Empty<byte>())]);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo, ipv6: false), NdisStatus.Failure, "IP.Version", "IPv6 packet on an IPv4 SA");
    }

    [Test]
    public void IPv4Packet_OnIPv6Sa_Fails()
    {
        using SaTransform sa = EspNullSha256();
        Expect(Process(Frame(sa).Packet, sa, null, ipv6: true), NdisStatus.Failure, "IP.Version", "IPv4 packet on an IPv6 SA");
    }

    [Test]
    public void AhPayloadLength_DisagreesWithSaIcv_InvalidLength()
    {
        using SaTransform sa = AhSha256();
        FramedPacket framed = Frame(sa, icvLength: 12);
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo), NdisStatus.InvalidLength, "AH.PayloadLength",
            "Payload Len 4 (24 bytes)", "ICV 16 on IPv4 need 28 bytes");
    }

    [Test]
    public void UdpLength_DisagreesWithDatagram_InvalidLength()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp4, [FramingSa.For(sa, 1, Array.Empty<byte>(), udpEncapsulation: UdpEspPorts.NatTraversal)]);
        framed.Packet[0x19] = 0x80;
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo), NdisStatus.InvalidLength, "UDP.Length", "says 128 bytes", "144");
    }

    [Test]
    public void MalformedIPv4Option_UnderAh_Fails()
    {
        using SaTransform sa = AhSha256();
        // IHL 6: a Record Route option (0x07) whose length byte 68 runs past the 24-byte header.
        FramedPacket framed = Frame(sa, IPv4("46000000000000004000000001020304050607080744" + "0000", 1, []));
        Expect(Process(framed.Packet, sa, framed.V2HeaderInfo), NdisStatus.Failure, "IPv4.Options", "option 0x07 at 0x14 has length 68");
    }

    [Test]
    public void FailedValidation_LeavesPacketUnchanged()
    {
        using SaTransform sa = EspNullSha256();
        FramedPacket framed = Frame(sa);
        byte[] before = (byte[])framed.Packet.Clone();
        _ = Process(framed.Packet, sa, framed.V2HeaderInfo with { NextHeader = 6 });
        Testing.HexAssert.AreEqual(before, framed.Packet, "packet after a refused send");
    }
}
