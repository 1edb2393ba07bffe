using System.Globalization;
using System.Text.Json;

namespace IpsecOffload.Engine.Vectors;

/// <summary>
/// Reads golden vector files (format 1): one JSON object per <c>*.json</c> file, or a JSON array of
/// them. Every problem is reported with the file, the vector id where known, and the field; a bad
/// vector never stops the others from loading. <c>*.received.json</c> files (approver output) are
/// skipped.
/// </summary>
public static class VectorLoader
{
    /// <summary>Loads every <c>*.json</c> file under each folder (recursively), sorted by path.</summary>
    public static VectorLoadResult LoadDirectories(IEnumerable<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var vectors = new List<GoldenVector>();
        var errors = new List<VectorLoadError>();
        foreach (string folder in folders)
        {
            if (File.Exists(folder))
            {
                Load(folder, File.ReadAllText(folder), vectors, errors);
                continue;
            }

            if (!Directory.Exists(folder))
            {
                errors.Add(new VectorLoadError(folder, null, "folder", $"'{folder}' is neither a folder nor a file"));
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
                         .Where(f => !f.EndsWith(".received.json", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
            {
                Load(file, File.ReadAllText(file), vectors, errors);
            }
        }

        foreach (IGrouping<string, GoldenVector> duplicate in vectors.GroupBy(v => v.Id).Where(g => g.Count() > 1))
        {
            errors.Add(new VectorLoadError(duplicate.Last().File ?? "", duplicate.Key, "id",
                $"id '{duplicate.Key}' is used by {duplicate.Count()} vectors ({string.Join(", ", duplicate.Select(v => v.File))})"));
        }

        return new VectorLoadResult(vectors, errors);
    }

    /// <summary>Parses the text of one file (an object or an array of objects).</summary>
    public static VectorLoadResult Parse(string file, string json)
    {
        var vectors = new List<GoldenVector>();
        var errors = new List<VectorLoadError>();
        Load(file, json, vectors, errors);
        return new VectorLoadResult(vectors, errors);
    }

    private static void Load(string file, string json, List<GoldenVector> vectors, List<VectorLoadError> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            errors.Add(new VectorLoadError(file, null, "json", $"not valid JSON: {e.Message}"));
            return;
        }

        using (document)
        {
            IEnumerable<JsonElement> objects = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray()
                : [document.RootElement];
            foreach (JsonElement element in objects)
            {
                try
                {
                    vectors.Add(Read(file, element));
                }
                catch (VectorFormatException e)
                {
                    errors.Add(new VectorLoadError(file, e.VectorId, e.Field, e.Message));
                }
            }
        }
    }

    private static GoldenVector Read(string file, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new VectorFormatException(null, "(root)", $"expected a JSON object, found {e.ValueKind}");
        }

        string id = RequiredString(e, "id", null);
        var r = new FieldReader(e, id);
        VectorKind kind = r.OptionalString("kind") switch
        {
            null or "transform" => VectorKind.Transform,
            "lso" => VectorKind.Lso,
            "scenario" => VectorKind.Scenario,
            string other => throw r.Bad("kind", $"unknown kind '{other}' (transform, lso or scenario)"),
        };
        string source = r.String("source");
        if (kind == VectorKind.Scenario)
        {
            return new GoldenVector
            {
                Id = id, Source = source, File = file, Kind = kind,
                Encryption = new VectorEncryption("null", [], null), PlainPacket = [],
                Requirements = r.StringList("requirement"), Notes = r.OptionalString("notes"),
            };
        }

        var vector = new GoldenVector
        {
            Id = id,
            Source = source,
            File = file,
            Kind = kind,
            Proto = r.String("proto") switch
            {
                "esp" => VectorProtocol.Esp,
                "ah" => VectorProtocol.Ah,
                string other => throw r.Bad("proto", $"'{other}' is not \"esp\" or \"ah\""),
            },
            Mode = r.String("mode") switch
            {
                "transport" => VectorMode.Transport,
                "tunnel" => VectorMode.Tunnel,
                string other => throw r.Bad("mode", $"'{other}' is not \"transport\" or \"tunnel\""),
            },
            Spi = r.UInt32("spi"),
            Seq = r.UInt32("seq"),
            Esn = r.Bool("esn"),
            SeqHigh = r.UInt32("seqHigh"),
            Encryption = r.Encryption(),
            Integrity = r.Integrity(),
            IcvLength = checked((int)r.UInt32("icvLength")),
            Iv = r.Hex("iv"),
            Tunnel = r.Tunnel(),
            UdpEncap = r.UdpEncap(),
            PlainPacket = r.Hex("plainPacket"),
            WirePacket = kind == VectorKind.Transform ? r.Hex("wirePacket") : r.OptionalHex("wirePacket"),
            WirePackets = r.OptionalHexList("wirePackets"),
            Padding = r.OptionalHex("padding"),
            FramedPacket = r.OptionalHex("framedPacket"),
            Lso = r.Lso(),
            TcpPayload = r.OptionalInt64("tcpPayload"),
            ExpectSegments = r.OptionalHexList("expectSegments"),
            AhSa = r.AhSa(),
            Notes = r.OptionalString("notes"),
        };

        if (!vector.Esn && vector.SeqHigh != 0)
        {
            throw r.Bad("seqHigh", $"is {vector.SeqHigh} but esn is false");
        }

        if (vector.Mode == VectorMode.Tunnel && vector.Tunnel is null)
        {
            throw r.Bad("tunnel", "tunnel mode needs a tunnel object");
        }

        if (kind == VectorKind.Lso && (vector.Lso is null || (vector.WirePackets is null && vector.ExpectSegments is null)))
        {
            throw r.Bad("lso", "an LSO vector needs lso and wirePackets or expectSegments");
        }

        return vector;
    }

    private static string RequiredString(JsonElement e, string name, string? id) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new VectorFormatException(id, name, $"missing string field '{name}'");

    private sealed class FieldReader(JsonElement e, string id)
    {
        public VectorFormatException Bad(string field, string message) => new(id, field, $"{field}: {message}");

        private bool TryGet(string name, out JsonElement value) =>
            e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        public string String(string name) => RequiredString(e, name, id);

        public string? OptionalString(string name) =>
            !TryGet(name, out JsonElement v) ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad(name, $"expected a string, found {v.ValueKind}");

        public IReadOnlyList<string> StringList(string name)
        {
            if (!TryGet(name, out JsonElement v))
            {
                return [];
            }

            return v.ValueKind switch
            {
                JsonValueKind.String => [v.GetString()!],
                JsonValueKind.Array => [.. v.EnumerateArray().Select(x => x.GetString() ?? throw Bad(name, "null entry"))],
                _ => throw Bad(name, $"expected a string or an array of strings, found {v.ValueKind}"),
            };
        }

        public uint UInt32(string name) =>
            !TryGet(name, out JsonElement v) ? throw Bad(name, "missing")
            : v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out uint u) ? u
            : throw Bad(name, $"expected an integer 0..4294967295, found {v.GetRawText()}");

        public long? OptionalInt64(string name) =>
            !TryGet(name, out JsonElement v) ? null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) && l >= 0 ? l
            : throw Bad(name, $"expected a non-negative integer, found {v.GetRawText()}");

