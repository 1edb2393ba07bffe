using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Tests.Cases;

/// <summary>Runs one catalogue case against a hand-made adapter (a reference miniport, possibly wrapped in a fault).</summary>
internal static class CaseRig
{
    public static CaseResult Run(string caseName, Func<IMiniport> create, ConformanceProfile? profile = null)
    {
        ConformanceCase @case = CaseCatalogue.Find(caseName) ?? throw new ArgumentException($"no case {caseName}", nameof(caseName));
        return ConformanceRunner.RunCase(new AdapterUnderTest("test-adapter", create), @case,
            new RunOptions { Profile = profile ?? ConformanceProfile.Default });
    }

    public static ReferenceMiniport Reference(NdisAbi abi = NdisAbi.X64, NdisIPsecOffloadV2? v2 = null, bool noV2 = false,
        NdisIPsecOffloadV1? v1 = null, bool noV1 = false, Engine.Profile.OffloadProfile? profile = null) =>
        new(new ReferenceMiniportOptions
        {
            Abi = abi,
            IPsecV2 = noV2 ? null : v2 ?? ReferenceMiniportOptions.FullV2,
            IPsecV1 = noV1 ? null : v1 ?? ReferenceMiniportOptions.FullV1,
            Profile = profile ?? Engine.Profile.OffloadProfile.Default,
        });

    public static string Describe(CaseResult result) => $"{result.Verdict} [{result.FailedRequirement}] {result.Message}";
}

/// <summary>Reports other hardware capabilities than the wrapped miniport has (under- or over-claiming).</summary>
internal sealed class AdvertiseOtherwise(IMiniport inner, Func<NdisOffload, NdisOffload> edit) : MiniportDecorator(inner)
{
    public override MiniportOffloadReport QueryOffload()
    {
        MiniportOffloadReport report = Inner.QueryOffload();
        if (!NdisOffload.TryRead(report.Hardware, Identity.Abi, out NdisOffload offload, out NdisError? error))
        {
            throw new InvalidOperationException($"the wrapped miniport's NDIS_OFFLOAD does not decode: {error}");
        }

        return new MiniportOffloadReport(edit(offload).ToArray(Identity.Abi), report.Current);
    }
}
