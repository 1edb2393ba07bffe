using System.Buffers.Binary;
using System.Text;
using static IpsecOffload.Engine.Capture.PcapngFormat;

namespace IpsecOffload.Engine.Capture;

/// <summary>One block of a pcapng file: its type, where it starts and its total length (both length fields agree).</summary>
/// <param name="Type">Block Type (0x0A0D0D0A section header, 1 interface description, 6 enhanced packet, …).</param>
/// <param name="Offset">Offset of the block's first byte in the file.</param>
/// <param name="TotalLength">Block Total Length, a multiple of 4.</param>
public readonly record struct PcapngBlock(uint Type, int Offset, int TotalLength);

/// <summary>One packet from an Enhanced Packet Block.</summary>
/// <param name="Index">0-based position among the file's packets.</param>
/// <param name="InterfaceId">Interface ID within the packet's section.</param>
/// <param name="LinkType">The link type of that interface.</param>
/// <param name="Timestamp">The 64-bit timestamp in the interface's units (microseconds for files this suite writes).</param>
/// <param name="OriginalLength">Original Packet Length as recorded.</param>
/// <param name="Data">The captured bytes (without block padding).</param>
/// <param name="Comments">Every opt_comment of the packet, in order.</param>
public sealed record PcapngPacket(int Index, uint InterfaceId, PcapngLinkType LinkType, ulong Timestamp, uint OriginalLength,
    ReadOnlyMemory<byte> Data, IReadOnlyList<string> Comments)
{
    /// <summary>The first opt_comment, or null.</summary>
    public string? Comment => Comments.Count == 0 ? null : Comments[0];
}

/// <summary>What <see cref="PcapngReader.Read"/> found in a file.</summary>
/// <param name="Blocks">Every block in file order, including ones the reader does not interpret.</param>
/// <param name="LinkTypes">Link type of every Interface Description Block, in file order.</param>
/// <param name="Packets">Every Enhanced Packet Block's packet, in file order.</param>
public sealed record PcapngFile(IReadOnlyList<PcapngBlock> Blocks, IReadOnlyList<PcapngLinkType> LinkTypes, IReadOnlyList<PcapngPacket> Packets);

