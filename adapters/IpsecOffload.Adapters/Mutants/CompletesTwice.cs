using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: every completion is indicated twice (a double <c>NdisMSendNetBufferListsComplete</c>, as when
/// both a fast path and a cleanup path complete the same NBL). Breaks CMPL-01 (exactly once).
/// </summary>
internal sealed class CompletesTwice() : MutantMiniport(Name)
{
    public const string Name = "completes-twice";

    protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
    {
        base.OnSendNetBufferListsComplete(netBufferLists, flags);
        base.OnSendNetBufferListsComplete(netBufferLists, flags);
    }
}
