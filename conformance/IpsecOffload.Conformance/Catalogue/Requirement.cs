namespace IpsecOffload.Conformance.Catalogue;

/// <summary>How binding a requirement is (the spec digest's "Type" column).</summary>
public enum RequirementLevel
{
    /// <summary>MUST: a failure fails the run.</summary>
    Must,
    /// <summary>SHOULD: a failure is a warning unless the profile says strict.</summary>
    Should,
    /// <summary>MAY: reported, never failing.</summary>
    May,
    /// <summary>A transport guarantee, usable as a precondition; not judged on the miniport.</summary>
    Fact,
    /// <summary>Not written anywhere but the only consistent reading; judged under a profile assumption.</summary>
    Inferred,
}

/// <summary>One catalogue entry: a stable id, its level, its area, a one-line summary and its sources.</summary>
/// <param name="Id">Stable id (<c>SEND-03</c>; project ids follow the same form).</param>
/// <param name="Type">The digest's type text as written (<c>MUST</c>, <c>FACT / MUST</c>, …).</param>
/// <param name="Level">The level the suite judges by.</param>
/// <param name="Area">Spec area (<c>send</c>, later <c>esp</c>, <c>ah</c>, <c>lso</c>, <c>oid</c>, …).</param>
/// <param name="Summary">What the requirement says.</param>
/// <param name="Sources">Where it comes from (URLs, or an RFC reference).</param>
public sealed record Requirement(string Id, string Type, RequirementLevel Level, string Area, string Summary, IReadOnlyList<string> Sources)
{
    /// <summary>The level for a digest type: any MUST wins (<c>FACT / MUST</c> is judged as MUST).</summary>
    public static RequirementLevel LevelOf(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Contains("MUST", StringComparison.Ordinal) ? RequirementLevel.Must
            : type.Contains("SHOULD", StringComparison.Ordinal) ? RequirementLevel.Should
            : type.Contains("MAY", StringComparison.Ordinal) ? RequirementLevel.May
            : type.Contains("INFERRED", StringComparison.Ordinal) ? RequirementLevel.Inferred
            : type.Contains("FACT", StringComparison.Ordinal) ? RequirementLevel.Fact
            : throw new FormatException($"requirement type '{type}' is none of MUST, SHOULD, MAY, FACT, INFERRED");
    }
}
