using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Vectors;

/// <summary>
/// Writes what an adapter transmitted for golden vectors so that independent tools can judge it
/// (vectors-schema.md "Tooling the project provides"): per vector the original JSON object with
/// <c>wirePacket</c> replaced by the emitted IP packet plus <c>emitted: {"status", "tcpPayload"}</c>;
/// one <c>emitted.pcapng</c> with every emitted frame (packet comment = vector id); and Wireshark 4.0
/// captures with ESP SA tables, one per <see cref="EspCaptureBatch"/>, because vectors reuse
/// (source, SPI) with different keys and one <c>esp_sa</c> table cannot hold both.
/// </summary>
public static class VectorEmitter
{
    /// <summary>File name of the capture holding every emitted frame.</summary>
    public const string CaptureFileName = "emitted.pcapng";

    /// <summary>Folder (inside the emit folder) of the per-batch Wireshark captures and SA tables.</summary>
    public const string WiresharkFolderName = "wireshark";

    /// <summary>File name of the emit folder's instructions.</summary>
    public const string ReadmeFileName = "README.txt";

    // IPv4 header (RFC 791 §3.1): ... | Source Address @12 (4) | Destination Address @16 (4).
    private const int IPv4SourceOffset = 12, IPv4DestinationOffset = 16, IPv4AddressLength = 4;

    // IPv6 header (RFC 8200 §3): ... | Source Address @8 (16) | Destination Address @24 (16).
    private const int IPv6SourceOffset = 8, IPv6DestinationOffset = 24, IPv6AddressLength = 16;

    /// <summary>2-space indent, LF line ends, non-ASCII kept readable (as the vector generators write).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The JSON object of vector <paramref name="id"/> in <paramref name="file"/> (a file holds one
    /// object or an array of them), field order as written; null when the file has no such vector.
    /// </summary>
    public static JsonObject? FindJsonObject(string file, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        JsonNode? root = JsonNode.Parse(File.ReadAllText(file));
        IEnumerable<JsonNode?> objects = root is JsonArray array ? array : [root];
        return objects.OfType<JsonObject>().FirstOrDefault(o => o["id"]?.GetValueKind() == JsonValueKind.String && (string?)o["id"] == id);
    }

    /// <summary>
    /// A copy of <paramref name="original"/> with <c>wirePacket</c> (transform) or <c>wirePackets</c>
    /// (LSO: every segment in transmit order) replaced in place by what <paramref name="outcome"/>
    /// transmitted, and <c>emitted</c> set last: <c>{"status": "&lt;NDIS status name&gt;" or null,
    /// "tcpPayload": the LSOv1 completion's TcpPayload, else null}</c>. When a transform vector
    /// did not emit exactly one packet, <c>wirePacket</c> is null and <c>emitted.wirePackets</c> lists
    /// what was sent; <c>emitted.completions</c> appears when the NBL was not completed exactly once,
    /// <c>emitted.problem</c> when the vector could not be run.
    /// </summary>
    public static JsonObject ToEmittedJson(JsonObject original, VectorOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(outcome);
        var copy = (JsonObject)original.DeepClone();
        var emitted = new JsonObject
        {
            ["status"] = outcome.Status?.ToNdisName(),
            ["tcpPayload"] = outcome.TcpPayload,
        };
        if (outcome.Vector.Kind == VectorKind.Lso)
        {
            copy["wirePackets"] = HexArray(outcome.WirePackets);
        }
        else if (outcome.WirePackets.Count == 1)
        {
            copy["wirePacket"] = Convert.ToHexStringLower(outcome.WirePackets[0]);
        }
        else
        {
            copy["wirePacket"] = null;
            emitted["wirePackets"] = HexArray(outcome.WirePackets);
        }

        if (outcome.SetupProblem is null && outcome.Completions != 1)
        {
            emitted["completions"] = outcome.Completions;
        }

        if (outcome.SetupProblem is not null)
        {
            emitted["problem"] = outcome.SetupProblem;
        }

        copy.Remove("emitted");
        copy["emitted"] = emitted;
        return copy;
    }

    /// <summary>The text of an emitted vector file: <see cref="JsonOptions"/> and a final newline.</summary>
    public static string ToFileText(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(JsonOptions) + "\n";
    }

