using IpsecOffload.Adapters.Mutants;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Properties.Lifecycle;
using IpsecOffload.Properties.Properties;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Tests.Lifecycle;

/// <summary>
/// SaLifecycle_MatchesModelSaTable through <see cref="PropertyRunner"/> with the runsettings' replay and case count
/// (CI: 500, fixed seed), on adapter configurations the catalogue run does not reach (small tables, x86, FAILURE as
/// the total ADD failure status, handle reuse), and against faulty adapters (it must fail, the shrunk script must be
/// small, and its scenario vector must load).
/// </summary>
public sealed class SaLifecyclePropertyTests
{
    private static readonly ConformanceProfile Profile = ConformanceProfile.Default;
    private static readonly SaLifecycleMatchesModelSaTable Property = new();
    private string _found = null!;

    [SetUp]
    public void CreateFoundFolder() => _found = Path.Combine(Path.GetTempPath(), "ipsec-found-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteFoundFolder()
    {
        if (Directory.Exists(_found))
        {
            Directory.Delete(_found, recursive: true);
        }
    }

    private static void AssertHolds(string adapter, Func<IMiniport> create, ConformanceProfile profile)
    {
        PropertySettings settings = PropertyTestSettings.Settings;
        PropertyOutcome outcome = PropertyRunner.Run(Property, new PropertyTarget(adapter, create, profile), settings);
        TestContext.Out.WriteLine(outcome.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Failure, Is.Null, outcome.ToString());
            Assert.That(outcome.NotApplicable, Is.Null);
            Assert.That(outcome.Cases, Is.GreaterThanOrEqualTo(settings.Cases), "scripts run");
        }
    }

    [Test]
    public void SaLifecycle_ReferenceWithFourBundleTable_MatchesModel() =>
        AssertHolds("reference x64, capacity 4", () => SmallTable.Reference(), Profile);

    [Test]
    public void SaLifecycle_ReferenceX86WithFourBundleTable_MatchesModel() =>
        AssertHolds("reference x86, capacity 4", () => SmallTable.Reference(NdisAbi.X86), Profile);

    [Test]
    public void SaLifecycle_ReferenceWithDefaultTable_MatchesModel() =>
        AssertHolds("reference, default capacity", () => new ReferenceMiniport(), Profile);

    [Test]
    public void SaLifecycle_ReferenceAndProfileWithFailureAsTotalAddFailureStatus_MatchesModel()
    {
        ConformanceProfile failure = Profile with { Offload = OffloadProfile.Default with { AddSaTotalFailureStatus = NdisStatus.Failure } };
        AssertHolds("reference, AddSaTotalFailureStatus FAILURE", () => SmallTable.Reference(profile: failure.Offload), failure);
    }

    [Test]
    public void SaLifecycle_AdapterReusingDeletedHandles_MatchesModel() =>
        AssertHolds("handle-recycling adapter", () => new RecyclesHandles(SmallTable.Reference(v1: false)), Profile);

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
    [Category("Faulty")]
    public void SaLifecycle_FaultyAdapter_FailsWithSmallShrunkScriptWrittenAsScenarioVector(Faulty faulty)
    {
        PropertySettings settings = PropertyTestSettings.Settings;
        PropertyOutcome outcome = PropertyRunner.Run(Property, new PropertyTarget(faulty.Name, faulty.Create, Profile), settings,
            new PropertyRunOptions { FoundFolder = _found });
        TestContext.Out.WriteLine(outcome.ToString());
        Assert.That(outcome.Failure, Is.Not.Null, $"{faulty.Name}: the property held for {outcome.Cases} scripts (replay {settings.Replay})");
        PropertyFailure failure = outcome.Failure!;
        var shrunk = (OidScript)failure.Shrunk;
        LifecycleOutcome replayed = SaLifecycleScript.Run(faulty.Create, Profile, shrunk);
        string shown = $"{faulty.Name}, replay {failure.Replay}, shrunk to {shrunk}\n{replayed.Describe()}";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(replayed.Matched, Is.False, $"the shrunk script must still fail: {shown}");
            Assert.That(replayed.Divergence?.Requirement, Is.AnyOf(faulty.Requirements), shown);
            Assert.That(failure.Message, Does.StartWith($"[{replayed.Divergence?.Requirement}]"), "the failure names the requirement first");
            Assert.That(shrunk.Steps, Has.Count.LessThanOrEqualTo(faulty.MaxSteps), shown);
            Assert.That(shrunk.NetBuffers, Is.LessThanOrEqualTo(1), shown);
            Assert.That(failure.ShrunkText, Does.Contain("(keys not shown)"));
            Assert.That(failure.VectorPath, Is.Not.Null.And.Matches<string>(File.Exists), "the shrunk script is written as a vector");
        }

        VectorLoadResult loaded = VectorLoader.Parse(failure.VectorPath!, File.ReadAllText(failure.VectorPath!));
        Assert.That(loaded.Errors, Is.Empty, "the found vector loads as format 1");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(loaded.Vectors[0].Kind, Is.EqualTo(VectorKind.Scenario));
            Assert.That(loaded.Vectors[0].Source, Does.StartWith($"found:{SaLifecycleMatchesModelSaTable.PropertyName} seed ("));
            Assert.That(loaded.Vectors[0].Requirements, Is.EquivalentTo(Property.Requirements));
            Assert.That(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(failure.VectorPath!))!["steps"]!.AsArray().Select(s => (string?)s),
                Is.EqualTo(shrunk.Steps.Select(s => s.ToString())), "the vector lists the shrunk script's steps");
        }
    }
}
