namespace IpsecOffload.Engine.Capture;

/// <summary>
/// The link-layer header types this suite writes, with their tcpdump.org LINKTYPE_ values (the
/// value an Interface Description Block carries).
/// </summary>
public enum PcapngLinkType : ushort
{
    /// <summary>LINKTYPE_ETHERNET: each packet starts with an Ethernet II header.</summary>
    Ethernet = 1,

    /// <summary>LINKTYPE_RAW: each packet is a bare IPv4 or IPv6 packet (version nibble decides).</summary>
    RawIp = 101,
}