    /// <summary>
    /// The ESP SA of a vector as Wireshark needs it, with the addresses of the outer IP header of
    /// <paramref name="wirePacket"/> (destination <c>*</c> when an IPv6 Routing header with segments
    /// left precedes AH/ESP, because Wireshark matches the final destination); null for AH vectors (AH+ESP bundles give their ESP SA) and when
    /// the packet has no IP header or the vector's algorithms do not resolve.
    /// </summary>
    public static EspSaDescription? EspSa(GoldenVector vector, ReadOnlySpan<byte> wirePacket)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Proto != VectorProtocol.Esp || wirePacket.IsEmpty
            || !VectorAlgorithms.TryResolve(vector, out ResolvedAlgorithms algorithms, out _) || algorithms.Encryption is not { } encryption)
        {
            return null;
        }

        (EspSaIpVersion version, int source, int destination, int length) = (wirePacket[0] >> 4) switch
        {
            4 => (EspSaIpVersion.IPv4, IPv4SourceOffset, IPv4DestinationOffset, IPv4AddressLength),
            6 => (EspSaIpVersion.IPv6, IPv6SourceOffset, IPv6DestinationOffset, IPv6AddressLength),
            _ => default,
        };
        if (length == 0 || wirePacket.Length < destination + length)
        {
            return null;
        }

        return new EspSaDescription
        {
            IpVersion = version,
            Source = new IPAddress(wirePacket.Slice(source, length)).ToString(),
            Destination = RoutedBeforeIpsec(wirePacket, vector) ? "*" : new IPAddress(wirePacket.Slice(destination, length)).ToString(),
            Spi = vector.Spi,
            Encryption = encryption,
            EncryptionKey = vector.Encryption.Key,
            Salt = vector.Encryption.Salt ?? [],
            IcvLength = encryption.Kind == CryptoAlgorithmKind.Aead ? vector.IcvLength : 0,
            Integrity = algorithms.Integrity,
            IntegrityKey = algorithms.Integrity is null ? ReadOnlyMemory<byte>.Empty : vector.Integrity!.Key,
            ExtendedSequenceNumbers = vector.Esn,
            SequenceHigh = vector.SeqHigh,
        };
    }

    // IPv6 Routing header (RFC 8200 §4.4): Next Header | Hdr Ext Len | Routing Type | Segments Left @3 | ...
    private const int SegmentsLeftOffset = 3;

    // Wireshark looks an ESP SA up by the packet's final destination, which a Routing header with
    // segments left replaces (tshark 4.0.17: no match for the IPv6 header's destination); the SA row
    // then takes any destination.
    private static bool RoutedBeforeIpsec(ReadOnlySpan<byte> wirePacket, GoldenVector vector)
    {
        foreach (FrameLayer layer in FrameParser.Parse(wirePacket, FrameStart.Ip, VectorDiff.HintsFor(vector)).Layers)
        {
            if (layer.Kind is FrameLayerKind.Esp or FrameLayerKind.Ah)
            {
                return false;
            }

            if (layer.Kind == FrameLayerKind.IPv6Routing && layer.Length > SegmentsLeftOffset && wirePacket[layer.Offset + SegmentsLeftOffset] != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Splits ESP captures into batches that one Wireshark SA table can decrypt: Wireshark uses the
    /// first <c>esp_sa</c> record whose protocol, addresses and SPI match, so no two entries of a batch
    /// share (IP version, source, SPI): the destination is left out of the key because a row may
    /// match any destination (<c>*</c>, see <see cref="EspSa"/>). Greedy and stable: each entry goes into the first
    /// batch without its key, so batch 1 holds the first use of every key, batch 2 the second, and so on.
    /// </summary>
    public static IReadOnlyList<EspCaptureBatch> Batch(IEnumerable<EspCaptureEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var batches = new List<(HashSet<string> Keys, List<EspCaptureEntry> Entries)>();
        foreach (EspCaptureEntry entry in entries)
        {
            string key = MatchKey(entry.Sa);
            (HashSet<string> Keys, List<EspCaptureEntry> Entries) batch = batches.FirstOrDefault(b => !b.Keys.Contains(key));
            if (batch.Keys is null)
            {
                batch = ([], []);
                batches.Add(batch);
            }

            batch.Keys.Add(key);
            batch.Entries.Add(entry);
        }

        return [.. batches.Select((b, i) => new EspCaptureBatch(i + 1, b.Entries))];
    }

    /// <summary>
    /// Writes the emit folder for <paramref name="outcomes"/>: <c>&lt;id&gt;.json</c> for every vector
    /// that has its JSON object in its file, <see cref="CaptureFileName"/>, and under
    /// <see cref="WiresharkFolderName"/> one <c>batch-NN.pcapng</c> with its configuration folder
    /// <c>batch-NN/</c> (<c>esp_sa</c> in <see cref="WiresharkExportMode.BestEffort"/> mode, <c>preferences</c>),
    /// plus <see cref="ReadmeFileName"/> with the tshark command of each batch. The SA tables hold key
    /// material, as Wireshark needs; nothing else written here does.
    /// </summary>
    public static EmitSummary WriteFolder(string folder, IEnumerable<VectorOutcome> outcomes)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(outcomes);
        Directory.CreateDirectory(folder);
        var all = new PcapngWriter();
        var esp = new List<EspCaptureEntry>();
        int jsonFiles = 0;
        foreach (VectorOutcome outcome in outcomes)
        {
            GoldenVector vector = outcome.Vector;
            if (vector.File is not null && File.Exists(vector.File) && FindJsonObject(vector.File, vector.Id) is { } original)
            {
                File.WriteAllText(Path.Combine(folder, vector.Id + ".json"), ToFileText(ToEmittedJson(original, outcome)));
                jsonFiles++;
            }

            foreach (byte[] frame in outcome.Frames)
            {
                all.WritePacket(PcapngLinkType.Ethernet, frame, vector.Id);
            }

            if (outcome.Frames.Count > 0 && outcome.WirePackets.Count > 0 && EspSa(vector, outcome.WirePackets[0]) is { } sa)
            {
                esp.Add(new EspCaptureEntry(vector.Id, outcome.Frames, sa));
            }
        }

        File.WriteAllBytes(Path.Combine(folder, CaptureFileName), all.ToArray());
        IReadOnlyList<EspCaptureBatch> batches = Batch(esp);
        string wireshark = Path.Combine(folder, WiresharkFolderName);
        if (Directory.Exists(wireshark))
        {
            Directory.Delete(wireshark, recursive: true);
        }

        Directory.CreateDirectory(wireshark);

        foreach (EspCaptureBatch batch in batches)
        {
            File.WriteAllBytes(Path.Combine(wireshark, batch.Name + ".pcapng"), batch.ToPcapng());
            WiresharkEspSaTable.WriteConfigurationDirectory(Path.Combine(wireshark, batch.Name), batch.Entries.Select(e => e.Sa), WiresharkExportMode.BestEffort);
        }

        File.WriteAllText(Path.Combine(folder, ReadmeFileName), Readme(batches, all.PacketCount));
        return new EmitSummary(jsonFiles, all.PacketCount, batches);
    }

    /// <summary>The emit folder's README: what each file is and the tshark command of each batch (no key material).</summary>
    public static string Readme(IReadOnlyList<EspCaptureBatch> batches, int frames)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var text = new StringBuilder();
        text.Append("Written by `ipsec-conformance vectors check --emit`.\n\n");
        text.Append("<id>.json       each vector as given, with wirePacket (LSO: wirePackets) replaced by the IP packet(s)\n");
        text.Append("                the adapter sent and \"emitted\": {\"status\": NDIS status name, \"tcpPayload\": the LSOv1\n");
        text.Append("                completion's byte count, null for LSOv2 and transform vectors}\n");
        text.Append(CultureInfo.InvariantCulture, $"{CaptureFileName}  all {frames} emitted Ethernet frames (AH and ESP); packet comment = vector id\n");
        text.Append(CultureInfo.InvariantCulture, $"{WiresharkFolderName}/      the ESP frames again, split into {batches.Count} batch(es) so that each batch's Wireshark\n");
        text.Append("                esp_sa table is unambiguous: vectors reuse (source, SPI) with different keys, and\n");
        text.Append("                Wireshark uses the first matching record. batch-NN/ holds esp_sa (KEY MATERIAL) and\n");
        text.Append("                preferences (ESP decryption and ICV checking on).\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Decrypt and check with tshark {WiresharkEspSaTable.WiresharkVersion} (run in this folder):\n\n");
        foreach (EspCaptureBatch batch in batches)
        {
            text.Append(CultureInfo.InvariantCulture, $"WIRESHARK_CONFIG_DIR={WiresharkFolderName}/{batch.Name} tshark -n -r {WiresharkFolderName}/{batch.Name}.pcapng ")
                .Append("-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE --disable-protocol dns ")
                .Append("-T fields -e frame.comment -e frame.protocols -e esp.icv_good -e esp.icv_bad\n");
        }

        text.Append("\n--disable-protocol dns: several vectors carry non-DNS bytes on UDP port 53; the DNS dissector's\n")
            .Append("exception would stop the ESP dissector before it reads the trailer and checks the ICV.\n");
        text.Append("An SA whose destination is * belongs to a packet with an IPv6 Routing header: Wireshark matches\n")
            .Append("the final destination, not the IPv6 header's.\n");
        text.Append(CultureInfo.InvariantCulture, $"\nWhat Wireshark {WiresharkEspSaTable.WiresharkVersion} cannot check (those SAs are exported best-effort):\n");
        foreach (string limitation in WiresharkEspSaTable.Wireshark40Cannot)
        {
            text.Append("- ").Append(limitation).Append('\n');
        }

        foreach (EspCaptureEntry entry in batches.SelectMany(b => b.Entries))
        {
            WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(entry.Sa, WiresharkExportMode.BestEffort);
            foreach (string limitation in row.Limitations)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {entry.Id}: {limitation}\n");
            }
        }

        return text.ToString();
    }

    private static string MatchKey(EspSaDescription sa) =>
        string.Create(CultureInfo.InvariantCulture, $"{sa.IpVersion}|{sa.Source}|{sa.Spi:x8}");

    private static JsonArray HexArray(IEnumerable<byte[]> packets) => [.. packets.Select(p => (JsonNode?)JsonValue.Create(Convert.ToHexStringLower(p)))];
}

