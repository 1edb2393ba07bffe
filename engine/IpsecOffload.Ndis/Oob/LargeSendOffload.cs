namespace IpsecOffload.Ndis.Oob;

/// <summary>The <c>Type</c> bit (30) of the LSO OOB info (ndis.h; spec digest §2.6).</summary>
public enum LargeSendOffloadType : byte
{
    /// <summary><c>NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE</c> (0).</summary>
    V1 = 0,
    /// <summary><c>NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE</c> (1).</summary>
    V2 = 1,
}

/// <summary>The <c>LsoV2Transmit.IPVersion</c> bit (31) (ndis.h; spec digest §2.6).</summary>
public enum LargeSendOffloadIPVersion : byte
{
    /// <summary><c>NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4</c> (0).</summary>
    IPv4 = 0,
    /// <summary><c>NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6</c> (1).</summary>
    IPv6 = 1,
}

/// <summary>Limits of the LSO OOB info and of LSO packets (ndis.h; spec digest §2.6).</summary>
public static class LargeSendOffloadLimits
{
    /// <summary>
    /// <c>NDIS_LARGE_SEND_OFFLOAD_MAX_HEADER_LENGTH</c>: MAC + IP (with options or extension
    /// headers) + TCP (with options); the stack does not use LSO for longer headers.
    /// </summary>
    public const int MaxHeaderLength = 128;

    /// <summary>Largest <c>MSS</c> (20 bits): 2^20 − 1.</summary>
    public const uint MaxMss = 0x000F_FFFF;

    /// <summary>Largest <c>TcpHeaderOffset</c> (10 bits): 1023.</summary>
    public const uint MaxTcpHeaderOffset = 0x3FF;

    /// <summary>Largest <c>TcpPayload</c> (30 bits): 2^30 − 1.</summary>
    public const uint MaxTcpPayload = 0x3FFF_FFFF;
}

/// <summary>
/// Bit positions of <c>NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO</c> (slot 2):
/// <code>
///  LsoV1Transmit / LsoV2Transmit:      MSS:20 (0..19)  TcpHeaderOffset:10 (20..29)  Type:1 (30)  Reserved2 / IPVersion:1 (31)
///  LsoV1TransmitComplete:              TcpPayload:30 (0..29)                        Type:1 (30)  Reserved2:1 (31)
///  LsoV2TransmitComplete:              Reserved:30 (0..29)                          Type:1 (30)  Reserved2:1 (31)
/// </code>
/// </summary>
internal static class LsoBits
{
    public const int MssLo = 0, MssWidth = 20, TcpHeaderOffsetLo = 20, TcpHeaderOffsetWidth = 10;
    public const int PayloadLo = 0, PayloadWidth = 30, TypeLo = 30, TypeWidth = 1, TopBit = 31;

    public static LargeSendOffloadType CheckType(LargeSendOffloadType type, string member) =>
        (LargeSendOffloadType)OobBits.CheckWidth((byte)type, TypeWidth, member);

    public static LargeSendOffloadType ReadType(uint word) => (LargeSendOffloadType)OobBits.Get(word, TypeLo, TypeWidth);

    public static uint PutType(LargeSendOffloadType type) => OobBits.Put((byte)type, TypeLo, TypeWidth);
}

