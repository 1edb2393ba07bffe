using System.Buffers;
using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// What an IPsec-offload NIC does to a framed packet on send (SEND-09): encrypt each ESP payload in
/// place and write the ESP ICV into the placeholder, compute each AH ICV over the datagram with the
/// mutable fields zeroed, and (IPv6 UDP-ESP, AMB-32) complete the UDP checksum over the encrypted
/// bytes. Order: the <c>OffloadHandle</c> bundle (ESP, then AH; SEND-11), then the <c>TunnelHandle</c>
/// bundle (AMB-09). Headers are located from the v2 OOB offsets (checked against the packet) or, for
/// v1, by parsing (SEND-27).
/// <para>
/// Everything is validated before any byte changes, except malformed IPv4 options / IPv6 options
/// under AH, found while hashing. The caller (the reference miniport) works on a copy of the NB data,
/// so a failed packet is never sent. No allocation on success (AH's normalised copy is pooled).
/// </para>
/// <para>
/// ESP IVs (AMB-01): by default the IV the transport placed is used and left on the wire; with
/// <see cref="OutboundRequest.EspIv"/> = <see cref="EspIvSource.Device"/> each ESP SA's IV is first
/// overwritten with <see cref="EspDeviceIv"/> of the packet's full sequence number.
/// </para>
/// </summary>
public static class OutboundProcessor
{
    private const string OobName = "NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO";
    private const int EspFixedLength = EspHeader.Length, AhFixed = AhHeader.FixedLength, SnLength = 4;

    /// <summary>
    /// Processes <paramref name="packet"/> (one IP datagram starting at the outermost IP header, exactly
    /// as long as its IP length field says) in place. Returns null on success, or the error a miniport
    /// completes the NBL with (<see cref="NdisStatus.InvalidLength"/> for lengths that disagree,
    /// <see cref="NdisStatus.Failure"/> otherwise; both allowed by SEND-21) with the numbers in its message.
    /// </summary>
    public static NdisError? Process(Span<byte> packet, in OutboundRequest request)
    {
        if (request.Bundle is null)
        {
            throw new ArgumentException("The request has no SA bundle (default OutboundRequest).", nameof(request));
        }

        if (packet.IsEmpty)
        {
            return new NdisError(NdisStatus.InvalidLength, "IP.Version", "the packet is empty");
        }

        int version = packet[0] >> 4;
        if ((version == 6) != request.IsIPv6Sa && version is 4 or 6)
        {
            return new NdisError(NdisStatus.Failure, "IP.Version",
                $"IPv{version} packet on an IPv{(request.IsIPv6Sa ? 6 : 4)} SA (SPI 0x{request.Bundle[0].Spi:x8})");
        }

        NdisError? error;
        Level outer;
        Plan inner = default, tunnel = default;
        if (request.TunnelBundle is { } tunnelBundle)
        {
            if ((error = Walk(packet, 0, packet.Length, isOuter: true, out outer)) is not null
                || (error = Match(packet, outer, tunnelBundle, null, "TunnelHandle", out tunnel)) is not null)
            {
                return error;
            }

            int innerStart, innerLimit;
            if (tunnel.Esp is { } tunnelEsp)
            {
                innerStart = tunnel.EspOffset + EspFixedLength + tunnelEsp.IvLength;
                innerLimit = outer.End - tunnelEsp.IcvLength - EspTrailer.FixedLength;
            }
            else
            {
                innerStart = tunnel.AhOffset + AhLength(packet, tunnel.AhOffset);
                innerLimit = outer.End;
            }

            if (innerStart >= innerLimit)
            {
                return new NdisError(NdisStatus.InvalidLength, "TunnelHandle.InnerPacket",
                    $"the inner packet would start at 0x{innerStart:x2}, but the tunnel payload ends at 0x{innerLimit:x2}");
            }

            if ((error = Walk(packet, innerStart, innerLimit, isOuter: false, out Level innerLevel)) is not null
                || (error = Match(packet, innerLevel, request.Bundle, request.HeaderInfo, "OffloadHandle", out inner)) is not null)
            {
                return error;
            }
        }
        else if ((error = Walk(packet, 0, packet.Length, isOuter: true, out outer)) is not null
            || (error = Match(packet, outer, request.Bundle, request.HeaderInfo, "OffloadHandle", out inner)) is not null)
        {
            return error;
        }

        if ((error = Validate(packet, inner, request.HeaderInfo)) is not null
            || (request.TunnelBundle is not null && (error = Validate(packet, tunnel, null)) is not null))
        {
            return error;
        }

        bool deviceIv = request.EspIv == EspIvSource.Device;
        if ((error = Compute(packet, inner, deviceIv)) is not null)
        {
            return error;
        }

        return request.TunnelBundle is null ? null : Compute(packet, tunnel, deviceIv);
    }

