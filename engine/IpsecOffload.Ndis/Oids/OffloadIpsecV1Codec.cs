namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// Offsets of the ABI-dependent tail of <c>OFFLOAD_IPSEC_ADD_SA</c> / <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c>
/// (spec digest §3.2). The members before <c>OffloadHandle</c> are at the same offsets on both ABIs
/// (<see cref="OffloadIpsecV1Codec"/> constants).
/// </summary>
/// <param name="OffloadHandle">Offset of <c>OffloadHandle</c>.</param>
/// <param name="EncapTypeEntry">Offset of <c>EncapTypeEntry</c> (UDP-ESP only, else -1).</param>
/// <param name="EncapTypeEntryOffldHandle">Offset of <c>EncapTypeEntryOffldHandle</c> (UDP-ESP only, else -1).</param>
/// <param name="KeyLen">Offset of <c>KeyLen</c>.</param>
/// <param name="KeyMat">Offset of <c>KeyMat</c>: the end of the fixed part.</param>
/// <param name="Size"><c>sizeof</c> the structure (with <c>KeyMat[1]</c> and tail padding).</param>
public sealed record OffloadIpsecV1AddLayout(int OffloadHandle, int EncapTypeEntry, int EncapTypeEntryOffldHandle, int KeyLen, int KeyMat, int Size)
{
    //                   x86  x64
    // OffloadHandle     168  168   HANDLE
    // KeyLen            172  176   ULONG
    // KeyMat            176  180   UCHAR[1]          sizeof 180 / 184
    private static readonly OffloadIpsecV1AddLayout AddSaX86 = new(168, -1, -1, 172, 176, 180);
    private static readonly OffloadIpsecV1AddLayout AddSaX64 = new(168, -1, -1, 176, 180, 184);

    //                          x86  x64
    // OffloadHandle            168  168   HANDLE
    // EncapTypeEntry           172  176   8 bytes
    // EncapTypeEntryOffldHandle 180 184   HANDLE
    // KeyLen                   184  192   ULONG
    // KeyMat                   188  196   UCHAR[1]   sizeof 192 / 200
    private static readonly OffloadIpsecV1AddLayout UdpEspX86 = new(168, 172, 180, 184, 188, 192);
    private static readonly OffloadIpsecV1AddLayout UdpEspX64 = new(168, 176, 184, 192, 196, 200);

    /// <summary>The <c>OFFLOAD_IPSEC_ADD_SA</c> layout for <paramref name="abi"/>.</summary>
    public static OffloadIpsecV1AddLayout AddSa(NdisAbi abi) => abi == NdisAbi.X64 ? AddSaX64 : AddSaX86;

    /// <summary>The <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> layout for <paramref name="abi"/>.</summary>
    public static OffloadIpsecV1AddLayout AddUdpEspSa(NdisAbi abi) => abi == NdisAbi.X64 ? UdpEspX64 : UdpEspX86;
}

/// <summary>
/// Codecs of the IPsec offload v1 SA structures (ntddndis.h; spec digest §3): encode typed → exact
/// native bytes for one ABI, decode bytes → typed with validation (never throwing for bad input), and
/// the miniport's in-place write-back of output handles.
/// </summary>
public static class OffloadIpsecV1Codec
{
    /// <summary><c>OFFLOAD_MAX_SAS</c>.</summary>
    public const int MaxSas = 3;

