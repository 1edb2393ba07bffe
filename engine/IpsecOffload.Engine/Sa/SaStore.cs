using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Sa;

/// <summary>
/// The NIC's SA table (thread-safe): SA bundles and v1 UDP-ESP parser entries by handle. Handles are
/// non-zero, unique and never reused while the store lives: one counter for both kinds starts at a
/// distinctive value (x64: above 2^32, so a handle truncated to 32 bits is caught; x86: 32 bits) and
/// only grows. <see cref="Capacity"/> (the advertised <c>SaOffloadCapacity</c>) counts bundles;
/// parser entries do not count. Removing or clearing disposes bundles, which zeroes their keys.
/// </summary>
public sealed class SaStore
{
    /// <summary>The first handle on x64 (kernel-pointer-like, high half non-zero).</summary>
    public const ulong FirstHandleX64 = 0xFFFF_A5A5_0000_1010;

    /// <summary>The first handle on x86.</summary>
    public const ulong FirstHandleX86 = 0x8A5A_1010;

    /// <summary>Distance between consecutive handles (pointer-aligned, like pool allocations).</summary>
    public const ulong HandleStep = 0x10;

    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, OffloadedSaBundle> _bundles = [];
    private readonly Dictionary<ulong, UdpEspParserEntry> _parserEntries = [];
    private readonly ulong _lastHandle;
    private ulong _nextHandle;

    /// <summary>An empty store for <paramref name="abi"/> holding at most <paramref name="capacity"/> bundles.</summary>
    public SaStore(uint capacity, NdisAbi abi)
    {
        Capacity = capacity;
        Abi = abi;
        _nextHandle = abi == NdisAbi.X64 ? FirstHandleX64 : FirstHandleX86;
        _lastHandle = abi == NdisAbi.X64 ? ulong.MaxValue : uint.MaxValue;
    }

    /// <summary>Bundles the store holds at most (<c>SaOffloadCapacity</c>).</summary>
    public uint Capacity { get; }

    /// <summary>The ABI whose pointer width bounds the handles.</summary>
    public NdisAbi Abi { get; }

    /// <summary>Bundles stored now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _bundles.Count;
            }
        }
    }

    /// <summary>Parser entries stored now.</summary>
    public int ParserEntryCount
    {
        get
        {
            lock (_lock)
            {
                return _parserEntries.Count;
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="bundle"/> under a new handle (also set on <see cref="OffloadedSaBundle.Handle"/>).
    /// False when the store is full (or the handle space is exhausted); the bundle is then not
    /// stored and stays the caller's.
    /// </summary>
    public bool TryAdd(OffloadedSaBundle bundle, out ulong handle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        lock (_lock)
        {
            if ((uint)_bundles.Count >= Capacity || !TryNextHandle(out handle))
            {
                handle = 0;
                return false;
            }

            bundle.Handle = handle;
            _bundles.Add(handle, bundle);
            return true;
        }
    }

    /// <summary>The bundle named by <paramref name="handle"/>; false for 0, unknown and deleted handles.</summary>
    public bool TryGet(ulong handle, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OffloadedSaBundle? bundle)
    {
        lock (_lock)
        {
            return _bundles.TryGetValue(handle, out bundle);
        }
    }

    /// <summary>Removes and disposes the bundle (its keys are zeroed); false when the handle is unknown.</summary>
    public bool TryRemove(ulong handle)
    {
        OffloadedSaBundle? bundle;
        lock (_lock)
        {
            if (!_bundles.Remove(handle, out bundle))
            {
                return false;
            }
        }

        bundle.Dispose();
        return true;
    }

    /// <summary>Removes the bundle when <paramref name="predicate"/> accepts it (checked under the lock), then disposes it.</summary>
    public bool TryRemove(ulong handle, Func<OffloadedSaBundle, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        OffloadedSaBundle? bundle;
        lock (_lock)
        {
            if (!_bundles.TryGetValue(handle, out bundle) || !predicate(bundle))
            {
                return false;
            }

            _bundles.Remove(handle);
        }

        bundle.Dispose();
        return true;
    }

    /// <summary>A snapshot of the stored bundles.</summary>
    public IReadOnlyList<OffloadedSaBundle> Snapshot()
    {
        lock (_lock)
        {
            return [.. _bundles.Values];
        }
    }

    /// <summary>
    /// The parser entry for <paramref name="entry"/> (same type and port), created under a new handle
    /// when absent. <paramref name="created"/> tells which; false only when the handle space is exhausted.
    /// </summary>
    public bool TryGetOrAddParserEntry(Ndis.Oids.OffloadIpsecUdpEspEncapTypeEntry entry, out UdpEspParserEntry? parserEntry, out bool created)
    {
        lock (_lock)
        {
            parserEntry = _parserEntries.Values.FirstOrDefault(p => p.Entry == entry);
            created = false;
            if (parserEntry is not null)
            {
                return true;
            }

            if (!TryNextHandle(out ulong handle))
            {
                return false;
            }

            parserEntry = new UdpEspParserEntry(handle, entry);
            _parserEntries.Add(handle, parserEntry);
            created = true;
            return true;
        }
    }

    /// <summary>The parser entry named by <paramref name="handle"/>.</summary>
    public bool TryGetParserEntry(ulong handle, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UdpEspParserEntry? parserEntry)
    {
        lock (_lock)
        {
            return _parserEntries.TryGetValue(handle, out parserEntry);
        }
    }

    /// <summary>Removes a parser entry; false when the handle is unknown.</summary>
    public bool TryRemoveParserEntry(ulong handle)
    {
        lock (_lock)
        {
            return _parserEntries.Remove(handle);
        }
    }

    /// <summary>
    /// Removes and disposes every bundle and parser entry (halt; the NIC deletes its SAs before it is
    /// removed, spec digest §3.3). The handle counter keeps growing: old handles stay invalid.
    /// </summary>
    public void Clear()
    {
        OffloadedSaBundle[] bundles;
        lock (_lock)
        {
            bundles = [.. _bundles.Values];
            _bundles.Clear();
            _parserEntries.Clear();
        }

        foreach (OffloadedSaBundle bundle in bundles)
        {
            bundle.Dispose();
        }
    }

    private bool TryNextHandle(out ulong handle)
    {
        handle = _nextHandle;
        if (handle == 0 || handle > _lastHandle)
        {
            handle = 0;
            return false;
        }

        // Past the last value the counter parks at 0 (never wraps back to old handles).
        _nextHandle = _lastHandle - handle < HandleStep ? 0 : handle + HandleStep;
        return true;
    }
}
