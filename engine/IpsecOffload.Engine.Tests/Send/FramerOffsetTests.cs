using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Send.VectorBuild;

namespace IpsecOffload.Engine.Tests.Send;

/// <summary>The OOB header information the framer reports (SEND-12/13, AMB-07: byte offsets from the outermost IP header).</summary>
public sealed class FramerOffsetTests
{
    // D3's plaintext: IPv4 with IHL 9 (Router Alert + Record Route + EOL), ICMP.
    private static readonly byte[] IPv4WithOptions =
        H("49b8003c123440004001b565c0a86f02c0a8de0294040000070b040a00000100000000000800ad8a12340001000102030405060708090a0b0c0d0e0f");

    private static FramingSa Esp(uint spi = 0x0102_0304, int iv = 16, int icv = 12, TunnelHeader? tunnel = null, UdpEspPorts? udp = null) => new()
    {
        Protocol = IpsecProtocol.Esp, Spi = spi, SequenceNumber = 0x1_2345_6789, Iv = new byte[iv], IcvLength = icv,
        EspPadAlignment = 16, Tunnel = tunnel, UdpEncapsulation = udp,
    };

    private static FramingSa Ah(uint spi = 0xa1b2_c3d4, int icv = 16) => new()
    {
        Protocol = IpsecProtocol.Ah, Spi = spi, SequenceNumber = 0xfedc_ba98, IcvLength = icv,
    };

    /// <summary>IPv6 ‖ HbH(8) ‖ Routing type 0 (24, one address) ‖ DestOpts(8) ‖ UDP(8): ESP/AH go after the routing header.</summary>
    private static byte[] IPv6WithExtensionHeaders()
    {
        byte[] body = H("2b00010400000000" + "3c02000100000000" + "20010db8000000000000000000000099" + "1100010400000000" + "ffee00350008abcd");
        byte[] packet = [.. H("6000000000000040"), .. H("20010db8000000000000000000000001"), .. H("20010db8000000000000000000000002"), .. body];
        packet[5] = (byte)body.Length;
        return packet;
    }

    private static TunnelHeader Outer4 => TunnelHeader.IPv4(0xc633_6401, 0xcb00_7107);

    private static TunnelHeader Outer6 => TunnelHeader.IPv6(H("20010db8000000000000000000000011"), H("20010db8000000000000000000000022"));

