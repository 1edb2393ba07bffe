using System.Collections.Immutable;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// Splits a frame into its layers: Ethernet and 802.1Q tags, the outer IP header and IPv6 extension
/// headers, UDP encapsulation (RFC 3948), AH and ESP, an inner IP header in tunnel mode when it is
/// visible (behind AH, or behind ESP whose payload an <see cref="EspLayoutHint"/> declares cleartext),
/// and TCP/UDP/ICMP/ICMPv6. Never throws on bad input: a truncated header or a length field that
/// disagrees with the buffer gives a <see cref="ParsedFrame"/> whose <see cref="ParsedFrame.Error"/>
/// names the header, its offset and the numbers ("IPv4 header at 0x0e needs 20 bytes, frame has 12").
/// Fragments (IPv4 MF/offset, IPv6 Fragment header with M/offset) end the walk: their payload is opaque.
/// </summary>
public static class FrameParser
{
    /// <summary>Parses <paramref name="frame"/>.</summary>
    /// <param name="frame">The bytes, starting at the Ethernet header (or the IP header with <see cref="FrameStart.Ip"/>).</param>
    /// <param name="start">Where the frame starts.</param>
    /// <param name="hints">SA knowledge for ESP; null for none.</param>
    public static ParsedFrame Parse(ReadOnlySpan<byte> frame, FrameStart start = FrameStart.Ethernet, LayoutHints? hints = null)
    {
        var walker = new Walker(frame, hints ?? LayoutHints.None);
        if (start == FrameStart.Ethernet)
        {
            walker.ParseEthernet();
        }
        else
        {
            walker.ParseOuterIp();
        }

        return new ParsedFrame(frame.Length, start, walker.Layers.ToImmutable(), walker.Error, walker.ErrorOffset);
    }