/// <summary>
/// <c>NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV1Transmit</c> (slot 2; spec digest §2.6).
/// Out-of-range values throw <see cref="ArgumentOutOfRangeException"/>.
/// </summary>
/// <param name="Mss"><c>MSS</c>, bits 0..19 (at most 2^20 − 1).</param>
/// <param name="TcpHeaderOffset"><c>TcpHeaderOffset</c>, bits 20..29: bytes from the start of the frame (at most 1023).</param>
/// <param name="Type"><c>Type</c>, bit 30 (<see cref="LargeSendOffloadType.V1"/> for LSOv1).</param>
/// <param name="Reserved2"><c>Reserved2</c>, bit 31.</param>
public readonly record struct LsoV1Transmit(
    uint Mss, uint TcpHeaderOffset, LargeSendOffloadType Type = LargeSendOffloadType.V1, bool Reserved2 = false)
    : INetBufferListInfo<LsoV1Transmit>
{
    private const string Name = "NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV1Transmit";

    /// <summary><c>MSS</c> (bits 0..19).</summary>
    public uint Mss { get; } = OobBits.CheckWidth(Mss, LsoBits.MssWidth, Name + ".MSS");

    /// <summary><c>TcpHeaderOffset</c> (bits 20..29).</summary>
    public uint TcpHeaderOffset { get; } = OobBits.CheckWidth(TcpHeaderOffset, LsoBits.TcpHeaderOffsetWidth, Name + ".TcpHeaderOffset");

    /// <summary><c>Type</c> (bit 30).</summary>
    public LargeSendOffloadType Type { get; } = LsoBits.CheckType(Type, Name + ".Type");

    /// <summary><c>TcpLargeSendNetBufferListInfo</c> (2).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.TcpLargeSend;

    /// <inheritdoc/>
    public static LsoV1Transmit FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new LsoV1Transmit(
            OobBits.Get(word, LsoBits.MssLo, LsoBits.MssWidth),
            OobBits.Get(word, LsoBits.TcpHeaderOffsetLo, LsoBits.TcpHeaderOffsetWidth),
            LsoBits.ReadType(word),
            OobBits.GetFlag(word, LsoBits.TopBit));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.Put(Mss, LsoBits.MssLo, LsoBits.MssWidth)
        | OobBits.Put(TcpHeaderOffset, LsoBits.TcpHeaderOffsetLo, LsoBits.TcpHeaderOffsetWidth)
        | LsoBits.PutType(Type)
        | OobBits.PutFlag(Reserved2, LsoBits.TopBit);
}

/// <summary>
/// <c>NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV1TransmitComplete</c> (slot 2; spec
/// digest §2.6): the miniport writes the TCP payload bytes it sent, leaving <c>Type</c> unchanged.
/// </summary>
/// <param name="TcpPayload"><c>TcpPayload</c>, bits 0..29 (at most 2^30 − 1).</param>
/// <param name="Type"><c>Type</c>, bit 30.</param>
/// <param name="Reserved2"><c>Reserved2</c>, bit 31.</param>
public readonly record struct LsoV1TransmitComplete(
    uint TcpPayload, LargeSendOffloadType Type = LargeSendOffloadType.V1, bool Reserved2 = false)
    : INetBufferListInfo<LsoV1TransmitComplete>
{
    private const string Name = "NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV1TransmitComplete";

    /// <summary><c>TcpPayload</c> (bits 0..29).</summary>
    public uint TcpPayload { get; } = OobBits.CheckWidth(TcpPayload, LsoBits.PayloadWidth, Name + ".TcpPayload");

    /// <summary><c>Type</c> (bit 30).</summary>
    public LargeSendOffloadType Type { get; } = LsoBits.CheckType(Type, Name + ".Type");

    /// <summary><c>TcpLargeSendNetBufferListInfo</c> (2).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.TcpLargeSend;

    /// <inheritdoc/>
    public static LsoV1TransmitComplete FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new LsoV1TransmitComplete(
            OobBits.Get(word, LsoBits.PayloadLo, LsoBits.PayloadWidth),
            LsoBits.ReadType(word),
            OobBits.GetFlag(word, LsoBits.TopBit));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.Put(TcpPayload, LsoBits.PayloadLo, LsoBits.PayloadWidth)
        | LsoBits.PutType(Type)
        | OobBits.PutFlag(Reserved2, LsoBits.TopBit);
}

