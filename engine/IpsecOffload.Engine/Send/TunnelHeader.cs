using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// The outer IP header a tunnel-mode SA puts in front of the inner packet (wire-formats §1.6,
/// tunnel step 2): the endpoints and the header fields the SA policy chooses. Protocol, lengths and
/// the IPv4 header checksum are filled in by <see cref="PacketFramer"/>. No IPv4 options are used.
/// </summary>
public sealed record TunnelHeader
{
    private TunnelHeader()
    {
    }

    /// <summary>True for an IPv6 outer header, false for IPv4.</summary>
    public bool IsIPv6 { get; private init; }

    /// <summary>IPv4 source (big-endian value, 10.0.111.2 = 0x0A006F02); 0 for IPv6.</summary>
    public uint SourceV4 { get; private init; }

    /// <summary>IPv4 destination (big-endian value); 0 for IPv6.</summary>
    public uint DestinationV4 { get; private init; }

    /// <summary>IPv6 source, 16 bytes; empty for IPv4.</summary>
    public ReadOnlyMemory<byte> SourceV6 { get; private init; }

    /// <summary>IPv6 destination, 16 bytes; empty for IPv4.</summary>
    public ReadOnlyMemory<byte> DestinationV6 { get; private init; }

    /// <summary>IPv4 Type of Service byte, or the IPv6 Traffic Class.</summary>
    public byte TypeOfService { get; private init; }

    /// <summary>IPv4 Identification (unused for IPv6).</summary>
    public ushort Identification { get; private init; }

    /// <summary>IPv4 flags (unused for IPv6).</summary>
    public IPv4Flags Flags { get; private init; }

    /// <summary>IPv4 TTL or IPv6 Hop Limit.</summary>
    public byte HopLimit { get; private init; }

    /// <summary>IPv6 Flow Label, 20 bits (unused for IPv4).</summary>
    public uint FlowLabel { get; private init; }

    /// <summary>Bytes of the outer header: 20 or 40.</summary>
    public int Length => IsIPv6 ? IPv6Header.Length : IPv4Header.MinimumLength;

    /// <summary>An outer IPv4 header (IHL 5, no options).</summary>
    public static TunnelHeader IPv4(uint source, uint destination, byte ttl = 64, ushort identification = 0,
        IPv4Flags flags = IPv4Flags.None, byte typeOfService = 0) =>
        new()
        {
            SourceV4 = source, DestinationV4 = destination, HopLimit = ttl, Identification = identification,
            Flags = flags, TypeOfService = typeOfService,
        };

    /// <summary>An outer IPv6 header without extension headers; throws unless both addresses are 16 bytes.</summary>
    public static TunnelHeader IPv6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte hopLimit = 64,
        byte trafficClass = 0, uint flowLabel = 0)
    {
        if (source.Length != IPv6Header.AddressLength || destination.Length != IPv6Header.AddressLength)
        {
            throw new ArgumentException($"IPv6 addresses are 16 bytes; got {source.Length} and {destination.Length}.", nameof(source));
        }

        return new()
        {
            IsIPv6 = true, SourceV6 = source.ToArray(), DestinationV6 = destination.ToArray(), HopLimit = hopLimit,
            TypeOfService = trafficClass, FlowLabel = flowLabel,
        };
    }

    /// <summary>Writes the header for a datagram of <paramref name="totalLength"/> bytes carrying <paramref name="protocol"/>; IPv4 gets its checksum.</summary>
    internal void Write(Span<byte> destination, byte protocol, int totalLength)
    {
        if (IsIPv6)
        {
            new IPv6Header
            {
                Version = 6, TrafficClass = TypeOfService, FlowLabel = FlowLabel,
                PayloadLength = PacketFramer.CheckedLength(totalLength - IPv6Header.Length, "IPv6 Payload Length"),
                NextHeader = protocol, HopLimit = HopLimit, Source = SourceV6, Destination = DestinationV6,
            }.Write(destination);
            return;
        }

        new IPv4Header
        {
            Version = 4, Ihl = 5, TypeOfService = TypeOfService,
            TotalLength = PacketFramer.CheckedLength(totalLength, "IPv4 Total Length"),
            Identification = Identification, Flags = Flags, Ttl = HopLimit, Protocol = protocol,
            Source = SourceV4, Destination = DestinationV4, Options = ReadOnlyMemory<byte>.Empty,
        }.Write(destination);
        IPv4Header.WriteChecksum(destination[..IPv4Header.MinimumLength]);
    }
}

/// <summary>The UDP ports of UDP-encapsulated ESP (RFC 3948; normally 4500 → 4500).</summary>
/// <param name="SourcePort">UDP source port.</param>
/// <param name="DestinationPort">UDP destination port.</param>
public readonly record struct UdpEspPorts(ushort SourcePort, ushort DestinationPort)
{
    /// <summary>4500 → 4500.</summary>
    public static UdpEspPorts NatTraversal => new(UdpEncapsulation.Port, UdpEncapsulation.Port);
}
