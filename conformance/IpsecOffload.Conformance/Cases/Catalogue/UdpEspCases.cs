using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// UDP-encapsulated ESP (UDPESP-01) in transport and tunnel mode over IPv4: ports 4500 → 4500 and a
/// random non-default source port; the UDP header (ports, length, checksum 0 as framed, AMB-32) leaves
/// unchanged and the ESP transform starts after it.
/// </summary>
internal static class UdpEspCases
{
    private static readonly string[] Transforms = ["AesGcm128Icv16", "AesCbc128HmacSha256", "EspNullHmacSha1"];

    public static IEnumerable<ConformanceCase> All =>
    [
        .. from name in Transforms
           from tunnel in WireKit.FalseTrue
           from natPorts in WireKit.FalseTrue
           let t = WireKit.Transform(name)
           let mode = tunnel ? "Tunnel" : "Transport"
           let ports = natPorts ? "Ports4500" : "SourcePortNot4500"
           select Case($"UdpEsp01_{name}_{mode}{ports}_UdpHeaderSentAsFramed_V2Ipv4", ["UDPESP-01", "ESP-01", "ESP-02", "ESP-04"],
               $"v2 UDP-ESP {mode.ToLowerInvariant()} {name} over IPv4, {(natPorts ? "4500 → 4500" : "random source port → 4500")}: the UDP header leaves as framed, the ESP after it verifies and decrypts",
               tunnel ? [t.Feature, Features.V2Tunnel, Features.V2UdpEsp(IPsecV2UdpEspEncapsulation.Tunnel)]
                   : [t.Feature, Features.V2Transport, Features.V2UdpEsp(IPsecV2UdpEspEncapsulation.Transport)],
               c => Send(c, t, tunnel, natPorts)),
    ];

    private static void Send(CaseContext c, WireKit.EspTransform t, bool tunnel, bool natPorts)
    {
        SaSpec sa = t.Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, new BundleSpec
        {
            Sas = [sa],
            UdpEsp = tunnel ? IPsecV2UdpEspEncapsulation.Tunnel : IPsecV2UdpEspEncapsulation.Transport,
        });
        ushort source = natPorts ? UdpEncapsulation.Port : (ushort)c.Random.Next(1025, UdpEncapsulation.Port);
        var ports = new UdpEspPorts(source, UdpEncapsulation.Port);
        TunnelHeader? outer = tunnel ? WireKit.TunnelV4(c.Random) : null;
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. new[] { 0, 1, t.Block, 700 }.Select((size, i) =>
            CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, size), sa, sequence + (ulong)i, outer, ports))];
        WireKit.SendEachProtected(c, handle, packets, [sa], "UDPESP-01", $"udp-esp-{source}");
    }
}
