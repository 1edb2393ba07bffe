using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Conformance.Reports;

/// <summary>What <see cref="EvidenceCapture.Write"/> wrote.</summary>
/// <param name="CaptureFile">Path of <c>evidence.pcapng</c>.</param>
/// <param name="SaTableFile">Path of the Wireshark <c>esp_sa</c> table beside it (key material).</param>
/// <param name="Frames">Frames in the capture.</param>
/// <param name="Cases">Cases whose frames it holds.</param>
/// <param name="Sas">ESP SA rows in the table.</param>
/// <param name="Batches">
/// Wireshark batches (<see cref="VectorEmitter.Batch"/>): 1 when one table decrypts every frame; more when
/// two cases used the same (source, SPI) with different keys, written under <c>wireshark/batch-NN</c>.
/// </param>
public sealed record EvidenceSummary(string CaptureFile, string SaTableFile, int Frames, int Cases, int Sas, int Batches)
{
    /// <summary>
    /// The tshark command that decrypts the capture and checks its ICVs, run in the report folder (the
    /// folder's <c>esp_sa</c> and <c>preferences</c> make it a Wireshark configuration folder); no key material.
    /// </summary>
    public string TsharkCommand =>
        $"WIRESHARK_CONFIG_DIR=. tshark -n -r {Path.GetFileName(CaptureFile)} {string.Join(' ', EvidenceCapture.TsharkDecodeAs)} " +
        "-T fields -e frame.comment -e esp.spi -e esp.protocol -e esp.icv_good -e esp.icv_bad";
}

/// <summary>
/// The evidence of a run: the Ethernet frames the adapter transmitted in the selected cases as one
/// pcapng (packet comment = <c>case nbl=… frame=…</c>) and, beside it, the Wireshark 4.0 <c>esp_sa</c>
/// table and <c>preferences</c> (the report folder is then a Wireshark configuration folder) with one
/// row per ESP SA the cases added, addressed by the outer source address of the frames that used it (any destination). Reuses
/// the vector emitter's Wireshark export (<see cref="WiresharkEspSaTable"/>, best effort for what
/// Wireshark 4.0 cannot check) and its batching when one table cannot hold every SA.
/// </summary>
public static class EvidenceCapture
{
    /// <summary>File name of the capture.</summary>
    public const string CaptureFileName = "evidence.pcapng";

    // ESP header (RFC 4303 §2): Security Parameters Index @0 (4) | Sequence Number @4 (4) | ...
    private const int EspSpiOffset = 0;

    // IPv4 header (RFC 791 §3.1): ... | Source Address @12 (4) | Destination Address @16 (4).
    private const int IPv4SourceOffset = 12, IPv4AddressLength = 4;

    // IPv6 header (RFC 8200 §3): ... | Source Address @8 (16) | Destination Address @24 (16).
    private const int IPv6SourceOffset = 8, IPv6AddressLength = 16;

    /// <summary>
    /// tshark arguments that dissect every TCP and UDP payload as plain data (UDP port 4500 excepted, so
    /// UDP-encapsulated ESP is still found): case payloads are random bytes on random ports, and an
    /// application dissector that throws on them (tshark 4.0.17: Elasticsearch on UDP 54328) stops the
    /// ESP dissector before it reads the trailer and checks the ICV.
    /// </summary>
    public static IReadOnlyList<string> TsharkDecodeAs { get; } =
        ["-d", "udp.port==1-4499,data", "-d", "udp.port==4501-65535,data", "-d", "tcp.port==1-65535,data"];

    /// <summary>Whether <paramref name="result"/>'s frames belong in the capture under <paramref name="mode"/>.</summary>
    public static bool Selects(EvidenceMode mode, CaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return mode switch
        {
            EvidenceMode.All => true,
            EvidenceMode.Failing => result.Verdict is Verdict.Fail or Verdict.Warn or Verdict.Blocked,
            _ => false,
        };
    }

