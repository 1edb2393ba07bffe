using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IpsecOffload.Adapters;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>
/// <c>vectors check DIR... [--adapter A] [--emit DIR]</c>: runs every transform and LSO vector in the folders
/// through the transport simulator against a fresh adapter, prints one line per vector (<c>PASS id</c>,
/// <c>FAIL id: …</c> with the annotated diff below, <c>SKIP id: reason</c>), then
/// <c>N passed, M failed</c>. Load errors are failures. Exit code 1 on any failure, 2 on bad usage.
/// </summary>
internal static class VectorsCommand
{
    public const int ExitFailures = 1;
    public const int ExitUsage = 2;
    private const string Indent = "    ";

    public static Command Create(IAnsiConsole console)
    {
        var folders = new Argument<string[]>("DIR") { Arity = ArgumentArity.OneOrMore, Description = "Folders (or files) of golden vectors, searched recursively." };
        var adapter = new Option<string>("--adapter")
        {
            Description = "The adapter to check (see 'adapters').", DefaultValueFactory = _ => AdapterRegistry.Default,
        };
        var emit = new Option<DirectoryInfo?>("--emit") { Description = "Folder for what the adapter sent: <id>.json, emitted.pcapng, Wireshark batches." };
        var check = new Command("check", "Check every golden vector in the folders against an adapter.") { folders, adapter, emit };
        check.SetAction(r => Run(console, r.GetValue(folders) ?? [], r.GetValue(adapter) ?? AdapterRegistry.Default, r.GetValue(emit)));
        return new Command("vectors", "Golden vectors: check them against an adapter.") { check };
    }

