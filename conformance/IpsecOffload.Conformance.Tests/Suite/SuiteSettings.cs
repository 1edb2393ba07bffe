using System.Globalization;
using IpsecOffload.Adapters;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Suite;

/// <summary>
/// The runsettings parameters of the front door: <c>Adapter</c> (default <c>reference</c>), <c>Profile</c>
/// (a profile file; default the built-in profile), <c>Seed</c>; and the adapter's known-failures file
/// <c>conformance/known-failures/&lt;adapter&gt;.txt</c>.
/// </summary>
internal static class SuiteSettings
{
    private static readonly Lazy<RunOptions> Options = new(BuildOptions);

    public static string AdapterName => TestContext.Parameters.Get("Adapter", AdapterRegistry.Default);

    public static AdapterUnderTest Adapter
    {
        get
        {
            AdapterDescriptor adapter = AdapterRegistry.Find(AdapterName) ?? throw new InvalidOperationException(AdapterRegistry.Unknown(AdapterName));
            return new AdapterUnderTest(adapter.Name, adapter.FactoryFor(RunOptions.Profile.Offload));
        }
    }

    public static RunOptions RunOptions => Options.Value;

    public static string KnownFailuresPath => Path.Combine(RepositoryPaths.Root, "conformance", "known-failures", KnownFailureList.FileNameFor(AdapterName));

    private static RunOptions BuildOptions()
    {
        string seedText = TestContext.Parameters.Get("Seed", RunOptions.DefaultSeed.ToString(CultureInfo.InvariantCulture));
        string? profilePath = TestContext.Parameters.Get("Profile", string.Empty) is { Length: > 0 } p ? p : null;
        return new RunOptions
        {
            Seed = int.Parse(seedText, CultureInfo.InvariantCulture),
            Profile = profilePath is null ? ConformanceProfile.Default : ProfileFileFor(profilePath),
            KnownFailures = KnownFailureList.Load(KnownFailuresPath),
        };
    }

    private static ConformanceProfile ProfileFileFor(string path) =>
        ProfileFile.Load(Path.IsPathRooted(path) ? path : Path.Combine(RepositoryPaths.Root, path));
}
