using System.CommandLine;
using System.Globalization;
using IpsecOffload.Adapters;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Reports;
using IpsecOffload.Conformance.Running;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>What <c>run</c> was asked to do.</summary>
internal sealed record RunSettings
{
    public string Adapter { get; init; } = AdapterRegistry.Default;

    public string? Profile { get; init; }

    public string? Filter { get; init; }

    public string Report { get; init; } = RunCommand.DefaultReportFolder;

    public int Seed { get; init; } = RunOptions.DefaultSeed;

    public EvidenceMode Evidence { get; init; } = EvidenceMode.Failing;

    public bool ShowKeys { get; init; }

    public string? KnownFailures { get; init; }
}

/// <summary>
/// <c>run</c>: every conformance case (or the <c>--filter</c>ed ones) against one adapter under one profile;
/// a progress bar (or a plain line every <see cref="ProgressEvery"/> cases when the console is not
/// interactive), the profile settings, the requirement verdicts, the counts, every failing case with
/// its message, and the reports written (report.json, junit.xml, report.html, evidence.pcapng + esp_sa).
/// Exit code 0 when the run passed, 1 when it failed, 2 on bad usage.
/// </summary>
internal static class RunCommand
{
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;
    public const int ProgressEvery = 25;
    public const string DefaultReportFolder = "out/conformance";
    public const string KnownFailuresFolder = "conformance/known-failures";

    private const string KeysNote =
        "Key material: report.json, report.html and this console never show SA keys unless --show-keys is given. " +
        "The evidence SA table (esp_sa beside evidence.pcapng) always holds the keys of the SAs in the capture, because " +
        "decrypting the capture in Wireshark is what it is for; --evidence none writes neither.";

    public static Command Create(IAnsiConsole console, IReadOnlyList<AdapterDescriptor> extraAdapters)
    {
        var adapter = new Option<string>("--adapter") { Description = "The adapter to judge (see 'adapters').", DefaultValueFactory = _ => AdapterRegistry.Default };
        var profile = new Option<string?>("--profile") { Description = "A profile file (default: the built-in profile)." };
        var filter = new Option<string?>("--filter")
        {
            Description = "Comma-separated case names, requirement ids ('*' wildcards), areas or levels; a case runs when any term matches.",
        };
        var report = new Option<string>("--report") { Description = "Folder for the reports.", DefaultValueFactory = _ => DefaultReportFolder };
        var seed = new Option<int>("--seed") { Description = "Run seed (every case derives its own from it).", DefaultValueFactory = _ => RunOptions.DefaultSeed };
        var evidence = new Option<string>("--evidence")
        {
            Description = "Frames in evidence.pcapng: those of failing cases, of all cases, or none.", DefaultValueFactory = _ => "failing",
        };
        evidence.AcceptOnlyFromAmong("failing", "all", "none");
        var showKeys = new Option<bool>("--show-keys") { Description = "Show SA key material in report.json, report.html and the console." };
        var knownFailures = new Option<string?>("--known-failures")
        {
            Description = $"The adapter's known failures (default: {KnownFailuresFolder}/<adapter>.txt in the repository, if present).",
        };
        var command = new Command("run", "Run the conformance cases against an adapter and write report.json, junit.xml, report.html and evidence.pcapng. " + KeysNote)
        {
            adapter, profile, filter, report, seed, evidence, showKeys, knownFailures,
        };
        command.SetAction(r => Run(console, new RunSettings
        {
            Adapter = r.GetValue(adapter) ?? AdapterRegistry.Default,
            Profile = r.GetValue(profile),
            Filter = r.GetValue(filter),
            Report = r.GetValue(report) ?? DefaultReportFolder,
            Seed = r.GetValue(seed),
            Evidence = Enum.Parse<EvidenceMode>(r.GetValue(evidence) ?? "failing", ignoreCase: true),
            ShowKeys = r.GetValue(showKeys),
            KnownFailures = r.GetValue(knownFailures),
        }, extraAdapters));
        return command;
    }

