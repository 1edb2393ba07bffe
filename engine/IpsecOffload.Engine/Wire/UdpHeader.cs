using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>A UDP header (RFC 768).</summary>
public readonly struct UdpHeader
{
    // RFC 768 (https://www.rfc-editor.org/rfc/rfc768):
    //  0      7 8     15 16    23 24    31
    // +--------+--------+--------+--------+
    // |     Source      |   Destination   |
    // |      Port       |      Port       |
    // +--------+--------+--------+--------+
    // |                 |                 |
    // |     Length      |    Checksum     |
    // +--------+--------+--------+--------+
    internal const int SourcePortOffset = 0, DestinationPortOffset = 2, LengthOffset = 4,
        ChecksumOffset = 6, Length = 8;

    /// <summary>Source port.</summary>
    public ushort SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Length of header and data in bytes.</summary>
    public ushort DatagramLength { get; init; }

    /// <summary>Checksum as carried; 0 means "not computed" (IPv4 only).</summary>
    public ushort Checksum { get; init; }

    /// <summary>Reads the 8 bytes from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out UdpHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the 8 bytes; fails only when fewer are there (the Length field is checked by the frame parser).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out UdpHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < Length)
        {
            fault = WireFault.Truncated("UDP.Length", Length, source.Length);
            return false;
        }

        header = new UdpHeader
        {
            SourcePort = BinaryPrimitives.ReadUInt16BigEndian(source[SourcePortOffset..]),
            DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(source[DestinationPortOffset..]),
            DatagramLength = BinaryPrimitives.ReadUInt16BigEndian(source[LengthOffset..]),
            Checksum = BinaryPrimitives.ReadUInt16BigEndian(source[ChecksumOffset..]),
        };
        return true;
    }

    /// <summary>Writes the 8 bytes; throws when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        WireBits.RequireLength(destination, Length, "UDP header");
        BinaryPrimitives.WriteUInt16BigEndian(destination[SourcePortOffset..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[DestinationPortOffset..], DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[LengthOffset..], DatagramLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[ChecksumOffset..], Checksum);
    }

    /// <summary>
    /// The checksum <paramref name="datagram"/> (header and data) must carry. A computed 0 is sent as
    /// 0xFFFF (RFC 768; RFC 8200 §8.1 for IPv6, where 0 is never valid).
    /// </summary>
    public static ushort ComputeChecksum(uint pseudoHeaderSum, ReadOnlySpan<byte> datagram)
    {
        ushort checksum = InternetChecksum.ComputeExcludingField(pseudoHeaderSum, datagram, ChecksumOffset);
        return checksum == 0 ? (ushort)0xFF_FF : checksum;
    }
}
