using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oids;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// Sends while IPsec offload is switched off with <c>OID_TCP_OFFLOAD_PARAMETERS</c> (SEND-02, AMB-23): an NBL
/// with a live handle goes out as-is under the default profile (<c>OffloadDisabled = SendAsIs</c>) or is
/// refused under the <c>Fail</c> reading, and re-enabling protects again with the same handle (AMB-24:
/// SAs survive the disable). Reading: docs/decisions/amb-23-offload-disabled.md.
/// </summary>
internal static class OffloadStateCases
{
    private const int Payload = 41;

    public static IEnumerable<ConformanceCase> All =>
    [
        .. Apis.Select(api => Case($"Send02_OffloadDisabled_SentAsIsThenReEnabledProtected_{api}", ["SEND-02", "CMPL-01"],
            $"{api}: IPsec offload disabled by OID_TCP_OFFLOAD_PARAMETERS; an NBL of 2 NBs with the live handle leaves unchanged (profile SendAsIs); re-enabled, the same handle protects again",
            [CaseKit.EspFeatureFor(api)], c => Disabled(c, api, failReading: false)) with { ProfileCondition = SendAsIsOnly }),
        .. Apis.Select(api => Case($"Send02_OffloadDisabledFailureReading_RefusedThenReEnabledProtected_{api}", ["SEND-02", "CMPL-02"],
            $"{api}: IPsec offload disabled; under the profile's Failure reading (AMB-23) the NBL with the live handle completes with NDIS_STATUS_FAILURE and sends nothing; re-enabled, it protects again",
            [CaseKit.EspFeatureFor(api)], c => Disabled(c, api, failReading: true)) with { ProfileCondition = FailOnly }),
        Case("Send02_EspDisabledAhEnabled_EspSentAsIsAhProtected_V2", ["SEND-02", "CMPL-03"],
            "V2: OID_TCP_OFFLOAD_PARAMETERS IPsecV2 = AH only; in one chain an ESP SA's NBL leaves unchanged (profile SendAsIs) while an AH SA's NBL is protected",
            [CaseKit.EspFeatureFor(SaApi.V2), Features.V2Ah(CryptoAlgorithm.HmacSha256)], EspOffAhOn) with { ProfileCondition = SendAsIsOnly },
    ];

    private static SaApi[] Apis => [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    private static string? SendAsIsOnly(Profile.ConformanceProfile profile) =>
        profile.Offload.OffloadDisabled == OffloadDisabledBehavior.SendAsIs ? null
            : $"OffloadDisabled is {profile.Offload.OffloadDisabled}; this case judges the SendAsIs reading of AMB-23";

    private static string? FailOnly(Profile.ConformanceProfile profile) =>
        profile.Offload.OffloadDisabled == OffloadDisabledBehavior.Fail ? null
            : $"OffloadDisabled is {profile.Offload.OffloadDisabled}; this case judges the Failure reading of AMB-23";

    private static void SetIpsec(CaseContext c, SaApi api, OffloadParametersIpsec value, string what)
    {
        OidResult result = c.Adapter(() => api == SaApi.V1 ? c.Transport.SetIpsecOffload(v1: value) : c.Transport.SetIpsecOffload(v2: value),
            "OID_TCP_OFFLOAD_PARAMETERS");
        c.Check(result.Status == NdisStatus.Success, "SEND-02",
            $"OID_TCP_OFFLOAD_PARAMETERS {(api == SaApi.V1 ? "IPsecV1" : "IPsecV2")} = {value} ({what}) completed with {result.Status.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
    }

    private static void Disabled(CaseContext c, SaApi api, bool failReading)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket a = Frame(c, sa, sequence), b = Frame(c, sa, sequence + 1), again = Frame(c, sa, sequence + 2);

        SetIpsec(c, api, OffloadParametersIpsec.Disabled, "disable");
        NetBufferList whileDisabled = c.Nbl(api, [a, b], handle, name: "while-disabled");
        c.Send(whileDisabled);
        if (failReading)
        {
            c.ExpectRefused(whileDisabled, NdisStatus.Failure, "SEND-02", "IPsec offload is disabled and the profile reads AMB-23 as Failure");
        }
        else
        {
            ExpectSentAsIs(c, whileDisabled, [a, b]);
        }

        SetIpsec(c, api, OffloadParametersIpsec.AhAndEspEnabled, "re-enable");
        NetBufferList reEnabled = c.Nbl(api, [again], handle, name: "re-enabled");
        c.Send(reEnabled);
        c.ExpectProtected(reEnabled, [again], [sa], "SEND-02");
    }

    private static void EspOffAhOn(CaseContext c)
    {
        SaSpec esp = CaseKit.EspFor(SaApi.V2, c.Random), ah = CaseKit.Ah(c.Random, CryptoAlgorithm.HmacSha256);
        ulong espHandle = c.AddSa(SaApi.V2, BundleSpec.Of(esp));
        ulong ahHandle = c.AddSa(SaApi.V2, BundleSpec.Of(ah));
        FramedPacket espPacket = Frame(c, esp, CaseKit.Sequence(c.Random)), ahPacket = Frame(c, ah, CaseKit.Sequence(c.Random));
        SetIpsec(c, SaApi.V2, OffloadParametersIpsec.AhEnabled, "AH only");
        NetBufferList espNbl = c.Nbl(SaApi.V2, [espPacket], espHandle, name: "esp-while-esp-disabled");
        NetBufferList ahNbl = c.Nbl(SaApi.V2, [ahPacket], ahHandle, name: "ah-while-ah-enabled");
        c.Send(espNbl, ahNbl);
        ExpectSentAsIs(c, espNbl, [espPacket]);
        c.ExpectProtected(ahNbl, [ahPacket], [ah], "SEND-02");
    }

    private static void ExpectSentAsIs(CaseContext c, NetBufferList nbl, IReadOnlyList<FramedPacket> packets)
    {
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, "SEND-02");
        c.Check(frames.Count == packets.Count, "SEND-02", $"{nbl.Name} carried {packets.Count} NET_BUFFER(s) but {frames.Count} frame(s) went out");
        for (int i = 0; i < packets.Count; i++)
        {
            Oracle.OracleJudgement judgement = Oracle.WireOracle.JudgeUnchanged(CaseKit.EthernetFrame(packets[i]), frames[i], c.Profile.Offload.PadShortFrames);
            if (!judgement.Ok)
            {
                c.Fail("SEND-02", $"{nbl.Name} NB {i}: sent with IPsec offload disabled, expected the frame as framed (profile OffloadDisabled = SendAsIs): {judgement.Render()}");
            }
        }
    }

    private static FramedPacket Frame(CaseContext c, SaSpec sa, ulong sequence) =>
        CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence);
}
