using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>The first 8 bytes of an ICMP message (RFC 792): type, code, checksum and the 4-byte rest of header.</summary>
public readonly struct IcmpHeader
{
    // RFC 792 (https://www.rfc-editor.org/rfc/rfc792), common part of every message:
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |     Type      |     Code      |          Checksum             |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |   Rest of header (echo: Identifier | Sequence Number)         |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int TypeOffset = 0, CodeOffset = 1, ChecksumOffset = 2, RestOfHeaderOffset = 4,
        IdentifierOffset = 4, SequenceNumberOffset = 6, Length = 8;

    /// <summary>Echo Reply type.</summary>
    public const byte EchoReply = 0;
    /// <summary>Echo Request type.</summary>
    public const byte EchoRequest = 8;

    /// <summary>Type.</summary>
    public byte Type { get; init; }

    /// <summary>Code.</summary>
    public byte Code { get; init; }

    /// <summary>Checksum as carried (over the whole ICMP message, no pseudo-header).</summary>
    public ushort Checksum { get; init; }

    /// <summary>The 4 bytes after the checksum (echo identifier and sequence, pointer, gateway, unused…).</summary>
    public uint RestOfHeader { get; init; }

    /// <summary>True for echo request/reply, whose rest of header is identifier and sequence number.</summary>
    public bool IsEcho => Type is EchoRequest or EchoReply;

    /// <summary>Reads the 8 bytes from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IcmpHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the 8 bytes; fails only when fewer are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IcmpHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < Length)
        {
            fault = WireFault.Truncated("ICMP.RestOfHeader", Length, source.Length);
            return false;
        }

        header = new IcmpHeader
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
        WireBits.RequireLength(destination, Length, "ICMP header");
        destination[TypeOffset] = Type;
        destination[CodeOffset] = Code;
        BinaryPrimitives.WriteUInt16BigEndian(destination[ChecksumOffset..], Checksum);
        BinaryPrimitives.WriteUInt32BigEndian(destination[RestOfHeaderOffset..], RestOfHeader);
    }

    /// <summary>The checksum <paramref name="message"/> (the whole ICMP message) must carry.</summary>
    public static ushort ComputeChecksum(ReadOnlySpan<byte> message) =>
        InternetChecksum.ComputeExcludingField(0, message, ChecksumOffset);
}
