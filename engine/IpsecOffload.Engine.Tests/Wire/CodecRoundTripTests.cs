using System.Buffers.Binary;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Wire;

/// <summary>
/// Every codec read/write round trip over full-range random bytes: random bytes (constrained only
/// where the format demands, e.g. version nibbles) are read, written back and compared; and random
/// full-range field values are written, read back, and the bytes at the RFC offsets checked.
/// Seeds come from <see cref="TestSeeds"/>; failures print seed and iteration.
/// </summary>
public class CodecRoundTripTests
{
    private const int Iterations = 256;

    private static void ForEachRandom(int salt, Action<Random, string> body)
    {
        Random random = TestSeeds.Create(salt);
        for (int i = 0; i < Iterations; i++)
        {
            body(random, $"seed {TestSeeds.Current} salt {salt} iteration {i}");
        }
    }

    private static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static uint U32(Random random) => (uint)random.NextInt64(0, 1L << 32);

    private static ushort U16(Random random) => (ushort)random.Next(0, 1 << 16);

    [Test]
    public void EthernetWithTags_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(101, (random, what) =>
        {
            int tags = random.Next(0, 4);
            byte[] wire = Bytes(random, 14 + (4 * tags));
            ushort[] tpids = [VlanTag.CustomerTpid, VlanTag.ServiceTpid, VlanTag.LegacyQinQTpid];
            for (int t = 0; t < tags; t++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan(12 + (4 * t)), tpids[random.Next(tpids.Length)]);
            }

            if (VlanTag.IsTagTpid(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(12 + (4 * tags)))))
            {
                wire[12 + (4 * tags)] = 0x08;
            }

