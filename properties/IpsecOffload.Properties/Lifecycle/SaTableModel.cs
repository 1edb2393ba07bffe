using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;

namespace IpsecOffload.Properties.Lifecycle;

/// <summary>A live SA bundle of the model: its handle, the API that added it, its SAs and each SA's current ESN high half.</summary>
public sealed class ModelBundle
{
    private readonly Dictionary<(IpsecProtocol, uint), uint> _high = [];

    internal ModelBundle(ulong handle, SaApi api, BundleSpec bundle)
    {
        Handle = handle;
        Api = api;
        Bundle = bundle;
        foreach (SaSpec sa in bundle.Sas)
        {
            _high[(sa.Protocol, sa.Spi)] = sa.SequenceNumberHigh;
        }
    }

    /// <summary>The handle the adapter returned.</summary>
    public ulong Handle { get; }

    /// <summary>The ADD OID that added it (its DELETE is the same version's).</summary>
    public SaApi Api { get; }

    /// <summary>The SAs.</summary>
    public BundleSpec Bundle { get; }

    /// <summary>True when the bundle was added through a v2 OID.</summary>
    public bool IsV2 => Api != SaApi.V1;

    /// <summary>The ESN high half the SA's ICVs must cover now (the ADD's value, or the last UPDATE_SA's).</summary>
    public uint HighOf(SaSpec sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return _high.TryGetValue((sa.Protocol, sa.Spi), out uint high) ? high : sa.SequenceNumberHigh;
    }

    internal void SetHigh(SaSpec sa, uint high) => _high[(sa.Protocol, sa.Spi)] = high;
}

/// <summary>What the model says an ADD element must do.</summary>
/// <param name="Succeeds">True: SUCCESS with a fresh handle. False: the table is full.</param>
/// <param name="FailureStatus">When full: the status required (v2, AMB-17 profile setting), or null for any failure status (v1, AMB-18).</param>
public readonly record struct AddExpectation(bool Succeeds, NdisStatus? FailureStatus);

/// <summary>What the model says a send must do.</summary>
public enum SendFate
{
    /// <summary>Handle 0: every frame leaves unchanged, SUCCESS (SEND-03).</summary>
    Unchanged,

    /// <summary>Live handle: every NB leaves protected by exactly that bundle, SUCCESS.</summary>
    Protected,

    /// <summary>No live SA under the handle: NDIS_STATUS_FAILURE and no frame (SEND-04, SA-02, SA-05).</summary>
    Refused,
}

/// <summary>
/// The SA table an adapter must keep, per the NDIS contract and this project's recorded readings. It is fed
/// the adapter's answers (the handles it returned) and predicts every status and send outcome:
/// <list type="bullet">
/// <item>ADD (v1 ADD_SA, v2 ADD_SA element, ADD_SA_EX) of a claimed SA while fewer than <see cref="Capacity"/>
/// bundles are live: SUCCESS with a handle that is non-zero, differs from every live handle and fits the ABI's
/// pointer (SA-01; spec §4.4 "Handles", SEND-03 makes 0 "no offload"). Capacity counts live bundles of both
/// versions: <c>SaOffloadCapacity</c> is "the NIC's total", in bundles (spec §4.4 Limits, §5.3).</item>
/// <item>ADD with the table full: no handle; a v2 element is written NULL and a request none of whose elements
/// was offloaded completes with the profile's <c>AddSaTotalFailureStatus</c> (AMB-17, default RESOURCES); a v1 ADD
/// with any failure status (v1 documents none, AMB-18). A v2 chain with some room succeeds for the elements that fit,
/// in chain order, and completes with SUCCESS (spec §4.4 partial success).</item>
/// <item>Handles may be reused after DELETE: the contract asks only "non-zero, unique among live" (SA-01). The
/// reference never reuses them (docs/decisions/sa-handles-and-capacity.md, amb-34), but that is its choice; when an
/// adapter does, the reused handle names the new SA and a send on it must be protected by the new SA.</item>
/// <item>DELETE_SA of a live handle (its own version's OID): SUCCESS, the bundle is gone and frees a slot (SA-02).
/// DELETE_SA of a deleted or never-issued handle: SUCCESS, table unchanged (decision sa-handles-and-capacity.md: the
/// DELETE_SA page documents no failure for it, and deletes race the adds they undo).</item>
/// <item>UPDATE_SA of an ESN SA of a live v2 handle (found by operation and SPI): SUCCESS, and later packets' ICVs
/// cover the new high half (ESN-02, AMB-14). Of a non-ESN SA, or on a deleted or unknown handle:
/// NDIS_STATUS_INVALID_PARAMETER, nothing changes (spec §4.4 UPDATE_SA: "SA not found or ESN not supported").</item>
/// <item>Send on handle 0: frames unchanged (SEND-03). On a live handle: SUCCESS, one frame per NB, each the framed
/// packet protected by exactly that bundle, ICVs over the model's high halves (SA-01, ESN-02). On a deleted or
/// never-returned handle: NDIS_STATUS_FAILURE and no frame (SEND-04, SA-02, SA-05; AMB-34; v1 sends are held to the
/// same rule, AMB-35). Every NBL completes exactly once (CMPL-01).</item>
/// </list>
/// </summary>
public sealed class SaTableModel
{
    private readonly List<ModelBundle> _live = [];
    private readonly List<ulong> _deleted = [];
    private readonly HashSet<ulong> _everIssued = [];