    [Test]
    public void IPv4WithOptions_EspTransport_OffsetIsAfterOptions()
    {
        FramedPacket framed = PacketFramer.Frame(IPv4WithOptions, [Esp()]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.EspHeaderOffset, Is.EqualTo(36));
            Assert.That(framed.AhHeaderOffset, Is.Zero);
            Assert.That(framed.NextHeader, Is.EqualTo(1));
            Assert.That(framed.PadLength, Is.EqualTo(6), "24 payload bytes + 2 padded to 16");
        }
    }

    [Test]
    public void IPv4WithOptions_AhOverEsp_AhAtOptionsEndEspBehindIt()
    {
        FramedPacket framed = PacketFramer.Frame(IPv4WithOptions, [Esp(), Ah()]);
        IPsecOffloadV2HeaderTransmit oob = framed.V2HeaderInfo;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.AhHeaderOffset, Is.EqualTo(36));
            Assert.That(framed.EspHeaderOffset, Is.EqualTo(36 + 28));
            Assert.That(oob.AhHeaderOffset, Is.EqualTo(9));
            Assert.That(oob.EspHeaderOffset, Is.EqualTo(16));
            Assert.That(framed.Packet[9], Is.EqualTo(51), "IPv4 Protocol");
            Assert.That(framed.Packet[36], Is.EqualTo(50), "AH Next Header");
            Assert.That(framed.Packet[36 + 28 + 7], Is.EqualTo(0x89), "ESP carries SN low 0x23456789");
        }
    }

    [Test]
    public void IPv6WithExtensionHeaders_Esp_OffsetAfterRoutingHeaderDestOptsStaysInside()
    {
        FramedPacket framed = PacketFramer.Frame(IPv6WithExtensionHeaders(), [Esp()]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.EspHeaderOffset, Is.EqualTo(40 + 8 + 24));
            Assert.That(framed.NextHeader, Is.EqualTo(60), "trailer Next Header = the Destination Options that follow");
            Assert.That(framed.Packet[48], Is.EqualTo(50), "routing header Next Header");
        }
    }

    [Test]
    public void IPv6WithExtensionHeaders_Ah_PaddedTo8AndOffsetAfterRouting()
    {
        FramedPacket framed = PacketFramer.Frame(IPv6WithExtensionHeaders(), [Ah()]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.AhHeaderOffset, Is.EqualTo(72));
            Assert.That(framed.Packet[72 + 1], Is.EqualTo(6), "AH Payload Len for 32 bytes");
            Assert.That(framed.NextHeader, Is.Zero, "AH-only bundle has no ESP trailer");
        }
    }

    [TestCase(false, 20)]
    [TestCase(true, 40)]
    public void Tunnel_EspOffsetIsOuterHeaderLength(bool ipv6Outer, int expected)
    {
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp4, [Esp(tunnel: ipv6Outer ? Outer6 : Outer4)]);
        Assert.That(framed.EspHeaderOffset, Is.EqualTo(expected));
        Assert.That(framed.NextHeader, Is.EqualTo(4));
    }

    [Test]
    public void UdpEsp_IPv4_EspOffsetAfterUdpAndChecksumZero()
    {
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp4, [Esp(udp: new UdpEspPorts(0x1194, 0xa1b2))]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.EspHeaderOffset, Is.EqualTo(28));
            Assert.That(framed.Headers[0].UdpOffset, Is.EqualTo(20));
            HexAssert.AreEqual("1194a1b2", framed.Packet.AsSpan(20, 4), "UDP ports");
            HexAssert.AreEqual("0000", framed.Packet.AsSpan(26, 2), "UDP checksum");
        }
    }

    [Test]
    public void UdpEsp_IPv6Hbh_EspOffsetAfterHbhAndUdp()
    {
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp6, [Esp(udp: UdpEspPorts.NatTraversal)]);
        Assert.That(framed.EspHeaderOffset, Is.EqualTo(40 + 8 + 8));
    }

    [Test]
    public void TransportOverTunnel_OffsetsLocateInnerSaAndProcessorAcceptsThem()
    {
        using var inner = new SaTransform(IpsecProtocol.Esp, 0x1111_2222, false, 0,
            DotNetCryptoBackend.Instance.CreateCipher(CryptoAlgorithm.AesCbc128, H(Rep("a5", 16))), null,
            DotNetCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacSha1, H(Rep("5a", 20))));
        using var outer = new SaTransform(IpsecProtocol.Esp, 0x3333_4444, true, 7, null,
            DotNetCryptoBackend.Instance.CreateAead(CryptoAlgorithm.AesGcm128, H(Rep("c3", 20)), 16), null);
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp4, [FramingSa.For(inner, 5, new byte[16])],
            [FramingSa.For(outer, 0x7_0000_0009, H("0000000700000009"), Outer4)]);
        Assert.That(framed.EspHeaderOffset, Is.EqualTo(20 + 8 + 8 + 20), "inner ESP behind outer IPv4, outer ESP, GCM IV, inner IPv4");
        byte[] before = (byte[])framed.Packet.Clone();
        NdisError? error = OutboundProcessor.Process(framed.Packet,
            new OutboundRequest([inner], false, framed.V2HeaderInfo, [outer]));
        Assert.That(error, Is.Null, () => error!.ToString());

        // Undo the tunnel with BouncyCastle, then check the inner ESP with BouncyCastle's HMAC/CBC.
        using IAeadTransform gcm = BouncyCastleCryptoBackend.Instance.CreateAead(CryptoAlgorithm.AesGcm128, H(Rep("c3", 20)), 16);
        byte[] packet = framed.Packet;
        byte[] data = packet[36..^16];
        Assert.That(gcm.TryDecrypt(packet.AsSpan(28, 8), H("3333444400000007" + "00000009"), data, packet.AsSpan(packet.Length - 16)), Is.True, "tunnel tag with ESN AAD");
        using IIntegrityTransform sha1 = BouncyCastleCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacSha1, H(Rep("5a", 20)));
        // Inner packet: IPv4 (20) ‖ ESP 8 ‖ IV 16 ‖ ciphertext 112 ‖ ICV 12.
        sha1.Append(data.AsSpan(20, 8 + 16 + 112));
        Assert.That(sha1.FinishAndVerify(data.AsSpan(20 + 8 + 16 + 112, 12)), Is.True, "inner ESP ICV");
        HexAssert.AreEqual(before.AsSpan(0, 28), packet.AsSpan(0, 28), "outer header and tunnel ESP header untouched");
    }

    [Test]
    public void OffsetBeyond1020_V2HeaderInfoReportsError()
    {
        // An IPv6 Hop-by-Hop header of 1024 bytes (Hdr Ext Len 127) puts ESP at 1064.
        byte[] hbh = new byte[1024];
        hbh[0] = 59;
        hbh[1] = 127;
        // The remaining 1022 option bytes are Pad1 (0x00).
        byte[] packet = [.. H("6000000004000040"), .. new byte[32], .. hbh];
        FramedPacket framed = PacketFramer.Frame(packet, [Esp(iv: 8, icv: 16)]);
        Assert.That(framed.TryGetV2HeaderInfo(out _, out NdisError? error), Is.False);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.EspHeaderOffset, Is.EqualTo(1064));
            Assert.That(error!.Field, Does.EndWith("EspHeaderOffset"));
            Assert.That(error.Message, Does.Contain("1064").And.Contain("1020"));
            Assert.That(() => framed.V2HeaderInfo, Throws.InvalidOperationException);
        }
    }

    [Test]
    public void OffsetNotMultipleOf4_V2HeaderInfoReportsError()
    {
        // A tunnel ESP with a 6-byte IV moves the inner transport ESP to 20 + 8 + 6 + 20 = 54.
        FramedPacket framed = PacketFramer.Frame(SendVectors.OdpIcmp4, [Esp()], [Esp(iv: 6, tunnel: Outer4)]);
        Assert.That(framed.TryGetV2HeaderInfo(out _, out NdisError? error), Is.False);
        Assert.That(framed.EspHeaderOffset, Is.EqualTo(54));
        Assert.That(error!.Message, Does.Contain("54 is not 4-byte aligned"));
    }
}
