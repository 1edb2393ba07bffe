namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// <c>NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO.Transmit</c> (slot 0; spec digest §2.7). Bits
/// 26..31 are not declared: ignored on read, zero on write.
/// </summary>
/// <param name="IsIPv4"><c>IsIPv4</c>, bit 0.</param>
/// <param name="IsIPv6"><c>IsIPv6</c>, bit 1.</param>
/// <param name="TcpChecksum"><c>TcpChecksum</c>, bit 2.</param>
/// <param name="UdpChecksum"><c>UdpChecksum</c>, bit 3.</param>
/// <param name="IpHeaderChecksum"><c>IpHeaderChecksum</c>, bit 4.</param>
/// <param name="TcpHeaderOffset"><c>TcpHeaderOffset</c>, bits 16..25: bytes from the start of the packet (at most 1023).</param>
/// <param name="Reserved"><c>Reserved</c>, bits 5..15 (11 bits, at most 0x7FF).</param>
public readonly record struct TcpIpChecksumTransmit(
    bool IsIPv4, bool IsIPv6, bool TcpChecksum, bool UdpChecksum, bool IpHeaderChecksum,
    uint TcpHeaderOffset, uint Reserved = 0)
    : INetBufferListInfo<TcpIpChecksumTransmit>
{
    //  ULONG IsIPv4:1  IsIPv6:1  TcpChecksum:1  UdpChecksum:1  IpHeaderChecksum:1  Reserved:11  TcpHeaderOffset:10
    //  bit   0         1         2              3              4                   5..15        16..25
    internal const int IsIPv4Bit = 0, IsIPv6Bit = 1, TcpChecksumBit = 2, UdpChecksumBit = 3, IpHeaderChecksumBit = 4;
    internal const int ReservedLo = 5, ReservedWidth = 11, TcpHeaderOffsetLo = 16, TcpHeaderOffsetWidth = 10;

    private const string Name = "NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO.Transmit";

    /// <summary><c>TcpHeaderOffset</c> (bits 16..25); throws <see cref="ArgumentOutOfRangeException"/> above 1023.</summary>
    public uint TcpHeaderOffset { get; } = OobBits.CheckWidth(TcpHeaderOffset, TcpHeaderOffsetWidth, Name + ".TcpHeaderOffset");

    /// <summary><c>Reserved</c> (bits 5..15); throws <see cref="ArgumentOutOfRangeException"/> above 0x7FF.</summary>
    public uint Reserved { get; } = OobBits.CheckWidth(Reserved, ReservedWidth, Name + ".Reserved");

    /// <summary><c>TcpIpChecksumNetBufferListInfo</c> (0).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.TcpIpChecksum;

    /// <inheritdoc/>
    public static TcpIpChecksumTransmit FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new TcpIpChecksumTransmit(
            OobBits.GetFlag(word, IsIPv4Bit),
            OobBits.GetFlag(word, IsIPv6Bit),
            OobBits.GetFlag(word, TcpChecksumBit),
            OobBits.GetFlag(word, UdpChecksumBit),
            OobBits.GetFlag(word, IpHeaderChecksumBit),
            OobBits.Get(word, TcpHeaderOffsetLo, TcpHeaderOffsetWidth),
            OobBits.Get(word, ReservedLo, ReservedWidth));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.PutFlag(IsIPv4, IsIPv4Bit)
        | OobBits.PutFlag(IsIPv6, IsIPv6Bit)
        | OobBits.PutFlag(TcpChecksum, TcpChecksumBit)
        | OobBits.PutFlag(UdpChecksum, UdpChecksumBit)
        | OobBits.PutFlag(IpHeaderChecksum, IpHeaderChecksumBit)
        | OobBits.Put(Reserved, ReservedLo, ReservedWidth)
        | OobBits.Put(TcpHeaderOffset, TcpHeaderOffsetLo, TcpHeaderOffsetWidth);
}

