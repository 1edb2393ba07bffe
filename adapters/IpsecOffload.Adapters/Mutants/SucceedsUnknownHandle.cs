using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: an NBL whose handle names no offloaded SA is dropped silently — completed with
/// <c>NDIS_STATUS_SUCCESS</c>, no frame sent. Breaks SEND-04 (fail the send with <c>NDIS_STATUS_FAILURE</c>).
/// </summary>
internal sealed class SucceedsUnknownHandle() : MutantMiniport(Name)
{
    public const string Name = "succeeds-unknown-handle";

    protected override void SendOne(NetBufferList nbl, NdisSendFlags flags)
    {
        if (HasUnknownHandle(nbl))
        {
            Complete(nbl, NdisStatus.Success, flags);
            return;
        }

        base.SendOne(nbl, flags);
    }
}
