namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO.Transmit</c> (slot 1; spec digest §2.3): the
/// outbound SA handle, a pointer-sized <c>PVOID</c> (x64 8 bytes, x86 4 bytes).
/// </summary>
/// <param name="OffloadHandle">
/// <c>OffloadHandle</c>: the handle <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA(_EX)</c> returned;
/// zero means no IPsec offload.
/// </param>
public readonly record struct IPsecOffloadV2Transmit(ulong OffloadHandle) : INetBufferListInfo<IPsecOffloadV2Transmit>
{
    private const string Name = "NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO.Transmit";

    /// <summary><c>IPsecOffloadV2NetBufferListInfo</c> (1, the same slot as v1).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffload;

    /// <summary>True when <see cref="OffloadHandle"/> fits a pointer of <paramref name="abi"/>.</summary>
    public bool FitsIn(NdisAbi abi) => OobBits.Fits(OffloadHandle, abi);

    /// <inheritdoc/>
    public static IPsecOffloadV2Transmit FromSlot(ulong slot, NdisAbi abi) => new(OobBits.Handle(slot, abi, Name));

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) => OobBits.HandleSlot(OffloadHandle, abi, Name + ".OffloadHandle");
}

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO.Receive</c> (slot 1, receive only; spec digest
/// §2.3). <c>ULONG</c> bitfields in the low dword; bit-for-bit the same as v1 on little-endian.
/// </summary>
/// <param name="SaDeleteReq"><c>SaDeleteReq</c>, bit 0.</param>
/// <param name="CryptoDone"><c>CryptoDone</c>, bit 1.</param>
/// <param name="NextCryptoDone"><c>NextCryptoDone</c>, bit 2 (transport over tunnel).</param>
/// <param name="CryptoStatus"><c>CryptoStatus</c>, bits 16..31.</param>
/// <param name="Reserved"><c>Reserved</c>, bits 3..15 (13 bits, at most 0x1FFF).</param>
public readonly record struct IPsecOffloadV2Receive(
    bool SaDeleteReq, bool CryptoDone, bool NextCryptoDone, CryptoStatus CryptoStatus, ushort Reserved = 0)
    : INetBufferListInfo<IPsecOffloadV2Receive>
{
    //  ULONG SaDeleteReq:1  CryptoDone:1  NextCryptoDone:1  Reserved:13  CryptoStatus:16
    //  bit   0              1             2                 3..15        16..31
    internal const int SaDeleteReqBit = 0, CryptoDoneBit = 1, NextCryptoDoneBit = 2;
    internal const int ReservedLo = 3, ReservedWidth = 13, CryptoStatusLo = 16, CryptoStatusWidth = 16;

    private const string Name = "NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO.Receive";

    /// <summary><c>Reserved</c> (bits 3..15); throws <see cref="ArgumentOutOfRangeException"/> above 0x1FFF.</summary>
    public ushort Reserved { get; } = (ushort)OobBits.CheckWidth(Reserved, ReservedWidth, Name + ".Reserved");

    /// <summary><c>IPsecOffloadV2NetBufferListInfo</c> (1).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffload;

    /// <inheritdoc/>
    public static IPsecOffloadV2Receive FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new IPsecOffloadV2Receive(
            OobBits.GetFlag(word, SaDeleteReqBit),
            OobBits.GetFlag(word, CryptoDoneBit),
            OobBits.GetFlag(word, NextCryptoDoneBit),
            (CryptoStatus)OobBits.Get(word, CryptoStatusLo, CryptoStatusWidth),
            (ushort)OobBits.Get(word, ReservedLo, ReservedWidth));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.PutFlag(SaDeleteReq, SaDeleteReqBit)
        | OobBits.PutFlag(CryptoDone, CryptoDoneBit)
        | OobBits.PutFlag(NextCryptoDone, NextCryptoDoneBit)
        | OobBits.Put(Reserved, ReservedLo, ReservedWidth)
        | OobBits.Put((ushort)CryptoStatus, CryptoStatusLo, CryptoStatusWidth);
}

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO.Transmit</c> (slot 11, send only; spec
/// digest §2.4): the tunnel SA handle in transport over tunnel, pointer-sized.
/// </summary>
/// <param name="TunnelHandle"><c>NDIS_HANDLE TunnelHandle</c>: an <c>OffloadHandle</c> returned by ADD_SA(_EX).</param>
public readonly record struct IPsecOffloadV2TunnelTransmit(ulong TunnelHandle) : INetBufferListInfo<IPsecOffloadV2TunnelTransmit>
{
    private const string Name = "NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO.Transmit";

    /// <summary><c>IPsecOffloadV2TunnelNetBufferListInfo</c> (11).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffloadV2Tunnel;

    /// <summary>True when <see cref="TunnelHandle"/> fits a pointer of <paramref name="abi"/>.</summary>
    public bool FitsIn(NdisAbi abi) => OobBits.Fits(TunnelHandle, abi);

    /// <inheritdoc/>
    public static IPsecOffloadV2TunnelTransmit FromSlot(ulong slot, NdisAbi abi) => new(OobBits.Handle(slot, abi, Name));

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) => OobBits.HandleSlot(TunnelHandle, abi, Name + ".TunnelHandle");
}
