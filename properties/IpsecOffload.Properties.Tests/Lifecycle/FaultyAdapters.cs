using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Properties.Tests.Lifecycle;

/// <summary>Reference adapters with small SA tables, so that capacity exhaustion is reachable in one script.</summary>
internal static class SmallTable
{
    public const uint Capacity = 4;

    /// <summary>A reference miniport advertising <see cref="Capacity"/> bundles (v1 and v2, x64 unless given).</summary>
    public static ReferenceMiniport Reference(NdisAbi abi = NdisAbi.X64, bool v1 = true, Engine.Profile.OffloadProfile? profile = null) => new(new ReferenceMiniportOptions
    {
        Abi = abi,
        IPsecV2 = ReferenceMiniportOptions.FullV2 with { SaOffloadCapacity = Capacity },
        IPsecV1 = v1 ? ReferenceMiniportOptions.FullV1 : null,
        Profile = profile ?? Engine.Profile.OffloadProfile.Default,
    });
}

/// <summary>Fault: DELETE_SA (v1 and v2) answers SUCCESS but deletes nothing, so a deleted handle keeps protecting (SA-02, SA-05).</summary>
internal sealed class KeepsDeletedSas(IMiniport inner) : MiniportDecorator(inner)
{
    public override OidResult OidRequest(OidRequest request) =>
        request.Oid is NdisOid.TcpTaskIpsecOffloadV2DeleteSa or NdisOid.TcpTaskIpsecDeleteSa
            ? new OidResult(NdisStatus.Success, request.InformationBuffer, request.InformationBuffer.Length, 0)
            : base.OidRequest(request);
}

/// <summary>Fault: UPDATE_SA answers SUCCESS but the SA keeps its old ESN high half (ESN-02).</summary>
internal sealed class IgnoresUpdateSa(IMiniport inner) : MiniportDecorator(inner)
{
    public override OidResult OidRequest(OidRequest request) =>
        request.Oid == NdisOid.TcpTaskIpsecOffloadV2UpdateSa
            ? new OidResult(NdisStatus.Success, request.InformationBuffer, request.InformationBuffer.Length, 0)
            : base.OidRequest(request);
}

/// <summary>Fault: UPDATE_SA is applied with the high half one too large (status right, later ICVs wrong: ESN-02).</summary>
internal sealed class UpdateSaOffByOne(IMiniport inner) : MiniportDecorator(inner)
{
    public override OidResult OidRequest(OidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Oid != NdisOid.TcpTaskIpsecOffloadV2UpdateSa)
        {
            return base.OidRequest(request);
        }

        NdisAbi abi = Inner.Identity.Abi;
        IPsecV2UpdateSa update = IPsecV2Codec.DecodeUpdateSa(request.InformationBuffer, abi).GetValueOrThrow();
        // The fault itself: the high half off by one (wrapping, RFC 4304 §2 arithmetic is modulo 2^32).
        uint wrong = unchecked(update.SequenceNumberHighOrder + 1);
        return base.OidRequest(request with { InformationBuffer = IPsecV2Codec.EncodeUpdateSa(update with { SequenceNumberHighOrder = wrong }, abi) });
    }
}

/// <summary>Fault: an ADD none of whose SAs fit the full table completes with SUCCESS (and NULL handles) instead of the AMB-17 status (SA-01).</summary>
internal sealed class FullTableReportsSuccess(IMiniport inner) : MiniportDecorator(inner)
{
    public override OidResult OidRequest(OidRequest request)
    {
        OidResult result = base.OidRequest(request);
        bool add = request.Oid is NdisOid.TcpTaskIpsecOffloadV2AddSa or NdisOid.TcpTaskIpsecOffloadV2AddSaEx or NdisOid.TcpTaskIpsecAddSa;
        return add && result.Status == NdisStatus.Resources ? result with { Status = NdisStatus.Success } : result;
    }
}

/// <summary>
/// Shows the adapter its own handle values (v2 only): every handle the inner miniport returns is replaced by an
/// outer value the subclass allocates, and DELETE_SA, UPDATE_SA and the send OOB are translated back. Unknown
/// outer values pass through unchanged (the inner miniport does not know them either).
/// </summary>
internal abstract class HandleTranslator(IMiniport inner) : MiniportDecorator(inner)
{
    /// <summary>Outer handle → inner handle.</summary>
    protected Dictionary<ulong, ulong> Route { get; } = [];

    private NdisAbi Abi => Inner.Identity.Abi;

    /// <summary>The outer handle for a new inner one (the subclass records the route).</summary>
    protected abstract ulong Allocate(ulong inner);

    /// <summary>The outer handle was deleted.</summary>
    protected abstract void Release(ulong outer);

