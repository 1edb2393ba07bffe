namespace IpsecOffload.Engine.Capture;

/// <summary>
/// Block and option codes and fixed layouts of pcapng (draft-ietf-opsawg-pcapng, "PCAP Next
/// Generation Dump File Format"). Every block is framed the same way:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------------------------------------------------------+
/// |                          Block Type                           |  0
/// +---------------------------------------------------------------+
/// |                      Block Total Length                       |  4
/// +---------------------------------------------------------------+
/// /                          Block Body (padded to 32 bits)       /  8
/// +---------------------------------------------------------------+
/// |                      Block Total Length                       |  len - 4
/// +---------------------------------------------------------------+
/// </code>
/// This suite writes little-endian sections only.
/// </summary>
internal static class PcapngFormat
{
    internal const uint SectionHeaderBlockType = 0x0A0D_0D0A;
    internal const uint InterfaceDescriptionBlockType = 0x0000_0001;
    internal const uint EnhancedPacketBlockType = 0x0000_0006;

    internal const int BlockTypeOffset = 0, BlockLengthOffset = 4, BlockBodyOffset = 8;

    /// <summary>Type + leading length + trailing length.</summary>
    internal const int BlockFramingLength = 12;

    // Section Header Block body (spec §4.1):
    // | Byte-Order Magic (4) | Major (2) | Minor (2) | Section Length (8) | Options… |
    internal const uint ByteOrderMagic = 0x1A2B_3C4D;
    internal const int ShbMagicOffset = 8, ShbMajorOffset = 12, ShbMinorOffset = 14, ShbSectionLengthOffset = 16;
    internal const int ShbLength = 28;
    internal const ushort MajorVersion = 1, MinorVersion = 0;

    /// <summary>Section Length −1: "not specified", so a writer never has to seek back.</summary>
    internal const long UnspecifiedSectionLength = -1;

    // Interface Description Block body (spec §4.2):
    // | LinkType (2) | Reserved (2) | SnapLen (4) | Options… |
    internal const int IdbLinkTypeOffset = 8, IdbReservedOffset = 10, IdbSnapLengthOffset = 12;
    internal const int IdbLength = 20;

    /// <summary>Large enough for a 64 KiB LSO super-packet with headers; 0 ("no limit") trips old readers.</summary>
    internal const uint SnapLength = 262_144;

    // Enhanced Packet Block body (spec §4.3):
    // | Interface ID (4) | Timestamp high (4) | Timestamp low (4) | Captured Len (4) | Original Len (4) |
    // | Packet Data (padded to 32 bits) | Options… |
    // Timestamps count if_tsresol units since 1970; without that option the unit is 1 µs.
    internal const int EpbInterfaceIdOffset = 8, EpbTimestampHighOffset = 12, EpbTimestampLowOffset = 16;
    internal const int EpbCapturedLengthOffset = 20, EpbOriginalLengthOffset = 24, EpbDataOffset = 28;
    internal const int EpbFixedLength = 32;

    // Options (spec §3.5): | Code (2) | Length (2) | Value (padded to 32 bits) |, ended by opt_endofopt.
    internal const ushort OptEndOfOpt = 0, OptComment = 1;
    internal const int OptionHeaderLength = 4;

    /// <summary>The length rounded up to a multiple of 4 (pcapng pads every field to 32 bits).</summary>
    internal static int Pad4(int length) => checked((length + 3) & ~3);
}
