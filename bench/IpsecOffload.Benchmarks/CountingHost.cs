using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// The wire and NDIS as cheap as they get: counts transmitted frames, their bytes and completed NBL
/// chains, copies nothing and allocates nothing, so the measurement is the miniport's own work.
/// </summary>
public sealed class CountingHost : IMiniportHost
{
    private long _frames;
    private long _frameBytes;
    private long _completions;

    /// <summary>Frames the miniport transmitted.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Bytes of all transmitted frames.</summary>
    public long FrameBytes => Interlocked.Read(ref _frameBytes);

    /// <summary>Calls of <see cref="SendNetBufferListsComplete"/>.</summary>
    public long Completions => Interlocked.Read(ref _completions);

    /// <summary>Length of the last transmitted frame.</summary>
    public int LastFrameLength { get; private set; }

    /// <inheritdoc/>
    public void Transmit(NetBufferList owner, ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _frameBytes, frame.Length);
        LastFrameLength = frame.Length;
    }

    /// <inheritdoc/>
    public void SendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags) =>
        Interlocked.Increment(ref _completions);

    /// <inheritdoc/>
    public void IndicateStatus(NdisStatus status, ReadOnlySpan<byte> statusBuffer)
    {
    }
}
