using System.Buffers.Binary;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Capture;

public sealed class PcapngWriterTests
{
    // A 2-packet file written out by hand from the pcapng specification (draft-ietf-opsawg-pcapng
    // §4.1 SHB, §4.2 IDB, §4.3 EPB, §3.5 options), little-endian throughout:
    // packet 0: Ethernet, 5 data bytes, no comment, default timestamp 0 µs;
    // packet 1: raw IP, 4 data bytes, comment "v1", default timestamp 1 µs.
    private const string GoldenTwoPackets =
        // Section Header Block (28 bytes)
        "0a0d0d0a" +          // Block Type = SHB
        "1c000000" +          // Block Total Length = 28
        "4d3c2b1a" +          // Byte-Order Magic 0x1A2B3C4D, little-endian
        "0100" + "0000" +     // Major 1, Minor 0
        "ffffffffffffffff" +  // Section Length = -1 (unspecified)
        "1c000000" +          // Block Total Length again
        // Interface Description Block 0 (20 bytes)
        "01000000" +          // Block Type = IDB
        "14000000" +          // Block Total Length = 20
        "0100" + "0000" +     // LinkType 1 (LINKTYPE_ETHERNET), Reserved 0
        "00000400" +          // SnapLen 262144
        "14000000" +          // Block Total Length again
        // Enhanced Packet Block, packet 0 (32 + 8 = 40 bytes)
        "06000000" +          // Block Type = EPB
        "28000000" +          // Block Total Length = 40
        "00000000" +          // Interface ID 0
        "00000000" +          // Timestamp (high) 0
        "00000000" +          // Timestamp (low) 0 = frame index 0 in µs
        "05000000" +          // Captured Packet Length 5
        "05000000" +          // Original Packet Length 5
        "a1b2c3d4e5" + "000000" + // Packet Data, padded to 8 bytes
        "28000000" +          // Block Total Length again
        // Interface Description Block 1 (20 bytes), written before its first packet
        "01000000" + "14000000" +
        "6500" + "0000" +     // LinkType 101 (LINKTYPE_RAW)
        "00000400" +
        "14000000" +
        // Enhanced Packet Block, packet 1 (32 + 4 + 8 + 4 = 48 bytes)
        "06000000" +
        "30000000" +          // Block Total Length = 48
        "01000000" +          // Interface ID 1
        "00000000" +          // Timestamp (high)
        "01000000" +          // Timestamp (low) 1 = frame index 1 in µs
        "04000000" + "04000000" + // Captured / Original length 4
        "45f0f1f2" +          // Packet Data (already 32-bit aligned)
        "0100" + "0200" +     // opt_comment, length 2
        "7631" + "0000" +     // "v1", padded to 4
        "0000" + "0000" +     // opt_endofopt
        "30000000";           // Block Total Length again

    [Test]
    public void TwoPackets_DefaultTimestamps_MatchHandComputedGolden()
    {
        var writer = new PcapngWriter();
        writer.WritePacket(PcapngLinkType.Ethernet, Hex.Parse("a1b2c3d4e5"));
        writer.WritePacket(PcapngLinkType.RawIp, Hex.Parse("45f0f1f2"), comment: "v1");

        HexAssert.AreEqual(GoldenTwoPackets, writer.ToArray(), "2-packet pcapng");
    }

    [Test]
    public void GoldenFile_ReadBack_GivesBlocksLinkTypesDataAndComment()
    {
        PcapngFile file = PcapngReader.Read(Hex.Parse(GoldenTwoPackets));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(file.Blocks.Select(b => (b.Type, b.Offset, b.TotalLength)), Is.EqualTo(new[]
            {
                (0x0A0D0D0Au, 0, 28), (1u, 28, 20), (6u, 48, 40), (1u, 88, 20), (6u, 108, 48),
            }));
            Assert.That(file.LinkTypes, Is.EqualTo(new[] { PcapngLinkType.Ethernet, PcapngLinkType.RawIp }));
            Assert.That(file.Packets[0].LinkType, Is.EqualTo(PcapngLinkType.Ethernet));
            Assert.That(file.Packets[0].Comment, Is.Null);
            Assert.That(file.Packets[1].LinkType, Is.EqualTo(PcapngLinkType.RawIp));
            Assert.That(file.Packets[1].Comment, Is.EqualTo("v1"));
            Assert.That(file.Packets[1].Timestamp, Is.EqualTo(1UL));
        }

