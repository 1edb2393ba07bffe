using System.Collections.ObjectModel;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;
using IpsecOffload.Testing.Tools;

namespace IpsecOffload.Engine.Tests.Vectors;

/// <summary>
/// Every ESP frame the reference miniport emits for the checked-in vectors, judged by an independent
/// implementation: tshark 4.0 must decrypt it (the trailer's Next Header is the expected one and the
/// inner protocol appears) and, where Wireshark 4.0 can check the ICV, report it correct. Where it
/// cannot (AES-GMAC, ESN; docs/wireshark-interop.md) the documented behaviour is asserted instead.
/// LSO vectors are included: every segment the reference miniport (jumbo frames on) sends is its own
/// test case, with SN = seq + k, Next Header 6 and the inner TCP layer checked.
/// Frames go through tshark in batches (<see cref="VectorEmitter.Batch"/>: no repeated addresses+SPI
/// within one SA table), computed once; each vector is still its own test case.
/// </summary>
[Category("Interop")]
[Category("ExternalTool")]
[Category("tshark")]
public sealed class TsharkVectorInteropTests
{
    private static readonly Lazy<IReadOnlyList<GoldenVector>> EspVectors = new(() =>
        [.. VectorLoader.LoadDirectories([RepositoryPaths.Vectors]).Vectors.Where(v => v.Kind is VectorKind.Transform or VectorKind.Lso && v.Proto == VectorProtocol.Esp)]);

    private static readonly Lazy<BatchResults> Results = new(RunAllBatches);

    // Wireshark's frame.protocols name of the layer that follows ESP, by the trailer's Next Header.
    private static readonly ReadOnlyDictionary<byte, string> LayerOfNextHeader = new(new Dictionary<byte, string>
    {
        [1] = "icmp", [4] = "ip", [6] = "tcp", [17] = "udp", [41] = "ipv6", [58] = "icmpv6", [60] = "ipv6.dstopts",
    });

    private static IEnumerable<TestCaseData> Cases() =>
        EspVectors.Value.Where(v => v.Kind == VectorKind.Transform).Select(v => WithLimitation(new TestCaseData(v).SetArgDisplayNames(v.Id), v));

    private static IEnumerable<TestCaseData> LsoCases() =>
        from v in EspVectors.Value
        where v.Kind == VectorKind.Lso
        from k in Enumerable.Range(0, v.ExpectSegments?.Count ?? v.WirePackets!.Count)
        select WithLimitation(new TestCaseData(v, k).SetArgDisplayNames(v.Id, $"segment {k}"), v);

    private static TestCaseData WithLimitation(TestCaseData data, GoldenVector vector) =>
        Limitation(vector) is { } limitation ? data.SetCategory("Tshark40Limitation").SetProperty("Limitation", limitation) : data;

    /// <summary>The documented Wireshark 4.0 limitation that applies to a vector's SA, or null.</summary>
    private static string? Limitation(GoldenVector vector) =>
        vector.Encryption.Alg == "aes-gmac"
            ? "Wireshark 4.0 has no AES-GMAC (RFC 4543) transform: exported as NULL with an unchecked 16-byte ICV; the trailer is read, the ICV not checked"
            : vector.Esn && vector.Encryption.Alg == "aes-gcm"
                ? "Wireshark 4.0 has no ESN: it decrypts AES-GCM but checks the tag over the 8-byte AAD, so a correct ICV is reported bad"
                : vector.Esn && vector.Integrity is not null
                    ? "Wireshark 4.0 has no ESN: the HMAC is exported as 'ANY n bit authentication [no checking]', the ICV is not checked"
                    : null;

    [TestCaseSource(nameof(Cases))]
    public void EmittedEspFrame_TsharkDecryptsItAndChecksTheIcv(GoldenVector vector)
    {
        Tshark tshark = Tshark.Require();
        BatchResults results = Results.Value;
        Assert.That(results.Problems.GetValueOrDefault(vector.Id), Is.Null, "the reference miniport ran the vector");
        (EspCaptureEntry entry, EspCaptureBatch batch) = results.Entries[vector.Id];
        TsharkEspFrame[] frames = [.. results.Frames[batch.Number].Where(f => f.Comment == vector.Id)];
        Assert.That(frames, Has.Length.EqualTo(1), $"frames with comment {vector.Id} in {results.CapturePath(batch)}");
        TsharkEspFrame frame = frames[0];
        WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(entry.Sa, WiresharkExportMode.BestEffort);
        byte expectedNextHeader = ExpectedNextHeader(vector);
        string where = $"{results.CapturePath(batch)}, frame.protocols {frame.Protocols}";

        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Spi, Is.EqualTo(vector.Spi), "esp.spi");
            Assert.That(frame.NextHeader, Is.EqualTo(expectedNextHeader), $"esp.protocol: the trailer tshark decrypted; {where}");
            Assert.That(LayerOfNextHeader.ContainsKey(expectedNextHeader), Is.True, $"tshark layer name of next header {expectedNextHeader} is known to this test");
            if (vector.Encryption.Alg != "aes-gmac")
            {
                // AES-GMAC: exported as NULL, so tshark reads the 8-byte IV as the start of the payload (documented limitation).
                Assert.That(frame.LayersAfterEsp.Count > 0 ? frame.LayersAfterEsp[0] : "(nothing)",
                    Is.EqualTo(LayerOfNextHeader.GetValueOrDefault(expectedNextHeader)), $"the inner protocol after ESP; {where}");
            }

