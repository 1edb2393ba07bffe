namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO.Transmit</c> (slot 1; spec digest §2.2):
/// the outbound SA handle, pointer-sized (x64 8 bytes, x86 4 bytes).
/// </summary>
/// <param name="OffloadHandle">
/// <c>NDIS_HANDLE OffloadHandle</c>: the handle the miniport returned in
/// <c>OFFLOAD_IPSEC_ADD_SA.OffloadHandle</c>; zero means no IPsec offload.
/// </param>
public readonly record struct IPsecOffloadV1Transmit(ulong OffloadHandle) : INetBufferListInfo<IPsecOffloadV1Transmit>
{
    private const string Name = "NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO.Transmit";

    /// <summary><c>IPsecOffloadV1NetBufferListInfo</c> (1).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffload;

    /// <summary>True when <see cref="OffloadHandle"/> fits a pointer of <paramref name="abi"/>.</summary>
    public bool FitsIn(NdisAbi abi) => OobBits.Fits(OffloadHandle, abi);

    /// <inheritdoc/>
    public static IPsecOffloadV1Transmit FromSlot(ulong slot, NdisAbi abi) => new(OobBits.Handle(slot, abi, Name));

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) => OobBits.HandleSlot(OffloadHandle, abi, Name + ".OffloadHandle");
}

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO.Receive</c> (slot 1, receive only; spec digest
/// §2.2). Two <c>USHORT</c>s in the low dword of the slot.
/// </summary>
/// <param name="SaDeleteReq"><c>SaDeleteReq</c>, bit 0.</param>
/// <param name="CryptoDone"><c>CryptoDone</c>, bit 1.</param>
/// <param name="NextCryptoDone"><c>NextCryptoDone</c>, bit 2.</param>
/// <param name="CryptoStatus"><c>CryptoStatus</c>, the second <c>USHORT</c>: bits 16..31.</param>
/// <param name="Pad"><c>Pad</c>, bits 3..15, reserved for NDIS (13 bits, at most 0x1FFF).</param>
public readonly record struct IPsecOffloadV1Receive(
    bool SaDeleteReq, bool CryptoDone, bool NextCryptoDone, CryptoStatus CryptoStatus, ushort Pad = 0)
    : INetBufferListInfo<IPsecOffloadV1Receive>
{
    //  USHORT SaDeleteReq:1  CryptoDone:1  NextCryptoDone:1  Pad:13 | USHORT CryptoStatus
    //  bit 0                 1             2                 3..15  | 16..31 of the low dword
    internal const int SaDeleteReqBit = 0, CryptoDoneBit = 1, NextCryptoDoneBit = 2;
    internal const int PadLo = 3, PadWidth = 13, CryptoStatusLo = 16, CryptoStatusWidth = 16;

    private const string Name = "NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO.Receive";

    /// <summary><c>Pad</c> (bits 3..15); throws <see cref="ArgumentOutOfRangeException"/> above 0x1FFF.</summary>
    public ushort Pad { get; } = (ushort)OobBits.CheckWidth(Pad, PadWidth, Name + ".Pad");

    /// <summary><c>IPsecOffloadV1NetBufferListInfo</c> (1).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffload;

    /// <inheritdoc/>
    public static IPsecOffloadV1Receive FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new IPsecOffloadV1Receive(
            OobBits.GetFlag(word, SaDeleteReqBit),
            OobBits.GetFlag(word, CryptoDoneBit),
            OobBits.GetFlag(word, NextCryptoDoneBit),
            (CryptoStatus)OobBits.Get(word, CryptoStatusLo, CryptoStatusWidth),
            (ushort)OobBits.Get(word, PadLo, PadWidth));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.PutFlag(SaDeleteReq, SaDeleteReqBit)
        | OobBits.PutFlag(CryptoDone, CryptoDoneBit)
        | OobBits.PutFlag(NextCryptoDone, NextCryptoDoneBit)
        | OobBits.Put(Pad, PadLo, PadWidth)
        | OobBits.Put((ushort)CryptoStatus, CryptoStatusLo, CryptoStatusWidth);
}
