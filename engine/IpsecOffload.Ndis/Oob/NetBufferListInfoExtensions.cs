namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// Typed access to an NBL's OOB slots, the way a driver writes
/// <c>NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo)</c>: the view decides the slot.
/// </summary>
public static class NetBufferListInfoExtensions
{
    /// <summary>Reads the slot of <typeparamref name="T"/> as that view.</summary>
    public static T Get<T>(this NetBufferListInfo info, NdisAbi abi)
        where T : struct, INetBufferListInfo<T>
    {
        ArgumentNullException.ThrowIfNull(info);
        return T.FromSlot(info[T.InfoId], abi);
    }

    /// <summary>Writes <paramref name="value"/> into its slot, packed for <paramref name="abi"/>.</summary>
    public static void Set<T>(this NetBufferListInfo info, T value, NdisAbi abi)
        where T : struct, INetBufferListInfo<T>
    {
        ArgumentNullException.ThrowIfNull(info);
        info[T.InfoId] = value.ToSlot(abi);
    }
}
