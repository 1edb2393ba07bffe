using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// A large TCP packet framed by <see cref="LsoFramer"/> as the transport hands it to the NIC, with the
/// OOB values the transport puts beside it: the LSO word (slot 2) and the IPsec v2 header word (slot 12).
/// All offsets except <see cref="TcpHeaderOffsetInFrame"/> count from the first byte of the IP header.
/// </summary>
public sealed class LsoFramedPacket
{
    internal LsoFramedPacket(byte[] packet, bool isIPv6, LargeSendOffloadType version, uint mss, int espHeaderOffset, int tcpHeaderOffset,
        int tcpHeaderLength, int linkHeaderLength, byte padLength, byte nextHeader, int tcpPayloadLength, ulong sequenceNumber)
    {
        Packet = packet;
        IsIPv6 = isIPv6;
        Version = version;
        Mss = mss;
        EspHeaderOffset = espHeaderOffset;
        TcpHeaderOffset = tcpHeaderOffset;
        TcpHeaderLength = tcpHeaderLength;
        LinkHeaderLength = linkHeaderLength;
        PadLength = padLength;
        NextHeader = nextHeader;
        TcpPayloadLength = tcpPayloadLength;
        SequenceNumber = sequenceNumber;
    }

    /// <summary>The NB data from the IP header on: headers, ESP header, IV, TCP header, payload, <see cref="PadLength"/> pad bytes.</summary>
    public byte[] Packet { get; }

    /// <summary>True for IPv6.</summary>
    public bool IsIPv6 { get; }

    /// <summary>LSOv1 or LSOv2.</summary>
    public LargeSendOffloadType Version { get; }

    /// <summary>The MSS of the LSO OOB.</summary>
    public uint Mss { get; }

    /// <summary>Byte offset of the ESP header from the IP header.</summary>
    public int EspHeaderOffset { get; }

    /// <summary>Byte offset of the TCP header from the IP header.</summary>
    public int TcpHeaderOffset { get; }

    /// <summary>TCP header bytes, options included.</summary>
    public int TcpHeaderLength { get; }

    /// <summary>Bytes in front of the IP header in the frame (14 for untagged Ethernet).</summary>
    public int LinkHeaderLength { get; }

    /// <summary><c>TcpHeaderOffset</c> of the LSO OOB: bytes from the start of the frame (link header included).</summary>
    public int TcpHeaderOffsetInFrame => LinkHeaderLength + TcpHeaderOffset;

    /// <summary>OOB <c>PadLength</c>: the pad bytes 1, 2, 3, … at the end of the buffer (RFC 4303 minimal padding of the whole large ESP payload).</summary>
    public byte PadLength { get; }

    /// <summary>OOB <c>NextHeader</c>: 6 (TCP).</summary>
    public byte NextHeader { get; }

    /// <summary>TCP payload bytes (what the LSOv1 completion reports when every segment is sent).</summary>
    public int TcpPayloadLength { get; }

    /// <summary>The 64-bit sequence number of the first segment; its low half is in the ESP header.</summary>
    public ulong SequenceNumber { get; }

    /// <summary>The LSOv1 OOB word (MSS, <see cref="TcpHeaderOffsetInFrame"/>, Type V1).</summary>
    public LsoV1Transmit LsoV1Info => new(Mss, (uint)TcpHeaderOffsetInFrame);

    /// <summary>The LSOv2 OOB word (MSS, <see cref="TcpHeaderOffsetInFrame"/>, IP version, Type V2).</summary>
    public LsoV2Transmit LsoV2Info => new(Mss, (uint)TcpHeaderOffsetInFrame, IsIPv6 ? LargeSendOffloadIPVersion.IPv6 : LargeSendOffloadIPVersion.IPv4);

    /// <summary>The slot-2 value for <see cref="Version"/> (<see cref="LsoV1Info"/> or <see cref="LsoV2Info"/>).</summary>
    public ulong LsoSlot(NdisAbi abi) => Version == LargeSendOffloadType.V1 ? LsoV1Info.ToSlot(abi) : LsoV2Info.ToSlot(abi);

    /// <summary>The IPsec v2 header OOB word: <see cref="NextHeader"/>, <see cref="PadLength"/>, no AH, <see cref="EspHeaderOffset"/> ÷ 4.</summary>
    public IPsecOffloadV2HeaderTransmit HeaderInfo => IPsecOffloadV2HeaderTransmit.FromByteOffsets(NextHeader, PadLength, 0, EspHeaderOffset);
}
