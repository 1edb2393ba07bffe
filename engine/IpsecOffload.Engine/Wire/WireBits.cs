using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// The one helper for fields whose width is not 8, 16 or 32 bits (STYLE.md §3): 4-bit IHL and
/// version, 3-bit flags, 13-bit fragment offset, 20-bit flow label, 24- and 48-bit fields.
/// </summary>
internal static class WireBits
{
    /// <summary>Extracts <paramref name="width"/> bits starting <paramref name="shift"/> bits from the least significant end.</summary>
    public static uint Get(uint word, int shift, int width) => (word >> shift) & Mask(width);

    /// <summary>Returns <paramref name="word"/> with the field replaced; throws when the value does not fit.</summary>
    public static uint Set(uint word, int shift, int width, uint value, string field)
    {
        uint mask = Mask(width);
        if (value > mask)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must fit in {width} bits (max {mask}).");
        }

        return (word & ~(mask << shift)) | (value << shift);
    }

    /// <summary>Reads a 24-bit big-endian value.</summary>
    public static uint ReadUInt24BigEndian(ReadOnlySpan<byte> source)
    {
        Span<byte> four = stackalloc byte[4];
        four[0] = 0;
        source[..3].CopyTo(four[1..]);
        return BinaryPrimitives.ReadUInt32BigEndian(four);
    }

    /// <summary>Writes a 24-bit big-endian value.</summary>
    public static void WriteUInt24BigEndian(Span<byte> destination, uint value, string field)
    {
        Set(0, 0, 24, value, field);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, value);
        four[1..].CopyTo(destination[..3]);
    }

    /// <summary>Reads a 48-bit big-endian value (a MAC address).</summary>
    public static ulong ReadUInt48BigEndian(ReadOnlySpan<byte> source)
    {
        Span<byte> eight = stackalloc byte[8];
        eight[..2].Clear();
        source[..6].CopyTo(eight[2..]);
        return BinaryPrimitives.ReadUInt64BigEndian(eight);
    }

    /// <summary>Writes a 48-bit big-endian value (a MAC address).</summary>
    public static void WriteUInt48BigEndian(Span<byte> destination, ulong value, string field)
    {
        if (value > 0xFFFF_FFFF_FFFFUL)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must fit in 48 bits.");
        }

        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(eight, value);
        eight[2..].CopyTo(destination[..6]);
    }

    /// <summary>Throws unless <paramref name="destination"/> can hold <paramref name="needed"/> bytes.</summary>
    public static void RequireLength(Span<byte> destination, int needed, string what)
    {
        if (destination.Length < needed)
        {
            throw new ArgumentException(
                $"{what} needs {needed} bytes, destination has {destination.Length}.", nameof(destination));
        }
    }

    private static uint Mask(int width) => width >= 32 ? uint.MaxValue : (1u << width) - 1;
}