    private static int Run(IAnsiConsole console, string[] folders, string adapterName, DirectoryInfo? emit)
    {
        TextWriter output = console.Profile.Out.Writer;
        if (AdaptersCommand.Resolve(adapterName, output) is not { } adapter)
        {
            return ExitUsage;
        }

        var clock = Stopwatch.StartNew();
        VectorLoadResult loaded = VectorLoader.LoadDirectories(folders);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ipsec-conformance vectors check: {loaded.Vectors.Count} vectors from {string.Join(", ", folders)} against adapter {adapter.Name}"));
        int passed = 0, failed = 0;
        foreach (VectorLoadError error in loaded.Errors)
        {
            failed++;
            output.WriteLine($"FAIL {error.VectorId ?? Path.GetFileName(error.File)}: cannot load: {error.Message}");
            output.WriteLine($"{Indent}file {error.File}");
        }

        var skipped = new List<(string Id, string Reason)>();
        var outcomes = new List<VectorOutcome>();
        foreach (GoldenVector vector in loaded.Vectors)
        {
            if (SkipReason(vector) is { } reason)
            {
                skipped.Add((vector.Id, reason));
                output.WriteLine($"SKIP {vector.Id}: {reason}");
                continue;
            }

            VectorOutcome outcome;
            VectorVerdict verdict;
            try
            {
                outcome = RunOne(adapter, vector);
                verdict = Judge(outcome);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One vector that breaks the runner or the judge is one failure, not the end of the run.
                failed++;
                output.WriteLine($"FAIL {vector.Id}: the check itself threw {e.GetType().Name}: {e.Message}");
                output.WriteLine($"{Indent}source {vector.Source}");
                continue;
            }

            outcomes.Add(outcome);
            if (verdict.Passed)
            {
                passed++;
                output.WriteLine($"PASS {vector.Id}");
                continue;
            }

            failed++;
            output.WriteLine($"FAIL {vector.Id}: {verdict.Headline}");
            foreach (string line in verdict.Details!.TrimEnd('\n').Split('\n'))
            {
                output.WriteLine(Indent + line);
            }
        }

        if (emit is not null)
        {
            EmitSummary summary = VectorEmitter.WriteFolder(emit.FullName, outcomes);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"emitted {summary.JsonFiles} vector files, {summary.Frames} frames ({VectorEmitter.CaptureFileName}) and {summary.Batches.Count} Wireshark batches to {emit.FullName}"));
        }

        clock.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {clock.Elapsed.TotalSeconds:F1} s"));
        if (skipped.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{skipped.Count} skipped: {string.Join("; ", skipped.GroupBy(s => s.Reason).Select(g => $"{g.Count()} {g.Key}"))}"));
        }

        // The last line is always exactly "N passed, M failed" (skips are on the line above).
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed"));
        return failed == 0 ? 0 : ExitFailures;
    }

    /// <summary>Why a vector is not run by this verb yet, or null when it is run.</summary>
    public static string? SkipReason(GoldenVector vector) => vector.Kind switch
    {
        VectorKind.Scenario => "scenario vectors are not runnable yet",
        _ => null,
    };

    private static VectorOutcome RunOne(AdapterDescriptor adapter, GoldenVector vector)
    {
        IMiniport miniport = adapter.Create();
        try
        {
            var host = new RecordingMiniportHost();
            miniport.Initialize(host);
            return VectorRunner.Run(vector, miniport, host);
        }
        finally
        {
            (miniport as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Transform vectors: PASS when the NBL completed once with NDIS_STATUS_SUCCESS and exactly one frame
    /// carrying the vector's wirePacket left. LSO vectors: PASS when <see cref="LsoVectorJudge"/> finds no
    /// problem. Otherwise a one-line headline and the full details (annotated diffs, dumps).
    /// </summary>
    public static VectorVerdict Judge(VectorOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        GoldenVector vector = outcome.Vector;
        if (vector.Kind == VectorKind.Lso && outcome.SetupProblem is null)
        {
            LsoJudgement judgement = LsoVectorJudge.Judge(outcome);
            return judgement.Passed
                ? VectorVerdict.Pass
                : VectorVerdict.Fail(judgement.Problems.Count == 1 ? judgement.Problems[0]
                    : string.Create(CultureInfo.InvariantCulture, $"{judgement.Problems[0]} (and {judgement.Problems.Count - 1} more problems)"), judgement.Report);
        }

        string source = $"vector {vector.Id}, source {vector.Source}{(vector.File is null ? "" : $", file {vector.File}")}";
        if (outcome.SetupProblem is { } problem)
        {
            return VectorVerdict.Fail($"could not run the vector: {problem}", source + "\n" + VectorDiff.SaLine(vector));
        }

        var problems = new List<string>();
        if (outcome.Completions != 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the NBL was completed {outcome.Completions} times, expected exactly once"));
        }
        else if (outcome.Status != NdisStatus.Success)
        {
            problems.Add($"the NBL completed with {outcome.Status!.Value.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
        }

        if (outcome.WirePackets.Count != 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the adapter sent {outcome.WirePackets.Count} frames, expected 1"));
        }

        if (problems.Count > 0)
        {
            string details = string.Join("\n", problems.Skip(1).Append(source).Append(VectorDiff.SaLine(vector)));
            if (outcome.WirePackets.Count > 0)
            {
                details += "\n" + VectorDiff.Dumps(vector.WirePacket!, outcome.WirePackets[0]);
            }

            return VectorVerdict.Fail(problems[0], details);
        }

        byte[] actual = outcome.WirePackets[0];
        PacketComparison comparison = VectorDiff.Compare(vector.WirePacket!, actual, VectorDiff.HintsFor(vector));
        if (comparison.AreEqual)
        {
            return VectorVerdict.Pass;
        }

        return VectorVerdict.Fail($"wirePacket differs; {comparison.Summary}",
            VectorDiff.Render(vector, comparison) + VectorDiff.Dumps(vector.WirePacket!, actual));
    }
}

/// <summary>A vector's verdict: passed, or a headline (the FAIL line) and the lines printed below it.</summary>
/// <param name="Passed">True when the adapter matched the vector.</param>
/// <param name="Headline">The rest of the FAIL line, or null.</param>
/// <param name="Details">The full report, or null.</param>
internal sealed record VectorVerdict(bool Passed, string? Headline, string? Details)
{
    public static VectorVerdict Pass { get; } = new(true, null, null);

    public static VectorVerdict Fail(string headline, string details) => new(false, headline, details);
}
