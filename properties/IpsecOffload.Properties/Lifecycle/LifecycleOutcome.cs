using System.Text;

namespace IpsecOffload.Properties.Lifecycle;

/// <summary>The first point where an adapter left the model: the step, the requirement, what the model expected and what the adapter did.</summary>
/// <param name="Step">Index of the step in the script.</param>
/// <param name="StepText">The step as the script prints it.</param>
/// <param name="Requirement">The requirement id the divergence breaks (SA-01, SA-02, SA-05, SEND-04, ESN-02, CMPL-01, …).</param>
/// <param name="Expected">What the model expected.</param>
/// <param name="Actual">What the adapter did (statuses, handles, frame counts, the oracle's findings).</param>
public sealed record LifecycleDivergence(int Step, string StepText, string Requirement, string Expected, string Actual)
{
    /// <inheritdoc/>
    public override string ToString() => $"[{Requirement}] step #{Step} {StepText}: expected {Expected}; the adapter {Actual}";
}

/// <summary>
/// The result of playing one <see cref="OidScript"/> against an adapter: no problems when the adapter matched the
/// model at every step, else the first divergence (the run stops there). The transcript says what each step
/// resolved to and what came back (handles, statuses, frame counts; never key bytes).
/// </summary>
/// <param name="Problems">Empty when the adapter matched the model; else exactly the first divergence.</param>
/// <param name="StepsRun">Steps that ran.</param>
/// <param name="StepsSkipped">Steps that named something the table did not hold at that point (e.g. a live handle while none was live) and did nothing.</param>
/// <param name="NetBuffersSent">NET_BUFFERs sent.</param>
/// <param name="Transcript">One line per step.</param>
public sealed record LifecycleOutcome(IReadOnlyList<LifecycleDivergence> Problems, int StepsRun, int StepsSkipped, int NetBuffersSent,
    IReadOnlyList<string> Transcript)
{
    /// <summary>True when the adapter matched the model.</summary>
    public bool Matched => Problems.Count == 0;

    /// <summary>The first divergence, or null.</summary>
    public LifecycleDivergence? Divergence => Problems.Count == 0 ? null : Problems[0];

    /// <summary>A summary, then the divergence (if any) and the transcript.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Matched ? "matched the SA table model" : "diverged from the SA table model")
            .Append($": {StepsRun} step(s) run, {StepsSkipped} skipped, {NetBuffersSent} NB(s) sent");
        if (Divergence is { } d)
        {
            text.Append('\n').Append(d);
        }

        foreach (string line in Transcript)
        {
            text.Append("\n  ").Append(line);
        }

        return text.ToString();
    }
}