/// <summary>
/// Reads back little-endian pcapng files such as <see cref="PcapngWriter"/> produces: it checks the
/// framing of every block (both length fields equal, multiples of 4, inside the file), the byte-order
/// magic, interface references and option lengths, and throws <see cref="InvalidDataException"/> naming
/// the offset of the first problem. Blocks of other types are listed and skipped.
/// </summary>
public static class PcapngReader
{
    /// <summary>Parses a whole file.</summary>
    public static PcapngFile Read(ReadOnlySpan<byte> file)
    {
        var blocks = new List<PcapngBlock>();
        var allLinkTypes = new List<PcapngLinkType>();
        var sectionLinkTypes = new List<PcapngLinkType>();
        var packets = new List<PcapngPacket>();
        int offset = 0;
        while (offset < file.Length)
        {
            if (file.Length - offset < BlockFramingLength)
            {
                throw Fail(offset, $"needs {BlockFramingLength} bytes for a block header, file has {file.Length - offset} left");
            }

            uint type = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + BlockTypeOffset)..]);
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + BlockLengthOffset)..]);
            if (offset == 0 && type != SectionHeaderBlockType)
            {
                throw Fail(0, $"file starts with block type 0x{type:X8}, not a Section Header Block (0x{SectionHeaderBlockType:X8})");
            }

            if (type == SectionHeaderBlockType && file.Length - offset >= ShbMagicOffset + 4)
            {
                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + ShbMagicOffset)..]);
                if (magic != ByteOrderMagic)
                {
                    throw Fail(offset, $"byte-order magic reads 0x{magic:X8}; only little-endian sections (0x{ByteOrderMagic:X8}) are supported");
                }
            }

            if (declared < BlockFramingLength || declared % 4 != 0 || declared > (uint)(file.Length - offset))
            {
                throw Fail(offset, $"block type 0x{type:X8} declares total length {declared}; needs a multiple of 4, at least {BlockFramingLength}, at most {file.Length - offset}");
            }

            int length = (int)declared;
            ReadOnlySpan<byte> block = file.Slice(offset, length);
            uint trailing = BinaryPrimitives.ReadUInt32LittleEndian(block[^4..]);
            if (trailing != declared)
            {
                throw Fail(offset, $"block type 0x{type:X8} has leading total length {declared} but trailing {trailing}");
            }

            blocks.Add(new PcapngBlock(type, offset, length));
            switch (type)
            {
                case SectionHeaderBlockType:
                    RequireLength(block, offset, ShbLength, "Section Header Block");
                    sectionLinkTypes.Clear();
                    break;
                case InterfaceDescriptionBlockType:
                    RequireLength(block, offset, IdbLength, "Interface Description Block");
                    var linkType = (PcapngLinkType)BinaryPrimitives.ReadUInt16LittleEndian(block[IdbLinkTypeOffset..]);
                    sectionLinkTypes.Add(linkType);
                    allLinkTypes.Add(linkType);
                    break;
                case EnhancedPacketBlockType:
                    packets.Add(ReadEnhancedPacket(block, offset, packets.Count, sectionLinkTypes));
                    break;
                default:
                    break;
            }

            offset += length;
        }

        return new PcapngFile(blocks, allLinkTypes, packets);
    }

    private static PcapngPacket ReadEnhancedPacket(ReadOnlySpan<byte> block, int offset, int index, List<PcapngLinkType> linkTypes)
    {
        RequireLength(block, offset, EpbFixedLength, "Enhanced Packet Block");
        uint interfaceId = BinaryPrimitives.ReadUInt32LittleEndian(block[EpbInterfaceIdOffset..]);
        if (interfaceId >= (uint)linkTypes.Count)
        {
            throw Fail(offset, $"packet {index} names interface {interfaceId}; the section has {linkTypes.Count} interface(s) so far");
        }

        ulong high = BinaryPrimitives.ReadUInt32LittleEndian(block[EpbTimestampHighOffset..]);
        ulong low = BinaryPrimitives.ReadUInt32LittleEndian(block[EpbTimestampLowOffset..]);
        uint captured = BinaryPrimitives.ReadUInt32LittleEndian(block[EpbCapturedLengthOffset..]);
        uint original = BinaryPrimitives.ReadUInt32LittleEndian(block[EpbOriginalLengthOffset..]);
        int room = block.Length - EpbFixedLength;
        if (captured > (uint)room)
        {
            throw Fail(offset, $"packet {index} captured length {captured} exceeds the {room} bytes the block holds");
        }

        int dataLength = (int)captured;
        byte[] data = block.Slice(EpbDataOffset, dataLength).ToArray();
        ReadOnlySpan<byte> options = block[(EpbDataOffset + Pad4(dataLength))..^4];
        var comments = new List<string>();
        int optionsOffset = offset + EpbDataOffset + Pad4(dataLength);
        while (options.Length >= OptionHeaderLength)
        {
            ushort code = BinaryPrimitives.ReadUInt16LittleEndian(options);
            ushort valueLength = BinaryPrimitives.ReadUInt16LittleEndian(options[2..]);
            if (code == OptEndOfOpt)
            {
                break;
            }

            int padded = Pad4(valueLength);
            if (OptionHeaderLength + padded > options.Length)
            {
                throw Fail(optionsOffset, $"option {code} of packet {index} declares {valueLength} bytes, {options.Length - OptionHeaderLength} remain");
            }

            if (code == OptComment)
            {
                comments.Add(Encoding.UTF8.GetString(options.Slice(OptionHeaderLength, valueLength)));
            }

            options = options[(OptionHeaderLength + padded)..];
            optionsOffset += OptionHeaderLength + padded;
        }

        return new PcapngPacket(index, interfaceId, linkTypes[(int)interfaceId], (high << 32) | low, original, data, comments);
    }

    private static void RequireLength(ReadOnlySpan<byte> block, int offset, int minimum, string what)
    {
        if (block.Length < minimum)
        {
            throw Fail(offset, $"{what} is {block.Length} bytes, needs at least {minimum}");
        }
    }

    private static InvalidDataException Fail(int offset, string message) =>
        new($"pcapng block at 0x{offset:X}: {message}.");
}
