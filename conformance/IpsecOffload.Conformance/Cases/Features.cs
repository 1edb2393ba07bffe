using IpsecOffload.Engine.Crypto;
using IpsecOffload.Ndis;

namespace IpsecOffload.Conformance.Cases;

/// <summary>The features cases need, each tied to the <c>NDIS_OFFLOAD</c> member that advertises it.</summary>
public static class Features
{
    private const string V2 = "NDIS_IPSEC_OFFLOAD_V2";
    private const string V1 = "NDIS_IPSEC_OFFLOAD_V1";

    /// <summary>v2 ESP with <paramref name="encryption"/> (null: no encryption member) and <paramref name="integrity"/> (null: none, e.g. AES-GCM).</summary>
    public static Feature V2Esp(CryptoAlgorithm? encryption, CryptoAlgorithm? integrity)
    {
        IPsecV2Encryption e = encryption?.V2Encryption ?? IPsecV2Encryption.Absent;
        IPsecV2Authentication a = integrity?.V2Authentication ?? IPsecV2Authentication.Absent;
        string name = $"v2 ESP {encryption?.Name ?? "no encryption"}{(integrity is null ? "" : " + " + integrity.Name)}";
        return new Feature(name, $"{V2}.Esp, .EncryptionAlgorithms, .AuthenticationAlgorithms",
            c => c.V2.Esp && (e == IPsecV2Encryption.Absent || c.V2.EncryptionAlgorithms.HasFlag(e))
                && (a == IPsecV2Authentication.Absent || c.V2.AuthenticationAlgorithms.HasFlag(a)));
    }

    /// <summary>v2 AH with <paramref name="integrity"/>.</summary>
    public static Feature V2Ah(CryptoAlgorithm integrity)
    {
        ArgumentNullException.ThrowIfNull(integrity);
        IPsecV2Authentication a = integrity.V2Authentication;
        return new Feature($"v2 AH {integrity.Name}", $"{V2}.Ah, .AuthenticationAlgorithms", c => c.V2.Ah && c.V2.AuthenticationAlgorithms.HasFlag(a));
    }

    /// <summary>Any v2 IPsec offload (the adapter advertises ESP or AH in transport or tunnel mode).</summary>
    public static Feature V2Any { get; } = new("v2 IPsec offload", $"{V2}.Esp/.Ah", c => (c.V2.Esp || c.V2.Ah) && (c.V2.Transport || c.V2.Tunnel));

    /// <summary>v2 transport mode.</summary>
    public static Feature V2Transport { get; } = new("v2 transport mode", $"{V2}.Transport", c => c.V2.Transport);

    /// <summary>v2 tunnel mode.</summary>
    public static Feature V2Tunnel { get; } = new("v2 tunnel mode", $"{V2}.Tunnel", c => c.V2.Tunnel);

    /// <summary>v2 transport SA inside a tunnel SA (two handles).</summary>
    public static Feature V2TransportOverTunnel { get; } = new("v2 transport over tunnel", $"{V2}.TransportTunnelCombined", c => c.V2.TransportTunnelCombined);

    /// <summary>v2 ESP followed by AH in one bundle.</summary>
    public static Feature V2AhEsp { get; } = new("v2 AH + ESP bundle", $"{V2}.AhEspCombined", c => c.V2.AhEspCombined);

    /// <summary>v2 over IPv6.</summary>
    public static Feature V2IPv6 { get; } = new("v2 IPv6", $"{V2}.IPv6Supported", c => c.V2.IPv6Supported);

    /// <summary>v2 over IPv6 packets with non-IPsec extension headers (hop-by-hop, destination options).</summary>
    public static Feature V2IPv6ExtensionHeaders { get; } = new("v2 IPv6 non-IPsec extension headers", $"{V2}.IPv6NonIPsecExtensionHeaders",
        c => c.V2.IPv6NonIPsecExtensionHeaders);

    /// <summary>v2 with IPv4 options.</summary>
    public static Feature V2IPv4Options { get; } = new("v2 IPv4 options", $"{V2}.IPv4Options", c => c.V2.IPv4Options);

    /// <summary>v2 extended sequence numbers.</summary>
    public static Feature V2Esn { get; } = new("v2 extended sequence numbers", $"{V2}.ExtendedSequenceNumbers",
        c => c.V2.ExtendedSequenceNumbers);

    /// <summary>v2 LSO combined with IPsec.</summary>
    public static Feature V2Lso { get; } = new("v2 LSO + IPsec", $"{V2}.LsoSupported", c => c.V2.LsoSupported);

    /// <summary>v2 UDP-ESP encapsulation of <paramref name="type"/>.</summary>
    public static Feature V2UdpEsp(IPsecV2UdpEspEncapsulation type) =>
        new($"v2 UDP-ESP {type}", $"{V2}.UdpEsp", c => c.V2.UdpEsp.HasFlag(type));

    /// <summary>v1 ESP with 3DES or DES (<paramref name="des"/>) and, through the bundle, an AH/ESP integrity algorithm.</summary>
    public static Feature V1Esp(bool des = false) => new($"v1 ESP {(des ? "DES" : "3DES")}", $"{V1}.IPv4Esp.{(des ? "Des" : "TripleDes")}, .Send",
        c => c.V1.IPv4Esp.Send != 0 && (des ? c.V1.IPv4Esp.Des : c.V1.IPv4Esp.TripleDes) != 0);

    /// <summary>v1 AH.</summary>
    public static Feature V1Ah { get; } = new("v1 AH", $"{V1}.IPv4Ah.Send", c => c.V1.IPv4Ah.Send != 0);

    /// <summary>v1 IPsec offload of any kind.</summary>
    public static Feature V1Any { get; } = new("v1 IPsec offload", $"{V1}.IPv4Ah/.IPv4Esp .Send", c => c.V1.IPv4Ah.Send != 0 || c.V1.IPv4Esp.Send != 0);
}
