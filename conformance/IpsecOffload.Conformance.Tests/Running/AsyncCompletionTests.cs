using IpsecOffload.Adapters;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Tests.Running;

/// <summary>
/// A miniport may complete NBLs after <c>MiniportSendNetBufferLists</c> returns, from another thread
/// (ARCHITECTURE §3): the cases wait for completions instead of judging a correct asynchronous adapter as broken.
/// </summary>
public class AsyncCompletionTests
{
    [Test]
    public void ReferenceCompletingFromAnotherThreadLater_PassesTheWholeCatalogue()
    {
        AdapterDescriptor reference = AdapterRegistry.Find("reference")!;
        RunResult run = ConformanceRunner.Run(new AdapterUnderTest("reference (async completion)", () => new CompletesLater(reference.Create())),
            CaseCatalogue.All, new RunOptions());
        Assert.That(run.Cases.Where(c => c.Verdict is not (Verdict.Pass or Verdict.NotApplicable)).Select(c => $"{c.Case.Name}: {c.Verdict} {c.Message}"),
            Is.Empty);
    }

    [Test]
    public void AnNblNeverCompleted_FailsCmpl01SayingHowLongTheCaseWaited()
    {
        AdapterDescriptor reference = AdapterRegistry.Find("reference")!;
        ConformanceCase @case = CaseCatalogue.Find("Send09_EspTransport_ProtectedOnWire_V2")!;
        CaseResult result = ConformanceRunner.RunCase(new AdapterUnderTest("never completes", () => new NeverCompletes(reference.Create())), @case, new RunOptions());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail));
            Assert.That(result.FailedRequirement, Is.EqualTo("CMPL-01"));
            Assert.That(result.Message, Does.Contain("was completed 0 times, expected exactly once (waited 5 s after MiniportSendNetBufferLists returned)"));
        }
    }

    /// <summary>Completes every chain 1–3 ms later from the thread pool.</summary>
    private sealed class CompletesLater(IMiniport inner) : MiniportDecorator(inner)
    {
        private int _count;

        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            int delay = 1 + (Interlocked.Increment(ref _count) % 3);
            _ = Task.Delay(delay).ContinueWith(_ => base.OnSendNetBufferListsComplete(netBufferLists, flags), TaskScheduler.Default);
        }
    }

    /// <summary>Transmits but never completes.</summary>
    private sealed class NeverCompletes(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
        }
    }
}
