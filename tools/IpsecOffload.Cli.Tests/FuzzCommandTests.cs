using System.Globalization;
using System.Text.RegularExpressions;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Properties.Properties;

namespace IpsecOffload.Cli.Tests;

/// <summary><c>fuzz</c> end to end: budgets and cases/s, the first failure with its shrunk case, replay and vector, usage errors, replay.</summary>
public sealed partial class FuzzCommandTests
{
    private const string Seed = "(20261122,1)";
    private string _found = null!;

    [SetUp]
    public void CreateFoundFolder() => _found = Path.Combine(Path.GetTempPath(), "ipsec-fuzz-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteFoundFolder()
    {
        if (Directory.Exists(_found))
        {
            Directory.Delete(_found, recursive: true);
        }
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        int exit = CliApp.Run(args, output);
        return (exit, output.ToString());
    }

    [GeneratedRegex(@"^total: (\d+) cases in (\d+\.\d) s, (\d+) cases/s \(1 worker\(s\)\)$", RegexOptions.Multiline)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^replay: --seed ""(\(\d+,\d+\))"" with --property (\w+) \(ipsec-conformance fuzz (.*)\); the failing case alone: \(\d+,\d+,\d+\)$", RegexOptions.Multiline)]
    private static partial Regex ReplayLine();

    [GeneratedRegex(@"^vector for review: (.+)$", RegexOptions.Multiline)]
    private static partial Regex VectorLine();

    /// <summary>The failure report from its FAIL line up to (not including) the vector path, which names the found folder.</summary>
    private static string FailureBlock(string output)
    {
        int start = output.IndexOf("\nFAIL ", StringComparison.Ordinal);
        int end = output.IndexOf("\nvector for review:", StringComparison.Ordinal);
        Assert.That(start >= 0 && end > start, Is.True, "no failure block in:\n" + output);
        return output[start..end];
    }

    [Test]
    public void Fuzz_ReferenceForTwoSeconds_ExitsZeroAndPrintsCasesPerSecondPerPropertyAndInTotal()
    {
        (int exit, string output) = Run("fuzz", "--adapter", "reference", "--seconds", "2", "--seed", Seed, "--found", _found);
        TestContext.Out.WriteLine(output);
        Match total = TotalLine().Match(output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.StartWith($"ipsec-conformance fuzz: adapter reference, profile default, seed {Seed}, budget 2 s, 1 worker(s)\nproperties ({PropertyCatalogue.NonLso.Count}): "));
            Assert.That(output, Does.Contain($"replay this run: --seed \"{Seed}\""));
            Assert.That(total.Success, Is.True, "total line with cases/s");
            Assert.That(long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(double.Parse(total.Groups[2].Value, CultureInfo.InvariantCulture), Is.InRange(2.0, 30.0), "stops soon after the time budget");
            foreach (IProbeProperty property in PropertyCatalogue.NonLso)
            {
                Assert.That(output, Does.Match($@"│ {property.Name}\s+│ \d+\s+│ \d+\.\d\s+│ \d+\s+│"), $"{property.Name}: cases and cases/s");
            }

            Assert.That(output, Does.Not.Contain(new LsoSegmentsConsecutiveSequenceNumbersPadDroppedConcatenateToPayload().Name), "LSO only with --lso");
            Assert.That(output.TrimEnd().Split('\n')[^1], Does.Match(@"^PASSED: no failure in \d+ cases$"));
            Assert.That(Directory.Exists(_found), Is.False, "nothing found, nothing written");
        }
    }

    [Test]
    public void Fuzz_CaseBudgetAndNamedProperties_RunsExactlyThatManyCasesOfThoseProperties()
    {
        string names = $"{new SaLifecycleMatchesModelSaTable().Name},{new LsoSegmentsConsecutiveSequenceNumbersPadDroppedConcatenateToPayload().Name}";
        (int exit, string output) = Run("fuzz", "--adapter", "reference", "--cases", "130", "--property", names, "--seed", Seed, "--found", _found);
        TestContext.Out.WriteLine(output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain($"properties (2): {names.Replace(",", ", ", StringComparison.Ordinal)}\n"), "named properties, LSO included when named");
            Assert.That(output, Does.Contain("budget 130 cases"));
            Assert.That(TotalLine().Match(output).Groups[1].Value, Is.EqualTo("130"));
        }
    }

    [Test]
    public void Fuzz_ZeroIcvMutant_ExitsOneWithPropertyIdsShrunkCaseReplayAndALoadableVector()
    {
        (int exit, string output) = Run("fuzz", "--adapter", "mutant:zero-icv", "--seconds", "60", "--seed", Seed, "--found", _found);
        TestContext.Out.WriteLine(output);
        var decrypts = new EveryFrameDecryptsToWhatTheTransportFramed();
        Match replay = ReplayLine().Match(output);
        Match vector = VectorLine().Match(output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(FuzzCommand.ExitFailed), output);
            Assert.That(output, Does.Contain($"\nFAIL {decrypts.Name} [{string.Join(", ", decrypts.Requirements)}] on mutant:zero-icv\n"),
                "the first failure is the decryption law, with its requirement ids");
            Assert.That(output, Does.Match(@"\nfails: \[(ESP|AH)-\d\d\]"), "the shrunk case's failure names its requirement");
            Assert.That(output, Does.Contain("shrunk counterexample (").And.Contain("original counterexample:"));
            Assert.That(output, Does.Contain("(keys not shown)"), "the readable case hides key bytes");
            Assert.That(replay.Success, Is.True, "replay line with seed and command");
            Assert.That(replay.Groups[2].Value, Is.EqualTo(decrypts.Name));
            Assert.That(output.TrimEnd().Split('\n')[^1], Is.EqualTo($"FAILED: {decrypts.Name}"));
            Assert.That(vector.Success, Is.True, "vector path printed");
        }

        string path = vector.Groups[1].Value.Trim();
        Assert.That(path, Does.StartWith(_found).And.Matches<string>(File.Exists), "the vector is written to --found");
        VectorLoadResult loaded = VectorLoader.Parse(path, File.ReadAllText(path));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(loaded.Errors, Is.Empty, "the found vector loads as format 1");
            Assert.That(loaded.Vectors, Has.Count.EqualTo(1));
            Assert.That(loaded.Vectors[0].Source, Is.EqualTo($"found:{decrypts.Name} seed {replay.Groups[1].Value}"));
        }
    }

    [Test]
    public void Fuzz_SameSeedTwice_GivesTheSameFirstFailure_AndThePrintedReplayReproducesItAlone()
    {
        const string seed = "(4242424242,3)";
        (int firstExit, string first) = Run("fuzz", "--adapter", "mutant:zero-icv", "--seconds", "60", "--seed", seed, "--found", Path.Combine(_found, "a"));
        (int secondExit, string second) = Run("fuzz", "--adapter", "mutant:zero-icv", "--seconds", "60", "--seed", seed, "--found", Path.Combine(_found, "b"));
        Match replay = ReplayLine().Match(first);
        Assert.That(replay.Success, Is.True, first);
        string[] command = ["fuzz", .. Regex.Matches(replay.Groups[3].Value, @"""[^""]*""|\S+").Select(m => m.Value.Trim('"')), "--found", Path.Combine(_found, "c")];
        (int aloneExit, string alone) = Run(command);
        TestContext.Out.WriteLine(first);
        TestContext.Out.WriteLine(alone);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((firstExit, secondExit, aloneExit), Is.EqualTo((1, 1, 1)));
            Assert.That(FailureBlock(second), Is.EqualTo(FailureBlock(first)), "same seed, same failure, same shrunk case, same replay");
            Assert.That(FailureBlock(alone), Is.EqualTo(FailureBlock(first)), "the printed replay command reproduces the failure alone");
        }
    }

    [TestCase("--seconds", "0", "--seconds must be positive")]
    [TestCase("--cases", "-5", "--cases must be positive")]
    [TestCase("--workers", "0", "--workers must be 1")]
    [TestCase("--seed", "(5,2)", "must be odd")]
    [TestCase("--seed", "banana", "--seed 'banana'")]
    [TestCase("--property", "NoSuchLaw", "unknown property 'NoSuchLaw'; known: ZeroHandle_LeavesBytesUnchanged")]
    [TestCase("--adapter", "no-such-adapter", "no-such-adapter")]
    [TestCase("--profile", "/no/such/profile.json", "cannot load profile")]
    [TestCase("--seconds", "soon", "soon")]
    public void Fuzz_BadUsage_ExitsTwoSayingWhy(string option, string value, string message)
    {
        (int exit, string output) = Run("fuzz", option, value, "--found", _found);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(FuzzCommand.ExitUsage), output);
            Assert.That(output, Does.Contain(message));
            Assert.That(Directory.Exists(_found), Is.False);
        }
    }

    [Test]
    public void Fuzz_Help_ListsEveryOptionAndProperty()
    {
        (int exit, string output) = Run("fuzz", "--help");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            foreach (string option in new[] { "--adapter", "--profile", "--seconds", "--cases", "--seed", "--property", "--workers", "--found", "--lso" })
            {
                Assert.That(output, Does.Contain(option));
            }

            Assert.That(output, Does.Contain(new SaLifecycleMatchesModelSaTable().Name));
        }
    }
}