    /// <summary>A model of an empty table holding at most <paramref name="capacity"/> bundles (null: no advertised limit).</summary>
    public SaTableModel(uint? capacity, NdisAbi abi, NdisStatus totalFailureStatus)
    {
        Capacity = capacity;
        Abi = abi;
        TotalFailureStatus = totalFailureStatus;
    }

    /// <summary>Bundles the table holds at most, or null when the adapter advertises no limit.</summary>
    public uint? Capacity { get; }

    /// <summary>The ABI (x86 handles fit 32 bits).</summary>
    public NdisAbi Abi { get; }

    /// <summary>The status of a v2 ADD none of whose elements was offloaded (AMB-17).</summary>
    public NdisStatus TotalFailureStatus { get; }

    /// <summary>Live bundles in the order they were added.</summary>
    public IReadOnlyList<ModelBundle> Live => _live;

    /// <summary>Every handle value ever deleted, in delete order, without repeats.</summary>
    public IReadOnlyList<ulong> Deleted => _deleted;

    /// <summary>Free slots (int.MaxValue without a limit).</summary>
    public int Free => Capacity is { } c ? (int)Math.Max(0, c - (long)_live.Count) : int.MaxValue;

    /// <summary>The live bundle under <paramref name="handle"/>, or null.</summary>
    public ModelBundle? Find(ulong handle) => handle == 0 ? null : _live.Find(b => b.Handle == handle);

    /// <summary>True when <paramref name="handle"/> was returned by an ADD at some point.</summary>
    public bool WasIssued(ulong handle) => _everIssued.Contains(handle);

    /// <summary>What the next ADD element through <paramref name="api"/> must do.</summary>
    public AddExpectation ExpectAdd(SaApi api) =>
        Free > 0 ? new AddExpectation(true, null) : new AddExpectation(false, api == SaApi.V1 ? null : TotalFailureStatus);

    /// <summary>Why <paramref name="handle"/> is not acceptable for a successful ADD (SA-01), or null.</summary>
    public string? RejectNewHandle(ulong handle)
    {
        if (handle == 0)
        {
            return "handle 0 (0 means 'no offload' on send and never names an SA)";
        }

        if (Find(handle) is { } clash)
        {
            return $"handle 0x{handle:x}, which is already live for {Describe(clash)}";
        }

        return Abi == NdisAbi.X86 && handle > uint.MaxValue ? $"handle 0x{handle:x}, wider than an x86 pointer" : null;
    }

    /// <summary>Records a successful ADD.</summary>
    public ModelBundle Added(ulong handle, SaApi api, BundleSpec bundle)
    {
        var added = new ModelBundle(handle, api, bundle);
        _live.Add(added);
        _everIssued.Add(handle);
        return added;
    }

    /// <summary>Records a DELETE of <paramref name="handle"/> (a no-op unless live); returns the bundle removed, or null.</summary>
    public ModelBundle? Delete(ulong handle)
    {
        ModelBundle? doomed = Find(handle);
        if (doomed is null)
        {
            return null;
        }

        _live.Remove(doomed);
        _deleted.Remove(handle);
        _deleted.Add(handle);
        return doomed;
    }

    /// <summary>The SA an UPDATE_SA of (<paramref name="protocol"/>, <paramref name="spi"/>) on <paramref name="handle"/> changes, or null when it must fail with INVALID_PARAMETER.</summary>
    public SaSpec? UpdateTarget(ulong handle, IpsecProtocol protocol, uint spi)
    {
        ModelBundle? bundle = Find(handle);
        return bundle is { IsV2: true } ? bundle.Bundle.Sas.FirstOrDefault(s => s.Protocol == protocol && s.Spi == spi && s.Esn) : null;
    }

    /// <summary>Records a successful UPDATE_SA.</summary>
    public void Update(ulong handle, SaSpec sa, uint high) => Find(handle)?.SetHigh(sa, high);

    /// <summary>What a send on <paramref name="handle"/> must do.</summary>
    public SendFate ExpectSend(ulong handle) => handle == 0 ? SendFate.Unchanged : Find(handle) is null ? SendFate.Refused : SendFate.Protected;

    /// <summary>The requirement a refused send on <paramref name="handle"/> is judged by: SA-02 for a deleted handle, SEND-04 for one never returned.</summary>
    public string RefusalRequirement(ulong handle) => _deleted.Contains(handle) ? "SA-02" : "SEND-04";

    /// <summary>A bundle for messages (algorithms and SPIs, never keys).</summary>
    public static string Describe(ModelBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return $"{bundle.Api} [{string.Join(", ", bundle.Bundle.Sas)}]";
    }
}
