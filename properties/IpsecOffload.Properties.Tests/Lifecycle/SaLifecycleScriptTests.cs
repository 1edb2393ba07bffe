using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Properties.Generators;
using IpsecOffload.Properties.Lifecycle;
using IpsecOffload.Testing;

namespace IpsecOffload.Properties.Tests.Lifecycle;

/// <summary>Hand-written scripts for the rules the random runs reach only now and then, and the generator's spread.</summary>
public class SaLifecycleScriptTests
{
    private static readonly ConformanceProfile Profile = ConformanceProfile.Default;

    private static BundleDraw Gcm(Random random) =>
        new(0, false, false, new SaKeyDraw(CaseKit.Spi(random), CaseKit.Bytes(random, SaKeyDraw.KeyLength), 0), new SaKeyDraw(CaseKit.Spi(random), CaseKit.Bytes(random, SaKeyDraw.KeyLength), 0));

    private static SendStep SendOn(HandleRef target, Random random) =>
        new(target, SaApi.V2Ex, Gcm(random), (uint)CaseKit.Sequence(random), 1, 17, random.Next());

    private static OidScript ReuseScript(Random random) => new(
    [
        new AddStep(SaApi.V2Ex, Gcm(random)),
        new DeleteStep(new HandleRef(HandleChoice.Live, 0, 0), false),
        new AddStep(SaApi.V2Ex, Gcm(random)),
        SendOn(new HandleRef(HandleChoice.Live, 0, 0), random),
        SendOn(new HandleRef(HandleChoice.Deleted, 0, 0), random),
    ]);

    [Test]
    public void Run_AdapterReusesDeletedHandle_SendOnReusedHandleJudgedAgainstNewSa()
    {
        LifecycleOutcome outcome = SaLifecycleScript.Run(() => new RecyclesHandles(SmallTable.Reference(v1: false)), Profile, ReuseScript(TestSeeds.Create(601)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Matched, Is.True, outcome.Describe() + "\n" + TestSeeds.ReplayHint(601));
            Assert.That(outcome.Transcript[2], Does.Contain("handle 0x1000"), "the second ADD must get the deleted handle back (reuse)");
            Assert.That(outcome.Transcript[4], Does.Contain("0x1000: SUCCESS"), "the deleted value is live again and names the new SA");
        }
    }

