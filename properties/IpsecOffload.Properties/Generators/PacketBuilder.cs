using System.Buffers.Binary;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Properties.Generators;

/// <summary>
/// Builds the plaintext IP packet of a draw, valid by construction: IPv4 (with NOP/EOL options, DF set, header
/// checksum) or IPv6 (with Hop-by-Hop and Destination Options headers of PadN), then UDP, TCP (12 bytes of
/// options) or an ICMP/ICMPv6 echo request, lengths and checksums right. Every multi-byte field (addresses,
/// ports, identification, TCP sequence and acknowledgment numbers, ICMP identifier) is full range with every
/// byte non-zero, drawn from the packet's seed; the same seed gives the same bytes.
/// </summary>
public static class PacketBuilder
{
    // IPv4 header (RFC 791 §3.1): Version/IHL @0 | TOS @1 | Total Length @2 | Identification @4 | Flags/Fragment @6 |
    // TTL @8 (Identification @4 stays full range from the seed) | Protocol @9 | Header Checksum @10 | Source @12 | Destination @16 | Options @20.
    private const int V4Length = 20, V4TotalLength = 2, V4Flags = 6, V4Ttl = 8, V4Protocol = 9, V4Source = 12;

    // IPv6 header (RFC 8200 §3): Version/TC/Flow @0 | Payload Length @4 | Next Header @6 | Hop Limit @7 | Source @8 | Destination @24.
    private const int V6Length = 40, V6PayloadLength = 4, V6NextHeader = 6, V6HopLimit = 7, V6Source = 8, V6Destination = 24;

    // Options extension header (RFC 8200 §4.3): Next Header @0 | Hdr Ext Len @1 | PadN (type 1, length 4, 4 zero bytes).
    private const int ExtensionLength = 8;

    // UDP (RFC 768): ports @0 | Length @4 | Checksum @6. TCP (RFC 9293 §3.1): 20 bytes + 12 bytes of options.
    // ICMP echo (RFC 792 / RFC 4443 §4.1): Type @0 | Code @1 | Checksum @2 | Identifier @4 | Sequence @6.
    private const int UdpLength = 8, UdpLengthOffset = 4, UdpChecksumOffset = 6, TcpLength = 32, TcpChecksumOffset = 16, IcmpLength = 8, IcmpChecksumOffset = 2;

    /// <summary>Bytes of the IP and upper-layer headers of a packet of <paramref name="shape"/>.</summary>
    public static int HeaderLength(bool ipv6, PacketShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int ip = ipv6 ? V6Length + shape.Ipv6Extensions * ExtensionLength : V4Length + shape.Ipv4OptionWords * 4;
        return ip + UpperLength(shape.Upper);
    }

    /// <summary>The deterministic random source of a seed.</summary>
    public static Random RandomOf(ulong seed) => new(unchecked((int)(seed ^ (seed >> 32))) & int.MaxValue);

    /// <summary>The plaintext IP packet: <paramref name="payload"/> bytes of upper-layer payload behind the headers of <paramref name="shape"/> (TCP with <paramref name="tcpFlags"/>).</summary>
    public static byte[] Build(bool ipv6, PacketShape shape, int payload, ulong seed, TcpFlags tcpFlags = TcpFlags.Ack | TcpFlags.Psh)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Random random = RandomOf(seed);
        int upper = UpperLength(shape.Upper) + payload;
        int ipHeader = HeaderLength(ipv6, shape) - UpperLength(shape.Upper);
        byte[] packet = CaseKit.Bytes(random, ipHeader + upper);
        byte protocol = shape.Upper switch
        {
            UpperLayer.Tcp => IpProtocol.Tcp,
            UpperLayer.Udp => IpProtocol.Udp,
            _ => ipv6 ? IpProtocol.Icmpv6 : IpProtocol.Icmp,
        };
        uint pseudo;
        if (ipv6)
        {
            packet[0] = (byte)(0x60 | (packet[0] & 0x0F));
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(V6PayloadLength), checked((ushort)(packet.Length - V6Length)));
            packet[V6HopLimit] = Math.Max((byte)1, packet[V6HopLimit]);
            byte next = protocol;
            // Extension headers from the last to the first, so each names the one after it.
            for (int i = shape.Ipv6Extensions - 1; i >= 0; i--)
            {
                Span<byte> ext = packet.AsSpan(V6Length + i * ExtensionLength, ExtensionLength);
                ext.Clear();
                ext[0] = next;
                ext[2] = 1; // PadN (RFC 8200 §4.2), an option whose data does not change en route.
                ext[3] = 4;
                next = i == 0 ? IpProtocol.HopByHop : IpProtocol.DestinationOptions;
            }

            packet[V6NextHeader] = shape.Ipv6Extensions > 0 ? IpProtocol.HopByHop : protocol;
            if (shape.Ipv6Extensions == 2)
            {
                packet[V6Length] = IpProtocol.DestinationOptions;
            }

            pseudo = InternetChecksum.PseudoHeaderSumIPv6(packet.AsSpan(V6Source, 16), packet.AsSpan(V6Destination, 16), protocol, (uint)upper);
        }
        else
        {
            packet[0] = (byte)(0x40 | (ipHeader / 4));
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(V4TotalLength), checked((ushort)packet.Length));
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(V4Flags), 0x40_00); // DF, fragment offset 0
            packet[V4Ttl] = Math.Max((byte)1, packet[V4Ttl]);
            packet[V4Protocol] = protocol;
            if (shape.Ipv4OptionWords > 0)
            {
                // NOPs ending with End of Option List: options AH treats as immutable (RFC 4302 Appendix A.1).
                Span<byte> options = packet.AsSpan(V4Length, ipHeader - V4Length);
                options.Fill(1);
                options[^1] = 0;
            }

            IPv4Header.WriteChecksum(packet.AsSpan(0, ipHeader));
            pseudo = InternetChecksum.PseudoHeaderSumIPv4(BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(V4Source)),
                BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(V4Source + 4)), protocol, checked((ushort)upper));
        }

        Span<byte> l4 = packet.AsSpan(ipHeader);
        switch (shape.Upper)
        {
            case UpperLayer.Udp:
                BinaryPrimitives.WriteUInt16BigEndian(l4[UdpLengthOffset..], checked((ushort)upper));
                BinaryPrimitives.WriteUInt16BigEndian(l4[UdpChecksumOffset..], UdpHeader.ComputeChecksum(pseudo, l4));
                break;
            case UpperLayer.Tcp:
                l4[12] = (byte)(TcpLength / 4 << 4); // Data Offset 8 words, reserved 0
                l4[13] = (byte)tcpFlags;
                l4[18] = 0; // Urgent Pointer 0 (URG clear)
                l4[19] = 0;
                ReadOnlySpan<byte> options = [1, 1, 8, 10];
                options.CopyTo(l4[20..]);
                BinaryPrimitives.WriteUInt16BigEndian(l4[TcpChecksumOffset..], TcpHeader.ComputeChecksum(pseudo, l4));
                break;
            default:
                l4[0] = ipv6 ? (byte)128 : (byte)8; // Echo Request
                l4[1] = 0;
                ushort checksum = ipv6 ? Icmpv6Header.ComputeChecksum(pseudo, l4) : IcmpHeader.ComputeChecksum(l4);
                BinaryPrimitives.WriteUInt16BigEndian(l4[IcmpChecksumOffset..], checksum);
                break;
        }

        return packet;
    }

    private static int UpperLength(UpperLayer upper) => upper switch
    {
        UpperLayer.Udp => UdpLength,
        UpperLayer.Tcp => TcpLength,
        _ => IcmpLength,
    };
}
