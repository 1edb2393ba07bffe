using System.Globalization;
using System.Reflection;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;

namespace IpsecOffload.Conformance.Reports;

/// <summary>One profile setting as reports print it.</summary>
/// <param name="Name">The setting's name: an <see cref="OffloadProfile"/> property name, or <c>StrictShould</c>.</param>
/// <param name="Value">The value: a bool, an int, or text (enum member names; NDIS statuses by their NDIS name).</param>
public sealed record ProfileSetting(string Name, object Value)
{
    /// <summary>The value as text (<c>true</c>/<c>false</c> for bools, invariant numbers).</summary>
    public string Text => Value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };
}

/// <summary>
/// Every setting of a <see cref="ConformanceProfile"/>: each public property of its
/// <see cref="OffloadProfile"/> in declaration order (read by reflection, so a setting added to the
/// record appears in every report without touching the writers), then <c>StrictShould</c>.
/// </summary>
public static class ProfileSettings
{
    /// <summary>The settings of <paramref name="profile"/>.</summary>
    public static IReadOnlyList<ProfileSetting> Of(ConformanceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var settings = new List<ProfileSetting>();
        foreach (PropertyInfo property in typeof(OffloadProfile).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken))
        {
            object? value = property.GetValue(profile.Offload);
            settings.Add(new ProfileSetting(property.Name, value switch
            {
                NdisStatus status => status.ToNdisName(),
                Enum member => member.ToString(),
                bool or int or uint or long => value,
                null => "null",
                _ => value.ToString() ?? "null",
            }));
        }

        settings.Add(new ProfileSetting(nameof(ConformanceProfile.StrictShould), profile.StrictShould));
        return settings;
    }
}
