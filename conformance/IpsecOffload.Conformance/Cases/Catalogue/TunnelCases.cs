using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// ESP tunnel mode (ESP-05: v4-in-v4, v6-in-v4, v4-in-v6, v6-in-v6), device-written IVs (ESP-06, only
/// under a profile with <c>EspIv = Device</c>) and transport over tunnel (SEND-05, SEND-06: the
/// <c>OffloadHandle</c> SA applied first, then the <c>TunnelHandle</c> SA).
/// </summary>
internal static class TunnelCases
{
    private const int DeviceIvPackets = 32;

    private static readonly (string Name, bool InnerV6, bool OuterV6)[] Shapes =
        [("V4InV4", false, false), ("V6InV4", true, false), ("V4InV6", false, true), ("V6InV6", true, true)];

    private static readonly (string Inner, string Outer, bool InnerV6, bool OuterV6)[] Combined =
    [
        ("AesGcm128Icv16", "AesCbc128HmacSha256", false, false),
        ("AesCbc256HmacSha1", "AesGcm256Icv16", true, true),
        ("AesGmac128", "AesCbc192HmacMd5", false, false),
    ];

    private static readonly string[] TunnelTransforms = ["AesGcm128Icv16", "AesCbc256HmacSha256", "TripleDesCbcHmacSha1"];
    private static readonly string[] DeviceIvTransforms = ["AesGcm128Icv16", "AesCbc128HmacSha1", "AesGmac256"];
    private static readonly int[] CombinedSizes = [1, 333];

    public static IEnumerable<ConformanceCase> All =>
    [
        .. from name in TunnelTransforms
           from shape in Shapes
           let t = WireKit.Transform(name)
           select Case($"Esp05_{name}_Tunnel{shape.Name}_ProtectedOnWire_V2", ["ESP-05", "ESP-01", "ESP-02", "ESP-04", "SEND-09"],
               $"v2 ESP tunnel {name}, {shape.Name}: the outer header leaves as framed, the whole inner packet (Next Header {(shape.InnerV6 ? 41 : 4)}) decrypts, the ICV verifies",
               Needs(t.Feature, shape.InnerV6 || shape.OuterV6, Features.V2Tunnel),
               c => Tunnel(c, t, shape.InnerV6, shape.OuterV6)),
        .. from name in DeviceIvTransforms
           select Case($"Esp06_{name}_DeviceIv_NoIvRepeatsOver32Packets_V2", ["ESP-06", "ESP-01", "ESP-02"],
               $"profile EspIv = Device, v2 ESP transport {name}: {DeviceIvPackets} packets framed with an all-zero IV placeholder; every IV on the wire differs and the packets verify and decrypt with them",
               [WireKit.Transform(name).Feature, Features.V2Transport], c => DeviceIv(c, WireKit.Transform(name))) with
           {
               ProfileCondition = p => p.Offload.EspIv == EspIvSource.Device ? null
                   : "ESP-06 judges NICs that write the ESP IV themselves (profile EspIv = Device); this profile says the transport writes it (AMB-01)",
           },
        .. from combo in Combined
           let inner = WireKit.Transform(combo.Inner)
           let outer = WireKit.Transform(combo.Outer)
           let shape = $"{(combo.InnerV6 ? "V6" : "V4")}In{(combo.OuterV6 ? "V6" : "V4")}"
           select Case($"Send06_TransportOverTunnel{combo.Inner}In{combo.Outer}_InnerSaFirst_V2{shape}", ["SEND-06", "SEND-05", "ESP-05", "ESP-01", "ESP-02"],
               $"v2 transport over tunnel, {shape}: OffloadHandle = transport SA {combo.Inner}, TunnelHandle = tunnel SA {combo.Outer}; the transport SA is applied to the inner packet first, then the tunnel SA around it",
               [.. Needs(inner.Feature, combo.InnerV6 || combo.OuterV6, Features.V2Tunnel), outer.Feature, Features.V2Transport, Features.V2TransportOverTunnel],
               c => TransportOverTunnel(c, inner, outer, combo.InnerV6, combo.OuterV6)),
    ];

