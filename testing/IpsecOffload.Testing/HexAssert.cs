using System.Globalization;
using System.Text;
using NUnit.Framework;

namespace IpsecOffload.Testing;

/// <summary>
/// Byte comparisons that point at the first differing nibble (STYLE.md §5 fallback for plain
/// buffers): both sides are compared as lower-case hex strings, so NUnit's string diff marks the
/// position. Never <c>Assert.That(a.SequenceEqual(b))</c>.
/// </summary>
public static class HexAssert
{
    /// <summary>Asserts that <paramref name="actual"/> equals <paramref name="expected"/>, byte for byte.</summary>
    public static void AreEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string? what = null)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        int first = FirstDifference(expected, actual);
        string message = $"{what ?? "bytes"} differ: expected length {expected.Length}, actual {actual.Length}; " +
            $"first difference at 0x{first:X4}";
        Assert.That(Convert.ToHexStringLower(actual), Is.EqualTo(Convert.ToHexStringLower(expected)), message);
    }

    /// <summary>Asserts equality against an expected value written as hex (whitespace ignored).</summary>
    public static void AreEqual(string expectedHex, ReadOnlySpan<byte> actual, string? what = null) =>
        AreEqual(Hex.Parse(expectedHex), actual, what);

    /// <summary>Index of the first differing byte, or the shorter length when one is a prefix of the other.</summary>
    public static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int common = a.CommonPrefixLength(b);
        return common;
    }
}

/// <summary>Hex parsing and dumps for tests.</summary>
public static class Hex
{
    /// <summary>Parses hex, ignoring whitespace, newlines and ':' separators.</summary>
    public static byte[] Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var clean = new StringBuilder(hex.Length);
        foreach (char c in hex)
        {
            if (!char.IsWhiteSpace(c) && c != ':')
            {
                clean.Append(c);
            }
        }

        return Convert.FromHexString(clean.ToString());
    }

    /// <summary>Lower-case hex without separators.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A dump of 16 bytes per row with 4-digit hex offsets, as attached to failing tests.</summary>
    public static string Dump(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        for (int row = 0; row < bytes.Length; row += 16)
        {
            sb.Append(row.ToString("X4", CultureInfo.InvariantCulture)).Append("  ");
            int end = Math.Min(row + 16, bytes.Length);
            for (int i = row; i < end; i++)
            {
                sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
                sb.Append(i == row + 7 ? "  " : " ");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }
}