    // OFFLOAD_IPSEC_ADD_SA / OFFLOAD_IPSEC_ADD_UDPESP_SA, both ABIs (spec digest §3.2):
    //   +0 SrcAddr  +4 SrcMask  +8 DestAddr  +12 DestMask  +16 Protocol  +20 SrcPort  +22 DestPort
    //   +24 SrcTunnelAddr  +28 DestTunnelAddr  +32 USHORT Flags  +34 SHORT NumSAs  +36 SecAssoc[3] (44 each)
    // Addresses, masks and ports are network byte order (AMB-19, big-endian); Protocol, Flags, NumSAs
    // and everything else is little-endian.
    /// <summary>Offset of <c>SrcAddr</c>.</summary>
    public const int SrcAddrOffset = 0;
    /// <summary>Offset of <c>SrcMask</c>.</summary>
    public const int SrcMaskOffset = 4;
    /// <summary>Offset of <c>DestAddr</c>.</summary>
    public const int DestAddrOffset = 8;
    /// <summary>Offset of <c>DestMask</c>.</summary>
    public const int DestMaskOffset = 12;
    /// <summary>Offset of <c>Protocol</c>.</summary>
    public const int ProtocolOffset = 16;
    /// <summary>Offset of <c>SrcPort</c>.</summary>
    public const int SrcPortOffset = 20;
    /// <summary>Offset of <c>DestPort</c>.</summary>
    public const int DestPortOffset = 22;
    /// <summary>Offset of <c>SrcTunnelAddr</c>.</summary>
    public const int SrcTunnelAddrOffset = 24;
    /// <summary>Offset of <c>DestTunnelAddr</c>.</summary>
    public const int DestTunnelAddrOffset = 28;
    /// <summary>Offset of <c>Flags</c>.</summary>
    public const int FlagsOffset = 32;
    /// <summary>Offset of <c>NumSAs</c>.</summary>
    public const int NumSasOffset = 34;
    /// <summary>Offset of <c>SecAssoc[0]</c>.</summary>
    public const int SecAssocOffset = 36;

    // OFFLOAD_SECURITY_ASSOCIATION (44): +0 Operation +4 SPI +8 IntegrityAlgo +20 ConfAlgo +32 Reserved
    // SPI is network byte order (AMB-19); the other members are little-endian.
    // OFFLOAD_ALGO_INFO (12): +0 algoIdentifier +4 algoKeylen +8 algoRounds
    /// <summary><c>sizeof(OFFLOAD_SECURITY_ASSOCIATION)</c>.</summary>
    public const int SecurityAssociationSize = 44;
    /// <summary>Offset of <c>Operation</c> in an SA entry.</summary>
    public const int SaOperationOffset = 0;
    /// <summary>Offset of <c>SPI</c> in an SA entry.</summary>
    public const int SaSpiOffset = 4;
    /// <summary>Offset of <c>IntegrityAlgo</c> in an SA entry.</summary>
    public const int SaIntegrityAlgoOffset = 8;
    /// <summary>Offset of <c>ConfAlgo</c> in an SA entry.</summary>
    public const int SaConfAlgoOffset = 20;
    /// <summary>Offset of <c>Reserved</c> in an SA entry.</summary>
    public const int SaReservedOffset = 32;
    /// <summary><c>sizeof(OFFLOAD_ALGO_INFO)</c>.</summary>
    public const int AlgoInfoSize = 12;
    /// <summary>Offset of <c>algoIdentifier</c>.</summary>
    public const int AlgoIdentifierOffset = 0;
    /// <summary>Offset of <c>algoKeylen</c>.</summary>
    public const int AlgoKeylenOffset = 4;
    /// <summary>Offset of <c>algoRounds</c>.</summary>
    public const int AlgoRoundsOffset = 8;

    // OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY (8): +0 UDP_ENCAP_TYPE UdpEncapType +4 USHORT DstEncapPort (+6 pad)
    // DstEncapPort is network byte order (AMB-19): 4500 is stored as 11 94.
    /// <summary><c>sizeof(OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY)</c>.</summary>
    public const int EncapTypeEntrySize = 8;
    /// <summary>Offset of <c>DstEncapPort</c> in the encapsulation entry.</summary>
    public const int DstEncapPortOffset = 4;

    private const string AddSaName = "OFFLOAD_IPSEC_ADD_SA";
    private const string UdpEspName = "OFFLOAD_IPSEC_ADD_UDPESP_SA";
    private const ushort DefinedFlags = (ushort)(OffloadSaFlags.Inbound | OffloadSaFlags.Outbound);

