using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>An IPv6 Routing header (Next Header 43; RFC 8200 §4.4), any routing type.</summary>
public readonly struct IPv6RoutingHeader
{
    // RFC 8200 §4.4 (https://www.rfc-editor.org/rfc/rfc8200#section-4.4):
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // .                       type-specific data                      .
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int NextHeaderOffset = 0, ExtensionLengthOffset = 1, RoutingTypeOffset = 2,
        SegmentsLeftOffset = 3, DataOffset = 4, MinimumLength = 8;

    /// <summary>Next Header.</summary>
    public byte NextHeader { get; init; }

    /// <summary>Routing Type.</summary>
    public byte RoutingType { get; init; }

    /// <summary>Segments Left.</summary>
    public byte SegmentsLeft { get; init; }

    /// <summary>Type-specific data, <c>(HdrExtLen + 1)·8 − 4</c> bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Hdr Ext Len as it goes on the wire.</summary>
    public byte ExtensionLength => (byte)(Length / 8 - 1);

    /// <summary>Header length in bytes.</summary>
    public int Length => Data.Length + DataOffset;

    /// <summary>Reads the header from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6RoutingHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the header; fails when the buffer is shorter than 8 bytes or than Hdr Ext Len says.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6RoutingHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < MinimumLength)
        {
            fault = WireFault.Truncated("IPv6Routing.HeaderExtLength", MinimumLength, source.Length);
            return false;
        }

        int length = (source[ExtensionLengthOffset] + 1) * 8;
        if (source.Length < length)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "IPv6Routing.HeaderExtLength",
                $"with Hdr Ext Len {source[ExtensionLengthOffset]} needs {length} bytes, frame has {source.Length}");
            return false;
        }

        header = new IPv6RoutingHeader
        {
            NextHeader = source[NextHeaderOffset],
            RoutingType = source[RoutingTypeOffset],
            SegmentsLeft = source[SegmentsLeftOffset],
            Data = source[DataOffset..length].ToArray(),
        };
        return true;
    }

    /// <summary>Writes <see cref="Length"/> bytes; throws unless the header is a multiple of 8 bytes (at most 2048).</summary>
    public void Write(Span<byte> destination)
    {
        if (Length % 8 != 0 || Length > 2048)
        {
            throw new InvalidOperationException($"Data of {Data.Length} bytes makes a {Length}-byte header; it must be a multiple of 8 up to 2048.");
        }

        WireBits.RequireLength(destination, Length, "IPv6 routing header");
        destination[NextHeaderOffset] = NextHeader;
        destination[ExtensionLengthOffset] = ExtensionLength;
        destination[RoutingTypeOffset] = RoutingType;
        destination[SegmentsLeftOffset] = SegmentsLeft;
        Data.Span.CopyTo(destination[DataOffset..]);
    }
}
