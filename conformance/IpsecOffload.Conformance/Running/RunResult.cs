using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Profile;

namespace IpsecOffload.Conformance.Running;

/// <summary>The verdict on one requirement, from the cases that judge it.</summary>
/// <param name="Requirement">The catalogue entry.</param>
/// <param name="Verdict">The worst verdict of its cases (Fail, Blocked, Warn, Pass, NotApplicable in that order); NotApplicable with no case.</param>
/// <param name="Cases">The cases that judged it.</param>
/// <param name="ExpectedFailure">True when every failure of the requirement is a known failure.</param>
/// <param name="Reason">Why the verdict is what it is when the cases do not say it themselves (a requirement
/// Blocked because each of its cases failed first on another requirement), or null.</param>
public sealed record RequirementVerdict(Requirement Requirement, Verdict Verdict, IReadOnlyList<CaseResult> Cases, bool ExpectedFailure, string? Reason = null);

/// <summary>One run: one adapter × one profile × one catalogue version (ARCHITECTURE §5).</summary>
public sealed record RunResult
{
    /// <summary>The adapter name as given.</summary>
    public required string Adapter { get; init; }

    /// <summary>What the adapter says it is (name, version, ABI).</summary>
    public required string AdapterIdentity { get; init; }

    /// <summary>The profile judged by.</summary>
    public required ConformanceProfile Profile { get; init; }

    /// <summary>The requirement catalogue.</summary>
    public required RequirementCatalogue Catalogue { get; init; }

    /// <summary>The run seed.</summary>
    public required int Seed { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>How long it took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Every case's result, in run order.</summary>
    public required IReadOnlyList<CaseResult> Cases { get; init; }

    /// <summary>The known-failures list applied.</summary>
    public required KnownFailureList KnownFailures { get; init; }

    /// <summary>Known-failure entries that matched no case of the run (each fails the run).</summary>
    public required IReadOnlyList<KnownFailureEntry> UnmatchedKnownFailures { get; init; }

    /// <summary>Cases per verdict.</summary>
    public int Count(Verdict verdict) => Cases.Count(c => c.Verdict == verdict && !c.Expected);

    /// <summary>Expected (known) failures.</summary>
    public int ExpectedFailures => Cases.Count(c => c.Expected);

    /// <summary>
    /// Failures that fail the run: every Fail not expected by the known-failures list (a SHOULD fails only
    /// under a strict profile, otherwise it is a Warn), and every unmatched known-failure entry.
    /// </summary>
    public IReadOnlyList<CaseResult> RunFailures => [.. Cases.Where(c => c.Verdict == Verdict.Fail && !c.Expected)];

    /// <summary>Whether the run passed: no run failure, no unmatched known-failure entry.</summary>
    public bool Passed => RunFailures.Count == 0 && UnmatchedKnownFailures.Count == 0;

    /// <summary>The verdict of every catalogue requirement.</summary>
    public IReadOnlyList<RequirementVerdict> Requirements() =>
        [.. Catalogue.Requirements.Select(r =>
        {
            List<CaseResult> cases = [.. Cases.Where(c => c.Case.Requirements.Contains(r.Id) || c.FailedRequirement == r.Id)];
            // A case that failed on another requirement says nothing about this one.
            List<CaseResult> counted = [.. cases.Where(c => !(c.Verdict is Verdict.Fail or Verdict.Warn && c.FailedRequirement is not null && c.FailedRequirement != r.Id))];
            Verdict verdict = counted.Count == 0 ? (cases.Count == 0 ? Verdict.NotApplicable : Verdict.Blocked) : counted.Select(c => c.Verdict).MaxBy(Severity);
            bool expected = verdict == Verdict.Fail && counted.Where(c => c.Verdict == Verdict.Fail).All(c => c.Expected);
            string? reason = counted.Count == 0 && cases.Count > 0
                ? $"not judged: every case failed first on {string.Join(", ", cases.Select(c => c.FailedRequirement).Distinct())}"
                : null;
            return new RequirementVerdict(r, verdict, cases, expected, reason);
        })];

    private static int Severity(Verdict verdict) => verdict switch
    {
        Verdict.Fail => 4,
        Verdict.Blocked => 3,
        Verdict.Warn => 2,
        Verdict.Pass => 1,
        _ => 0,
    };
}
