using System.Buffers.Binary;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>A TCP header (RFC 9293 §3.1) including its options.</summary>
public readonly struct TcpHeader
{
    // RFC 9293 §3.1 (https://www.rfc-editor.org/rfc/rfc9293#section-3.1):
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |          Source Port          |       Destination Port        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                        Sequence Number                        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                    Acknowledgment Number                      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |  Data |     |A|C|E|U|A|P|R|S|F|                               |
    // | Offset| Rsv |E|W|C|R|C|S|S|Y|I|            Window             |
    // |       |     | |R|E|G|K|H|T|N|N|                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |           Checksum            |         Urgent Pointer        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                    Options                    |    Padding    |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int SourcePortOffset = 0, DestinationPortOffset = 2, SequenceNumberOffset = 4,
        AcknowledgmentNumberOffset = 8, DataOffsetOffset = 12, FlagsOffset = 13, WindowOffset = 14,
        ChecksumOffset = 16, UrgentPointerOffset = 18, OptionsOffset = 20, MinimumLength = 20;
    private const int DataOffsetShift = 12, NibbleWidth = 4, ReservedShift = 9, ReservedWidth = 3, FlagsWidth = 9;

    /// <summary>Source port.</summary>
    public ushort SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Sequence number.</summary>
    public uint SequenceNumber { get; init; }

    /// <summary>Acknowledgment number.</summary>
    public uint AcknowledgmentNumber { get; init; }

    /// <summary>Data Offset in 32-bit words (5..15).</summary>
    public byte DataOffset { get; init; }

    /// <summary>The 3 reserved bits.</summary>
    public byte Reserved { get; init; }

    /// <summary>The 9 control bits.</summary>
    public TcpFlags Flags { get; init; }

    /// <summary>Window.</summary>
    public ushort Window { get; init; }

    /// <summary>Checksum as carried.</summary>
    public ushort Checksum { get; init; }

    /// <summary>Urgent pointer.</summary>
    public ushort UrgentPointer { get; init; }

    /// <summary>Options and padding, <c>DataOffset·4 − 20</c> bytes.</summary>
    public ReadOnlyMemory<byte> Options { get; init; }

    /// <summary>Header length in bytes (<see cref="DataOffset"/>·4).</summary>
    public int HeaderLength => DataOffset * 4;

    /// <summary>Reads the header and options from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out TcpHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the header; fails when it is truncated or Data Offset is below 5 or runs past the buffer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out TcpHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < MinimumLength)
        {
            fault = WireFault.Truncated("TCP.DataOffset", MinimumLength, source.Length);
            return false;
        }

        uint word = BinaryPrimitives.ReadUInt16BigEndian(source[DataOffsetOffset..]);
        byte dataOffset = (byte)WireBits.Get(word, DataOffsetShift, NibbleWidth);
        if (dataOffset < 5)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "TCP.DataOffset", $"has Data Offset {dataOffset} ({dataOffset * 4} bytes), below the minimum 5 (20 bytes)");
            return false;
        }

        int length = dataOffset * 4;
        if (source.Length < length)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "TCP.Options", $"with Data Offset {dataOffset} needs {length} bytes, frame has {source.Length}");
            return false;
        }

        header = new TcpHeader
        {
            SourcePort = BinaryPrimitives.ReadUInt16BigEndian(source[SourcePortOffset..]),
            DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(source[DestinationPortOffset..]),
            SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(source[SequenceNumberOffset..]),
            AcknowledgmentNumber = BinaryPrimitives.ReadUInt32BigEndian(source[AcknowledgmentNumberOffset..]),
            DataOffset = dataOffset,
            Reserved = (byte)WireBits.Get(word, ReservedShift, ReservedWidth),
            Flags = (TcpFlags)WireBits.Get(word, 0, FlagsWidth),
            Window = BinaryPrimitives.ReadUInt16BigEndian(source[WindowOffset..]),
            Checksum = BinaryPrimitives.ReadUInt16BigEndian(source[ChecksumOffset..]),
            UrgentPointer = BinaryPrimitives.ReadUInt16BigEndian(source[UrgentPointerOffset..]),
            Options = source[OptionsOffset..length].ToArray(),
        };
        return true;
    }

    /// <summary>Writes <see cref="HeaderLength"/> bytes as the properties say; throws on a short destination, an out-of-width field or an options length that disagrees with <see cref="DataOffset"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (DataOffset is < 5 or > 15 || Options.Length != HeaderLength - MinimumLength)
        {
            throw new InvalidOperationException(
                $"Data Offset {DataOffset} needs {Math.Max(0, HeaderLength - MinimumLength)} option bytes, header has {Options.Length}.");
        }

        WireBits.RequireLength(destination, HeaderLength, "TCP header");
        uint word = WireBits.Set(0, DataOffsetShift, NibbleWidth, DataOffset, nameof(DataOffset));
        word = WireBits.Set(word, ReservedShift, ReservedWidth, Reserved, nameof(Reserved));
        word = WireBits.Set(word, 0, FlagsWidth, (uint)Flags, nameof(Flags));
        BinaryPrimitives.WriteUInt16BigEndian(destination[SourcePortOffset..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[DestinationPortOffset..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(destination[SequenceNumberOffset..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[AcknowledgmentNumberOffset..], AcknowledgmentNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[DataOffsetOffset..], (ushort)word);
        BinaryPrimitives.WriteUInt16BigEndian(destination[WindowOffset..], Window);
        BinaryPrimitives.WriteUInt16BigEndian(destination[ChecksumOffset..], Checksum);
        BinaryPrimitives.WriteUInt16BigEndian(destination[UrgentPointerOffset..], UrgentPointer);
        Options.Span.CopyTo(destination[OptionsOffset..]);
    }

    /// <summary>The checksum <paramref name="segment"/> (header and payload) must carry, whatever its checksum field holds now.</summary>
    public static ushort ComputeChecksum(uint pseudoHeaderSum, ReadOnlySpan<byte> segment) =>
        InternetChecksum.ComputeExcludingField(pseudoHeaderSum, segment, ChecksumOffset);
}
