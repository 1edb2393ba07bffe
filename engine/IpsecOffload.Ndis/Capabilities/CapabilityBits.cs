using System.Buffers.Binary;

namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// Shared helpers of the capability codecs: 2-bit fields inside a <c>ULONG</c> (MSVC allocates
/// same-type bitfields from bit 0 upward) and little-endian <c>ULONG</c> access.
/// </summary>
internal static class CapabilityBits
{
    public const int TwoBits = 2;
    private const uint TwoBitMask = 0b11;

    public static byte CheckTwoBits(byte value, string member)
    {
        if (value > TwoBitMask)
        {
            throw new ArgumentOutOfRangeException(
                member, value, $"{member} is {value}; the 2-bit field holds 0..{TwoBitMask}.");
        }

        return value;
    }

    public static byte GetTwoBits(uint word, int lo) => (byte)((word >> lo) & TwoBitMask);

    public static uint PutTwoBits(byte value, int lo) => (value & TwoBitMask) << lo;

    public static uint ReadULong(ReadOnlySpan<byte> source, int offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(source[offset..]);

    public static void WriteULong(Span<byte> destination, int offset, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], value);

    public static void RequireLength(Span<byte> destination, int size, string structure)
    {
        if (destination.Length < size)
        {
            throw new ArgumentException(
                $"{structure} needs {size} bytes, destination has {destination.Length}.", nameof(destination));
        }
    }
}
