namespace IpsecOffload.Conformance.Cases;

/// <summary>
/// One conformance case: a stable name that starts with its first requirement id and states condition
/// and outcome (<c>Send03_OffloadHandleZero_SentUnchanged_V2</c>), the requirement ids it judges, the
/// features it needs (a case whose feature the adapter does not claim is NotApplicable, or under-claimed
/// when it works anyway) and its body, which drives the adapter through a <see cref="CaseContext"/>
/// and throws <see cref="CaseFailedException"/> on the first broken check.
/// </summary>
/// <param name="Name">The test name (unique in the catalogue).</param>
/// <param name="Requirements">The catalogue ids judged (at least one; the first is the main one).</param>
/// <param name="Summary">One line: what the case does and expects.</param>
/// <param name="Needs">The features the case needs (empty: none).</param>
/// <param name="Body">The case.</param>
public sealed record ConformanceCase(string Name, IReadOnlyList<string> Requirements, string Summary, IReadOnlyList<Feature> Needs, Action<CaseContext> Body)
{
    /// <summary>Who judged this case beyond its checks: a vector id for vector cases, else null.</summary>
    public string? VectorId { get; init; }

    /// <summary>
    /// A profile condition: when it returns a reason the case is NotApplicable under that profile
    /// (e.g. a case that judges the <c>Failure</c> reading of AMB-23 under the <c>SendAsIs</c> default).
    /// </summary>
    public Func<Profile.ConformanceProfile, string?>? ProfileCondition { get; init; }

    /// <summary>The case's name.</summary>
    public override string ToString() => Name;
}
