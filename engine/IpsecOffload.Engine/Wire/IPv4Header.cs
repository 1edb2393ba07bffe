using System.Buffers.Binary;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>IPv4 header flags (the 3 bits above the fragment offset).</summary>
[Flags]
public enum IPv4Flags : byte
{
    /// <summary>No flag set.</summary>
    None = 0,
    /// <summary>More Fragments.</summary>
    MoreFragments = 0b001,
    /// <summary>Don't Fragment.</summary>
    DontFragment = 0b010,
    /// <summary>The reserved (evil) bit; must be zero on the wire.</summary>
    Reserved = 0b100,
}

/// <summary>An IPv4 header (RFC 791 §3.1) including its options.</summary>
public readonly struct IPv4Header
{
    // RFC 791 §3.1 (https://www.rfc-editor.org/rfc/rfc791#section-3.1):
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Version|  IHL  |Type of Service|          Total Length         |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |         Identification        |Flags|      Fragment Offset    |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |  Time to Live |    Protocol   |         Header Checksum       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                       Source Address                          |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                    Destination Address                        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                    Options                    |    Padding    |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int VersionIhlOffset = 0, TypeOfServiceOffset = 1, TotalLengthOffset = 2,
        IdentificationOffset = 4, FlagsFragmentOffset = 6, TtlOffset = 8, ProtocolOffset = 9,
        HeaderChecksumOffset = 10, SourceOffset = 12, DestinationOffset = 16, OptionsOffset = 20,
        MinimumLength = 20, MaximumLength = 60;
    private const int VersionShift = 4, NibbleWidth = 4, FlagsShift = 13, FlagsWidth = 3, FragmentOffsetWidth = 13;

    /// <summary>Version, 4 bits; 4 for a header that <see cref="TryRead(ReadOnlySpan{byte}, out IPv4Header)"/> accepts.</summary>
    public byte Version { get; init; }

    /// <summary>Internet Header Length in 32-bit words (5..15). <see cref="Write"/> writes it as given.</summary>
    public byte Ihl { get; init; }

    /// <summary>The whole Type of Service byte (DSCP in the upper 6 bits, ECN in the lower 2).</summary>
    public byte TypeOfService { get; init; }

    /// <summary>Total Length of the datagram in bytes, header included.</summary>
    public ushort TotalLength { get; init; }

    /// <summary>Identification.</summary>
    public ushort Identification { get; init; }

    /// <summary>The 3 flag bits.</summary>
    public IPv4Flags Flags { get; init; }

    /// <summary>Fragment Offset in 8-byte units, 13 bits.</summary>
    public ushort FragmentOffset { get; init; }

    /// <summary>Time to Live.</summary>
    public byte Ttl { get; init; }

    /// <summary>Protocol of the payload (<see cref="IpProtocol"/>).</summary>
    public byte Protocol { get; init; }

    /// <summary>Header Checksum as carried (not recomputed by <see cref="Write"/>; see <see cref="WriteChecksum"/>).</summary>
    public ushort HeaderChecksum { get; init; }

    /// <summary>Source address, big-endian value (192.168.0.1 = 0xC0A80001).</summary>
    public uint Source { get; init; }

    /// <summary>Destination address, big-endian value.</summary>
    public uint Destination { get; init; }

    /// <summary>Options and their padding: <c>Ihl·4 − 20</c> bytes.</summary>
    public ReadOnlyMemory<byte> Options { get; init; }

    /// <summary>DSCP, the upper 6 bits of <see cref="TypeOfService"/>.</summary>
    public byte Dscp => (byte)(TypeOfService >> 2);

    /// <summary>ECN, the lower 2 bits of <see cref="TypeOfService"/>.</summary>
    public byte Ecn => (byte)(TypeOfService & 0b11);

    /// <summary>Header length in bytes (<see cref="Ihl"/>·4).</summary>
    public int HeaderLength => Ihl * 4;

    /// <summary>True when this is a fragment (More Fragments set or a non-zero offset).</summary>
    public bool IsFragment => (Flags & IPv4Flags.MoreFragments) != 0 || FragmentOffset != 0;

    /// <summary>Reads the header and options from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv4Header header) => TryRead(source, out header, out _);

    /// <summary>
    /// Reads the header and options. Fails (never throws) when fewer than 20 bytes are there, the
    /// version is not 4, IHL is below 5, or IHL·4 runs past the buffer. Total Length is not checked
    /// against the buffer here; the frame parser does that.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv4Header header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < MinimumLength)
        {
            fault = WireFault.Truncated("IPv4.VersionIhl", MinimumLength, source.Length);
            return false;
        }

        uint versionIhl = source[VersionIhlOffset];
        byte version = (byte)WireBits.Get(versionIhl, VersionShift, NibbleWidth);
        byte ihl = (byte)WireBits.Get(versionIhl, 0, NibbleWidth);
        if (version != 4)
        {
            fault = new WireFault(NdisStatus.Failure, "IPv4.VersionIhl", $"has version {version}, expected 4");
            return false;
        }

        if (ihl < 5)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "IPv4.VersionIhl", $"has IHL {ihl} ({ihl * 4} bytes), below the minimum 5 (20 bytes)");
            return false;
        }

        int headerLength = ihl * 4;
        if (source.Length < headerLength)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "IPv4.Options",
                $"with IHL {ihl} needs {headerLength} bytes, frame has {source.Length}");
            return false;
        }

        uint flagsFragment = BinaryPrimitives.ReadUInt16BigEndian(source[FlagsFragmentOffset..]);
        header = new IPv4Header
        {
            Version = version,
            Ihl = ihl,
            TypeOfService = source[TypeOfServiceOffset],
            TotalLength = BinaryPrimitives.ReadUInt16BigEndian(source[TotalLengthOffset..]),
            Identification = BinaryPrimitives.ReadUInt16BigEndian(source[IdentificationOffset..]),
            Flags = (IPv4Flags)WireBits.Get(flagsFragment, FlagsShift, FlagsWidth),
            FragmentOffset = (ushort)WireBits.Get(flagsFragment, 0, FragmentOffsetWidth),
            Ttl = source[TtlOffset],
            Protocol = source[ProtocolOffset],
            HeaderChecksum = BinaryPrimitives.ReadUInt16BigEndian(source[HeaderChecksumOffset..]),
            Source = BinaryPrimitives.ReadUInt32BigEndian(source[SourceOffset..]),
            Destination = BinaryPrimitives.ReadUInt32BigEndian(source[DestinationOffset..]),
            Options = source[OptionsOffset..headerLength].ToArray(),
        };
        return true;
    }

    /// <summary>
    /// Writes <see cref="HeaderLength"/> bytes exactly as the properties say (checksum included).
    /// Throws when the destination is short, a field exceeds its width, or the options length is not
    /// <c>Ihl·4 − 20</c>.
    /// </summary>
    public void Write(Span<byte> destination)
    {
        if (Ihl is < 5 or > 15 || Options.Length != HeaderLength - MinimumLength)
        {
            throw new InvalidOperationException(
                $"IHL {Ihl} needs {Math.Max(0, HeaderLength - MinimumLength)} option bytes, header has {Options.Length}.");
        }

        WireBits.RequireLength(destination, HeaderLength, "IPv4 header");
        uint versionIhl = WireBits.Set(0, VersionShift, NibbleWidth, Version, nameof(Version));
        destination[VersionIhlOffset] = (byte)WireBits.Set(versionIhl, 0, NibbleWidth, Ihl, nameof(Ihl));
        destination[TypeOfServiceOffset] = TypeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(destination[TotalLengthOffset..], TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[IdentificationOffset..], Identification);
        uint flagsFragment = WireBits.Set(0, FlagsShift, FlagsWidth, (uint)Flags, nameof(Flags));
        flagsFragment = WireBits.Set(flagsFragment, 0, FragmentOffsetWidth, FragmentOffset, nameof(FragmentOffset));
        BinaryPrimitives.WriteUInt16BigEndian(destination[FlagsFragmentOffset..], (ushort)flagsFragment);
        destination[TtlOffset] = Ttl;
        destination[ProtocolOffset] = Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(destination[HeaderChecksumOffset..], HeaderChecksum);
        BinaryPrimitives.WriteUInt32BigEndian(destination[SourceOffset..], Source);
        BinaryPrimitives.WriteUInt32BigEndian(destination[DestinationOffset..], Destination);
        Options.Span.CopyTo(destination[OptionsOffset..]);
    }

    /// <summary>
    /// The header checksum for a written header (RFC 791 §3.1: the checksum of the header with the
    /// checksum field taken as zero). <paramref name="header"/> is exactly IHL·4 bytes.
    /// </summary>
    public static ushort ComputeChecksum(ReadOnlySpan<byte> header)
    {
        RequireHeader(header);
        return InternetChecksum.ComputeExcludingField(0, header, HeaderChecksumOffset);
    }

    /// <summary>Computes the checksum of a written header and stores it in its checksum field.</summary>
    public static void WriteChecksum(Span<byte> header)
    {
        ushort checksum = ComputeChecksum(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[HeaderChecksumOffset..], checksum);
    }

    /// <summary>True when the checksum field of <paramref name="header"/> (exactly IHL·4 bytes) is right.</summary>
    public static bool IsChecksumValid(ReadOnlySpan<byte> header)
    {
        RequireHeader(header);
        return InternetChecksum.IsValid(header);
    }

    private static void RequireHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length is < MinimumLength or > MaximumLength || header.Length % 4 != 0)
        {
            throw new ArgumentException($"An IPv4 header is 20..60 bytes in steps of 4; got {header.Length}.", nameof(header));
        }
    }
}
