using IpsecOffload.Conformance.Cases;
using IpsecOffload.Ndis;

namespace IpsecOffload.Properties.Generators;

/// <summary>
/// What the adapter claims, as the generators need it: the transforms it advertises (in <see cref="SaKind.All"/>
/// order, simplest first), and whether it claims IPv6, IPv6 extension headers, IPv4 options, tunnel and
/// transport mode, ESN, each UDP-ESP type and LSO. Generators draw only inside this space, so every case is
/// one the transport may send to this adapter (SEND-30).
/// </summary>
public sealed record ProbeSpace
{
    /// <summary>The claimed transforms, simplest first.</summary>
    public required IReadOnlyList<SaKind> Kinds { get; init; }

    /// <summary>v2 transport mode.</summary>
    public bool Transport { get; init; }

    /// <summary>v2 tunnel mode.</summary>
    public bool Tunnel { get; init; }

    /// <summary>v2 over IPv6.</summary>
    public bool IPv6 { get; init; }

    /// <summary>IPv6 non-IPsec extension headers.</summary>
    public bool IPv6Extensions { get; init; }

    /// <summary>IPv4 options.</summary>
    public bool IPv4Options { get; init; }

    /// <summary>Extended sequence numbers.</summary>
    public bool Esn { get; init; }

    /// <summary>UDP-ESP in transport mode.</summary>
    public bool UdpEspTransport { get; init; }

    /// <summary>UDP-ESP in tunnel mode.</summary>
    public bool UdpEspTunnel { get; init; }

    /// <summary>LSO combined with IPsec.</summary>
    public bool Lso { get; init; }

    /// <summary>The largest IP datagram the adapter sends.</summary>
    public int Mtu { get; init; } = Engine.Lso.LsoRequest.JumboMtu;

    /// <summary>The claimed ESP transforms LSO can use (ESP only).</summary>
    public IReadOnlyList<SaKind> LsoKinds => [.. Kinds.Where(k => k.Protocol == Engine.Sa.IpsecProtocol.Esp)];

    /// <summary>True when the adapter claims at least one transform in a mode: properties that need an SA can run.</summary>
    public bool CanProtect => Kinds.Count > 0 && (Transport || Tunnel);

    /// <summary>The space of an adapter's advertised capabilities.</summary>
    public static ProbeSpace Of(AdapterCapabilities capabilities, int mtu)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        return new ProbeSpace
        {
            Kinds = [.. SaKind.All.Where(k => k.Feature.IsClaimed(capabilities))],
            Transport = Features.V2Transport.IsClaimed(capabilities),
            Tunnel = Features.V2Tunnel.IsClaimed(capabilities),
            IPv6 = Features.V2IPv6.IsClaimed(capabilities),
            IPv6Extensions = Features.V2IPv6ExtensionHeaders.IsClaimed(capabilities),
            IPv4Options = Features.V2IPv4Options.IsClaimed(capabilities),
            Esn = Features.V2Esn.IsClaimed(capabilities),
            UdpEspTransport = Features.V2UdpEsp(IPsecV2UdpEspEncapsulation.Transport).IsClaimed(capabilities),
            UdpEspTunnel = Features.V2UdpEsp(IPsecV2UdpEspEncapsulation.Tunnel).IsClaimed(capabilities),
            Lso = Features.V2Lso.IsClaimed(capabilities),
            Mtu = mtu,
        };
    }
}
