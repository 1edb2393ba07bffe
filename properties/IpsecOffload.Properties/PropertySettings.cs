using System.Globalization;

namespace IpsecOffload.Properties;

/// <summary>
/// How a property run draws and how long it goes (STYLE §7: one settings type): the FsCheck replay
/// <c>(seed, gamma)</c> (gamma odd), the cases per property, the shrink budget, and the share of LSO
/// requests where a property mixes LSO in. Read from the runsettings parameters <c>PropertySeed</c>
/// (<c>"20261122,1"</c>, or <c>"random"</c> in fuzz campaigns) and <c>PropertyCases</c>.
/// </summary>
public sealed record PropertySettings
{
    /// <summary>The CI replay seed.</summary>
    public const ulong DefaultSeed = 20261122;

    /// <summary>The CI replay gamma (odd, as FsCheck's SplitMix generator needs).</summary>
    public const ulong DefaultGamma = 1;

    /// <summary>Cases per property in CI (issue #6: at least 500).</summary>
    public const int DefaultCases = 500;

    /// <summary>The FsCheck replay seed.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>The FsCheck replay gamma; must be odd.</summary>
    public ulong Gamma { get; init; } = DefaultGamma;

    /// <summary>Cases per property (FsCheck's MaxTest).</summary>
    public int Cases { get; init; } = DefaultCases;

    /// <summary>How many shrink candidates a failure may try before the runner reports the smallest found so far.</summary>
    public int MaxShrinks { get; init; } = 2000;

    /// <summary>Percent (0…100) of LSO requests where a property mixes them with plain sends.</summary>
    public int LsoSharePercent { get; init; } = 10;

    /// <summary>The largest IP datagram the adapter sends (the reference uses jumbo frames, 9216).</summary>
    public int Mtu { get; init; } = Engine.Lso.LsoRequest.JumboMtu;

    /// <summary>The replay as FsCheck prints it: <c>(seed,gamma)</c>.</summary>
    public string Replay => string.Create(CultureInfo.InvariantCulture, $"({Seed},{Gamma})");

    /// <summary>The replay as FsCheck's random state (for sampling generators with the run's seed).</summary>
    public FsCheck.Rnd Rnd => new(Seed, Gamma);

    /// <summary>The CI settings: fixed replay, 500 cases per property.</summary>
    public static PropertySettings Default { get; } = new();

    /// <summary>
    /// Settings from runsettings-style text: <paramref name="seed"/> is <c>"seed,gamma"</c>, <c>"seed gamma"</c>,
    /// <c>"seed"</c> (gamma 1) or <c>"random"</c> (a fresh seed, printed with every result so it replays);
    /// <paramref name="cases"/> a positive integer. Null or empty values keep the defaults.
    /// </summary>
    /// <exception cref="FormatException">A value does not parse, or the gamma is even.</exception>
    public static PropertySettings Parse(string? seed, string? cases)
    {
        PropertySettings settings = Default;
        if (!string.IsNullOrWhiteSpace(seed))
        {
            (ulong s, ulong g) = ParseReplay(seed);
            settings = settings with { Seed = s, Gamma = g };
        }

        if (!string.IsNullOrWhiteSpace(cases))
        {
            int n = int.Parse(cases.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            if (n <= 0)
            {
                throw new FormatException($"PropertyCases must be positive, got {n}");
            }

            settings = settings with { Cases = n };
        }

        return settings;
    }

    /// <summary>Parses a replay <c>"seed,gamma"</c> / <c>"seed gamma"</c> / <c>"(seed,gamma)"</c> / <c>"seed"</c> / <c>"random"</c>.</summary>
    /// <exception cref="FormatException">The text does not parse, or the gamma is even.</exception>
    public static (ulong Seed, ulong Gamma) ParseReplay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim().Trim('(', ')');
        if (string.Equals(trimmed, "random", StringComparison.OrdinalIgnoreCase))
        {
            // A fresh replay for long campaigns; every outcome prints it, so a failure still replays.
            ulong fresh = unchecked((ulong)System.Random.Shared.NextInt64(1, long.MaxValue));
            return (fresh, 1);
        }

        string[] parts = trimmed.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2)
        {
            throw new FormatException($"PropertySeed '{text}': expected \"seed,gamma\", \"seed\" or \"random\"");
        }

        ulong seed = ulong.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        ulong gamma = parts.Length == 2 ? ulong.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture) : DefaultGamma;
        if (gamma % 2 == 0)
        {
            throw new FormatException($"PropertySeed '{text}': the gamma {gamma} must be odd (FsCheck's replay generator needs an odd gamma)");
        }

        return (seed, gamma);
    }
}
