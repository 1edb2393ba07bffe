using System.Buffers.Binary;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Wire;

public class InternetChecksumTests
{
    // RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
    [Test]
    public void Rfc1071Example_SumsToDdf2_ChecksumIs220d()
    {
        byte[] data = Hex.Parse("0001f203f4f5f6f7");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(InternetChecksum.Sum(data), Is.EqualTo(0xDDF2u));
            Assert.That(InternetChecksum.Compute(data), Is.EqualTo((ushort)0x220D));
        }
    }

    [Test]
    public void OddLength_LastBytePaddedOnTheRight()
    {
        Assert.That(InternetChecksum.Sum(new byte[] { 0xAB }), Is.EqualTo(0xAB00u));
    }

    [TestCaseSource(typeof(KnownPackets), nameof(KnownPackets.AllIPv4))]
    public void PublishedIPv4Header_ChecksumVerifiesAndRecomputesToTheSameValue(byte[] packet)
    {
        int headerLength = (packet[0] & 0x0F) * 4;
        ReadOnlySpan<byte> header = packet.AsSpan(0, headerLength);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(IPv4Header.IsChecksumValid(header), Is.True);
            Assert.That(IPv4Header.ComputeChecksum(header), Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(10))));
        }
    }

    [Test]
    public void IPv4HeaderWithBadChecksum_DoesNotVerify_AndWriteChecksumRepairsIt()
    {
        byte[] header = KnownPackets.Rfc3602Case5Wire.AsSpan(0, 20).ToArray();
        header[11] ^= 0x01;
        Assert.That(IPv4Header.IsChecksumValid(header), Is.False);
        IPv4Header.WriteChecksum(header);
        HexAssert.AreEqual(KnownPackets.Rfc3602Case5Wire.AsSpan(0, 20), header, "repaired header");
    }

    [Test]
    public void TcpChecksumOfD7Frame0_WithIPv4PseudoHeader_Is88a7()
    {
        byte[] packet = KnownPackets.D7Frame0Plain;
        uint pseudo = InternetChecksum.PseudoHeaderSumIPv4(0xC0A8_0102, 0xC0A8_0101, IpProtocol.Tcp, (ushort)(packet.Length - 20));
        ReadOnlySpan<byte> segment = packet.AsSpan(20);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TcpHeader.ComputeChecksum(pseudo, segment), Is.EqualTo((ushort)0x88A7));
            Assert.That(InternetChecksum.IsValid(segment, pseudo), Is.True);
        }
    }

    [Test]
    public void IcmpChecksumsOfPublishedEchoRequests_RecomputeToTheCarriedValue()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(IcmpHeader.ComputeChecksum(KnownPackets.OdpIpv4Icmp0.AsSpan(20)), Is.EqualTo((ushort)0xFB37));
            Assert.That(IcmpHeader.ComputeChecksum(KnownPackets.Rfc3602Case5Plain.AsSpan(20)), Is.EqualTo((ushort)0x0EBD));
        }
    }

    [Test]
    public void UdpChecksumInsideOdpEspNullPacket_WithIPv4PseudoHeader_Is2343()
    {
        // Transport mode: the inner UDP checksum was computed with the original header (protocol 17).
        ReadOnlySpan<byte> udp = KnownPackets.OdpIpv4UdpEspNull.AsSpan(28, 0x2A);
        uint pseudo = InternetChecksum.PseudoHeaderSumIPv4(0xC0A8_0102, 0xC0A8_0101, IpProtocol.Udp, 0x2A);
        Assert.That(UdpHeader.ComputeChecksum(pseudo, udp), Is.EqualTo((ushort)0x2343));
    }

    [Test]
    public void UdpChecksumOfOdpIPv6NatTPacket_WithIPv6PseudoHeader_IsTheLinuxValueEb49()
    {
        // wire-formats §6.5: the ODP vector carries 0x0000; a Linux sender would put 0xeb49 there.
        byte[] packet = KnownPackets.OdpIpv6EspUdp;
        ReadOnlySpan<byte> udp = packet.AsSpan(48, 0x90);
        uint pseudo = InternetChecksum.PseudoHeaderSumIPv6(packet.AsSpan(8, 16), packet.AsSpan(24, 16), IpProtocol.Udp, 0x90);
        Assert.That(UdpHeader.ComputeChecksum(pseudo, udp), Is.EqualTo((ushort)0xEB49));
    }

    [Test]
    public void Sum_EveryLengthUpTo200_MatchesAWordByWordReference()
    {
        Random random = TestSeeds.Create(201);
        for (int length = 0; length <= 200; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            uint initial = (uint)random.Next(0, 0x1_00_00);
            Assert.That(InternetChecksum.Sum(data, initial), Is.EqualTo(ReferenceSum(data, initial)), $"length {length}, seed {TestSeeds.Current}");
        }
    }

    [Test]
    public void PartialSums_SplitAtAnyEvenOffset_ChainToTheWholeSum()
    {
        Random random = TestSeeds.Create(202);
        byte[] data = new byte[301];
        random.NextBytes(data);
        uint whole = InternetChecksum.Sum(data);
        for (int split = 0; split <= data.Length; split += 2)
        {
            uint chained = InternetChecksum.Sum(data.AsSpan(split), InternetChecksum.Sum(data.AsSpan(0, split)));
            uint combined = InternetChecksum.Combine(InternetChecksum.Sum(data.AsSpan(0, split)), InternetChecksum.Sum(data.AsSpan(split)));
            Assert.That((chained, combined), Is.EqualTo((whole, whole)), $"split {split}, seed {TestSeeds.Current}");
        }
    }

    [Test]
    public void IncrementalUpdate_Of16And32BitFields_EqualsRecomputation()
    {
        Random random = TestSeeds.Create(203);
        for (int i = 0; i < 256; i++)
        {
            byte[] header = new byte[20];
            random.NextBytes(header);
            header[0] = 0x45;
            IPv4Header.WriteChecksum(header);
            ushort before = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(10));

            ushort oldTotal = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
            ushort newTotal = (ushort)random.Next(0, 0x1_00_00);
            uint oldSource = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
            uint newSource = (uint)random.NextInt64(0, 1L << 32);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), newTotal);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), newSource);

            ushort updated = InternetChecksum.Update(InternetChecksum.Update(before, oldTotal, newTotal), oldSource, newSource);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), updated);
            Assert.That(IPv4Header.IsChecksumValid(header), Is.True, $"iteration {i}, seed {TestSeeds.Current}: {Hex.Format(header)}");
        }
    }

    [Test]
    public void ComputeExcludingField_IgnoresWhateverTheFieldHolds()
    {
        byte[] segment = KnownPackets.D7Frame0Plain.AsSpan(20).ToArray();
        uint pseudo = InternetChecksum.PseudoHeaderSumIPv4(0xC0A8_0102, 0xC0A8_0101, IpProtocol.Tcp, (ushort)segment.Length);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), 0x1234);
        Assert.That(TcpHeader.ComputeChecksum(pseudo, segment), Is.EqualTo((ushort)0x88A7));
    }

    private static uint ReferenceSum(byte[] data, uint initial)
    {
        uint sum = initial;
        for (int i = 0; i < data.Length; i += 2)
        {
            int word = data[i] * 256 + (i + 1 < data.Length ? data[i + 1] : 0);
            sum += (uint)word;
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return sum;
    }
}
