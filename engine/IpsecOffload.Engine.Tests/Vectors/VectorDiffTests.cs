using IpsecOffload.Engine.Vectors;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Vectors;

/// <summary>The annotated wire diff of STYLE §5, on checked-in vectors.</summary>
public class VectorDiffTests
{
    private static readonly Lazy<IReadOnlyList<GoldenVector>> Vectors =
        new(() => [.. VectorLoader.LoadDirectories([RepositoryPaths.Vectors]).Vectors.Where(v => v.Kind == VectorKind.Transform)]);

    // DPDK pkt_aes_128_gcm: IPv4 (20) | SPI 0x14 | Seq 0x18 | IV 0x1C (8) | ciphertext | ICV (16) — 116 bytes.
    private static GoldenVector Gcm => Vectors.Value.Single(v => v.Id == "dpdk-esp-aesgcm128-tunnel-v4");

    private static byte[] Changed(byte[] packet, params int[] offsets)
    {
        byte[] copy = (byte[])packet.Clone();
        foreach (int offset in offsets)
        {
            copy[offset] ^= 0x5A;
        }

        return copy;
    }

    [Test]
    public void Report_EqualPackets_IsNull()
    {
        GoldenVector v = Gcm;

        Assert.That(VectorDiff.Report(v, v.WirePacket!, (byte[])v.WirePacket!.Clone()), Is.Null);
    }

