using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: handle 0 is looked up like any other handle. An NBL with <c>OffloadHandle</c> 0 and
/// <c>TunnelHandle</c> 0 — one the transport sends without IPsec — finds no SA and is completed with
/// <c>NDIS_STATUS_FAILURE</c>, nothing sent. Breaks SEND-03 (a handle of 0 means "no IPsec offload").
/// </summary>
internal sealed class IgnoresZeroHandle() : MutantMiniport(Name)
{
    public const string Name = "ignores-zero-handle";

    protected override void SendOne(NetBufferList nbl, NdisSendFlags flags)
    {
        if (nbl.Info[NetBufferListInfoId.IPsecOffload] == 0 && nbl.Info[NetBufferListInfoId.IPsecOffloadV2Tunnel] == 0)
        {
            Complete(nbl, NdisStatus.Failure, flags);
            return;
        }

        base.SendOne(nbl, flags);
    }
}