            Assert.That(frame.Icv, Is.EqualTo(ExpectedIcv(row.IcvCheck)), $"ICV verdict for {row}; {where}");
            Assert.That(row.Limitations.Count > 0, Is.EqualTo(Limitation(vector) is not null), $"limitations of {row}: {string.Join("; ", row.Limitations)}");
        }

        if (Limitation(vector) is { } limitation)
        {
            // Passing means: the trailer was decrypted and the ICV verdict is the documented tshark 4.0 one.
            TestContext.Out.WriteLine($"Documented tshark {tshark.Version()} limitation for {vector.Id}: {limitation}.");
        }
    }

    [TestCaseSource(nameof(LsoCases))]
    public void EmittedLsoSegment_TsharkDecryptsItAndChecksTheIcv(GoldenVector vector, int k)
    {
        Tshark tshark = Tshark.Require();
        BatchResults results = Results.Value;
        Assert.That(results.Problems.GetValueOrDefault(vector.Id), Is.Null, "the reference miniport ran the vector");
        (EspCaptureEntry entry, EspCaptureBatch batch) = results.Entries[vector.Id];
        TsharkEspFrame[] frames = [.. results.Frames[batch.Number].Where(f => f.Comment == vector.Id).OrderBy(f => f.FrameNumber)];
        Assert.That(frames, Has.Length.EqualTo(vector.ExpectSegments!.Count), $"frames with comment {vector.Id} in {results.CapturePath(batch)}");
        TsharkEspFrame frame = frames[k];
        WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(entry.Sa, WiresharkExportMode.BestEffort);
        string where = $"{results.CapturePath(batch)}, frame {frame.FrameNumber}, frame.protocols {frame.Protocols}";
        const byte Tcp = 6;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Spi, Is.EqualTo(vector.Spi), "esp.spi");
            // AMB-03: segment k carries SN + k of the 64-bit counter; the low half is on the wire.
            Assert.That(frame.Sequence, Is.EqualTo(unchecked((uint)(vector.Sequence64 + (ulong)k))), "esp.sequence");
            if (vector.Encryption.Alg != "aes-gmac")
            {
                Assert.That(frame.NextHeader, Is.EqualTo(Tcp), $"esp.protocol: the trailer tshark decrypted; {where}");
                Assert.That(frame.LayersAfterEsp.Count > 0 ? frame.LayersAfterEsp[0] : "(nothing)", Is.EqualTo(LayerOfNextHeader[Tcp]), $"the inner protocol after ESP; {where}");
            }
            else
            {
                // AES-GMAC exported as NULL (documented limitation): tshark reads the 8-byte IV as the start of
                // TCP; when that misread header claims more bytes than the segment has, the dissector stops
                // before the trailer, so esp.protocol is either 6 or absent. The SPI and SN above still hold.
                Assert.That(frame.NextHeader, Is.Null.Or.EqualTo(Tcp), $"esp.protocol under the GMAC limitation; {where}");
            }

            Assert.That(frame.Icv, Is.EqualTo(ExpectedIcv(row.IcvCheck)), $"ICV verdict for {row}; {where}");
            Assert.That(row.Limitations.Count > 0, Is.EqualTo(Limitation(vector) is not null), $"limitations of {row}: {string.Join("; ", row.Limitations)}");
        }

        if (Limitation(vector) is { } limitation)
        {
            TestContext.Out.WriteLine($"Documented tshark {tshark.Version()} limitation for {vector.Id} segment {k}: {limitation}.");
        }
    }

    [Test]
    public void Batches_NoSaTableHoldsTheSameSourceAndSpiTwice()
    {
        IReadOnlyList<EspCaptureBatch> batches = VectorEmitter.Batch(Prepare().Entries);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(batches.Sum(b => b.Entries.Count), Is.EqualTo(EspVectors.Value.Count));
            foreach (EspCaptureBatch batch in batches)
            {
                Assert.That(batch.Entries.Select(e => (e.Sa.IpVersion, e.Sa.Source, e.Sa.Spi)), Is.Unique, batch.Name);
            }
        }
    }

    private static TsharkIcvStatus ExpectedIcv(WiresharkIcvCheck check) => check switch
    {
        WiresharkIcvCheck.Checked => TsharkIcvStatus.Good,
        WiresharkIcvCheck.ReportedBad => TsharkIcvStatus.Bad,
        _ => TsharkIcvStatus.Unchecked,
    };

    /// <summary>
    /// The Next Header the ESP trailer must carry: 4/41 in tunnel mode; in transport mode the value the
    /// plaintext packet had in the field that now says AH/ESP (the headers before IPsec keep their offsets).
    /// </summary>
    private static byte ExpectedNextHeader(GoldenVector vector)
    {
        if (vector.Mode == VectorMode.Tunnel)
        {
            return vector.PlainPacket[0] >> 4 == 6 ? (byte)41 : (byte)4;
        }

        ParsedFrame wire = FrameParser.Parse(vector.WirePacket!, FrameStart.Ip, VectorDiff.HintsFor(vector));
        FrameLayer last = wire.Layers.TakeWhile(l => l.Kind is not (FrameLayerKind.Esp or FrameLayerKind.Ah))
            .Last(l => l.Kind is FrameLayerKind.IPv4 or FrameLayerKind.IPv6 or FrameLayerKind.IPv6HopByHop or FrameLayerKind.IPv6Routing
                or FrameLayerKind.IPv6DestinationOptions or FrameLayerKind.IPv6Fragment);

        // IPv4 Protocol at +9 (RFC 791 §3.1); IPv6 Next Header at +6 (RFC 8200 §3); extension headers at +0 (§4).
        int field = last.Kind switch
        {
            FrameLayerKind.IPv4 => 9,
            FrameLayerKind.IPv6 => 6,
            _ => 0,
        };
        return vector.PlainPacket[last.Offset + field];
    }

    private static Prepared Prepare()
    {
        var entries = new List<EspCaptureEntry>();
        var problems = new Dictionary<string, string>();
        foreach (GoldenVector vector in EspVectors.Value)
        {
            // Jumbo frames on: LSO vectors include MSS 1460 + ESP and MSS 9000 bursts.
            using var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu });
            var host = new RecordingMiniportHost();
            miniport.Initialize(host);
            VectorOutcome outcome = VectorRunner.Run(vector, miniport, host);
            int expectedFrames = vector.Kind == VectorKind.Lso ? vector.ExpectSegments?.Count ?? vector.WirePackets!.Count : 1;
            EspSaDescription? sa = outcome.WirePackets.Count == expectedFrames ? VectorEmitter.EspSa(vector, outcome.WirePackets[0]) : null;
            if (outcome.SetupProblem is not null || outcome.Status != NdisStatus.Success || sa is null)
            {
                problems[vector.Id] = outcome.SetupProblem ?? $"status {outcome.Status?.ToNdisName() ?? "none"}, {outcome.Frames.Count} frames";
                continue;
            }

            entries.Add(new EspCaptureEntry(vector.Id, outcome.Frames, sa));
        }

        return new Prepared(entries, problems);
    }

    private static BatchResults RunAllBatches()
    {
        Tshark tshark = Tshark.Require();
        Prepared prepared = Prepare();
        IReadOnlyList<EspCaptureBatch> batches = VectorEmitter.Batch(prepared.Entries);
        string directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "tshark-vector-interop");
        Directory.CreateDirectory(directory);
        var frames = new Dictionary<int, IReadOnlyList<TsharkEspFrame>>();
        foreach (EspCaptureBatch batch in batches)
        {
            // Evidence capture only; the SA table (key material) lives in tshark's temporary config directory.
            string path = Path.Combine(directory, batch.Name + ".pcapng");
            File.WriteAllBytes(path, batch.ToPcapng());
            frames[batch.Number] = DissectWithoutDns(tshark, path, batch.ToEspSaTable());
        }

        var entries = batches.SelectMany(b => b.Entries.Select(e => (e, b))).ToDictionary(x => x.e.Id);
        return new BatchResults(directory, entries, frames, prepared.Problems);
    }

    /// <summary>
    /// Scapy vectors carry bytes on UDP port 53 that are not DNS; with the DNS dissector on, tshark 4.0's
    /// ESP dissector stops before it reads the trailer and checks the ICV.
    /// </summary>
    private static IReadOnlyList<TsharkEspFrame> DissectWithoutDns(Tshark tshark, string capturePath, string espSaTable) =>
        tshark.DissectEsp(capturePath, espSaTable, "dns");

    private sealed record Prepared(IReadOnlyList<EspCaptureEntry> Entries, IReadOnlyDictionary<string, string> Problems);

    private sealed record BatchResults(string Directory, IReadOnlyDictionary<string, (EspCaptureEntry Entry, EspCaptureBatch Batch)> Entries,
        IReadOnlyDictionary<int, IReadOnlyList<TsharkEspFrame>> Frames, IReadOnlyDictionary<string, string> Problems)
    {
        public string CapturePath(EspCaptureBatch batch) => Path.Combine(Directory, batch.Name + ".pcapng");
    }
}
