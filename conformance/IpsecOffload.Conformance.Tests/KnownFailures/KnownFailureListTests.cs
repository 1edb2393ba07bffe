using IpsecOffload.Adapters;
using IpsecOffload.Adapters.Mutants;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.KnownFailures;

public sealed class KnownFailureListTests
{
    private const string ZeroHandleV1 = "Send03_OffloadHandleZero_SentUnchanged_V1";
    private const string ZeroHandleV2 = "Send03_OffloadHandleZero_SentUnchanged_V2";
    private const string ZeroHandleV2Ex = "Send03_OffloadHandleZero_SentUnchanged_V2Ex";
    private const string ProtectedV2 = "Send09_EspTransport_ProtectedOnWire_V2";

    private static string Folder => Path.Combine(RepositoryPaths.Root, "conformance", "known-failures");

    // ---- parsing ---------------------------------------------------------------------------------

    [Test]
    public void Parse_ReadsEntriesWithReasonsAndLines_SkippingCommentsAndBlankLines()
    {
        const string Text = "# header\n\n  Send04_UnknownHandle_FailsWithFailure_V2 # firmware 2.1 # ticket 7\r\nEsp01_*_V2Ipv6\t#  IPv6 ICVs wrong \n   # indented comment\nSEND-23 # pads in the MAC\n";
        KnownFailureList list = KnownFailureList.Parse(Text, "contoso.txt");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(list.Source, Is.EqualTo("contoso.txt"));
            Assert.That(list.Entries, Is.EqualTo(new[]
            {
                new KnownFailureEntry("Send04_UnknownHandle_FailsWithFailure_V2", "firmware 2.1 # ticket 7", 3),
                new KnownFailureEntry("Esp01_*_V2Ipv6", "IPv6 ICVs wrong", 4),
                new KnownFailureEntry("SEND-23", "pads in the MAC", 6),
            }));
        }
    }

    [TestCase("Send04_UnknownHandle_FailsWithFailure_V2", 2)]
    [TestCase("Send04_UnknownHandle_FailsWithFailure_V2 #", 2)]
    [TestCase("Send04_UnknownHandle_FailsWithFailure_V2 #    ", 2)]
    [TestCase("Send04_Unknown Handle # reason", 2)]
    [TestCase("Send04_Unknown\tHandle # reason", 2)]
    public void Parse_LineWithoutPatternOrReason_IsRefused_WithItsLine(string line, int number)
    {
        FormatException e = Assert.Throws<FormatException>(() => KnownFailureList.Parse("# header\n" + line + "\n", "vendor.txt"))!;
        Assert.That(e.Message, Does.StartWith($"vendor.txt line {number}: expected '<case name, requirement id or pattern> # <reason>'"));
    }

    [Test]
    public void Parse_SameEntryTwice_IsRefused_NamingBothLines()
    {
        FormatException e = Assert.Throws<FormatException>(() => KnownFailureList.Parse("Send03_* # a\nSEND-04 # b\nSend03_* # c\n", "twice.txt"))!;
        Assert.That(e.Message, Is.EqualTo("twice.txt line 3: 'Send03_*' is already listed on line 1"));
    }

    [Test]
    public void Load_MissingFile_IsTheEmptyList()
    {
        Assert.That(KnownFailureList.Load(Path.Combine(Folder, "no-such-adapter.txt")).Entries, Is.Empty);
    }

    [Test]
    public void ReferenceList_ExistsWithAHeader_AndHasNoEntries()
    {
        string path = Path.Combine(Folder, KnownFailureList.FileNameFor(AdapterRegistry.Default));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.ReadAllText(path), Does.StartWith("#").And.Contain("has none"));
            Assert.That(KnownFailureList.Load(path).Entries, Is.Empty);
        }
    }

    [Test]
    public void EveryCheckedInList_ParsesAndEveryEntryMatchesACatalogueCase()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (string path in Directory.GetFiles(Folder, "*.txt"))
            {
                KnownFailureList list = KnownFailureList.Load(path);
                foreach (KnownFailureEntry entry in list.Entries)
                {
                    Assert.That(CaseCatalogue.All.Any(c => entry.Matches(c.Name, c.Requirements)), Is.True,
                        $"{Path.GetFileName(path)} line {entry.Line}: '{entry.Pattern}' matches no case");
                }
            }
        }
    }

    [TestCase("reference", "reference.txt")]
    [TestCase("reference:x86", "reference_x86.txt")]
    [TestCase("mutant:zero-icv", "mutant_zero-icv.txt")]
    [TestCase(@"assembly:C:\drivers\contoso.dll;Contoso.Miniport", "assembly_C__drivers_contoso.dll_Contoso.Miniport.txt")]
    public void FileNameFor_ReplacesCharactersOutsideTheSafeSet(string adapter, string file) =>
        Assert.That(KnownFailureList.FileNameFor(adapter), Is.EqualTo(file));

    // ---- patterns --------------------------------------------------------------------------------

    [TestCase(ZeroHandleV2, ZeroHandleV2, true)]
    [TestCase(ZeroHandleV2, ZeroHandleV2Ex, false)]
    [TestCase("Send03_OffloadHandleZero_SentUnchanged", ZeroHandleV2, false)]
    [TestCase("Send03_*", ZeroHandleV2, true)]
    [TestCase("*_V2", ZeroHandleV2, true)]
    [TestCase("*_V2", ZeroHandleV2Ex, false)]
    [TestCase("*V2*", ZeroHandleV2Ex, true)]
    [TestCase("Send03_*_V2*", ZeroHandleV2Ex, true)]
    [TestCase("Send03_*Handle*Sent*_V1", ZeroHandleV1, true)]
    [TestCase("Send03_*Sent*Handle*", ZeroHandleV1, false)]
    [TestCase("Send04_*", ZeroHandleV2, false)]
    [TestCase("*", ZeroHandleV2, true)]
    [TestCase("S*3_*1", ZeroHandleV1, true)]
    [TestCase("send03_*", ZeroHandleV2, false)]
    [TestCase("Send03_OffloadHandleZero_SentUnchanged_V2*V2", ZeroHandleV2, false)]
    public void Entry_MatchesCaseNames_ExactlyOrByWildcard(string pattern, string caseName, bool matches) =>
        Assert.That(new KnownFailureEntry(pattern, "reason", 1).Matches(caseName, []), Is.EqualTo(matches));

    [TestCase("SEND-03", true)]
    [TestCase("SEND-23", true)]
    [TestCase("SEND-04", false)]
    [TestCase("SEND-0*", false)]
    public void Entry_MatchesARequirementIdTheCaseJudges_ExactlyOnly(string pattern, bool matches) =>
        Assert.That(new KnownFailureEntry(pattern, "reason", 1).Matches(ZeroHandleV2, ["SEND-03", "SEND-23"]), Is.EqualTo(matches));

    // ---- the runner with a list ------------------------------------------------------------------

    [Test]
    public void ListedAndFailing_IsAnExpectedFailure_AndTheRunPasses()
    {
        KnownFailureList list = KnownFailureList.Parse("Send03_OffloadHandleZero_SentUnchanged_* # ignores-zero-handle fails NBLs without a handle", "mutant_ignores-zero-handle.txt");
        RunResult run = Run("ignores-zero-handle", list);
        CaseResult[] zeroHandle = [.. run.Cases.Where(c => c.Case.Name.StartsWith("Send03_OffloadHandleZero_SentUnchanged_", StringComparison.Ordinal))];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(zeroHandle.Select(c => c.Case.Name), Is.EquivalentTo(new[] { ZeroHandleV1, ZeroHandleV2, ZeroHandleV2Ex }));
            foreach (CaseResult result in zeroHandle)
            {
                Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Case.Name);
                Assert.That(result.Expected, Is.True, result.Case.Name);
                Assert.That(result.KnownFailure, Is.SameAs(list.Entries[0]), result.Case.Name);
                Assert.That(result.FailedRequirement, Is.EqualTo("SEND-03"), result.Case.Name);
            }

            Assert.That(run.ExpectedFailures, Is.EqualTo(3));
            Assert.That(run.RunFailures, Is.Empty);
            Assert.That(run.UnmatchedKnownFailures, Is.Empty);
            Assert.That(run.Passed, Is.True, "every failure of the mutant is listed");
        }
    }

    [Test]
    public void RequirementIdEntry_CoversEveryFailingCaseOfTheRequirement()
    {
        RunResult run = Run("ignores-zero-handle", KnownFailureList.Parse("SEND-03 # handle 0 is looked up", "by-id.txt"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExpectedFailures, Is.EqualTo(3));
            Assert.That(run.Passed, Is.True);
        }
    }

    [Test]
    public void PartlyListedMutant_OnlyTheListedCaseIsExpected_TheOthersFailTheRun()
    {
        RunResult run = Run("ignores-zero-handle", KnownFailureList.Parse(ZeroHandleV1 + " # v1 only", "partial.txt"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Cases.Single(c => c.Case.Name == ZeroHandleV1).Expected, Is.True);
            Assert.That(run.RunFailures.Select(c => c.Case.Name), Is.EquivalentTo(new[] { ZeroHandleV2, ZeroHandleV2Ex }));
            Assert.That(run.Passed, Is.False);
        }
    }

    [Test]
    public void ListedAndPassing_Fails_SayingRemoveTheEntry()
    {
        RunResult run = Run(null, KnownFailureList.Parse("# reference\n" + ProtectedV2 + " # thought broken", "reference.txt"));
        CaseResult result = run.Cases.Single(c => c.Case.Name == ProtectedV2);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail));
            Assert.That(result.Expected, Is.False);
            Assert.That(result.Message, Is.EqualTo("listed in known failures (reference.txt line 2: thought broken) but passed: remove the entry"));
            Assert.That(run.RunFailures.Select(c => c.Case.Name), Is.EqualTo(new[] { ProtectedV2 }));
            Assert.That(run.Passed, Is.False);
        }
    }

    [Test]
    public void EntryMatchingNoCase_IsUnmatched_AndFailsTheRun()
    {
        KnownFailureList list = KnownFailureList.Parse("Send99_NoSuchCase_* # renamed long ago\nESP-99 # no such requirement", "stale.txt");
        RunResult run = Run(null, list);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.UnmatchedKnownFailures, Is.EqualTo(list.Entries));
            Assert.That(run.RunFailures, Is.Empty, "every case passed");
            Assert.That(run.Passed, Is.False);
        }
    }

    [Test]
    public void WithoutAList_TheMutantFailsTheRun()
    {
        RunResult run = Run("ignores-zero-handle", KnownFailureList.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.RunFailures.Select(c => c.Case.Name), Is.EquivalentTo(new[] { ZeroHandleV1, ZeroHandleV2, ZeroHandleV2Ex }));
            Assert.That(run.Passed, Is.False);
        }
    }

    /// <summary>Runs the catalogue against a mutant (or the reference when <paramref name="mutant"/> is null) with <paramref name="list"/>.</summary>
    private static RunResult Run(string? mutant, KnownFailureList list)
    {
        AdapterUnderTest adapter = mutant is null
            ? new AdapterUnderTest(AdapterRegistry.Default, AdapterRegistry.Find(AdapterRegistry.Default)!.Create)
            : new AdapterUnderTest(AdapterRegistry.MutantPrefix + mutant, MutantCatalogue.Find(mutant)!.Create);
        // The seed-rule cases: three zero-handle cases the ignores-zero-handle mutant fails, and cases it passes.
        return ConformanceRunner.Run(adapter, CaseCatalogue.All.Where(c => c.Name.StartsWith("Send03_OffloadHandleZero_", StringComparison.Ordinal)
            || c.Name.StartsWith("Send04_UnknownHandle_", StringComparison.Ordinal) || c.Name.StartsWith("Send09_EspTransport_", StringComparison.Ordinal)),
            new RunOptions { KnownFailures = list });
    }
}
