using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// AH on the wire (AH-01, AH-02): HMAC-MD5/SHA1/SHA256 and AES-GMAC-128/192/256 over IPv4, IPv4 with
/// options, IPv6, IPv6 with extension headers, and tunnel mode; and the ESP-then-AH bundle of one
/// ADD_SA (SEND-11, AH-03).
/// </summary>
internal static class AhCases
{
    private static readonly CryptoAlgorithm[] Macs =
        [CryptoAlgorithm.HmacMd5, CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256, CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256];

    private static readonly CryptoAlgorithm[] TunnelMacs = [CryptoAlgorithm.HmacSha256, CryptoAlgorithm.AesGmac128];
    private static readonly int[] TransportSizes = [0, 1, 3, 700], TunnelSizes = [1, 500];

    private sealed record Shape(string Name, bool IPv6, Feature[] Needs, Func<Random, int, byte[]> Plain);

    private static readonly Shape[] Shapes =
    [
        new("V2Ipv4", false, [], (random, size) => CaseKit.Udp4(random, size)),
        new("V2Ipv4Options", false, [Features.V2IPv4Options], (random, size) => WireKit.Udp4WithOptions(random, size)),
        new("V2Ipv6", true, [Features.V2IPv6], (random, size) => CaseKit.Udp6(random, size)),
        new("V2Ipv6Ext", true, [Features.V2IPv6, Features.V2IPv6ExtensionHeaders], WireKit.Udp6WithExtensions),
    ];

    private static readonly (string Esp, CryptoAlgorithm Ah)[] Bundles =
    [
        ("AesGcm128Icv16", CryptoAlgorithm.HmacSha256),
        ("AesCbc128HmacSha1", CryptoAlgorithm.AesGmac128),
        ("TripleDesCbcHmacMd5", CryptoAlgorithm.HmacSha1),
    ];

    public static IEnumerable<ConformanceCase> All =>
    [
        .. from mac in Macs
           from shape in Shapes
           select Case($"Ah01_{WireKit.NameOf(mac)}_VerifiesOnWire_{shape.Name}", ["AH-01", "AH-02", "SEND-09", "SEND-10"],
               $"v2 AH transport {mac.Name}, {shape.Name}: the ICV verifies over the datagram with mutable fields zeroed; header, SPI, SN and every immutable byte leave as framed",
               [Features.V2Ah(mac), Features.V2Transport, .. shape.Needs],
               c => Transport(c, mac, shape)),
        .. from mac in TunnelMacs
           from outerV6 in WireKit.FalseTrue
           let shape = outerV6 ? "V6InV6" : "V4InV4"
           select Case($"Ah01_{WireKit.NameOf(mac)}_Tunnel{shape}_VerifiesOnWire_V2", ["AH-01", "AH-02", "SEND-09"],
               $"v2 AH tunnel {mac.Name}, {shape}: the ICV covers the outer header (mutable fields zeroed) and the whole inner packet, all sent as framed",
               outerV6 ? [Features.V2Ah(mac), Features.V2Tunnel, Features.V2IPv6] : [Features.V2Ah(mac), Features.V2Tunnel],
               c => Tunnel(c, mac, outerV6)),
        .. from bundle in Bundles
           from ipv6 in WireKit.FalseTrue
           let esp = WireKit.Transform(bundle.Esp)
           select Case($"Send11_EspThenAh{bundle.Esp}Plus{WireKit.NameOf(bundle.Ah)}_AhCoversEsp_V2{(ipv6 ? "Ipv6" : "Ipv4")}",
               ["SEND-11", "AH-03", "AH-01", "ESP-01", "ESP-02"],
               $"v2 bundle [ESP {bundle.Esp}, AH {bundle.Ah.Name}] in one ADD_SA over {(ipv6 ? "IPv6" : "IPv4")}: ESP is encrypted first and the AH ICV covers the ESP packet as sent",
               ipv6 ? [Features.V2AhEsp, esp.Feature, Features.V2Ah(bundle.Ah), Features.V2Transport, Features.V2IPv6]
                   : [Features.V2AhEsp, esp.Feature, Features.V2Ah(bundle.Ah), Features.V2Transport],
               c => EspThenAh(c, esp, bundle.Ah, ipv6)),
    ];

    private static void Transport(CaseContext c, CryptoAlgorithm mac, Shape shape)
    {
        SaSpec sa = CaseKit.Ah(c.Random, mac);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa, shape.IPv6));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. TransportSizes.Select((size, i) => CaseKit.Frame(c.Random, shape.Plain(c.Random, size), sa, sequence + (ulong)i))];
        WireKit.SendEachProtected(c, handle, packets, [sa], "AH-01", $"ah-{mac.Name}");
    }

    private static void Tunnel(CaseContext c, CryptoAlgorithm mac, bool ipv6)
    {
        SaSpec sa = CaseKit.Ah(c.Random, mac);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa, ipv6));
        TunnelHeader outer = ipv6 ? WireKit.TunnelV6(c.Random) : WireKit.TunnelV4(c.Random);
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. TunnelSizes.Select((size, i) => CaseKit.Frame(c.Random, WireKit.Udp(c.Random, ipv6, size), sa, sequence + (ulong)i, outer))];
        WireKit.SendEachProtected(c, handle, packets, [sa], "AH-01", $"ah-tunnel-{mac.Name}");
    }

    private static void EspThenAh(CaseContext c, WireKit.EspTransform espT, CryptoAlgorithm mac, bool ipv6)
    {
        SaSpec esp = espT.Sa(c.Random);
        SaSpec ah = CaseKit.Ah(c.Random, mac);
        ulong handle = c.AddSa(SaApi.V2, new BundleSpec { Sas = [esp, ah], IPv6 = ipv6 });
        ulong espSequence = CaseKit.Sequence(c.Random), ahSequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. new[] { 0, espT.Block, 900 }.Select((size, i) => TransportSimulator.Frame(WireKit.Udp(c.Random, ipv6, size),
            [TransportSimulator.Framing(esp, espSequence + (ulong)i, CaseKit.Bytes(c.Random, esp.IvLength)),
             TransportSimulator.Framing(ah, ahSequence + (ulong)i, CaseKit.Bytes(c.Random, ah.IvLength))]))];
        WireKit.SendEachProtected(c, handle, packets, [esp, ah], "AH-03", $"esp-ah-{espT.Name}");
    }
}
