using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>The IPv6 Fragment header (Next Header 44; RFC 8200 §4.5), always 8 bytes.</summary>
public readonly struct IPv6FragmentHeader
{
    // RFC 8200 §4.5 (https://www.rfc-editor.org/rfc/rfc8200#section-4.5):
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                         Identification                        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int NextHeaderOffset = 0, ReservedOffset = 1, OffsetFlagsOffset = 2,
        IdentificationOffset = 4, Length = 8;
    private const int OffsetShift = 3, OffsetWidth = 13, ResShift = 1, ResWidth = 2;

    /// <summary>Next Header.</summary>
    public byte NextHeader { get; init; }

    /// <summary>The 8-bit Reserved field.</summary>
    public byte Reserved { get; init; }

    /// <summary>Fragment Offset in 8-byte units, 13 bits.</summary>
    public ushort FragmentOffset { get; init; }

    /// <summary>The 2-bit Res field.</summary>
    public byte Res { get; init; }

    /// <summary>M flag: more fragments follow.</summary>
    public bool MoreFragments { get; init; }

    /// <summary>Identification.</summary>
    public uint Identification { get; init; }

    /// <summary>True when this is not an atomic fragment: the payload is only part of the datagram.</summary>
    public bool IsPartial => FragmentOffset != 0 || MoreFragments;

    /// <summary>Reads the 8 bytes from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6FragmentHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the 8 bytes; fails only when fewer are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6FragmentHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < Length)
        {
            fault = WireFault.Truncated("IPv6Fragment.Identification", Length, source.Length);
            return false;
        }

        uint word = BinaryPrimitives.ReadUInt16BigEndian(source[OffsetFlagsOffset..]);
        header = new IPv6FragmentHeader
        {
            NextHeader = source[NextHeaderOffset],
            Reserved = source[ReservedOffset],
            FragmentOffset = (ushort)WireBits.Get(word, OffsetShift, OffsetWidth),
            Res = (byte)WireBits.Get(word, ResShift, ResWidth),
            MoreFragments = WireBits.Get(word, 0, 1) != 0,
            Identification = BinaryPrimitives.ReadUInt32BigEndian(source[IdentificationOffset..]),
        };
        return true;
    }

    /// <summary>Writes the 8 bytes; throws when the destination is short or a field exceeds its width.</summary>
    public void Write(Span<byte> destination)
    {
        WireBits.RequireLength(destination, Length, "IPv6 fragment header");
        uint word = WireBits.Set(0, OffsetShift, OffsetWidth, FragmentOffset, nameof(FragmentOffset));
        word = WireBits.Set(word, ResShift, ResWidth, Res, nameof(Res));
        word = WireBits.Set(word, 0, 1, MoreFragments ? 1u : 0u, nameof(MoreFragments));
        destination[NextHeaderOffset] = NextHeader;
        destination[ReservedOffset] = Reserved;
        BinaryPrimitives.WriteUInt16BigEndian(destination[OffsetFlagsOffset..], (ushort)word);
        BinaryPrimitives.WriteUInt32BigEndian(destination[IdentificationOffset..], Identification);
    }
}
