using NUnit.Framework;

namespace IpsecOffload.Testing.Tools;

/// <summary>
/// Finds a Debian tool a test needs (tshark now; chromium, python3-scapy later). A missing tool is
/// never a silent skip: with the environment variable <c>CI</c> set to <c>true</c> the test fails,
/// elsewhere it is ignored; both messages carry the install command.
/// </summary>
public static class ExternalTool
{
    /// <summary>The environment variable that marks a CI run.</summary>
    public const string CiVariable = "CI";

    /// <summary>
    /// The full path of <paramref name="name"/> on <c>PATH</c>. When it is missing, fails the test
    /// (CI=true) or ignores it (otherwise), naming <paramref name="installCommand"/>.
    /// </summary>
    public static string Require(string name, string installCommand)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(installCommand);
        if (Find(name) is { } path)
        {
            return path;
        }

        string message = $"External tool '{name}' is not installed (not found on PATH). Install it with: {installCommand}";
        if (IsCi)
        {
            Assert.Fail(message + $" ({CiVariable}=true, so a missing tool fails the run.)");
        }

        Assert.Ignore(message);
        throw new InvalidOperationException("unreachable: Assert.Ignore throws");
    }

    /// <summary>True when the environment variable CI is "true" (case-insensitive).</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable(CiVariable), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of an executable named <paramref name="name"/> on <c>PATH</c>, or null.</summary>
    public static string? Find(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }

        string path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        string[] extensions = OperatingSystem.IsWindows() ? [".exe", ".cmd", string.Empty] : [string.Empty];
        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string extension in extensions)
            {
                string candidate = Path.Combine(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
