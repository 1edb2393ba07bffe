using static IpsecOffload.Ndis.Capabilities.CapabilityBits;

namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// <c>NDIS_TCP_LARGE_SEND_OFFLOAD_V1</c> (ntddndis.h): <c>IPv4</c> { <c>Encapsulation</c>,
/// <c>MaxOffLoadSize</c>, <c>MinSegmentCount</c>, one <c>ULONG</c> of 2-bit fields }, 16 bytes on
/// both ABIs. The bitfield word is kept raw: <c>TcpOptions</c> bits 0..1, <c>IpOptions</c> bits 2..3.
/// </summary>
public readonly record struct NdisTcpLargeSendOffloadV1
{
    //  +0 IPv4.Encapsulation  +4 IPv4.MaxOffLoadSize  +8 IPv4.MinSegmentCount  +12 IPv4 bits   sizeof = 16
    internal const int EncapsulationOffset = 0, MaxOffLoadSizeOffset = 4, MinSegmentCountOffset = 8, BitsOffset = 12;

    /// <summary>Bytes of <c>NDIS_TCP_LARGE_SEND_OFFLOAD_V1</c> on both ABIs.</summary>
    public const int Size = 16;

    /// <summary><c>IPv4.Encapsulation</c> (+0).</summary>
    public NdisEncapsulation IPv4Encapsulation { get; init; }

    /// <summary><c>IPv4.MaxOffLoadSize</c> (+4).</summary>
    public uint IPv4MaxOffLoadSize { get; init; }

    /// <summary><c>IPv4.MinSegmentCount</c> (+8).</summary>
    public uint IPv4MinSegmentCount { get; init; }

    /// <summary>The <c>IPv4</c> bitfield <c>ULONG</c> (+12), raw.</summary>
    public uint IPv4Bits { get; init; }

    /// <summary>Reads the structure from the first 16 bytes; false when fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NdisTcpLargeSendOffloadV1 value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new NdisTcpLargeSendOffloadV1
        {
            IPv4Encapsulation = (NdisEncapsulation)ReadULong(source, EncapsulationOffset),
            IPv4MaxOffLoadSize = ReadULong(source, MaxOffLoadSizeOffset),
            IPv4MinSegmentCount = ReadULong(source, MinSegmentCountOffset),
            IPv4Bits = ReadULong(source, BitsOffset),
        };
        return true;
    }

    /// <summary>Writes 16 bytes; throws <see cref="ArgumentException"/> when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        RequireLength(destination, Size, "NDIS_TCP_LARGE_SEND_OFFLOAD_V1");
        WriteULong(destination, EncapsulationOffset, (uint)IPv4Encapsulation);
        WriteULong(destination, MaxOffLoadSizeOffset, IPv4MaxOffLoadSize);
        WriteULong(destination, MinSegmentCountOffset, IPv4MinSegmentCount);
        WriteULong(destination, BitsOffset, IPv4Bits);
    }
}

/// <summary>
/// <c>NDIS_TCP_LARGE_SEND_OFFLOAD_V2</c> (ntddndis.h): <c>IPv4</c> { <c>Encapsulation</c>,
/// <c>MaxOffLoadSize</c>, <c>MinSegmentCount</c> } then <c>IPv6</c> { the same three, one
/// <c>ULONG</c> of 2-bit fields }, 28 bytes on both ABIs. The bitfield word is kept raw:
/// <c>IpExtensionHeadersSupported</c> bits 0..1, <c>TcpOptionsSupported</c> bits 2..3.
/// </summary>
public readonly record struct NdisTcpLargeSendOffloadV2
{
    //  +0 IPv4.Encapsulation  +4 IPv4.MaxOffLoadSize  +8 IPv4.MinSegmentCount
    //  +12 IPv6.Encapsulation +16 IPv6.MaxOffLoadSize +20 IPv6.MinSegmentCount  +24 IPv6 bits   sizeof = 28
    internal const int IPv4EncapsulationOffset = 0, IPv4MaxOffLoadSizeOffset = 4, IPv4MinSegmentCountOffset = 8;
    internal const int IPv6EncapsulationOffset = 12, IPv6MaxOffLoadSizeOffset = 16, IPv6MinSegmentCountOffset = 20;
    internal const int IPv6BitsOffset = 24;

    /// <summary>Bytes of <c>NDIS_TCP_LARGE_SEND_OFFLOAD_V2</c> on both ABIs.</summary>
    public const int Size = 28;

    /// <summary><c>IPv4.Encapsulation</c> (+0).</summary>
    public NdisEncapsulation IPv4Encapsulation { get; init; }

    /// <summary><c>IPv4.MaxOffLoadSize</c> (+4).</summary>
    public uint IPv4MaxOffLoadSize { get; init; }

    /// <summary><c>IPv4.MinSegmentCount</c> (+8).</summary>
    public uint IPv4MinSegmentCount { get; init; }

    /// <summary><c>IPv6.Encapsulation</c> (+12).</summary>
    public NdisEncapsulation IPv6Encapsulation { get; init; }

    /// <summary><c>IPv6.MaxOffLoadSize</c> (+16).</summary>
    public uint IPv6MaxOffLoadSize { get; init; }

    /// <summary><c>IPv6.MinSegmentCount</c> (+20).</summary>
    public uint IPv6MinSegmentCount { get; init; }

    /// <summary>The <c>IPv6</c> bitfield <c>ULONG</c> (+24), raw.</summary>
    public uint IPv6Bits { get; init; }

    /// <summary>Reads the structure from the first 28 bytes; false when fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NdisTcpLargeSendOffloadV2 value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new NdisTcpLargeSendOffloadV2
        {
            IPv4Encapsulation = (NdisEncapsulation)ReadULong(source, IPv4EncapsulationOffset),
            IPv4MaxOffLoadSize = ReadULong(source, IPv4MaxOffLoadSizeOffset),
            IPv4MinSegmentCount = ReadULong(source, IPv4MinSegmentCountOffset),
            IPv6Encapsulation = (NdisEncapsulation)ReadULong(source, IPv6EncapsulationOffset),
            IPv6MaxOffLoadSize = ReadULong(source, IPv6MaxOffLoadSizeOffset),
            IPv6MinSegmentCount = ReadULong(source, IPv6MinSegmentCountOffset),
            IPv6Bits = ReadULong(source, IPv6BitsOffset),
        };
        return true;
    }

    /// <summary>Writes 28 bytes; throws <see cref="ArgumentException"/> when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        RequireLength(destination, Size, "NDIS_TCP_LARGE_SEND_OFFLOAD_V2");
        WriteULong(destination, IPv4EncapsulationOffset, (uint)IPv4Encapsulation);
        WriteULong(destination, IPv4MaxOffLoadSizeOffset, IPv4MaxOffLoadSize);
        WriteULong(destination, IPv4MinSegmentCountOffset, IPv4MinSegmentCount);
        WriteULong(destination, IPv6EncapsulationOffset, (uint)IPv6Encapsulation);
        WriteULong(destination, IPv6MaxOffLoadSizeOffset, IPv6MaxOffLoadSize);
        WriteULong(destination, IPv6MinSegmentCountOffset, IPv6MinSegmentCount);
        WriteULong(destination, IPv6BitsOffset, IPv6Bits);
    }
}