/// <summary>One vector's emitted ESP frames and the SA that decrypts them.</summary>
/// <param name="Id">The vector id (also the frames' pcapng comment).</param>
/// <param name="Frames">The Ethernet frames as sent.</param>
/// <param name="Sa">The vector's ESP SA with the frame's outer addresses.</param>
public sealed record EspCaptureEntry(string Id, IReadOnlyList<byte[]> Frames, EspSaDescription Sa);

/// <summary>ESP captures whose SAs fit in one Wireshark <c>esp_sa</c> table (no (addresses, SPI) repeats).</summary>
/// <param name="Number">1-based batch number.</param>
/// <param name="Entries">The vectors of the batch, in input order.</param>
public sealed record EspCaptureBatch(int Number, IReadOnlyList<EspCaptureEntry> Entries)
{
    /// <summary><c>batch-NN</c>, the name of the batch's capture and configuration folder.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"batch-{Number:D2}");

    /// <summary>The batch's frames as a pcapng (Ethernet, packet comment = vector id), in entry order.</summary>
    public byte[] ToPcapng()
    {
        var writer = new PcapngWriter();
        foreach (EspCaptureEntry entry in Entries)
        {
            foreach (byte[] frame in entry.Frames)
            {
                writer.WritePacket(PcapngLinkType.Ethernet, frame, entry.Id);
            }
        }

        return writer.ToArray();
    }

    /// <summary>The batch's <c>esp_sa</c> table text (best effort for what Wireshark 4.0 cannot check); contains keys.</summary>
    public string ToEspSaTable() => WiresharkEspSaTable.ToUatFile(Entries.Select(e => e.Sa), WiresharkExportMode.BestEffort);
}

/// <summary>What <see cref="VectorEmitter.WriteFolder"/> wrote.</summary>
/// <param name="JsonFiles">Emitted vector files.</param>
/// <param name="Frames">Frames in the all-frames capture.</param>
/// <param name="Batches">The Wireshark batches.</param>
public sealed record EmitSummary(int JsonFiles, int Frames, IReadOnlyList<EspCaptureBatch> Batches);
