using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Engine.Tests.Wire;

public class FieldLayoutTests
{
    private static readonly LayoutHints EspNullSha256 = new(new EspLayoutHint(0, 16, PayloadIsCleartext: true));

    // RFC 3602 case 5 as an IP packet: IPv4 [0,20), SPI [20,24), SN [24,28), IV [28,44), payload 64, pad 14.
    [TestCase(0x00, "IPv4.VersionIhl")]
    [TestCase(0x0A, "IPv4.HeaderChecksum[0]")]
    [TestCase(0x0B, "IPv4.HeaderChecksum[1]")]
    [TestCase(0x13, "IPv4.Destination[3]")]
    [TestCase(0x14, "ESP.SPI[0]")]
    [TestCase(0x18, "ESP.SequenceNumber[0]")]
    [TestCase(0x1B, "ESP.SequenceNumber[3]")]
    [TestCase(0x21, "ESP.IV[5]")]
    [TestCase(0x2C, "ESP.Payload[0]")]
    [TestCase(0x6B, "ESP.Payload[63]")]
    [TestCase(0x6C, "ESP.Padding[0]")]
    [TestCase(0x79, "ESP.Padding[13]")]
    [TestCase(0x7A, "ESP.PadLength")]
    [TestCase(0x7B, "ESP.NextHeader")]
    [TestCase(0x7C, "Frame.PastEnd[0]")]
    public void Rfc3602Case5IpPacket_WithCbcHint_NamesEachByte(int offset, string name)
    {
        var hints = new LayoutHints(new EspLayoutHint(16, 0, PadLength: 14));
        FieldLayoutMap map = FieldLayout.Describe(KnownPackets.Rfc3602Case5Wire, hints, FrameStart.Ip);
        Assert.That(map.NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(0x1C, "ESP.Data[0]")]
    [TestCase(0x7B, "ESP.Data[95]")]
    public void Rfc3602Case5IpPacket_WithoutHint_NamesEspDataRegion(int offset, string name)
    {
        Assert.That(FieldLayout.Describe(KnownPackets.Rfc3602Case5Wire, start: FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [Test]
    public void Rfc3602Case5_WithIvAndIcvButNoPadLength_NamesCiphertext()
    {
        FieldLayoutMap map = FieldLayout.Describe(KnownPackets.Rfc3602Case5Wire, new LayoutHints(new EspLayoutHint(16, 0)), FrameStart.Ip);
        Assert.That((map.NameAt(0x2B), map.NameAt(0x2C), map.NameAt(0x7B)), Is.EqualTo(("ESP.IV[15]", "ESP.Ciphertext[0]", "ESP.Ciphertext[79]")));
    }

    // The same packet behind a 14-byte Ethernet header: ESP starts at 0x22, so 0x18 is the IPv4 checksum.
    [TestCase(0x02, "Ethernet.Destination[2]")]
    [TestCase(0x0B, "Ethernet.Source[5]")]
    [TestCase(0x0C, "Ethernet.EtherType[0]")]
    [TestCase(0x18, "IPv4.HeaderChecksum[0]")]
    [TestCase(0x22, "ESP.SPI[0]")]
    [TestCase(0x26, "ESP.SequenceNumber[0]")]
    [TestCase(0x29, "ESP.SequenceNumber[3]")]
    public void Rfc3602Case5EthernetFrame_NamesEachByte(int offset, string name)
    {
        byte[] frame = KnownPackets.WithEthernet(KnownPackets.Rfc3602Case5Wire);
        Assert.That(FieldLayout.Describe(frame).NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(0x0C, "Vlan0.Tpid[0]")]
    [TestCase(0x0F, "Vlan0.Tci[1]")]
    [TestCase(0x10, "Vlan1.Tpid[0]")]
    [TestCase(0x14, "Ethernet.EtherType[0]")]
    [TestCase(0x15, "Ethernet.EtherType[1]")]
    [TestCase(0x16, "IPv4.VersionIhl")]
    public void DoubleTaggedFrame_NamesTagsAndFinalEtherType(int offset, string name)
    {
        byte[] frame = KnownPackets.WithEthernet(KnownPackets.OdpIpv4Icmp0, 10, 20);
        Assert.That(FieldLayout.Describe(frame).NameAt(offset), Is.EqualTo(name));
    }

    // ODP ESP-NULL + HMAC-SHA-256-128 transport: ICMP in clear at 28, trailer 01 02 02 01 at 136, ICV at 140.
    [TestCase(28, "ICMP.Type")]
    [TestCase(31, "ICMP.Checksum[1]")]
    [TestCase(32, "ICMP.Identifier[0]")]
    [TestCase(35, "ICMP.SequenceNumber[1]")]
    [TestCase(36, "ICMP.Payload[0]")]
    [TestCase(136, "ESP.Padding[0]")]
    [TestCase(137, "ESP.Padding[1]")]
    [TestCase(138, "ESP.PadLength")]
    [TestCase(139, "ESP.NextHeader")]
    [TestCase(140, "ESP.ICV[0]")]
    [TestCase(155, "ESP.ICV[15]")]
    public void OdpEspNull_WithCleartextHint_NamesInnerAndTrailerBytes(int offset, string name)
    {
        FieldLayoutMap map = FieldLayout.Describe(KnownPackets.OdpIpv4EspNullSha256, EspNullSha256, FrameStart.Ip);
        Assert.That(map.NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(31, "InnerIPv4.TotalLength[1]")]
    [TestCase(48, "InnerICMP.Type")]
    [TestCase(156, "ESP.Padding[0]")]
    public void OdpEspNullTunnel_WithCleartextHint_NamesInnerPacket(int offset, string name)
    {
        FieldLayoutMap map = FieldLayout.Describe(KnownPackets.OdpIpv4EspTunnelNull, EspNullSha256, FrameStart.Ip);
        Assert.That(map.NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(1, "IPv6.TrafficClassFlowLabel")]
    [TestCase(2, "IPv6.FlowLabel[0]")]
    [TestCase(5, "IPv6.PayloadLength[1]")]
    [TestCase(6, "IPv6.NextHeader")]
    [TestCase(39, "IPv6.Destination[15]")]
    [TestCase(40, "IPv6HopByHop.NextHeader")]
    [TestCase(44, "IPv6HopByHop.Options[2]")]
    [TestCase(48, "ICMPv6.Type")]
    public void OdpIPv6Packet_NamesHeaderAndHopByHopBytes(int offset, string name)
    {
        Assert.That(FieldLayout.Describe(KnownPackets.OdpIpv6Icmp0, start: FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(20, "AH.NextHeader")]
    [TestCase(21, "AH.PayloadLength")]
    [TestCase(31, "AH.SequenceNumber[3]")]
    [TestCase(32, "AH.ICV[0]")]
    [TestCase(47, "AH.ICV[15]")]
    [TestCase(48, "ICMP.Type")]
    public void OdpAhIPv4_NamesAhFields(int offset, string name)
    {
        Assert.That(FieldLayout.Describe(KnownPackets.OdpIpv4AhSha256, start: FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(67, "AH.ICV[15]")]
    [TestCase(68, "AH.Padding[0]")]
    [TestCase(71, "AH.Padding[3]")]
    [TestCase(75, "InnerIPv4.TotalLength[1]")]
    [TestCase(92, "InnerICMP.Type")]
    public void OdpAhTunnelIPv6_WithAhHint_SplitsIcvAndPadding(int offset, string name)
    {
        var hints = new LayoutHints(Ah: new AhLayoutHint(0, 16));
        Assert.That(FieldLayout.Describe(KnownPackets.OdpAhTunnelIpv6, hints, FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(24, "UDP.Length[0]")]
    [TestCase(26, "UDP.Checksum[0]")]
    [TestCase(31, "ESP.SPI[3]")]
    public void OdpNatT_NamesUdpAndEsp(int offset, string name)
    {
        Assert.That(FieldLayout.Describe(KnownPackets.OdpIpv4EspUdp, start: FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(20, "IPv4.Options[0]")]
    [TestCase(22, "IPv4.Options[2]")]
    [TestCase(24, "IPv4.Options[4]")]
    [TestCase(35, "IPv4.Options[15]")]
    [TestCase(36, "AH.NextHeader")]
    public void D3IPv4Options_AreNamedByIndex(int offset, string name)
    {
        Assert.That(FieldLayout.Describe(KnownPackets.D3AhIpv4Options, start: FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [TestCase(24, "TCP.SequenceNumber[0]")]
    [TestCase(27, "TCP.SequenceNumber[3]")]
    [TestCase(32, "TCP.DataOffset")]
    [TestCase(33, "TCP.Flags")]
    [TestCase(36, "TCP.Checksum[0]")]
    [TestCase(40, "TCP.Payload[0]")]
    public void D7TcpSegment_NamesTcpFields(int offset, string name)
    {
        Assert.That(FieldLayout.Describe(KnownPackets.D7Frame0Plain, start: FrameStart.Ip).NameAt(offset), Is.EqualTo(name));
    }

    [TestCaseSource(typeof(KnownPackets), nameof(KnownPackets.All))]
    public void PublishedPacket_MapCoversEveryByteOnceWithoutUnparsedBytes(byte[] packet)
    {
        AssertContiguous(FieldLayout.Describe(KnownPackets.WithEthernet(packet, 1)));
    }

    [Test]
    public void EspNullPackets_WithCleartextHint_MapCoversEveryByteOnce()
    {
        foreach (byte[] packet in new[] { KnownPackets.OdpIpv4EspNullSha256, KnownPackets.OdpIpv4EspTunnelNull, KnownPackets.OdpIpv4EspUdp, KnownPackets.OdpIpv6EspNullSha256, KnownPackets.OdpIpv6EspUdp, KnownPackets.OdpIpv4UdpEspNull })
        {
            AssertContiguous(FieldLayout.Describe(packet, EspNullSha256, FrameStart.Ip));
        }
    }

    private static void AssertContiguous(FieldLayoutMap map)
    {
        int expected = 0;
        foreach (LayoutField field in map.Fields)
        {
            Assert.That(field.Offset, Is.EqualTo(expected), field.Name);
            Assert.That(field.Length, Is.GreaterThan(0), field.Name);
            Assert.That(field.Name, Does.Not.StartWith("Frame."), field.Name);
            Assert.That(field.Name, Does.Match(@"^[A-Za-z0-9]+\.[A-Za-z]+$"), field.Name);
            expected = field.End;
        }

        Assert.That(expected, Is.EqualTo(map.Length));
    }

    [Test]
    public void TruncatedFrame_NamesTheRestUnparsedAndKeepsTheError()
    {
        byte[] frame = KnownPackets.Rfc3602Case5Wire.AsSpan(0, 30).ToArray();
        FieldLayoutMap map = FieldLayout.Describe(frame, start: FrameStart.Ip);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(map.Error, Is.Not.Null);
            Assert.That(map.NameAt(0x0A), Is.EqualTo("Frame.Unparsed[10]"));
            Assert.That(map.Fields, Has.Length.EqualTo(1));
        }
    }

    [Test]
    public void NameOfRange_WholeFieldPartOfFieldAndAcrossFields()
    {
        FieldLayoutMap map = FieldLayout.Describe(KnownPackets.Rfc3602Case5Wire, start: FrameStart.Ip);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(map.NameOfRange(0x14, 4), Is.EqualTo("ESP.SPI"));
            Assert.That(map.NameOfRange(0x18, 2), Is.EqualTo("ESP.SequenceNumber[0..1]"));
            Assert.That(map.NameOfRange(0x16, 4), Is.EqualTo("ESP.SPI[2]..ESP.SequenceNumber[1]"));
            Assert.That(map.NameOfRange(0x09, 1), Is.EqualTo("IPv4.Protocol"));
        }
    }
}