    /// <summary>The pcapng comment of a frame: case name, NBL name and the frame's index in the case.</summary>
    public static string Comment(EvidenceFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return string.Create(CultureInfo.InvariantCulture, $"{frame.Case} nbl={frame.Nbl} frame={frame.Index}");
    }

    /// <summary>
    /// Writes <see cref="CaptureFileName"/>, <c>esp_sa</c> and <c>preferences</c> into
    /// <paramref name="folder"/> (and <c>wireshark/batch-NN*</c> when one table is not enough); null and
    /// nothing written for <see cref="EvidenceMode.None"/>.
    /// </summary>
    public static EvidenceSummary? Write(RunResult run, string folder, EvidenceMode mode)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (mode == EvidenceMode.None)
        {
            // No evidence asked for: leave none from an earlier run in the folder either.
            foreach (string stale in new[] { CaptureFileName, WiresharkEspSaTable.UatFileName, WiresharkEspSaTable.PreferencesFileName })
            {
                File.Delete(Path.Combine(folder, stale));
            }

            string staleBatches = Path.Combine(folder, VectorEmitter.WiresharkFolderName);
            if (Directory.Exists(staleBatches))
            {
                Directory.Delete(staleBatches, recursive: true);
            }

            return null;
        }

        Directory.CreateDirectory(folder);
        var capture = new PcapngWriter();
        var entries = new List<EspCaptureEntry>();
        int cases = 0;
        foreach (CaseResult result in run.Cases.Where(c => Selects(mode, c)))
        {
            cases++;
            foreach (EvidenceFrame frame in result.Frames)
            {
                capture.WritePacket(PcapngLinkType.Ethernet, frame.Frame, Comment(frame));
            }

            entries.AddRange(EspEntries(result));
        }

        File.WriteAllBytes(Path.Combine(folder, CaptureFileName), capture.ToArray());
        WiresharkEspSaTable.WriteConfigurationDirectory(folder, entries.Select(e => e.Sa), WiresharkExportMode.BestEffort);
        IReadOnlyList<EspCaptureBatch> batches = VectorEmitter.Batch(entries);
        string wireshark = Path.Combine(folder, VectorEmitter.WiresharkFolderName);
        if (Directory.Exists(wireshark))
        {
            Directory.Delete(wireshark, recursive: true);
        }

        if (batches.Count > 1)
        {
            Directory.CreateDirectory(wireshark);
            foreach (EspCaptureBatch batch in batches)
            {
                File.WriteAllBytes(Path.Combine(wireshark, batch.Name + ".pcapng"), batch.ToPcapng());
                WiresharkEspSaTable.WriteConfigurationDirectory(Path.Combine(wireshark, batch.Name), batch.Entries.Select(e => e.Sa), WiresharkExportMode.BestEffort);
            }
        }

