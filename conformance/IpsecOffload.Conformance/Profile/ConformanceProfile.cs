using IpsecOffload.Engine.Profile;

namespace IpsecOffload.Conformance.Profile;

/// <summary>
/// The assumptions a run judges by (ARCHITECTURE §4): the offload profile that settles the points the
/// NDIS documents leave open, plus how SHOULD failures count. Printed in every report; read from a
/// profile file by <see cref="ProfileFile"/>.
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

    /// <summary>
    /// Every setting in profile-file order, as a report prints it: the file key, the value spelled as a
    /// profile file spells it, and the AMB-xx point and decision record behind the setting. The profile's
    /// name is not among them (reports print it in their heading).
    /// </summary>
    public IReadOnlyList<ProfileSetting> Describe() =>
        [.. ProfileSettings.All.Where(s => s.Key != ProfileSettings.NameKey).Select(s => new ProfileSetting(s.Key, s.Get(this), s.Decision))];
}
