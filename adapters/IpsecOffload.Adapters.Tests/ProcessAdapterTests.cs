using System.Diagnostics;
using IpsecOffload.Adapters.Protocol;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Ndis;

namespace IpsecOffload.Adapters.Tests;

/// <summary>The reference miniport through a real <c>process:</c> adapter (IpsecOffload.ReferenceProcess).</summary>
public sealed class ProcessAdapterTests
{
    [TestCase(NdisAbi.X64, "")]
    [TestCase(NdisAbi.X86, "--x86")]
    public void WholeCatalogue_ReferenceProcess_SameVerdictPerCaseAsInProcess(NdisAbi abi, string arguments)
    {
        IReadOnlyList<ConformanceCase> cases = CaseCatalogue.All;
        RunResult inProcess = ProtocolFixtures.Run(new AdapterUnderTest("reference", () => ProtocolFixtures.Reference(abi)), cases);
        AdapterDescriptor descriptor = AdapterRegistry.Find(AdapterRegistry.ProcessPrefix + ProtocolFixtures.ReferenceCommandLine(arguments))!;

        var clock = Stopwatch.StartNew();
        RunResult throughProcess = ProtocolFixtures.Run(new AdapterUnderTest(descriptor.Name, descriptor.Create), cases);
        clock.Stop();

        TestContext.Out.WriteLine($"{abi}: {cases.Count} cases; in-process {inProcess.Duration.TotalSeconds:0.0} s, through process: {clock.Elapsed.TotalSeconds:0.0} s; "
            + string.Join(", ", throughProcess.Cases.GroupBy(c => c.Verdict).Select(g => $"{g.Key} {g.Count()}")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ProtocolFixtures.VerdictDifferences(inProcess, throughProcess), Is.Empty);
            Assert.That(throughProcess.AdapterIdentity, Does.Contain(abi == NdisAbi.X64 ? "(x64)" : "(x86)"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMinutes(3)), "issue #7: a full run through process: under 3 minutes");
        }
    }

    [TestCase("hang", "no response to 'send'")]
    [TestCase("crash", "closed its standard output")]
    [TestCase("garbage", "is not a JSON object")]
    [TestCase("wrong-id", "carries id")]
    [TestCase("missing-nbl", "does not complete NBL 0")]
    [TestCase("huge-line", "exceeds 67108864 characters")]
    public void FaultyAdapterProcess_CaseBlockedWithReasonAndTheRestOfTheRunCompletes(string fault, string reason)
    {
        // Cases that send; the faulty process misbehaves at its third send, then a fresh one is started.
        ConformanceCase[] cases = [.. CaseCatalogue.All.Where(c => c.Name.StartsWith("Send", StringComparison.Ordinal)).Take(12)];
        RunResult inProcess = ProtocolFixtures.Run(new AdapterUnderTest("reference", () => ProtocolFixtures.Reference(NdisAbi.X64)), cases);
        using var factory = new ProcessAdapterFactory(ProtocolFixtures.ReferenceCommandLine($"--fault {fault} --fault-at 3"),
            new AdapterConnectionOptions { RequestTimeout = TimeSpan.FromSeconds(2) });

        var clock = Stopwatch.StartNew();
        RunResult run = ProtocolFixtures.Run(new AdapterUnderTest("faulty", factory.Create), cases);
        clock.Stop();

        CaseResult[] blocked = [.. run.Cases.Where(c => c.Verdict == Verdict.Blocked)];
        TestContext.Out.WriteLine($"{fault}: {run.Cases.Count} cases in {clock.Elapsed.TotalSeconds:0.0} s, {blocked.Length} blocked, {factory.ProcessesStarted} processes; first reason:\n{blocked.FirstOrDefault()?.Message}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Cases, Has.Count.EqualTo(cases.Length), "every case has a verdict");
            Assert.That(blocked, Is.Not.Empty, "the fault blocks the case it hits");
            Assert.That(blocked.Select(b => b.Message), Has.All.Contain(reason));
            Assert.That(blocked.Select(b => b.Message), Has.All.StartWith("adapter unavailable: "));
            Assert.That(factory.ProcessesStarted, Is.GreaterThan(1), "a fresh process after the fault");
            Assert.That(inProcess.Cases.Zip(run.Cases).Where(p => p.Second.Verdict != Verdict.Blocked && p.First.Verdict != p.Second.Verdict).Select(p => p.First.Case.Name),
                Is.Empty, "the cases the fault did not hit judge as in-process");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(90)), "no hang");
        }

        if (fault is "crash" or "hang" or "huge-line")
        {
            Assert.That(blocked[0].Message, Does.Contain("adapter stderr (tail):").And.Contain($"fault '{fault}'"));
        }
    }

    [Test]
    public void CommandThatDoesNotExist_EveryCaseBlockedWithTheReason()
    {
        ConformanceCase[] cases = [.. CaseCatalogue.All.Take(3)];
        AdapterDescriptor descriptor = AdapterRegistry.Find("process:/nonexistent/adapter --x")!;

        RunResult run = ProtocolFixtures.Run(new AdapterUnderTest(descriptor.Name, descriptor.Create), cases);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Cases.Select(c => c.Verdict), Has.All.EqualTo(Verdict.Blocked));
            Assert.That(run.Cases.Select(c => c.Message), Has.All.Contain("'/nonexistent/adapter --x' could not be started"));
        }
    }

    [Test]
    public void FreshProcessPerCase_SameVerdictsAsInProcess()
    {
        ConformanceCase[] cases = [.. CaseCatalogue.All.Take(5)];
        RunResult inProcess = ProtocolFixtures.Run(new AdapterUnderTest("reference", () => ProtocolFixtures.Reference(NdisAbi.X64)), cases);
        using var factory = new ProcessAdapterFactory(ProtocolFixtures.ReferenceCommandLine()) { ReuseProcess = false };

        RunResult run = ProtocolFixtures.Run(new AdapterUnderTest("fresh", factory.Create), cases);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ProtocolFixtures.VerdictDifferences(inProcess, run), Is.Empty);
            Assert.That(factory.ProcessesStarted, Is.EqualTo(cases.Length));
        }
    }
}