        return new EvidenceSummary(Path.Combine(folder, CaptureFileName), Path.Combine(folder, WiresharkEspSaTable.UatFileName),
            capture.PacketCount, cases, entries.Count, Math.Max(1, batches.Count));
    }

    /// <summary>
    /// The ESP SAs of one case that its frames used, one entry per (SA, outer addresses), with those
    /// frames; an ESP frame whose SPI is none of the case's SAs (a broken adapter) gets no entry.
    /// </summary>
    public static IReadOnlyList<EspCaptureEntry> EspEntries(CaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var groups = new Dictionary<(EspSaIpVersion, string, string, uint), (SaSpec Sa, List<byte[]> Frames)>();
        foreach (EvidenceFrame frame in result.Frames)
        {
            if (OuterEsp(frame.Frame) is not { } esp)
            {
                continue;
            }

            SaSpec? sa = result.Sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Esp && s.Spi == esp.Spi && Describe(s, esp.Version, "*", "*") is not null);
            if (sa is null)
            {
                continue;
            }

            var key = (esp.Version, esp.Source, esp.Destination, esp.Spi);
            if (!groups.TryGetValue(key, out (SaSpec Sa, List<byte[]> Frames) group))
            {
                group = (sa, []);
                groups.Add(key, group);
            }

            group.Frames.Add(frame.Frame);
        }

        return [.. groups.Select(g => new EspCaptureEntry(result.Case.Name, g.Value.Frames, Describe(g.Value.Sa, g.Key.Item1, g.Key.Item2, g.Key.Item3)!))];
    }

    /// <summary>
    /// An ESP <see cref="SaSpec"/> as Wireshark needs it (AES-GCM/GMAC key material split into key and
    /// salt; integrity-only ESP as ESP-NULL + HMAC), or null for AH and SAs without any transform.
    /// </summary>
    public static EspSaDescription? Describe(SaSpec sa, EspSaIpVersion version, string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.Protocol != IpsecProtocol.Esp)
        {
            return null;
        }

        (CryptoAlgorithm? encryption, byte[] keyMaterial, CryptoAlgorithm? integrity, byte[] integrityKey) = (sa.Encryption, sa.Integrity) switch
        {
            // ESP-NULL + AES-GMAC (the v2 way to ask for GMAC) is Wireshark's "NULL encryption with AES-GMAC" row.
            ({ Id: CryptoAlgorithmId.EspNull }, { SaltLength: > 0 } gmac) => (gmac, sa.IntegrityKey, null, []),
            ({ } e, var i) => (e, sa.EncryptionKey, i, i is null ? [] : sa.IntegrityKey),
            (null, { SaltLength: > 0 } gmac) => (gmac, sa.IntegrityKey, null, []),
            (null, { } hmac) => (CryptoAlgorithm.EspNull, [], hmac, sa.IntegrityKey),
            _ => (null, [], null, []),
        };
        if (encryption is null || keyMaterial.Length != encryption.KeyMaterialLength)
        {
            return null;
        }

        int keyLength = encryption.KeyLength;
        return new EspSaDescription
        {
            IpVersion = version,
            Source = source,
            Destination = destination,
            Spi = sa.Spi,
            Encryption = encryption,
            EncryptionKey = keyMaterial.AsMemory(0, keyLength),
            Salt = keyMaterial.AsMemory(keyLength),
            IcvLength = encryption.Kind == CryptoAlgorithmKind.Aead ? sa.IcvLength : 0,
            Integrity = integrity,
            IntegrityKey = integrityKey,
            ExtendedSequenceNumbers = sa.Esn,
            SequenceHigh = sa.SequenceNumberHigh,
        };
    }

    private static (EspSaIpVersion Version, string Source, string Destination, uint Spi)? OuterEsp(byte[] frame)
    {
        ParsedFrame parsed = FrameParser.Parse(frame);
        FrameLayer? ip = null;
        foreach (FrameLayer layer in parsed.Layers)
        {
            if (layer.Kind is FrameLayerKind.IPv4 or FrameLayerKind.IPv6 && ip is null)
            {
                ip = layer;
            }

            if (layer.Kind == FrameLayerKind.Esp && ip is { } outer && layer.Length >= EspSpiOffset + 4)
            {
                uint spi = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(layer.Offset + EspSpiOffset));
                (EspSaIpVersion version, int source, int length) = outer.Kind == FrameLayerKind.IPv4
                    ? (EspSaIpVersion.IPv4, IPv4SourceOffset, IPv4AddressLength)
                    : (EspSaIpVersion.IPv6, IPv6SourceOffset, IPv6AddressLength);

                // Destination "*": Wireshark matches an IPv6 packet's final destination, which a Routing
                // header with segments left replaces (see VectorEmitter.EspSa); the source and SPI suffice.
                return (version, new IPAddress(frame.AsSpan(outer.Offset + source, length)).ToString(), "*", spi);
            }
        }

        return null;
    }
}