    /// <summary><c>sizeof(OFFLOAD_IPSEC_DELETE_SA)</c>: one HANDLE.</summary>
    public static int DeleteSaSize(NdisAbi abi) => abi.PointerSize();

    /// <summary><c>sizeof(OFFLOAD_IPSEC_DELETE_UDPESP_SA)</c>: two HANDLEs.</summary>
    public static int DeleteUdpEspSaSize(NdisAbi abi) => 2 * abi.PointerSize();

    /// <summary>
    /// Encodes an <c>OFFLOAD_IPSEC_ADD_SA</c>: <c>max(sizeof, KeyMat + KeyLen)</c> bytes, unused
    /// <c>SecAssoc</c> entries and padding zero. Throws when more than 3 SAs are given or a handle
    /// does not fit the ABI; any other value is written as given (to build malformed requests too).
    /// </summary>
    public static byte[] EncodeAddSa(OffloadIpsecAddSa sa, NdisAbi abi)
    {
        ArgumentNullException.ThrowIfNull(sa);
        var layout = OffloadIpsecV1AddLayout.AddSa(abi);
        byte[] buffer = NewAddBuffer(layout, sa.KeyMat);
        WriteCommon(buffer, sa.Filter, sa.Flags, sa.SecAssoc);
        NativeFields.WritePointer(buffer.AsSpan(layout.OffloadHandle), abi, sa.OffloadHandle, nameof(sa.OffloadHandle));
        WriteKeys(buffer, layout, sa.KeyMat);
        return buffer;
    }

    /// <summary>Encodes an <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> (same rules as <see cref="EncodeAddSa"/>).</summary>
    public static byte[] EncodeAddUdpEspSa(OffloadIpsecAddUdpEspSa sa, NdisAbi abi)
    {
        ArgumentNullException.ThrowIfNull(sa);
        var layout = OffloadIpsecV1AddLayout.AddUdpEspSa(abi);
        byte[] buffer = NewAddBuffer(layout, sa.KeyMat);
        WriteCommon(buffer, sa.Filter, sa.Flags, sa.SecAssoc);
        NativeFields.WritePointer(buffer.AsSpan(layout.OffloadHandle), abi, sa.OffloadHandle, nameof(sa.OffloadHandle));
        NativeFields.WriteULong(buffer, layout.EncapTypeEntry, (uint)sa.EncapTypeEntry.UdpEncapType);
        NativeFields.WriteNetworkUShort(buffer, layout.EncapTypeEntry + DstEncapPortOffset, sa.EncapTypeEntry.DstEncapPort);
        NativeFields.WritePointer(buffer.AsSpan(layout.EncapTypeEntryOffldHandle), abi, sa.EncapTypeEntryOffldHandle, nameof(sa.EncapTypeEntryOffldHandle));
        WriteKeys(buffer, layout, sa.KeyMat);
        return buffer;
    }

    /// <summary>Encodes an <c>OFFLOAD_IPSEC_DELETE_SA</c> (4 / 8 bytes).</summary>
    public static byte[] EncodeDeleteSa(OffloadIpsecDeleteSa sa, NdisAbi abi)
    {
        byte[] buffer = new byte[DeleteSaSize(abi)];
        NativeFields.WritePointer(buffer, abi, sa.OffloadHandle, nameof(sa.OffloadHandle));
        return buffer;
    }

    /// <summary>Encodes an <c>OFFLOAD_IPSEC_DELETE_UDPESP_SA</c> (8 / 16 bytes).</summary>
    public static byte[] EncodeDeleteUdpEspSa(OffloadIpsecDeleteUdpEspSa sa, NdisAbi abi)
    {
        byte[] buffer = new byte[DeleteUdpEspSaSize(abi)];
        NativeFields.WritePointer(buffer, abi, sa.OffloadHandle, nameof(sa.OffloadHandle));
        NativeFields.WritePointer(buffer.AsSpan(abi.PointerSize()), abi, sa.EncapTypeEntryOffldHandle, nameof(sa.EncapTypeEntryOffldHandle));
        return buffer;
    }

