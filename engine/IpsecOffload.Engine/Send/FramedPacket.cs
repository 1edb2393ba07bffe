using System.Diagnostics.CodeAnalysis;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// Where one ESP or AH header the framer inserted ended up in the final packet. All offsets count
/// from the first byte of the outermost IP header.
/// </summary>
/// <param name="Protocol">ESP or AH.</param>
/// <param name="Spi">The SPI written.</param>
/// <param name="Offset">First byte of the ESP or AH header.</param>
/// <param name="UdpOffset">First byte of the UDP header in front of a UDP-encapsulated ESP header, or −1.</param>
/// <param name="IvOffset">First byte of the IV (ESP: after SN; AH-GMAC: after SN).</param>
/// <param name="IvLength">IV bytes.</param>
/// <param name="ProtectedOffset">ESP: first byte the cipher covers (payload); AH: the IP header the ICV covers.</param>
/// <param name="ProtectedLength">ESP: payload ‖ padding ‖ pad length ‖ next header; AH: the whole covered datagram.</param>
/// <param name="IcvOffset">First byte of the ICV (ESP placeholder or AH ICV field).</param>
/// <param name="IcvLength">ICV bytes (0 for ESP without integrity).</param>
/// <param name="IsTunnel">True when this SA added an outer IP header.</param>
/// <param name="InOffloadBundle">True for the <c>OffloadHandle</c> bundle, false for the <c>TunnelHandle</c> bundle.</param>
public sealed record FramedHeader(IpsecProtocol Protocol, uint Spi, int Offset, int UdpOffset, int IvOffset, int IvLength,
    int ProtectedOffset, int ProtectedLength, int IcvOffset, int IcvLength, bool IsTunnel, bool InOffloadBundle)
{
    internal FramedHeader Shift(int by) => this with
    {
        Offset = Offset + by,
        UdpOffset = UdpOffset < 0 ? -1 : UdpOffset + by,
        IvOffset = IvOffset + by,
        ProtectedOffset = ProtectedOffset + by,
        IcvOffset = IcvOffset + by,
    };
}

/// <summary>
/// A packet as the transport hands it to the NIC (SEND-10, ARCHITECTURE §4): headers inserted, payload
/// in clear text, ESP trailer and ICV placeholder present, lengths and IPv4 checksums final; plus the
/// values the transport puts in <c>NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO</c>.
/// </summary>
public sealed class FramedPacket
{
    internal FramedPacket(byte[] packet, IReadOnlyList<FramedHeader> headers)
    {
        Packet = packet;
        Headers = headers;
        FramedHeader? esp = headers.FirstOrDefault(h => h.InOffloadBundle && h.Protocol == IpsecProtocol.Esp);
        FramedHeader? ah = headers.FirstOrDefault(h => h.InOffloadBundle && h.Protocol == IpsecProtocol.Ah);
        EspHeaderOffset = esp?.Offset ?? 0;
        AhHeaderOffset = ah?.Offset ?? 0;
        if (esp is not null)
        {
            int trailerEnd = esp.ProtectedOffset + esp.ProtectedLength;
            PadLength = packet[trailerEnd - 2];
            NextHeader = packet[trailerEnd - 1];
        }
    }

    /// <summary>The framed packet, starting at the outermost IP header.</summary>
    public byte[] Packet { get; }

    /// <summary>Every ESP/AH header inserted, in the order the SAs were applied (offload bundle first, then the tunnel bundle).</summary>
    public IReadOnlyList<FramedHeader> Headers { get; }

    /// <summary>OOB <c>NextHeader</c>: the ESP trailer's Next Header of the offload bundle's ESP (0 for an AH-only bundle).</summary>
    public byte NextHeader { get; }

    /// <summary>OOB <c>PadLength</c>: the pad bytes of the offload bundle's ESP (0 for an AH-only bundle).</summary>
    public byte PadLength { get; }

    /// <summary>Byte offset of the offload bundle's AH header from the outermost IP header; 0 = no AH (AMB-07).</summary>
    public int AhHeaderOffset { get; }

    /// <summary>Byte offset of the offload bundle's ESP header from the outermost IP header; 0 = no ESP (AMB-07).</summary>
    public int EspHeaderOffset { get; }

    /// <summary>
    /// The v2 header OOB word (offsets packed ÷ 4). Fails with <see cref="NdisStatus.Failure"/> and a
    /// message with the numbers when an offset is not a multiple of 4 or exceeds 1020 bytes, which the
    /// 8-bit field cannot carry.
    /// </summary>
    public bool TryGetV2HeaderInfo(out IPsecOffloadV2HeaderTransmit info, [NotNullWhen(false)] out NdisError? error)
    {
        info = default;
        error = Check("AhHeaderOffset", AhHeaderOffset) ?? Check("EspHeaderOffset", EspHeaderOffset);
        if (error is not null)
        {
            return false;
        }

        info = IPsecOffloadV2HeaderTransmit.FromByteOffsets(NextHeader, PadLength, AhHeaderOffset, EspHeaderOffset);
        return true;
    }

    /// <summary>The v2 header OOB word; throws <see cref="InvalidOperationException"/> with the message of <see cref="TryGetV2HeaderInfo"/>.</summary>
    public IPsecOffloadV2HeaderTransmit V2HeaderInfo =>
        TryGetV2HeaderInfo(out IPsecOffloadV2HeaderTransmit info, out NdisError? error)
            ? info
            : throw new InvalidOperationException(error.ToString());

    private static NdisError? Check(string field, int offset)
    {
        const int Unit = IPsecOffloadV2HeaderTransmit.OffsetUnit, Max = IPsecOffloadV2HeaderTransmit.MaxOffsetBytes;
        if (offset % Unit != 0)
        {
            return new NdisError(NdisStatus.Failure, $"NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.{field}",
                $"header at byte offset {offset} is not 4-byte aligned; the OOB field counts 4-byte units");
        }

        return offset > Max
            ? new NdisError(NdisStatus.Failure, $"NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.{field}",
                $"header at byte offset {offset} is beyond {Max} bytes (255 × 4), the most the 8-bit field can carry")
            : null;
    }
}