        public bool Bool(string name) =>
            !TryGet(name, out JsonElement v) ? throw Bad(name, "missing")
            : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
            : throw Bad(name, $"expected true or false, found {v.GetRawText()}");

        public byte[] Hex(string name) => OptionalHex(name) ?? throw Bad(name, "missing");

        public byte[]? OptionalHex(string name) => !TryGet(name, out JsonElement v) ? null : ParseHex(name, v);

        public IReadOnlyList<byte[]>? OptionalHexList(string name) =>
            !TryGet(name, out JsonElement v) ? null
            : v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select((x, i) => ParseHex($"{name}[{i}]", x))]
            : throw Bad(name, "expected an array of hex strings");

        private byte[] ParseHex(string name, JsonElement v)
        {
            string text = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(name, "expected a hex string");
            if (text.Length % 2 != 0)
            {
                throw Bad(name, $"odd number of hex digits ({text.Length})");
            }

            for (int i = 0; i < text.Length; i++)
            {
                if (!char.IsAsciiHexDigitLower(text[i]) && !char.IsAsciiDigit(text[i]))
                {
                    throw Bad(name, string.Create(CultureInfo.InvariantCulture,
                        $"character '{text[i]}' at {i} is not lower-case hex"));
                }
            }

            return Convert.FromHexString(text);
        }

        public VectorEncryption Encryption()
        {
            JsonElement o = Object("encryption") ?? throw Bad("encryption", "missing");
            var inner = new FieldReader(o, id);
            string alg = inner.String("alg");
            return new VectorEncryption(alg, alg == "null" ? inner.OptionalHex("key") ?? [] : inner.Hex("key"), inner.OptionalHex("salt"));
        }

        public VectorIntegrity? Integrity()
        {
            JsonElement? o = Object("integrity");
            if (o is null)
            {
                return null;
            }

            var inner = new FieldReader(o.Value, id);
            return new VectorIntegrity(inner.String("alg"), inner.Hex("key"), inner.OptionalHex("salt"));
        }

        public VectorAhSa? AhSa()
        {
            JsonElement? o = Object("ahSa");
            if (o is null)
            {
                return null;
            }

            var inner = new FieldReader(o.Value, id);
            if (inner.String("proto") != "ah")
            {
                throw Bad("ahSa.proto", "must be \"ah\"");
            }

            return new VectorAhSa(inner.UInt32("spi"), inner.UInt32("seq"), inner.Bool("esn"), inner.UInt32("seqHigh"),
                inner.Integrity() ?? throw Bad("ahSa.integrity", "missing"), checked((int)inner.UInt32("icvLength")), inner.Hex("iv"));
        }

        public VectorTunnel? Tunnel()
        {
            JsonElement? o = Object("tunnel");
            if (o is null)
            {
                return null;
            }

            var inner = new FieldReader(o.Value, id);
            return new VectorTunnel(inner.String("src"), inner.String("dst"), inner.OptionalHex("outerHeader"));
        }

        public VectorUdpEncap? UdpEncap()
        {
            JsonElement? o = Object("udpEncap");
            if (o is null)
            {
                return null;
            }

            var inner = new FieldReader(o.Value, id);
            return new VectorUdpEncap(Port(inner, "sport"), Port(inner, "dport"));
        }

        public VectorLso? Lso()
        {
            JsonElement? o = Object("lso");
            if (o is null)
            {
                return null;
            }

            var inner = new FieldReader(o.Value, id);
            int version = checked((int)inner.UInt32("version"));
            return version is 1 or 2
                ? new VectorLso(checked((int)inner.UInt32("mss")), version)
                : throw Bad("lso.version", $"is {version}, expected 1 or 2");
        }

        private ushort Port(FieldReader inner, string name)
        {
            uint value = inner.UInt32(name);
            return value <= ushort.MaxValue ? (ushort)value : throw Bad($"udpEncap.{name}", $"port {value} exceeds 65535");
        }

        private JsonElement? Object(string name) =>
            !TryGet(name, out JsonElement v) ? null
            : v.ValueKind == JsonValueKind.Object ? v
            : throw Bad(name, $"expected an object or null, found {v.ValueKind}");
    }
}

/// <summary>Vectors read and problems found.</summary>
/// <param name="Vectors">The vectors that parsed.</param>
/// <param name="Errors">One entry per file or vector that did not.</param>
public sealed record VectorLoadResult(IReadOnlyList<GoldenVector> Vectors, IReadOnlyList<VectorLoadError> Errors);

/// <summary>A vector file problem: file, vector id (when known), field and message.</summary>
/// <param name="File">The file.</param>
/// <param name="VectorId">The vector's id, when it could be read.</param>
/// <param name="Field">The field at fault.</param>
/// <param name="Message">What is wrong, with the values.</param>
public sealed record VectorLoadError(string File, string? VectorId, string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}{(VectorId is null ? "" : $" [{VectorId}]")}: {Message}";
}

/// <summary>Thrown inside the loader for one malformed vector; never escapes it.</summary>
internal sealed class VectorFormatException(string? vectorId, string field, string message) : Exception(message)
{
    public string? VectorId { get; } = vectorId;

    public string Field { get; } = field;
}
