using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// What <see cref="LsoSegmenter"/> produced for one LSO NBL: the segments to transmit, in order, and
/// the value the miniport writes into slot 2 before completing the NBL (SEND-20).
/// </summary>
public sealed class LsoSegmentation
{
    internal LsoSegmentation(IReadOnlyList<byte[]> segments, LargeSendOffloadType version, int tcpPayloadBytes, ulong firstSequenceNumber)
    {
        Segments = segments;
        Version = version;
        TcpPayloadBytes = tcpPayloadBytes;
        FirstSequenceNumber = firstSequenceNumber;
    }

    /// <summary>Every segment as a complete ESP-protected IP datagram, starting at the IP header (prepend the link header to send).</summary>
    public IReadOnlyList<byte[]> Segments { get; }

    /// <summary>LSOv1 or LSOv2.</summary>
    public LargeSendOffloadType Version { get; }

    /// <summary>TCP payload bytes sent across all segments (the large packet's payload, pad bytes excluded).</summary>
    public int TcpPayloadBytes { get; }

    /// <summary>The 64-bit ESP sequence number of segment 0; segment k carries this + k.</summary>
    public ulong FirstSequenceNumber { get; }

    /// <summary>LSOv1 completion: <c>TcpPayload</c> = <see cref="TcpPayloadBytes"/>, <c>Type</c> V1 unchanged.</summary>
    public LsoV1TransmitComplete V1Completion => new((uint)TcpPayloadBytes, LargeSendOffloadType.V1);

    /// <summary>LSOv2 completion: <c>Reserved</c> 0, <c>Type</c> V2.</summary>
    public static LsoV2TransmitComplete V2Completion => new(0, LargeSendOffloadType.V2);

    /// <summary>The slot-2 value to store before completing: <see cref="V1Completion"/> or <see cref="V2Completion"/>.</summary>
    public ulong CompletionSlot(NdisAbi abi) =>
        Version == LargeSendOffloadType.V1 ? V1Completion.ToSlot(abi) : V2Completion.ToSlot(abi);
}
