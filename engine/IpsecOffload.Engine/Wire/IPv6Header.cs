using System.Buffers.Binary;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>The fixed 40-byte IPv6 header (RFC 8200 §3).</summary>
public readonly struct IPv6Header
{
    // RFC 8200 §3 (https://www.rfc-editor.org/rfc/rfc8200#section-3):
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Version| Traffic Class |           Flow Label                  |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |         Payload Length        |  Next Header  |   Hop Limit   |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                     Source Address (128 bits)                 |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                  Destination Address (128 bits)               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int VersionClassFlowOffset = 0, PayloadLengthOffset = 4, NextHeaderOffset = 6,
        HopLimitOffset = 7, SourceOffset = 8, DestinationOffset = 24, Length = 40, AddressLength = 16;
    private const int VersionShift = 28, VersionWidth = 4, ClassShift = 20, ClassWidth = 8, FlowWidth = 20;

    /// <summary>Version, 4 bits; 6 for a header <see cref="TryRead(ReadOnlySpan{byte}, out IPv6Header)"/> accepts.</summary>
    public byte Version { get; init; }

    /// <summary>Traffic Class (DSCP and ECN), 8 bits.</summary>
    public byte TrafficClass { get; init; }

    /// <summary>Flow Label, 20 bits.</summary>
    public uint FlowLabel { get; init; }

    /// <summary>Payload Length: bytes after this 40-byte header, extension headers included.</summary>
    public ushort PayloadLength { get; init; }

    /// <summary>Next Header: the first extension header or the upper-layer protocol.</summary>
    public byte NextHeader { get; init; }

    /// <summary>Hop Limit.</summary>
    public byte HopLimit { get; init; }

    /// <summary>Source address, 16 bytes.</summary>
    public ReadOnlyMemory<byte> Source { get; init; }

    /// <summary>Destination address, 16 bytes.</summary>
    public ReadOnlyMemory<byte> Destination { get; init; }

    /// <summary>Reads the fixed header from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6Header header) => TryRead(source, out header, out _);

    /// <summary>Reads the fixed header; fails when fewer than 40 bytes are there or the version is not 6.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6Header header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < Length)
        {
            fault = WireFault.Truncated("IPv6.VersionTrafficClass", Length, source.Length);
            return false;
        }

        uint word = BinaryPrimitives.ReadUInt32BigEndian(source[VersionClassFlowOffset..]);
        byte version = (byte)WireBits.Get(word, VersionShift, VersionWidth);
        if (version != 6)
        {
            fault = new WireFault(NdisStatus.Failure, "IPv6.VersionTrafficClass", $"has version {version}, expected 6");
            return false;
        }

        header = new IPv6Header
        {
            Version = version,
            TrafficClass = (byte)WireBits.Get(word, ClassShift, ClassWidth),
            FlowLabel = WireBits.Get(word, 0, FlowWidth),
            PayloadLength = BinaryPrimitives.ReadUInt16BigEndian(source[PayloadLengthOffset..]),
            NextHeader = source[NextHeaderOffset],
            HopLimit = source[HopLimitOffset],
            Source = source.Slice(SourceOffset, AddressLength).ToArray(),
            Destination = source.Slice(DestinationOffset, AddressLength).ToArray(),
        };
        return true;
    }

    /// <summary>Writes the 40 bytes; throws when the destination is short, a field exceeds its width, or an address is not 16 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        if (Source.Length != AddressLength || Destination.Length != AddressLength)
        {
            throw new InvalidOperationException($"IPv6 addresses are 16 bytes; got {Source.Length} and {Destination.Length}.");
        }

        WireBits.RequireLength(destination, Length, "IPv6 header");
        uint word = WireBits.Set(0, VersionShift, VersionWidth, Version, nameof(Version));
        word = WireBits.Set(word, ClassShift, ClassWidth, TrafficClass, nameof(TrafficClass));
        word = WireBits.Set(word, 0, FlowWidth, FlowLabel, nameof(FlowLabel));
        BinaryPrimitives.WriteUInt32BigEndian(destination[VersionClassFlowOffset..], word);
        BinaryPrimitives.WriteUInt16BigEndian(destination[PayloadLengthOffset..], PayloadLength);
        destination[NextHeaderOffset] = NextHeader;
        destination[HopLimitOffset] = HopLimit;
        Source.Span.CopyTo(destination[SourceOffset..]);
        Destination.Span.CopyTo(destination[DestinationOffset..]);
    }
}
