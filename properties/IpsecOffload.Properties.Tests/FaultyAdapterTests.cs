using IpsecOffload.Adapters;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Properties.Generators;
using IpsecOffload.Properties.Properties;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Tests;

/// <summary>
/// Every property fails against an adapter that breaks its law, and the shrunk counterexample is small: one NBL
/// with one NB, at most one MDL cut, the smallest payload the law needs (issue #6 "Done when"). The shrunk case is
/// written as a vector that loads.
/// </summary>
[TestFixture]
[Category("Faulty")]
public sealed class FaultyAdapterTests
{
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

    private static PropertyTarget Mutant(string name) => PropertyTestSettings.Named(AdapterRegistry.MutantPrefix + name);

    private static PropertyTarget Faulty(string name, Func<IMiniport> create) => new(name, create, ConformanceProfile.Default);

    private PropertyOutcome RunExpectingFailure(IProbeProperty property, PropertyTarget target, string requirement)
    {
        PropertyOutcome outcome = PropertyRunner.Run(property, target, PropertySettings.Default, new PropertyRunOptions { FoundFolder = _found });
        TestContext.Out.WriteLine(outcome.ToString());
        Assert.That(outcome.Failure, Is.Not.Null, $"{property.Name} should fail against {target.AdapterName}");
        PropertyFailure failure = outcome.Failure!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.Message, Does.StartWith($"[{requirement}]"), "the shrunk case breaks the law's requirement");
            Assert.That(property.Requirements, Does.Contain(requirement), "the law lists the requirement it caught");
            Assert.That(failure.Replay, Is.EqualTo(PropertySettings.Default.Replay), "the first batch replays with the run seed");
            Assert.That(failure.ShrunkText, Does.Contain("(keys not shown)"));
            Assert.That(failure.VectorPath, Is.Not.Null.And.Matches<string>(File.Exists), "the shrunk case is written as a vector");
        }

        VectorLoadResult loaded = VectorLoader.Parse(failure.VectorPath!, File.ReadAllText(failure.VectorPath!));
        Assert.That(loaded.Errors, Is.Empty, "the found vector loads as format 1");
        Assert.That(loaded.Vectors[0].Source, Does.StartWith($"found:{property.Name} seed ("));
        return outcome;
    }

    private static void AssertSmall(SendDraw draw, int maxSplits, int payloadAtMost)
    {
        NblDraw nbl = draw.Nbls[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(draw.Nbls, Has.Count.EqualTo(1), "one NBL");
            Assert.That(nbl.Nbs, Has.Count.EqualTo(1), "one NB");
            Assert.That(nbl.Nbs[0].Geometry.Splits, Has.Count.LessThanOrEqualTo(maxSplits), "MDL cuts");
            Assert.That(nbl.Payload, Is.LessThanOrEqualTo(payloadAtMost), "payload");
            Assert.That(nbl.Nbs[0].ExtraBlocks, Is.Zero, "no extra payload blocks");
        }
    }

    [Test]
    public void ZeroHandle_FailsAgainstIgnoresZeroHandle_ShrinksToOneNbWithEmptyPayload()
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("ZeroHandle_LeavesBytesUnchanged")!, Mutant("ignores-zero-handle"), "SEND-03");
        AssertSmall((SendDraw)outcome.Failure!.Shrunk, maxSplits: 0, payloadAtMost: 0);
    }

    [TestCase("succeeds-unknown-handle")]
    [TestCase("cleartext-unknown-handle")]
    public void UnknownHandle_FailsAgainstMutant_ShrinksToOneNbWithEmptyPayload(string mutant)
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("UnknownOrDeletedHandle_FailsWithoutFrame")!, Mutant(mutant),
            mutant == "cleartext-unknown-handle" ? "SA-05" : "SEND-04");
        AssertSmall(((HandleDraw)outcome.Failure!.Shrunk).Send, maxSplits: 0, payloadAtMost: 0);
    }

    [Test]
    public void CompletedExactlyOnce_FailsAgainstCompletesTwice_ShrinksToOneNbWithEmptyPayload()
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("EveryNbl_CompletedExactlyOnce")!, Mutant("completes-twice"), "CMPL-01");
        SendDraw shrunk = (SendDraw)outcome.Failure!.Shrunk;
        AssertSmall(shrunk, maxSplits: 0, payloadAtMost: 0);
        Assert.That(shrunk.Nbls[0].Fate, Is.EqualTo(NblFate.Protected), "the simplest fate");
    }

    [Test]
    public void DecryptsToFramed_FailsAgainstZeroIcv_ShrinksToOneNbWithEmptyPayloadOnTheSimplestSa()
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("EveryFrame_DecryptsToWhatTheTransportFramed")!, Mutant("zero-icv"), "ESP-01");
        SendDraw shrunk = (SendDraw)outcome.Failure!.Shrunk;
        AssertSmall(shrunk, maxSplits: 0, payloadAtMost: 0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(shrunk.Sa.Kind, Is.EqualTo(SaKind.All[0]), "simplest transform");
            Assert.That(shrunk.Sa.Mode, Is.EqualTo(SaMode.Transport));
            Assert.That(shrunk.Sa.Esn, Is.False);
            Assert.That(shrunk.Nbls[0].Shape, Is.EqualTo(PacketShape.Simplest));
        }

        VectorLoadResult loaded = VectorLoader.Parse("found", File.ReadAllText(outcome.Failure.VectorPath!));
        Assert.That(loaded.Vectors[0].Kind, Is.EqualTo(VectorKind.Transform), "one protected NB is a transform vector");
    }

    [Test]
    public void BufferGeometry_FailsAgainstReadsFirstMdlOnly_ShrinksToOneNbWithOneCut()
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("BufferGeometry_DoesNotChangeWireBytes")!,
            Faulty("test:reads-first-mdl-only", () => new FaultyAdapters.ReadsFirstMdlOnly()), "SEND-19");
        SendDraw shrunk = (SendDraw)outcome.Failure!.Shrunk;
        AssertSmall(shrunk, maxSplits: 1, payloadAtMost: 0);
        Assert.That(shrunk.Nbls[0].Nbs[0].Geometry.Splits, Has.Count.EqualTo(1), "exactly the one cut the fault needs");
    }

    [Test]
    public void LsoSegments_FailsAgainstWrongPadLength_ShrinksToASmallRequest()
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("LsoSegments_ConsecutiveSequenceNumbers_PadDropped_ConcatenateToPayload")!,
            Mutant("wrong-pad-length"), "LSO-03");
        LsoDraw shrunk = (LsoDraw)outcome.Failure!.Shrunk;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(shrunk.Payload, Is.LessThanOrEqualTo(1), "payload");
            Assert.That(shrunk.Segments, Is.EqualTo(1), "one segment");
            Assert.That(shrunk.V1, Is.False, "LSOv2");
            Assert.That(shrunk.Sa.Kind, Is.EqualTo(SaKind.All[0]), "simplest transform");
        }
    }

    [Test]
    public void MatchesReference_FailsAgainstFlipsLastByte_ShrinksToOneNbWithEmptyPayload()
    {
        PropertyOutcome outcome = RunExpectingFailure(PropertyCatalogue.Find("Miniport_MatchesReferenceEngine")!,
            Faulty("test:flips-last-byte", () => new FaultyAdapters.FlipsLastByte()), "SEND-10");
        AssertSmall((SendDraw)outcome.Failure!.Shrunk, maxSplits: 0, payloadAtMost: 0);
    }
}
