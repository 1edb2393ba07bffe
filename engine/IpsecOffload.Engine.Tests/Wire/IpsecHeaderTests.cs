using IpsecOffload.Engine.Wire;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Wire;

public class IpsecHeaderTests
{
    // wire-formats §1.3 formula checked against the pad lengths the published vectors carry.
    [TestCase(64, 16, 14, TestName = "MinimalPad_Rfc3602Case5_64ByteIcmpAesCbc_Is14")]
    [TestCase(28, 16, 2, TestName = "MinimalPad_Rfc3602Case6_28ByteIcmpAesCbc_Is2")]
    [TestCase(84, 16, 10, TestName = "MinimalPad_Rfc3602Case7_84ByteTunnelAesCbc_Is10")]
    [TestCase(108, 4, 2, TestName = "MinimalPad_OdpEspNull_108ByteIcmp_Is2")]
    [TestCase(42, 4, 0, TestName = "MinimalPad_OdpEspNull_42ByteUdp_Is0")]
    [TestCase(0, 8, 6, TestName = "MinimalPad_EmptyPayload3Des_Is6")]
    public void MinimalPadLength_MatchesPublishedVector(int payloadLength, int alignment, int expected)
    {
        Assert.That(EspTrailer.MinimalPadLength(payloadLength, alignment), Is.EqualTo(expected));
    }

    [TestCase(1, 4)]
    [TestCase(8, 8)]
    [TestCase(16, 16)]
    [TestCase(3, 12)]
    public void Alignment_IsLcmOfBlockSizeAndFour(int blockSize, int expected)
    {
        Assert.That(EspTrailer.Alignment(blockSize), Is.EqualTo(expected));
    }

    [Test]
    public void CreateDefault_Rfc3602Case5_WritesOneToFourteenThenPadLengthAndNextHeader()
    {
        EspTrailer trailer = EspTrailer.CreateDefault(64, 16, IpProtocol.Icmp);
        byte[] wire = new byte[trailer.Length];
        trailer.Write(wire);
        HexAssert.AreEqual("0102030405060708090a0b0c0d0e 0e 01", wire, "trailer");
    }

    [TestCase(new byte[0], -1)]
    [TestCase(new byte[] { 1, 2, 3 }, -1)]
    [TestCase(new byte[] { 0, 0 }, 0)]
    [TestCase(new byte[] { 1, 2, 4 }, 2)]
    [TestCase(new byte[] { 3, 3, 3 }, 0)]
    public void FindPaddingMismatch_ReportsFirstByteThatIsNotItsPosition(byte[] padding, int expected)
    {
        Assert.That(EspTrailer.FindPaddingMismatch(padding), Is.EqualTo(expected));
    }

    [Test]
    public void TrailerOfOdpEspNullPacket_ReadsPadLength2NextHeader1DefaultPadding()
    {
        byte[] packet = KnownPackets.OdpIpv4EspNullSha256;
        Assert.That(EspTrailer.TryRead(packet.AsSpan(28, packet.Length - 28 - 16), out EspTrailer trailer), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(trailer.PadLength, Is.EqualTo(2));
            Assert.That(trailer.NextHeader, Is.EqualTo(IpProtocol.Icmp));
            Assert.That(trailer.HasDefaultPadding, Is.True);
        }
    }

    [Test]
    public void Trailer_PadLengthRunningPastTheStart_FailsWithNumbers()
    {
        byte[] plaintext = [1, 2, 3, 9, 4];
        Assert.That(EspTrailer.TryRead(plaintext, out _, out WireFault fault), Is.False);
        Assert.That(fault.Message, Is.EqualTo("says 9 padding bytes, only 3 precede it"));
    }

