using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// What an IPsec-offload v2 NIC with LSO does with a large TCP packet on a transport-mode ESP SA
/// (SEND-07, SEND-14…SEND-20; ARCHITECTURE §4 defaults for AMB-03…AMB-06): it drops the
/// <c>PadLength</c> pad bytes, cuts the payload into MSS-sized pieces, builds each piece as a plain TCP
/// segment (wire-formats §5.1) and protects it as a complete ESP packet (§5.2) with
/// <list type="bullet">
/// <item>ESP SN = first SN + k (64-bit: SN_low from the ESP header, SN_high from the SA; the low half
/// carries into the high half with ESN; a non-ESN SA whose 32-bit counter would wrap is refused);</item>
/// <item>IV: segment 0 keeps the IV the transport placed (AMB-01); segment k ≥ 1 gets
/// <see cref="LsoSegmentIv"/> (GCM/GMAC: the 64-bit SN of segment k; CBC: the SA's cipher applied to
/// that SN, NIST SP 800-38A App. C);</item>
/// <item>RFC 4303 minimal padding 1, 2, 3, … for that segment, Pad Length, Next Header from the OOB;</item>
/// <item>encryption and ICV through <see cref="PacketFramer"/> + <see cref="OutboundProcessor"/>,
/// the same code that reproduces the published non-LSO vectors.</item>
/// </list>
/// </summary>
public static class LsoSegmenter
{
    private const string HeaderOob = "NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO";
    private const int EspFixedLength = EspHeader.Length;
    private const byte NotFirstClears = (byte)TcpFlags.Cwr, NotLastClears = (byte)(TcpFlags.Fin | TcpFlags.Psh);

    // The LSO page (SEND-18): LSOv2 IP IDs wrap within 15 bits, 0x0000–0x7FFF.
    private const ushort IdWrapMask = 0x7F_FF, IdHalfMask = 0x80_00;

    /// <summary>
    /// Segments and protects <paramref name="packet"/> (the NB data from the IP header on) for the ESP SA
    /// <paramref name="sa"/>. On success <paramref name="result"/> holds every segment (each a complete
    /// IP datagram, starting at the IP header) and the completion value; otherwise <paramref name="error"/>
    /// holds the status the miniport completes the NBL with (<see cref="NdisStatus.InvalidLength"/> for
    /// lengths, <see cref="NdisStatus.Failure"/> otherwise, both allowed by SEND-21) and a message with
    /// the numbers. Nothing is emitted for a refused packet. The SA's state is left unchanged.
    /// </summary>
    public static bool TrySegment(ReadOnlySpan<byte> packet, SaTransform sa, LsoRequest request,
        [NotNullWhen(true)] out LsoSegmentation? result, [NotNullWhen(false)] out NdisError? error)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(request);
        result = null;
        error = Validate(packet, sa, request, out Layout layout);
        if (error is not null)
        {
            return false;
        }

        var segments = new byte[layout.SegmentCount][];
        uint originalHigh = sa.SequenceNumberHigh;
        try
        {
            for (int k = 0; k < layout.SegmentCount; k++)
            {
                byte[] plain = BuildPlainSegment(packet, layout, request, k);
                ulong sequenceNumber = layout.FirstSequenceNumber + (ulong)k;
                byte[] iv = k == 0
                    ? packet.Slice(layout.EspOffset + EspFixedLength, layout.IvLength).ToArray()
                    : LsoSegmentIv.Derive(sa, sequenceNumber);
                FramedPacket framed = PacketFramer.Frame(plain, [new FramingSa
                {
                    Protocol = IpsecProtocol.Esp,
                    Spi = sa.Spi,
                    SequenceNumber = sequenceNumber,
                    Iv = iv,
                    IcvLength = sa.IcvLength,
                    EspPadAlignment = sa.EspPadAlignment,
                }]);
                if (framed.EspHeaderOffset != layout.EspOffset)
                {
                    error = new NdisError(NdisStatus.Failure, $"{HeaderOob}.EspHeaderOffset",
                        $"ESP at 0x{layout.EspOffset:x2} is not where RFC 4303 §3.1.1 puts it in the segment (0x{framed.EspHeaderOffset:x2}); the extension headers are out of order");
                    return false;
                }

                // OutboundProcessor takes SN_high from the SA. Segments past a low-half wrap carry the
                // next high half (RFC 4303 §2.2.1); the NIC does not keep the carry: the transport owns
                // SequenceNumberHighOrder through UPDATE_SA (AMB-14), so the SA is restored below.
                sa.SequenceNumberHigh = sa.ExtendedSequenceNumbers ? (uint)(sequenceNumber >> 32) : originalHigh;
                error = OutboundProcessor.Process(framed.Packet, new OutboundRequest([sa], layout.IsIPv6, framed.V2HeaderInfo));
                if (error is not null)
                {
                    return false;
                }

                segments[k] = framed.Packet;
            }
        }
        finally
        {
            sa.SequenceNumberHigh = originalHigh;
        }

