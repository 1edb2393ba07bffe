using System.Diagnostics;
using System.Globalization;
using System.Text;
using FsCheck;
using IpsecOffload.Properties.Properties;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace IpsecOffload.Properties.Running;

/// <summary>How a property run goes beyond its <see cref="PropertySettings"/>: a deadline, parallel workers, where found vectors go.</summary>
public sealed record PropertyRunOptions
{
    /// <summary>Run batches of <see cref="PropertySettings.Cases"/> until this much time has passed (or a failure); null: one batch.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Independent workers (each its own adapter instance and replay stream) for campaigns; 1 for NUnit.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Where a failure's shrunk case is written as a vector (<c>vectors/found/</c>); null: not written.</summary>
    public string? FoundFolder { get; init; }

    /// <summary>The options of a plain run: one batch, one worker, no vector written.</summary>
    public static PropertyRunOptions Default { get; } = new();
}

/// <summary>A failure: the shrunk and the original counterexample (as draws and as text), the failure texts, and how to replay.</summary>
public sealed record PropertyFailure
{
    /// <summary>The shrunk draw (its type is the property's draw type).</summary>
    public required object Shrunk { get; init; }

    /// <summary>The draw that failed first.</summary>
    public required object Original { get; init; }

    /// <summary>Why the shrunk draw fails.</summary>
    public required string Message { get; init; }

    /// <summary>Why the original draw fails.</summary>
    public required string OriginalMessage { get; init; }

    /// <summary>The shrunk counterexample: SA without keys, NBLs, NBs, geometry, packet hex.</summary>
    public required string ShrunkText { get; init; }

    /// <summary>The original counterexample as text.</summary>
    public required string OriginalText { get; init; }

    /// <summary>The batch replay that reproduces the run up to the failure: <c>(seed,gamma)</c>.</summary>
    public required string Replay { get; init; }

    /// <summary>The failing case's own replay: <c>(seed,gamma,size)</c> (FsCheck starts with it).</summary>
    public required string CaseReplay { get; init; }

    /// <summary>Shrink steps taken.</summary>
    public int Shrinks { get; init; }

    /// <summary>True when the shrink budget ran out (the case may not be the smallest).</summary>
    public bool ShrinkBudgetExhausted { get; init; }

    /// <summary>Where the shrunk case was written as a vector, or null.</summary>
    public string? VectorPath { get; init; }
}

/// <summary>The outcome of one property run.</summary>
public sealed record PropertyOutcome
{
    /// <summary>The property.</summary>
    public required string Property { get; init; }

    /// <summary>The requirement ids it probes.</summary>
    public required IReadOnlyList<string> Requirements { get; init; }

    /// <summary>The adapter probed.</summary>
    public required string Adapter { get; init; }

    /// <summary>The run's replay <c>(seed,gamma)</c>.</summary>
    public required string Replay { get; init; }

    /// <summary>Cases run (all workers).</summary>
    public int Cases { get; init; }

    /// <summary>Why the property could not run here, or null.</summary>
    public string? NotApplicable { get; init; }

