using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Ndis;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>
/// <c>selftest</c>: checks, on this machine, the parts every verdict rests on: the two crypto
/// backends agree on seeded random inputs for every algorithm of NDIS IPsec offload v1/v2, and
/// the structure sizes the codecs use. Writes <c>selftest.json</c> and <c>selftest.txt</c> with
/// <c>--report</c>. Exit code 1 when any check fails.
/// </summary>
internal static class SelfTestCommand
{
    public const int DefaultCases = 300;
    public const int DefaultSeed = 20_261_122;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(IAnsiConsole console)
    {
        var cases = new Option<int>("--cases") { Description = "Random cases per algorithm.", DefaultValueFactory = _ => DefaultCases };
        var seed = new Option<int>("--seed") { Description = "Seed of the random cases (same seed, same cases).", DefaultValueFactory = _ => DefaultSeed };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Folder for selftest.json and selftest.txt." };
        var command = new Command("selftest", "Check the suite's own crypto backends against each other and list structure sizes.")
        {
            cases, seed, report,
        };
        cases.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--cases must be at least 1.");
            }
        });
        command.SetAction(r => Run(console, r.GetValue(cases), r.GetValue(seed), r.GetValue(report)));
        return command;
    }

    private static int Run(IAnsiConsole console, int cases, int seed, DirectoryInfo? report)
    {
        DotNetCryptoBackend first = DotNetCryptoBackend.Instance;
        BouncyCastleCryptoBackend second = BouncyCastleCryptoBackend.Instance;
        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]ipsec-conformance selftest[/]: {0} vs {1}, {2} cases per algorithm, seed {3}",
            Markup.Escape(first.Name), Markup.Escape(second.Name), cases, seed);

        var results = new List<CrossCheckResult>();
        var clock = Stopwatch.StartNew();
        foreach (CryptoAlgorithm algorithm in CryptoAlgorithm.All)
        {
            results.Add(BackendCrossCheck.Run(algorithm, first, second, cases, seed));
        }

        clock.Stop();
        var table = new Table().AddColumns("algorithm", "kind", "cases", "verdict");
        foreach (CrossCheckResult r in results)
        {
            table.AddRow(
                Markup.Escape(r.Algorithm.Name), r.Algorithm.Kind.ToString(), r.Cases.ToString(CultureInfo.InvariantCulture),
                r.Passed ? "[green]Pass[/]" : $"[red]Fail[/]: {Markup.Escape(r.Failure!)}");
        }

        console.Write(table);
        int failed = results.Count(r => !r.Passed);
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{results.Count - failed} passed, {failed} failed ({results.Sum(r => r.Cases)} cases in {clock.Elapsed.TotalSeconds:F1} s)");
        console.MarkupLine(failed == 0 ? $"[green]{summary}[/]" : $"[red]{summary}[/]");

        if (report is not null)
        {
            WriteReport(report, cases, seed, first, second, results, summary);
            console.MarkupLine(CultureInfo.InvariantCulture, "report: {0}", Markup.Escape(Path.Combine(report.FullName, "selftest.json")));
        }

        return failed == 0 ? 0 : 1;
    }

    private static void WriteReport(DirectoryInfo folder, int cases, int seed, DotNetCryptoBackend first, BouncyCastleCryptoBackend second,
        List<CrossCheckResult> results, string summary)
    {
        folder.Create();
        var document = new
        {
            tool = "ipsec-conformance selftest",
            version = typeof(SelfTestCommand).Assembly.GetName().Version?.ToString(),
            seed,
            casesPerAlgorithm = cases,
            backends = new[] { first.Name, second.Name },
            crypto = results.Select(r => new
            {
                algorithm = r.Algorithm.Name,
                kind = r.Algorithm.Kind.ToString(),
                cases = r.Cases,
                verdict = r.Passed ? "Pass" : "Fail",
                failure = r.Failure,
            }),
            structures = NativeStructures.All.Select(s => new { name = s.Name, x86 = s.X86, x64 = s.X64 }),
            summary,
        };
        File.WriteAllText(Path.Combine(folder.FullName, "selftest.json"), JsonSerializer.Serialize(document, Json) + "\n");

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        IAnsiConsole plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        plain.Profile.Width = 160;
        plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ipsec-conformance selftest: {first.Name} vs {second.Name}, seed {seed}, {cases} cases per algorithm"));
        foreach (CrossCheckResult r in results)
        {
            plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Algorithm.Name,-20} {r.Cases,6}  {(r.Passed ? "Pass" : "Fail: " + r.Failure)}"));
        }

        plain.Write(LayoutsCommand.BuildTable());
        plain.WriteLine(summary);
        File.WriteAllText(Path.Combine(folder.FullName, "selftest.txt"), text.ToString());
    }
}
