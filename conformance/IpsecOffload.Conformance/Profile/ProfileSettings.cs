using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;

namespace IpsecOffload.Conformance.Profile;

/// <summary>One line of a profile's description: the file key, its value as a profile file writes it, and the decision behind it.</summary>
/// <param name="Setting">The key in a profile file (<c>espIv</c>).</param>
/// <param name="Value">The value as a profile file spells it (<c>Transport</c>, <c>true</c>, <c>NDIS_STATUS_RESOURCES</c>).</param>
/// <param name="Decision">The open point and the decision record that settle the default (<c>AMB-01, docs/decisions/amb-01-esp-iv.md</c>).</param>
public sealed record ProfileSetting(string Setting, string Value, string Decision);

/// <summary>What kind of JSON value a setting takes.</summary>
internal enum SettingKind
{
    Text,
    Boolean,
    Choice,
}

/// <summary>
/// One setting of a profile file: its key, the decision it records, the kind of value and (for choices)
/// the allowed spellings, and how it reads from and writes to a <see cref="ConformanceProfile"/>.
/// </summary>
internal sealed record SettingDefinition(
    string Key,
    string Decision,
    SettingKind Kind,
    IReadOnlyList<string> Allowed,
    Func<ConformanceProfile, string> Get,
    Func<ConformanceProfile, string, ConformanceProfile> Set);

/// <summary>The settings of a profile file, in file and report order (ARCHITECTURE §4).</summary>
internal static class ProfileSettings
{
    public const string NameKey = "name";

    // Declared before All, which reads it while initialising.
    /// <summary>The NDIS error statuses an ADD_SA request may fail with (error severity, named in ndis.h).</summary>
    public static IReadOnlyList<NdisStatus> ErrorStatuses { get; } = [.. Enum.GetValues<NdisStatus>().Where(s => s.IsError())];

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        new(NameKey, "the profile's name, printed in every report", SettingKind.Text, [],
            p => p.Name, (p, v) => p with { Name = v }),
        new("strictShould", "STYLE §4: SHOULD failures warn unless the profile is strict", SettingKind.Boolean, Booleans,
            p => Bool(p.StrictShould), (p, v) => p with { StrictShould = v == "true" }),
        Choice<EspIvSource>("espIv", "AMB-01, docs/decisions/amb-01-esp-iv.md",
            p => p.EspIv, (o, v) => o with { EspIv = v }),
        Choice<EspTrailerLayout>("nonLsoEspTrailer", "AMB-02, docs/decisions/amb-02-esp-trailer-and-icv-space.md",
            p => p.NonLsoEspTrailer, (o, v) => o with { NonLsoEspTrailer = v }),
        Choice<HeaderOffsetBase>("headerOffsets", "AMB-07, docs/decisions/amb-07-header-offsets.md",
            p => p.HeaderOffsets, (o, v) => o with { HeaderOffsets = v }),
        Choice<OffloadDisabledBehavior>("offloadDisabled", "AMB-23 / SEND-02, docs/decisions/amb-23-offload-disabled.md",
            p => p.OffloadDisabled, (o, v) => o with { OffloadDisabled = v }),
        Choice<V1KeyOrder>("v1KeyOrder", "AMB-11, docs/decisions/amb-11-v1-key-order.md",
            p => p.V1KeyOrder, (o, v) => o with { V1KeyOrder = v }),
        Choice<GcmSaltPlacement>("gcmSalt", "AMB-13, docs/decisions/amb-13-gcm-key-material.md",
            p => p.GcmSalt, (o, v) => o with { GcmSalt = v }),
        Choice<GcmIcvLengthUnit>("gcmIcvLengthUnit", "AMB-13, docs/decisions/amb-13-gcm-key-material.md",
            p => p.GcmIcvLengthUnit, (o, v) => o with { GcmIcvLengthUnit = v }),
        new("padShortFrames", "SEND-23, docs/decisions/send-23-short-frames.md", SettingKind.Boolean, Booleans,
            p => Bool(p.Offload.PadShortFrames), (p, v) => p with { Offload = p.Offload with { PadShortFrames = v == "true" } }),
        new("addSaTotalFailureStatus", "AMB-17, docs/decisions/amb-17-add-sa-failure-status.md", SettingKind.Choice,
            [.. ErrorStatuses.Select(s => s.ToNdisName())],
            p => p.Offload.AddSaTotalFailureStatus.ToNdisName(),
            (p, v) => p with { Offload = p.Offload with { AddSaTotalFailureStatus = ErrorStatuses.Single(s => s.ToNdisName() == v) } }),
    ];

    private static string[] Booleans => ["true", "false"];

    public static SettingDefinition? Find(string key) => All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.Ordinal));

    private static string Bool(bool value) => value ? "true" : "false";

    private static SettingDefinition Choice<T>(string key, string decision, Func<OffloadProfile, T> get, Func<OffloadProfile, T, OffloadProfile> set)
        where T : struct, Enum =>
        new(key, decision, SettingKind.Choice, Enum.GetNames<T>(),
            p => get(p.Offload).ToString(),
            (p, v) => p with { Offload = set(p.Offload, Enum.Parse<T>(v)) });
}
