using IpsecOffload.Properties.Properties;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Tests;

/// <summary>Every property of the catalogue against the runsettings' adapter, with the runsettings' replay and case count (CI: 500, fixed seed).</summary>
[TestFixture]
public sealed class CatalogueProperties
{
    private static IEnumerable<TestCaseData> Properties() =>
        PropertyCatalogue.All.Select(p => new TestCaseData(p).SetArgDisplayNames(p.Name).SetProperty("Requirement", string.Join(",", p.Requirements)));

    [TestCaseSource(nameof(Properties))]
    public void Property_HoldsForEveryGeneratedCase_OnTheRunsettingsAdapter(IProbeProperty property)
    {
        PropertySettings settings = PropertyTestSettings.Settings;
        string found = Path.Combine(Path.GetTempPath(), "ipsec-found-" + Guid.NewGuid().ToString("N"));
        PropertyOutcome outcome = PropertyRunner.Run(property, PropertyTestSettings.Target, settings, new PropertyRunOptions { FoundFolder = found });
        TestContext.Out.WriteLine(outcome.ToString());
        foreach ((string label, double share) in outcome.Spread.Take(24))
        {
            TestContext.Out.WriteLine($"  {share,7:P1} {label}");
        }

        if (outcome.NotApplicable is not null)
        {
            Assert.Ignore(outcome.NotApplicable);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Failure, Is.Null, outcome.ToString());
            Assert.That(outcome.Cases, Is.GreaterThanOrEqualTo(settings.Cases), "cases run");
        }
    }
}
