using System.Globalization;
using System.Text;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Engine.Vectors;

/// <summary>
/// Compares an expected and an actual IP packet of a golden vector and renders the readable failure
/// of STYLE §5: the lengths, then the differing fields named from the engine's layout map (the
/// vector's IV and ICV lengths as the ESP/AH hint) with one row of context before each, at most
/// <see cref="MaxRows"/> differing rows, then the SA without key material. Key bytes never appear:
/// the SA line says <c>key &lt;16 bytes, not shown&gt;</c>.
/// </summary>
public static class VectorDiff
{
    /// <summary>Most differing fields listed row by row (ImageSharp caps its reports at five).</summary>
    public const int MaxRows = 5;

    /// <summary>Bytes shown in one row's expected/actual column before an ellipsis.</summary>
    public const int BytesPerRow = 8;

    private const int MinimumFieldColumn = 22;
    private const int ValueColumn = (BytesPerRow * 3) + 1;

    /// <summary>The layout hints a vector's SA gives: ESP IV/ICV lengths (payload in clear for ESP-NULL and AES-GMAC) and the AH split.</summary>
    public static LayoutHints HintsFor(GoldenVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Proto == VectorProtocol.Ah)
        {
            return new LayoutHints(Ah: new AhLayoutHint(vector.Iv.Length, vector.IcvLength));
        }

