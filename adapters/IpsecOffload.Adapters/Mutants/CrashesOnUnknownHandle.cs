using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: the send path dereferences the result of the SA lookup without checking it, so an NBL whose
/// handle names no offloaded SA makes <c>SendNetBufferLists</c> throw — that NBL and every one after it
/// in the chain are never completed. Breaks CMPL-01 (every NBL completed exactly once, whatever its fate).
/// </summary>
internal sealed class CrashesOnUnknownHandle() : MutantMiniport(Name)
{
    public const string Name = "crashes-on-unknown-handle";

    protected override void SendOne(NetBufferList nbl, NdisSendFlags flags)
    {
        if (HasUnknownHandle(nbl))
        {
            throw new InvalidOperationException($"{nbl.Name}: the SA lookup returned no entry and the send path used it anyway");
        }

        base.SendOne(nbl, flags);
    }
}
