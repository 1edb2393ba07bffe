using System.Collections.Immutable;

namespace IpsecOffload.Engine.Wire;

/// <summary>One extension header found by <see cref="IPv6ExtensionChain"/>: its type (the Next Header value that announced it), offset and length.</summary>
/// <param name="Type"><see cref="IpProtocol.HopByHop"/>, <see cref="IpProtocol.Routing"/>, <see cref="IpProtocol.Fragment"/> or <see cref="IpProtocol.DestinationOptions"/>.</param>
/// <param name="Offset">Offset from the first byte of the IPv6 header.</param>
/// <param name="Length">Header length in bytes.</param>
public readonly record struct IPv6ExtensionHeaderInfo(byte Type, int Offset, int Length)
{
    /// <summary>Offset of the first byte after this header.</summary>
    public int End => Offset + Length;
}

/// <summary>
/// The extension-header chain of an IPv6 packet: which headers there are, the upper-layer protocol
/// and where it starts, and where a transport-mode ESP or AH header goes (wire-formats §1.6 / §2.4:
/// after Hop-by-Hop, Routing and Fragment, and after a Destination Options header that precedes a
/// Routing header; a Destination Options header for the final destination stays behind ESP/AH).
/// </summary>
public readonly struct IPv6ExtensionChain
{
    /// <summary>Hop-by-Hop, Routing, Fragment and Destination Options headers in wire order.</summary>
    public ImmutableArray<IPv6ExtensionHeaderInfo> Headers { get; init; }

    /// <summary>The first Next Header value that is not one of the four walked headers (6, 17, 50, 51, 58, 59, …).</summary>
    public byte UpperLayerProtocol { get; init; }

    /// <summary>Offset, from the IPv6 header, of the upper-layer header.</summary>
    public int UpperLayerOffset { get; init; }

    /// <summary>Offset where a transport-mode ESP/AH header is inserted.</summary>
    public int InsertionOffset { get; init; }

    /// <summary>
    /// Offset of the Next Header byte that must become 50/51 when ESP/AH is inserted at
    /// <see cref="InsertionOffset"/> (6 for the fixed header, else the first byte of the extension
    /// header that precedes the insertion point). Its old value goes to the ESP trailer / AH.
    /// </summary>
    public int InsertionNextHeaderOffset { get; init; }

    /// <summary>True when a Fragment header with a non-zero offset or the M flag was found; the walk stops after it.</summary>
    public bool IsFragment { get; init; }

    /// <summary>Walks the chain of <paramref name="packet"/> (starting at the IPv6 header, ending at the datagram end).</summary>
    public static bool TryWalk(ReadOnlySpan<byte> packet, out IPv6ExtensionChain chain) => TryWalk(packet, out chain, out _);

    /// <summary>
    /// Walks the chain; fails (never throws) when the fixed header or an extension header is
    /// truncated. <paramref name="fault"/> messages carry the header offset.
    /// </summary>
    public static bool TryWalk(ReadOnlySpan<byte> packet, out IPv6ExtensionChain chain, out WireFault fault)
    {
        chain = default;
        if (!IPv6Header.TryRead(packet, out IPv6Header header, out fault))
        {
            return false;
        }

        var headers = ImmutableArray.CreateBuilder<IPv6ExtensionHeaderInfo>();
        byte next = header.NextHeader;
        int offset = IPv6Header.Length;
        int insertion = IPv6Header.Length;
        int insertionNextHeader = IPv6Header.NextHeaderOffset;
        bool fragment = false;
        while (IsWalked(next) && !fragment)
        {
            ReadOnlySpan<byte> rest = packet[offset..];
            byte following;
            int length;
            if (next == IpProtocol.Fragment)
            {
                if (!IPv6FragmentHeader.TryRead(rest, out IPv6FragmentHeader fh, out fault))
                {
                    fault = At(fault, "IPv6 fragment header", offset);
                    return false;
                }

                following = fh.NextHeader;
                length = IPv6FragmentHeader.Length;
                fragment = fh.IsPartial;
            }
            else if (next == IpProtocol.Routing)
            {
                if (!IPv6RoutingHeader.TryRead(rest, out IPv6RoutingHeader rh, out fault))
                {
                    fault = At(fault, "IPv6 routing header", offset);
                    return false;
                }

                following = rh.NextHeader;
                length = rh.Length;
            }
            else
            {
                string layer = next == IpProtocol.HopByHop ? "IPv6HopByHop" : "IPv6DestinationOptions";
                if (!IPv6OptionsHeader.TryRead(rest, out IPv6OptionsHeader oh, out fault, layer))
                {
                    fault = At(fault, next == IpProtocol.HopByHop ? "IPv6 hop-by-hop header" : "IPv6 destination options header", offset);
                    return false;
                }

                following = oh.NextHeader;
                length = oh.Length;
            }

            headers.Add(new IPv6ExtensionHeaderInfo(next, offset, length));
            next = following;
            offset += length;
        }

        // Transport-mode ESP/AH goes after HbH, Routing and Fragment headers and after every
        // Destination Options header not preceded by a Routing header (those are for the final
        // destination and follow ESP/AH). This is Linux's ip6_find_1stfragopt rule, which Scapy's
        // output agrees with (docs/decisions/ipv6-esp-ah-placement.md).
        bool routingSeen = false;
        for (int i = 0; i < headers.Count; i++)
        {
            IPv6ExtensionHeaderInfo h = headers[i];
            if (h.Type == IpProtocol.DestinationOptions && routingSeen)
            {
                break;
            }

            routingSeen |= h.Type == IpProtocol.Routing;
            insertion = h.End;
            insertionNextHeader = h.Offset;
        }

        chain = new IPv6ExtensionChain
        {
            Headers = headers.ToImmutable(),
            UpperLayerProtocol = next,
            UpperLayerOffset = offset,
            InsertionOffset = insertion,
            InsertionNextHeaderOffset = insertionNextHeader,
            IsFragment = fragment,
        };
        return true;
    }

    /// <summary>True for the Next Header values this walker steps over: 0, 43, 44, 60.</summary>
    public static bool IsWalked(byte nextHeader) => nextHeader is IpProtocol.HopByHop or IpProtocol.Routing
        or IpProtocol.Fragment or IpProtocol.DestinationOptions;

    private static WireFault At(WireFault fault, string header, int offset) =>
        fault with { Message = $"({header} at 0x{offset:x2} in the IPv6 packet) {fault.Message}" };
}
