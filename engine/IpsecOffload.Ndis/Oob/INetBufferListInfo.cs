namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// A typed view of one <c>NET_BUFFER_LIST.NetBufferListInfo[]</c> slot. The OOB structures are
/// stored by value inside the pointer-sized slot (spec digest §2.0), so a view packs to and
/// unpacks from the slot's integer value: all 64 bits on x64, the low 32 bits on x86.
/// </summary>
/// <typeparam name="TSelf">The implementing view.</typeparam>
public interface INetBufferListInfo<TSelf>
    where TSelf : struct, INetBufferListInfo<TSelf>
{
    /// <summary>The slot index (<c>NDIS_NET_BUFFER_LIST_INFO</c>) this structure lives in.</summary>
    static abstract NetBufferListInfoId InfoId { get; }

    /// <summary>
    /// Unpacks a view from a slot value. On x86 a slot holds 32 bits: a value of 2^32 or more
    /// throws <see cref="ArgumentOutOfRangeException"/>. Views of 32-bit bitfield structures read
    /// only the low 32 bits and ignore the upper half of an x64 slot (spec digest §2.0, Inferred).
    /// </summary>
    static abstract TSelf FromSlot(ulong slot, NdisAbi abi);

    /// <summary>
    /// Packs the view into a slot value. Views of 32-bit bitfield structures fill the low 32 bits
    /// and leave the upper 32 bits zero; handle views use the whole pointer and throw
    /// <see cref="ArgumentOutOfRangeException"/> on x86 for a handle of 2^32 or more.
    /// </summary>
    ulong ToSlot(NdisAbi abi);
}
