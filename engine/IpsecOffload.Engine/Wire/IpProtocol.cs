namespace IpsecOffload.Engine.Wire;

/// <summary>
/// IP protocol / IPv6 Next Header numbers used on the send path (IANA "Assigned Internet Protocol
/// Numbers"; wire-formats §0 quick reference).
/// </summary>
public static class IpProtocol
{
    /// <summary>IPv6 Hop-by-Hop Options header.</summary>
    public const byte HopByHop = 0;
    /// <summary>ICMP for IPv4.</summary>
    public const byte Icmp = 1;
    /// <summary>IPv4 encapsulated in IP (tunnel mode, inner IPv4).</summary>
    public const byte IPv4 = 4;
    /// <summary>TCP.</summary>
    public const byte Tcp = 6;
    /// <summary>UDP (also the outer protocol of UDP-encapsulated ESP).</summary>
    public const byte Udp = 17;
    /// <summary>IPv6 encapsulated in IP (tunnel mode, inner IPv6).</summary>
    public const byte IPv6 = 41;
    /// <summary>IPv6 Routing header.</summary>
    public const byte Routing = 43;
    /// <summary>IPv6 Fragment header.</summary>
    public const byte Fragment = 44;
    /// <summary>Encapsulating Security Payload.</summary>
    public const byte Esp = 50;
    /// <summary>Authentication Header.</summary>
    public const byte Ah = 51;
    /// <summary>ICMP for IPv6.</summary>
    public const byte Icmpv6 = 58;
    /// <summary>No Next Header (ESP dummy packet).</summary>
    public const byte NoNextHeader = 59;
    /// <summary>IPv6 Destination Options header.</summary>
    public const byte DestinationOptions = 60;
}
