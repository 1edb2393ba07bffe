using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// ESP transport mode on the wire (ESP-01…04, SEND-09, SEND-10): every v2 ESP transform the capability
/// can advertise, over IPv4 and IPv6, with payload sizes at the padding edges (0, 1, block − 1, block,
/// 1400), each in its own NBL of one chain; plus IPv4 options and IPv6 extension headers left as framed.
/// </summary>
internal static class EspCases
{
    private static readonly string[] Ids = ["ESP-01", "ESP-02", "ESP-03", "ESP-04", "SEND-09", "SEND-10"];

    private static readonly string[] Edge = ["AesGcm128Icv16", "AesCbc256HmacSha256"];
    private static readonly int[] EdgeSizes = [1, 100];

    public static IEnumerable<ConformanceCase> All =>
    [
        .. from t in WireKit.AllEspTransforms
           from ipv6 in WireKit.FalseTrue
           select Case($"Esp01_{t.Name}_ProtectedOnWire_V2{(ipv6 ? "Ipv6" : "Ipv4")}", Ids,
               $"v2 ESP transport {t.Name} over {(ipv6 ? "IPv6" : "IPv4")}: UDP payloads of {string.Join(", ", WireKit.PaddingEdgeSizes(t.Block))} bytes, one NBL each: ICVs verify, payloads decrypt to what the transport framed, SPI/SN/IV/headers unchanged",
               ipv6 ? [t.Feature, Features.V2Transport, Features.V2IPv6] : [t.Feature, Features.V2Transport],
               c => Transport(c, t, ipv6, sizes: WireKit.PaddingEdgeSizes(t.Block), plain: (random, size) => WireKit.Udp(random, ipv6, size))),
        .. from name in Edge
           select Case($"Esp04_{name}_Ipv4OptionsLeftAsFramed_V2Ipv4Options", ["ESP-04", "ESP-01", "ESP-02", "SEND-09"],
               $"v2 ESP transport {name} over IPv4 with 8 bytes of options: the options and header leave as framed, the payload is protected",
               [WireKit.Transform(name).Feature, Features.V2Transport, Features.V2IPv4Options],
               c => Transport(c, WireKit.Transform(name), false, sizes: EdgeSizes, plain: (random, size) => WireKit.Udp4WithOptions(random, size))),
        .. from name in Edge
           select Case($"Esp04_{name}_ExtensionHeadersLeftAsFramed_V2Ipv6Ext", ["ESP-04", "ESP-01", "ESP-02", "SEND-09"],
               $"v2 ESP transport {name} over IPv6 with hop-by-hop and destination options headers in front of ESP: they leave as framed, the payload is protected",
               [WireKit.Transform(name).Feature, Features.V2Transport, Features.V2IPv6, Features.V2IPv6ExtensionHeaders],
               c => Transport(c, WireKit.Transform(name), true, sizes: EdgeSizes, plain: WireKit.Udp6WithExtensions)),
    ];

    private static void Transport(CaseContext c, WireKit.EspTransform t, bool ipv6, int[] sizes, Func<Random, int, byte[]> plain)
    {
        SaSpec sa = t.Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa, ipv6));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. sizes.Select((size, i) => CaseKit.Frame(c.Random, plain(c.Random, size), sa, sequence + (ulong)i))];
        WireKit.SendEachProtected(c, handle, packets, [sa], "ESP-01", $"esp-{t.Name}");
    }
}
