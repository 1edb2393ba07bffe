using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IpsecOffload.Adapters;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Properties;
using IpsecOffload.Properties.Properties;
using IpsecOffload.Properties.Running;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>What <c>fuzz</c> was asked to do.</summary>
internal sealed record FuzzSettings
{
    public string Adapter { get; init; } = AdapterRegistry.Default;

    public string? Profile { get; init; }

    /// <summary>Time budget; null with <see cref="Cases"/> null means <see cref="FuzzCommand.DefaultSeconds"/>.</summary>
    public int? Seconds { get; init; }

    /// <summary>Case budget over all properties, or null (time only).</summary>
    public long? Cases { get; init; }

    /// <summary>The replay <c>(seed,gamma)</c>, or null for a fresh one.</summary>
    public string? Seed { get; init; }

    /// <summary>Comma-separated property names, or null for the default mix.</summary>
    public string? Properties { get; init; }

    public int Workers { get; init; } = 1;

    /// <summary>Where found vectors go, or null for <c>vectors/found</c> of the repository (else <c>./found</c>).</summary>
    public string? Found { get; init; }

    /// <summary>Adds the LSO property to the default mix.</summary>
    public bool Lso { get; init; }
}

/// <summary>
/// <c>fuzz</c> (ARCHITECTURE §2a): the properties of issue #6 (<see cref="PropertyCatalogue"/>) against one adapter
/// under one profile, round-robin in batches of <see cref="BatchCases"/> cases per property, until the time or case
/// budget is spent (the first round always finishes, so every property is probed); a progress line every <see cref="ProgressEvery"/>, then cases and cases/s per property and in
/// total. Stops at the first failure and prints the property, its requirement ids, the shrunk and the original case,
/// the replay and the vector written for review. Batch k of property i runs with the replay
/// <c>(seed + k·properties + i, gamma)</c>, so the run seed replays the whole run and the failing batch's seed
/// replays the failure alone with <c>--property</c>. Exit code 0 when nothing failed, 1 on a failure, 2 on bad usage.
/// </summary>
internal static class FuzzCommand
{
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;
    public const int DefaultSeconds = 60;

    /// <summary>Cases per property per batch (per worker). FsCheck grows the size linearly over a batch, so the spread matches CI's 500.</summary>
    public const int BatchCases = 100;

    public const int MaxWorkers = 64;
    public const string FoundFolder = "vectors/found";
    public static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public static Command Create(IAnsiConsole console, IReadOnlyList<AdapterDescriptor> extraAdapters)
    {
        var adapter = new Option<string>("--adapter") { Description = "The adapter to probe (see 'adapters').", DefaultValueFactory = _ => AdapterRegistry.Default };
        var profile = new Option<string?>("--profile") { Description = "A profile file (default: the built-in profile)." };
        var seconds = new Option<int?>("--seconds")
        {
            Description = $"Time budget in seconds (default {DefaultSeconds} when --cases is not given either).",
        };
        var cases = new Option<long?>("--cases") { Description = "Case budget over all properties (stops at whichever budget is spent first)." };
        var seed = new Option<string?>("--seed")
        {
            Description = "Replay \"(seed,gamma)\" (gamma odd) of a previous run; default: a fresh one, printed at the start.",
        };
        var property = new Option<string?>("--property")
        {
            Description = "Comma-separated property names (default: every property but the LSO one; names in the description above).",
        };
        var workers = new Option<int>("--workers") { Description = "Parallel workers, each with its own adapter instance and replay stream.", DefaultValueFactory = _ => 1 };
        var found = new Option<string?>("--found")
        {
            Description = $"Folder for the vector of a failure's shrunk case (default: {FoundFolder} of the repository, else ./found).",
        };
        var lso = new Option<bool>("--lso") { Description = "Add the LSO property to the default mix (the adapter must claim LSO with IPsec)." };
        string names = string.Join(", ", PropertyCatalogue.All.Select(p => p.Name));
        var command = new Command("fuzz",
            "Probe an adapter with generated cases (the properties of issue #6) until the time or case budget is spent; print cases/s; " +
            "stop at the first failure with its shrunk case, the replay seed and a vector for review. Exit code 0: no failure, 1: a failure, " +
            $"2: bad usage. Properties: {names}.")
        {
            adapter, profile, seconds, cases, seed, property, workers, found, lso,
        };
        command.SetAction(r => Run(console, new FuzzSettings
        {
            Adapter = r.GetValue(adapter) ?? AdapterRegistry.Default,
            Profile = r.GetValue(profile),
            Seconds = r.GetValue(seconds),
            Cases = r.GetValue(cases),
            Seed = r.GetValue(seed),
            Properties = r.GetValue(property),
            Workers = r.GetValue(workers),
            Found = r.GetValue(found),
            Lso = r.GetValue(lso),
        }, extraAdapters));
        return command;
    }