    // wire-formats §2.1 table.
    [TestCase(12, 0, false, 24)]
    [TestCase(12, 0, true, 24)]
    [TestCase(16, 0, false, 28)]
    [TestCase(16, 0, true, 32)]
    [TestCase(24, 0, false, 36)]
    [TestCase(24, 0, true, 40)]
    [TestCase(32, 0, false, 44)]
    [TestCase(32, 0, true, 48)]
    [TestCase(16, 8, false, 36)]
    [TestCase(16, 8, true, 40)]
    public void AhLength_MatchesTheAlignmentTable(int icv, int iv, bool ipv6, int expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AhHeader.LengthFor(icv, iv, ipv6), Is.EqualTo(expected));
            Assert.That(AhHeader.PaddingLengthFor(icv, iv, ipv6), Is.EqualTo(expected - 12 - iv - icv));
        }
    }

    [Test]
    public void AhOfOdpIPv4Vector_ReadsNextHeader1PayloadLength5Spi7bSeq1()
    {
        Assert.That(AhHeader.TryRead(KnownPackets.OdpIpv4AhSha256.AsSpan(20), out AhHeader ah), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ah.NextHeader, Is.EqualTo(IpProtocol.Icmp));
            Assert.That(ah.PayloadLength, Is.EqualTo(5));
            Assert.That(ah.Length, Is.EqualTo(28));
            Assert.That(ah.Spi, Is.EqualTo(0x7Bu));
            Assert.That(ah.SequenceNumber, Is.EqualTo(1u));
            HexAssert.AreEqual("6c2ef71f7c7039a34a7701479e457351", ah.IcvAndPadding.Span, "ICV");
        }
    }

    [Test]
    public void AhOfOdpIPv6TunnelVector_IsThirtyTwoBytesEndingInFourZeroPadBytes()
    {
        Assert.That(AhHeader.TryRead(KnownPackets.OdpAhTunnelIpv6.AsSpan(40), out AhHeader ah), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ah.NextHeader, Is.EqualTo(IpProtocol.IPv4));
            Assert.That(ah.PayloadLength, Is.EqualTo(6));
            Assert.That(ah.Length, Is.EqualTo(AhHeader.LengthFor(16, 0, ipv6: true)));
            HexAssert.AreEqual("00000000", ah.IcvAndPadding.Span[16..], "AH padding");
        }
    }

    [Test]
    public void Ah_PayloadLengthBeyondTheBuffer_FailsWithNumbers()
    {
        byte[] ah = KnownPackets.OdpIpv4AhSha256.AsSpan(20, 27).ToArray();
        Assert.That(AhHeader.TryRead(ah, out _, out WireFault fault), Is.False);
        Assert.That(fault.Message, Is.EqualTo("with Payload Len 5 needs 28 bytes, frame has 27"));
    }

    [TestCase("ff", UdpEncapsulatedKind.NatKeepalive)]
    [TestCase("", UdpEncapsulatedKind.Unknown)]
    [TestCase("fe", UdpEncapsulatedKind.Unknown)]
    [TestCase("ffff", UdpEncapsulatedKind.Unknown)]
    [TestCase("00000000 0102030405060708", UdpEncapsulatedKind.Ike)]
    [TestCase("0000007b 00000001", UdpEncapsulatedKind.Esp)]
    [TestCase("80000000", UdpEncapsulatedKind.Esp)]
    public void UdpPayloadOnNatTPort_IsClassifiedPerRfc3948(string hex, UdpEncapsulatedKind expected)
    {
        Assert.That(UdpEncapsulation.Classify(Hex.Parse(hex)), Is.EqualTo(expected));
    }

    [Test]
    public void Keepalive_And_NonEspMarker_AreWrittenAsRfc3948Says()
    {
        byte[] keepalive = new byte[1];
        byte[] marker = [9, 9, 9, 9];
        UdpEncapsulation.WriteKeepalive(keepalive);
        UdpEncapsulation.WriteNonEspMarker(marker);
        HexAssert.AreEqual("ff", keepalive, "keepalive");
        HexAssert.AreEqual("00000000", marker, "marker");
    }
}
