using IpsecOffload.Engine.Profile;

namespace IpsecOffload.Conformance.Profile;

/// <summary>
/// The assumptions a run judges by (ARCHITECTURE §4): the offload profile that settles the points the
/// NDIS documents leave open, plus how SHOULD failures count. Printed in every report.
/// </summary>
public sealed record ConformanceProfile
{
    /// <summary>The defaults of ARCHITECTURE §4 (<c>default</c>).</summary>
    public static ConformanceProfile Default { get; } = new();

    /// <summary>The profile's name (the file's <c>name</c>, or <c>default</c>).</summary>
    public string Name { get; init; } = "default";

    /// <summary>Where it was loaded from, or null for the built-in default.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The assumption settings shared with the engine and the transport simulator.</summary>
    public OffloadProfile Offload { get; init; } = OffloadProfile.Default;

    /// <summary>SHOULD failures fail (true) or warn (false, STYLE §4).</summary>
    public bool StrictShould { get; init; }
}
