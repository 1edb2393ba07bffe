using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// Normalises a copy of an IP datagram for the AH ICV (RFC 4302 §3.3.3.1; wire-formats §2.3, §2.4):
/// mutable header fields zeroed, mutable IPv4 options zeroed whole, IPv6 options with the
/// change-en-route bit have their data zeroed, a type 0/2 routing header rearranged to its
/// final-destination form. Works in place on the copy; never allocates.
/// </summary>
internal static class AhMutableFields
{
    // wire-formats §2.3: option type bytes that are immutable (Linux ip_clear_mutable_options,
    // Scapy IMMUTABLE_IPV4_OPTIONS): EOL, NOP, Security, Extended Security, Commercial Security,
    // Router Alert, Sender-Directed Multi-Destination Delivery. Every other option is mutable.
    private const byte EndOfOptions = 0x00, NoOperation = 0x01, Security = 0x82, ExtendedSecurity = 0x85,
        CommercialSecurity = 0x86, RouterAlert = 0x94, MultiDestination = 0x95,
        LooseSourceRoute = 0x83, StrictSourceRoute = 0x89;

    // RFC 791 §3.1 option: | type | length | data … |; source routes: | type | length | pointer | route data |
    private const int OptionLengthOffset = 1, MinimumSourceRouteLength = 7, AddressLength = 4;

    // RFC 8200 §4.2: Option Type bit 0x20 = "Option Data may change en route"; Pad1 is a single zero byte.
    private const byte ChangeEnRouteBit = 0x20, Pad1 = 0x00;

    // RFC 8200 §4.4 / RFC 5095 type 0 (and RFC 6275 type 2): 4 fixed bytes, 4 reserved, then 16-byte addresses.
    private const int RoutingSegmentsLeftOffset = 3, RoutingTypeOffset = 2, RoutingAddressesOffset = 8;
    private const int Ipv6AddressLength = 16;

    public static NdisError? ZeroIPv4(Span<byte> datagram, int ahOffset)
    {
        int ihl = (datagram[IPv4Header.VersionIhlOffset] & 0x0F) * 4;
        datagram[IPv4Header.TypeOfServiceOffset] = 0;
        datagram.Slice(IPv4Header.FlagsFragmentOffset, 2).Clear();
        datagram[IPv4Header.TtlOffset] = 0;
        datagram.Slice(IPv4Header.HeaderChecksumOffset, 2).Clear();
        int i = IPv4Header.OptionsOffset;
        while (i < ihl)
        {
            byte type = datagram[i];
            if (type == EndOfOptions)
            {
                break;
            }

            if (type == NoOperation)
            {
                i++;
                continue;
            }

            int length = i + OptionLengthOffset < ihl ? datagram[i + OptionLengthOffset] : 0;
            if (length < 2 || i + length > ihl)
            {
                return new NdisError(NdisStatus.Failure, "IPv4.Options",
                    $"option 0x{type:x2} at 0x{i:x2} has length {length}; options end at 0x{ihl:x2} (AH at 0x{ahOffset:x2} needs them parsed)");
            }

            if (type is not (Security or ExtendedSecurity or CommercialSecurity or RouterAlert or MultiDestination))
            {
                if (type is LooseSourceRoute or StrictSourceRoute && length >= MinimumSourceRouteLength)
                {
                    // wire-formats §2.3: the ICV uses the final destination, the last address of the route.
                    datagram.Slice(i + length - AddressLength, AddressLength).CopyTo(datagram[IPv4Header.DestinationOffset..]);
                }

                datagram.Slice(i, length).Clear();
            }

            i += length;
        }

        return null;
    }

    public static NdisError? ZeroIPv6(Span<byte> datagram, int ahOffset)
    {
        // Version nibble kept; Traffic Class and Flow Label zeroed (wire-formats §2.4, §7 item 6).
        datagram[0] &= 0xF0;
        datagram.Slice(1, 3).Clear();
        datagram[IPv6Header.HopLimitOffset] = 0;
        byte next = datagram[IPv6Header.NextHeaderOffset];
        int offset = IPv6Header.Length;
        while (offset < ahOffset)
        {
            int length = next == IpProtocol.Fragment ? IPv6FragmentHeader.Length : (datagram[offset + 1] + 1) * 8;
            if (next is IpProtocol.HopByHop or IpProtocol.DestinationOptions)
            {
                if (ZeroOptions(datagram.Slice(offset, length), offset) is { } error)
                {
                    return error;
                }
            }
            else if (next == IpProtocol.Routing)
            {
                if (Rearrange(datagram, offset, length) is { } error)
                {
                    return error;
                }
            }

            next = datagram[offset];
            offset += length;
        }

        return null;
    }

    private static NdisError? ZeroOptions(Span<byte> header, int headerOffset)
    {
        int i = IPv6OptionsHeader.OptionsOffset;
        while (i < header.Length)
        {
            byte type = header[i];
            if (type == Pad1)
            {
                i++;
                continue;
            }

            int dataLength = i + 1 < header.Length ? header[i + 1] : -1;
            if (dataLength < 0 || i + 2 + dataLength > header.Length)
            {
                return new NdisError(NdisStatus.Failure, "IPv6Options.Option",
                    $"option 0x{type:x2} at 0x{headerOffset + i:x2} runs past its {header.Length}-byte header");
            }

            if ((type & ChangeEnRouteBit) != 0)
            {
                header.Slice(i + 2, dataLength).Clear();
            }

            i += 2 + dataLength;
        }

        return null;
    }

    private static NdisError? Rearrange(Span<byte> datagram, int offset, int length)
    {
        int segmentsLeft = datagram[offset + RoutingSegmentsLeftOffset];
        if (segmentsLeft == 0)
        {
            return null;
        }

        byte type = datagram[offset + RoutingTypeOffset];
        int addresses = (length - RoutingAddressesOffset) / Ipv6AddressLength;
        if (type is not (0 or 2) || segmentsLeft > addresses)
        {
            return new NdisError(NdisStatus.Failure, "IPv6Routing.SegmentsLeft",
                $"routing header at 0x{offset:x2} (type {type}, Segments Left {segmentsLeft}, {addresses} addresses) " +
                "cannot be put in its final-destination form for the AH ICV (only types 0 and 2 can)");
        }

        // wire-formats §2.4 (Linux ipv6_rearrange_rthdr): destination ← final address, the original
        // destination goes in front of the addresses still to visit, Segments Left ← 0.
        Span<byte> list = datagram.Slice(offset + RoutingAddressesOffset, addresses * Ipv6AddressLength);
        Span<byte> final = stackalloc byte[Ipv6AddressLength];
        list[((addresses - 1) * Ipv6AddressLength)..].CopyTo(final);
        int first = (addresses - segmentsLeft) * Ipv6AddressLength;
        list.Slice(first, (segmentsLeft - 1) * Ipv6AddressLength).CopyTo(list[(first + Ipv6AddressLength)..]);
        datagram.Slice(IPv6Header.DestinationOffset, Ipv6AddressLength).CopyTo(list.Slice(first, Ipv6AddressLength));
        final.CopyTo(datagram.Slice(IPv6Header.DestinationOffset, Ipv6AddressLength));
        datagram[offset + RoutingSegmentsLeftOffset] = 0;
        return null;
    }
}
