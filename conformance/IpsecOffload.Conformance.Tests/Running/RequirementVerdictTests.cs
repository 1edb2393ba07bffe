using IpsecOffload.Adapters.Mutants;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;

namespace IpsecOffload.Conformance.Tests.Running;

/// <summary>How case verdicts add up to requirement verdicts (docs/decisions/conformance-verdicts.md).</summary>
public class RequirementVerdictTests
{
    [Test]
    public void CasesThatFailFirstOnAnotherRequirement_LeaveTheirOwnRequirementBlockedWithTheReason()
    {
        // zero-icv: the good NBLs of the unknown-handle cases fail ESP-01 before SEND-04 is judged.
        Mutant mutant = MutantCatalogue.Find("zero-icv")!;
        RunResult run = ConformanceRunner.Run(new AdapterUnderTest(mutant.Name, mutant.Create),
            CaseCatalogue.All.Where(c => c.Name.StartsWith("Send04_UnknownHandle_", StringComparison.Ordinal)), new RunOptions());
        RequirementVerdict send04 = run.Requirements().Single(r => r.Requirement.Id == "SEND-04");
        RequirementVerdict esp01 = run.Requirements().Single(r => r.Requirement.Id == "ESP-01");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(esp01.Verdict, Is.EqualTo(Verdict.Fail));
            Assert.That(esp01.Reason, Is.Null);
            Assert.That(send04.Verdict, Is.EqualTo(Verdict.Blocked));
            Assert.That(send04.Reason, Is.EqualTo("not judged: every case failed first on ESP-01"));
            Assert.That(run.Requirements().Single(r => r.Requirement.Id == "LSO-01").Verdict, Is.EqualTo(Verdict.NotApplicable), "no case in the run");
        }
    }

    [Test]
    public void ReferenceRun_EveryJudgedRequirementPasses()
    {
        var reference = new AdapterUnderTest("reference", Adapters.AdapterRegistry.Find("reference")!.Create);
        RunResult run = ConformanceRunner.Run(reference, CaseCatalogue.All, new RunOptions());
        Assert.That(run.Requirements().Where(r => r.Verdict != Verdict.Pass).Select(r => $"{r.Requirement.Id}: {r.Verdict} {r.Reason}"), Is.Empty);
    }
}