    [Test]
    public void Report_LastSequenceNumberByteChanged_NamesItWithTheSpiAsContext()
    {
        GoldenVector v = Gcm;

        string report = VectorDiff.Report(v, v.WirePacket!, Changed(v.WirePacket!, 0x1B))!;

        string[] lines = report.Split('\n');
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines[0], Is.EqualTo($"wirePacket differs: vector {v.Id}, source {v.Source}"));
            Assert.That(lines[1], Is.EqualTo("length: expected 116, actual 116; 1 field differs; first at 0x001B ESP.SequenceNumber[3]"));
            Assert.That(lines[3], Does.Match(@"^  0x0014  ESP\.SPI\s+00 00 a5 f8\s+00 00 a5 f8$"));
            Assert.That(lines[4], Does.Match(@"^> 0x0018  ESP\.SequenceNumber\s+00 00 00 01\s+00 00 00 5b$"));
            Assert.That(lines[5], Is.EqualTo("SA: esp tunnel, spi 0x0000a5f8, aes-gcm key <16 bytes, not shown> salt <4 bytes, not shown>, icv 16"));
        }
    }

    [Test]
    public void Report_IcvChanged_ShowsEightBytesOfTheSixteenWithAnEllipsis()
    {
        GoldenVector v = Gcm;
        int icv = v.WirePacket!.Length - 16;

        string report = VectorDiff.Report(v, v.WirePacket!, Changed(v.WirePacket!, icv))!;

        Assert.That(report, Does.Contain($"> 0x{icv:X4}  ESP.ICV[0..15]"));
        Assert.That(report, Does.Contain(string.Join(' ', v.WirePacket!.Skip(icv).Take(8).Select(b => b.ToString("x2"))) + "…"));
    }

    [Test]
    public void Report_NeverShowsKeyOrSaltBytes()
    {
        foreach (GoldenVector v in Vectors.Value.Where(v => v.Encryption.Key.Length >= 8 || v.Integrity is not null).Take(40))
        {
            byte[] changed = Changed(v.WirePacket!, v.WirePacket!.Length - 1);
            string report = VectorDiff.Report(v, v.WirePacket!, changed)!;

            string flat = report.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            foreach (byte[] key in new[] { v.Encryption.Key, v.Integrity?.Key ?? [] }.Where(k => k.Length >= 8))
            {
                Assert.That(flat, Does.Not.Contain(Hex.Format(key)), $"{v.Id}: key bytes in the report");
            }

            Assert.That(report, Does.Contain("bytes, not shown>"), v.Id);
        }
    }

    [Test]
    public void Compare_RandomByteChangedAnywhere_FirstDifferenceIsThatByteNamedByTheLayout()
    {
        Random random = TestSeeds.Create(0x0D1F_F001);
        foreach (GoldenVector v in Vectors.Value.Where(v => v.Kind == VectorKind.Transform))
        {
            byte[] expected = v.WirePacket!;
            int offset = random.Next(expected.Length);
            byte[] actual = (byte[])expected.Clone();
            actual[offset] ^= (byte)random.Next(1, 256);
            LayoutHints hints = VectorDiff.HintsFor(v);

            PacketComparison comparison = VectorDiff.Compare(expected, actual, hints);

            string name = FieldLayout.Describe(expected, hints, FrameStart.Ip).NameAt(offset);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(comparison.FirstOffset, Is.EqualTo(offset), $"{v.Id}; {TestSeeds.ReplayHint(0x0D1F_F001)}");
                Assert.That(comparison.FirstName, Is.EqualTo(name), v.Id);
                Assert.That(comparison.Fields, Has.Count.EqualTo(1), v.Id);
                Assert.That(comparison.Summary, Does.EndWith($"first at 0x{offset:X4} {name}"), v.Id);
            }
        }
    }

    [Test]
    public void Report_ActualLonger_NamesTheExtraBytesPastTheEnd()
    {
        GoldenVector v = Gcm;
        byte[] longer = [.. v.WirePacket!, 0xAB, 0xCD];

        string report = VectorDiff.Report(v, v.WirePacket!, longer)!;

        Assert.That(report, Does.Contain("length: expected 116, actual 118; 1 field differs; first at 0x0074 Frame.PastEnd[0]"));
        Assert.That(report, Does.Match(@"> 0x0074  Frame\.PastEnd\s+\(none\)\s+ab cd"));
    }

    [Test]
    public void Report_ActualTruncated_ReportsTheMissingBytes()
    {
        GoldenVector v = Gcm;

        string report = VectorDiff.Report(v, v.WirePacket!, v.WirePacket!.AsSpan(0, 100))!;

        Assert.That(report, Does.Contain("length: expected 116, actual 100; 1 field differs; first at 0x0064 ESP.ICV[0]"));
        Assert.That(report, Does.Contain("(none)"));
    }

    [Test]
    public void Report_ManyFieldsDiffer_ListsFiveAndCountsTheRest()
    {
        GoldenVector v = Gcm;
        byte[] actual = v.WirePacket!.Select(b => (byte)(b ^ 0xFF)).ToArray();

        string report = VectorDiff.Report(v, v.WirePacket!, actual)!;

        PacketComparison comparison = VectorDiff.Compare(v.WirePacket!, actual, VectorDiff.HintsFor(v));
        string[] marked = report.Split('\n').Where(l => l.StartsWith("> ", StringComparison.Ordinal)).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(marked, Has.Length.EqualTo(VectorDiff.MaxRows));
            Assert.That(report, Does.Contain($"… {comparison.Fields.Count - VectorDiff.MaxRows} more fields differ"));
            Assert.That(marked[0], Does.StartWith("> 0x0000  IPv4."));
        }
    }

    [Test]
    public void HintsFor_EspNullAndGmac_DeclareTheirPayloadCleartext()
    {
        GoldenVector nullAuth = Vectors.Value.First(v => v.Proto == VectorProtocol.Esp && v.Encryption.Alg == "null");
        GoldenVector gmac = Vectors.Value.First(v => v.Proto == VectorProtocol.Esp && v.Encryption.Alg == "aes-gmac");
        GoldenVector ah = Vectors.Value.First(v => v.Proto == VectorProtocol.Ah);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(VectorDiff.HintsFor(nullAuth).Esp, Is.EqualTo(new EspLayoutHint(0, nullAuth.IcvLength, PayloadIsCleartext: true)));
            Assert.That(VectorDiff.HintsFor(gmac).Esp, Is.EqualTo(new EspLayoutHint(8, 16, PayloadIsCleartext: true)));
            Assert.That(VectorDiff.HintsFor(ah).Ah, Is.EqualTo(new AhLayoutHint(ah.Iv.Length, ah.IcvLength)));
        }
    }

    [Test]
    public void HexDump_FullRangeBytes_SixteenPerRowWithOffsetsAndParsesBack()
    {
        Random random = TestSeeds.Create(0x0D0D_0001);
        byte[] data = new byte[random.Next(1, 600)];
        random.NextBytes(data);

        string dump = VectorDiff.HexDump(data);

        string[] rows = dump.TrimEnd('\n').Split('\n');
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows, Has.Length.EqualTo((data.Length + 15) / 16), TestSeeds.ReplayHint(0x0D0D_0001));
            Assert.That(rows.Select(r => r[..4]), Is.EqualTo(Enumerable.Range(0, rows.Length).Select(i => (i * 16).ToString("x4"))));
            Assert.That(dump, Does.EndWith("\n"));
        }

        HexAssert.AreEqual(data, Hex.Parse(string.Concat(rows.Select(r => r[5..].Replace(" ", "", StringComparison.Ordinal)))), "dump read back");
    }

    [Test]
    public void HexDump_SeventeenBytes_SplitsTheRowAfterTheEighthByte()
    {
        byte[] data = [.. Enumerable.Range(0xF0, 16).Select(i => (byte)i), 0x01];

        Assert.That(VectorDiff.HexDump(data), Is.EqualTo(
            "0000  f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff\n" +
            "0010  01\n"));
    }
}
