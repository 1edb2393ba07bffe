using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Conformance.Running;

/// <summary>A frame the adapter transmitted during a case, for the evidence capture.</summary>
/// <param name="Case">The case's name.</param>
/// <param name="Nbl">The NBL the frame belongs to.</param>
/// <param name="Index">The frame's position among the case's frames.</param>
/// <param name="Frame">The Ethernet frame.</param>
public sealed record EvidenceFrame(string Case, string Nbl, int Index, byte[] Frame);

/// <summary>
/// The outcome of one case: verdict, message (failure text, NotApplicable reason, warning), the
/// requirement a failure broke, the known-failure entry that expected it, how to reproduce it, and the
/// evidence (frames, SAs) for the report.
/// </summary>
public sealed record CaseResult
{
    /// <summary>The case.</summary>
    public required ConformanceCase Case { get; init; }

    /// <summary>The verdict (before known failures are applied; see <see cref="Expected"/>).</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>Why: the failure, the NotApplicable reason, the warning; empty on a pass.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>The requirement a failure or warning broke (the id in the failure's <c>[…]</c>), or null.</summary>
    public string? FailedRequirement { get; init; }

    /// <summary>The known-failures entry that lists this case, or null.</summary>
    public KnownFailures.KnownFailureEntry? KnownFailure { get; init; }

    /// <summary>A failure the known-failures list expects (reported, not counted against the run).</summary>
    public bool Expected => Verdict == Verdict.Fail && KnownFailure is not null;

    /// <summary>The replay line (vector id or seed).</summary>
    public string Reproduce { get; init; } = string.Empty;

    /// <summary>Notes the case left.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Every frame the adapter transmitted during the case.</summary>
    public IReadOnlyList<EvidenceFrame> Frames { get; init; } = [];

    /// <summary>The SAs the case added (key material included: redact before printing).</summary>
    public IReadOnlyList<SaSpec> Sas { get; init; } = [];

    /// <summary>How long the case took.</summary>
    public TimeSpan Duration { get; init; }
}
