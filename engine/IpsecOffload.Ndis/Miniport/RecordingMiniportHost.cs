namespace IpsecOffload.Ndis.Miniport;

/// <summary>
/// An <see cref="IMiniportHost"/> that records every callback in the order it happened: frames with
/// the NBL they belong to, completions with the status and a copy of the OOB slots as the miniport
/// left them, and status indications. Thread-safe. Judging (exactly-once completion, nothing sent
/// after completion) is left to the caller; <see cref="Events"/> holds what is needed.
/// </summary>
public sealed class RecordingMiniportHost : IMiniportHost
{
    private readonly object _gate = new();
    private readonly List<MiniportEvent> _events = [];

    /// <summary>A snapshot of the events so far, in order.</summary>
    public IReadOnlyList<MiniportEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Frames transmitted for <paramref name="nbl"/>, in order.</summary>
    public IReadOnlyList<byte[]> FramesOf(NetBufferList nbl) =>
        [.. Events.OfType<FrameEvent>().Where(e => ReferenceEquals(e.Owner, nbl)).Select(e => e.Frame)];

    /// <summary>The completions recorded for <paramref name="nbl"/> (exactly one when the miniport behaves).</summary>
    public IReadOnlyList<CompletionEvent> CompletionsOf(NetBufferList nbl) =>
        [.. Events.OfType<CompletionEvent>().Where(e => ReferenceEquals(e.NetBufferList, nbl))];

    /// <summary>Forgets everything recorded.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _events.Clear();
        }
    }

    /// <inheritdoc/>
    public void Transmit(NetBufferList owner, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var e = new FrameEvent(owner, frame.ToArray());
        lock (_gate)
        {
            _events.Add(e);
        }
    }

    /// <inheritdoc/>
    public void SendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
    {
        ArgumentNullException.ThrowIfNull(netBufferLists);
        var completed = new List<MiniportEvent>();
        for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
        {
            completed.Add(new CompletionEvent(nbl, nbl.Status, nbl.Info.AsSpan().ToArray(), flags));
        }

        lock (_gate)
        {
            _events.AddRange(completed);
        }
    }

    /// <inheritdoc/>
    public void IndicateStatus(NdisStatus status, ReadOnlySpan<byte> statusBuffer)
    {
        var e = new StatusIndicationEvent(status, statusBuffer.ToArray());
        lock (_gate)
        {
            _events.Add(e);
        }
    }
}

/// <summary>One callback a miniport made to its host.</summary>
public abstract record MiniportEvent;

/// <summary>A transmitted frame (without FCS) and the NBL it was sent for.</summary>
/// <param name="Owner">The NBL the miniport named.</param>
/// <param name="Frame">A copy of the frame bytes.</param>
public sealed record FrameEvent(NetBufferList Owner, byte[] Frame) : MiniportEvent;

/// <summary>One NBL completed.</summary>
/// <param name="NetBufferList">The NBL.</param>
/// <param name="Status">Its <c>Status</c> at completion.</param>
/// <param name="Info">A copy of its OOB slots at completion.</param>
/// <param name="Flags">The completion flags.</param>
public sealed record CompletionEvent(NetBufferList NetBufferList, NdisStatus Status, ulong[] Info, NdisSendCompleteFlags Flags)
    : MiniportEvent;

/// <summary>A status indication.</summary>
/// <param name="Status">The indicated status code.</param>
/// <param name="Buffer">A copy of the status buffer.</param>
public sealed record StatusIndicationEvent(NdisStatus Status, byte[] Buffer) : MiniportEvent;
