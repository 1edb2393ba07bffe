using System.Buffers.Binary;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// What the Windows TCP/IP transport does to a packet before it hands it to an IPsec-offload NIC
/// (SEND-10; ARCHITECTURE §4 defaults for AMB-01/02/07): inserts the ESP/AH headers with SPI and the
/// low half of the sequence number, places the IV, appends the RFC 4303 default padding, pad length,
/// next header and a zero ICV placeholder, zeroes the AH ICV field, builds tunnel outer headers and
/// UDP-ESP headers (checksum 0), and finalises IP lengths and IPv4 header checksums. The payload
/// stays in clear text; the NIC (<see cref="OutboundProcessor"/>) encrypts and writes the ICVs.
/// </summary>
public static class PacketFramer
{
    private const int EspFixedLength = EspHeader.Length, UdpLength = UdpHeader.Length;

    /// <summary>
    /// Frames <paramref name="packet"/> (one IP datagram: IPv4 with options or IPv6 with extension
    /// headers; its length field must match the span) through <paramref name="bundle"/> (the
    /// <c>OffloadHandle</c> SAs in <c>SecAssoc[]</c> order: ESP, AH, or ESP then AH) and then through
    /// <paramref name="tunnelBundle"/> (the <c>TunnelHandle</c> SAs of transport-over-tunnel, each
    /// with a <see cref="FramingSa.Tunnel"/> on its first SA).
    /// </summary>
    /// <exception cref="ArgumentException">The packet does not parse, its length disagrees with the span, a bundle is not ESP / AH / ESP+AH, AH is given UDP encapsulation, or a length overflows its field; the message has the numbers.</exception>
    public static FramedPacket Frame(ReadOnlySpan<byte> packet, IReadOnlyList<FramingSa> bundle, IReadOnlyList<FramingSa>? tunnelBundle = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        CheckBundle(bundle, nameof(bundle));
        if (tunnelBundle is not null)
        {
            CheckBundle(tunnelBundle, nameof(tunnelBundle));
            if (tunnelBundle[0].Tunnel is null)
            {
                throw new ArgumentException("The tunnel bundle's first SA needs an outer header (FramingSa.Tunnel).", nameof(tunnelBundle));
            }
        }

        byte[] current = packet.ToArray();
        _ = Locate(current);
        var headers = new List<FramedHeader>();
        foreach (FramingSa sa in bundle)
        {
            current = Apply(current, sa, headers, inOffloadBundle: true);
        }

        foreach (FramingSa sa in tunnelBundle ?? [])
        {
            current = Apply(current, sa, headers, inOffloadBundle: false);
        }

        return new FramedPacket(current, headers);
    }

    internal static ushort CheckedLength(int length, string field) =>
        length is >= 0 and <= ushort.MaxValue
            ? (ushort)length
            : throw new ArgumentException($"{field} would be {length}, above 65535.", nameof(length));

    private static void CheckBundle(IReadOnlyList<FramingSa> bundle, string parameter)
    {
        bool ok = bundle.Count switch
        {
            1 => true,
            2 => bundle[0].Protocol == IpsecProtocol.Esp && bundle[1].Protocol == IpsecProtocol.Ah && bundle[1].Tunnel is null,
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException(
                $"A bundle is [ESP], [AH] or [ESP, AH] with AH in transport mode (SEND-11); got [{string.Join(", ", bundle.Select(s => s.Protocol))}].",
                parameter);
        }

        foreach (FramingSa sa in bundle)
        {
            if (sa.Protocol == IpsecProtocol.Ah && sa.UdpEncapsulation is not null)
            {
                throw new ArgumentException($"AH SA 0x{sa.Spi:x8} cannot be UDP-encapsulated (RFC 3948 covers ESP only).", parameter);
            }

            if (sa.IcvLength < 0 || sa.EspPadAlignment is < 1 or > 256)
            {
                throw new ArgumentException($"SA 0x{sa.Spi:x8}: ICV length {sa.IcvLength} and pad alignment {sa.EspPadAlignment} must be ≥ 0 and 1..256.", parameter);
            }
        }
    }

