using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// The per-NBL inputs of <see cref="LsoSegmenter"/>: the LSO OOB word (slot 2) decoded, the IPsec v2
/// header OOB word (slot 12), and what the miniport knows about the NBL and itself (link header length,
/// first-MDL length, MTU, whether a <c>TunnelHandle</c> was given, whether the SA is IPv6).
/// </summary>
public sealed record LsoRequest
{
    /// <summary>Standard Ethernet MTU: the largest IP datagram per frame (bytes).</summary>
    public const int DefaultMtu = 1500;

    /// <summary>The jumbo-frame MTU the segmenter accepts when the miniport enables jumbo frames (bytes).</summary>
    public const int JumboMtu = 9216;

    /// <summary>LSOv1 or LSOv2 (the OOB <c>Type</c> bit).</summary>
    public required LargeSendOffloadType Version { get; init; }

    /// <summary>OOB <c>MSS</c>.</summary>
    public required uint Mss { get; init; }

    /// <summary>OOB <c>TcpHeaderOffset</c>: bytes from the start of the frame (link header included).</summary>
    public required uint TcpHeaderOffset { get; init; }

    /// <summary>LSOv2 <c>IPVersion</c>; ignored for LSOv1.</summary>
    public LargeSendOffloadIPVersion IPVersion { get; init; }

    /// <summary>The <c>NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.Transmit</c> word.</summary>
    public required IPsecOffloadV2HeaderTransmit HeaderInfo { get; init; }

    /// <summary>True when the SA was added with <c>IPSEC_OFFLOAD_V2_IPv6</c>; checked against the packet.</summary>
    public bool IsIPv6Sa { get; init; }

    /// <summary>Bytes in front of the IP header in the frame (14 for untagged Ethernet; VLAN tags travel in the OOB).</summary>
    public int LinkHeaderLength { get; init; } = EthernetHeader.UntaggedLength;

    /// <summary>
    /// Bytes of the frame (link header included) in the NB's first MDL, or null when the caller has
    /// gathered the NB and does not know. With LSO every header up to the end of the TCP header must
    /// be in the first MDL (SEND-19).
    /// </summary>
    public int? FirstMdlLength { get; init; }

    /// <summary>The largest IP datagram a segment may be (default <see cref="DefaultMtu"/>; <see cref="JumboMtu"/> with jumbo frames).</summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>True when the NBL also carries a non-zero <c>TunnelHandle</c> (slot 11): refused (SEND-16).</summary>
    public bool TunnelHandlePresent { get; init; }

    /// <summary>A request from a decoded LSOv1 word.</summary>
    public static LsoRequest FromV1(LsoV1Transmit lso, IPsecOffloadV2HeaderTransmit headerInfo) => new()
    {
        Version = LargeSendOffloadType.V1,
        Mss = lso.Mss,
        TcpHeaderOffset = lso.TcpHeaderOffset,
        HeaderInfo = headerInfo,
    };

    /// <summary>A request from a decoded LSOv2 word.</summary>
    public static LsoRequest FromV2(LsoV2Transmit lso, IPsecOffloadV2HeaderTransmit headerInfo) => new()
    {
        Version = LargeSendOffloadType.V2,
        Mss = lso.Mss,
        TcpHeaderOffset = lso.TcpHeaderOffset,
        IPVersion = lso.IPVersion,
        HeaderInfo = headerInfo,
    };

    /// <summary>
    /// A request from the raw slot-2 value: the <c>Type</c> bit (30) selects <see cref="LsoV1Transmit"/>
    /// or <see cref="LsoV2Transmit"/>. Set the remaining properties with <c>with { … }</c>.
    /// </summary>
    public static LsoRequest FromSlot(ulong lsoSlot, NdisAbi abi, IPsecOffloadV2HeaderTransmit headerInfo)
    {
        LsoV1Transmit v1 = LsoV1Transmit.FromSlot(lsoSlot, abi);
        return v1.Type == LargeSendOffloadType.V1
            ? FromV1(v1, headerInfo)
            : FromV2(LsoV2Transmit.FromSlot(lsoSlot, abi), headerInfo);
    }

    /// <summary>The OOB structure name used in error fields.</summary>
    internal string LsoName => Version == LargeSendOffloadType.V1
        ? "NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV1Transmit"
        : "NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV2Transmit";
}
