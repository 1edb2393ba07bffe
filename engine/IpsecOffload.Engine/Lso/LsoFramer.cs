using System.Buffers.Binary;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// What the Windows TCP/IP transport hands an IPsec-offload v2 NIC for a large TCP send on a
/// transport-mode ESP SA (SEND-14/15/18, ARCHITECTURE §4 "LSO buffer", docs/decisions/amb-04-lso-buffer.md):
/// <code>
///   [IP header (+ options / extension headers)] [ESP SPI ‖ SN_low] [IV] [TCP header] [payload] [PadLength pad bytes 1, 2, 3, …]
/// </code>
/// No pad-length / next-header bytes and no ICV placeholder. <c>PadLength</c> is the RFC 4303 minimal
/// padding the whole large ESP payload (TCP header + payload) would need with the SA's alignment, as
/// the transport would compute it without LSO (amb-06). IP length: LSOv1 counts every byte of the
/// buffer, pad bytes included; LSOv2 writes 0 (IPv4 Total Length and IPv6 Payload Length, SEND-18).
/// TCP checksum field: the pseudo-header partial sum over source, destination and protocol 6 with a
/// zero length, not complemented (SEND-18, wire-formats §5.1). IPv4 header checksum: valid for the
/// header as written.
/// </summary>
public static class LsoFramer
{
    private const int EspFixedLength = EspHeader.Length;