    private ulong ToInner(ulong outer) => outer != 0 && Route.TryGetValue(outer, out ulong inner) ? inner : outer;

    public override OidResult OidRequest(OidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Oid)
        {
            case NdisOid.TcpTaskIpsecOffloadV2AddSaEx:
            {
                OidResult result = base.OidRequest(request);
                ulong inner = result.Status == NdisStatus.Success ? IPsecV2Codec.ReadAddSaExOffloadHandle(result.InformationBuffer, Abi).GetValueOrThrow() : 0;
                if (inner == 0)
                {
                    return result;
                }

                byte[] buffer = [.. result.InformationBuffer];
                IPsecV2Codec.WriteAddSaExOffloadHandle(buffer, Abi, Allocate(inner));
                return result with { InformationBuffer = buffer };
            }

            case NdisOid.TcpTaskIpsecOffloadV2AddSa:
            {
                OidResult result = base.OidRequest(request);
                if (result.Status != NdisStatus.Success)
                {
                    return result;
                }

                ulong[] handles = [.. IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, Abi).GetValueOrThrow().Select(h => h == 0 ? 0 : Allocate(h))];
                byte[] buffer = [.. result.InformationBuffer];
                IPsecV2Codec.WriteAddSaOffloadHandles(buffer, Abi, handles);
                return result with { InformationBuffer = buffer };
            }

            case NdisOid.TcpTaskIpsecOffloadV2DeleteSa:
            {
                IPsecV2DeleteSa[] chain = [.. IPsecV2Codec.DecodeDeleteSaChain(request.InformationBuffer, Abi).GetValueOrThrow()];
                OidResult result = base.OidRequest(request with
                {
                    InformationBuffer = IPsecV2Codec.EncodeDeleteSaChain([.. chain.Select(d => new IPsecV2DeleteSa(ToInner(d.OffloadHandle)))], Abi),
                });
                foreach (IPsecV2DeleteSa d in chain)
                {
                    Release(d.OffloadHandle);
                }

                return result;
            }

            case NdisOid.TcpTaskIpsecOffloadV2UpdateSa:
            {
                IPsecV2UpdateSa update = IPsecV2Codec.DecodeUpdateSa(request.InformationBuffer, Abi).GetValueOrThrow();
                return base.OidRequest(request with
                {
                    InformationBuffer = IPsecV2Codec.EncodeUpdateSa(update with { OffloadHandle = ToInner(update.OffloadHandle) }, Abi),
                });
            }

            default:
                return base.OidRequest(request);
        }
    }

    public override void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
    {
        for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
        {
            ulong outer = nbl.Info.Get<IPsecOffloadV2Transmit>(Abi).OffloadHandle;
            nbl.Info.Set(new IPsecOffloadV2Transmit(ToInner(outer)), Abi);
        }

        base.SendNetBufferLists(netBufferLists, flags);
    }

    /// <summary>The lowest multiple of 0x1000 not in <paramref name="taken"/> (small values, reused as soon as they are free).</summary>
    protected static ulong LowestFree(IReadOnlySet<ulong> taken)
    {
        ulong value = 0x1000;
        while (taken.Contains(value))
        {
            value += 0x1000;
        }

        return value;
    }
}

/// <summary>Correct: reuses a handle value as soon as it is deleted (the contract allows it, SA-01: unique among live handles).</summary>
internal sealed class RecyclesHandles(IMiniport inner) : HandleTranslator(inner)
{
    protected override ulong Allocate(ulong inner)
    {
        ulong outer = LowestFree(Route.Keys.ToHashSet());
        Route[outer] = inner;
        return outer;
    }

    protected override void Release(ulong outer) => Route.Remove(outer);
}

/// <summary>Fault: reuses deleted handle values but keeps routing a reused value to the deleted SA, so the new SA is unusable (SA-01).</summary>
internal sealed class RecyclesHandlesWithStaleRoute(IMiniport inner) : HandleTranslator(inner)
{
    private readonly HashSet<ulong> _allocated = [];

    protected override ulong Allocate(ulong inner)
    {
        ulong outer = LowestFree(_allocated);
        _allocated.Add(outer);
        Route.TryAdd(outer, inner);
        return outer;
    }

    protected override void Release(ulong outer) => _allocated.Remove(outer);
}

/// <summary>Fault: the second ADD returns the first ADD's handle again while both SAs are live (SA-01).</summary>
internal sealed class RepeatsFirstHandle(IMiniport inner) : HandleTranslator(inner)
{
    private int _adds;

    protected override ulong Allocate(ulong inner)
    {
        ulong outer = _adds == 1 ? 0x1000 : 0x1000 * (ulong)(_adds + 1);
        _adds++;
        Route.TryAdd(outer, inner);
        return outer;
    }

    protected override void Release(ulong outer) => Route.Remove(outer);
}