    private static byte[] Apply(byte[] current, FramingSa sa, List<FramedHeader> headers, bool inOffloadBundle)
    {
        IpLocation ip = Locate(current);
        byte[] result;
        int insertAt, shift;
        if (sa.Tunnel is { } tunnel)
        {
            byte innerProtocol = ip.IsIPv6 ? IpProtocol.IPv6 : IpProtocol.IPv4;
            int outerLength = tunnel.Length;
            (result, shift) = Encapsulate(current, current, sa, innerProtocol, outerLength, tunnel.IsIPv6, headers, inOffloadBundle, isTunnel: true);
            byte protocol = OuterProtocol(sa);
            tunnel.Write(result, protocol, result.Length);
            insertAt = 0;
        }
        else
        {
            byte nextHeader = current[ip.NextHeaderOffset];
            (result, shift) = Encapsulate(current.AsSpan(0, ip.InsertionOffset), current.AsSpan(ip.InsertionOffset), sa, nextHeader,
                ip.InsertionOffset, ip.IsIPv6, headers, inOffloadBundle, isTunnel: false);
            result[ip.NextHeaderOffset] = OuterProtocol(sa);
            FixLengths(result, ip.IsIPv6, ip.HeaderLength);
            insertAt = ip.InsertionOffset;
        }

        // Headers recorded by earlier SAs moved with the payload they sit in.
        int added = headers.Count - 1;
        for (int i = 0; i < added; i++)
        {
            if (headers[i].Offset >= insertAt)
            {
                headers[i] = headers[i].Shift(shift);
            }
        }

        return result;
    }

    private static byte OuterProtocol(FramingSa sa) =>
        sa.Protocol == IpsecProtocol.Ah ? IpProtocol.Ah : sa.UdpEncapsulation is null ? IpProtocol.Esp : IpProtocol.Udp;

    /// <summary>
    /// Builds prefix ‖ [UDP] ‖ ESP ‖ IV ‖ payload ‖ trailer ‖ ICV zeros, or prefix ‖ AH ‖ payload, where the
    /// prefix is copied from <paramref name="prefix"/> (transport) or left for the outer header (tunnel).
    /// Returns the buffer and how far the payload moved (it started at 0 for tunnel mode, at the prefix end for transport).
    /// </summary>
    private static (byte[] Packet, int Shift) Encapsulate(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload, FramingSa sa,
        byte nextHeader, int prefixLength, bool ipv6, List<FramedHeader> headers, bool inOffloadBundle, bool isTunnel)
    {
        int ivLength = sa.Iv.Length;
        uint snLow = unchecked((uint)sa.SequenceNumber); // wire-formats §1.5: only SN_low is transmitted
        if (sa.Protocol == IpsecProtocol.Esp)
        {
            int udp = sa.UdpEncapsulation is null ? 0 : UdpLength;
            int padLength = EspTrailer.MinimalPadLength(payload.Length, sa.EspPadAlignment);
            int espOffset = prefixLength + udp;
            int dataOffset = espOffset + EspFixedLength + ivLength;
            int protectedLength = payload.Length + padLength + EspTrailer.FixedLength;
            int icvOffset = dataOffset + protectedLength;
            var packet = new byte[icvOffset + sa.IcvLength];
            if (!isTunnel)
            {
                prefix.CopyTo(packet);
            }

            if (sa.UdpEncapsulation is { } ports)
            {
                new UdpHeader
                {
                    SourcePort = ports.SourcePort,
                    DestinationPort = ports.DestinationPort,
                    DatagramLength = CheckedLength(packet.Length - prefixLength, "UDP Length"),
                    Checksum = 0, // RFC 3948 §2.1 (IPv4); IPv6: the NIC completes it after encryption (AMB-32)
                }.Write(packet.AsSpan(prefixLength));
            }

            new EspHeader { Spi = sa.Spi, SequenceNumber = snLow }.Write(packet.AsSpan(espOffset));
            sa.Iv.Span.CopyTo(packet.AsSpan(espOffset + EspFixedLength));
            payload.CopyTo(packet.AsSpan(dataOffset));
            int padOffset = dataOffset + payload.Length;
            EspTrailer.WriteDefaultPadding(packet.AsSpan(padOffset, padLength));
            packet[padOffset + padLength] = (byte)padLength;
            packet[padOffset + padLength + 1] = nextHeader;
            headers.Add(new FramedHeader(IpsecProtocol.Esp, sa.Spi, espOffset, udp == 0 ? -1 : prefixLength,
                espOffset + EspFixedLength, ivLength, dataOffset, protectedLength, icvOffset, sa.IcvLength, isTunnel, inOffloadBundle));
            return (packet, dataOffset - (isTunnel ? 0 : prefixLength));
        }

        int ahLength = AhHeader.LengthFor(sa.IcvLength, ivLength, ipv6);
        var ahPacket = new byte[prefixLength + ahLength + payload.Length];
        if (!isTunnel)
        {
            prefix.CopyTo(ahPacket);
        }

        // The ICV field and its padding stay zero (wire-formats §2.1, §2.2 step 1).
        new AhHeader
        {
            NextHeader = nextHeader,
            Spi = sa.Spi,
            SequenceNumber = snLow,
            IcvAndPadding = new byte[ahLength - AhHeader.FixedLength],
        }.Write(ahPacket.AsSpan(prefixLength));
        sa.Iv.Span.CopyTo(ahPacket.AsSpan(prefixLength + AhHeader.FixedLength));
        payload.CopyTo(ahPacket.AsSpan(prefixLength + ahLength));
        headers.Add(new FramedHeader(IpsecProtocol.Ah, sa.Spi, prefixLength, -1, prefixLength + AhHeader.FixedLength, ivLength,
            0, ahPacket.Length, prefixLength + AhHeader.FixedLength + ivLength, sa.IcvLength, isTunnel, inOffloadBundle));
        return (ahPacket, ahLength + (isTunnel ? prefixLength : 0));
    }

