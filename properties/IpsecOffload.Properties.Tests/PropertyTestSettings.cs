using IpsecOffload.Adapters;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Properties.Properties;
using IpsecOffload.Testing;

namespace IpsecOffload.Properties.Tests;

/// <summary>
/// The runsettings parameters the property tests read: <c>Adapter</c> (default <c>reference</c>), <c>Profile</c>
/// (a profile file, default the built-in one), <c>PropertySeed</c> and <c>PropertyCases</c> (into <see cref="PropertySettings"/>).
/// </summary>
internal static class PropertyTestSettings
{
    public static string AdapterName => TestContext.Parameters.Get("Adapter", AdapterRegistry.Default);

    public static PropertySettings Settings =>
        PropertySettings.Parse(TestContext.Parameters.Get("PropertySeed", string.Empty), TestContext.Parameters.Get("PropertyCases", string.Empty));

    public static ConformanceProfile Profile =>
        TestContext.Parameters.Get("Profile", string.Empty) is { Length: > 0 } path
            ? ProfileFile.Load(Path.IsPathRooted(path) ? path : Path.Combine(RepositoryPaths.Root, path))
            : ConformanceProfile.Default;

    /// <summary>The runsettings' adapter as a property target.</summary>
    public static PropertyTarget Target
    {
        get
        {
            ConformanceProfile profile = Profile;
            AdapterDescriptor adapter = AdapterRegistry.Find(AdapterName) ?? throw new InvalidOperationException(AdapterRegistry.Unknown(AdapterName));
            return new PropertyTarget(adapter.Name, adapter.FactoryFor(profile.Offload), profile);
        }
    }

    /// <summary>A named adapter of the registry (mutants) under the default profile.</summary>
    public static PropertyTarget Named(string name)
    {
        AdapterDescriptor adapter = AdapterRegistry.Find(name) ?? throw new InvalidOperationException(AdapterRegistry.Unknown(name));
        return new PropertyTarget(adapter.Name, adapter.FactoryFor(ConformanceProfile.Default.Offload), ConformanceProfile.Default);
    }
}
