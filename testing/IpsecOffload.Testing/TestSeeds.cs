using System.Globalization;
using NUnit.Framework;

namespace IpsecOffload.Testing;

/// <summary>
/// Recorded seeds for tests that draw random inputs, so every failure can be replayed
/// (STYLE.md §9: never <c>new Random()</c> without a recorded seed). The seed comes from the
/// environment variable <c>IPSEC_TEST_SEED</c> when set, else the runsettings parameter <c>Seed</c>,
/// else a fixed CI value.
/// </summary>
public static class TestSeeds
{
    /// <summary>The fixed seed CI uses when no override is given.</summary>
    public const int CiSeed = 20_261_122;

    private static readonly Lazy<int> Seed = new(() =>
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("IPSEC_TEST_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int fromEnvironment))
        {
            return fromEnvironment;
        }

        string? fromSettings = TestContext.Parameters.Get("Seed");
        return int.TryParse(fromSettings, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : CiSeed;
    });

    /// <summary>The seed for this run; tests that use it print it on failure.</summary>
    public static int Current => Seed.Value;

    /// <summary>A <see cref="Random"/> seeded from <see cref="Current"/> mixed with a per-test salt.</summary>
    public static Random Create(int salt) => new(unchecked((Current * 31) + salt));

    /// <summary>The text to put in a failure message so the case can be replayed.</summary>
    public static string ReplayHint(int salt) =>
        $"seed {Current} (salt {salt}); replay with IPSEC_TEST_SEED={Current}";
}