    private static void FixLengths(byte[] packet, bool ipv6, int headerLength)
    {
        if (ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv6Header.PayloadLengthOffset),
                CheckedLength(packet.Length - IPv6Header.Length, "IPv6 Payload Length"));
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv4Header.TotalLengthOffset), CheckedLength(packet.Length, "IPv4 Total Length"));
        IPv4Header.WriteChecksum(packet.AsSpan(0, headerLength));
    }

    private readonly record struct IpLocation(bool IsIPv6, int HeaderLength, int InsertionOffset, int NextHeaderOffset);

    private static IpLocation Locate(byte[] packet)
    {
        if (packet.Length > 0 && packet[0] >> 4 == 6)
        {
            if (!IPv6ExtensionChain.TryWalk(packet, out IPv6ExtensionChain chain, out WireFault fault))
            {
                throw new ArgumentException($"The IPv6 packet does not parse: {fault.Field} {fault.Message}.", nameof(packet));
            }

            int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(IPv6Header.PayloadLengthOffset));
            if (payloadLength + IPv6Header.Length != packet.Length)
            {
                throw new ArgumentException(
                    $"IPv6 Payload Length {payloadLength} + 40 disagrees with the {packet.Length}-byte packet.", nameof(packet));
            }

            return new IpLocation(true, IPv6Header.Length, chain.InsertionOffset, chain.InsertionNextHeaderOffset);
        }

        if (!IPv4Header.TryRead(packet, out IPv4Header header, out WireFault v4Fault))
        {
            throw new ArgumentException($"The IPv4 packet does not parse: {v4Fault.Field} {v4Fault.Message}.", nameof(packet));
        }

        if (header.TotalLength != packet.Length)
        {
            throw new ArgumentException($"IPv4 Total Length {header.TotalLength} disagrees with the {packet.Length}-byte packet.", nameof(packet));
        }

        return new IpLocation(false, header.HeaderLength, header.HeaderLength, IPv4Header.ProtocolOffset);
    }
}