    /// <summary>The first failure, or null.</summary>
    public PropertyFailure? Failure { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The draws' spread: label → share of cases (FsCheck Classify/Collect).</summary>
    public IReadOnlyList<(string Label, double Share)> Spread { get; init; } = [];

    /// <summary>True when every case held (and the property applied).</summary>
    public bool Passed => Failure is null && NotApplicable is null;

    /// <summary>Cases per second of wall time.</summary>
    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    /// <summary>A report: verdict, counts and speed, then the failure with its shrunk case and replay.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        string verdict = NotApplicable is not null ? "NOT APPLICABLE" : Failure is null ? "PASS" : "FAIL";
        text.Append(CultureInfo.InvariantCulture,
            $"{verdict} {Property} [{string.Join(", ", Requirements)}] on {Adapter}: {Cases} cases in {Elapsed.TotalSeconds:F2} s ({CasesPerSecond:F0} cases/s), replay {Replay}\n");
        if (NotApplicable is not null)
        {
            text.Append(NotApplicable).Append('\n');
        }

        if (Failure is { } f)
        {
            text.Append(CultureInfo.InvariantCulture, $"shrunk counterexample ({f.Shrinks} shrink steps{(f.ShrinkBudgetExhausted ? ", shrink budget exhausted" : "")}):\n{f.ShrunkText}");
            text.Append(CultureInfo.InvariantCulture, $"fails: {f.Message}\n");
            text.Append(CultureInfo.InvariantCulture, $"original counterexample:\n{f.OriginalText}fails: {f.OriginalMessage}\n");
            text.Append(CultureInfo.InvariantCulture, $"replay: PropertySeed {f.Replay} (the failing case alone: {f.CaseReplay})\n");
            if (f.VectorPath is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"vector for review: {f.VectorPath}\n");
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs a property against an adapter with FsCheck: the replay and case count of <see cref="PropertySettings"/>,
/// one adapter instance per worker reused while cases pass, results captured through an FsCheck
/// <see cref="IRunner"/> (never by parsing output). A failure is re-evaluated to get the shrunk and the original
/// failure texts, described readably, and written as a vector when a found folder is given. Serves NUnit (one
/// batch) and campaigns (batches until a deadline, several workers, cases/s).
/// </summary>
public static class PropertyRunner
{
    private const ulong WorkerStride = 1_000_003;

    /// <summary>Runs <paramref name="property"/> against <paramref name="target"/>.</summary>
    public static PropertyOutcome Run(IProbeProperty property, PropertyTarget target, PropertySettings settings, PropertyRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        options ??= PropertyRunOptions.Default;
        var clock = Stopwatch.StartNew();
        int workers = Math.Max(1, options.Workers);
        WorkerResult[] results = workers == 1
            ? [RunWorker(property, target, settings, options, 0, clock)]
            : [.. Enumerable.Range(0, workers).AsParallel().WithDegreeOfParallelism(workers).Select(w => RunWorker(property, target, settings, options, w, clock))];
        clock.Stop();
        WorkerResult? failed = results.FirstOrDefault(r => r.Failure is not null);
        int cases = results.Sum(r => r.Cases);
        return new PropertyOutcome
        {
            Property = property.Name,
            Requirements = property.Requirements,
            Adapter = target.AdapterName,
            Replay = settings.Replay,
            Cases = cases,
            NotApplicable = results[0].NotApplicable,
            Failure = failed?.Failure,
            Elapsed = clock.Elapsed,
            Spread = Merge(results, cases),
        };
    }

    private sealed record WorkerResult(int Cases, PropertyFailure? Failure, string? NotApplicable, Dictionary<string, int> Stamps);

    private static WorkerResult RunWorker(IProbeProperty property, PropertyTarget target, PropertySettings settings, PropertyRunOptions options, int worker,
        Stopwatch clock)
    {
        using var session = new ProbeSession(target, settings);
        if (property.NotApplicable(session) is { } reason)
        {
            return new WorkerResult(0, null, reason, []);
        }

        var stamps = new Dictionary<string, int>(StringComparer.Ordinal);
        int cases = 0;
        for (ulong batch = 0; ; batch++)
        {
            ulong seed = unchecked(settings.Seed + (ulong)worker * WorkerStride + batch);
            var budget = new ShrinkBudget(settings.MaxShrinks);
            var capture = new CaptureRunner();
            Config config = Config.Quick
                .WithMaxTest(settings.Cases)
                .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, settings.Gamma), FSharpOption<int>.None)))
                .WithRunner(capture)
                .WithName(property.Name);
            Check.One(config, property.Build(session, budget));
            TestResult result = capture.Result ?? throw new InvalidOperationException("FsCheck finished without a result");
            switch (result)
            {
                case TestResult.Passed passed:
                    cases += passed.Item1.NumberOfTests;
                    Count(stamps, passed.Item1, passed.Item1.NumberOfTests);
                    break;
                case TestResult.Failed failed:
                    cases += failed.Item1.NumberOfTests;
                    string replay = string.Create(CultureInfo.InvariantCulture, $"({seed},{settings.Gamma})");
                    return new WorkerResult(cases, Failure(property, session, failed, replay, budget, options), null, stamps);
                default:
                    throw new InvalidOperationException($"{property.Name}: FsCheck gave up (too many rejected draws): {result}");
            }

            if (options.Duration is not { } duration || clock.Elapsed >= duration)
            {
                return new WorkerResult(cases, null, null, stamps);
            }
        }
    }

    private static PropertyFailure Failure(IProbeProperty property, ProbeSession session, TestResult.Failed failed, string replay, ShrinkBudget budget,
        PropertyRunOptions options)
    {
        object original = failed.Item2.Head, shrunk = failed.Item3.Head;
        session.Recycle();
        string message = property.Evaluate(session, shrunk) ?? ExceptionText(failed.Item4) ?? "(the shrunk case passed when run again: the failure depends on adapter state)";
        session.Recycle();
        string originalMessage = property.Evaluate(session, original) ?? "(passed when run again on a fresh adapter)";
        Rnd caseSeed = failed.Item5;
        string? path = null;
        if (options.FoundFolder is { } folder)
        {
            (ulong seed, ulong gamma) = PropertySettings.ParseReplay(replay);
            string id = FoundVectors.IdFor(property.Name, seed, gamma);
            string source = $"found:{property.Name} seed {replay}";
            string notes = $"UNREVIEWED. Shrunk counterexample of {property.Name} against adapter {session.Target.AdapterName}: {FirstLine(message)}. " +
                "wirePacket(s) are what a fresh reference miniport sent for the same input (the engine's output, not an independent source): " +
                "check them with an independent implementation and record its provenance before moving this file into a reviewed folder.";
            path = FoundVectors.Write(folder, property.ToVector(session, shrunk, id, source, notes));
        }

        return new PropertyFailure
        {
            Shrunk = shrunk,
            Original = original,
            Message = message,
            OriginalMessage = originalMessage,
            ShrunkText = property.Describe(session, shrunk),
            OriginalText = property.Describe(session, original),
            Replay = replay,
            CaseReplay = string.Create(CultureInfo.InvariantCulture, $"({caseSeed.Seed},{caseSeed.Gamma},{failed.Item7})"),
            Shrinks = failed.Item1.NumberOfShrinks,
            ShrinkBudgetExhausted = budget.Exhausted,
            VectorPath = path,
        };
    }

    private static string? ExceptionText(Outcome outcome) => outcome is Outcome.Failed f ? $"{f.Item.GetType().Name}: {f.Item.Message}" : null;

    private static string FirstLine(string text) => text.Split('\n')[0];

    private static void Count(Dictionary<string, int> stamps, TestData data, int _)
    {
        foreach (Tuple<int, FSharpList<string>> stamp in data.Stamps)
        {
            foreach (string label in stamp.Item2)
            {
                stamps[label] = stamps.GetValueOrDefault(label) + stamp.Item1;
            }
        }
    }

    private static List<(string, double)> Merge(WorkerResult[] results, int cases)
    {
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (WorkerResult r in results)
        {
            foreach ((string label, int count) in r.Stamps)
            {
                total[label] = total.GetValueOrDefault(label) + count;
            }
        }

        return [.. total.OrderByDescending(t => t.Value).Select(t => (t.Key, cases == 0 ? 0 : t.Value / (double)cases))];
    }

    /// <summary>Captures FsCheck's result instead of printing it.</summary>
    private sealed class CaptureRunner : IRunner
    {
        public TestResult? Result { get; private set; }

        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
        {
        }

        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
        {
        }

        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}
