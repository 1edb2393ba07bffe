namespace IpsecOffload.Engine.Wire;

/// <summary>What a <see cref="FrameLayer"/> is.</summary>
public enum FrameLayerKind
{
    /// <summary>Ethernet II header, tags included (the tags are also listed as <see cref="VlanTag"/> layers inside it).</summary>
    Ethernet,
    /// <summary>One 802.1Q/802.1ad tag, inside the Ethernet header.</summary>
    VlanTag,
    /// <summary>IPv4 header with options.</summary>
    IPv4,
    /// <summary>The fixed IPv6 header.</summary>
    IPv6,
    /// <summary>IPv6 Hop-by-Hop Options header.</summary>
    IPv6HopByHop,
    /// <summary>IPv6 Routing header.</summary>
    IPv6Routing,
    /// <summary>IPv6 Fragment header.</summary>
    IPv6Fragment,
    /// <summary>IPv6 Destination Options header.</summary>
    IPv6DestinationOptions,
    /// <summary>TCP header with options.</summary>
    Tcp,
    /// <summary>UDP header (not carrying ESP).</summary>
    Udp,
    /// <summary>UDP header carrying ESP (RFC 3948).</summary>
    UdpEncapsulation,
    /// <summary>The 4-byte zero Non-ESP Marker before an IKE message on the NAT-T port.</summary>
    NonEspMarker,
    /// <summary>The one-byte 0xFF NAT-keepalive payload.</summary>
    NatKeepalive,
    /// <summary>ICMP header (first 8 bytes).</summary>
    Icmp,
    /// <summary>ICMPv6 header (first 8 bytes).</summary>
    Icmpv6,
    /// <summary>ESP header: SPI and sequence number.</summary>
    Esp,
    /// <summary>ESP IV (length from <see cref="EspLayoutHint"/>).</summary>
    EspIv,
    /// <summary>Everything after the ESP sequence number when no <see cref="EspLayoutHint"/> is given.</summary>
    EspData,
    /// <summary>Encrypted payload and trailer when the IV/ICV lengths are known but the pad length is not.</summary>
    EspCiphertext,
    /// <summary>ESP payload data not parsed further (encrypted, or an unknown next header).</summary>
    EspPayload,
    /// <summary>Bytes between the end of a cleartext inner packet and the ESP padding (RFC 4303 §2.7 TFC padding).</summary>
    EspTfcPadding,
    /// <summary>ESP padding, pad length and next header.</summary>
    EspTrailer,
    /// <summary>ESP ICV.</summary>
    EspIcv,
    /// <summary>Authentication Header, ICV and padding included.</summary>
    Ah,
    /// <summary>Bytes after a header that were not parsed further; named by that header.</summary>
    Payload,
    /// <summary>Bytes after the end a length field gave (Ethernet padding, bytes past an IP datagram or UDP length).</summary>
    Trailer,
}

/// <summary>One region of a parsed frame.</summary>
/// <param name="Kind">What the region is.</param>
/// <param name="Name">
/// The layer name used in field names: <c>Ethernet</c>, <c>Vlan0</c>, <c>IPv4</c>, <c>IPv6HopByHop</c>,
/// <c>UDP</c>, <c>ESP</c>, <c>AH</c>, <c>TCP</c>, <c>ICMP</c>… Layers behind a tunnel's inner IP header
/// carry an <c>Inner</c> prefix (<c>InnerIPv4</c>, <c>InnerTCP</c>; <c>Inner2</c> one level deeper).
/// </param>
/// <param name="Offset">Offset of the first byte in the frame.</param>
/// <param name="Length">Length in bytes (header length for headers).</param>
public readonly record struct FrameLayer(FrameLayerKind Kind, string Name, int Offset, int Length)
{
    /// <summary>Offset of the first byte after the layer.</summary>
    public int End => Offset + Length;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}) [0x{Offset:x2}, 0x{End:x2})";
}
