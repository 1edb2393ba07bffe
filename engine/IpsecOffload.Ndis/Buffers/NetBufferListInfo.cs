using System.Globalization;

namespace IpsecOffload.Ndis;

/// <summary>
/// The <c>NET_BUFFER_LIST.NetBufferListInfo</c> array: pointer-sized OOB slots, each modelled as a
/// full 64-bit value and read or written with <c>NET_BUFFER_LIST_INFO(nbl, id)</c> semantics
/// (spec digest §2.0). All slots start at zero. Typed views of the IPsec, LSO and checksum
/// structures stored in a slot are built on top of this raw access.
/// </summary>
/// <remarks>
/// Whether the upper 32 bits of a slot exist is the ABI's business (x86 slots are 32 bits wide);
/// this model keeps all 64 and leaves truncation to the code that packs for a given
/// <see cref="NdisAbi"/>.
/// </remarks>
public sealed class NetBufferListInfo
{
    /// <summary>
    /// Number of slots (<c>MaxNetBufferListInfo</c>). Indices 0–17 mean the same on x86 and x64;
    /// the headers' own value has grown with NDIS versions (recent x64 headers define it in the high
    /// 20s), so the model keeps a round number above all of them.
    /// </summary>
    public const int MaxNetBufferListInfo = 32;

    private readonly ulong[] _slots = new ulong[MaxNetBufferListInfo];

    /// <summary>The value of the slot <paramref name="id"/> (<c>NET_BUFFER_LIST_INFO(nbl, id)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside 0..<see cref="MaxNetBufferListInfo"/> - 1.</exception>
    public ulong this[NetBufferListInfoId id]
    {
        get => _slots[CheckIndex((int)id)];
        set => _slots[CheckIndex((int)id)] = value;
    }

    /// <summary>The value of the slot at <paramref name="index"/>, for slots without a <see cref="NetBufferListInfoId"/> name.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..<see cref="MaxNetBufferListInfo"/> - 1.</exception>
    public ulong this[int index]
    {
        get => _slots[CheckIndex(index)];
        set => _slots[CheckIndex(index)] = value;
    }

    /// <summary>All slots as a span over the live storage (writes change the slots).</summary>
    public Span<ulong> AsSpan() => _slots;

    /// <summary>Sets every slot to zero.</summary>
    public void Clear() => Array.Clear(_slots);

    /// <summary>Copies every slot from <paramref name="source"/> (as a driver copies OOB data into a clone).</summary>
    public void CopyFrom(NetBufferListInfo source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source._slots.CopyTo(_slots, 0);
    }

    private static int CheckIndex(int index)
    {
        if (index < 0 || index >= MaxNetBufferListInfo)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                string.Create(CultureInfo.InvariantCulture,
                    $"NetBufferListInfo slot {index} does not exist; slots are 0..{MaxNetBufferListInfo - 1}."));
        }

        return index;
    }
}
