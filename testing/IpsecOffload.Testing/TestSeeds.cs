namespace IpsecOffload.Testing;

/// <summary>
/// Recorded seeds for tests that draw random inputs, so every failure can be replayed
/// (STYLE.md §9: never <c>new Random()</c> without a recorded seed). The seed comes from the
/// environment variable <c>IPSEC_TEST_SEED</c> when set, else a fixed CI value.
/// </summary>
public static class TestSeeds
{
    /// <summary>The fixed seed CI uses when no override is given.</summary>
    public const int CiSeed = 20_261_122;

    /// <summary>The seed for this run; printed by tests that use it.</summary>
    public static int Current { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("IPSEC_TEST_SEED"), out int s) ? s : CiSeed;

    /// <summary>A <see cref="Random"/> seeded from <see cref="Current"/> mixed with a per-test salt.</summary>
    public static Random Create(int salt) => new(unchecked(Current * 31 + salt));
}
