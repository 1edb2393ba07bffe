namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.Transmit</c> (slot 12; spec digest §2.5):
/// four 8-bit fields in the low dword. The two offsets count from the first byte of the IP header
/// in 4-byte units (<see cref="AhHeaderOffsetBytes"/>, <see cref="EspHeaderOffsetBytes"/> give bytes).
/// </summary>
/// <param name="NextHeader"><c>NextHeader</c>, bits 0..7: the value for the ESP trailer.</param>
/// <param name="PadLength"><c>PadLength</c>, bits 8..15: ESP pad bytes at the end of the payload.</param>
/// <param name="AhHeaderOffset"><c>AhHeaderOffset</c>, bits 16..23, in 4-byte units.</param>
/// <param name="EspHeaderOffset"><c>EspHeaderOffset</c>, bits 24..31, in 4-byte units.</param>
public readonly record struct IPsecOffloadV2HeaderTransmit(
    byte NextHeader, byte PadLength, byte AhHeaderOffset, byte EspHeaderOffset)
    : INetBufferListInfo<IPsecOffloadV2HeaderTransmit>
{
    //  ULONG NextHeader:8  PadLength:8  AhHeaderOffset:8  EspHeaderOffset:8
    //  bits  0..7          8..15        16..23            24..31
    internal const int NextHeaderLo = 0, PadLengthLo = 8, AhHeaderOffsetLo = 16, EspHeaderOffsetLo = 24, FieldWidth = 8;

    /// <summary>Bytes per offset unit.</summary>
    public const int OffsetUnit = 4;

    /// <summary>Largest representable header offset in bytes: 255 × 4 = 1020.</summary>
    public const int MaxOffsetBytes = byte.MaxValue * OffsetUnit;

    private const string Name = "NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.Transmit";

    /// <summary><c>IPsecOffloadV2HeaderNetBufferListInfo</c> (12).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffloadV2Header;

    /// <summary>The AH header offset in bytes from the start of the IP header (<see cref="AhHeaderOffset"/> × 4).</summary>
    public int AhHeaderOffsetBytes => AhHeaderOffset * OffsetUnit;

    /// <summary>The ESP header offset in bytes from the start of the IP header (<see cref="EspHeaderOffset"/> × 4).</summary>
    public int EspHeaderOffsetBytes => EspHeaderOffset * OffsetUnit;

    /// <summary>
    /// Builds the view from byte offsets. Throws <see cref="ArgumentOutOfRangeException"/> when an
    /// offset is negative, above 1020 or not a multiple of 4.
    /// </summary>
    public static IPsecOffloadV2HeaderTransmit FromByteOffsets(
        byte nextHeader, byte padLength, int ahHeaderOffsetBytes, int espHeaderOffsetBytes) =>
        new(nextHeader, padLength,
            ToUnits(ahHeaderOffsetBytes, nameof(ahHeaderOffsetBytes)),
            ToUnits(espHeaderOffsetBytes, nameof(espHeaderOffsetBytes)));

    /// <inheritdoc/>
    public static IPsecOffloadV2HeaderTransmit FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new IPsecOffloadV2HeaderTransmit(
            (byte)OobBits.Get(word, NextHeaderLo, FieldWidth),
            (byte)OobBits.Get(word, PadLengthLo, FieldWidth),
            (byte)OobBits.Get(word, AhHeaderOffsetLo, FieldWidth),
            (byte)OobBits.Get(word, EspHeaderOffsetLo, FieldWidth));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.Put(NextHeader, NextHeaderLo, FieldWidth)
        | OobBits.Put(PadLength, PadLengthLo, FieldWidth)
        | OobBits.Put(AhHeaderOffset, AhHeaderOffsetLo, FieldWidth)
        | OobBits.Put(EspHeaderOffset, EspHeaderOffsetLo, FieldWidth);

    private static byte ToUnits(int bytes, string parameter)
    {
        if (bytes < 0 || bytes > MaxOffsetBytes || bytes % OffsetUnit != 0)
        {
            throw new ArgumentOutOfRangeException(
                parameter, bytes, $"{Name}: header offset {bytes} bytes must be a multiple of {OffsetUnit} in 0..{MaxOffsetBytes}.");
        }

        return (byte)(bytes / OffsetUnit);
    }
}

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.Receive</c> (slot 12, receive only; spec
/// digest §2.5). Bits 17..31 are not declared: ignored on read, zero on write.
/// </summary>
/// <param name="NextHeader"><c>NextHeader</c>, bits 0..7.</param>
/// <param name="PadLength"><c>PadLength</c>, bits 8..15.</param>
/// <param name="HeaderInfoSet"><c>HeaderInfoSet</c>, bit 16: the other members are valid.</param>
public readonly record struct IPsecOffloadV2HeaderReceive(byte NextHeader, byte PadLength, bool HeaderInfoSet)
    : INetBufferListInfo<IPsecOffloadV2HeaderReceive>
{
    //  ULONG NextHeader:8  PadLength:8  HeaderInfoSet:1
    //  bits  0..7          8..15        16
    internal const int NextHeaderLo = 0, PadLengthLo = 8, FieldWidth = 8, HeaderInfoSetBit = 16;

    private const string Name = "NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.Receive";

    /// <summary><c>IPsecOffloadV2HeaderNetBufferListInfo</c> (12).</summary>
    public static NetBufferListInfoId InfoId => NetBufferListInfoId.IPsecOffloadV2Header;

    /// <inheritdoc/>
    public static IPsecOffloadV2HeaderReceive FromSlot(ulong slot, NdisAbi abi)
    {
        uint word = OobBits.LowDword(slot, abi, Name);
        return new IPsecOffloadV2HeaderReceive(
            (byte)OobBits.Get(word, NextHeaderLo, FieldWidth),
            (byte)OobBits.Get(word, PadLengthLo, FieldWidth),
            OobBits.GetFlag(word, HeaderInfoSetBit));
    }

    /// <inheritdoc/>
    public ulong ToSlot(NdisAbi abi) =>
        OobBits.Put(NextHeader, NextHeaderLo, FieldWidth)
        | OobBits.Put(PadLength, PadLengthLo, FieldWidth)
        | OobBits.PutFlag(HeaderInfoSet, HeaderInfoSetBit);
}