    private static Feature[] Needs(Feature esp, bool ipv6, Feature mode) => ipv6 ? [esp, mode, Features.V2IPv6] : [esp, mode];

    private static TunnelHeader Outer(Random random, bool ipv6) => ipv6 ? WireKit.TunnelV6(random) : WireKit.TunnelV4(random);

    private static void Tunnel(CaseContext c, WireKit.EspTransform t, bool innerV6, bool outerV6)
    {
        SaSpec sa = t.Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa, outerV6));
        TunnelHeader outer = Outer(c.Random, outerV6);
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. new[] { 0, 1, t.Block - 1, 600 }.Select((size, i) =>
            CaseKit.Frame(c.Random, WireKit.Udp(c.Random, innerV6, size), sa, sequence + (ulong)i, outer))];
        WireKit.SendEachProtected(c, handle, packets, [sa], "ESP-05", $"tunnel-{t.Name}");
    }

    private static void DeviceIv(CaseContext c, WireKit.EspTransform t)
    {
        SaSpec sa = t.Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        byte[] zeroIv = new byte[sa.IvLength];
        FramedPacket[] packets = [.. Enumerable.Range(0, DeviceIvPackets).Select(i =>
            TransportSimulator.Frame(CaseKit.Udp4(c.Random, 64), [TransportSimulator.Framing(sa, sequence + (ulong)i, zeroIv)]))];
        const int PerNbl = DeviceIvPackets / 2;
        NetBufferList first = c.Nbl(SaApi.V2, packets[..PerNbl], handle, name: "device-iv-0");
        NetBufferList second = c.Nbl(SaApi.V2, packets[PerNbl..], handle, name: "device-iv-1");
        c.Send(first, second);
        var options = c.OracleOptionsFor() with { IvsSeen = new Dictionary<uint, HashSet<string>>() };
        foreach ((NetBufferList nbl, FramedPacket[] sent) in new[] { (first, packets[..PerNbl]), (second, packets[PerNbl..]) })
        {
            IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, "ESP-06");
            c.Check(frames.Count == sent.Length, "SEND-08", $"{nbl.Name} carried {sent.Length} NET_BUFFERs but {frames.Count} frame(s) went out");
            for (int i = 0; i < sent.Length; i++)
            {
                OracleJudgement judgement = WireOracle.Judge(sent[i], [sa], frames[i], options);
                if (!judgement.Ok)
                {
                    string requirement = judgement.Problems.Any(p => p.Contains("ESP-06", StringComparison.Ordinal)) ? "ESP-06" : judgement.Requirement ?? "ESP-01";
                    c.Fail(requirement, $"{nbl.Name} NB {i} (framed with an all-zero IV for the NIC to replace): {judgement.Render()}");
                }
            }
        }
    }

    private static void TransportOverTunnel(CaseContext c, WireKit.EspTransform innerT, WireKit.EspTransform outerT, bool innerV6, bool outerV6)
    {
        SaSpec inner = innerT.Sa(c.Random);
        SaSpec outer = outerT.Sa(c.Random);
        ulong transportHandle = c.AddSa(SaApi.V2, BundleSpec.Of(inner, innerV6));
        ulong tunnelHandle = c.AddSa(SaApi.V2, BundleSpec.Of(outer, outerV6));
        TunnelHeader header = Outer(c.Random, outerV6);
        ulong innerSequence = CaseKit.Sequence(c.Random), outerSequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. CombinedSizes.Select((size, i) => TransportSimulator.Frame(WireKit.Udp(c.Random, innerV6, size),
            [TransportSimulator.Framing(inner, innerSequence + (ulong)i, CaseKit.Bytes(c.Random, inner.IvLength))],
            [TransportSimulator.Framing(outer, outerSequence + (ulong)i, CaseKit.Bytes(c.Random, outer.IvLength), header)]))];
        WireKit.SendEachProtected(c, transportHandle, packets, [inner, outer], "SEND-06", "transport-over-tunnel", tunnelHandle);
    }
}
