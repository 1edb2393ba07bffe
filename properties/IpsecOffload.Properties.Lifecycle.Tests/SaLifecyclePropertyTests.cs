using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Adapters.Mutants;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Properties.Lifecycle.Tests;

/// <summary>
/// SaLifecycle_MatchesModelSaTable against the reference (it must hold for ≥ 500 replayed scripts) and against
/// faulty adapters (it must fail, and the shrunk script must be small).
/// </summary>
public class SaLifecyclePropertyTests
{
    private static readonly ConformanceProfile Profile = ConformanceProfile.Default;

    [Test]
    public void SaLifecycle_ReferenceWithFourBundleTable_MatchesModel() =>
        Check.One(PropertyRuns.Throwing(500).WithName($"{SaLifecycleProperty.Name} reference x64, capacity 4, seed {PropertyRuns.SeedText}"),
            SaLifecycleProperty.Create(() => SmallTable.Reference(), Profile));

    [Test]
    public void SaLifecycle_ReferenceX86WithFourBundleTable_MatchesModel() =>
        Check.One(PropertyRuns.Throwing(500).WithName($"{SaLifecycleProperty.Name} reference x86, capacity 4, seed {PropertyRuns.SeedText}"),
            SaLifecycleProperty.Create(() => SmallTable.Reference(NdisAbi.X86), Profile));

    [Test]
    public void SaLifecycle_ReferenceWithDefaultTable_MatchesModel() =>
        Check.One(PropertyRuns.Throwing(500).WithName($"{SaLifecycleProperty.Name} reference, default capacity, seed {PropertyRuns.SeedText}"),
            SaLifecycleProperty.Create(() => new ReferenceMiniport(), Profile));

    [Test]
    public void SaLifecycle_ReferenceAndProfileWithFailureAsTotalAddFailureStatus_MatchesModel()
    {
        ConformanceProfile failure = Profile with { Offload = OffloadProfile.Default with { AddSaTotalFailureStatus = NdisStatus.Failure } };
        Check.One(PropertyRuns.Throwing(500).WithName($"{SaLifecycleProperty.Name} AddSaTotalFailureStatus FAILURE, seed {PropertyRuns.SeedText}"),
            SaLifecycleProperty.Create(() => SmallTable.Reference(profile: failure.Offload), failure));
    }

    [Test]
    public void SaLifecycle_AdapterReusingDeletedHandles_MatchesModel() =>
        Check.One(PropertyRuns.Throwing(500).WithName($"{SaLifecycleProperty.Name} handle-recycling adapter, seed {PropertyRuns.SeedText}"),
            SaLifecycleProperty.Create(() => new RecyclesHandles(SmallTable.Reference(v1: false)), Profile));

    /// <summary>A faulty adapter, the requirements its shrunk counterexample may name, and the most steps it may keep.</summary>
    public sealed record Faulty(string Name, Func<IMiniport> Create, string[] Requirements, int MaxSteps)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<TestCaseData> FaultyAdapters()
    {
        static Func<IMiniport> Mutant(string name) => MutantCatalogue.Find(name)!.Create;
        Faulty[] all =
        [
            new("succeeds-unknown-handle", Mutant("succeeds-unknown-handle"), ["SEND-04", "SA-02"], 3),
            new("cleartext-unknown-handle", Mutant("cleartext-unknown-handle"), ["SA-05"], 3),
            new("crashes-on-unknown-handle", Mutant("crashes-on-unknown-handle"), ["CMPL-01"], 3),
            new("completes-twice", Mutant("completes-twice"), ["CMPL-01"], 1),
            new("ignores-zero-handle", Mutant("ignores-zero-handle"), ["SEND-03"], 1),
            new("zero-icv", Mutant("zero-icv"), ["SA-01"], 2),
            new("keeps-deleted-sas", () => new KeepsDeletedSas(SmallTable.Reference()), ["SA-05", "SA-01"], 3),
            new("ignores-update-sa", () => new IgnoresUpdateSa(SmallTable.Reference()), ["ESN-02"], 3),
            new("update-sa-off-by-one", () => new UpdateSaOffByOne(SmallTable.Reference()), ["ESN-02"], 3),
            new("repeats-first-handle", () => new RepeatsFirstHandle(SmallTable.Reference(v1: false)), ["SA-01"], 3),
            new("full-table-reports-success", () => new FullTableReportsSuccess(SmallTable.Reference()), ["SA-01"], (int)SmallTable.Capacity + 1),
            new("recycles-handles-with-stale-route", () => new RecyclesHandlesWithStaleRoute(SmallTable.Reference(v1: false)), ["SA-01"], 4),
        ];
        return all.Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));
    }

    [TestCaseSource(nameof(FaultyAdapters))]
    public void SaLifecycle_FaultyAdapter_FailsWithSmallShrunkScript(Faulty faulty)
    {
        TestResult result = PropertyRuns.Capture(SaLifecycleProperty.Create(faulty.Create, Profile), 500);
        OidScript? shrunk = PropertyRuns.ShrunkScript(result);
        Assert.That(shrunk, Is.Not.Null, $"{faulty.Name}: the property held for 500 scripts (seed {PropertyRuns.SeedText})");
        LifecycleOutcome outcome = SaLifecycleScript.Run(faulty.Create, Profile, shrunk!);
        string shown = $"{faulty.Name}, seed {PropertyRuns.SeedText}, shrunk to {shrunk}\n{outcome.Describe()}";
        TestContext.Out.WriteLine(shown);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Matched, Is.False, $"the shrunk script must still fail: {shown}");
            Assert.That(outcome.Divergence?.Requirement, Is.AnyOf(faulty.Requirements), shown);
            Assert.That(shrunk!.Steps, Has.Count.LessThanOrEqualTo(faulty.MaxSteps), shown);
            Assert.That(shrunk.NetBuffers, Is.LessThanOrEqualTo(1), shown);
        }
    }
}
