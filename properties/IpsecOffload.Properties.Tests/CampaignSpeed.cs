using System.Globalization;
using IpsecOffload.Properties.Properties;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Tests;

/// <summary>
/// The cases/s figure of issue #6 (non-LSO mix against the runsettings' adapter, 1 and 2 workers), printed, never
/// asserted (speed belongs in bench/, STYLE §9). Explicit: run it with
/// <c>dotnet test properties/IpsecOffload.Properties.Tests --filter Name~CampaignSpeed</c>.
/// </summary>
[TestFixture]
[Explicit("a timing run for bench/README.md, not a check")]
public sealed class CampaignSpeed
{
    [TestCase(1)]
    [TestCase(2)]
    public void NonLsoMix_PrintsCasesPerSecond(int workers)
    {
        IReadOnlyList<IProbeProperty> mix = PropertyCatalogue.NonLso;
        PropertySettings settings = PropertyTestSettings.Settings with { Cases = 200 };
        foreach (IProbeProperty property in mix)
        {
            PropertyRunner.Run(property, PropertyTestSettings.Target, settings); // warm-up (JIT)
        }

        int cases = 0;
        double seconds = 0;
        foreach (IProbeProperty property in mix)
        {
            PropertyOutcome outcome = PropertyRunner.Run(property, PropertyTestSettings.Target, settings,
                new PropertyRunOptions { Duration = TimeSpan.FromSeconds(3), Workers = workers });
            Assert.That(outcome.Failure, Is.Null, outcome.ToString());
            cases += outcome.Cases;
            seconds += outcome.Elapsed.TotalSeconds;
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{property.Name}: {outcome.CasesPerSecond:F0} cases/s ({workers} worker(s))"));
        }

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"non-LSO mix: {cases / seconds:F0} cases/s with {workers} worker(s) ({cases} cases in {seconds:F1} s)"));
    }
}
