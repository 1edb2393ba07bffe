using System.Buffers.Binary;

namespace IpsecOffload.Conformance.Oracle;

/// <summary>
/// The oracle's own normalisation of an IP datagram for the AH ICV (RFC 4302 §3.3.3.1): it works on a
/// copy of the datagram from the IP header that precedes the AH to the datagram end, zeroes the mutable
/// fields and puts predictable ones in their final-destination form. It shares no code with the engine.
/// </summary>
internal static class AhIcvInput
{
    // RFC 791 §3.1 IPv4 header:
    //  0      |Version|  IHL  |Type of Service|          Total Length         |
    //  4      |         Identification        |Flags|      Fragment Offset    |
    //  8      |  Time to Live |    Protocol   |         Header Checksum       |
    // 12      |                       Source Address                          |
    // 16      |                    Destination Address                        |
    // 20      |                    Options                    |    Padding    |
    private const int V4TypeOfService = 1, V4FlagsFragment = 6, V4Ttl = 8, V4Checksum = 10, V4Destination = 16, V4Options = 20;

    // RFC 4302 Appendix A.1: the IPv4 options that are IMMUTABLE and stay in the ICV input, by their whole
    // type byte (copy bit, class, number): End of Option List (0), No Operation (1), Security (130 = 0x82),
    // Extended Security (133 = 0x85), Commercial Security (134 = 0x86), Router Alert (148 = 0x94) and
    // Sender Directed Multi-Destination Delivery (149 = 0x95). Appendix A.1 lists every other option as
    // mutable or experimental/superseded, both "zeroed": Loose/Strict Source Route, Time Stamp, Record Route,
    // Traceroute, Stream ID, MTU Probe/Reply, … The oracle zeroes every option not in the immutable list
    // (type, length and data), which also covers options defined after RFC 4302. Linux ip_clear_mutable_options
    // uses the same immutable list.
    private const byte EndOfOptions = 0x00, NoOperation = 0x01, Security = 0x82, ExtendedSecurity = 0x85,
        CommercialSecurity = 0x86, RouterAlert = 0x94, MultiDestination = 0x95;

    // RFC 791 §3.1 source route options: | type | length | pointer | route data (4-byte addresses) … |
    private const byte LooseSourceRoute = 0x83, StrictSourceRoute = 0x89;
    private const int SourceRouteFirstAddress = 3, Ipv4AddressLength = 4;

    // RFC 8200 §3 IPv6 header:
    //  0      |Version| Traffic Class |           Flow Label                  |
    //  4      |         Payload Length        |  Next Header  |   Hop Limit   |
    //  8      Source Address (16) · 24 Destination Address (16) · 40 extension headers
    private const int V6HopLimit = 7, V6NextHeader = 6, V6Destination = 24, V6Length = 40, Ipv6AddressLength = 16;

    // RFC 8200 §4.3/§4.6: Hop-by-Hop / Destination Options | Next Header | Hdr Ext Len | options (TLV) … |;
    // §4.2: the third-highest bit of an Option Type (0x20) says "Option Data may change en route"; Pad1 is one zero byte.
    private const int OptionsStart = 2;
    private const byte ChangesEnRoute = 0x20, Pad1 = 0x00;

    // RFC 8200 §4.4 Routing header | Next Header | Hdr Ext Len | Routing Type | Segments Left | type-specific … |;
    // types 0 (RFC 2460, deprecated by RFC 5095) and 2 (RFC 6275): 4 reserved bytes, then 16-byte addresses.
    private const int RoutingType = 2, RoutingSegmentsLeft = 3, RoutingAddresses = 8;

    private const byte HopByHop = 0, Routing = 43, Fragment = 44, DestinationOptions = 60;
    private const int FragmentHeaderLength = 8;

    /// <summary>
    /// Normalises <paramref name="datagram"/> (a copy starting at the IP header; the AH at
    /// <paramref name="ahOffset"/>) in place. Returns null, or a readable reason when the options or
    /// extension headers in front of the AH cannot be walked.
    /// </summary>
    public static string? Normalise(Span<byte> datagram, int ahOffset) =>
        datagram[0] >> 4 == 4 ? NormaliseIPv4(datagram) : NormaliseIPv6(datagram, ahOffset);

    private static string? NormaliseIPv4(Span<byte> datagram)
    {
        int ihl = (datagram[0] & 0x0F) * 4;

        // RFC 4302 §3.3.3.1.1.1: TOS (DSCP/ECN), Flags, Fragment Offset, TTL and Header Checksum are mutable.
        datagram[V4TypeOfService] = 0;
        datagram.Slice(V4FlagsFragment, 2).Clear();
        datagram[V4Ttl] = 0;
        datagram.Slice(V4Checksum, 2).Clear();

        int i = V4Options;
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

            int length = i + 1 < ihl ? datagram[i + 1] : 0;
            if (length < 2 || i + length > ihl)
            {
                return $"IPv4 option 0x{type:x2} at header byte 0x{i:x2} has length {length}; the options end at 0x{ihl:x2}";
            }

            if (type is not (Security or ExtendedSecurity or CommercialSecurity or RouterAlert or MultiDestination))
            {
                if (type is LooseSourceRoute or StrictSourceRoute && length >= SourceRouteFirstAddress + Ipv4AddressLength)
                {
                    // RFC 4302 §3.3.3.1.1.1: with source routing the destination is "mutable but predictable":
                    // the ICV takes the final destination, the last address of the route data.
                    datagram.Slice(i + length - Ipv4AddressLength, Ipv4AddressLength).CopyTo(datagram[V4Destination..]);
                }

                datagram.Slice(i, length).Clear();
            }

            i += length;
        }

