using System.Text.Json.Nodes;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Vectors;

/// <summary>The <c>--emit</c> output: emitted vector JSON, SAs for Wireshark, batches without SA collisions.</summary>
public class VectorEmitterTests
{
    private static readonly Lazy<IReadOnlyList<GoldenVector>> Loaded =
        new(() => VectorLoader.LoadDirectories([RepositoryPaths.Vectors]).Vectors);

    private static IEnumerable<TestCaseData> TransformVectors() =>
        Loaded.Value.Where(v => v.Kind == VectorKind.Transform).Select(v => new TestCaseData(v).SetArgDisplayNames(v.Id));

    private static GoldenVector ById(string id) => Loaded.Value.Single(v => v.Id == id);

    private static VectorOutcome RunReference(GoldenVector vector)
    {
        using var miniport = new ReferenceMiniport();
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);
        return VectorRunner.Run(vector, miniport, host);
    }

    [TestCaseSource(nameof(TransformVectors))]
    public void EmittedJson_ReferenceAdapter_IsTheOriginalFileWithEmittedAppended(GoldenVector vector)
    {
        string original = File.ReadAllText(vector.File!);
        VectorOutcome outcome = RunReference(vector);

        string emitted = VectorEmitter.ToFileText(VectorEmitter.ToEmittedJson(VectorEmitter.FindJsonObject(vector.File!, vector.Id)!, outcome));

        // Same field order, 2-space indent, LF and final newline: only the "emitted" member is new.
        string expected = original[..^"\n}\n".Length] +
            ",\n  \"emitted\": {\n    \"status\": \"NDIS_STATUS_SUCCESS\",\n    \"tcpPayload\": null\n  }\n}\n";
        Assert.That(emitted, Is.EqualTo(expected));
    }

    [Test]
    public void EmittedJson_ReparsesWithTheLoaderAndCarriesTheSentPacket()
    {
        GoldenVector vector = ById("dpdk-esp-aesgcm128-tunnel-v4");
        byte[] sent = (byte[])vector.WirePacket!.Clone();
        sent[^1] ^= 0xFF;
        var outcome = new VectorOutcome(vector, NdisStatus.Success, 1, [sent], [], null, null);

        JsonObject emitted = VectorEmitter.ToEmittedJson(VectorEmitter.FindJsonObject(vector.File!, vector.Id)!, outcome);

        VectorLoadResult reparsed = VectorLoader.Parse("emitted.json", VectorEmitter.ToFileText(emitted));
        Assert.That(reparsed.Errors, Is.Empty);
        HexAssert.AreEqual(sent, reparsed.Vectors.Single().WirePacket!, "emitted wirePacket");
        Assert.That(emitted.Select(p => p.Key).ToArray()[^3..], Is.EqualTo(new[] { "plainPacket", "wirePacket", "emitted" }));
    }

    [Test]
    public void EmittedJson_NothingSentAndNeverCompleted_SaysSoWithNullStatus()
    {
        GoldenVector vector = ById("dpdk-esp-aesgcm128-tunnel-v4");
        var outcome = new VectorOutcome(vector, null, 0, [], [], null, null);

        JsonObject emitted = VectorEmitter.ToEmittedJson(VectorEmitter.FindJsonObject(vector.File!, vector.Id)!, outcome);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(emitted["wirePacket"], Is.Null);
            Assert.That(emitted["emitted"]!["status"], Is.Null);
            Assert.That(emitted["emitted"]!["tcpPayload"], Is.Null);
            Assert.That(emitted["emitted"]!["completions"]!.GetValue<int>(), Is.Zero);
            Assert.That(emitted["emitted"]!["wirePackets"]!.AsArray(), Is.Empty);
        }
    }

    [Test]
    public void FindJsonObject_ArrayFile_FindsTheVectorById()
    {
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "emitter-array-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """[{"id": "a", "x": 1}, {"id": "b", "x": 2}]""");
        try
        {
            Assert.That(VectorEmitter.FindJsonObject(file, "b")!["x"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(VectorEmitter.FindJsonObject(file, "c"), Is.Null);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void EspSa_TunnelV4Gcm_TakesTheOuterAddressesKeyAndSalt()
    {
        GoldenVector vector = ById("dpdk-esp-aesgcm128-tunnel-v4");

        EspSaDescription sa = VectorEmitter.EspSa(vector, vector.WirePacket!)!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sa.IpVersion, Is.EqualTo(EspSaIpVersion.IPv4));
            Assert.That((sa.Source, sa.Destination), Is.EqualTo(("192.168.1.2", "192.168.1.1")));
            Assert.That(sa.Spi, Is.EqualTo(0x0000_a5f8u));
            Assert.That(sa.Encryption, Is.EqualTo(CryptoAlgorithm.AesGcm128));
            Assert.That(sa.IcvLength, Is.EqualTo(16));
            Assert.That(sa.Integrity, Is.Null);
        }

        HexAssert.AreEqual(vector.Encryption.Key, sa.EncryptionKey.Span, "key");
        HexAssert.AreEqual(vector.Encryption.Salt!, sa.Salt.Span, "salt");
    }

    [Test]
    public void EspSa_EveryEspVector_IsAcceptedByTheWiresharkTable_AhVectorsHaveNone()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (GoldenVector v in Loaded.Value.Where(v => v.Kind == VectorKind.Transform))
            {
                EspSaDescription? sa = VectorEmitter.EspSa(v, v.WirePacket!);
                if (v.Proto == VectorProtocol.Ah)
                {
                    Assert.That(sa, Is.Null, v.Id);
                    continue;
                }

                Assert.That(sa, Is.Not.Null, v.Id);
                Assert.That(() => WiresharkEspSaTable.ToRow(sa!, WiresharkExportMode.BestEffort), Throws.Nothing, v.Id);
                Assert.That(sa!.IpVersion == EspSaIpVersion.IPv6, Is.EqualTo(v.WirePacket![0] >> 4 == 6), v.Id);
            }
        }
    }

    [Test]
    public void Batch_RandomSpisWithRepeats_NoBatchRepeatsAKeyAndEveryEntryIsKeptInOrder()
    {
        Random random = TestSeeds.Create(0x0BA7_C401);
        uint[] spis = [.. Enumerable.Range(0, 6).Select(_ => (uint)random.NextInt64(0, 1L << 32))];
        string[] sources = ["192.0.2.1", "198.51.100.7"];
        var entries = Enumerable.Range(0, 60).Select(i => new EspCaptureEntry($"v{i}", [[(byte)i]], new EspSaDescription
        {
            IpVersion = EspSaIpVersion.IPv4, Source = sources[random.Next(2)], Destination = "203.0.113.9",
            Spi = spis[random.Next(spis.Length)], Encryption = CryptoAlgorithm.EspNull,
        })).ToList();

        IReadOnlyList<EspCaptureBatch> batches = VectorEmitter.Batch(entries);

        int mostUses = entries.GroupBy(e => (e.Sa.Source, e.Sa.Spi)).Max(g => g.Count());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(batches, Has.Count.EqualTo(mostUses), TestSeeds.ReplayHint(0x0BA7_C401));
            Assert.That(batches.Select(b => b.Number), Is.EqualTo(Enumerable.Range(1, batches.Count)));
            Assert.That(batches.SelectMany(b => b.Entries).Select(e => e.Id).Order(), Is.EquivalentTo(entries.Select(e => e.Id)));
            foreach (EspCaptureBatch batch in batches)
            {
                Assert.That(batch.Entries.Select(e => (e.Sa.Source, e.Sa.Spi)), Is.Unique, batch.Name);
                Assert.That(batch.Entries.Select(e => int.Parse(e.Id[1..], System.Globalization.CultureInfo.InvariantCulture)), Is.Ordered, batch.Name);
            }
        }
    }

    [Test]
    public void WriteFolder_TwoVectorsSharingAnSa_TwoBatchesJsonCaptureAndAReadmeWithoutKeys()
    {
        // Same addresses and SPI 0x7b, different keys: ODP's ESP-NULL/SHA-256 and AES-CBC/SHA-1 transport vectors.
        GoldenVector[] vectors = [.. Loaded.Value.Where(v => v.Proto == VectorProtocol.Esp && v.Spi == 0x7b && v.Mode == VectorMode.Transport
            && v.UdpEncap is null && v.WirePacket![0] >> 4 == 4).Take(2)];
        Assert.That(vectors, Has.Length.EqualTo(2), "two ODP IPv4 transport vectors on SPI 0x7b");
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "emit-" + Guid.NewGuid().ToString("N"));
        try
        {
            EmitSummary summary = VectorEmitter.WriteFolder(folder, vectors.Select(RunReference));

            string readme = File.ReadAllText(Path.Combine(folder, VectorEmitter.ReadmeFileName));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(summary.JsonFiles, Is.EqualTo(2));
                Assert.That(summary.Frames, Is.EqualTo(2));
                Assert.That(summary.Batches.Select(b => b.Entries.Count), Is.EqualTo(new[] { 1, 1 }));
                Assert.That(File.Exists(Path.Combine(folder, vectors[0].Id + ".json")), Is.True);
                Assert.That(File.Exists(Path.Combine(folder, "wireshark", "batch-02", "esp_sa")), Is.True);
                Assert.That(File.Exists(Path.Combine(folder, "wireshark", "batch-02.pcapng")), Is.True);
                Assert.That(readme, Does.Contain("WIRESHARK_CONFIG_DIR=wireshark/batch-02 tshark -n -r wireshark/batch-02.pcapng"));
                foreach (GoldenVector v in vectors)
                {
                    foreach (byte[] key in new[] { v.Encryption.Key, v.Integrity?.Key ?? [] }.Where(k => k.Length > 0))
                    {
                        Assert.That(readme, Does.Not.Contain(Hex.Format(key)), v.Id);
                    }
                }
            }

            PcapngFile capture = PcapngReader.Read(File.ReadAllBytes(Path.Combine(folder, VectorEmitter.CaptureFileName)));
            Assert.That(capture.Packets.Select(p => p.Comment), Is.EqualTo(vectors.Select(v => v.Id)));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
