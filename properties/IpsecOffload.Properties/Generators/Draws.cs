using System.Globalization;
using IpsecOffload.Ndis;

namespace IpsecOffload.Properties.Generators;

/// <summary>How the transport frames the SA's packets.</summary>
public enum SaMode
{
    /// <summary>Transport mode.</summary>
    Transport,

    /// <summary>Tunnel mode: the transport adds an outer IP header of the SA's family.</summary>
    Tunnel,
}

/// <summary>The upper-layer protocol of a generated packet.</summary>
public enum UpperLayer
{
    /// <summary>UDP (RFC 768).</summary>
    Udp,

    /// <summary>TCP (RFC 9293) with 12 bytes of options.</summary>
    Tcp,

    /// <summary>ICMP echo request (ICMPv6 over IPv6).</summary>
    Icmp,
}

/// <summary>What happens to an NBL's handle in a chain (the completion property mixes them).</summary>
public enum NblFate
{
    /// <summary>The live SA's handle: sent protected.</summary>
    Protected,

    /// <summary>OffloadHandle 0: sent as it is.</summary>
    ZeroHandle,

    /// <summary>A handle that names no SA: refused.</summary>
    UnknownHandle,
}

/// <summary>
/// One drawn SA, valid by construction for the adapter's claims: transform, family, mode, UDP-ESP, full-range
/// SPI and first sequence number, ESN with a full-range high half, and the seed its keys come from.
/// </summary>
/// <param name="Kind">The transform.</param>
/// <param name="IPv6">An IPv6 SA (packets and tunnel headers are IPv6).</param>
/// <param name="Mode">Transport or tunnel.</param>
/// <param name="UdpEsp">UDP-ESP encapsulation (ESP only), or None.</param>
/// <param name="Spi">The SPI (full 32-bit range, never 0).</param>
/// <param name="FirstSequence">The first packet's sequence number low half (headroom kept for the chain).</param>
/// <param name="Esn">Extended sequence numbers.</param>
/// <param name="SequenceHigh">The ESN high half (0 without ESN).</param>
/// <param name="KeySeed">Seed of the keys (keys never appear in text).</param>
public sealed record SaDraw(SaKind Kind, bool IPv6, SaMode Mode, IPsecV2UdpEspEncapsulation UdpEsp, uint Spi, uint FirstSequence, bool Esn,
    uint SequenceHigh, ulong KeySeed)
{
    /// <summary>One line without keys.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind.Name} {(IPv6 ? "IPv6" : "IPv4")} {Mode}{(UdpEsp == IPsecV2UdpEspEncapsulation.None ? "" : " UDP-ESP " + UdpEsp)} spi 0x{Spi:x8} first SN 0x{FirstSequence:x8}{(Esn ? $" ESN high 0x{SequenceHigh:x8}" : "")} (keys not shown)");
}

/// <summary>The header shape every packet of one NBL shares (SEND-32: one set of offsets per NBL).</summary>
/// <param name="Upper">UDP, TCP or ICMP.</param>
/// <param name="Ipv4OptionWords">IPv4 option 32-bit words (0…10; IPv4 only).</param>
/// <param name="Ipv6Extensions">IPv6 non-IPsec extension headers in front of the upper layer (0…2; IPv6 only).</param>
public sealed record PacketShape(UpperLayer Upper, int Ipv4OptionWords, int Ipv6Extensions)
{
    /// <summary>The simplest shape: UDP, no options, no extension headers.</summary>
    public static PacketShape Simplest { get; } = new(UpperLayer.Udp, 0, 0);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Upper}{(Ipv4OptionWords > 0 ? $" +{Ipv4OptionWords * 4}B IPv4 options" : "")}{(Ipv6Extensions > 0 ? $" +{Ipv6Extensions} IPv6 ext headers" : "")}");
}

/// <summary>
/// How one NET_BUFFER's bytes sit in its MDL chain: cut positions (any byte; a repeated position or 0 makes
/// an empty MDL), unused bytes before the data (<c>DataOffset</c>) and spare bytes after it.
/// </summary>
/// <param name="Splits">Raw cut positions; reduced modulo the chain length + 1 and sorted when built.</param>
/// <param name="DataOffset">Unused bytes in front of the data.</param>
/// <param name="Spare">Unused bytes after the data.</param>
public sealed record GeometryDraw(IReadOnlyList<int> Splits, int DataOffset, int Spare)
{
    /// <summary>One MDL, data offset 0, no spare bytes.</summary>
    public static GeometryDraw Flat { get; } = new([], 0, 0);

    /// <summary>True for one MDL holding exactly the data.</summary>
    public bool IsFlat => Splits.Count == 0 && DataOffset == 0 && Spare == 0;

    /// <inheritdoc/>
    public override string ToString() => IsFlat ? "flat" : string.Create(CultureInfo.InvariantCulture,
        $"splits [{string.Join(", ", Splits)}] offset {DataOffset} spare {Spare}");
}

/// <summary>One NET_BUFFER: extra payload in whole alignment blocks over the NBL's base payload, its byte seed, its geometry.</summary>
/// <param name="ExtraBlocks">Payload blocks added to the NBL's base payload (keeps one PadLength per NBL).</param>
/// <param name="Seed">Seed of the packet's field values, payload and IV.</param>
/// <param name="Geometry">The MDL geometry.</param>
public sealed record NbDraw(int ExtraBlocks, ulong Seed, GeometryDraw Geometry);

/// <summary>One NBL: its fate, the shared shape and base payload, and its NET_BUFFERs.</summary>
/// <param name="Fate">Protected, zero handle or unknown handle.</param>
/// <param name="Shape">The shared header shape.</param>
/// <param name="Payload">Base upper-layer payload bytes.</param>
/// <param name="Nbs">The NET_BUFFERs (at least one).</param>
public sealed record NblDraw(NblFate Fate, PacketShape Shape, int Payload, IReadOnlyList<NbDraw> Nbs);

/// <summary>A send probe: one SA and a chain of NBLs on it.</summary>
/// <param name="Sa">The SA.</param>
/// <param name="Nbls">The chain (at least one NBL).</param>
public sealed record SendDraw(SaDraw Sa, IReadOnlyList<NblDraw> Nbls)
{
    /// <summary>NET_BUFFERs in the whole chain.</summary>
    public int NetBufferCount => Nbls.Sum(n => n.Nbs.Count);
}

/// <summary>An LSO + ESP probe: the SA, LSO version, MSS, the large packet's TCP payload and flags, and the byte seed.</summary>
/// <param name="Sa">The SA (ESP, transport mode).</param>
/// <param name="V1">LSOv1 (IPv4 only); else LSOv2.</param>
/// <param name="Mss">The MSS.</param>
/// <param name="Payload">TCP payload bytes of the large packet.</param>
/// <param name="Flags">TCP flags of the large packet.</param>
/// <param name="Seed">Seed of field values, payload and IV.</param>
public sealed record LsoDraw(SaDraw Sa, bool V1, int Mss, int Payload, Engine.Wire.TcpFlags Flags, ulong Seed)
{
    /// <summary>Segments the NIC must send.</summary>
    public int Segments => Payload == 0 ? 1 : (Payload + Mss - 1) / Mss;
}
