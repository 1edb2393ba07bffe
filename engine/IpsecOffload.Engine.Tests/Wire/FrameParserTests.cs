using System.Buffers.Binary;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Tests.Wire;

public class FrameParserTests
{
    private static readonly LayoutHints EspNullSha256 = new(new EspLayoutHint(0, 16, PayloadIsCleartext: true));

    private static string Shape(ParsedFrame frame) =>
        string.Join(" ", frame.Layers.Select(l => $"{l.Name}:{l.Kind}@{l.Offset}+{l.Length}"));

    [TestCaseSource(typeof(KnownPackets), nameof(KnownPackets.All))]
    public void PublishedPacket_ParsesAtIpStartAndBehindEthernetWithTwoTags(byte[] packet)
    {
        ParsedFrame ip = FrameParser.Parse(packet, FrameStart.Ip);
        byte[] frame = KnownPackets.WithEthernet(packet, 100, 4095);
        ParsedFrame ethernet = FrameParser.Parse(frame);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ip.Error, Is.Null, Shape(ip));
            Assert.That(ethernet.Error, Is.Null, Shape(ethernet));
            Assert.That(ethernet.Layers.Select(l => l.Offset - 22).Skip(3), Is.EqualTo(ip.Layers.Select(l => l.Offset)));
            Assert.That(ethernet.FindAll(FrameLayerKind.VlanTag).Select(l => l.Offset), Is.EqualTo(new[] { 12, 16 }));
        }
    }

    [Test]
    public void Rfc3602Case5_IsIPv4ThenEspHeaderThenOpaqueData()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.Rfc3602Case5Wire, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo("IPv4:IPv4@0+20 ESP:Esp@20+8 ESP:EspData@28+96"));
        Assert.That(EspHeader.TryRead(KnownPackets.Rfc3602Case5Wire.AsSpan(20), out EspHeader esp), Is.True);
        Assert.That((esp.Spi, esp.SequenceNumber), Is.EqualTo((0x4321u, 1u)));
    }

    [Test]
    public void Rfc3602Case7_WithCbcHintAndPadLength_PlacesIvPayloadAndTrailer()
    {
        var hints = new LayoutHints(new EspLayoutHint(16, 0, PadLength: 10));
        ParsedFrame frame = FrameParser.Parse(KnownPackets.Rfc3602Case7Wire, FrameStart.Ip, hints);
        Assert.That(Shape(frame), Is.EqualTo("IPv4:IPv4@0+20 ESP:Esp@20+8 ESP:EspIv@28+16 ESP:EspPayload@44+84 ESP:EspTrailer@128+12"));
    }

    [Test]
    public void OdpEspNullTunnel_WithCleartextHint_ShowsInnerIPv4AndIcmpThenTrailerAndIcv()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.OdpIpv4EspTunnelNull, FrameStart.Ip, EspNullSha256);
        Assert.That(Shape(frame), Is.EqualTo(
            "IPv4:IPv4@0+20 ESP:Esp@20+8 InnerIPv4:IPv4@28+20 InnerICMP:Icmp@48+8 InnerICMP:Payload@56+100 " +
            "ESP:EspTrailer@156+4 ESP:EspIcv@160+16"));
    }

    [Test]
    public void OdpEspNullTunnel_WithoutHint_StopsAtEspData()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.OdpIpv4EspTunnelNull, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo("IPv4:IPv4@0+20 ESP:Esp@20+8 ESP:EspData@28+148"));
    }

    [Test]
    public void OdpNatT_IsUdpEncapsulationThenEsp()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.OdpIpv4EspUdp, FrameStart.Ip, EspNullSha256);
        Assert.That(Shape(frame), Is.EqualTo(
            "IPv4:IPv4@0+20 UDP:UdpEncapsulation@20+8 ESP:Esp@28+8 ICMP:Icmp@36+8 ICMP:Payload@44+100 ESP:EspTrailer@144+4 ESP:EspIcv@148+16"));
    }

    [Test]
    public void OdpIPv6NatT_IsHopByHopThenUdpEncapsulationThenEsp()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.OdpIpv6EspUdp, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo(
            "IPv6:IPv6@0+40 IPv6HopByHop:IPv6HopByHop@40+8 UDP:UdpEncapsulation@48+8 ESP:Esp@56+8 ESP:EspData@64+128"));
    }

    [Test]
    public void OdpIPv6Ah_IsHopByHopThenAhThenIcmpv6()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.OdpIpv6AhSha256, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo(
            "IPv6:IPv6@0+40 IPv6HopByHop:IPv6HopByHop@40+8 AH:Ah@48+32 ICMPv6:Icmpv6@80+8 ICMPv6:Payload@88+100"));
    }

    [Test]
    public void OdpAhTunnelOverIPv6_ShowsTheInnerIPv4Packet()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.OdpAhTunnelIpv6, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo(
            "IPv6:IPv6@0+40 AH:Ah@40+32 InnerIPv4:IPv4@72+20 InnerICMP:Icmp@92+8 InnerICMP:Payload@100+100"));
    }

    [Test]
    public void D3AhWithIPv4Options_HeaderIs36BytesWithIhl9()
    {
        ParsedFrame frame = FrameParser.Parse(KnownPackets.D3AhIpv4Options, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo("IPv4:IPv4@0+36 AH:Ah@36+24 ICMP:Icmp@60+8 ICMP:Payload@68+16"));
    }

    [Test]
    public void IPv6ChainWithEveryExtensionKind_IsListedInOrder()
    {
        byte[] packet = IPv6ExtensionChainTests.Build(IpProtocol.HopByHop, IpProtocol.DestinationOptions, IpProtocol.Routing, IpProtocol.Fragment, IpProtocol.DestinationOptions);
        ParsedFrame frame = FrameParser.Parse(KnownPackets.WithEthernet(packet, 7), FrameStart.Ethernet);
        Assert.That(Shape(frame), Is.EqualTo(
            "Ethernet:Ethernet@0+18 Vlan0:VlanTag@12+4 IPv6:IPv6@18+40 IPv6HopByHop:IPv6HopByHop@58+8 " +
            "IPv6DestinationOptions:IPv6DestinationOptions@66+16 IPv6Routing:IPv6Routing@82+24 IPv6Fragment:IPv6Fragment@106+8 " +
            "IPv6DestinationOptions:IPv6DestinationOptions@114+8 UDP:Udp@122+8 UDP:Payload@130+4"));
    }

    [Test]
    public void NonFirstIPv6Fragment_PayloadIsOpaque()
    {
        byte[] packet = IPv6ExtensionChainTests.Build([IpProtocol.Fragment], fragmentOffset: 3);
        ParsedFrame frame = FrameParser.Parse(packet, FrameStart.Ip);
        Assert.That(Shape(frame), Is.EqualTo("IPv6:IPv6@0+40 IPv6Fragment:IPv6Fragment@40+8 IPv6:Payload@48+12"));
    }

    [Test]
    public void EthernetPadding_AfterTheIPDatagram_IsATrailer()
    {
        byte[] frame = [.. KnownPackets.WithEthernet(KnownPackets.D3AhIpv4Options), 0, 0, 0, 0, 0, 0];
        ParsedFrame parsed = FrameParser.Parse(frame);
        Assert.That(parsed.Layers[^1], Is.EqualTo(new FrameLayer(FrameLayerKind.Trailer, "Ethernet", 14 + 84, 6)));
    }

    [Test]
    public void NonIpEtherType_IsEthernetPayload()
    {
        byte[] frame = KnownPackets.WithEthernet(KnownPackets.OdpIpv4Icmp0);
        frame[12] = 0x88;
        frame[13] = 0x47;
        Assert.That(Shape(FrameParser.Parse(frame)), Is.EqualTo("Ethernet:Ethernet@0+14 Ethernet:Payload@14+128"));
    }

    [TestCase("ff", "UDP:Udp@0+8 UDP:NatKeepalive@8+1", TestName = "NatT_OneFFByte_IsKeepalive")]
    [TestCase("00000000 2a2a2a2a", "UDP:Udp@0+8 UDP:NonEspMarker@8+4 IKE:Payload@12+4", TestName = "NatT_ZeroMarker_IsIke")]
    public void NatTPortPayload_IsClassified(string payloadHex, string expectedTail)
    {
        byte[] payload = IpsecOffload.Testing.Hex.Parse(payloadHex);
        byte[] packet = new byte[20 + 8 + payload.Length];
        new IPv4Header { Version = 4, Ihl = 5, Options = Array.Empty<byte>(), TotalLength = (ushort)packet.Length, Ttl = 64, Protocol = IpProtocol.Udp, Source = 0x0A00_0001, Destination = 0x0A00_0002 }.Write(packet);
        new UdpHeader { SourcePort = 4500, DestinationPort = 4500, DatagramLength = (ushort)(8 + payload.Length) }.Write(packet.AsSpan(20));
        payload.CopyTo(packet, 28);
        ParsedFrame frame = FrameParser.Parse(packet, FrameStart.Ip);
        Assert.That(string.Join(" ", frame.Layers.Skip(1).Select(l => $"{l.Name}:{l.Kind}@{l.Offset - 20}+{l.Length}")), Is.EqualTo(expectedTail));
    }

    [Test]
    public void EthernetFrameCutInsideIPv4Header_ReportsOffsetAndBothLengths()
    {
        byte[] frame = KnownPackets.WithEthernet(KnownPackets.Rfc3602Case5Wire).AsSpan(0, 26).ToArray();
        ParsedFrame parsed = FrameParser.Parse(frame);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.IsValid, Is.False);
            Assert.That(parsed.ErrorOffset, Is.EqualTo(0x0E));
            Assert.That(parsed.Error!.Status, Is.EqualTo(NdisStatus.InvalidLength));
            Assert.That(parsed.Error.Message, Is.EqualTo("IPv4 header at 0x0e needs 20 bytes, frame has 12"));
            Assert.That(parsed.Layers.Select(l => l.Kind), Is.EqualTo(new[] { FrameLayerKind.Ethernet }));
        }
    }

    [Test]
    public void IPv4TotalLengthLongerThanTheFrame_IsALengthError()
    {
        byte[] packet = KnownPackets.Rfc3602Case5Wire.AsSpan(0, 100).ToArray();
        ParsedFrame parsed = FrameParser.Parse(packet, FrameStart.Ip);
        Assert.That(parsed.Error, Is.EqualTo(new NdisError(NdisStatus.InvalidLength, "IPv4.TotalLength",
            "IPv4 header at 0x00 has total length 124, frame has 100 bytes from there")));
    }

    [Test]
    public void IhlBelowFive_IsRejected()
    {
        byte[] packet = (byte[])KnownPackets.OdpIpv4Icmp0.Clone();
        packet[0] = 0x44;
        ParsedFrame parsed = FrameParser.Parse(packet, FrameStart.Ip);
        Assert.That(parsed.Error!.Message, Is.EqualTo("IPv4 header at 0x00 has IHL 4 (16 bytes), below the minimum 5 (20 bytes)"));
    }

    [Test]
    public void UdpLengthLongerThanTheDatagram_IsALengthError()
    {
        byte[] packet = (byte[])KnownPackets.OdpIpv4EspUdp.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), 0x0091);
        ParsedFrame parsed = FrameParser.Parse(packet, FrameStart.Ip);
        Assert.That(parsed.Error, Is.EqualTo(new NdisError(NdisStatus.InvalidLength, "UDP.Length",
            "UDP header at 0x14 has length 145, IPv4 leaves 144 bytes for it (minimum 8)")));
    }

    [Test]
    public void EspHintLongerThanThePacket_IsALengthError()
    {
        var hints = new LayoutHints(new EspLayoutHint(16, 200));
        ParsedFrame parsed = FrameParser.Parse(KnownPackets.Rfc3602Case5Wire, FrameStart.Ip, hints);
        Assert.That(parsed.Error!.Message, Is.EqualTo("ESP at 0x14 with a 16-byte IV and a 200-byte ICV needs at least 226 bytes, packet has 104"));
    }

    [Test]
    public void CleartextEspWhosePadLengthRunsIntoTheHeader_IsALengthError()
    {
        byte[] packet = (byte[])KnownPackets.OdpIpv4EspNullSha256.Clone();
        packet[138] = 200;
        ParsedFrame parsed = FrameParser.Parse(packet, FrameStart.Ip, EspNullSha256);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.Error!.Field, Is.EqualTo("ESP.PadLength"));
            Assert.That(parsed.ErrorOffset, Is.EqualTo(138));
            Assert.That(parsed.Error.Message, Is.EqualTo("ESP pad length 200 at 0x8a needs 202 trailer bytes, 112 follow the IV"));
        }
    }

    [Test]
    public void InnerHeaderFault_NamesTheInnerLayer()
    {
        byte[] packet = (byte[])KnownPackets.OdpAhTunnelIpv6.Clone();
        packet[72] = 0x65;
        ParsedFrame parsed = FrameParser.Parse(packet, FrameStart.Ip);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.Error!.Field, Is.EqualTo("InnerIPv4.VersionIhl"));
            Assert.That(parsed.Error.Message, Is.EqualTo("InnerIPv4 header at 0x48 has version 6, expected 4"));
        }
    }

    [TestCaseSource(typeof(KnownPackets), nameof(KnownPackets.All))]
    public void PublishedPacketTruncatedAtEveryLength_FailsWithAnOffsetAndNeverThrows(byte[] packet)
    {
        byte[] frame = KnownPackets.WithEthernet(packet, 10);
        foreach ((byte[] bytes, FrameStart start) in new[] { (packet, FrameStart.Ip), (frame, FrameStart.Ethernet) })
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                ParsedFrame parsed = FrameParser.Parse(bytes.AsSpan(0, length), start, EspNullSha256);
                Assert.That(parsed.Error, Is.Not.Null, $"{start} length {length}");
                Assert.That(parsed.ErrorOffset, Is.InRange(0, length), $"{start} length {length}");
                Assert.That(parsed.Error!.Message, Does.Contain($" at 0x{parsed.ErrorOffset:x2} "), $"{start} length {length}");
            }
        }
    }

    [Test]
    public void RandomBytes_NeverThrow()
    {
        Random random = IpsecOffload.Testing.TestSeeds.Create(301);
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 120)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && i % 2 == 0)
            {
                bytes[0] = (byte)((i % 4 == 0 ? 0x40 : 0x60) | (bytes[0] & 0x0F));
            }

            var hints = new LayoutHints(new EspLayoutHint(random.Next(0, 20), random.Next(0, 20), random.Next(2) == 0), new AhLayoutHint(0, 12));
            Assert.That(() => FieldLayout.Describe(bytes, hints, i % 3 == 0 ? FrameStart.Ethernet : FrameStart.Ip), Throws.Nothing,
                $"iteration {i} seed {IpsecOffload.Testing.TestSeeds.Current}: {IpsecOffload.Testing.Hex.Format(bytes)}");
        }
    }
}
