using static IpsecOffload.Ndis.Capabilities.CapabilityBits;

namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// <c>NDIS_TCP_IP_CHECKSUM_OFFLOAD</c> (ntddndis.h): four { <c>ULONG Encapsulation</c>; one
/// <c>ULONG</c> of 2-bit fields } pairs, 32 bytes on both ABIs. The bitfield words are kept raw:
/// IPv4 words hold <c>IpOptionsSupported</c> (bits 0..1), <c>TcpOptionsSupported</c> (2..3),
/// <c>TcpChecksum</c> (4..5), <c>UdpChecksum</c> (6..7), <c>IpChecksum</c> (8..9); IPv6 words hold
/// <c>IpExtensionHeadersSupported</c> (0..1), <c>TcpOptionsSupported</c> (2..3), <c>TcpChecksum</c>
/// (4..5), <c>UdpChecksum</c> (6..7).
/// </summary>
public readonly record struct NdisTcpIpChecksumOffload
{
    //  +0 IPv4Transmit.Encapsulation  +4 IPv4Transmit bits   +8 IPv4Receive.Encapsulation  +12 IPv4Receive bits
    //  +16 IPv6Transmit.Encapsulation +20 IPv6Transmit bits  +24 IPv6Receive.Encapsulation +28 IPv6Receive bits
    //  sizeof = 32 (WDK ntddndis.h; matches PDB-derived dumps in the public code index)
    internal const int IPv4TransmitEncapsulationOffset = 0, IPv4TransmitBitsOffset = 4;
    internal const int IPv4ReceiveEncapsulationOffset = 8, IPv4ReceiveBitsOffset = 12;
    internal const int IPv6TransmitEncapsulationOffset = 16, IPv6TransmitBitsOffset = 20;
    internal const int IPv6ReceiveEncapsulationOffset = 24, IPv6ReceiveBitsOffset = 28;

    /// <summary>Bytes of <c>NDIS_TCP_IP_CHECKSUM_OFFLOAD</c> on both ABIs.</summary>
    public const int Size = 32;

    /// <summary><c>IPv4Transmit.Encapsulation</c> (+0).</summary>
    public NdisEncapsulation IPv4TransmitEncapsulation { get; init; }

    /// <summary>The <c>IPv4Transmit</c> bitfield <c>ULONG</c> (+4), raw.</summary>
    public uint IPv4TransmitBits { get; init; }

    /// <summary><c>IPv4Receive.Encapsulation</c> (+8).</summary>
    public NdisEncapsulation IPv4ReceiveEncapsulation { get; init; }

    /// <summary>The <c>IPv4Receive</c> bitfield <c>ULONG</c> (+12), raw.</summary>
    public uint IPv4ReceiveBits { get; init; }

    /// <summary><c>IPv6Transmit.Encapsulation</c> (+16).</summary>
    public NdisEncapsulation IPv6TransmitEncapsulation { get; init; }

    /// <summary>The <c>IPv6Transmit</c> bitfield <c>ULONG</c> (+20), raw.</summary>
    public uint IPv6TransmitBits { get; init; }

    /// <summary><c>IPv6Receive.Encapsulation</c> (+24).</summary>
    public NdisEncapsulation IPv6ReceiveEncapsulation { get; init; }

    /// <summary>The <c>IPv6Receive</c> bitfield <c>ULONG</c> (+28), raw.</summary>
    public uint IPv6ReceiveBits { get; init; }

    /// <summary>Reads the structure from the first 32 bytes; false when fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NdisTcpIpChecksumOffload value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new NdisTcpIpChecksumOffload
        {
            IPv4TransmitEncapsulation = (NdisEncapsulation)ReadULong(source, IPv4TransmitEncapsulationOffset),
            IPv4TransmitBits = ReadULong(source, IPv4TransmitBitsOffset),
            IPv4ReceiveEncapsulation = (NdisEncapsulation)ReadULong(source, IPv4ReceiveEncapsulationOffset),
            IPv4ReceiveBits = ReadULong(source, IPv4ReceiveBitsOffset),
            IPv6TransmitEncapsulation = (NdisEncapsulation)ReadULong(source, IPv6TransmitEncapsulationOffset),
            IPv6TransmitBits = ReadULong(source, IPv6TransmitBitsOffset),
            IPv6ReceiveEncapsulation = (NdisEncapsulation)ReadULong(source, IPv6ReceiveEncapsulationOffset),
            IPv6ReceiveBits = ReadULong(source, IPv6ReceiveBitsOffset),
        };
        return true;
    }

    /// <summary>Writes 32 bytes; throws <see cref="ArgumentException"/> when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        RequireLength(destination, Size, "NDIS_TCP_IP_CHECKSUM_OFFLOAD");
        WriteULong(destination, IPv4TransmitEncapsulationOffset, (uint)IPv4TransmitEncapsulation);
        WriteULong(destination, IPv4TransmitBitsOffset, IPv4TransmitBits);
        WriteULong(destination, IPv4ReceiveEncapsulationOffset, (uint)IPv4ReceiveEncapsulation);
        WriteULong(destination, IPv4ReceiveBitsOffset, IPv4ReceiveBits);
        WriteULong(destination, IPv6TransmitEncapsulationOffset, (uint)IPv6TransmitEncapsulation);
        WriteULong(destination, IPv6TransmitBitsOffset, IPv6TransmitBits);
        WriteULong(destination, IPv6ReceiveEncapsulationOffset, (uint)IPv6ReceiveEncapsulation);
        WriteULong(destination, IPv6ReceiveBitsOffset, IPv6ReceiveBits);
    }
}