/// <summary>
/// <c>NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV2Transmit</c> (slot 2; spec digest §2.6).
/// Out-of-range values throw <see cref="ArgumentOutOfRangeException"/>.
/// </summary>
/// <param name="Mss"><c>MSS</c>, bits 0..19 (at most 2^20 − 1).</param>
/// <param name="TcpHeaderOffset"><c>TcpHeaderOffset</c>, bits 20..29: bytes from the start of the frame (at most 1023).</param>
/// <param name="IPVersion"><c>IPVersion</c>, bit 31.</param>
/// <param name="Type"><c>Type</c>, bit 30 (<see cref="LargeSendOffloadType.V2"/> for LSOv2).</param>
public readonly record struct LsoV2Transmit(
    uint Mss, uint TcpHeaderOffset, LargeSendOffloadIPVersion IPVersion, LargeSendOffloadType Type = LargeSendOffloadType.V2)
    : INetBufferListInfo<LsoV2Transmit>
{
    private const string Name = "NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV2Transmit";

    /// <summary><c>MSS</c> (bits 0..19).</summary>
    public uint Mss { get; } = OobBits.CheckWidth(Mss, LsoBits.MssWidth, Name + ".MSS");

    /// <summary><c>TcpHeaderOffset</c> (bits 20..29).</summary>
    public uint TcpHeaderOffset { get; } = OobBits.CheckWidth(TcpHeaderOffset, LsoBits.TcpHeaderOffsetWidth, Name + ".TcpHeaderOffset");

    /// <summary><c>IPVersion</c> (bit 31).</summary>
    public LargeSendOffloadIPVersion IPVersion { get; } =
        (LargeSendOffloadIPVersion)OobBits.CheckWidth((byte)IPVersion, 1, Name + ".IPVersion");

    /// <summary><c>Type</c> (bit 30).</summary>
    public LargeSendOffloadType Type { get; } = LsoBits.CheckType(Type, Name + ".Type");

    /// <summary><c>TcpLargeSendNetBufferListInfo</c> (2).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.TcpLargeSend;

    /// <inheritdoc/>
    public static LsoV2Transmit FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new LsoV2Transmit(
            OobBits.Get(word, LsoBits.MssLo, LsoBits.MssWidth),
            OobBits.Get(word, LsoBits.TcpHeaderOffsetLo, LsoBits.TcpHeaderOffsetWidth),
            (LargeSendOffloadIPVersion)OobBits.Get(word, LsoBits.TopBit, 1),
            LsoBits.ReadType(word));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.Put(Mss, LsoBits.MssLo, LsoBits.MssWidth)
        | OobBits.Put(TcpHeaderOffset, LsoBits.TcpHeaderOffsetLo, LsoBits.TcpHeaderOffsetWidth)
        | LsoBits.PutType(Type)
        | OobBits.Put((byte)IPVersion, LsoBits.TopBit, 1);
}

/// <summary>
/// <c>NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV2TransmitComplete</c> (slot 2; spec
/// digest §2.6): on completion the miniport sets <c>Reserved</c> = 0 and <c>Type</c> = V2.
/// </summary>
/// <param name="Reserved"><c>Reserved</c>, bits 0..29 (at most 2^30 − 1).</param>
/// <param name="Type"><c>Type</c>, bit 30.</param>
/// <param name="Reserved2"><c>Reserved2</c>, bit 31.</param>
public readonly record struct LsoV2TransmitComplete(
    uint Reserved = 0, LargeSendOffloadType Type = LargeSendOffloadType.V2, bool Reserved2 = false)
    : INetBufferListInfo<LsoV2TransmitComplete>
{
    private const string Name = "NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV2TransmitComplete";

    /// <summary><c>Reserved</c> (bits 0..29).</summary>
    public uint Reserved { get; } = OobBits.CheckWidth(Reserved, LsoBits.PayloadWidth, Name + ".Reserved");

    /// <summary><c>Type</c> (bit 30).</summary>
    public LargeSendOffloadType Type { get; } = LsoBits.CheckType(Type, Name + ".Type");

    /// <summary><c>TcpLargeSendNetBufferListInfo</c> (2).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.TcpLargeSend;

    /// <inheritdoc/>
    public static LsoV2TransmitComplete FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new LsoV2TransmitComplete(
            OobBits.Get(word, LsoBits.PayloadLo, LsoBits.PayloadWidth),
            LsoBits.ReadType(word),
            OobBits.GetFlag(word, LsoBits.TopBit));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.Put(Reserved, LsoBits.PayloadLo, LsoBits.PayloadWidth)
        | LsoBits.PutType(Type)
        | OobBits.PutFlag(Reserved2, LsoBits.TopBit);
}
