using System.Globalization;
using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace IpsecOffload.Properties.Lifecycle.Tests;

/// <summary>
/// Seeds and counts of these property tests: the replay <c>(seed,gamma)</c> comes from the runsettings parameter
/// <c>PropertySeed</c> (default <c>20261122,1</c>, an odd gamma); a failure message prints it.
/// </summary>
internal static class PropertyRuns
{
    public const string DefaultSeed = "20261122,1";

    public static string SeedText { get; } = TestContext.Parameters.Get("PropertySeed", DefaultSeed);

    public static Replay Replay { get; } = ParseReplay(SeedText);

    /// <summary>Quick, throwing, replayed from <see cref="Replay"/>, <paramref name="maxTest"/> scripts.</summary>
    public static Config Throwing(int maxTest) =>
        Config.QuickThrowOnFailure.WithReplay(FSharpOption<Replay>.Some(Replay)).WithMaxTest(maxTest);

    /// <summary>Runs <paramref name="property"/> quietly (replayed, <paramref name="maxTest"/> scripts) and returns FsCheck's result.</summary>
    public static TestResult Capture(Property property, int maxTest)
    {
        var runner = new CapturingRunner();
        Check.One(Config.Quick.WithReplay(FSharpOption<Replay>.Some(Replay)).WithMaxTest(maxTest).WithRunner(runner), property);
        return runner.Result ?? throw new InvalidOperationException("FsCheck reported no result");
    }

    /// <summary>The shrunk script of a failed run, or null when the run passed.</summary>
    public static OidScript? ShrunkScript(TestResult result) =>
        result is TestResult.Failed failed ? failed.Item3.OfType<OidScript>().Single() : null;

    private static Replay ParseReplay(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        ulong seed = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
        ulong gamma = parts.Length > 1 ? ulong.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
        return new Replay(new Rnd(seed, gamma | 1), FSharpOption<int>.None);
    }

    private sealed class CapturingRunner : IRunner
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
