using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Profile;

namespace IpsecOffload.Conformance.Running;

/// <summary>What a run needs besides the adapter and the cases.</summary>
public sealed record RunOptions
{
    /// <summary>The CI seed of <c>runsettings/default.runsettings</c>.</summary>
    public const int DefaultSeed = 20261122;

    /// <summary>The assumptions to judge by.</summary>
    public ConformanceProfile Profile { get; init; } = ConformanceProfile.Default;

    /// <summary>The run seed (each case derives its own from it and its name).</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The adapter's known failures.</summary>
    public KnownFailureList KnownFailures { get; init; } = KnownFailureList.Empty;

    /// <summary>Called after each case (progress bars).</summary>
    public Action<CaseResult>? OnCaseFinished { get; init; }
}