        result = new LsoSegmentation(segments, request.Version, layout.PayloadLength, layout.FirstSequenceNumber);
        return true;
    }

    /// <summary>Where everything is in the large packet, and how it is cut.</summary>
    private readonly record struct Layout(bool IsIPv6, int IpHeaderLength, int EspOffset, int NextHeaderOffset, int IvLength,
        int TcpOffset, int TcpHeaderLength, int PayloadLength, int SegmentCount, ulong FirstSequenceNumber);

    private static NdisError? Validate(ReadOnlySpan<byte> packet, SaTransform sa, LsoRequest request, out Layout layout)
    {
        layout = default;
        if (request.TunnelHandlePresent)
        {
            return new NdisError(NdisStatus.Failure, "NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO.TunnelHandle",
                "is non-zero on an LSO NBL; IPsec never combines LSO with tunnel packets (SEND-16), so the NIC refuses it");
        }

        if (sa.Protocol != IpsecProtocol.Esp)
        {
            return new NdisError(NdisStatus.Failure, "NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO.OffloadHandle",
                $"names {sa.Protocol} SA 0x{sa.Spi:x8}; this NIC segments ESP only and claims no LSO with AH");
        }

        if (request.Mss == 0)
        {
            return new NdisError(NdisStatus.Failure, $"{request.LsoName}.MSS", "is 0; an LSO NBL needs an MSS of at least 1");
        }

        if (packet.IsEmpty)
        {
            return new NdisError(NdisStatus.InvalidLength, "IP.Version", "the LSO packet is empty");
        }

        int version = packet[0] >> 4;
        if (version is not (4 or 6))
        {
            return new NdisError(NdisStatus.Failure, "IP.Version", $"the LSO packet has IP version {version}, expected 4 or 6");
        }

        bool ipv6 = version == 6;
        if (ipv6 != request.IsIPv6Sa)
        {
            return new NdisError(NdisStatus.Failure, "IP.Version", $"IPv{version} packet on an IPv{(request.IsIPv6Sa ? 6 : 4)} SA (SPI 0x{sa.Spi:x8})");
        }

        if (request.Version == LargeSendOffloadType.V2 && (request.IPVersion == LargeSendOffloadIPVersion.IPv6) != ipv6)
        {
            return new NdisError(NdisStatus.Failure, $"{request.LsoName}.IPVersion",
                $"says IPv{(request.IPVersion == LargeSendOffloadIPVersion.IPv6 ? 6 : 4)}, the packet is IPv{version}");
        }

        NdisError? error = ipv6
            ? LocateIPv6(packet, request, out int ipHeaderLength, out int espOffset, out int nextHeaderOffset)
            : LocateIPv4(packet, request, out ipHeaderLength, out espOffset, out nextHeaderOffset);
        if (error is not null)
        {
            return error;
        }

        IPsecOffloadV2HeaderTransmit oob = request.HeaderInfo;
        if (oob.AhHeaderOffset != 0)
        {
            return new NdisError(NdisStatus.Failure, $"{HeaderOob}.AhHeaderOffset",
                $"is {oob.AhHeaderOffset} ({oob.AhHeaderOffsetBytes} bytes) but the OffloadHandle names ESP SA 0x{sa.Spi:x8} alone");
        }

        if (oob.EspHeaderOffsetBytes != espOffset)
        {
            return new NdisError(NdisStatus.Failure, $"{HeaderOob}.EspHeaderOffset",
                $"{oob.EspHeaderOffset} × 4 = {oob.EspHeaderOffsetBytes} bytes is not on the ESP header; the packet's ESP header is at 0x{espOffset:x2} ({espOffset} bytes)");
        }

        int ivLength = sa.IvLength;
        int tcpOffset = espOffset + EspFixedLength + ivLength;
        if (packet.Length < tcpOffset)
        {
            return new NdisError(NdisStatus.InvalidLength, "ESP.Iv",
                $"ESP header at 0x{espOffset:x2} with a {ivLength}-byte IV needs {tcpOffset - espOffset} bytes, the NB has {packet.Length - espOffset}");
        }

        uint spi = BinaryPrimitives.ReadUInt32BigEndian(packet[(espOffset + EspHeader.SpiOffset)..]);
        if (spi != sa.Spi)
        {
            return new NdisError(NdisStatus.Failure, "ESP.Spi", $"ESP header at 0x{espOffset:x2} carries SPI 0x{spi:x8}; the OffloadHandle SA's SPI is 0x{sa.Spi:x8}");
        }

        if (oob.NextHeader != IpProtocol.Tcp)
        {
            return new NdisError(NdisStatus.Failure, $"{HeaderOob}.NextHeader",
                $"is {oob.NextHeader}; LSO segments TCP only (next header 6)");
        }

        long tcpInFrame = (long)request.TcpHeaderOffset - request.LinkHeaderLength;
        if (tcpInFrame != tcpOffset)
        {
            return new NdisError(NdisStatus.Failure, $"{request.LsoName}.TcpHeaderOffset",
                $"is {request.TcpHeaderOffset} (IP offset {tcpInFrame} after the {request.LinkHeaderLength}-byte link header), not on the TCP header: " +
                $"ESP at 0x{espOffset:x2} + 8 + IV {ivLength} puts it at {tcpOffset} (frame offset {tcpOffset + request.LinkHeaderLength})");
        }

        if (!TcpHeader.TryRead(packet[tcpOffset..], out TcpHeader tcp, out WireFault tcpFault))
        {
            return tcpFault.ToNdisError("TCP header", tcpOffset);
        }

        int headersEnd = request.LinkHeaderLength + tcpOffset + tcp.HeaderLength;
        if (request.FirstMdlLength is { } firstMdl && firstMdl < headersEnd)
        {
            return new NdisError(NdisStatus.Failure, "MDL.ByteCount",
                $"the first MDL holds {firstMdl} bytes of the frame; with LSO every header up to the end of the TCP header ({headersEnd} bytes) must be in it (SEND-19)");
        }

        int trailing = packet.Length - tcpOffset - tcp.HeaderLength;
        if (oob.PadLength > trailing)
        {
            return new NdisError(NdisStatus.InvalidLength, $"{HeaderOob}.PadLength",
                $"is {oob.PadLength}, but only {trailing} bytes follow the TCP header (which ends at 0x{tcpOffset + tcp.HeaderLength:x2})");
        }

        int payload = trailing - oob.PadLength;
        int segmentCount = payload == 0 ? 1 : (int)((payload + (long)request.Mss - 1) / request.Mss);
        int firstPayload = (int)Math.Min(request.Mss, (uint)payload);
        int firstLength = SegmentLength(sa, tcpOffset, tcp.HeaderLength, firstPayload);
        if (firstLength > request.Mtu)
        {
            return new NdisError(NdisStatus.InvalidLength, $"{request.LsoName}.MSS",
                $"MSS {request.Mss}: a {firstPayload}-byte segment becomes a {firstLength}-byte IP datagram " +
                $"(headers {espOffset} + ESP 8 + IV {ivLength} + TCP {tcp.HeaderLength} + padding/trailer + ICV {sa.IcvLength}), above the MTU {request.Mtu}");
        }

        uint snLow = BinaryPrimitives.ReadUInt32BigEndian(packet[(espOffset + EspHeader.SequenceNumberOffset)..]);
        ulong first = sa.ExtendedSequenceNumbers ? ((ulong)sa.SequenceNumberHigh << 32) | snLow : snLow;
        ulong lastAllowed = sa.ExtendedSequenceNumbers ? ulong.MaxValue : uint.MaxValue;
        if (lastAllowed - first < (ulong)(segmentCount - 1))
        {
            return new NdisError(NdisStatus.Failure, "ESP.SequenceNumber",
                $"{segmentCount} segments from SN 0x{first:x} would pass 0x{lastAllowed:x}; " +
                (sa.ExtendedSequenceNumbers ? "the 64-bit ESN counter cannot wrap" : $"SA 0x{sa.Spi:x8} has no ESN, so its 32-bit counter must not wrap (RFC 4303 §3.3.3)"));
        }

        layout = new Layout(ipv6, ipHeaderLength, espOffset, nextHeaderOffset, ivLength, tcpOffset, tcp.HeaderLength, payload, segmentCount, first);
        return null;
    }

    private static int SegmentLength(SaTransform sa, int tcpOffset, int tcpHeaderLength, int payload)
    {
        int espPayload = tcpHeaderLength + payload;
        return tcpOffset + espPayload + EspTrailer.MinimalPadLength(espPayload, sa.EspPadAlignment) + EspTrailer.FixedLength + sa.IcvLength;
    }

    private static NdisError? LocateIPv4(ReadOnlySpan<byte> packet, LsoRequest request, out int headerLength, out int espOffset, out int nextHeaderOffset)
    {
        headerLength = espOffset = 0;
        nextHeaderOffset = IPv4Header.ProtocolOffset;
        if (!IPv4Header.TryRead(packet, out IPv4Header header, out WireFault fault))
        {
            return fault.ToNdisError("IPv4 header", 0);
        }

        // SEND-18: LSOv1 takes the datagram length from the IP header; LSOv2 from the NB (the field is 0).
        if (request.Version == LargeSendOffloadType.V1 && header.TotalLength != packet.Length)
        {
            return new NdisError(NdisStatus.InvalidLength, "IPv4.TotalLength",
                $"LSOv1: IPv4 Total Length {header.TotalLength} disagrees with the {packet.Length}-byte NB (the length counts the pad bytes)");
        }

        if (header.IsFragment)
        {
            return new NdisError(NdisStatus.Failure, "IPv4.FlagsFragmentOffset",
                $"the LSO packet is a fragment (offset {header.FragmentOffset}, flags {header.Flags})");
        }

        if (header.Protocol != IpProtocol.Esp)
        {
            return new NdisError(NdisStatus.Failure, "IPv4.Protocol", $"is {header.Protocol}; an IPsec LSO packet carries ESP (50) after the IPv4 header");
        }

        headerLength = espOffset = header.HeaderLength;
        return null;
    }

    private static NdisError? LocateIPv6(ReadOnlySpan<byte> packet, LsoRequest request, out int headerLength, out int espOffset, out int nextHeaderOffset)
    {
        headerLength = IPv6Header.Length;
        espOffset = 0;
        nextHeaderOffset = IPv6Header.NextHeaderOffset;
        if (packet.Length < IPv6Header.Length)
        {
            return new NdisError(NdisStatus.InvalidLength, "IPv6.PayloadLength", $"the IPv6 header needs 40 bytes, the NB has {packet.Length}");
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[IPv6Header.PayloadLengthOffset..]);
        if (request.Version == LargeSendOffloadType.V1 && payloadLength + IPv6Header.Length != packet.Length)
        {
            return new NdisError(NdisStatus.InvalidLength, "IPv6.PayloadLength",
                $"LSOv1: IPv6 Payload Length {payloadLength} + 40 disagrees with the {packet.Length}-byte NB (the length counts the pad bytes)");
        }

        if (!IPv6ExtensionChain.TryWalk(packet, out IPv6ExtensionChain chain, out WireFault fault))
        {
            return fault.ToNdisError("IPv6 extension header", 0);
        }

        if (chain.IsFragment || chain.Headers.Any(h => h.Type == IpProtocol.Fragment))
        {
            return new NdisError(NdisStatus.Failure, "IPv6.Fragment", "the LSO packet carries a Fragment header");
        }

        if (chain.UpperLayerProtocol != IpProtocol.Esp)
        {
            return new NdisError(NdisStatus.Failure, "IPv6.NextHeader",
                $"the header chain ends with protocol {chain.UpperLayerProtocol} at 0x{chain.UpperLayerOffset:x2}; an IPsec LSO packet carries ESP (50)");
        }

        espOffset = chain.UpperLayerOffset;
        if (chain.Headers.Length > 0)
        {
            nextHeaderOffset = chain.Headers[^1].Offset;
        }

        return null;
    }

    private static byte[] BuildPlainSegment(ReadOnlySpan<byte> packet, in Layout layout, LsoRequest request, int k)
    {
        int mss = (int)request.Mss;
        int payloadStart = k * mss;
        int payload = Math.Min(mss, layout.PayloadLength - payloadStart);
        if (payload < 0)
        {
            payload = 0;
        }

        int tcpStart = layout.EspOffset;
        int tcpLength = layout.TcpHeaderLength + payload;
        var plain = new byte[tcpStart + tcpLength];
        packet[..layout.EspOffset].CopyTo(plain);
        plain[layout.NextHeaderOffset] = request.HeaderInfo.NextHeader;
        packet.Slice(layout.TcpOffset, layout.TcpHeaderLength).CopyTo(plain.AsSpan(tcpStart));
        packet.Slice(layout.TcpOffset + layout.TcpHeaderLength + payloadStart, payload).CopyTo(plain.AsSpan(tcpStart + layout.TcpHeaderLength));

        Span<byte> ip = plain.AsSpan(0, layout.IpHeaderLength);
        if (layout.IsIPv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[IPv6Header.PayloadLengthOffset..], (ushort)(plain.Length - IPv6Header.Length));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[IPv4Header.TotalLengthOffset..], (ushort)plain.Length);
            ushort id0 = BinaryPrimitives.ReadUInt16BigEndian(ip[IPv4Header.IdentificationOffset..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[IPv4Header.IdentificationOffset..], SegmentId(id0, k, request.Version));
            IPv4Header.WriteChecksum(ip);
        }

        Span<byte> tcp = plain.AsSpan(tcpStart, tcpLength);
        uint sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[TcpHeader.SequenceNumberOffset..]);
        // RFC 9293 §3.4: sequence numbers are modulo 2^32.
        BinaryPrimitives.WriteUInt32BigEndian(tcp[TcpHeader.SequenceNumberOffset..], unchecked(sequence + (uint)payloadStart));
        // wire-formats §5.1 / SEND-18: CWR on the first segment only, FIN and PSH on the last only.
        if (k > 0)
        {
            tcp[TcpHeader.FlagsOffset] &= unchecked((byte)~NotFirstClears);
        }

        if (k < layout.SegmentCount - 1)
        {
            tcp[TcpHeader.FlagsOffset] &= unchecked((byte)~NotLastClears);
        }

        // SEND-18: the field holds the transport's pseudo-header partial sum (length 0); extend it by this
        // segment's TCP length and sum the segment, the field itself excluded.
        uint partial = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..]);
        ushort checksum = TcpHeader.ComputeChecksum(InternetChecksum.Combine(partial, (uint)tcpLength), tcp);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], checksum);
        return plain;
    }

    /// <summary>IPv4 Identification of segment <paramref name="k"/> (SEND-18, wire-formats §5.1).</summary>
    internal static ushort SegmentId(ushort firstId, int k, LargeSendOffloadType version)
    {
        // LSOv1: ID + k modulo 2^16. LSOv2: the low 15 bits count and wrap 0x7FFF → 0x0000; the top bit
        // stays as the transport set it (docs/decisions/lso-bad-input.md).
        ushort next = unchecked((ushort)(firstId + k));
        return version == LargeSendOffloadType.V1
            ? next
            : (ushort)((firstId & IdHalfMask) | (next & IdWrapMask));
    }
}
