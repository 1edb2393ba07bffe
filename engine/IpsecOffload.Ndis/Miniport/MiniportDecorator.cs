using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Ndis.Miniport;

/// <summary>
/// Wraps another <see cref="IMiniport"/> so that anyone can intercept its calls in both directions:
/// harness → miniport (override the public virtual methods) and miniport → host (override the
/// <c>On…</c> methods, which see every frame, completion and status indication before the real host
/// does). Used for fault injection (mutants), tracing and transcripts. By default every call passes
/// through unchanged.
/// </summary>
public abstract class MiniportDecorator : IMiniport
{
    private readonly HostProxy _hostProxy;
    private IMiniportHost? _host;

    /// <summary>Wraps <paramref name="inner"/>; the decorator owns it and disposes it.</summary>
    protected MiniportDecorator(IMiniport inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _hostProxy = new HostProxy(this);
    }

    /// <summary>The wrapped miniport.</summary>
    protected IMiniport Inner { get; }

    /// <summary>The real host, once <see cref="Initialize"/> has run.</summary>
    protected IMiniportHost Host => _host ?? throw new InvalidOperationException("Initialize has not been called.");

    /// <inheritdoc/>
    public virtual MiniportIdentity Identity => Inner.Identity;

    /// <inheritdoc/>
    public virtual void Initialize(IMiniportHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        Inner.Initialize(_hostProxy);
    }

    /// <inheritdoc/>
    public virtual MiniportOffloadReport QueryOffload() => Inner.QueryOffload();

    /// <inheritdoc/>
    public virtual OidResult OidRequest(OidRequest request) => Inner.OidRequest(request);

    /// <inheritdoc/>
    public virtual void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags) =>
        Inner.SendNetBufferLists(netBufferLists, flags);

    /// <inheritdoc/>
    public virtual NdisStatus Reset() => Inner.Reset();

    /// <summary>A frame the inner miniport transmits; pass it on with <c>Host.Transmit</c> (or don't).</summary>
    protected virtual void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame) => Host.Transmit(owner, frame);

    /// <summary>A completion from the inner miniport; pass it on with <c>Host.SendNetBufferListsComplete</c>.</summary>
    protected virtual void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags) =>
        Host.SendNetBufferListsComplete(netBufferLists, flags);

    /// <summary>A status indication from the inner miniport; pass it on with <c>Host.IndicateStatus</c>.</summary>
    protected virtual void OnIndicateStatus(NdisStatus status, ReadOnlySpan<byte> statusBuffer) =>
        Host.IndicateStatus(status, statusBuffer);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner miniport.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }
    }

    private sealed class HostProxy(MiniportDecorator owner) : IMiniportHost
    {
        public void Transmit(NetBufferList owner1, ReadOnlySpan<byte> frame) => owner.OnTransmit(owner1, frame);

        public void SendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags) =>
            owner.OnSendNetBufferListsComplete(netBufferLists, flags);

        public void IndicateStatus(NdisStatus status, ReadOnlySpan<byte> statusBuffer) =>
            owner.OnIndicateStatus(status, statusBuffer);
    }
}