/// <summary>
/// <c>NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO.Receive</c> (slot 0; spec digest §2.7): bits 0..8
/// in declaration order. Bits 9..31 are not declared: ignored on read, zero on write.
/// </summary>
/// <param name="TcpChecksumFailed"><c>TcpChecksumFailed</c>, bit 0.</param>
/// <param name="UdpChecksumFailed"><c>UdpChecksumFailed</c>, bit 1.</param>
/// <param name="IpChecksumFailed"><c>IpChecksumFailed</c>, bit 2.</param>
/// <param name="TcpChecksumSucceeded"><c>TcpChecksumSucceeded</c>, bit 3.</param>
/// <param name="UdpChecksumSucceeded"><c>UdpChecksumSucceeded</c>, bit 4.</param>
/// <param name="IpChecksumSucceeded"><c>IpChecksumSucceeded</c>, bit 5.</param>
/// <param name="Loopback"><c>Loopback</c>, bit 6.</param>
/// <param name="TcpChecksumValueInvalid"><c>TcpChecksumValueInvalid</c>, bit 7 (NDIS 6.30+).</param>
/// <param name="IpChecksumValueInvalid"><c>IpChecksumValueInvalid</c>, bit 8 (NDIS 6.30+).</param>
public readonly record struct TcpIpChecksumReceive(
    bool TcpChecksumFailed, bool UdpChecksumFailed, bool IpChecksumFailed,
    bool TcpChecksumSucceeded, bool UdpChecksumSucceeded, bool IpChecksumSucceeded,
    bool Loopback, bool TcpChecksumValueInvalid = false, bool IpChecksumValueInvalid = false)
    : INetBufferListInfo<TcpIpChecksumReceive>
{
    internal const int TcpChecksumFailedBit = 0, UdpChecksumFailedBit = 1, IpChecksumFailedBit = 2;
    internal const int TcpChecksumSucceededBit = 3, UdpChecksumSucceededBit = 4, IpChecksumSucceededBit = 5;
    internal const int LoopbackBit = 6, TcpChecksumValueInvalidBit = 7, IpChecksumValueInvalidBit = 8;

    private const string Name = "NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO.Receive";

    /// <summary><c>TcpIpChecksumNetBufferListInfo</c> (0).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.TcpIpChecksum;

    /// <inheritdoc/>
    public static TcpIpChecksumReceive FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new TcpIpChecksumReceive(
            OobBits.GetFlag(word, TcpChecksumFailedBit),
            OobBits.GetFlag(word, UdpChecksumFailedBit),
            OobBits.GetFlag(word, IpChecksumFailedBit),
            OobBits.GetFlag(word, TcpChecksumSucceededBit),
            OobBits.GetFlag(word, UdpChecksumSucceededBit),
            OobBits.GetFlag(word, IpChecksumSucceededBit),
            OobBits.GetFlag(word, LoopbackBit),
            OobBits.GetFlag(word, TcpChecksumValueInvalidBit),
            OobBits.GetFlag(word, IpChecksumValueInvalidBit));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.PutFlag(TcpChecksumFailed, TcpChecksumFailedBit)
        | OobBits.PutFlag(UdpChecksumFailed, UdpChecksumFailedBit)
        | OobBits.PutFlag(IpChecksumFailed, IpChecksumFailedBit)
        | OobBits.PutFlag(TcpChecksumSucceeded, TcpChecksumSucceededBit)
        | OobBits.PutFlag(UdpChecksumSucceeded, UdpChecksumSucceededBit)
        | OobBits.PutFlag(IpChecksumSucceeded, IpChecksumSucceededBit)
        | OobBits.PutFlag(Loopback, LoopbackBit)
        | OobBits.PutFlag(TcpChecksumValueInvalid, TcpChecksumValueInvalidBit)
        | OobBits.PutFlag(IpChecksumValueInvalid, IpChecksumValueInvalidBit);
}