        return null;
    }

    private static string? NormaliseIPv6(Span<byte> datagram, int ahOffset)
    {
        // RFC 4302 §3.3.3.1.2.1: Traffic Class, Flow Label and Hop Limit are mutable; Version stays.
        datagram[0] &= 0xF0;
        datagram.Slice(1, 3).Clear();
        datagram[V6HopLimit] = 0;

        // Only the extension headers in front of the AH are walked (as Linux ah6 does): the headers behind it
        // are end-to-end and reach the ICV as sent.
        byte next = datagram[V6NextHeader];
        int offset = V6Length;
        while (offset < ahOffset)
        {
            if (offset + 2 > ahOffset)
            {
                return $"IPv6 extension header {next} at 0x{offset:x2} is cut by the AH at 0x{ahOffset:x2}";
            }

            int length = next == Fragment ? FragmentHeaderLength : (datagram[offset + 1] + 1) * 8;
            if (offset + length > ahOffset)
            {
                return $"IPv6 extension header {next} at 0x{offset:x2} is {length} bytes and runs past the AH at 0x{ahOffset:x2}";
            }

            Span<byte> header = datagram.Slice(offset, length);
            string? problem = next switch
            {
                HopByHop or DestinationOptions => ZeroMutableOptions(header, offset),
                Routing => FinalDestinationForm(datagram, header, offset),
                Fragment => null, // RFC 4302 §3.3.3.1.2.2: AH is applied before fragmentation; nothing to zero.
                _ => $"IPv6 header {next} at 0x{offset:x2} in front of the AH is not an extension header",
            };
            if (problem is not null)
            {
                return problem;
            }

            next = header[0];
            offset += length;
        }

        return null;
    }

    /// <summary>RFC 4302 §3.3.3.1.2.2: the Option Data of every option whose type has the 0x20 bit is zeroed; type and length stay.</summary>
    private static string? ZeroMutableOptions(Span<byte> header, int headerOffset)
    {
        int i = OptionsStart;
        while (i < header.Length)
        {
            byte type = header[i];
            if (type == Pad1)
            {
                i++;
                continue;
            }

            if (i + 2 > header.Length || i + 2 + header[i + 1] > header.Length)
            {
                return $"IPv6 option 0x{type:x2} at 0x{headerOffset + i:x2} runs past its {header.Length}-byte extension header";
            }

            int dataLength = header[i + 1];
            if ((type & ChangesEnRoute) != 0)
            {
                header.Slice(i + 2, dataLength).Clear();
            }

            i += 2 + dataLength;
        }

        return null;
    }

    /// <summary>
    /// RFC 4302 Appendix A.2 (Routing header): the header is immutable but its addresses are reordered on the way,
    /// so the sender hashes it as the final destination will see it. Kept simple: types 0 and 2 with Segments Left
    /// above 0 are rewritten (destination = last address, the original destination in the first place still to be
    /// visited, the rest shifted, Segments Left = 0); Segments Left 0 needs nothing; other types with Segments Left
    /// above 0 (e.g. segment routing, RFC 8754) are not predicted and hashed as sent.
    /// </summary>
    private static string? FinalDestinationForm(Span<byte> datagram, Span<byte> header, int headerOffset)
    {
        int segmentsLeft = header[RoutingSegmentsLeft];
        byte type = header[RoutingType];
        if (segmentsLeft == 0 || type is not (0 or 2))
        {
            return null;
        }

        int addresses = (header.Length - RoutingAddresses) / Ipv6AddressLength;
        if (segmentsLeft > addresses)
        {
            return $"IPv6 routing header at 0x{headerOffset:x2} has Segments Left {segmentsLeft} but {addresses} addresses";
        }

        Span<byte> list = header.Slice(RoutingAddresses, addresses * Ipv6AddressLength);
        Span<byte> finalDestination = stackalloc byte[Ipv6AddressLength];
        list[((addresses - 1) * Ipv6AddressLength)..].CopyTo(finalDestination);
        int firstPending = (addresses - segmentsLeft) * Ipv6AddressLength;
        list.Slice(firstPending, (segmentsLeft - 1) * Ipv6AddressLength).CopyTo(list[(firstPending + Ipv6AddressLength)..]);
        datagram.Slice(V6Destination, Ipv6AddressLength).CopyTo(list.Slice(firstPending, Ipv6AddressLength));
        finalDestination.CopyTo(datagram.Slice(V6Destination, Ipv6AddressLength));
        header[RoutingSegmentsLeft] = 0;
        return null;
    }
}
