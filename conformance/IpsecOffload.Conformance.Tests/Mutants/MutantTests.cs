using System.Text.RegularExpressions;
using IpsecOffload.Adapters;
using IpsecOffload.Adapters.Mutants;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Tests.Mutants;

/// <summary>
/// Issue #5, "six faulty adapters caught by the right case": each mutant runs the whole case catalogue
/// and must fail a case on the requirement it breaks, with a message that names the id and says what
/// went wrong, while the reference adapter passes the same cases. Runs use the default profile made
/// strict, so that SHOULD failures (SEND-04) count as failures rather than warnings.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed partial class MutantTests
{
    private static readonly ConformanceProfile Strict = ConformanceProfile.Default with { Name = "default (strict SHOULD)", StrictShould = true };

    private static readonly Lazy<RunResult> ReferenceRun = new(() => Run(AdapterRegistry.Default, AdapterRegistry.Find(AdapterRegistry.Default)!.Create));

    /// <summary>What the catching case's message must say besides the id: the readable part of the failure.</summary>
    private static readonly Dictionary<string, string> KeyPhrases = new(StringComparer.Ordinal)
    {
        ["ignores-zero-handle"] = "completed with NDIS_STATUS_FAILURE, expected NDIS_STATUS_SUCCESS",
        ["succeeds-unknown-handle"] = "completed with NDIS_STATUS_SUCCESS and sent nothing, expected NDIS_STATUS_FAILURE",
        ["cleartext-unknown-handle"] = "names no live SA, yet 1 frame(s) reached the wire (completion NDIS_STATUS_SUCCESS)",
        ["zero-icv"] = "ICV does not verify",
        ["wrong-pad-length"] = "TCP payloads concatenate to",
        ["completes-twice"] = "was completed 2 times, expected exactly once",
        ["crashes-on-unknown-handle"] = "MiniportSendNetBufferLists threw InvalidOperationException",
    };

    /// <summary>Mutants whose catching cases live on another branch until the integrator merges it.</summary>
    public static IEnumerable<TestCaseData> Mutants() => MutantCatalogue.All.Select(m =>
    {
        TestCaseData data = new TestCaseData(m.Name).SetArgDisplayNames(m.Name).SetDescription($"{m.Description} (breaks {m.Breaks})");
        return data;
    });

    [TestCaseSource(nameof(Mutants))]
    public void Mutant_FailsACaseOfTheRequirementItBreaks_WhileTheReferencePassesIt(string name)
    {
        Mutant mutant = MutantCatalogue.Find(name)!;
        RunResult run = Run(AdapterRegistry.MutantPrefix + mutant.Name, mutant.Create);
        List<CaseResult> catching = [.. run.Cases.Where(c => c.Verdict == Verdict.Fail && c.FailedRequirement == mutant.Breaks)];
        Assert.That(catching, Is.Not.Empty,
            $"no case failed on {mutant.Breaks}; verdicts: {string.Join("; ", run.Cases.Select(c => $"{c.Case.Name} {c.Verdict} {c.FailedRequirement}"))}");

        using (Assert.EnterMultipleScope())
        {
            // The case of the requirement: one that names the broken id among its own requirements says so readably.
            Assert.That(catching.Where(c => c.Case.Requirements.Contains(mutant.Breaks) && c.Message.Contains(KeyPhrases[mutant.Name], StringComparison.Ordinal))
                .Select(c => c.Case.Name), Is.Not.Empty,
                $"no case of {mutant.Breaks} says '{KeyPhrases[mutant.Name]}'; messages: {string.Join("\n---\n", catching.Take(3).Select(c => c.Message))}");
            foreach (CaseResult caught in catching)
            {
                Assert.That(caught.Message, Does.Contain($"[{mutant.Breaks}]"), caught.Case.Name);
                Assert.That(caught.Message, Does.Contain("\nreproduce: ").And.Contain("ipsec-conformance run --filter " + caught.Case.Name + " --seed "), caught.Case.Name);
                CaseResult onReference = ReferenceRun.Value.Cases.Single(c => c.Case.Name == caught.Case.Name);
                Assert.That(onReference.Verdict, Is.EqualTo(Verdict.Pass), $"reference on {caught.Case.Name}: {onReference.Message}");
            }

            Assert.That(run.Passed, Is.False, "a run against a mutant must fail");
        }
    }

    [Test]
    public void SucceedsUnknownHandle_UnderTheDefaultProfile_WarnsOnTheShouldOfSend04()
    {
        Mutant mutant = MutantCatalogue.Find("succeeds-unknown-handle")!;
        RunResult run = ConformanceRunner.Run(new AdapterUnderTest(mutant.Name, mutant.Create),
            CaseCatalogue.All.Where(c => c.Name.StartsWith("Send04_UnknownHandle_", StringComparison.Ordinal)), new RunOptions());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Cases.Select(c => c.Verdict), Is.All.EqualTo(Verdict.Warn));
            Assert.That(run.Cases.Select(c => c.FailedRequirement), Is.All.EqualTo("SEND-04"));
            Assert.That(run.Cases.Select(c => c.Message), Is.All.Contain("completed with NDIS_STATUS_SUCCESS and sent nothing"));
            Assert.That(run.Passed, Is.True, "a SHOULD warns unless the profile is strict");
        }
    }

    [Test]
    public void Reference_PassesTheWholeCatalogueUnderTheStrictProfile()
    {
        RunResult run = ReferenceRun.Value;
        Assert.That(run.Cases.Where(c => c.Verdict is not (Verdict.Pass or Verdict.NotApplicable)).Select(c => $"{c.Case.Name}: {c.Verdict} {c.Message}"),
            Is.Empty);
    }

    [Test]
    public void Catalogue_HoldsTheSixMutantsOfIssue5()
    {
        string[] required = ["ignores-zero-handle", "succeeds-unknown-handle", "cleartext-unknown-handle", "zero-icv", "wrong-pad-length", "completes-twice"];
        Assert.That(MutantCatalogue.All.Select(m => m.Name), Is.SupersetOf(required));
    }

    [Test]
    public void EveryMutant_HasAKebabNameADescriptionACatalogueIdAndAKeyPhrase()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MutantCatalogue.All.Select(m => m.Name), Is.Unique);
            foreach (Mutant m in MutantCatalogue.All)
            {
                Assert.That(KebabCase().IsMatch(m.Name), Is.True, $"'{m.Name}' is not kebab-case");
                Assert.That(m.Description, Has.Length.GreaterThan(20), m.Name);
                Assert.That(RequirementCatalogue.Default.Find(m.Breaks), Is.Not.Null, $"{m.Name} breaks '{m.Breaks}', not a catalogue id");
                Assert.That(KeyPhrases.ContainsKey(m.Name), Is.True, $"{m.Name}: add the phrase its catching case prints to {nameof(KeyPhrases)}");
            }
        }
    }

    [Test]
    public void EveryMutant_LoadsByNameThroughTheAdapterRegistry_AndSaysWhatItIs()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (Mutant m in MutantCatalogue.All)
            {
                AdapterDescriptor? adapter = AdapterRegistry.Find(AdapterRegistry.MutantPrefix + m.Name);
                Assert.That(adapter, Is.Not.Null, m.Name);
                using IMiniport miniport = adapter!.Create();
                Assert.That(miniport.Identity.Name, Does.Contain($"mutant:{m.Name}"));
            }
        }
    }

    private static RunResult Run(string name, Func<IMiniport> create) =>
        ConformanceRunner.Run(new AdapterUnderTest(name, create), CaseCatalogue.All, new RunOptions { Profile = Strict });

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
