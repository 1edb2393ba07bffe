using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): the ones'-complement of the ones'-complement sum of the data
/// taken as big-endian 16-bit words, an odd final byte padded with a zero on the right.
/// <para>
/// Partial sums are carried as <see cref="uint"/> values already folded to 16 bits, so they chain:
/// <c>Sum(b, Sum(a))</c> equals <c>Sum(a ‖ b)</c> whenever <c>a</c> has an even length (RFC 1071
/// §2(B), byte-order independence and deferred carries). <see cref="Complete"/> turns a partial sum
/// into the checksum field value; <see cref="IsValid"/> checks data that already holds its checksum.
/// </para>
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds the 16-bit words of <paramref name="data"/> to <paramref name="partialSum"/> and returns the sum folded to 16 bits.</summary>
    public static uint Sum(ReadOnlySpan<byte> data, uint partialSum = 0)
    {
        // 32-bit words into a 64-bit accumulator: no carry is lost for any span length an int can
        // index (2^31 / 4 words of at most 2^32 − 1 each stay below 2^62); folding at the end is the
        // deferred end-around carry of RFC 1071 §2(C).
        ulong sum = partialSum;
        while (data.Length >= 16)
        {
            sum += (ulong)BinaryPrimitives.ReadUInt32BigEndian(data)
                + BinaryPrimitives.ReadUInt32BigEndian(data[4..])
                + BinaryPrimitives.ReadUInt32BigEndian(data[8..])
                + BinaryPrimitives.ReadUInt32BigEndian(data[12..]);
            data = data[16..];
        }

        while (data.Length >= 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data);
            data = data[4..];
        }

        if (data.Length >= 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }

        if (data.Length == 1)
        {
            // RFC 1071 §4.1: an odd trailing byte is the high half of a final word.
            sum += (uint)data[0] << 8;
        }

        return Fold(sum);
    }

    /// <summary>Adds one 16-bit value to a partial sum (for pseudo-header fields and lengths).</summary>
    public static uint Add(uint partialSum, ushort value) => Fold((ulong)partialSum + value);

    /// <summary>Adds two partial sums (the sum of an even-length prefix and of what follows it).</summary>
    public static uint Combine(uint partialSum, uint otherPartialSum) => Fold((ulong)partialSum + otherPartialSum);

    /// <summary>The checksum field value for a partial sum: its ones'-complement.</summary>
    public static ushort Complete(uint partialSum) =>
        // RFC 1071 §1: the checksum is the 16-bit ones'-complement of the sum.
        unchecked((ushort)~Fold(partialSum));

    /// <summary>The checksum of <paramref name="data"/>, continuing from <paramref name="partialSum"/>.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, uint partialSum = 0) => Complete(Sum(data, partialSum));

    /// <summary>True when <paramref name="data"/>, which includes its checksum field, sums to all ones (RFC 1071 §1 receiver check).</summary>
    public static bool IsValid(ReadOnlySpan<byte> data, uint partialSum = 0) => Sum(data, partialSum) == 0xFF_FF;

    /// <summary>
    /// Updates a checksum after one 16-bit word of the covered data changed from
    /// <paramref name="oldValue"/> to <paramref name="newValue"/>, by RFC 1624 eqn. 3:
    /// <c>HC' = ~(~HC + ~m + m')</c>.
    /// </summary>
    public static ushort Update(ushort checksum, ushort oldValue, ushort newValue)
    {
        // RFC 1624 §3: ones'-complement arithmetic; the complements wrap by definition.
        uint sum = unchecked((uint)(ushort)~checksum + (ushort)~oldValue + newValue);
        return Complete(Fold(sum));
    }

    /// <summary>Updates a checksum after a 32-bit field changed (two <see cref="Update(ushort, ushort, ushort)"/> steps).</summary>
    public static ushort Update(ushort checksum, uint oldValue, uint newValue)
    {
        ushort high = Update(checksum, (ushort)(oldValue >> 16), (ushort)(newValue >> 16));
        return Update(high, (ushort)(oldValue & 0xFF_FF), (ushort)(newValue & 0xFF_FF));
    }

    /// <summary>
    /// The partial sum of the IPv4 pseudo-header (RFC 793 §3.1, RFC 768): source, destination, zero,
    /// protocol, and the TCP/UDP length.
    /// </summary>
    public static uint PseudoHeaderSumIPv4(uint source, uint destination, byte protocol, ushort upperLayerLength)
    {
        ulong sum = (ulong)(source >> 16) + (source & 0xFF_FF) + (destination >> 16) + (destination & 0xFF_FF)
            + protocol + upperLayerLength;
        return Fold(sum);
    }

    /// <summary>
    /// The partial sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, 32-bit
    /// upper-layer length, three zero bytes, next header. Both addresses are 16 bytes.
    /// </summary>
    public static uint PseudoHeaderSumIPv6(
        ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, uint upperLayerLength)
    {
        if (source.Length != 16 || destination.Length != 16)
        {
            throw new ArgumentException(
                $"IPv6 addresses are 16 bytes; got {source.Length} and {destination.Length}.", nameof(source));
        }

        uint sum = Sum(destination, Sum(source));
        ulong total = (ulong)sum + (upperLayerLength >> 16) + (upperLayerLength & 0xFF_FF) + nextHeader;
        return Fold(total);
    }

    /// <summary>
    /// The checksum an upper-layer header (TCP, UDP, ICMPv6) must carry: the segment is summed with
    /// whatever its checksum field holds, and that field's value is taken back out, so the caller
    /// need not zero it first.
    /// </summary>
    /// <param name="pseudoHeaderSum">From <see cref="PseudoHeaderSumIPv4"/> or <see cref="PseudoHeaderSumIPv6"/>; 0 for ICMPv4.</param>
    /// <param name="segment">The header and its payload.</param>
    /// <param name="checksumOffset">Where the 16-bit checksum field is within <paramref name="segment"/>.</param>
    public static ushort ComputeExcludingField(uint pseudoHeaderSum, ReadOnlySpan<byte> segment, int checksumOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checksumOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(checksumOffset, segment.Length - 2);
        ushort present = BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]);
        uint sum = Sum(segment, pseudoHeaderSum);

        // Ones'-complement subtraction of the present field value is the addition of its complement
        // (RFC 1624 §3).
        return Complete(Add(sum, unchecked((ushort)~present)));
    }

    private static uint Fold(ulong sum)
    {
        while (sum > 0xFF_FF)
        {
            sum = (sum & 0xFF_FF) + (sum >> 16);
        }

        return (uint)sum;
    }
}
