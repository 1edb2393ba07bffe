using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Vectors;

namespace IpsecOffload.Conformance.Tests.Suite;

/// <summary>
/// Every catalogue case against the adapter the runsettings name, one test per case named after it.
/// Filter by requirement (<c>Requirement == 'SEND-03'</c>), level (<c>Level == 'Must'</c>, or the
/// categories <c>Required</c> / <c>Recommended</c> / <c>Optional</c>) and area (<c>Area == 'esp'</c>).
/// Pass: pass. Warn: NUnit warning. NotApplicable: ignored with the reason. Fail or Blocked: failure,
/// unless the adapter's known-failures file lists the case (then it passes as an expected failure; a
/// listed case that passes fails with "remove the entry").
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed class ConformanceSuite
{
    public static IEnumerable<TestCaseData> Cases() => CaseCatalogue.All.Select(ToTestCase);

    [TestCaseSource(nameof(Cases))]
    public void Case(string name)
    {
        ConformanceCase @case = CaseCatalogue.Find(name)!;
        CaseResult result = ConformanceRunner.RunCase(SuiteSettings.Adapter, @case, SuiteSettings.RunOptions);
        string report = $"{result.Message}\n[{SuiteSettings.AdapterName}, profile {SuiteSettings.RunOptions.Profile.Name}]";
        switch (result.Verdict)
        {
            case Verdict.Pass:
                break;
            case Verdict.Warn:
                Assert.Warn(report);
                break;
            case Verdict.NotApplicable:
                Assert.Ignore($"NotApplicable: {result.Message}");
                break;
            case Verdict.Fail when result.Expected:
                Assert.Pass($"expected failure ({result.KnownFailure!.Reason}): {report}");
                break;
            case Verdict.Blocked:
                AttachFrames(result);
                Assert.Fail($"Blocked: {report}");
                break;
            default:
                AttachFrames(result);
                Assert.Fail(report);
                break;
        }
    }

    [Test]
    public void KnownFailures_EveryEntryMatchesACase()
    {
        var unmatched = SuiteSettings.RunOptions.KnownFailures.Entries
            .Where(e => !CaseCatalogue.All.Any(c => e.Matches(c.Name, c.Requirements)))
            .Select(e => $"{SuiteSettings.KnownFailuresPath} line {e.Line}: '{e.Pattern}' matches no case; remove the entry")
            .ToList();
        Assert.That(unmatched, Is.Empty);
    }

    /// <summary>The frames the adapter sent during a failing case, as a hex dump attachment (STYLE §5).</summary>
    private static void AttachFrames(CaseResult result)
    {
        if (result.Frames.Count == 0)
        {
            return;
        }

        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "conformance-evidence", result.Case.Name + ".frames.hex");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Concat(result.Frames.Select(f => $"frame {f.Index} of {f.Nbl} ({f.Frame.Length} bytes):\n{VectorDiff.HexDump(f.Frame)}")));
        TestContext.AddTestAttachment(path, "frames the adapter transmitted");
    }

    private static TestCaseData ToTestCase(ConformanceCase @case)
    {
        var data = new TestCaseData(@case.Name).SetName(@case.Name).SetDescription(@case.Summary);
        foreach (string id in @case.Requirements)
        {
            Requirement? requirement = RequirementCatalogue.Default.Find(id);
            data.SetProperty("Requirement", id);
            if (requirement is not null)
            {
                data.SetProperty("Level", requirement.Level.ToString());
                data.SetProperty("Area", requirement.Area);
            }
        }

        Requirement? main = RequirementCatalogue.Default.Find(@case.Requirements[0]);
        data.SetCategory(main?.Level switch
        {
            RequirementLevel.Must => "Required",
            RequirementLevel.Should => "Recommended",
            _ => "Optional",
        });
        return data;
    }
}
