using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Testing;

namespace IpsecOffload.Cli.Tests;

/// <summary><c>vectors check</c>, <c>--emit</c> and <c>adapters</c> on the checked-in vectors.</summary>
public partial class VectorsCommandTests
{
    private const string GcmVector = "dpdk-esp-aesgcm128-tunnel-v4";
    private const string D7 = "lso-d7-esp-aesgcm128-v4-lsov1-mss128-pay300-cwr-fin-psh";
    private const string CbcV2 = "lso-esp-aescbc128-sha1-v4-lsov2-mss1000-pay1999-ts-psh";

    private string _temp = null!;

    [SetUp]
    public void CreateTemp() => _temp = Path.Combine(Path.GetTempPath(), "ipsec-vectors-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteTemp()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        int exit = CliApp.Run(args, output);
        return (exit, output.ToString());
    }

    private static string LastLine(string output) => output.TrimEnd('\n', '\r').Split('\n')[^1].TrimEnd('\r');

    [GeneratedRegex(@"^(\d+) passed, 0 failed$")]
    private static partial Regex AllPassed();

    [TestCase("reference")]
    [TestCase("reference:x86")]
    public void Check_CheckedInVectors_AllPassWithExitZero(string adapter)
    {
        (int exit, string output) = Run("vectors", "check", RepositoryPaths.Vectors, "--adapter", adapter);

        Match summary = AllPassed().Match(LastLine(output));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(summary.Success, Is.True, LastLine(output));
            Assert.That(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(211), "172 transform + 39 LSO");
            Assert.That(output, Does.Contain($"PASS {GcmVector}\n"));
            Assert.That(output, Does.Contain($"PASS {D7}\n"));
            Assert.That(output, Does.Contain($"PASS {CbcV2}\n"));
            Assert.That(output, Does.Not.Contain("FAIL"));
            Assert.That(output, Does.Not.Contain("SKIP"));
        }
    }

    [Test]
    public void Check_OneWirePacketByteChanged_FailsWithExitOneAndNamesTheField()
    {
        Directory.CreateDirectory(_temp);
        string file = Path.Combine(_temp, GcmVector + ".json");
        JsonObject vector = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Vectors, "published", GcmVector + ".json")))!.AsObject();
        byte[] wire = Hex.Parse((string)vector["wirePacket"]!);
        wire[0x1B] ^= 0x01; // last byte of the ESP sequence number
        vector["wirePacket"] = Hex.Format(wire);
        File.WriteAllText(file, VectorEmitter.ToFileText(vector));

        (int exit, string output) = Run("vectors", "check", _temp);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain($"FAIL {GcmVector}: wirePacket differs; length: expected 116, actual 116; 1 field differs; first at 0x001B ESP.SequenceNumber[3]"));
            Assert.That(output, Does.Match(@"> 0x0018  ESP\.SequenceNumber\s+00 00 00 00\s+00 00 00 01"));
            Assert.That(output, Does.Contain("source DPDK"));
            Assert.That(output, Does.Contain("aes-gcm key <16 bytes, not shown> salt <4 bytes, not shown>"));
            Assert.That(output, Does.Not.Contain("feffe9928665731c6d6a8f9467308308"), "the key");
            Assert.That(output, Does.Contain("expected (116 bytes):"));
            Assert.That(LastLine(output), Is.EqualTo("0 passed, 1 failed"));
        }
    }

    [Test]
    public void Check_OneLsoSegmentByteChanged_FailsWithExitOneAndNamesTheSegment()
    {
        Directory.CreateDirectory(_temp);
        JsonObject vector = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Vectors, "lso", D7 + ".json")))!.AsObject();
        JsonArray segments = vector["wirePackets"]!.AsArray();
        byte[] wire = Hex.Parse((string)segments[2]!);
        wire[0x1B] ^= 0x01; // IPv4 20 + last byte of the ESP sequence number
        segments[2] = Hex.Format(wire);
        File.WriteAllText(Path.Combine(_temp, D7 + ".json"), VectorEmitter.ToFileText(vector));

        (int exit, string output) = Run("vectors", "check", _temp);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain($"FAIL {D7}: segment 2: wirePackets[2] differs; length: expected"));
            Assert.That(output, Does.Contain("first at 0x001B ESP.SequenceNumber[3]"));
            Assert.That(output, Does.Contain($"segment 2 (wirePackets[2]) differs: vector {D7}"));
            Assert.That(output, Does.Match(@"> 0x0018  ESP\.SequenceNumber\s+00 00 00 02\s+00 00 00 03"));
            Assert.That(output, Does.Not.Contain((string)vector["encryption"]!["key"]!), "the key");
            Assert.That(LastLine(output), Is.EqualTo("0 passed, 1 failed"));
        }
    }

    [Test]
    public void Check_BadVectorFile_IsAFailureNamingFileAndField()
    {
        Directory.CreateDirectory(_temp);
        JsonObject vector = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Vectors, "published", GcmVector + ".json")))!.AsObject();
        vector["spi"] = -1;
        File.WriteAllText(Path.Combine(_temp, "bad.json"), VectorEmitter.ToFileText(vector));

        (int exit, string output) = Run("vectors", "check", _temp);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain($"FAIL {GcmVector}: cannot load: spi: expected an integer"));
            Assert.That(output, Does.Contain("bad.json"));
            Assert.That(LastLine(output), Is.EqualTo("0 passed, 1 failed"));
        }
    }

    [Test]
    public void Check_UnknownAdapter_IsRejectedListingTheKnownOnes()
    {
        (int exit, string output) = Run("vectors", "check", RepositoryPaths.Vectors, "--adapter", "acme");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output, Does.Contain("unknown adapter 'acme'; known adapters: reference, reference:x86"));
        }
    }

    [Test]
    public void Adapters_ListsReferenceAndX86()
    {
        (int exit, string output) = Run("adapters");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero);
            Assert.That(output, Does.Contain("reference:x86"));
            Assert.That(output, Does.Contain("reference "));
        }
    }

    [Test]
    public void Emit_ReferenceAdapter_WritesReloadableJsonWithTheOriginalWirePacketAndACapture()
    {
        (int exit, string output) = Run("vectors", "check", RepositoryPaths.Vectors, "--emit", _temp);

        // Every vector the verb runs is emitted (transform and LSO).
        GoldenVector[] originals = [.. VectorLoader.LoadDirectories([RepositoryPaths.Vectors]).Vectors
            .Where(v => VectorsCommand.SkipReason(v) is null)];
        VectorLoadResult emitted = VectorLoader.LoadDirectories([_temp]);
        Assert.That(exit, Is.Zero, output);
        Assert.That(emitted.Errors, Is.Empty);
        Assert.That(emitted.Vectors.Select(v => v.Id), Is.EquivalentTo(originals.Select(v => v.Id)));
        Dictionary<string, GoldenVector> byId = emitted.Vectors.ToDictionary(v => v.Id);
        foreach (GoldenVector original in originals.Where(v => v.Kind == VectorKind.Transform))
        {
            HexAssert.AreEqual(original.WirePacket!, byId[original.Id].WirePacket!, $"emitted wirePacket of {original.Id}");
        }

        foreach (GoldenVector original in originals.Where(v => v.Kind == VectorKind.Lso))
        {
            IReadOnlyList<byte[]> segments = byId[original.Id].WirePackets!;
            Assert.That(segments, Has.Count.EqualTo(original.WirePackets!.Count), $"emitted wirePackets of {original.Id}");
            for (int k = 0; k < segments.Count; k++)
            {
                // CBC segments after the first carry the device's IVs (vectors/lso/README.md).
                if (k == 0 || !original.Encryption.Alg.EndsWith("-cbc", StringComparison.Ordinal))
                {
                    HexAssert.AreEqual(original.WirePackets[k], segments[k], $"emitted segment {k} of {original.Id}");
                }
            }
        }

        JsonObject gcm = JsonNode.Parse(File.ReadAllText(Path.Combine(_temp, GcmVector + ".json")))!.AsObject();
        JsonObject d7 = JsonNode.Parse(File.ReadAllText(Path.Combine(_temp, D7 + ".json")))!.AsObject();
        JsonObject cbcV2 = JsonNode.Parse(File.ReadAllText(Path.Combine(_temp, CbcV2 + ".json")))!.AsObject();
        PcapngFile capture = PcapngReader.Read(File.ReadAllBytes(Path.Combine(_temp, VectorEmitter.CaptureFileName)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)gcm["emitted"]!["status"], Is.EqualTo("NDIS_STATUS_SUCCESS"));
            Assert.That(gcm["emitted"]!["tcpPayload"], Is.Null);
            Assert.That((string?)d7["emitted"]!["status"], Is.EqualTo("NDIS_STATUS_SUCCESS"));
            Assert.That((long?)d7["emitted"]!["tcpPayload"], Is.EqualTo(300), "LSOv1 completion byte count");
            Assert.That(cbcV2["emitted"]!.AsObject().ContainsKey("tcpPayload"), Is.True);
            Assert.That(cbcV2["emitted"]!["tcpPayload"], Is.Null, "LSOv2 has no completion byte count");
            Assert.That(d7.ContainsKey("wirePacket"), Is.False, "an LSO vector keeps wirePackets, gets no wirePacket");
            Assert.That(capture.Packets.Select(p => p.Comment),
                Is.EquivalentTo(originals.SelectMany(v => Enumerable.Repeat(v.Id, v.Kind == VectorKind.Lso ? v.WirePackets!.Count : 1))));
            Assert.That(File.Exists(Path.Combine(_temp, "wireshark", "batch-01", "esp_sa")), Is.True);
            Assert.That(File.ReadAllText(Path.Combine(_temp, VectorEmitter.ReadmeFileName)), Does.Contain("WIRESHARK_CONFIG_DIR=wireshark/batch-01 tshark"));
            Assert.That(LastLine(output), Does.Match(AllPassed().ToString()));
        }
    }
}