        bool cleartext = vector.Encryption.Alg is "null" or "aes-gmac";
        var esp = new EspLayoutHint(vector.Iv.Length, vector.IcvLength, cleartext);
        AhLayoutHint? ah = vector.AhSa is { } a ? new AhLayoutHint(a.Iv.Length, a.IcvLength) : null;
        return new LayoutHints(esp, ah);
    }

    /// <summary>
    /// Compares <paramref name="expected"/> and <paramref name="actual"/> (IP packets, as vectors store
    /// them) and names every differing field of the expected packet's layout.
    /// </summary>
    public static PacketComparison Compare(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, LayoutHints? hints = null)
    {
        FieldLayoutMap map = FieldLayout.Describe(expected, hints, FrameStart.Ip);
        var fields = new List<FieldDifference>();
        int longer = Math.Max(expected.Length, actual.Length);
        int firstOffset = -1;
        LayoutField? previous = null;
        foreach (LayoutField field in AllFields(map, longer))
        {
            int first = FirstDifference(expected, actual, field.Offset, field.End);
            if (first >= 0)
            {
                firstOffset = firstOffset < 0 ? first : firstOffset;
                fields.Add(new FieldDifference(field, first, previous));
            }

            previous = field;
        }

        return new PacketComparison(expected.ToArray(), actual.ToArray(), map, fields, firstOffset,
            firstOffset < 0 ? null : map.NameAt(firstOffset));
    }

    /// <summary>
    /// The STYLE §5 report of <paramref name="vector"/>'s <paramref name="what"/> (e.g. <c>wirePacket</c>),
    /// or null when the packets are equal. Dumps are not included; add <see cref="Dumps"/> or attach them.
    /// </summary>
    public static string? Report(GoldenVector vector, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what = "wirePacket")
    {
        ArgumentNullException.ThrowIfNull(vector);
        PacketComparison comparison = Compare(expected, actual, HintsFor(vector));
        return comparison.AreEqual ? null : Render(vector, comparison, what);
    }

    /// <summary>The report of a comparison that found differences (see <see cref="Report"/>).</summary>
    public static string Render(GoldenVector vector, PacketComparison comparison, string what = "wirePacket")
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(comparison);
        string requirements = vector.Requirements.Count == 0 ? string.Empty : $" [{string.Join(", ", vector.Requirements)}]";
        return Render($"{what} differs: vector {vector.Id}{requirements}, source {vector.Source}", comparison, SaLine(vector));
    }

    /// <summary>
    /// The STYLE §5 report of any comparison that found differences: <paramref name="headline"/>, the
    /// lengths, the differing fields (at most <see cref="MaxRows"/> rows with context), then
    /// <paramref name="trailer"/> (an SA line without key material) when given.
    /// </summary>
    public static string Render(string headline, PacketComparison comparison, string? trailer)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var text = new StringBuilder();
        text.Append(headline).Append('\n');
        text.Append(comparison.Summary).Append('\n');

        var rows = new List<(bool Differs, int Offset, string Name, string Expected, string Actual)>();
        var shown = new HashSet<int>();
        foreach (FieldDifference difference in comparison.Fields.Take(MaxRows))
        {
            if (difference.Context is { } context && shown.Add(context.Offset))
            {
                rows.Add(Row(false, context, context.Offset, comparison));
            }

            if (shown.Add(difference.Field.Offset))
            {
                int start = difference.Field.Length > BytesPerRow ? difference.FirstOffset : difference.Field.Offset;
                rows.Add(Row(true, difference.Field, start, comparison));
            }
            else
            {
                // Already printed as the context of the previous difference: mark it.
                int index = rows.FindIndex(r => r.Offset == difference.Field.Offset);
                rows[index] = rows[index] with { Differs = true };
            }
        }

        int nameWidth = Math.Max(MinimumFieldColumn, rows.Max(r => r.Name.Length) + 2);
        text.Append("  offset  ").Append("field".PadRight(nameWidth)).Append("expected".PadRight(ValueColumn)).Append("actual\n");
        foreach ((bool differs, int offset, string name, string expectedHex, string actualHex) in rows)
        {
            text.Append(differs ? "> " : "  ")
                .Append(CultureInfo.InvariantCulture, $"0x{offset:X4}  ")
                .Append(name.PadRight(nameWidth))
                .Append(expectedHex.PadRight(ValueColumn))
                .Append(actualHex.TrimEnd())
                .Append('\n');
        }

        if (comparison.Fields.Count > MaxRows)
        {
            text.Append(CultureInfo.InvariantCulture, $"  … {comparison.Fields.Count - MaxRows} more fields differ\n");
        }

        if (trailer is not null)
        {
            text.Append(trailer).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The vector's SA without key material: algorithms, key and salt lengths, SPI, ESN.</summary>
    public static string SaLine(GoldenVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var text = new StringBuilder();
        string proto = vector.Proto == VectorProtocol.Esp ? "esp" : "ah";
        text.Append(CultureInfo.InvariantCulture, $"SA: {proto} {(vector.Mode == VectorMode.Tunnel ? "tunnel" : "transport")}, spi 0x{vector.Spi:x8}");
        if (vector.Proto == VectorProtocol.Esp || vector.Encryption.Alg != "null")
        {
            text.Append(", ").Append(vector.Encryption.Alg).Append(KeyText(vector.Encryption.Key, vector.Encryption.Salt));
        }

        if (vector.Integrity is { } integrity)
        {
            text.Append(", ").Append(integrity.Alg).Append(KeyText(integrity.Key, integrity.Salt));
        }

        text.Append(CultureInfo.InvariantCulture, $", icv {vector.IcvLength}");
        if (vector.Esn)
        {
            text.Append(CultureInfo.InvariantCulture, $", ESN high 0x{vector.SeqHigh:x8}");
        }

        if (vector.UdpEncap is { } udp)
        {
            text.Append(CultureInfo.InvariantCulture, $", UDP {udp.Sport}->{udp.Dport}");
        }

        if (vector.AhSa is { } ah)
        {
            text.Append(CultureInfo.InvariantCulture, $"; AH spi 0x{ah.Spi:x8}, {ah.Integrity.Alg}")
                .Append(KeyText(ah.Integrity.Key, ah.Integrity.Salt))
                .Append(CultureInfo.InvariantCulture, $", icv {ah.IcvLength}");
        }

        return text.ToString();
    }

    /// <summary>Both packets as <see cref="HexDump"/>s under <c>expected (n bytes):</c> and <c>actual (n bytes):</c> headings.</summary>
    public static string Dumps(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        string.Create(CultureInfo.InvariantCulture, $"expected ({expected.Length} bytes):\n{HexDump(expected)}actual ({actual.Length} bytes):\n{HexDump(actual)}");

    /// <summary>
    /// 16 bytes per row: a 4-digit hex offset, the bytes in lower-case hex (an extra space after the
    /// eighth), one line per row, each ending in LF. An empty buffer gives an empty string.
    /// </summary>
    public static string HexDump(ReadOnlySpan<byte> data)
    {
        const int RowLength = 16;
        var text = new StringBuilder();
        for (int row = 0; row < data.Length; row += RowLength)
        {
            ReadOnlySpan<byte> bytes = data.Slice(row, Math.Min(RowLength, data.Length - row));
            text.Append(CultureInfo.InvariantCulture, $"{row:x4} ");
            for (int i = 0; i < bytes.Length; i++)
            {
                text.Append(i == RowLength / 2 ? "  " : " ").Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string KeyText(byte[] key, byte[]? salt) =>
        (key.Length == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" key <{key.Length} bytes, not shown>")) +
        (salt is null or { Length: 0 } ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" salt <{salt.Length} bytes, not shown>"));

    // The expected packet's fields, then one pseudo-field for bytes past its end (a longer actual packet).
    private static IEnumerable<LayoutField> AllFields(FieldLayoutMap map, int longer)
    {
        foreach (LayoutField field in map.Fields)
        {
            yield return field;
        }

        if (longer > map.Length)
        {
            yield return new LayoutField(map.Length, longer - map.Length, "Frame.PastEnd");
        }
    }

    private static int FirstDifference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            bool inExpected = i < expected.Length, inActual = i < actual.Length;
            if (inExpected != inActual || (inExpected && expected[i] != actual[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static (bool, int, string, string, string) Row(bool differs, LayoutField field, int start, PacketComparison comparison)
    {
        int shownLength = Math.Min(BytesPerRow, field.End - start);
        bool truncated = field.End - start > shownLength;
        string name = field.Length == 1 ? field.Name
            : start == field.Offset && !truncated ? field.Name
            : $"{field.Name}[{start - field.Offset}..{field.Length - 1}]";
        return (differs, start, name, Bytes(comparison.Expected, start, shownLength, truncated), Bytes(comparison.Actual, start, shownLength, truncated));
    }

    private static string Bytes(byte[] packet, int start, int length, bool truncated)
    {
        if (start >= packet.Length)
        {
            return "(none)";
        }

        int available = Math.Min(length, packet.Length - start);
        string hex = string.Join(' ', packet.Skip(start).Take(available).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return truncated || available < length ? hex + "…" : hex;
    }
}

/// <summary>One field of the expected packet whose bytes differ in the actual packet.</summary>
/// <param name="Field">The field (name, offset and length in the expected packet's layout).</param>
/// <param name="FirstOffset">The first differing byte within the field.</param>
/// <param name="Context">The field before it (shown as context), or null for the first field.</param>
public sealed record FieldDifference(LayoutField Field, int FirstOffset, LayoutField? Context);

/// <summary>The result of <see cref="VectorDiff.Compare"/>.</summary>
/// <param name="Expected">The expected packet.</param>
/// <param name="Actual">The actual packet.</param>
/// <param name="Layout">The expected packet's layout map.</param>
/// <param name="Fields">Every differing field, in offset order.</param>
/// <param name="FirstOffset">The first differing byte, or -1 when the packets are equal.</param>
/// <param name="FirstName">The name of that byte (<c>ESP.SequenceNumber[3]</c>), or null when equal.</param>
public sealed record PacketComparison(byte[] Expected, byte[] Actual, FieldLayoutMap Layout, IReadOnlyList<FieldDifference> Fields,
    int FirstOffset, string? FirstName)
{
    /// <summary>True when both packets have the same bytes.</summary>
    public bool AreEqual => FirstOffset < 0;

    /// <summary>
    /// The lengths line: <c>length: expected 118, actual 118; 2 fields differ; first at 0x001B ESP.SequenceNumber[3]</c>
    /// (or <c>…; equal</c>).
    /// </summary>
    public string Summary => AreEqual
        ? string.Create(CultureInfo.InvariantCulture, $"length: expected {Expected.Length}, actual {Actual.Length}; equal")
        : string.Create(CultureInfo.InvariantCulture,
            $"length: expected {Expected.Length}, actual {Actual.Length}; {Fields.Count} field{(Fields.Count == 1 ? "" : "s")} differ{(Fields.Count == 1 ? "s" : "")}; first at 0x{FirstOffset:X4} {FirstName}");
}
