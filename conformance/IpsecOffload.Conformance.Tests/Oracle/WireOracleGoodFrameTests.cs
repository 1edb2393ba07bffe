using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>
/// Real frames from the reference miniport (every v2 ESP transform over IPv4 and IPv6, AH over IPv4 with and
/// without options and IPv6 with extension headers, AH+ESP, tunnels, transport over tunnel, UDP-ESP, ESN) are
/// judged good by the oracle's own parsing and BouncyCastle.
/// </summary>
public sealed class WireOracleGoodFrameTests
{
    private const int Salt = 0x0AC1_E000;

    private static IEnumerable<TestCaseData> Scenarios() =>
        OracleScenarios.All.Select((s, i) => new TestCaseData(s, i).SetArgDisplayNames(s.Name));

    [TestCaseSource(nameof(Scenarios))]
    public void ReferenceMiniportFrame_JudgedByTheOracle_IsGood(OracleScenario scenario, int index)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        SentFrame sent = scenario.Send(TestSeeds.Create(Salt + index));

        OracleJudgement judgement = sent.Judge();

        Assert.That(judgement.Ok, Is.True, $"{TestSeeds.ReplayHint(Salt + index)}\n{judgement.Render()}");
    }

    [Test]
    public void EsnAfterUpdateSa_WithoutTheSequenceHighOverride_FailsEsn01()
    {
        SentFrame sent = OracleScenarios.Named("esn-after-update-sa-sequence-high-override").Send(TestSeeds.Create(Salt - 1));

        OracleJudgement judgement = WireOracle.Judge(sent.Framed, sent.Sas, sent.Wire, new OracleOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Ok, Is.False);
            Assert.That(judgement.Requirement, Is.EqualTo("ESN-01"), judgement.Render());
            Assert.That(judgement.Render(), Does.Contain("ICV does not verify").And.Contain("ESN high"));
        }
    }

    [Test]
    public void EveryScenarioName_IsUnique()
    {
        string[] names = [.. OracleScenarios.All.Select(s => s.Name)];

        Assert.That(names, Is.Unique);
    }
}