    /// <summary>One IP datagram of the packet (the outer one, or the inner one of a tunnel) and the IPsec headers its chain starts with.</summary>
    private struct Level
    {
        public int Start, End, AhOffset, EspOffset, UdpOffset, StopOffset;
        public byte StopProtocol;
        public bool IsIPv6;
    }

    /// <summary>A level matched against its SA bundle.</summary>
    private struct Plan
    {
        public Level Level;
        public SaTransform? Esp, Ah;
        public int EspOffset, AhOffset;
    }

    private static NdisError? Walk(ReadOnlySpan<byte> packet, int start, int limit, bool isOuter, out Level level)
    {
        level = new Level { Start = start, AhOffset = -1, EspOffset = -1, UdpOffset = -1 };
        int available = limit - start;
        int version = packet[start] >> 4;
        string where = isOuter ? "the packet" : $"the inner packet at 0x{start:x2}";
        int end, offset;
        byte protocol;
        if (version == 4)
        {
            if (available < IPv4Header.MinimumLength)
            {
                return new NdisError(NdisStatus.InvalidLength, "IPv4.VersionIhl", $"IPv4 header of {where} needs 20 bytes, {available} are there");
            }

            int ihl = (packet[start] & 0x0F) * 4;
            int total = BinaryPrimitives.ReadUInt16BigEndian(packet[(start + IPv4Header.TotalLengthOffset)..]);
            if (ihl < IPv4Header.MinimumLength || ihl > available)
            {
                return new NdisError(NdisStatus.InvalidLength, "IPv4.VersionIhl", $"IPv4 header of {where} has IHL {ihl / 4} ({ihl} bytes); 20..{available} bytes are possible");
            }

            if (isOuter ? total != available : total > available || total < ihl)
            {
                return new NdisError(NdisStatus.InvalidLength, "IPv4.TotalLength",
                    $"IPv4 Total Length {total} of {where} disagrees with the {available}-byte buffer");
            }

            end = start + total;
            protocol = packet[start + IPv4Header.ProtocolOffset];
            offset = start + ihl;
        }
        else if (version == 6)
        {
            if (available < IPv6Header.Length)
            {
                return new NdisError(NdisStatus.InvalidLength, "IPv6.PayloadLength", $"IPv6 header of {where} needs 40 bytes, {available} are there");
            }

            int payload = BinaryPrimitives.ReadUInt16BigEndian(packet[(start + IPv6Header.PayloadLengthOffset)..]);
            if (isOuter ? payload + IPv6Header.Length != available : payload + IPv6Header.Length > available)
            {
                return new NdisError(NdisStatus.InvalidLength, "IPv6.PayloadLength",
                    $"IPv6 Payload Length {payload} + 40 of {where} disagrees with the {available}-byte buffer");
            }

            end = start + IPv6Header.Length + payload;
            protocol = packet[start + IPv6Header.NextHeaderOffset];
            offset = start + IPv6Header.Length;
            if (SkipExtensionHeaders(packet, ref protocol, ref offset, end, stopAtDestinationOptions: false) is { } error)
            {
                level = default;
                return error;
            }
        }
        else
        {
            return new NdisError(NdisStatus.Failure, "IP.Version", $"{where} has IP version {version}, expected 4 or 6");
        }

        level.End = end;
        level.IsIPv6 = version == 6;
        if (protocol == IpProtocol.Ah)
        {
            if (end - offset < AhFixed)
            {
                return new NdisError(NdisStatus.InvalidLength, "AH.SequenceNumber", $"AH header at 0x{offset:x2} needs 12 bytes, the datagram has {end - offset}");
            }

            int length = AhLength(packet, offset);
            if (offset + length > end)
            {
                return new NdisError(NdisStatus.InvalidLength, "AH.PayloadLength",
                    $"AH header at 0x{offset:x2} with Payload Len {packet[offset + 1]} needs {length} bytes, the datagram has {end - offset}");
            }

            level.AhOffset = offset;
            protocol = packet[offset];
            offset += length;
            if (level.IsIPv6 && SkipExtensionHeaders(packet, ref protocol, ref offset, end, stopAtDestinationOptions: true) is { } error)
            {
                return error;
            }
        }

        if (protocol == IpProtocol.Esp)
        {
            level.EspOffset = offset;
        }
        else if (protocol == IpProtocol.Udp && end - offset >= UdpHeader.Length + EspFixedLength
            && (BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + UdpHeader.SourcePortOffset)..]) == UdpEncapsulation.Port
                || BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + UdpHeader.DestinationPortOffset)..]) == UdpEncapsulation.Port)
            && BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + UdpHeader.Length)..]) != 0)
        {
            // RFC 3948 §2.1: a non-zero first word after the UDP header on the NAT-T port is an ESP SPI.
            level.UdpOffset = offset;
            level.EspOffset = offset + UdpHeader.Length;
        }

        level.StopOffset = offset;
        level.StopProtocol = protocol;
        return null;
    }

    private static NdisError? SkipExtensionHeaders(ReadOnlySpan<byte> packet, ref byte protocol, ref int offset, int end, bool stopAtDestinationOptions)
    {
        while (stopAtDestinationOptions ? protocol == IpProtocol.DestinationOptions : IPv6ExtensionChain.IsWalked(protocol))
        {
            int length = end - offset < 2 ? -1
                : protocol == IpProtocol.Fragment ? IPv6FragmentHeader.Length : (packet[offset + 1] + 1) * 8;
            if (length < 0 || offset + length > end)
            {
                return new NdisError(NdisStatus.InvalidLength, "IPv6.ExtensionHeader",
                    $"extension header {protocol} at 0x{offset:x2} runs past the datagram end 0x{end:x2}");
            }

            protocol = packet[offset];
            offset += length;
        }

        return null;
    }

    private static int AhLength(ReadOnlySpan<byte> packet, int offset) => (packet[offset + AhHeader.PayloadLengthOffset] + 2) * 4;

    private static NdisError? Match(ReadOnlySpan<byte> packet, in Level level, IReadOnlyList<SaTransform> bundle,
        IPsecOffloadV2HeaderTransmit? oob, string handle, out Plan plan)
    {
        plan = new Plan
        {
            Level = level,
            Esp = OutboundRequest.Find(bundle, IpsecProtocol.Esp),
            Ah = OutboundRequest.Find(bundle, IpsecProtocol.Ah),
            EspOffset = level.EspOffset,
            AhOffset = level.AhOffset,
        };
        if (oob is { } info)
        {
            if (CheckOobOffset(packet, "EspHeaderOffset", info.EspHeaderOffset, plan.Esp, "ESP") is { } espError)
            {
                return espError;
            }

            if (CheckOobOffset(packet, "AhHeaderOffset", info.AhHeaderOffset, plan.Ah, "AH") is { } ahError)
            {
                return ahError;
            }
        }

        // A header the bundle's own SA misses is reported before a header no SA claims (AH SA on an ESP packet).
        NdisError? esp = MatchHeader(packet, level, plan.Esp, IpsecProtocol.Esp, level.EspOffset, oob?.EspHeaderOffsetBytes, handle);
        NdisError? ah = MatchHeader(packet, level, plan.Ah, IpsecProtocol.Ah, level.AhOffset, oob?.AhHeaderOffsetBytes, handle);
        return plan.Esp is null ? ah ?? esp : esp ?? ah;
    }

    private static NdisError? CheckOobOffset(ReadOnlySpan<byte> packet, string field, byte units, SaTransform? sa, string name)
    {
        int bytes = units * IPsecOffloadV2HeaderTransmit.OffsetUnit;
        if (sa is null)
        {
            return units == 0 ? null : new NdisError(NdisStatus.Failure, $"{OobName}.{field}",
                $"is {units} ({bytes} bytes) but the OffloadHandle bundle has no {name} SA");
        }

        if (units == 0)
        {
            return new NdisError(NdisStatus.Failure, $"{OobName}.{field}",
                $"is 0 (no {name} header) but the OffloadHandle bundle has {name} SA 0x{sa.Spi:x8}");
        }

        return bytes >= packet.Length
            ? new NdisError(NdisStatus.Failure, $"{OobName}.{field}",
                $"{units} × 4 = {bytes} bytes lies outside the {packet.Length}-byte packet")
            : null;
    }

    private static NdisError? MatchHeader(ReadOnlySpan<byte> packet, in Level level, SaTransform? sa, IpsecProtocol protocol,
        int found, int? oobBytes, string handle)
    {
        string name = protocol == IpsecProtocol.Esp ? "ESP" : "AH";
        string other = protocol == IpsecProtocol.Esp ? "AH" : "ESP";
        int otherFound = protocol == IpsecProtocol.Esp ? level.AhOffset : level.EspOffset;
        if (sa is null)
        {
            return found < 0 ? null
                : new NdisError(NdisStatus.Failure, $"{name}.Spi",
                    $"the packet carries {name} at 0x{found:x2} but the {handle} bundle has no {name} SA");
        }

        if (found < 0)
        {
            return new NdisError(NdisStatus.Failure, $"{name}.Spi", otherFound >= 0
                ? $"{name} SA 0x{sa.Spi:x8} ({handle}) but the packet carries {other} at 0x{otherFound:x2} and no {name} header"
                : $"{name} SA 0x{sa.Spi:x8} ({handle}) but the packet has no {name} header: its header chain ends with protocol {level.StopProtocol} at 0x{level.StopOffset:x2}");
        }

        if (oobBytes is { } bytes && bytes != found)
        {
            return new NdisError(NdisStatus.Failure, $"{OobName}.{(protocol == IpsecProtocol.Esp ? "EspHeaderOffset" : "AhHeaderOffset")}",
                $"{bytes / 4} × 4 = {bytes} bytes is not on the {name} header; the packet's {name} header is at 0x{found:x2} ({found} bytes)");
        }

        int fixedLength = protocol == IpsecProtocol.Esp ? EspFixedLength : AhFixed;
        if (level.End - found < fixedLength)
        {
            return new NdisError(NdisStatus.InvalidLength, $"{name}.SequenceNumber",
                $"{name} header at 0x{found:x2} needs {fixedLength} bytes, the datagram has {level.End - found}");
        }

        uint spi = BinaryPrimitives.ReadUInt32BigEndian(packet[(found + (protocol == IpsecProtocol.Esp ? EspHeader.SpiOffset : AhHeader.SpiOffset))..]);
        return spi == sa.Spi ? null : new NdisError(NdisStatus.Failure, $"{name}.Spi",
            $"{name} header at 0x{found:x2} carries SPI 0x{spi:x8}; the {handle} SA's SPI is 0x{sa.Spi:x8}");
    }

    private static NdisError? Validate(ReadOnlySpan<byte> packet, in Plan plan, IPsecOffloadV2HeaderTransmit? oob)
    {
        if (plan.Esp is { } esp)
        {
            int offset = plan.EspOffset, end = plan.Level.End;
            int dataStart = offset + EspFixedLength + esp.IvLength, dataEnd = end - esp.IcvLength;
            int dataLength = dataEnd - dataStart;
            if (dataLength < EspTrailer.FixedLength)
            {
                int needed = EspFixedLength + esp.IvLength + EspTrailer.FixedLength + esp.IcvLength;
                return new NdisError(NdisStatus.InvalidLength, "ESP.Icv",
                    $"ESP header at 0x{offset:x2}: SPI/SN 8 + IV {esp.IvLength} + pad length/next header 2 + ICV {esp.IcvLength} " +
                    $"need {needed} bytes, the datagram has {end - offset} (trailer or ICV placeholder missing)");
            }

            int block = esp.Cipher?.BlockSize ?? 1;
            if (dataLength % block != 0)
            {
                return new NdisError(NdisStatus.InvalidLength, "ESP.PayloadData",
                    $"the encrypted part [0x{dataStart:x2}, 0x{dataEnd:x2}) is {dataLength} bytes, not a multiple of the {esp.Cipher!.Algorithm.Name} block size {block}");
            }

            int padLength = packet[dataEnd - 2];
            byte nextHeader = packet[dataEnd - 1];
            if (dataLength % esp.EspPadAlignment != 0)
            {
                return new NdisError(NdisStatus.InvalidLength, "ESP.PadLength",
                    $"payload ‖ padding ‖ pad length ‖ next header [0x{dataStart:x2}, 0x{dataEnd:x2}) is {dataLength} bytes " +
                    $"(pad length {padLength}), not a multiple of the SA's {esp.EspPadAlignment}-byte alignment");
            }

            if (padLength + EspTrailer.FixedLength > dataLength)
            {
                return new NdisError(NdisStatus.InvalidLength, "ESP.PadLength",
                    $"pad length byte at 0x{dataEnd - 2:x2} says {padLength} padding bytes, only {dataLength - 2} precede it");
            }

            if (oob is { } info && info.PadLength != padLength)
            {
                return new NdisError(NdisStatus.Failure, $"{OobName}.PadLength",
                    $"is {info.PadLength}, the ESP pad length byte at 0x{dataEnd - 2:x2} is {padLength}");
            }

            if (oob is { } info2 && info2.NextHeader != nextHeader)
            {
                return new NdisError(NdisStatus.Failure, $"{OobName}.NextHeader",
                    $"is {info2.NextHeader}, the ESP next header byte at 0x{dataEnd - 1:x2} is {nextHeader}");
            }

            if (plan.Level.UdpOffset >= 0)
            {
                int udpLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(plan.Level.UdpOffset + UdpHeader.LengthOffset)..]);
                if (udpLength != end - plan.Level.UdpOffset)
                {
                    return new NdisError(NdisStatus.InvalidLength, "UDP.Length",
                        $"UDP header at 0x{plan.Level.UdpOffset:x2} says {udpLength} bytes, the datagram has {end - plan.Level.UdpOffset} from it");
                }
            }
        }

        if (plan.Ah is { } ah)
        {
            int ivLength = ah.Integrity!.IvLength;
            int expected = AhHeader.LengthFor(ah.IcvLength, ivLength, plan.Level.IsIPv6);
            int actual = AhLength(packet, plan.AhOffset);
            if (actual != expected)
            {
                return new NdisError(NdisStatus.InvalidLength, "AH.PayloadLength",
                    $"AH header at 0x{plan.AhOffset:x2} has Payload Len {packet[plan.AhOffset + 1]} ({actual} bytes); the SA's ICV {ah.IcvLength}" +
                    $"{(ivLength > 0 ? $" and IV {ivLength}" : "")} on IPv{(plan.Level.IsIPv6 ? 6 : 4)} need {expected} bytes");
            }
        }

        return null;
    }

    private static NdisError? Compute(Span<byte> packet, in Plan plan, bool deviceIv)
    {
        if (plan.Esp is { } esp)
        {
            ProtectEsp(packet, plan.EspOffset, plan.Level.End, esp, deviceIv);
            if (plan.Level.UdpOffset >= 0 && plan.Level.IsIPv6)
            {
                CompleteUdpChecksum(packet, plan.Level.Start, plan.Level.UdpOffset, plan.Level.End);
            }
        }

        return plan.Ah is { } ah ? ProtectAh(packet, plan.Level, plan.AhOffset, ah) : null;
    }

    private static void ProtectEsp(Span<byte> packet, int offset, int end, SaTransform sa, bool deviceIv)
    {
        int ivOffset = offset + EspFixedLength;
        int dataStart = ivOffset + sa.IvLength, dataEnd = end - sa.IcvLength;
        if (deviceIv)
        {
            // AMB-01, profile EspIv = Device: the NIC writes the IV before it encrypts (or authenticates) with it.
            uint low = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + EspHeader.SequenceNumberOffset)..]);
            EspDeviceIv.Write(sa, EspDeviceIv.FullSequenceNumber(sa, low), packet.Slice(ivOffset, sa.IvLength));
        }

        ReadOnlySpan<byte> iv = packet.Slice(ivOffset, sa.IvLength);
        Span<byte> data = packet[dataStart..dataEnd];
        Span<byte> icv = packet[dataEnd..end];
        Span<byte> snHigh = stackalloc byte[SnLength];
        BinaryPrimitives.WriteUInt32BigEndian(snHigh, sa.SequenceNumberHigh);
        if (!sa.ExtendedSequenceNumbers)
        {
            snHigh = [];
        }

        if (sa.Aead is { } aead)
        {
            // RFC 4106 §5: AAD = SPI ‖ SN_low, or SPI ‖ SN_high ‖ SN_low with ESN (wire-formats §1.5).
            Span<byte> aad = stackalloc byte[EspFixedLength + SnLength];
            packet.Slice(offset, SnLength).CopyTo(aad);
            snHigh.CopyTo(aad[SnLength..]);
            packet.Slice(offset + EspHeader.SequenceNumberOffset, SnLength).CopyTo(aad[(SnLength + snHigh.Length)..]);
            aead.Encrypt(iv, aad[..(EspFixedLength + snHigh.Length)], data, icv);
            return;
        }

        sa.Cipher?.Encrypt(iv, data);
        if (sa.Integrity is not { } integrity)
        {
            return;
        }

        if (integrity.IvLength > 0)
        {
            // RFC 4543 §3.3 (ENCR_NULL_AUTH_AES_GMAC): AAD = SPI ‖ [SN_high ‖] SN_low ‖ IV ‖ payload ‖ trailer.
            integrity.Start(iv);
            integrity.Append(packet.Slice(offset, SnLength));
            integrity.Append(snHigh);
            integrity.Append(packet[(offset + EspHeader.SequenceNumberOffset)..dataEnd]);
        }
        else
        {
            // RFC 4303 §2.2.1 / §3.3.2.1: MAC(SPI ‖ SN_low ‖ IV ‖ ciphertext [‖ SN_high]).
            integrity.Start([]);
            integrity.Append(packet[offset..dataEnd]);
            integrity.Append(snHigh);
        }

        integrity.Finish(icv);
    }

    private static NdisError? ProtectAh(Span<byte> packet, in Level level, int offset, SaTransform sa)
    {
        IIntegrityTransform integrity = sa.Integrity!;
        int ivLength = integrity.IvLength;
        int ahLength = AhLength(packet, offset);
        int length = level.End - level.Start;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> copy = rented.AsSpan(0, length);
            packet[level.Start..level.End].CopyTo(copy);
            int relative = offset - level.Start;
            copy[(relative + AhFixed + ivLength)..(relative + ahLength)].Clear();
            if ((level.IsIPv6 ? AhMutableFields.ZeroIPv6(copy, relative) : AhMutableFields.ZeroIPv4(copy, relative)) is { } error)
            {
                return error;
            }

            Span<byte> snHigh = stackalloc byte[SnLength];
            BinaryPrimitives.WriteUInt32BigEndian(snHigh, sa.SequenceNumberHigh);
            integrity.Start(packet.Slice(offset + AhFixed, ivLength));
            integrity.Append(copy);
            if (sa.ExtendedSequenceNumbers)
            {
                // RFC 4302 §2.5.1 / wire-formats §1.5: SN_high follows the whole datagram in the ICV input.
                integrity.Append(snHigh);
            }

            integrity.Finish(packet.Slice(offset + AhFixed + ivLength, sa.IcvLength));
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void CompleteUdpChecksum(Span<byte> packet, int ipStart, int udpOffset, int end)
    {
        // AMB-32 / wire-formats §4.1: IPv6 forbids a zero UDP checksum; it covers the encrypted ESP bytes.
        ReadOnlySpan<byte> source = packet.Slice(ipStart + IPv6Header.SourceOffset, IPv6Header.AddressLength);
        ReadOnlySpan<byte> destination = packet.Slice(ipStart + IPv6Header.DestinationOffset, IPv6Header.AddressLength);
        Span<byte> datagram = packet[udpOffset..end];
        uint pseudo = InternetChecksum.PseudoHeaderSumIPv6(source, destination, IpProtocol.Udp, (uint)datagram.Length);
        BinaryPrimitives.WriteUInt16BigEndian(datagram[UdpHeader.ChecksumOffset..], UdpHeader.ComputeChecksum(pseudo, datagram));
    }
}