        HexAssert.AreEqual("a1b2c3d4e5", file.Packets[0].Data.Span, "packet 0");
        HexAssert.AreEqual("45f0f1f2", file.Packets[1].Data.Span, "packet 1");
    }

    [Test]
    public void RandomPackets_WriteThenRead_RoundTripEveryField()
    {
        const int Salt = 0x9C_A9;
        Random random = TestSeeds.Create(Salt);
        string[] commentAlphabet = ["a", "Z", "é", "€", "𝄞", " ", "-"];
        var expected = new List<(PcapngLinkType Link, byte[] Data, string? Comment, ulong Timestamp)>();
        var writer = new PcapngWriter();
        for (int i = 0; i < 64; i++)
        {
            PcapngLinkType link = random.Next(2) == 0 ? PcapngLinkType.Ethernet : PcapngLinkType.RawIp;
            var data = new byte[random.Next(0, 1600)];
            random.NextBytes(data);
            string? comment = random.Next(3) == 0 ? null
                : string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => commentAlphabet[random.Next(commentAlphabet.Length)]));

            // Full-range 64-bit timestamps (every byte random) or the default (the frame index).
            var stamp = new byte[8];
            random.NextBytes(stamp);
            ulong? timestamp = random.Next(4) == 0 ? null : BinaryPrimitives.ReadUInt64LittleEndian(stamp);
            writer.WritePacket(link, data, comment, timestamp);
            expected.Add((link, data, comment, timestamp ?? (ulong)i));
        }

        byte[] bytes = writer.ToArray();
        PcapngFile file = PcapngReader.Read(bytes);

        Assert.That(file.Packets, Has.Count.EqualTo(expected.Count), TestSeeds.ReplayHint(Salt));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(file.Blocks.Sum(b => b.TotalLength), Is.EqualTo(bytes.Length), "blocks tile the file");
            Assert.That(file.Blocks.All(b => b.TotalLength % 4 == 0), Is.True, "every block is 32-bit padded");
            Assert.That(file.LinkTypes, Is.EquivalentTo(expected.Select(e => e.Link).Distinct()), "one IDB per link type");
            for (int i = 0; i < expected.Count; i++)
            {
                PcapngPacket packet = file.Packets[i];
                Assert.That(packet.LinkType, Is.EqualTo(expected[i].Link), $"packet {i} link type; {TestSeeds.ReplayHint(Salt)}");
                Assert.That(packet.Timestamp, Is.EqualTo(expected[i].Timestamp), $"packet {i} timestamp");
                Assert.That(packet.OriginalLength, Is.EqualTo((uint)expected[i].Data.Length), $"packet {i} original length");
                Assert.That(packet.Comment, Is.EqualTo(expected[i].Comment), $"packet {i} comment");
                Assert.That(Hex.Format(packet.Data.Span), Is.EqualTo(Hex.Format(expected[i].Data)), $"packet {i} data");
            }
        }
    }

    [TestCase(0, null, 32)]
    [TestCase(1, null, 36)]
    [TestCase(4, null, 36)]
    [TestCase(5, null, 40)]
    [TestCase(0, 0, 40)]
    [TestCase(0, 1, 44)]
    [TestCase(3, 4, 48)]
    [TestCase(3, 5, 52)]
    public void EnhancedPacketBlockLength_PadsDataAndComment_To32Bits(int dataLength, int? commentLength, int expected)
    {
        Assert.That(PcapngWriter.GetEnhancedPacketBlockLength(dataLength, commentLength), Is.EqualTo(expected));
    }

    [Test]
    public void Read_TrailingLengthDiffers_ThrowsWithOffset()
    {
        byte[] bytes = Hex.Parse(GoldenTwoPackets);
        bytes[48 + 40 - 4] = 0x2C; // trailing length of the first EPB: 44 instead of 40

        Assert.That(() => PcapngReader.Read(bytes),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("at 0x30").And.Message.Contains("trailing 44"));
    }

    [Test]
    public void Read_BigEndianSection_ThrowsNamingTheMagic()
    {
        byte[] bytes = Hex.Parse(GoldenTwoPackets);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), 0x1A2B_3C4D);

        Assert.That(() => PcapngReader.Read(bytes),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("0x4D3C2B1A"));
    }

    [Test]
    public void Read_PacketNamesUnknownInterface_Throws()
    {
        byte[] bytes = Hex.Parse(GoldenTwoPackets);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(48 + 8), 7);

        Assert.That(() => PcapngReader.Read(bytes),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("interface 7"));
    }

    [Test]
    public void Read_TruncatedBlock_Throws()
    {
        byte[] bytes = Hex.Parse(GoldenTwoPackets)[..150];

        Assert.That(() => PcapngReader.Read(bytes),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("at 0x6C"));
    }
}
