using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// The first 8 bytes of an ICMPv6 message (RFC 4443 §2.1): type, code, checksum and the first 4
/// bytes of the message body, which every defined message has (unused/MTU/pointer, echo identifier
/// and sequence, NDP reserved/flags).
/// </summary>
public readonly struct Icmpv6Header
{
    // RFC 4443 §2.1 (https://www.rfc-editor.org/rfc/rfc4443#section-2.1):
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |     Type      |     Code      |          Checksum             |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                         Message Body                          |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int TypeOffset = 0, CodeOffset = 1, ChecksumOffset = 2, RestOfHeaderOffset = 4,
        IdentifierOffset = 4, SequenceNumberOffset = 6, Length = 8;

    /// <summary>Echo Request type (RFC 4443 §4.1).</summary>
    public const byte EchoRequest = 128;
    /// <summary>Echo Reply type (RFC 4443 §4.2).</summary>
    public const byte EchoReply = 129;

    /// <summary>Type.</summary>
    public byte Type { get; init; }

    /// <summary>Code.</summary>
    public byte Code { get; init; }

    /// <summary>Checksum as carried (over the IPv6 pseudo-header and the message).</summary>
    public ushort Checksum { get; init; }

    /// <summary>The first 4 bytes of the message body.</summary>
    public uint RestOfHeader { get; init; }

    /// <summary>True for echo request/reply.</summary>
    public bool IsEcho => Type is EchoRequest or EchoReply;

    /// <summary>Reads the 8 bytes from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Icmpv6Header header) => TryRead(source, out header, out _);

    /// <summary>Reads the 8 bytes; fails only when fewer are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Icmpv6Header header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < Length)
        {
            fault = WireFault.Truncated("ICMPv6.RestOfHeader", Length, source.Length);
            return false;
        }

        header = new Icmpv6Header
        {
            Type = source[TypeOffset],
            Code = source[CodeOffset],
            Checksum = BinaryPrimitives.ReadUInt16BigEndian(source[ChecksumOffset..]),
            RestOfHeader = BinaryPrimitives.ReadUInt32BigEndian(source[RestOfHeaderOffset..]),
        };
        return true;
    }

    /// <summary>Writes the 8 bytes; throws when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        WireBits.RequireLength(destination, Length, "ICMPv6 header");
        destination[TypeOffset] = Type;
        destination[CodeOffset] = Code;
        BinaryPrimitives.WriteUInt16BigEndian(destination[ChecksumOffset..], Checksum);
        BinaryPrimitives.WriteUInt32BigEndian(destination[RestOfHeaderOffset..], RestOfHeader);
    }

    /// <summary>The checksum <paramref name="message"/> must carry, given the IPv6 pseudo-header sum (next header 58).</summary>
    public static ushort ComputeChecksum(uint pseudoHeaderSum, ReadOnlySpan<byte> message) =>
        InternetChecksum.ComputeExcludingField(pseudoHeaderSum, message, ChecksumOffset);
}