    private ref struct Walker
    {
        private readonly ReadOnlySpan<byte> _frame;
        private readonly LayoutHints _hints;

        public Walker(ReadOnlySpan<byte> frame, LayoutHints hints)
        {
            _frame = frame;
            _hints = hints;
            Layers = ImmutableArray.CreateBuilder<FrameLayer>();
        }

        public ImmutableArray<FrameLayer>.Builder Layers { get; }

        public NdisError? Error { get; private set; }

        public int ErrorOffset { get; private set; } = -1;

        public bool ParseEthernet()
        {
            if (!EthernetHeader.TryRead(_frame, out EthernetHeader ethernet, out WireFault fault))
            {
                return Fail(fault, string.Empty, "Ethernet header", 0);
            }

            Add(FrameLayerKind.Ethernet, "Ethernet", 0, ethernet.Length);
            for (int i = 0; i < ethernet.Tags.Length; i++)
            {
                Add(FrameLayerKind.VlanTag, $"Vlan{i}", EthernetHeader.TagsOffset + (i * VlanTag.Length), VlanTag.Length);
            }

            int pos = ethernet.Length;
            int end;
            switch (ethernet.EtherType)
            {
                case EthernetHeader.EtherTypeIPv4:
                    if (!ParseIPv4(pos, _frame.Length, 0, out end))
                    {
                        return false;
                    }

                    break;
                case EthernetHeader.EtherTypeIPv6:
                    if (!ParseIPv6(pos, _frame.Length, 0, out end))
                    {
                        return false;
                    }

                    break;
                default:
                    AddRest(FrameLayerKind.Payload, "Ethernet", pos, _frame.Length);
                    return true;
            }

            AddRest(FrameLayerKind.Trailer, "Ethernet", end, _frame.Length);
            return true;
        }

        public bool ParseOuterIp()
        {
            if (!ParseIp(0, _frame.Length, 0, out int end))
            {
                return false;
            }

            AddRest(FrameLayerKind.Trailer, "Frame", end, _frame.Length);
            return true;
        }

        private bool ParseIp(int pos, int limit, int depth, out int end)
        {
            end = pos;
            if (pos >= limit)
            {
                return Fail(WireFault.Truncated(Prefix(depth) + "IPv4.VersionIhl", 1, 0), string.Empty, Prefix(depth) + "IP header", pos);
            }

            int version = _frame[pos] >> 4;
            return version == 6 ? ParseIPv6(pos, limit, depth, out end) : ParseIPv4(pos, limit, depth, out end);
        }

        private bool ParseIPv4(int pos, int limit, int depth, out int end)
        {
            end = pos;
            string prefix = Prefix(depth);
            string name = prefix + "IPv4";
            ReadOnlySpan<byte> region = _frame[pos..limit];
            if (!IPv4Header.TryRead(region, out IPv4Header header, out WireFault fault))
            {
                return Fail(fault, prefix, name + " header", pos);
            }

            if (header.TotalLength < header.HeaderLength)
            {
                return Fail(NdisStatus.InvalidLength, name + ".TotalLength", pos,
                    $"{name} header at 0x{pos:x2} has total length {header.TotalLength}, less than its {header.HeaderLength}-byte header");
            }

            if (header.TotalLength > region.Length)
            {
                return Fail(NdisStatus.InvalidLength, name + ".TotalLength", pos,
                    $"{name} header at 0x{pos:x2} has total length {header.TotalLength}, frame has {region.Length} bytes from there");
            }

            Add(FrameLayerKind.IPv4, name, pos, header.HeaderLength);
            end = pos + header.TotalLength;
            int payload = pos + header.HeaderLength;
            if (header.IsFragment)
            {
                AddRest(FrameLayerKind.Payload, name, payload, end);
                return true;
            }

            return ParseNext(header.Protocol, payload, end, depth, name);
        }

        private bool ParseIPv6(int pos, int limit, int depth, out int end)
        {
            end = pos;
            string prefix = Prefix(depth);
            string name = prefix + "IPv6";
            ReadOnlySpan<byte> region = _frame[pos..limit];
            if (!IPv6Header.TryRead(region, out IPv6Header header, out WireFault fault))
            {
                return Fail(fault, prefix, name + " header", pos);
            }

            int total = IPv6Header.Length + header.PayloadLength;
            if (total > region.Length)
            {
                return Fail(NdisStatus.InvalidLength, name + ".PayloadLength", pos,
                    $"{name} header at 0x{pos:x2} has payload length {header.PayloadLength} ({total} bytes with the header), frame has {region.Length} bytes from there");
            }

            Add(FrameLayerKind.IPv6, name, pos, IPv6Header.Length);
            end = pos + total;
            return ParseNext(header.NextHeader, pos + IPv6Header.Length, end, depth, name);
        }

        // Everything a Next Header / Protocol value can announce, inside [pos, end).
        private bool ParseNext(byte protocol, int pos, int end, int depth, string ipName)
        {
            string prefix = Prefix(depth);
            ReadOnlySpan<byte> region = _frame[pos..end];
            switch (protocol)
            {
                case IpProtocol.HopByHop:
                case IpProtocol.DestinationOptions:
                {
                    bool hbh = protocol == IpProtocol.HopByHop;
                    string name = prefix + (hbh ? "IPv6HopByHop" : "IPv6DestinationOptions");
                    if (!IPv6OptionsHeader.TryRead(region, out IPv6OptionsHeader header, out WireFault fault, hbh ? "IPv6HopByHop" : "IPv6DestinationOptions"))
                    {
                        return Fail(fault, prefix, prefix + (hbh ? "IPv6 hop-by-hop header" : "IPv6 destination options header"), pos);
                    }

                    Add(hbh ? FrameLayerKind.IPv6HopByHop : FrameLayerKind.IPv6DestinationOptions, name, pos, header.Length);
                    return ParseNext(header.NextHeader, pos + header.Length, end, depth, ipName);
                }

                case IpProtocol.Routing:
                {
                    if (!IPv6RoutingHeader.TryRead(region, out IPv6RoutingHeader header, out WireFault fault))
                    {
                        return Fail(fault, prefix, prefix + "IPv6 routing header", pos);
                    }

                    Add(FrameLayerKind.IPv6Routing, prefix + "IPv6Routing", pos, header.Length);
                    return ParseNext(header.NextHeader, pos + header.Length, end, depth, ipName);
                }

                case IpProtocol.Fragment:
                {
                    if (!IPv6FragmentHeader.TryRead(region, out IPv6FragmentHeader header, out WireFault fault))
                    {
                        return Fail(fault, prefix, prefix + "IPv6 fragment header", pos);
                    }

                    Add(FrameLayerKind.IPv6Fragment, prefix + "IPv6Fragment", pos, IPv6FragmentHeader.Length);
                    if (header.IsPartial)
                    {
                        AddRest(FrameLayerKind.Payload, ipName, pos + IPv6FragmentHeader.Length, end);
                        return true;
                    }

                    return ParseNext(header.NextHeader, pos + IPv6FragmentHeader.Length, end, depth, ipName);
                }

                case IpProtocol.Esp:
                    return ParseEsp(pos, end, depth, ipName);

                case IpProtocol.Ah:
                {
                    if (!AhHeader.TryRead(region, out AhHeader header, out WireFault fault))
                    {
                        return Fail(fault, prefix, prefix + "AH", pos);
                    }

                    Add(FrameLayerKind.Ah, prefix + "AH", pos, header.Length);
                    return ParseNext(header.NextHeader, pos + header.Length, end, depth, ipName);
                }

                case IpProtocol.IPv4:
                case IpProtocol.IPv6:
                {
                    bool ok = protocol == IpProtocol.IPv4
                        ? ParseIPv4(pos, end, depth + 1, out int innerEnd)
                        : ParseIPv6(pos, end, depth + 1, out innerEnd);
                    if (ok)
                    {
                        AddRest(FrameLayerKind.Trailer, ipName, innerEnd, end);
                    }

                    return ok;
                }

                case IpProtocol.Tcp:
                {
                    if (!TcpHeader.TryRead(region, out TcpHeader header, out WireFault fault))
                    {
                        return Fail(fault, prefix, prefix + "TCP header", pos);
                    }

                    Add(FrameLayerKind.Tcp, prefix + "TCP", pos, header.HeaderLength);
                    AddRest(FrameLayerKind.Payload, prefix + "TCP", pos + header.HeaderLength, end);
                    return true;
                }

                case IpProtocol.Udp:
                    return ParseUdp(pos, end, depth, ipName);

                case IpProtocol.Icmp:
                case IpProtocol.Icmpv6:
                {
                    bool v4 = protocol == IpProtocol.Icmp;
                    string name = prefix + (v4 ? "ICMP" : "ICMPv6");
                    WireFault fault;
                    bool ok = v4 ? IcmpHeader.TryRead(region, out _, out fault) : Icmpv6Header.TryRead(region, out _, out fault);
                    if (!ok)
                    {
                        return Fail(fault, prefix, name + " header", pos);
                    }

                    Add(v4 ? FrameLayerKind.Icmp : FrameLayerKind.Icmpv6, name, pos, IcmpHeader.Length);
                    AddRest(FrameLayerKind.Payload, name, pos + IcmpHeader.Length, end);
                    return true;
                }

                default:
                    AddRest(FrameLayerKind.Payload, ipName, pos, end);
                    return true;
            }
        }

        private bool ParseUdp(int pos, int end, int depth, string ipName)
        {
            string prefix = Prefix(depth);
            string name = prefix + "UDP";
            ReadOnlySpan<byte> region = _frame[pos..end];
            if (!UdpHeader.TryRead(region, out UdpHeader header, out WireFault fault))
            {
                return Fail(fault, prefix, name + " header", pos);
            }

            if (header.DatagramLength < UdpHeader.Length || header.DatagramLength > region.Length)
            {
                return Fail(NdisStatus.InvalidLength, name + ".Length", pos,
                    $"{name} header at 0x{pos:x2} has length {header.DatagramLength}, {ipName} leaves {region.Length} bytes for it (minimum 8)");
            }

            int udpEnd = pos + header.DatagramLength;
            int payload = pos + UdpHeader.Length;
            UdpEncapsulatedKind kind = UdpEncapsulation.IsNatTraversalPort(header)
                ? UdpEncapsulation.Classify(_frame[payload..udpEnd])
                : UdpEncapsulatedKind.Unknown;
            Add(kind == UdpEncapsulatedKind.Esp ? FrameLayerKind.UdpEncapsulation : FrameLayerKind.Udp, name, pos, UdpHeader.Length);
            switch (kind)
            {
                case UdpEncapsulatedKind.Esp:
                    if (!ParseEsp(payload, udpEnd, depth, ipName))
                    {
                        return false;
                    }

                    break;
                case UdpEncapsulatedKind.Ike:
                    Add(FrameLayerKind.NonEspMarker, name, payload, UdpEncapsulation.NonEspMarkerLength);
                    AddRest(FrameLayerKind.Payload, prefix + "IKE", payload + UdpEncapsulation.NonEspMarkerLength, udpEnd);
                    break;
                case UdpEncapsulatedKind.NatKeepalive:
                    Add(FrameLayerKind.NatKeepalive, name, payload, UdpEncapsulation.KeepaliveLength);
                    break;
                default:
                    AddRest(FrameLayerKind.Payload, name, payload, udpEnd);
                    break;
            }

            AddRest(FrameLayerKind.Trailer, name, udpEnd, end);
            return true;
        }

        private bool ParseEsp(int pos, int end, int depth, string ipName)
        {
            string name = Prefix(depth) + "ESP";
            if (!EspHeader.TryRead(_frame[pos..end], out _, out WireFault fault))
            {
                return Fail(fault, Prefix(depth), name + " header", pos);
            }

            Add(FrameLayerKind.Esp, name, pos, EspHeader.Length);
            int body = pos + EspHeader.Length;
            if (_hints.Esp is not EspLayoutHint hint)
            {
                AddRest(FrameLayerKind.EspData, name, body, end);
                return true;
            }

            int needed = EspHeader.Length + hint.IvLength + EspTrailer.FixedLength + hint.IcvLength;
            if (hint.IvLength < 0 || hint.IcvLength < 0 || end - pos < needed)
            {
                return Fail(NdisStatus.InvalidLength, name + ".ICV", pos,
                    $"{name} at 0x{pos:x2} with a {hint.IvLength}-byte IV and a {hint.IcvLength}-byte ICV needs at least {needed} bytes, packet has {end - pos}");
            }

            AddRest(FrameLayerKind.EspIv, name, body, body + hint.IvLength);
            int data = body + hint.IvLength;
            int icv = end - hint.IcvLength;
            if (!hint.PayloadIsCleartext && hint.PadLength is null)
            {
                AddRest(FrameLayerKind.EspCiphertext, name, data, icv);
                AddRest(FrameLayerKind.EspIcv, name, icv, end);
                return true;
            }

            int padLength = hint.PayloadIsCleartext ? _frame[icv - EspTrailer.PadLengthFromEnd] : hint.PadLength!.Value;
            int trailerLength = padLength + EspTrailer.FixedLength;
            if (padLength < 0 || trailerLength > icv - data)
            {
                return Fail(NdisStatus.InvalidLength, name + ".PadLength", icv - EspTrailer.PadLengthFromEnd,
                    $"{name} pad length {padLength} at 0x{icv - EspTrailer.PadLengthFromEnd:x2} needs {trailerLength} trailer bytes, {icv - data} follow the IV");
            }

            int trailer = icv - trailerLength;
            if (hint.PayloadIsCleartext)
            {
                if (!ParseEspPayload(_frame[icv - EspTrailer.NextHeaderFromEnd], data, trailer, depth, ipName, name))
                {
                    return false;
                }
            }
            else
            {
                AddRest(FrameLayerKind.EspPayload, name, data, trailer);
            }

            Add(FrameLayerKind.EspTrailer, name, trailer, trailerLength);
            AddRest(FrameLayerKind.EspIcv, name, icv, end);
            return true;
        }

        private bool ParseEspPayload(byte nextHeader, int pos, int end, int depth, string ipName, string espName)
        {
            switch (nextHeader)
            {
                case IpProtocol.IPv4:
                case IpProtocol.IPv6:
                {
                    bool ok = nextHeader == IpProtocol.IPv4
                        ? ParseIPv4(pos, end, depth + 1, out int innerEnd)
                        : ParseIPv6(pos, end, depth + 1, out innerEnd);
                    if (ok)
                    {
                        AddRest(FrameLayerKind.EspTfcPadding, espName, innerEnd, end);
                    }

                    return ok;
                }

                case IpProtocol.Tcp:
                case IpProtocol.Udp:
                case IpProtocol.Icmp:
                case IpProtocol.Icmpv6:
                    return ParseNext(nextHeader, pos, end, depth, ipName);

                default:
                    AddRest(FrameLayerKind.EspPayload, espName, pos, end);
                    return true;
            }
        }

        private static string Prefix(int depth) => depth switch
        {
            0 => string.Empty,
            1 => "Inner",
            _ => $"Inner{depth}",
        };

        private void Add(FrameLayerKind kind, string name, int offset, int length) =>
            Layers.Add(new FrameLayer(kind, name, offset, length));

        private void AddRest(FrameLayerKind kind, string name, int offset, int end)
        {
            if (end > offset)
            {
                Add(kind, name, offset, end - offset);
            }
        }

        private bool Fail(WireFault fault, string prefix, string header, int offset)
        {
            Error = (fault with { Field = prefix + fault.Field }).ToNdisError(header, offset);
            ErrorOffset = offset;
            return false;
        }

        private bool Fail(NdisStatus status, string field, int offset, string message)
        {
            Error = new NdisError(status, field, message);
            ErrorOffset = offset;
            return false;
        }
    }
}
