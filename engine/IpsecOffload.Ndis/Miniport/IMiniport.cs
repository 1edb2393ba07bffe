using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Ndis.Miniport;

/// <summary>
/// The device under test: the miniport entry points the IPsec send path touches
/// (ARCHITECTURE §3). Implemented by the reference engine, by mutants, by a vendor's in-process
/// adapter, or by the out-of-process host that speaks the adapter protocol. Every call can be carried
/// as bytes: OIDs travel as their native information buffers (<see cref="OidRequest"/>), NBLs as
/// MDL bytes plus OOB slot values, capabilities as <c>NDIS_OFFLOAD</c> bytes.
/// </summary>
/// <remarks>
/// Threading follows NDIS loosely: the harness makes one call at a time, but a miniport may complete
/// NBLs later, from another thread, in any order and in batches, through <see cref="IMiniportHost"/>.
/// </remarks>
public interface IMiniport : IDisposable
{
    /// <summary>Who this is: name, version and the ABI whose native structure layouts it speaks.</summary>
    MiniportIdentity Identity { get; }

    /// <summary>
    /// <c>MiniportInitializeEx</c>: attach the host that receives transmitted frames, NBL completions
    /// and status indications. Called once, before any other call except <see cref="Identity"/>.
    /// </summary>
    void Initialize(IMiniportHost host);

    /// <summary>
    /// The offload capabilities as reported at initialization (<c>HardwareOffloadCapabilities</c>)
    /// and as currently configured (<c>DefaultOffloadConfiguration</c>, then
    /// <c>OID_TCP_OFFLOAD_CURRENT_CONFIG</c>), each as <c>NDIS_OFFLOAD</c> bytes, revision 2 or later,
    /// in the miniport's ABI.
    /// </summary>
    MiniportOffloadReport QueryOffload();

    /// <summary>
    /// <c>MiniportOidRequest</c> / <c>MiniportDirectOidRequest</c>: one OID request with its native
    /// information buffer. Output members (e.g. <c>OffloadHandle</c>) come back in the result's buffer.
    /// NDIS outcomes are statuses, never exceptions.
    /// </summary>
    OidResult OidRequest(OidRequest request);

    /// <summary>
    /// <c>MiniportSendNetBufferLists</c>: transmit a chain of NBLs (linked through
    /// <see cref="NetBufferList.Next"/>). Frames go to <see cref="IMiniportHost.Transmit"/>; every NBL
    /// must be completed exactly once through <see cref="IMiniportHost.SendNetBufferListsComplete"/>,
    /// now or later.
    /// </summary>
    void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags);

    /// <summary>
    /// Back to the power-on state: no SAs, default configuration (the adapter protocol's
    /// <c>reset</c>). Returns the status of the reset.
    /// </summary>
    NdisStatus Reset();
}

/// <summary>Name, version and ABI of a miniport (the adapter protocol's <c>hello</c> answer).</summary>
/// <param name="Name">Product or adapter name.</param>
/// <param name="Version">Version text, free form.</param>
/// <param name="Abi">The ABI whose structure layouts OID buffers and capabilities use.</param>
public sealed record MiniportIdentity(string Name, string Version, NdisAbi Abi);

/// <summary>The two <c>NDIS_OFFLOAD</c> structures a miniport reports, as native bytes.</summary>
/// <param name="Hardware">Capabilities as reported at initialization.</param>
/// <param name="Current">The currently configured offloads.</param>
public sealed record MiniportOffloadReport(byte[] Hardware, byte[] Current);

/// <summary>
/// What a miniport calls back into: the wire, <c>NdisMSendNetBufferListsComplete</c> and
/// <c>NdisMIndicateStatusEx</c>. Implementations must be thread-safe: completions may come from any
/// thread.
/// </summary>
public interface IMiniportHost
{
    /// <summary>One frame leaves the NIC (without FCS), sent on behalf of <paramref name="owner"/>.</summary>
    void Transmit(NetBufferList owner, ReadOnlySpan<byte> frame);

    /// <summary>
    /// <c>NdisMSendNetBufferListsComplete</c>: completes a chain of NBLs (linked through
    /// <see cref="NetBufferList.Next"/>), each with its <see cref="NetBufferList.Status"/> set.
    /// </summary>
    void SendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags);

    /// <summary><c>NdisMIndicateStatusEx</c>, e.g. <c>NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG</c> with an <c>NDIS_OFFLOAD</c>.</summary>
    void IndicateStatus(NdisStatus status, ReadOnlySpan<byte> statusBuffer);
}

/// <summary><c>NDIS_SEND_FLAGS_*</c> (ndis.h).</summary>
[Flags]
public enum NdisSendFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>NDIS_SEND_FLAGS_DISPATCH_LEVEL</c>: the caller runs at DISPATCH_LEVEL.</summary>
    DispatchLevel = 0x1,
    /// <summary><c>NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK</c>.</summary>
    CheckForLoopback = 0x2,
}

/// <summary><c>NDIS_SEND_COMPLETE_FLAGS_*</c> (ndis.h).</summary>
[Flags]
public enum NdisSendCompleteFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL</c>.</summary>
    DispatchLevel = 0x1,
}
