using NUnit.Framework;

namespace IpsecOffload.Testing;

/// <summary>Locates the repository from a running test, for tests that read checked-in data (vectors, catalogues).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IpsecConformance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"IpsecConformance.sln not found above {TestContext.CurrentContext.TestDirectory}; run the tests from a checkout.");
    });

    /// <summary>The folder holding <c>IpsecConformance.sln</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The checked-in golden vectors.</summary>
    public static string Vectors => Path.Combine(Root, "vectors");
}