    public static int Run(IAnsiConsole console, FuzzSettings settings, IReadOnlyList<AdapterDescriptor>? extraAdapters = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(settings);
        TextWriter output = console.Profile.Out.Writer;
        if (Usage(settings) is { } usage)
        {
            output.WriteLine(usage);
            return ExitUsage;
        }

        if (AdaptersCommand.Resolve(settings.Adapter, output, extraAdapters) is not { } descriptor)
        {
            return ExitUsage;
        }

        ConformanceProfile profile;
        try
        {
            profile = settings.Profile is null ? ConformanceProfile.Default : ProfileFile.Load(settings.Profile);
        }
        catch (Exception e) when (e is IOException or FormatException or NotSupportedException or ArgumentException or UnauthorizedAccessException
            or System.Text.Json.JsonException or InvalidOperationException)
        {
            output.WriteLine($"cannot load profile '{settings.Profile}': {e.Message}");
            return ExitUsage;
        }

        (ulong seed, ulong gamma) replay;
        try
        {
            replay = PropertySettings.ParseReplay(settings.Seed ?? "random");
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            output.WriteLine($"--seed '{settings.Seed}': {e.Message} (expected \"(seed,gamma)\" with an odd gamma, as printed by a previous run)");
            return ExitUsage;
        }

        if (Select(settings, output) is not { } properties)
        {
            return ExitUsage;
        }

        TimeSpan? deadline = settings.Seconds is { } s ? TimeSpan.FromSeconds(s) : settings.Cases is null ? TimeSpan.FromSeconds(DefaultSeconds) : null;
        string foundFolder = Path.GetFullPath(settings.Found
            ?? (RunCommand.RepositoryRoot(Directory.GetCurrentDirectory()) is { } root ? Path.Combine(root, FoundFolder) : "found"));
        string run = string.Create(CultureInfo.InvariantCulture, $"({replay.seed},{replay.gamma})");
        string budget = string.Join(" or ", new[]
        {
            deadline is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.###} s") : null,
            settings.Cases is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c} cases") : null,
        }.OfType<string>());
        string source = profile.SourcePath is null ? string.Empty : $" ({profile.SourcePath})";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ipsec-conformance fuzz: adapter {descriptor.Name}, profile {profile.Name}{source}, seed {run}, budget {budget}, {settings.Workers} worker(s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"properties ({properties.Count}): {string.Join(", ", properties.Select(p => p.Name))}"));
        output.WriteLine($"replay this run: --seed \"{run}\"");

        var target = new PropertyTarget(descriptor.Name, descriptor.FactoryFor(profile.Offload), profile);
        var campaign = new Campaign(properties, target, replay.seed, replay.gamma, settings, deadline, foundFolder, output);
        (PropertyOutcome? failed, int failedBatchCases) = campaign.Run();

        console.Write(campaign.SummaryTable());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total: {campaign.TotalCases} cases in {campaign.Elapsed.TotalSeconds:F1} s, {campaign.CasesPerSecond:F0} cases/s ({settings.Workers} worker(s))"));
        foreach ((string name, string reason) in campaign.NotApplicable)
        {
            output.WriteLine($"not applicable: {name}: {reason}");
        }

        if (failed is null)
        {
            if (campaign.TotalCases == 0)
            {
                output.WriteLine($"no selected property applies to adapter {descriptor.Name}: nothing was probed");
                return ExitUsage;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PASSED: no failure in {campaign.TotalCases} cases"));
            return 0;
        }

        WriteFailure(output, failed, descriptor.Name, settings, failedBatchCases);
        output.WriteLine($"FAILED: {failed.Property}");
        return ExitFailed;
    }

    private static string? Usage(FuzzSettings settings) => settings switch
    {
        { Seconds: <= 0 } => $"--seconds must be positive, got {settings.Seconds}",
        { Cases: <= 0 } => $"--cases must be positive, got {settings.Cases}",
        { Workers: < 1 or > MaxWorkers } => $"--workers must be 1…{MaxWorkers}, got {settings.Workers}",
        _ => null,
    };

    /// <summary>The named properties, or the default mix (non-LSO, plus LSO with <c>--lso</c>); null after writing why.</summary>
    private static List<IProbeProperty>? Select(FuzzSettings settings, TextWriter output)
    {
        if (settings.Properties is null)
        {
            return [.. PropertyCatalogue.All.Where(p => settings.Lso || !PropertyCatalogue.IsLso(p))];
        }

        var selected = new List<IProbeProperty>();
        foreach (string name in settings.Properties.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (PropertyCatalogue.Find(name) is not { } property)
            {
                output.WriteLine($"--property: unknown property '{name}'; known: {string.Join(", ", PropertyCatalogue.All.Select(p => p.Name))}");
                return null;
            }

            if (!selected.Contains(property))
            {
                selected.Add(property);
            }
        }

        if (selected.Count == 0)
        {
            output.WriteLine("--property names no property");
            return null;
        }

        return selected;
    }

    private static void WriteFailure(TextWriter output, PropertyOutcome outcome, string adapter, FuzzSettings settings, int batchCases)
    {
        PropertyFailure f = outcome.Failure!;
        output.WriteLine($"FAIL {outcome.Property} [{string.Join(", ", outcome.Requirements)}] on {adapter}");
        output.WriteLine($"fails: {f.Message}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"shrunk counterexample ({f.Shrinks} shrink steps{(f.ShrinkBudgetExhausted ? ", shrink budget exhausted: may not be the smallest" : "")}):"));
        output.Write(f.ShrunkText);
        output.WriteLine("original counterexample:");
        output.Write(f.OriginalText);
        output.WriteLine($"original fails: {f.OriginalMessage}");
        string profile = settings.Profile is null ? string.Empty : $" --profile \"{settings.Profile}\"";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: --seed \"{f.Replay}\" with --property {outcome.Property} (ipsec-conformance fuzz --adapter {adapter}{profile} --property {outcome.Property} --seed \"{f.Replay}\" --cases {batchCases}); the failing case alone: {f.CaseReplay}"));
        output.WriteLine($"vector for review: {f.VectorPath ?? "(not written)"}");
    }

    /// <summary>The round-robin loop and its tallies.</summary>
    private sealed class Campaign(IReadOnlyList<IProbeProperty> properties, PropertyTarget target, ulong seed, ulong gamma, FuzzSettings settings,
        TimeSpan? deadline, string foundFolder, TextWriter output)
    {
        private readonly Stopwatch _clock = new();
        private readonly Dictionary<string, (long Cases, TimeSpan Elapsed)> _tally = properties.ToDictionary(p => p.Name, _ => (0L, TimeSpan.Zero));
        private readonly List<(string, string)> _notApplicable = [];

        public long TotalCases { get; private set; }

        public TimeSpan Elapsed => _clock.Elapsed;

        public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? TotalCases / Elapsed.TotalSeconds : 0;

        public IReadOnlyList<(string Name, string Reason)> NotApplicable => _notApplicable;

        public (PropertyOutcome? Failed, int BatchCases) Run()
        {
            _clock.Start();
            TimeSpan lastProgress = TimeSpan.Zero;
            var active = properties.ToList();
            try
            {
                for (ulong round = 0; active.Count > 0; round++)
                {
                    for (int i = 0; i < properties.Count; i++)
                    {
                        IProbeProperty property = properties[i];
                        if (!active.Contains(property))
                        {
                            continue;
                        }

                        if (Spent(round))
                        {
                            return (null, 0);
                        }

                        int batch = BatchSize();
                        // Batch k of property i: seed + k·count + i, so no two batches of a run share a replay (ARCHITECTURE §2a: replayable).
                        ulong batchSeed = unchecked(seed + (round * (ulong)properties.Count) + (ulong)i);
                        var runSettings = PropertySettings.Default with { Seed = batchSeed, Gamma = gamma, Cases = batch };
                        PropertyOutcome outcome = PropertyRunner.Run(property, target, runSettings,
                            new PropertyRunOptions { Workers = settings.Workers, FoundFolder = foundFolder });
                        (long cases, TimeSpan elapsed) = _tally[property.Name];
                        _tally[property.Name] = (cases + outcome.Cases, elapsed + outcome.Elapsed);
                        TotalCases += outcome.Cases;
                        if (outcome.NotApplicable is { } reason)
                        {
                            _notApplicable.Add((property.Name, reason));
                            active.Remove(property);
                            continue;
                        }

                        if (outcome.Failure is not null)
                        {
                            return (outcome, batch);
                        }

                        if (_clock.Elapsed - lastProgress >= ProgressEvery)
                        {
                            lastProgress = _clock.Elapsed;
                            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"progress: {_clock.Elapsed.TotalSeconds:F0} s, {TotalCases} cases, {CasesPerSecond:F0} cases/s, round {round + 1}"));
                        }
                    }
                }

                return (null, 0);
            }
            finally
            {
                _clock.Stop();
            }
        }

        /// <summary>The case budget is exact; the time budget lets the first round finish, so every property is probed at least once.</summary>
        private bool Spent(ulong round) => (round > 0 && deadline is { } d && _clock.Elapsed >= d) || (settings.Cases is { } c && TotalCases >= c);

        /// <summary>Cases per worker in the next batch: <see cref="BatchCases"/>, less when the case budget runs out.</summary>
        private int BatchSize()
        {
            if (settings.Cases is not { } budget)
            {
                return BatchCases;
            }

            long left = budget - TotalCases;
            return (int)Math.Clamp((left + settings.Workers - 1) / settings.Workers, 1, BatchCases);
        }

        public Table SummaryTable()
        {
            var table = new Table().AddColumns("property", "cases", "s", "cases/s");
            foreach (IProbeProperty property in properties)
            {
                (long cases, TimeSpan elapsed) = _tally[property.Name];
                string speed = elapsed.TotalSeconds > 0 ? (cases / elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture) : "-";
                table.AddRow(Markup.Escape(property.Name), cases.ToString(CultureInfo.InvariantCulture), elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), speed);
            }

            return table;
        }
    }
}
