using System.Text;

namespace IpsecOffload.Conformance.Oracle;

/// <summary>
/// What the oracle found about one frame: the problems (empty when the frame is right), the requirement
/// the first problem breaks, and the annotated field diff of the opened packet against the framed one.
/// </summary>
/// <param name="Problems">One readable line per problem.</param>
/// <param name="Requirement">The requirement id the first problem breaks, or null to use the caller's.</param>
/// <param name="Diff">The STYLE §5 field diff (lengths, named fields, at most five rows), or null.</param>
public sealed record OracleJudgement(IReadOnlyList<string> Problems, string? Requirement, string? Diff)
{
    /// <summary>A frame with nothing wrong.</summary>
    public static OracleJudgement Good { get; } = new([], null, null);

    /// <summary>True when the frame is right.</summary>
    public bool Ok => Problems.Count == 0;

    /// <summary>A judgement with one problem.</summary>
    public static OracleJudgement Bad(string requirement, string problem, string? diff = null) => new([problem], requirement, diff);

    /// <summary>The problems, then the diff.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendJoin("; ", Problems);
        if (Diff is not null)
        {
            text.Append('\n').Append(Diff.TrimEnd());
        }

        return text.ToString();
    }
}