    [Test]
    public void Run_ReusedHandleRoutedToDeletedSa_DivergesAtTheSendWithSa01()
    {
        LifecycleOutcome outcome = SaLifecycleScript.Run(() => new RecyclesHandlesWithStaleRoute(SmallTable.Reference(v1: false)), Profile, ReuseScript(TestSeeds.Create(602)));
        Assert.That(outcome.Divergence, Is.Not.Null, outcome.Describe());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Divergence!.Step, Is.EqualTo(3), outcome.Describe());
            Assert.That(outcome.Divergence.Requirement, Is.EqualTo("SA-01"), outcome.Describe());
        }
    }

    [Test]
    public void Run_ReferenceDeletedHandle_SendRefusedWithFailureAndDeleteOfStaleHandleIgnored()
    {
        Random random = TestSeeds.Create(603);
        var script = new OidScript(
        [
            new AddStep(SaApi.V2, Gcm(random)),
            new DeleteStep(new HandleRef(HandleChoice.Live, 0, 0), false),
            SendOn(new HandleRef(HandleChoice.Deleted, 0, 0), random),
            new DeleteStep(new HandleRef(HandleChoice.Deleted, 0, 0), false),
            new DeleteStep(new HandleRef(HandleChoice.Unknown, 0, 0x7EAD_0101_0101_0101), true),
        ]);
        LifecycleOutcome outcome = SaLifecycleScript.Run(() => SmallTable.Reference(), Profile, script);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Matched, Is.True, outcome.Describe());
            Assert.That(outcome.Transcript[2], Does.Contain("FAILURE, no frame"), outcome.Describe());
            Assert.That(outcome.StepsRun, Is.EqualTo(5), outcome.Describe());
        }
    }

    [Test]
    public void Run_ReferenceTableFilledThenOneDeleted_NextAddSucceedsAgain()
    {
        Random random = TestSeeds.Create(604);
        var script = new OidScript(
        [
            new AddUntilFullStep(SaApi.V2, Gcm(random)),
            new DeleteStep(new HandleRef(HandleChoice.Live, 2, 0), false),
            new AddStep(SaApi.V1, Gcm(random)),
            new AddChainStep([Gcm(random), Gcm(random)]),
            SendOn(new HandleRef(HandleChoice.Live, 3, 0), random),
        ]);
        LifecycleOutcome outcome = SaLifecycleScript.Run(() => SmallTable.Reference(), Profile, script);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Matched, Is.True, outcome.Describe());
            Assert.That(outcome.Transcript[0], Does.Contain($"{SmallTable.Capacity} added, then NDIS_STATUS_RESOURCES"), outcome.Describe());
            Assert.That(outcome.Transcript[3], Does.Contain("NDIS_STATUS_RESOURCES"), "a chain with no room fails with the AMB-17 status: " + outcome.Describe());
        }
    }

    [Test]
    public void OidScriptGen_Scripts_CoverEveryStepKindAndHandleChoice()
    {
        LifecycleSpace space = LifecycleSpace.Probe(() => SmallTable.Reference());
        OidScript[] scripts = OidScriptGen.Script(space).Sample(300, PropertyTestSettings.Settings.Rnd, 60);
        OidStep[] steps = [.. scripts.SelectMany(s => s.Steps)];
        HandleChoice[] sendTargets = [.. steps.OfType<SendStep>().Select(s => s.Target.Choice).Distinct()];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(steps.Select(s => s.GetType().Name).Distinct(),
                Is.EquivalentTo(new[] { nameof(AddStep), nameof(AddChainStep), nameof(AddUntilFullStep), nameof(DeleteStep), nameof(UpdateStep), nameof(SendStep) }));
            Assert.That(sendTargets, Is.EquivalentTo(Enum.GetValues<HandleChoice>()));
            Assert.That(steps.OfType<SendStep>().Select(s => s.Count).Distinct(), Is.EquivalentTo(new[] { 1, 2, 3 }));
            Assert.That(steps.OfType<AddStep>().Select(s => s.Api).Distinct(), Is.EquivalentTo(new[] { SaApi.V1, SaApi.V2, SaApi.V2Ex }));
            Assert.That(steps.OfType<AddStep>().Count(a => a.Bundle.First.Spi > 0x00FF_FFFF), Is.GreaterThan(steps.OfType<AddStep>().Count() / 2),
                "SPIs must come from the full 32-bit range, not small integers");
            Assert.That(scripts.Max(s => s.Steps.Count), Is.LessThanOrEqualTo(OidScriptGen.MaxSteps));
        }
    }

    [Test]
    public void OidScriptGen_Shrink_EveryCandidateIsSmaller()
    {
        LifecycleSpace space = LifecycleSpace.Probe(() => SmallTable.Reference());
        foreach (OidScript script in OidScriptGen.Script(space).Sample(40, PropertyTestSettings.Settings.Rnd, 60))
        {
            foreach (OidScript candidate in OidScriptGen.Shrink(script))
            {
                Assert.That(Measure(candidate), Is.LessThan(Measure(script)), $"{candidate}\nis not smaller than\n{script}");
            }
        }
    }

    /// <summary>Steps first, then NBs, payload bytes and how far the bundles are from kind 0 / IPv4 / no ESN / one ADD.</summary>
    private static long Measure(OidScript script)
    {
        static long Bundle(BundleDraw b) => (b.Kind != 0 ? 1 : 0) + (b.IPv6 ? 1 : 0) + (b.Esn ? 1 : 0);
        long detail = script.Steps.Sum(step => step switch
        {
            AddStep a => Bundle(a.Bundle),
            AddChainStep c => 10 + (c.Bundles.Count * 10) + c.Bundles.Sum(Bundle),
            AddUntilFullStep f => 100 + Bundle(f.Bundle),
            SendStep s => (s.Count * 1_000) + s.Payload + Bundle(s.Fallback),
            _ => 0,
        });
        return (script.Steps.Count * 1_000_000L) + detail;
    }
}
