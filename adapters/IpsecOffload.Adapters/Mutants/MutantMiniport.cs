using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// A reference miniport with one fault: the decorator the mutants share. It wraps a fresh
/// <see cref="ReferenceMiniport"/> built like the <c>reference</c> adapter, names itself after the mutant,
/// and offers the helpers a fault needs: per-NBL sends, the inner SA table's view of a handle, and
/// completing an NBL on the mutant's own account.
/// </summary>
internal abstract class MutantMiniport : MiniportDecorator
{
    protected MutantMiniport(string name)
        : this(name, new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu }))
    {
    }

    private MutantMiniport(string name, ReferenceMiniport reference)
        : base(reference)
    {
        Reference = reference;
        Identity = reference.Identity with { Name = $"{reference.Identity.Name} (mutant:{name})" };
    }

    /// <inheritdoc/>
    public override MiniportIdentity Identity { get; }

    /// <summary>The wrapped reference miniport (its SA table tells which handles are live).</summary>
    protected ReferenceMiniport Reference { get; }

    /// <summary>
    /// Sends the chain one NBL at a time through <see cref="SendOne"/> (NDIS lets a miniport complete NBLs
    /// singly, in any order), so that a fault can single out one NBL without touching its neighbours.
    /// </summary>
    public override void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
    {
        ArgumentNullException.ThrowIfNull(netBufferLists);
        NetBufferList? nbl = netBufferLists;
        while (nbl is not null)
        {
            NetBufferList? next = nbl.Next;
            nbl.Next = null;
            SendOne(nbl, flags);
            nbl = next;
        }
    }

    /// <summary>Sends one unlinked NBL; by default through the reference miniport unchanged.</summary>
    protected virtual void SendOne(NetBufferList nbl, NdisSendFlags flags) => Inner.SendNetBufferLists(nbl, flags);

    /// <summary>The offload bundle a non-zero handle names in the reference SA table, or null (unknown, or 0).</summary>
    protected OffloadedSaBundle? Bundle(ulong handle) =>
        handle != 0 && Reference.Sa.Store.TryGet(handle, out OffloadedSaBundle? bundle) ? bundle : null;

    /// <summary>
    /// True when the NBL names a handle the reference SA table does not hold: a non-zero <c>OffloadHandle</c>,
    /// or a non-zero <c>TunnelHandle</c> unless the offload SA is a v1 one (v1 has no tunnel handle, AMB-10).
    /// </summary>
    protected bool HasUnknownHandle(NetBufferList nbl)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        ulong offloadHandle = nbl.Info[NetBufferListInfoId.IPsecOffload];
        ulong tunnelHandle = nbl.Info[NetBufferListInfoId.IPsecOffloadV2Tunnel];
        OffloadedSaBundle? offload = Bundle(offloadHandle);
        if (offloadHandle != 0 && offload is null)
        {
            return true;
        }

        return tunnelHandle != 0 && offload?.Version != SaVersion.V1 && Bundle(tunnelHandle) is null;
    }

    /// <summary>Completes one NBL with <paramref name="status"/> on the mutant's own account (the reference never sees it).</summary>
    protected void Complete(NetBufferList nbl, NdisStatus status, NdisSendFlags flags)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        nbl.Status = status;
        Host.SendNetBufferListsComplete(nbl,
            (flags & NdisSendFlags.DispatchLevel) != 0 ? NdisSendCompleteFlags.DispatchLevel : NdisSendCompleteFlags.None);
    }
}
