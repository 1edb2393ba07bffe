using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using static IpsecOffload.Engine.Capture.PcapngFormat;

namespace IpsecOffload.Engine.Capture;

/// <summary>
/// Builds a little-endian pcapng file in memory: one Section Header Block, one Interface
/// Description Block per link type (written just before the first packet that uses it, interface ids
/// in order of first use), and one Enhanced Packet Block per packet, optionally carrying an
/// <c>opt_comment</c> that names the vector or case the frame belongs to. Nothing depends on the
/// clock: the default timestamp of packet <c>n</c> (0-based) is <c>n</c> microseconds, so the same
/// packets always give the same bytes.
/// </summary>
public sealed class PcapngWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Dictionary<PcapngLinkType, uint> _interfaces = [];

    /// <summary>Starts a file with its Section Header Block.</summary>
    public PcapngWriter()
    {
        WriteSectionHeaderBlock(_buffer.GetSpan(ShbLength));
        _buffer.Advance(ShbLength);
    }

    /// <summary>Number of packets written so far.</summary>
    public int PacketCount { get; private set; }

    /// <summary>
    /// Appends one packet. <paramref name="timestampMicroseconds"/> defaults to the packet's index;
    /// <paramref name="comment"/> (UTF-8, at most 65 535 bytes) becomes the packet's opt_comment.
    /// </summary>
    public void WritePacket(PcapngLinkType linkType, ReadOnlySpan<byte> data, string? comment = null, ulong? timestampMicroseconds = null)
    {
        if (!_interfaces.TryGetValue(linkType, out uint interfaceId))
        {
            interfaceId = (uint)_interfaces.Count;
            _interfaces.Add(linkType, interfaceId);
            WriteInterfaceDescriptionBlock(_buffer.GetSpan(IdbLength), linkType);
            _buffer.Advance(IdbLength);
        }

        byte[]? commentBytes = comment is null ? null : Encoding.UTF8.GetBytes(comment);
        int length = GetEnhancedPacketBlockLength(data.Length, commentBytes?.Length);
        ulong timestamp = timestampMicroseconds ?? (ulong)PacketCount;
        WriteEnhancedPacketBlockCore(_buffer.GetSpan(length)[..length], interfaceId, timestamp, data, commentBytes);
        _buffer.Advance(length);
        PacketCount++;
    }

    /// <summary>The file written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Writes the file built so far to <paramref name="destination"/>.</summary>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(_buffer.WrittenSpan);
    }

    /// <summary>
    /// Total length of an Enhanced Packet Block: 32 fixed bytes, the data padded to 32 bits and, with a
    /// comment of <paramref name="commentByteCount"/> UTF-8 bytes, that option padded plus opt_endofopt.
    /// </summary>
    public static int GetEnhancedPacketBlockLength(int dataLength, int? commentByteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        int length = checked(EpbFixedLength + Pad4(dataLength));
        if (commentByteCount is int n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(n, ushort.MaxValue, nameof(commentByteCount));
            length = checked(length + OptionHeaderLength + Pad4(n) + OptionHeaderLength);
        }

        return length;
    }

    /// <summary>Writes a 28-byte Section Header Block (version 1.0, section length unspecified, no options).</summary>
    public static int WriteSectionHeaderBlock(Span<byte> destination)
    {
        Span<byte> block = destination[..ShbLength];
        WriteFraming(block, SectionHeaderBlockType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[ShbMagicOffset..], ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(block[ShbMajorOffset..], MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(block[ShbMinorOffset..], MinorVersion);
        BinaryPrimitives.WriteInt64LittleEndian(block[ShbSectionLengthOffset..], UnspecifiedSectionLength);
        return ShbLength;
    }

    /// <summary>Writes a 20-byte Interface Description Block for <paramref name="linkType"/> (microsecond timestamps, no options).</summary>
    public static int WriteInterfaceDescriptionBlock(Span<byte> destination, PcapngLinkType linkType)
    {
        Span<byte> block = destination[..IdbLength];
        WriteFraming(block, InterfaceDescriptionBlockType);
        BinaryPrimitives.WriteUInt16LittleEndian(block[IdbLinkTypeOffset..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(block[IdbReservedOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(block[IdbSnapLengthOffset..], SnapLength);
        return IdbLength;
    }

    /// <summary>
    /// Writes an Enhanced Packet Block of exactly <see cref="GetEnhancedPacketBlockLength"/> bytes;
    /// padding bytes are zero. Captured and original length are both the data length.
    /// </summary>
    public static int WriteEnhancedPacketBlock(Span<byte> destination, uint interfaceId, ulong timestamp, ReadOnlySpan<byte> data, string? comment) =>
        WriteEnhancedPacketBlockCore(destination, interfaceId, timestamp, data, comment is null ? null : Encoding.UTF8.GetBytes(comment));

    private static int WriteEnhancedPacketBlockCore(Span<byte> destination, uint interfaceId, ulong timestamp, ReadOnlySpan<byte> data, byte[]? comment)
    {
        int length = GetEnhancedPacketBlockLength(data.Length, comment?.Length);
        Span<byte> block = destination[..length];
        block.Clear();
        WriteFraming(block, EnhancedPacketBlockType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[EpbInterfaceIdOffset..], interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(block[EpbTimestampHighOffset..], (uint)(timestamp >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(block[EpbTimestampLowOffset..], unchecked((uint)timestamp));
        BinaryPrimitives.WriteUInt32LittleEndian(block[EpbCapturedLengthOffset..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block[EpbOriginalLengthOffset..], (uint)data.Length);
        data.CopyTo(block[EpbDataOffset..]);
        if (comment is not null)
        {
            Span<byte> option = block[(EpbDataOffset + Pad4(data.Length))..];
            BinaryPrimitives.WriteUInt16LittleEndian(option, OptComment);
            BinaryPrimitives.WriteUInt16LittleEndian(option[2..], (ushort)comment.Length);
            comment.CopyTo(option[OptionHeaderLength..]);
            Span<byte> end = option[(OptionHeaderLength + Pad4(comment.Length))..];
            BinaryPrimitives.WriteUInt16LittleEndian(end, OptEndOfOpt);
            BinaryPrimitives.WriteUInt16LittleEndian(end[2..], 0);
        }

        return length;
    }

    private static void WriteFraming(Span<byte> block, uint type)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(block[BlockTypeOffset..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(block[BlockLengthOffset..], (uint)block.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block[^4..], (uint)block.Length);
    }
}