            Assert.That(EthernetHeader.TryRead(wire, out EthernetHeader header), Is.True, what);
            Assert.That(header.Tags, Has.Length.EqualTo(tags), what);
            byte[] written = new byte[header.Length];
            header.Write(written);
            HexAssert.AreEqual(wire, written, what);
        });
    }

    [Test]
    public void EthernetWithTags_FullRangeFields_WriteThenReadGivesThemBack()
    {
        ForEachRandom(102, (random, what) =>
        {
            var tag = new VlanTag { Tpid = VlanTag.ServiceTpid, Priority = (byte)random.Next(8), DropEligible = random.Next(2) == 1, VlanId = (ushort)random.Next(4096) };
            var header = new EthernetHeader
            {
                Destination = (ulong)random.NextInt64(0, 1L << 48),
                Source = (ulong)random.NextInt64(0, 1L << 48),
                EtherType = EthernetHeader.EtherTypeIPv6,
                Tags = [tag, tag with { Tpid = VlanTag.CustomerTpid, VlanId = (ushort)random.Next(4096) }],
            };
            byte[] wire = new byte[header.Length];
            header.Write(wire);
            Assert.That(EthernetHeader.TryRead(wire, out EthernetHeader back), Is.True, what);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(back.Destination, Is.EqualTo(header.Destination), what);
                Assert.That(back.Source, Is.EqualTo(header.Source), what);
                Assert.That(back.EtherType, Is.EqualTo(header.EtherType), what);
                Assert.That(back.Tags, Is.EqualTo(header.Tags), what);
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(20)), Is.EqualTo(0x86DD), what);
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(14)) & 0x0F_FF, Is.EqualTo(tag.VlanId), what);
            }
        });
    }

    [Test]
    public void IPv4WithOptions_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(103, (random, what) =>
        {
            int ihl = random.Next(5, 16);
            byte[] wire = Bytes(random, ihl * 4);
            wire[0] = (byte)(0x40 | ihl);
            Assert.That(IPv4Header.TryRead(wire, out IPv4Header header), Is.True, what);
            byte[] written = new byte[header.HeaderLength];
            header.Write(written);
            HexAssert.AreEqual(wire, written, what);
        });
    }

    [Test]
    public void IPv4_FullRangeFields_WriteThenReadGivesThemBack()
    {
        ForEachRandom(104, (random, what) =>
        {
            var header = new IPv4Header
            {
                Version = 4,
                Ihl = 6,
                TypeOfService = (byte)random.Next(256),
                TotalLength = U16(random),
                Identification = U16(random),
                Flags = (IPv4Flags)random.Next(8),
                FragmentOffset = (ushort)random.Next(1 << 13),
                Ttl = (byte)random.Next(256),
                Protocol = (byte)random.Next(256),
                HeaderChecksum = U16(random),
                Source = U32(random),
                Destination = U32(random),
                Options = Bytes(random, 4),
            };
            byte[] wire = new byte[24];
            header.Write(wire);
            Assert.That(IPv4Header.TryRead(wire, out IPv4Header back), Is.True, what);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(back.TypeOfService, Is.EqualTo(header.TypeOfService), what);
                Assert.That(back.TotalLength, Is.EqualTo(header.TotalLength), what);
                Assert.That(back.Identification, Is.EqualTo(header.Identification), what);
                Assert.That(back.Flags, Is.EqualTo(header.Flags), what);
                Assert.That(back.FragmentOffset, Is.EqualTo(header.FragmentOffset), what);
                Assert.That(back.Ttl, Is.EqualTo(header.Ttl), what);
                Assert.That(back.Protocol, Is.EqualTo(header.Protocol), what);
                Assert.That(back.HeaderChecksum, Is.EqualTo(header.HeaderChecksum), what);
                Assert.That(back.Source, Is.EqualTo(header.Source), what);
                Assert.That(back.Destination, Is.EqualTo(header.Destination), what);
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(6)), Is.EqualTo(((int)header.Flags << 13) | header.FragmentOffset), what);
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(16)), Is.EqualTo(header.Destination), what);
            }
        });
    }

    [Test]
    public void IPv6_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(105, (random, what) =>
        {
            byte[] wire = Bytes(random, 40);
            wire[0] = (byte)(0x60 | (wire[0] & 0x0F));
            Assert.That(IPv6Header.TryRead(wire, out IPv6Header header), Is.True, what);
            byte[] written = new byte[40];
            header.Write(written);
            HexAssert.AreEqual(wire, written, what);
        });
    }

    [Test]
    public void IPv6_FullRangeFields_WriteThenReadGivesThemBack()
    {
        ForEachRandom(106, (random, what) =>
        {
            var header = new IPv6Header
            {
                Version = 6,
                TrafficClass = (byte)random.Next(256),
                FlowLabel = (uint)random.Next(1 << 20),
                PayloadLength = U16(random),
                NextHeader = (byte)random.Next(256),
                HopLimit = (byte)random.Next(256),
                Source = Bytes(random, 16),
                Destination = Bytes(random, 16),
            };
            byte[] wire = new byte[40];
            header.Write(wire);
            Assert.That(IPv6Header.TryRead(wire, out IPv6Header back), Is.True, what);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(back.TrafficClass, Is.EqualTo(header.TrafficClass), what);
                Assert.That(back.FlowLabel, Is.EqualTo(header.FlowLabel), what);
                Assert.That(back.PayloadLength, Is.EqualTo(header.PayloadLength), what);
                Assert.That(back.NextHeader, Is.EqualTo(header.NextHeader), what);
                Assert.That(back.HopLimit, Is.EqualTo(header.HopLimit), what);
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(wire), Is.EqualTo((6u << 28) | ((uint)header.TrafficClass << 20) | header.FlowLabel), what);
                HexAssert.AreEqual(header.Destination.Span, wire.AsSpan(24, 16), what);
            }
        });
    }

    [Test]
    public void IPv6ExtensionHeaders_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(107, (random, what) =>
        {
            int units = random.Next(0, 6);
            byte[] options = Bytes(random, (units + 1) * 8);
            options[1] = (byte)units;
            Assert.That(IPv6OptionsHeader.TryRead(options, out IPv6OptionsHeader oh), Is.True, what);
            byte[] written = new byte[oh.Length];
            oh.Write(written);
            HexAssert.AreEqual(options, written, what + " options");

            Assert.That(IPv6RoutingHeader.TryRead(options, out IPv6RoutingHeader rh), Is.True, what);
            written = new byte[rh.Length];
            rh.Write(written);
            HexAssert.AreEqual(options, written, what + " routing");

            byte[] fragment = Bytes(random, 8);
            Assert.That(IPv6FragmentHeader.TryRead(fragment, out IPv6FragmentHeader fh), Is.True, what);
            written = new byte[8];
            fh.Write(written);
            HexAssert.AreEqual(fragment, written, what + " fragment");
            Assert.That(fh.Identification, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(fragment.AsSpan(4))), what);
            Assert.That(fh.FragmentOffset, Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(fragment.AsSpan(2)) >> 3), what);
        });
    }

    [Test]
    public void TcpWithOptions_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(108, (random, what) =>
        {
            int dataOffset = random.Next(5, 16);
            byte[] wire = Bytes(random, dataOffset * 4);
            wire[12] = (byte)((dataOffset << 4) | (wire[12] & 0x0F));
            Assert.That(TcpHeader.TryRead(wire, out TcpHeader header), Is.True, what);
            byte[] written = new byte[header.HeaderLength];
            header.Write(written);
            HexAssert.AreEqual(wire, written, what);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(header.SequenceNumber, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(4))), what);
                Assert.That(header.AcknowledgmentNumber, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(8))), what);
                Assert.That((int)header.Flags, Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(12)) & 0x1_FF), what);
            }
        });
    }

    [Test]
    public void SmallFixedHeaders_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(109, (random, what) =>
        {
            byte[] wire = Bytes(random, 8);
            byte[] written = new byte[8];

            Assert.That(UdpHeader.TryRead(wire, out UdpHeader udp), Is.True, what);
            udp.Write(written);
            HexAssert.AreEqual(wire, written, what + " UDP");

            Assert.That(IcmpHeader.TryRead(wire, out IcmpHeader icmp), Is.True, what);
            icmp.Write(written);
            HexAssert.AreEqual(wire, written, what + " ICMP");

            Assert.That(Icmpv6Header.TryRead(wire, out Icmpv6Header icmpv6), Is.True, what);
            icmpv6.Write(written);
            HexAssert.AreEqual(wire, written, what + " ICMPv6");

            Assert.That(EspHeader.TryRead(wire, out EspHeader esp), Is.True, what);
            esp.Write(written);
            HexAssert.AreEqual(wire, written, what + " ESP");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(esp.Spi, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire)), what);
                Assert.That(esp.SequenceNumber, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(4))), what);
                Assert.That(udp.DatagramLength, Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(4))), what);
                Assert.That(icmp.RestOfHeader, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(4))), what);
            }
        });
    }

    [Test]
    public void EspHeader_FullRangeSpiAndSequence_WriteThenReadGivesThemBack()
    {
        ForEachRandom(110, (random, what) =>
        {
            var header = new EspHeader { Spi = U32(random), SequenceNumber = U32(random) };
            byte[] wire = new byte[8];
            header.Write(wire);
            Assert.That(EspHeader.TryRead(wire, out EspHeader back), Is.True, what);
            Assert.That((back.Spi, back.SequenceNumber), Is.EqualTo((header.Spi, header.SequenceNumber)), what);
        });
    }

    [Test]
    public void Ah_RandomBytes_ReadThenWriteReproducesThem()
    {
        ForEachRandom(111, (random, what) =>
        {
            int payloadLength = random.Next(1, 20);
            byte[] wire = Bytes(random, (payloadLength + 2) * 4);
            wire[1] = (byte)payloadLength;
            Assert.That(AhHeader.TryRead(wire, out AhHeader header), Is.True, what);
            byte[] written = new byte[header.Length];
            header.Write(written);
            HexAssert.AreEqual(wire, written, what);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(header.Spi, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(4))), what);
                Assert.That(header.SequenceNumber, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(8))), what);
                Assert.That(header.Reserved, Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(2))), what);
                Assert.That(header.PayloadLength, Is.EqualTo(payloadLength), what);
            }
        });
    }

    [Test]
    public void EspTrailer_RandomPlaintext_ReadThenWriteReproducesTheTail()
    {
        ForEachRandom(112, (random, what) =>
        {
            byte[] plaintext = Bytes(random, random.Next(2, 300));
            plaintext[^2] = (byte)random.Next(0, Math.Min(256, plaintext.Length - 1));
            Assert.That(EspTrailer.TryRead(plaintext, out EspTrailer trailer), Is.True, what);
            byte[] written = new byte[trailer.Length];
            trailer.Write(written);
            HexAssert.AreEqual(plaintext.AsSpan(plaintext.Length - trailer.Length), written, what);
        });
    }

    [Test]
    public void WriteWithOutOfWidthField_Throws()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new IPv4Header { Version = 4, Ihl = 5, Options = Array.Empty<byte>(), FragmentOffset = 0x20_00 }.Write(new byte[20]), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new IPv6Header { Version = 6, FlowLabel = 0x10_00_00, Source = new byte[16], Destination = new byte[16] }.Write(new byte[40]), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new VlanTag { Tpid = 0x8100, VlanId = 0x10_00 }.Write(new byte[4]), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EspHeader().Write(new byte[7]), Throws.ArgumentException);
        }
    }
}