    public static int Run(IAnsiConsole console, RunSettings settings, IReadOnlyList<AdapterDescriptor>? extraAdapters = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(settings);
        TextWriter output = console.Profile.Out.Writer;
        if (AdaptersCommand.Resolve(settings.Adapter, output, extraAdapters) is not { } descriptor)
        {
            return ExitUsage;
        }

        ConformanceProfile profile;
        KnownFailureList known;
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

        try
        {
            known = LoadKnownFailures(settings, descriptor.Name);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            output.WriteLine($"cannot load known failures: {e.Message}");
            return ExitUsage;
        }

        if (settings.KnownFailures is not null && known.Source is null)
        {
            output.WriteLine($"known-failures file '{settings.KnownFailures}' does not exist");
            return ExitUsage;
        }

        RequirementCatalogue catalogue = RequirementCatalogue.Default;
        var filter = new RunFilter(settings.Filter);
        List<ConformanceCase> cases = [.. CaseCatalogue.All.Where(c => filter.Selects(c, catalogue))];
        if (cases.Count == 0)
        {
            output.WriteLine($"--filter '{settings.Filter}' selects no case (terms match case names, requirement ids, areas and levels)");
            return ExitUsage;
        }

        string source = profile.SourcePath is null ? string.Empty : $" ({profile.SourcePath})";
        string filtered = filter.IsEmpty ? string.Empty : $" (filter {settings.Filter})";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ipsec-conformance run: adapter {descriptor.Name}, profile {profile.Name}{source}, catalogue version {catalogue.Version}, seed {settings.Seed}, {cases.Count} of {CaseCatalogue.All.Count} cases{filtered}"));
        output.WriteLine($"known failures: {known.Source ?? "none"}");
        console.Write(ProfileTable(profile));

        var options = new RunOptions { Profile = profile, Seed = settings.Seed, KnownFailures = known };
        var adapter = new AdapterUnderTest(descriptor.Name, descriptor.FactoryFor(profile.Offload));
        RunResult result = console.Profile.Capabilities.Interactive
            ? RunWithProgressBar(console, adapter, cases, options, catalogue)
            : RunWithProgressLines(output, adapter, cases, options, catalogue);

        output.WriteLine($"adapter identity: {result.AdapterIdentity}");
        console.Write(RequirementTable(result));
        int uncovered = result.Requirements().Count(r => r.Cases.Count == 0);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{uncovered} catalogue requirements have no case in this run (NotApplicable)."));
        WriteProblems(output, result, settings.ShowKeys);

        var reportOptions = new ReportOptions { Evidence = settings.Evidence, ShowKeys = settings.ShowKeys, ToolVersion = ToolVersion };
        ReportFiles files = ReportWriter.WriteAll(result, Path.GetFullPath(settings.Report), reportOptions);
        output.WriteLine("reports:");
        foreach (string file in files.All)
        {
            output.WriteLine("  " + file);
        }

        if (files.Evidence is { } evidence)
        {
            string batches = evidence.Batches > 1 ? string.Create(CultureInfo.InvariantCulture, $"; {evidence.Batches} Wireshark batches under wireshark/") : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"evidence: {evidence.Frames} frames of {evidence.Cases} cases, {evidence.Sas} ESP SAs in esp_sa (key material, for Wireshark){batches}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {result.Duration.TotalSeconds:F1} s"));
        output.WriteLine(HtmlReport.SummaryLine(result));
        output.WriteLine(result.Passed ? "PASSED" : $"FAILED: {result.RunFailures.Count} failing cases, {result.UnmatchedKnownFailures.Count} unmatched known failures");
        return result.Passed ? 0 : ExitFailed;
    }

    public static string ToolVersion => typeof(RunCommand).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// <c>--known-failures FILE</c>, else <see cref="KnownFailuresFolder"/>/&lt;adapter&gt;.txt under the
    /// repository that holds the current directory (the folder with IpsecConformance.sln), else none.
    /// </summary>
    public static KnownFailureList LoadKnownFailures(RunSettings settings, string adapterName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.KnownFailures is not null)
        {
            return KnownFailureList.Load(Path.GetFullPath(settings.KnownFailures));
        }

        return RepositoryRoot(Directory.GetCurrentDirectory()) is { } root
            ? KnownFailureList.Load(Path.Combine(root, KnownFailuresFolder, KnownFailureList.FileNameFor(adapterName)))
            : KnownFailureList.Empty;
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds IpsecConformance.sln, or null.</summary>
    public static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IpsecConformance.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static RunResult RunWithProgressBar(IAnsiConsole console, AdapterUnderTest adapter, List<ConformanceCase> cases, RunOptions options, RequirementCatalogue catalogue)
    {
        RunResult? result = null;
        console.Progress().Start(context =>
        {
            ProgressTask task = context.AddTask("cases", maxValue: cases.Count);
            result = ConformanceRunner.Run(adapter, cases, options with { OnCaseFinished = _ => task.Increment(1) }, catalogue);
        });
        return result!;
    }

    private static RunResult RunWithProgressLines(TextWriter output, AdapterUnderTest adapter, List<ConformanceCase> cases, RunOptions options, RequirementCatalogue catalogue)
    {
        int done = 0;
        return ConformanceRunner.Run(adapter, cases, options with
        {
            OnCaseFinished = _ =>
            {
                done++;
                if (done % ProgressEvery == 0 || done == cases.Count)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {done}/{cases.Count} cases"));
                }
            },
        }, catalogue);
    }

    private static Table ProfileTable(ConformanceProfile profile)
    {
        var table = new Table().AddColumns("profile setting", "value", "decision");
        foreach (ProfileSetting setting in profile.Describe())
        {
            table.AddRow(Markup.Escape(setting.Setting), Markup.Escape(setting.Value), Markup.Escape(setting.Decision));
        }

        return table;
    }

    private static Table RequirementTable(RunResult result)
    {
        var table = new Table().AddColumns("requirement", "level", "verdict", "cases");
        foreach (RequirementVerdict r in result.Requirements().Where(r => r.Cases.Count > 0))
        {
            string colour = r.ExpectedFailure ? "orange1" : r.Verdict switch
            {
                Verdict.Pass => "green",
                Verdict.Warn => "yellow",
                Verdict.Fail => "red",
                Verdict.Blocked => "purple",
                _ => "grey",
            };
            string verdict = r.Verdict + (r.ExpectedFailure ? " (expected)" : string.Empty) + (r.Reason is null ? string.Empty : $" ({r.Reason})");
            table.AddRow(Markup.Escape(r.Requirement.Id), r.Requirement.Level.ToString(), $"[{colour}]{Markup.Escape(verdict)}[/]",
                r.Cases.Count.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static void WriteProblems(TextWriter output, RunResult result, bool showKeys)
    {
        foreach (CaseResult c in result.Cases.Where(c => c.Verdict is Verdict.Fail or Verdict.Blocked or Verdict.Warn))
        {
            string label = c.Expected ? "EXPECTED FAIL" : c.Verdict.ToString().ToUpperInvariant();
            output.WriteLine($"{label} {c.Case.Name}{(c.FailedRequirement is null ? "" : $" [{c.FailedRequirement}]")}");
            foreach (string line in c.Message.TrimEnd('\n').Split('\n'))
            {
                output.WriteLine("    " + line);
            }

            if (c.KnownFailure is { } entry)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    known failure, line {entry.Line}: {entry.Reason}"));
            }

            if (!c.Message.Contains(c.Reproduce, StringComparison.Ordinal))
            {
                output.WriteLine("    reproduce: " + c.Reproduce);
            }
            if (showKeys)
            {
                foreach (Engine.Transport.SaSpec sa in c.Sas)
                {
                    output.WriteLine("    SA " + HtmlReport.SaText(sa, showKeys: true));
                }
            }
        }

        foreach (KnownFailureEntry entry in result.UnmatchedKnownFailures)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"UNMATCHED KNOWN FAILURE {result.KnownFailures.Source} line {entry.Line}: '{entry.Pattern}' matches no case of the run: remove it"));
        }
    }
}
