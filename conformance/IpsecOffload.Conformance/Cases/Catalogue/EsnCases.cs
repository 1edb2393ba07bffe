using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oids;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// Extended sequence numbers (ESN-01, ESN-02): the ICV covers the SA's high half (random, full range)
/// while only the low half is sent; UPDATE_SA moves the high half the NIC uses, including across a
/// low-half wrap (the transport sends SN 2³²−1 with high H, then UPDATE_SA to H + 1 and SN 0, AMB-14).
/// </summary>
internal static class EsnCases
{
    private sealed record EsnSa(string Name, Feature Feature, Func<Random, uint, SaSpec> Make);

    private static readonly int[] Sizes = [1, 17, 300];

    private static EsnSa EspSa(string name)
    {
        WireKit.EspTransform t = WireKit.Transform(name);
        return new EsnSa("Esp" + name, t.Feature, (random, high) => t.Sa(random, esn: true, high));
    }

    private static EsnSa AhSa(CryptoAlgorithm mac) =>
        new("Ah" + WireKit.NameOf(mac), Features.V2Ah(mac), (random, high) => CaseKit.Ah(random, mac, esn: true, high));

    private static readonly EsnSa[] Esn01 =
        [EspSa("AesCbc128HmacSha256"), EspSa("AesGcm256Icv16"), EspSa("AesGmac128"), EspSa("TripleDesCbcHmacSha1"), AhSa(CryptoAlgorithm.HmacSha256), AhSa(CryptoAlgorithm.AesGmac192)];

    private static readonly EsnSa[] Esn02 = [EspSa("AesGcm128Icv16"), EspSa("AesCbc256HmacSha1"), AhSa(CryptoAlgorithm.HmacSha1)];

    public static IEnumerable<ConformanceCase> All =>
    [
        .. from sa in Esn01
           from ipv6 in WireKit.FalseTrue
           select Case($"Esn01_{sa.Name}_HighHalfInIcvLowHalfOnWire_V2{(ipv6 ? "Ipv6" : "Ipv4")}", ["ESN-01", "ESP-01", "AH-01", "ESP-03"],
               $"v2 ESN SA {sa.Name} with a random full-range high half over {(ipv6 ? "IPv6" : "IPv4")}: three packets; each ICV covers the high half, only the low half is on the wire",
               ipv6 ? [sa.Feature, Features.V2Esn, Features.V2Transport, Features.V2IPv6] : [sa.Feature, Features.V2Esn, Features.V2Transport],
               c => HighHalf(c, sa, ipv6)),
        .. from sa in Esn02
           select Case($"Esn02_{sa.Name}_UpdateSaMovesHighHalf_V2", ["ESN-02", "ESN-01"],
               $"v2 ESN SA {sa.Name}: a packet under high half H, UPDATE_SA to a random H2, a packet under H2: the second ICV covers H2",
               [sa.Feature, Features.V2Esn, Features.V2Transport], c => Update(c, sa)),
        .. from sa in Esn02
           select Case($"Esn02_{sa.Name}_LowHalfWrapAfterUpdateSa_V2", ["ESN-02", "ESN-01"],
               $"v2 ESN SA {sa.Name}: SN 0xFFFFFFFF under high H, UPDATE_SA to H + 1, SN 0x00000000: both ICVs verify with their high half",
               [sa.Feature, Features.V2Esn, Features.V2Transport], c => Wrap(c, sa)),
    ];

    private static ulong Sn(uint high, uint low) => ((ulong)high << 32) | low;

    private static void HighHalf(CaseContext c, EsnSa esn, bool ipv6)
    {
        uint high = WireKit.High(c.Random);
        SaSpec sa = esn.Make(c.Random, high);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa, ipv6));
        ulong first = Sn(high, (uint)CaseKit.Sequence(c.Random));
        FramedPacket[] packets = [.. Sizes.Select((size, i) => CaseKit.Frame(c.Random, WireKit.Udp(c.Random, ipv6, size), sa, first + (ulong)i))];
        WireKit.SendEachProtected(c, handle, packets, [sa], "ESN-01", $"esn-{esn.Name}");
    }

    private static void Update(CaseContext c, EsnSa esn)
    {
        uint high = WireKit.High(c.Random), next = WireKit.High(c.Random);
        SaSpec sa = esn.Make(c.Random, high);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        uint low = (uint)CaseKit.Sequence(c.Random);
        SendOne(c, handle, sa, Sn(high, low), high, "before-update", "ESN-01");
        UpdateSa(c, handle, sa, next);
        SendOne(c, handle, sa, Sn(next, low + 1), next, "after-update", "ESN-02");
    }

    private static void Wrap(CaseContext c, EsnSa esn)
    {
        uint high = Math.Min(WireKit.High(c.Random), uint.MaxValue - 1);
        SaSpec sa = esn.Make(c.Random, high);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        SendOne(c, handle, sa, Sn(high, uint.MaxValue), high, "sn-ffffffff", "ESN-01");
        UpdateSa(c, handle, sa, high + 1);
        SendOne(c, handle, sa, Sn(high + 1, 0), high + 1, "sn-wrapped", "ESN-02");
    }

    private static void UpdateSa(CaseContext c, ulong handle, SaSpec sa, uint high)
    {
        OidResult result = c.Adapter(() => c.Transport.UpdateSaV2(handle, sa, high), "UPDATE_SA");
        c.Check(result.Status == NdisStatus.Success, "ESN-02",
            $"UPDATE_SA of handle 0x{handle:x}, {sa.Protocol} SPI 0x{sa.Spi:x8} to high half 0x{high:x8} completed with {result.Status.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
    }

    private static void SendOne(CaseContext c, ulong handle, SaSpec sa, ulong sequence, uint high, string label, string requirement)
    {
        FramedPacket framed = CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, 40), sa, sequence);
        NetBufferList nbl = c.Nbl(SaApi.V2, [framed], handle, name: $"{label}-sn-0x{sequence:x16}");
        c.Send(nbl);
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, requirement);
        c.Check(frames.Count == 1, "SEND-08", $"{nbl.Name} carried 1 NET_BUFFER but {frames.Count} frame(s) went out");
        OracleJudgement judgement = WireOracle.Judge(framed, [sa], frames[0], c.OracleOptionsFor() with { SequenceHigh = _ => high });
        if (!judgement.Ok)
        {
            // An ICV over the wrong high half is the UPDATE_SA requirement's failure once the case has updated the SA.
            c.Fail(judgement.Requirement is "ESN-01" or null ? requirement : judgement.Requirement,
                $"{nbl.Name}, SA high half 0x{high:x8} (ADD_SA or the last UPDATE_SA): {judgement.Render()}");
        }
    }
}
