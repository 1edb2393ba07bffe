using System.Buffers.Binary;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Lso.LsoTestKit;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>The transport-side LSO layout (amb-04/05/06): lengths per LSO version, pad bytes, checksum partial sum, OOB words.</summary>
public sealed class LsoFramerTests
{
    private static LsoFramedPacket Frame(bool ipv6, LargeSendOffloadType version, LsoAlgorithm algorithm, int payload, out byte[] plain)
    {
        Random random = TestSeeds.Create(0x1F0 + payload);
        SaSpec spec = algorithm.Spec(random, Spi);
        plain = TcpPacket(new PacketShape { IPv6 = ipv6, HopByHop = ipv6, PayloadLength = payload, TcpOptionsLength = 12 }, random);
        return LsoFramer.Frame(plain, Framing(spec, 0x1_2345_6789, FirstIv(spec, 0x1_2345_6789, random)), 1000, version);
    }

    [TestCase(false, LargeSendOffloadType.V1, TestName = "IPv4_LsoV1_TotalLengthCountsPadBytes")]
    [TestCase(false, LargeSendOffloadType.V2, TestName = "IPv4_LsoV2_TotalLengthZero")]
    [TestCase(true, LargeSendOffloadType.V1, TestName = "IPv6_LsoV1_PayloadLengthCountsPadBytes")]
    [TestCase(true, LargeSendOffloadType.V2, TestName = "IPv6_LsoV2_PayloadLengthZero")]
    public void LengthField_FollowsTheLsoVersion(bool ipv6, LargeSendOffloadType version)
    {
        LsoFramedPacket framed = Frame(ipv6, version, Algorithms[7], 5001, out _); // AES-CBC-256: 16-byte alignment
        int field = BinaryPrimitives.ReadUInt16BigEndian(framed.Packet.AsSpan(ipv6 ? 4 : 2));
        int expected = version == LargeSendOffloadType.V2 ? 0 : framed.Packet.Length - (ipv6 ? 40 : 0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(field, Is.EqualTo(expected));
            if (!ipv6)
            {
                Assert.That(IPv4Header.IsChecksumValid(framed.Packet.AsSpan(0, 20)), Is.True, "IPv4 header checksum of the large header");
            }
        }
    }

    [TestCaseSource(typeof(LsoTestKit), nameof(Algorithms))]
    public void PadBytes_AreMinimalDefaultPaddingOfTheWholePayload(LsoAlgorithm algorithm)
    {
        LsoFramedPacket framed = Frame(true, LargeSendOffloadType.V2, algorithm, 3001, out byte[] plain);
        int tcpLength = plain.Length - 48;
        int expectedPad = EspTrailer.MinimalPadLength(tcpLength, algorithm.Spec(new Random(0), Spi).EspPadAlignment);
        byte[] pad = Enumerable.Range(1, expectedPad).Select(i => (byte)i).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(framed.PadLength, Is.EqualTo(expectedPad));
            HexAssert.AreEqual(pad, framed.Packet.AsSpan(framed.Packet.Length - expectedPad), "pad bytes 1, 2, 3, …");
            HexAssert.AreEqual(plain.AsSpan(48 + 32), framed.Packet.AsSpan(framed.TcpHeaderOffset + 32, 3001), "payload unchanged");
            Assert.That(framed.Packet, Has.Length.EqualTo(framed.TcpHeaderOffset + tcpLength + expectedPad));
            Assert.That(framed.HeaderInfo, Is.EqualTo(new IPsecOffloadV2HeaderTransmit(6, (byte)expectedPad, 0, 48 / 4)));
            Assert.That(framed.LsoV2Info, Is.EqualTo(new LsoV2Transmit(1000, (uint)(14 + framed.TcpHeaderOffset), LargeSendOffloadIPVersion.IPv6)));
            Assert.That(framed.Packet[6], Is.EqualTo(0), "IPv6 next header still hop-by-hop");
            Assert.That(framed.Packet[40], Is.EqualTo(50), "hop-by-hop next header now ESP");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(framed.Packet.AsSpan(52)), Is.EqualTo(0x2345_6789u), "SN_low");
        }
    }

    [Test]
    public void TcpChecksumField_HoldsThePseudoHeaderPartialSum()
    {
        LsoFramedPacket framed = Frame(true, LargeSendOffloadType.V1, Gcm128, 100, out byte[] plain);
        uint partial = InternetChecksum.PseudoHeaderSumIPv6(plain.AsSpan(8, 16), plain.AsSpan(24, 16), 6, 0);
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(framed.Packet.AsSpan(framed.TcpHeaderOffset + 16)), Is.EqualTo(partial));
    }
}