    /// <summary>
    /// Decodes and validates an <c>OFFLOAD_IPSEC_ADD_SA</c>: fixed part present (INVALID_LENGTH),
    /// <c>Flags</c> without undefined bits, <c>NumSAs</c> in 1..3, each used entry with a defined
    /// <c>Operation</c> and algorithm identifiers (INVALID_DATA), <c>KeyLen</c> bytes inside the buffer
    /// (INVALID_LENGTH with bytes needed), and the used <c>algoKeylen</c>s adding up to at most
    /// <c>KeyLen</c> (INVALID_DATA). Entries beyond <c>NumSAs</c> are ignored.
    /// </summary>
    public static OidDecodeResult<OffloadIpsecAddSa> DecodeAddSa(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = OffloadIpsecV1AddLayout.AddSa(abi);
        if (ReadCommon(buffer, abi, layout, AddSaName, out var common, out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(new OffloadIpsecAddSa(common.Filter, common.Flags, common.SecAssoc, common.OffloadHandle, common.KeyMat), common.End);
    }

    /// <summary>
    /// Decodes and validates an <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c>: the checks of
    /// <see cref="DecodeAddSa"/> plus a defined <c>EncapTypeEntry.UdpEncapType</c> (INVALID_DATA).
    /// </summary>
    public static OidDecodeResult<OffloadIpsecAddUdpEspSa> DecodeAddUdpEspSa(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = OffloadIpsecV1AddLayout.AddUdpEspSa(abi);
        if (ReadCommon(buffer, abi, layout, UdpEspName, out var common, out int needed) is { } error)
        {
            return new(error, needed);
        }

        uint encapType = NativeFields.ReadULong(buffer, layout.EncapTypeEntry);
        if (encapType > (uint)UdpEncapType.Other)
        {
            return new(NativeFields.InvalidData($"{UdpEspName}.EncapTypeEntry.UdpEncapType",
                $"UdpEncapType {encapType} at offset {layout.EncapTypeEntry} is not OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_IKE (0) or _OTHER (1)"), 0);
        }

        var entry = new OffloadIpsecUdpEspEncapTypeEntry(
            (UdpEncapType)encapType, NativeFields.ReadNetworkUShort(buffer, layout.EncapTypeEntry + DstEncapPortOffset));
        ulong entryHandle = NativeFields.ReadPointer(buffer[layout.EncapTypeEntryOffldHandle..], abi);
        return new(new OffloadIpsecAddUdpEspSa(
            common.Filter, common.Flags, common.SecAssoc, common.OffloadHandle, entry, entryHandle, common.KeyMat), common.End);
    }

    /// <summary>Decodes an <c>OFFLOAD_IPSEC_DELETE_SA</c>; only a short buffer is an error (INVALID_LENGTH).</summary>
    public static OidDecodeResult<OffloadIpsecDeleteSa> DecodeDeleteSa(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        int size = DeleteSaSize(abi);
        if (NativeFields.CheckFixedLength(buffer.Length, 0, size, "OFFLOAD_IPSEC_DELETE_SA", out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(new OffloadIpsecDeleteSa(NativeFields.ReadPointer(buffer, abi)), size);
    }

    /// <summary>Decodes an <c>OFFLOAD_IPSEC_DELETE_UDPESP_SA</c>; only a short buffer is an error (INVALID_LENGTH).</summary>
    public static OidDecodeResult<OffloadIpsecDeleteUdpEspSa> DecodeDeleteUdpEspSa(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        int size = DeleteUdpEspSaSize(abi);
        if (NativeFields.CheckFixedLength(buffer.Length, 0, size, "OFFLOAD_IPSEC_DELETE_UDPESP_SA", out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(new OffloadIpsecDeleteUdpEspSa(
            NativeFields.ReadPointer(buffer, abi), NativeFields.ReadPointer(buffer[abi.PointerSize()..], abi)), size);
    }

    /// <summary>The miniport's output: writes <c>OffloadHandle</c> into an <c>OFFLOAD_IPSEC_ADD_SA</c> buffer in place.</summary>
    public static void WriteAddSaOffloadHandle(Span<byte> buffer, NdisAbi abi, ulong offloadHandle)
    {
        var layout = OffloadIpsecV1AddLayout.AddSa(abi);
        RequireLength(buffer, layout.KeyMat);
        NativeFields.WritePointer(buffer[layout.OffloadHandle..], abi, offloadHandle, nameof(offloadHandle));
    }

    /// <summary>Reads <c>OffloadHandle</c> back from an <c>OFFLOAD_IPSEC_ADD_SA</c> buffer (INVALID_LENGTH when too short).</summary>
    public static OidDecodeResult<ulong> ReadAddSaOffloadHandle(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = OffloadIpsecV1AddLayout.AddSa(abi);
        if (NativeFields.CheckFixedLength(buffer.Length, 0, layout.KeyMat, AddSaName, out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(NativeFields.ReadPointer(buffer[layout.OffloadHandle..], abi), layout.KeyMat);
    }

    /// <summary>
    /// The miniport's output: writes <c>OffloadHandle</c> and <c>EncapTypeEntryOffldHandle</c> into an
    /// <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> buffer in place.
    /// </summary>
    public static void WriteAddUdpEspSaHandles(Span<byte> buffer, NdisAbi abi, OffloadUdpEspHandles handles)
    {
        var layout = OffloadIpsecV1AddLayout.AddUdpEspSa(abi);
        RequireLength(buffer, layout.KeyMat);
        NativeFields.WritePointer(buffer[layout.OffloadHandle..], abi, handles.OffloadHandle, nameof(handles.OffloadHandle));
        NativeFields.WritePointer(buffer[layout.EncapTypeEntryOffldHandle..], abi, handles.EncapTypeEntryOffldHandle, nameof(handles.EncapTypeEntryOffldHandle));
    }

    /// <summary>Reads both handles back from an <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> buffer (INVALID_LENGTH when too short).</summary>
    public static OidDecodeResult<OffloadUdpEspHandles> ReadAddUdpEspSaHandles(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = OffloadIpsecV1AddLayout.AddUdpEspSa(abi);
        if (NativeFields.CheckFixedLength(buffer.Length, 0, layout.KeyMat, UdpEspName, out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(new OffloadUdpEspHandles(
            NativeFields.ReadPointer(buffer[layout.OffloadHandle..], abi),
            NativeFields.ReadPointer(buffer[layout.EncapTypeEntryOffldHandle..], abi)), layout.KeyMat);
    }

    private static void RequireLength(Span<byte> buffer, int length)
    {
        if (buffer.Length < length)
        {
            throw new ArgumentException($"buffer has {buffer.Length} bytes; the structure needs {length}", nameof(buffer));
        }
    }

    private static byte[] NewAddBuffer(OffloadIpsecV1AddLayout layout, EquatableArray<byte> keys) =>
        new byte[Math.Max(layout.Size, layout.KeyMat + keys.Count)];

    private static void WriteCommon(Span<byte> buffer, OffloadSaFilter filter, OffloadSaFlags flags, EquatableArray<OffloadSecurityAssociation> sas)
    {
        if (sas.Count > MaxSas)
        {
            throw new ArgumentOutOfRangeException(nameof(sas), sas.Count, $"at most OFFLOAD_MAX_SAS = {MaxSas} SA entries fit");
        }

        NativeFields.WriteNetworkULong(buffer, SrcAddrOffset, filter.SrcAddr);
        NativeFields.WriteNetworkULong(buffer, SrcMaskOffset, filter.SrcMask);
        NativeFields.WriteNetworkULong(buffer, DestAddrOffset, filter.DestAddr);
        NativeFields.WriteNetworkULong(buffer, DestMaskOffset, filter.DestMask);
        NativeFields.WriteULong(buffer, ProtocolOffset, filter.Protocol);
        NativeFields.WriteNetworkUShort(buffer, SrcPortOffset, filter.SrcPort);
        NativeFields.WriteNetworkUShort(buffer, DestPortOffset, filter.DestPort);
        NativeFields.WriteNetworkULong(buffer, SrcTunnelAddrOffset, filter.SrcTunnelAddr);
        NativeFields.WriteNetworkULong(buffer, DestTunnelAddrOffset, filter.DestTunnelAddr);
        NativeFields.WriteUShort(buffer, FlagsOffset, (ushort)flags);
        NativeFields.WriteUShort(buffer, NumSasOffset, (ushort)sas.Count);
        for (int i = 0; i < sas.Count; i++)
        {
            Span<byte> entry = buffer.Slice(SecAssocOffset + i * SecurityAssociationSize, SecurityAssociationSize);
            OffloadSecurityAssociation sa = sas[i];
            NativeFields.WriteULong(entry, SaOperationOffset, (uint)sa.Operation);
            NativeFields.WriteNetworkULong(entry, SaSpiOffset, sa.Spi);
            WriteAlgo(entry[SaIntegrityAlgoOffset..], sa.IntegrityAlgo);
            WriteAlgo(entry[SaConfAlgoOffset..], sa.ConfAlgo);
            WriteAlgo(entry[SaReservedOffset..], sa.Reserved);
        }
    }

    private static void WriteAlgo(Span<byte> destination, OffloadAlgoInfo algo)
    {
        NativeFields.WriteULong(destination, AlgoIdentifierOffset, algo.AlgoIdentifier);
        NativeFields.WriteULong(destination, AlgoKeylenOffset, algo.AlgoKeylen);
        NativeFields.WriteULong(destination, AlgoRoundsOffset, algo.AlgoRounds);
    }

    private static OffloadAlgoInfo ReadAlgo(ReadOnlySpan<byte> source) => new(
        NativeFields.ReadULong(source, AlgoIdentifierOffset),
        NativeFields.ReadULong(source, AlgoKeylenOffset),
        NativeFields.ReadULong(source, AlgoRoundsOffset));

    private static void WriteKeys(Span<byte> buffer, OffloadIpsecV1AddLayout layout, EquatableArray<byte> keys)
    {
        NativeFields.WriteULong(buffer, layout.KeyLen, (uint)keys.Count);
        keys.AsSpan().CopyTo(buffer[layout.KeyMat..]);
    }

    private readonly record struct Common(
        OffloadSaFilter Filter, OffloadSaFlags Flags, EquatableArray<OffloadSecurityAssociation> SecAssoc,
        ulong OffloadHandle, EquatableArray<byte> KeyMat, int End);

    private static NdisError? ReadCommon(ReadOnlySpan<byte> buffer, NdisAbi abi, OffloadIpsecV1AddLayout layout, string name, out Common common, out int bytesNeeded)
    {
        common = default;
        if (NativeFields.CheckFixedLength(buffer.Length, 0, layout.KeyMat, name, out bytesNeeded) is { } shortError)
        {
            return shortError;
        }

        var filter = new OffloadSaFilter(
            NativeFields.ReadNetworkULong(buffer, SrcAddrOffset), NativeFields.ReadNetworkULong(buffer, SrcMaskOffset),
            NativeFields.ReadNetworkULong(buffer, DestAddrOffset), NativeFields.ReadNetworkULong(buffer, DestMaskOffset),
            NativeFields.ReadULong(buffer, ProtocolOffset),
            NativeFields.ReadNetworkUShort(buffer, SrcPortOffset), NativeFields.ReadNetworkUShort(buffer, DestPortOffset),
            NativeFields.ReadNetworkULong(buffer, SrcTunnelAddrOffset), NativeFields.ReadNetworkULong(buffer, DestTunnelAddrOffset));

        ushort flags = NativeFields.ReadUShort(buffer, FlagsOffset);
        if ((flags & ~DefinedFlags) != 0)
        {
            return NativeFields.InvalidData($"{name}.Flags",
                $"Flags 0x{flags:X4} has undefined bits 0x{flags & ~DefinedFlags:X4} (defined: OFFLOAD_INBOUND_SA 0x0001, OFFLOAD_OUTBOUND_SA 0x0002)");
        }

        short numSas = System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(buffer[NumSasOffset..]); // SHORT
        if (numSas is < 1 or > MaxSas)
        {
            return NativeFields.InvalidData($"{name}.NumSAs",
                $"NumSAs {numSas} is outside 1..OFFLOAD_MAX_SAS ({MaxSas})");
        }

        var sas = new OffloadSecurityAssociation[numSas];
        ulong keyBytesUsed = 0;
        for (int i = 0; i < numSas; i++)
        {
            int entryOffset = SecAssocOffset + i * SecurityAssociationSize;
            ReadOnlySpan<byte> entry = buffer.Slice(entryOffset, SecurityAssociationSize);
            string field = $"{name}.SecAssoc[{i}]";
            uint operation = NativeFields.ReadULong(entry, SaOperationOffset);
            if (operation is not ((uint)OffloadOperation.Authenticate or (uint)OffloadOperation.Encrypt))
            {
                return NativeFields.InvalidData($"{field}.Operation",
                    $"Operation {operation} at offset {entryOffset} is not AUTHENTICATE (1) or ENCRYPT (2)");
            }

            var integrity = ReadAlgo(entry[SaIntegrityAlgoOffset..]);
            if (integrity.AlgoIdentifier >= (uint)OffloadIntegrityAlgo.Max)
            {
                return NativeFields.InvalidData($"{field}.IntegrityAlgo.algoIdentifier",
                    $"algoIdentifier {integrity.AlgoIdentifier} at offset {entryOffset + SaIntegrityAlgoOffset} is not an OFFLOAD_INTEGRITY_ALGO (0..2)");
            }

            var conf = ReadAlgo(entry[SaConfAlgoOffset..]);
            if (conf.AlgoIdentifier is (uint)OffloadConfAlgo.Reserved or >= (uint)OffloadConfAlgo.Max)
            {
                return NativeFields.InvalidData($"{field}.ConfAlgo.algoIdentifier",
                    $"algoIdentifier {conf.AlgoIdentifier} at offset {entryOffset + SaConfAlgoOffset} is not an OFFLOAD_CONF_ALGO (0, 1 or 3)");
            }

            keyBytesUsed += (ulong)integrity.AlgoKeylen + conf.AlgoKeylen;
            sas[i] = new OffloadSecurityAssociation(
                (OffloadOperation)operation, NativeFields.ReadNetworkULong(entry, SaSpiOffset), integrity, conf, ReadAlgo(entry[SaReservedOffset..]));
        }

        uint keyLen = NativeFields.ReadULong(buffer, layout.KeyLen);
        long end = (long)layout.KeyMat + keyLen;
        if (end > buffer.Length)
        {
            bytesNeeded = (int)Math.Min(end, int.MaxValue);
            return NativeFields.InvalidLength($"{name}.KeyLen",
                $"KeyLen {keyLen} at KeyMat offset {layout.KeyMat} needs {end} bytes; the information buffer has {buffer.Length}");
        }

        if (keyBytesUsed > keyLen)
        {
            return NativeFields.InvalidData($"{name}.KeyLen",
                $"the {numSas} SA entries' algoKeylen values add up to {keyBytesUsed} bytes, more than KeyLen {keyLen}");
        }

        ulong handle = NativeFields.ReadPointer(buffer[layout.OffloadHandle..], abi);
        common = new Common(filter, (OffloadSaFlags)flags, sas, handle, buffer.Slice(layout.KeyMat, (int)keyLen).ToArray(), (int)end);
        return null;
    }
}