    /// <summary>
    /// Frames <paramref name="packet"/> (one plaintext IPv4 or IPv6 TCP packet whose length field matches
    /// the span; TCP options allowed) for LSO through the ESP SA <paramref name="sa"/>:
    /// <see cref="FramingSa.SequenceNumber"/> is the first segment's 64-bit SN (its low half is written),
    /// <see cref="FramingSa.Iv"/> the first segment's IV.
    /// </summary>
    /// <param name="packet">The large plaintext packet, starting at the IP header.</param>
    /// <param name="sa">The ESP SA's framing parameters (transport mode, no UDP encapsulation).</param>
    /// <param name="mss">The MSS for the LSO OOB (1 .. 2^20 − 1).</param>
    /// <param name="version">LSOv1 or LSOv2.</param>
    /// <param name="linkHeaderLength">Bytes in front of the IP header in the frame (14 for untagged Ethernet); counted in <c>TcpHeaderOffset</c>.</param>
    /// <exception cref="ArgumentException">The packet is not an unfragmented TCP packet that parses, the SA is not transport-mode ESP, the MSS is out of range, the headers exceed 128 bytes, or a length overflows its field; the message has the numbers.</exception>
    public static LsoFramedPacket Frame(ReadOnlySpan<byte> packet, FramingSa sa, uint mss, LargeSendOffloadType version,
        int linkHeaderLength = EthernetHeader.UntaggedLength)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.Protocol != IpsecProtocol.Esp || sa.Tunnel is not null || sa.UdpEncapsulation is not null)
        {
            throw new ArgumentException($"LSO framing takes a transport-mode ESP SA without UDP encapsulation; got {sa.Protocol} SA 0x{sa.Spi:x8}.", nameof(sa));
        }

        if (mss is 0 or > LargeSendOffloadLimits.MaxMss)
        {
            throw new ArgumentOutOfRangeException(nameof(mss), mss, $"The MSS must be 1..{LargeSendOffloadLimits.MaxMss}.");
        }

        if (sa.EspPadAlignment is < 1 or > 256 || sa.IcvLength < 0)
        {
            throw new ArgumentException($"SA 0x{sa.Spi:x8}: pad alignment {sa.EspPadAlignment} must be 1..256 and ICV length {sa.IcvLength} ≥ 0.", nameof(sa));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(linkHeaderLength);
        PlainLayout plain = LocatePlain(packet);
        int ivLength = sa.Iv.Length;
        int tcpLength = packet.Length - plain.TcpOffset;
        int padLength = EspTrailer.MinimalPadLength(tcpLength, sa.EspPadAlignment);
        int espOffset = plain.TcpOffset;
        int tcpOffset = espOffset + EspFixedLength + ivLength;
        int headersEnd = linkHeaderLength + tcpOffset + plain.TcpHeaderLength;
        if (headersEnd > LargeSendOffloadLimits.MaxHeaderLength)
        {
            throw new ArgumentException(
                $"Link {linkHeaderLength} + IP {espOffset} + ESP {EspFixedLength} + IV {ivLength} + TCP {plain.TcpHeaderLength} = {headersEnd} header bytes; " +
                $"the stack uses LSO only up to {LargeSendOffloadLimits.MaxHeaderLength}.", nameof(packet));
        }

        var framed = new byte[tcpOffset + tcpLength + padLength];
        packet[..espOffset].CopyTo(framed);
        framed[plain.NextHeaderOffset] = IpProtocol.Esp;
        // wire-formats §1.5: only SN_low is transmitted.
        new EspHeader { Spi = sa.Spi, SequenceNumber = unchecked((uint)sa.SequenceNumber) }.Write(framed.AsSpan(espOffset));
        sa.Iv.Span.CopyTo(framed.AsSpan(espOffset + EspFixedLength));
        packet[espOffset..].CopyTo(framed.AsSpan(tcpOffset));
        EspTrailer.WriteDefaultPadding(framed.AsSpan(tcpOffset + tcpLength, padLength));
        BinaryPrimitives.WriteUInt16BigEndian(framed.AsSpan(tcpOffset + TcpHeader.ChecksumOffset), (ushort)PseudoHeaderPartialSum(framed, plain.IsIPv6));
        WriteLengths(framed, plain, version);
        return new LsoFramedPacket(framed, plain.IsIPv6, version, mss, espOffset, tcpOffset, plain.TcpHeaderLength, linkHeaderLength,
            (byte)padLength, IpProtocol.Tcp, tcpLength - plain.TcpHeaderLength, sa.SequenceNumber);
    }

    /// <summary>
    /// The TCP pseudo-header sum the transport leaves in the checksum field of an LSO packet: source,
    /// destination and protocol 6 with a zero TCP length, folded to 16 bits, not complemented (SEND-18).
    /// <paramref name="ipPacket"/> starts at the IP header.
    /// </summary>
    internal static uint PseudoHeaderPartialSum(ReadOnlySpan<byte> ipPacket, bool ipv6) => ipv6
        ? InternetChecksum.PseudoHeaderSumIPv6(ipPacket.Slice(IPv6Header.SourceOffset, IPv6Header.AddressLength),
            ipPacket.Slice(IPv6Header.DestinationOffset, IPv6Header.AddressLength), IpProtocol.Tcp, 0)
        : InternetChecksum.PseudoHeaderSumIPv4(BinaryPrimitives.ReadUInt32BigEndian(ipPacket[IPv4Header.SourceOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(ipPacket[IPv4Header.DestinationOffset..]), IpProtocol.Tcp, 0);

    private static void WriteLengths(byte[] framed, in PlainLayout plain, LargeSendOffloadType version)
    {
        bool v1 = version == LargeSendOffloadType.V1;
        if (plain.IsIPv6)
        {
            // SEND-18: LSOv2 takes the length from the NB; the IPv6 Payload Length is 0.
            ushort payloadLength = v1 ? PacketFramer.CheckedLength(framed.Length - IPv6Header.Length, "LSOv1 IPv6 Payload Length") : (ushort)0;
            BinaryPrimitives.WriteUInt16BigEndian(framed.AsSpan(IPv6Header.PayloadLengthOffset), payloadLength);
            return;
        }

        // SEND-18: LSOv2 takes the length from the NB; the IPv4 Total Length is 0.
        ushort totalLength = v1 ? PacketFramer.CheckedLength(framed.Length, "LSOv1 IPv4 Total Length") : (ushort)0;
        BinaryPrimitives.WriteUInt16BigEndian(framed.AsSpan(IPv4Header.TotalLengthOffset), totalLength);
        IPv4Header.WriteChecksum(framed.AsSpan(0, plain.IpHeaderLength));
    }

    private readonly record struct PlainLayout(bool IsIPv6, int IpHeaderLength, int TcpOffset, int NextHeaderOffset, int TcpHeaderLength);

    private static PlainLayout LocatePlain(ReadOnlySpan<byte> packet)
    {
        int ipHeaderLength, insertion, nextHeaderOffset;
        byte protocol;
        bool ipv6 = packet.Length > 0 && packet[0] >> 4 == 6;
        if (ipv6)
        {
            if (!IPv6ExtensionChain.TryWalk(packet, out IPv6ExtensionChain chain, out WireFault fault))
            {
                throw new ArgumentException($"The IPv6 packet does not parse: {fault.Field} {fault.Message}.", nameof(packet));
            }

            int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[IPv6Header.PayloadLengthOffset..]);
            if (payloadLength + IPv6Header.Length != packet.Length)
            {
                throw new ArgumentException($"IPv6 Payload Length {payloadLength} + 40 disagrees with the {packet.Length}-byte packet.", nameof(packet));
            }

            foreach (IPv6ExtensionHeaderInfo header in chain.Headers)
            {
                if (header.Type is IpProtocol.Fragment or IpProtocol.Routing)
                {
                    throw new ArgumentException(
                        $"The IPv6 packet has a {(header.Type == IpProtocol.Fragment ? "Fragment" : "Routing")} header at 0x{header.Offset:x2}; the stack never uses LSO for it.", nameof(packet));
                }
            }

            ipHeaderLength = IPv6Header.Length;
            insertion = chain.InsertionOffset;
            nextHeaderOffset = chain.InsertionNextHeaderOffset;
            // A Destination Options header behind the insertion point would sit between ESP and TCP.
            protocol = insertion == chain.UpperLayerOffset ? chain.UpperLayerProtocol : IpProtocol.DestinationOptions;
        }
        else
        {
            if (!IPv4Header.TryRead(packet, out IPv4Header header, out WireFault fault))
            {
                throw new ArgumentException($"The IPv4 packet does not parse: {fault.Field} {fault.Message}.", nameof(packet));
            }

            if (header.TotalLength != packet.Length)
            {
                throw new ArgumentException($"IPv4 Total Length {header.TotalLength} disagrees with the {packet.Length}-byte packet.", nameof(packet));
            }

            if (header.IsFragment)
            {
                throw new ArgumentException($"The IPv4 packet is a fragment (offset {header.FragmentOffset}, flags {header.Flags}); the stack never uses LSO for it.", nameof(packet));
            }

            ipHeaderLength = header.HeaderLength;
            insertion = header.HeaderLength;
            nextHeaderOffset = IPv4Header.ProtocolOffset;
            protocol = header.Protocol;
        }

        if (protocol != IpProtocol.Tcp)
        {
            throw new ArgumentException($"LSO needs TCP right after the ESP insertion point 0x{insertion:x2}; found protocol {protocol}.", nameof(packet));
        }

        if (!TcpHeader.TryRead(packet[insertion..], out TcpHeader tcp, out WireFault tcpFault))
        {
            throw new ArgumentException($"The TCP header at 0x{insertion:x2} does not parse: {tcpFault.Field} {tcpFault.Message}.", nameof(packet));
        }

        return new PlainLayout(ipv6, ipHeaderLength, insertion, nextHeaderOffset, tcp.HeaderLength);
    }
}
