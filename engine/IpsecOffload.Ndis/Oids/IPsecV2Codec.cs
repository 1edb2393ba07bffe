namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// Codecs of the IPsec offload v2 SA structures (ndis.h; spec digest §4): encode typed → exact native
/// bytes for one ABI, decode bytes → typed with validation (never throwing for bad input), and the
/// miniport's in-place write-back of <c>OffloadHandle</c>s.
/// </summary>
/// <remarks>
/// Chains (ADD_SA, DELETE_SA) follow adapter-protocol.md "Framing": <c>Next</c> holds the byte offset
/// of the next structure from the start of the information buffer, 0 = NULL; an ADD_SA ends at
/// <c>KeyData + KeyLength</c> and the next one starts at the next 8-byte (x64) / 4-byte (x86) boundary.
/// The decoder accepts any <c>Next</c> that is aligned, inside the buffer and at or after the aligned
/// end of the current structure (so gaps are allowed and loops are impossible).
/// </remarks>
public static class IPsecV2Codec
{
    /// <summary><c>IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS</c>.</summary>
    public const int MaxExtensionHeaders = 2;
    /// <summary><c>NDIS_IPSEC_OFFLOAD_V2_*_REVISION_1</c>.</summary>
    public const byte Revision1 = 1;

    // IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION (48, both ABIs):
    //   +0 Flags  +4 Operation  +8 Spi  +12 AuthenticationAlgorithm  +28 EncryptionAlgorithm  +44 SequenceNumberHighOrder
    //   Spi is network byte order (AMB-19); SequenceNumberHighOrder and the rest are little-endian.
    // IPSEC_OFFLOAD_V2_ALGORITHM_INFO (16): +0 Identifier  +4 KeyLength  +8 KeyOffsetBytes  +12 AdditionalInfo
    /// <summary><c>sizeof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION)</c>.</summary>
    public const int SecurityAssociationSize = 48;
    /// <summary>Offset of <c>Flags</c> in an SA entry.</summary>
    public const int SaFlagsOffset = 0;
    /// <summary>Offset of <c>Operation</c> in an SA entry.</summary>
    public const int SaOperationOffset = 4;
    /// <summary>Offset of <c>Spi</c> in an SA entry.</summary>
    public const int SaSpiOffset = 8;
    /// <summary>Offset of <c>AuthenticationAlgorithm</c> in an SA entry.</summary>
    public const int SaAuthenticationAlgorithmOffset = 12;
    /// <summary>Offset of <c>EncryptionAlgorithm</c> in an SA entry.</summary>
    public const int SaEncryptionAlgorithmOffset = 28;
    /// <summary>Offset of <c>SequenceNumberHighOrder</c> in an SA entry.</summary>
    public const int SaSequenceNumberHighOrderOffset = 44;
    /// <summary><c>sizeof(IPSEC_OFFLOAD_V2_ALGORITHM_INFO)</c>.</summary>
    public const int AlgorithmInfoSize = 16;
    /// <summary>Offset of <c>Identifier</c>.</summary>
    public const int AlgorithmIdentifierOffset = 0;
    /// <summary>Offset of <c>KeyLength</c> in an algorithm entry.</summary>
    public const int AlgorithmKeyLengthOffset = 4;
    /// <summary>Offset of <c>KeyOffsetBytes</c>.</summary>
    public const int AlgorithmKeyOffsetBytesOffset = 8;
    /// <summary>Offset of <c>AdditionalInfo</c>.</summary>
    public const int AlgorithmAdditionalInfoOffset = 12;

    private const string AddSaName = "IPSEC_OFFLOAD_V2_ADD_SA";
    private const string AddSaExName = "IPSEC_OFFLOAD_V2_ADD_SA_EX";
    private const string DeleteSaName = "IPSEC_OFFLOAD_V2_DELETE_SA";
    private const string UpdateSaName = "IPSEC_OFFLOAD_V2_UPDATE_SA";
    private const uint DefinedAddSaFlags = (uint)(IPsecV2AddSaFlags.Inbound | IPsecV2AddSaFlags.IPv6);
    private const uint DefinedSaFlags = (uint)IPsecV2SaFlags.Esn;
    private const uint DefinedAuthentication = 0x0000_003F;
    private const uint DefinedEncryption = 0x0000_01FF;

    // ---------------------------------------------------------------- ADD_SA chain

    /// <summary>
    /// Encodes a chain of <c>IPSEC_OFFLOAD_V2_ADD_SA</c> laid out as adapter-protocol.md fixes it; the
    /// buffer ends at the last structure's <c>KeyData + KeyLength</c>. Throws for an empty chain, more
    /// than 2 SA entries in one element, or a handle that does not fit the ABI.
    /// </summary>
    public static byte[] EncodeAddSaChain(
        IReadOnlyList<IPsecV2AddSa> chain, NdisAbi abi, NdisHeaderSizeConvention size = NdisHeaderSizeConvention.RevisionSize)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Count == 0)
        {
            throw new ArgumentException("an ADD_SA chain needs at least one structure", nameof(chain));
        }

        var layout = IPsecV2AddSaLayout.AddSa(abi);
        int[] offsets = AddSaChainOffsets(chain, abi, out int total);
        byte[] buffer = new byte[total];
        ushort headerSize = (ushort)(size == NdisHeaderSizeConvention.RevisionSize ? layout.SizeofRevision1 : layout.Size);
        for (int i = 0; i < chain.Count; i++)
        {
            IPsecV2AddSa sa = chain[i] ?? throw new ArgumentException($"chain[{i}] is null", nameof(chain));
            Span<byte> s = buffer.AsSpan(offsets[i]);
            new NdisObjectHeader(NdisObjectType.Default, Revision1, headerSize).Write(s);
            ulong next = i + 1 < chain.Count ? (ulong)offsets[i + 1] : 0;
            NativeFields.WritePointer(s[layout.Next..], abi, next, "Next");
            WriteBody(s, layout, abi, sa.Flags, sa.Endpoints, sa.OffloadHandle, sa.UdpEspEncapsulation, sa.SecAssoc, (uint)sa.KeyData.Count);
            sa.KeyData.AsSpan().CopyTo(s[layout.KeyData..]);
        }

        return buffer;
    }

    /// <summary>
    /// The byte offsets at which <see cref="EncodeAddSaChain"/> places each structure, and the total
    /// buffer length (adapter-protocol.md "Framing").
    /// </summary>
    public static int[] AddSaChainOffsets(IReadOnlyList<IPsecV2AddSa> chain, NdisAbi abi, out int totalLength)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var layout = IPsecV2AddSaLayout.AddSa(abi);
        int[] offsets = new int[chain.Count];
        int offset = 0;
        totalLength = 0;
        for (int i = 0; i < chain.Count; i++)
        {
            offsets[i] = offset;
            totalLength = offset + layout.KeyData + chain[i].KeyData.Count;
            offset = NativeFields.AlignUp(totalLength, abi.PointerSize());
        }

        return offsets;
    }

    /// <summary>
    /// Decodes and validates an <c>IPSEC_OFFLOAD_V2_ADD_SA</c> chain. Per structure: fixed part
    /// present (INVALID_LENGTH); header Type 0x80, Revision ≥ 1, Size ≥ 157 / 169; <c>NumExtHdrs</c>
    /// 1 or 2; no undefined <c>Flags</c> bits; a defined <c>UdpEspEncapsulation</c>; per used SA entry:
    /// no undefined flags, a defined <c>Operation</c>, identifiers zero or one defined bit, and every
    /// key (<c>KeyOffsetBytes</c> + <c>KeyLength</c>) inside the key array (INVALID_DATA);
    /// <c>KeyData + KeyLength</c> inside the buffer (INVALID_LENGTH with bytes needed); <c>Next</c> not
    /// backwards, not into the structure itself, aligned and inside the buffer (INVALID_DATA).
    /// </summary>
    public static OidDecodeResult<EquatableArray<IPsecV2AddSa>> DecodeAddSaChain(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var elements = new List<IPsecV2AddSa>();
        var offsets = new List<int>();
        if (WalkAddSaChain(buffer, abi, elements, offsets, out int end, out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(elements.ToArray(), end);
    }

    /// <summary>
    /// The miniport's output: writes one <c>OffloadHandle</c> per chain element into the caller's buffer
    /// in place (0 = that SA failed, spec digest §4.4). Returns the decode error when the chain is
    /// invalid (nothing is written then); throws when the handle count differs from the chain length.
    /// </summary>
    public static NdisError? WriteAddSaOffloadHandles(Span<byte> buffer, NdisAbi abi, IReadOnlyList<ulong> handles)
    {
        ArgumentNullException.ThrowIfNull(handles);
        var offsets = new List<int>();
        if (WalkAddSaChain(buffer, abi, null, offsets, out _, out _) is { } error)
        {
            return error;
        }

        if (offsets.Count != handles.Count)
        {
            throw new ArgumentException($"the chain has {offsets.Count} structures; {handles.Count} handles given", nameof(handles));
        }

        var layout = IPsecV2AddSaLayout.AddSa(abi);
        for (int i = 0; i < offsets.Count; i++)
        {
            NativeFields.WritePointer(buffer[(offsets[i] + layout.OffloadHandle)..], abi, handles[i], $"handles[{i}]");
        }

        return null;
    }

    /// <summary>
    /// Reads every chain element's <c>OffloadHandle</c> back, in chain order, after the structural
    /// checks of the chain (lengths, header, <c>Next</c>); contents are not re-validated.
    /// </summary>
    public static OidDecodeResult<EquatableArray<ulong>> ReadAddSaOffloadHandles(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var offsets = new List<int>();
        if (WalkAddSaChain(buffer, abi, null, offsets, out int end, out int needed) is { } error)
        {
            return new(error, needed);
        }

        var layout = IPsecV2AddSaLayout.AddSa(abi);
        var handles = new ulong[offsets.Count];
        for (int i = 0; i < handles.Length; i++)
        {
            handles[i] = NativeFields.ReadPointer(buffer[(offsets[i] + layout.OffloadHandle)..], abi);
        }

        return new(handles, end);
    }

    // ---------------------------------------------------------------- ADD_SA_EX

    /// <summary>
    /// Encodes one <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> with its key array right after the structure
    /// (<c>KeyOffset = sizeof</c> = 164 / 176); the buffer is <c>sizeof + KeyLength</c> bytes.
    /// </summary>
    public static byte[] EncodeAddSaEx(IPsecV2AddSaEx sa, NdisAbi abi, NdisHeaderSizeConvention size = NdisHeaderSizeConvention.RevisionSize)
    {
        ArgumentNullException.ThrowIfNull(sa);
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        byte[] buffer = new byte[layout.Size + sa.Keys.Count];
        ushort headerSize = (ushort)(size == NdisHeaderSizeConvention.RevisionSize ? layout.SizeofRevision1 : layout.Size);
        new NdisObjectHeader(NdisObjectType.Default, Revision1, headerSize).Write(buffer);
        WriteBody(buffer, layout, abi, sa.Flags, sa.Endpoints, sa.OffloadHandle, sa.UdpEspEncapsulation, sa.SecAssoc, (uint)sa.Keys.Count);
        NativeFields.WriteULong(buffer, layout.KeyOffset, (uint)layout.Size);
        NativeFields.WriteULong(buffer, layout.SourceSwitchPortId, sa.SourceSwitchPortId);
        NativeFields.WriteUShort(buffer, layout.VlanId, sa.VlanId);
        sa.Keys.AsSpan().CopyTo(buffer.AsSpan(layout.Size));
        return buffer;
    }

    /// <summary>
    /// Decodes and validates one <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c>: the checks of
    /// <see cref="DecodeAddSaChain"/> (Size ≥ 162 / 170), plus a key array (when <c>KeyLength</c> &gt; 0)
    /// that does not start inside the fixed part (INVALID_DATA) and ends inside the buffer
    /// (INVALID_LENGTH with bytes needed).
    /// </summary>
    public static OidDecodeResult<IPsecV2AddSaEx> DecodeAddSaEx(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        const string name = AddSaExName;
        if (NativeFields.CheckFixedLength(buffer.Length, 0, layout.FixedLength, name, out int needed) is { } shortError)
        {
            return new(shortError, needed);
        }

        if (NativeFields.CheckHeader(buffer, name, Revision1, layout.SizeofRevision1, out _) is { } headerError)
        {
            return new(headerError, 0);
        }

        uint keyLength = NativeFields.ReadULong(buffer, layout.KeyLength);
        uint keyOffset = NativeFields.ReadULong(buffer, layout.KeyOffset);
        if (ReadBody(buffer, layout, abi, name, keyLength, "key array at KeyOffset", out Body body) is { } bodyError)
        {
            return new(bodyError, 0);
        }

        long end = layout.SizeofRevision1;
        if (keyLength > 0)
        {
            if (keyOffset < layout.SizeofRevision1)
            {
                return new(NativeFields.InvalidData($"{name}.KeyOffset",
                    $"KeyOffset {keyOffset} points inside the {layout.SizeofRevision1}-byte fixed part of the structure"), 0);
            }

            end = (long)keyOffset + keyLength;
            if (end > buffer.Length)
            {
                int bytesNeeded = (int)Math.Min(end, int.MaxValue);
                return new(NativeFields.InvalidLength($"{name}.KeyOffset",
                    $"KeyOffset {keyOffset} + KeyLength {keyLength} = {end} runs past the end of the {buffer.Length}-byte information buffer"),
                    bytesNeeded);
            }
        }

        byte[] keys = keyLength > 0 ? buffer.Slice((int)keyOffset, (int)keyLength).ToArray() : [];
        var sa = new IPsecV2AddSaEx(body.Flags, body.Endpoints, body.OffloadHandle, body.UdpEspEncapsulation, body.SecAssoc, keys,
            NativeFields.ReadULong(buffer, layout.SourceSwitchPortId), NativeFields.ReadUShort(buffer, layout.VlanId));
        return new(sa, (int)Math.Max(end, layout.SizeofRevision1));
    }

    /// <summary>The miniport's output: writes <c>OffloadHandle</c> into an <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> buffer in place.</summary>
    public static void WriteAddSaExOffloadHandle(Span<byte> buffer, NdisAbi abi, ulong offloadHandle)
    {
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        if (buffer.Length < layout.SizeofRevision1)
        {
            throw new ArgumentException($"buffer has {buffer.Length} bytes; the structure needs {layout.SizeofRevision1}", nameof(buffer));
        }

        NativeFields.WritePointer(buffer[layout.OffloadHandle..], abi, offloadHandle, nameof(offloadHandle));
    }

    /// <summary>Reads <c>OffloadHandle</c> back from an <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> buffer (INVALID_LENGTH when too short).</summary>
    public static OidDecodeResult<ulong> ReadAddSaExOffloadHandle(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        if (NativeFields.CheckFixedLength(buffer.Length, 0, layout.SizeofRevision1, AddSaExName, out int needed) is { } error)
        {
            return new(error, needed);
        }

        return new(NativeFields.ReadPointer(buffer[layout.OffloadHandle..], abi), layout.SizeofRevision1);
    }

    // ---------------------------------------------------------------- DELETE_SA chain

    /// <summary>
    /// Encodes a chain of <c>IPSEC_OFFLOAD_V2_DELETE_SA</c>, one after the other (12 / 24 bytes each,
    /// already aligned), <c>Next</c> as buffer offsets, Size = 12 / 24.
    /// </summary>
    public static byte[] EncodeDeleteSaChain(IReadOnlyList<IPsecV2DeleteSa> chain, NdisAbi abi)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Count == 0)
        {
            throw new ArgumentException("a DELETE_SA chain needs at least one structure", nameof(chain));
        }

        var layout = IPsecV2SmallLayout.DeleteSa(abi);
        byte[] buffer = new byte[chain.Count * layout.Size];
        for (int i = 0; i < chain.Count; i++)
        {
            Span<byte> s = buffer.AsSpan(i * layout.Size, layout.Size);
            new NdisObjectHeader(NdisObjectType.Default, Revision1, (ushort)layout.SizeofRevision1).Write(s);
            ulong next = i + 1 < chain.Count ? (ulong)((i + 1) * layout.Size) : 0;
            NativeFields.WritePointer(s[layout.Next..], abi, next, "Next");
            NativeFields.WritePointer(s[layout.OffloadHandle..], abi, chain[i].OffloadHandle, $"chain[{i}].OffloadHandle");
        }

        return buffer;
    }

    /// <summary>
    /// Decodes and validates an <c>IPSEC_OFFLOAD_V2_DELETE_SA</c> chain: each structure present
    /// (INVALID_LENGTH), header Type 0x80 / Revision ≥ 1 / Size ≥ 12 / 24, <c>Next</c> as for ADD_SA.
    /// </summary>
    public static OidDecodeResult<EquatableArray<IPsecV2DeleteSa>> DecodeDeleteSaChain(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = IPsecV2SmallLayout.DeleteSa(abi);
        var elements = new List<IPsecV2DeleteSa>();
        int offset = 0;
        while (true)
        {
            string name = $"{DeleteSaName}[{elements.Count}]";
            if (NativeFields.CheckFixedLength(buffer.Length, offset, layout.Size, name, out int needed) is { } shortError)
            {
                return new(shortError, needed);
            }

            ReadOnlySpan<byte> s = buffer[offset..];
            if (NativeFields.CheckHeader(s, name, Revision1, layout.SizeofRevision1, out _) is { } headerError)
            {
                return new(headerError, 0);
            }

            elements.Add(new IPsecV2DeleteSa(NativeFields.ReadPointer(s[layout.OffloadHandle..], abi)));
            ulong next = NativeFields.ReadPointer(s[layout.Next..], abi);
            int end = offset + layout.Size;
            if (next == 0)
            {
                return new(elements.ToArray(), end);
            }

            if (CheckNext(next, offset, end, buffer.Length, abi, name, "ends") is { } nextError)
            {
                return new(nextError, 0);
            }

            offset = (int)next;
        }
    }

    // ---------------------------------------------------------------- UPDATE_SA

    /// <summary>Encodes one <c>IPSEC_OFFLOAD_V2_UPDATE_SA</c> (<c>sizeof</c> = 20 / 32 bytes).</summary>
    public static byte[] EncodeUpdateSa(IPsecV2UpdateSa sa, NdisAbi abi, NdisHeaderSizeConvention size = NdisHeaderSizeConvention.RevisionSize)
    {
        var layout = IPsecV2SmallLayout.UpdateSa(abi);
        byte[] buffer = new byte[layout.Size];
        ushort headerSize = (ushort)(size == NdisHeaderSizeConvention.RevisionSize ? layout.SizeofRevision1 : layout.Size);
        new NdisObjectHeader(NdisObjectType.Default, Revision1, headerSize).Write(buffer);
        NativeFields.WritePointer(buffer.AsSpan(layout.OffloadHandle), abi, sa.OffloadHandle, nameof(sa.OffloadHandle));
        NativeFields.WriteULong(buffer, layout.Operation, (uint)sa.Operation);
        NativeFields.WriteNetworkULong(buffer, layout.Spi, sa.Spi);
        NativeFields.WriteULong(buffer, layout.SequenceNumberHighOrder, sa.SequenceNumberHighOrder);
        return buffer;
    }

    /// <summary>
    /// Decodes and validates one <c>IPSEC_OFFLOAD_V2_UPDATE_SA</c>: at least 20 / 28 bytes
    /// (INVALID_LENGTH), header Type 0x80 / Revision ≥ 1 / Size ≥ 20 / 28, a defined <c>Operation</c>
    /// (INVALID_DATA).
    /// </summary>
    public static OidDecodeResult<IPsecV2UpdateSa> DecodeUpdateSa(ReadOnlySpan<byte> buffer, NdisAbi abi)
    {
        var layout = IPsecV2SmallLayout.UpdateSa(abi);
        if (NativeFields.CheckFixedLength(buffer.Length, 0, layout.SizeofRevision1, UpdateSaName, out int needed) is { } shortError)
        {
            return new(shortError, needed);
        }

        if (NativeFields.CheckHeader(buffer, UpdateSaName, Revision1, layout.SizeofRevision1, out _) is { } headerError)
        {
            return new(headerError, 0);
        }

        uint operation = NativeFields.ReadULong(buffer, layout.Operation);
        if (CheckOperation(operation, $"{UpdateSaName}.Operation", layout.Operation) is { } operationError)
        {
            return new(operationError, 0);
        }

        return new(new IPsecV2UpdateSa(
            NativeFields.ReadPointer(buffer[layout.OffloadHandle..], abi), (IPsecV2Operation)operation,
            NativeFields.ReadNetworkULong(buffer, layout.Spi), NativeFields.ReadULong(buffer, layout.SequenceNumberHighOrder)),
            layout.SizeofRevision1);
    }

    // ---------------------------------------------------------------- shared

    /// <summary>Walks an ADD_SA chain; decodes elements when <paramref name="elements"/> is given.</summary>
    private static NdisError? WalkAddSaChain(
        ReadOnlySpan<byte> buffer, NdisAbi abi, List<IPsecV2AddSa>? elements, List<int> offsets, out int end, out int bytesNeeded)
    {
        var layout = IPsecV2AddSaLayout.AddSa(abi);
        int offset = 0;
        end = 0;
        while (true)
        {
            string name = $"{AddSaName}[{offsets.Count}]";
            if (NativeFields.CheckFixedLength(buffer.Length, offset, layout.KeyData, name, out bytesNeeded) is { } shortError)
            {
                return shortError;
            }

            ReadOnlySpan<byte> s = buffer[offset..];
            if (NativeFields.CheckHeader(s, name, Revision1, layout.SizeofRevision1, out _) is { } headerError)
            {
                return headerError;
            }

            uint keyLength = NativeFields.ReadULong(s, layout.KeyLength);
            if (elements is not null)
            {
                if (ReadBody(s, layout, abi, name, keyLength, "KeyData array", out Body body) is { } bodyError)
                {
                    return bodyError;
                }

                long keyEnd = (long)offset + layout.KeyData + keyLength;
                if (keyEnd <= buffer.Length)
                {
                    elements.Add(new IPsecV2AddSa(body.Flags, body.Endpoints, body.OffloadHandle, body.UdpEspEncapsulation,
                        body.SecAssoc, s.Slice(layout.KeyData, (int)keyLength).ToArray()));
                }
            }

            long elementEnd = (long)offset + layout.KeyData + keyLength;
            if (elementEnd > buffer.Length)
            {
                bytesNeeded = (int)Math.Min(elementEnd, int.MaxValue);
                return NativeFields.InvalidLength($"{name}.KeyLength",
                    $"KeyLength {keyLength} at KeyData (buffer offset {offset + layout.KeyData}) needs {elementEnd} bytes; the information buffer has {buffer.Length}");
            }

            offsets.Add(offset);
            end = (int)elementEnd;
            ulong next = NativeFields.ReadPointer(s[layout.Next..], abi);
            if (next == 0)
            {
                return null;
            }

            if (CheckNext(next, offset, end, buffer.Length, abi, name, "ends at KeyData + KeyLength") is { } nextError)
            {
                return nextError;
            }

            offset = (int)next;
        }
    }

    private static NdisError? CheckNext(ulong next, int offset, int end, int bufferLength, NdisAbi abi, string name, string endWording)
    {
        int alignment = abi.PointerSize();
        int alignedEnd = NativeFields.AlignUp(end, alignment);
        string field = $"{name}.Next";
        if (next < (ulong)offset)
        {
            return NativeFields.InvalidData(field, $"Next {next} points backwards: the structure starts at offset {offset}");
        }

        if (next < (ulong)alignedEnd)
        {
            return NativeFields.InvalidData(field,
                $"Next {next} points into the structure itself (offset {offset}, {endWording} {end}; the next may start at {alignedEnd})");
        }

        if (next % (ulong)alignment != 0)
        {
            return NativeFields.InvalidData(field, $"Next {next} is not a multiple of {alignment} ({abi.ToProtocolName()} alignment)");
        }

        if (next >= (ulong)bufferLength)
        {
            return NativeFields.InvalidData(field, $"Next {next} points outside the {bufferLength}-byte information buffer");
        }

        return null;
    }

    private static void WriteBody(
        Span<byte> s, IPsecV2AddSaLayout layout, NdisAbi abi, IPsecV2AddSaFlags flags, IPsecV2Endpoints endpoints, ulong handle,
        IPsecV2UdpEspEncapsulation udpEsp, EquatableArray<IPsecV2SecurityAssociation> secAssoc, uint keyLength)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (secAssoc.Count > MaxExtensionHeaders)
        {
            throw new ArgumentOutOfRangeException(nameof(secAssoc), secAssoc.Count,
                $"at most IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS = {MaxExtensionHeaders} SA entries fit");
        }

        NativeFields.WriteULong(s, layout.NumExtHdrs, (uint)secAssoc.Count);
        NativeFields.WriteULong(s, layout.Flags, (uint)flags);
        if (endpoints.IsIPv6)
        {
            endpoints.IPv6SrcAddr.AsSpan().CopyTo(s[layout.Endpoints..]);
            endpoints.IPv6DestAddr.AsSpan().CopyTo(s[layout.IPv6DestAddr..]);
        }
        else
        {
            NativeFields.WriteNetworkULong(s, layout.Endpoints, endpoints.IPv4SrcAddr);
            NativeFields.WriteNetworkULong(s, layout.IPv4DestAddr, endpoints.IPv4DestAddr);
        }

        NativeFields.WritePointer(s[layout.OffloadHandle..], abi, handle, "OffloadHandle");
        NativeFields.WriteULong(s, layout.UdpEspEncapsulation, (uint)udpEsp);
        for (int i = 0; i < secAssoc.Count; i++)
        {
            WriteSecurityAssociation(s.Slice(layout.SecAssoc + i * SecurityAssociationSize, SecurityAssociationSize), secAssoc[i]);
        }

        NativeFields.WriteULong(s, layout.KeyLength, keyLength);
    }

    private static void WriteSecurityAssociation(Span<byte> s, IPsecV2SecurityAssociation sa)
    {
        NativeFields.WriteULong(s, SaFlagsOffset, (uint)sa.Flags);
        NativeFields.WriteULong(s, SaOperationOffset, (uint)sa.Operation);
        NativeFields.WriteNetworkULong(s, SaSpiOffset, sa.Spi);
        WriteAlgorithm(s[SaAuthenticationAlgorithmOffset..], sa.AuthenticationAlgorithm);
        WriteAlgorithm(s[SaEncryptionAlgorithmOffset..], sa.EncryptionAlgorithm);
        NativeFields.WriteULong(s, SaSequenceNumberHighOrderOffset, sa.SequenceNumberHighOrder);
    }

    private static void WriteAlgorithm(Span<byte> s, IPsecV2AlgorithmInfo algorithm)
    {
        NativeFields.WriteULong(s, AlgorithmIdentifierOffset, algorithm.Identifier);
        NativeFields.WriteULong(s, AlgorithmKeyLengthOffset, algorithm.KeyLength);
        NativeFields.WriteULong(s, AlgorithmKeyOffsetBytesOffset, algorithm.KeyOffsetBytes);
        NativeFields.WriteULong(s, AlgorithmAdditionalInfoOffset, algorithm.AdditionalInfo);
    }

    private static IPsecV2AlgorithmInfo ReadAlgorithm(ReadOnlySpan<byte> s) => new(
        NativeFields.ReadULong(s, AlgorithmIdentifierOffset), NativeFields.ReadULong(s, AlgorithmKeyLengthOffset),
        NativeFields.ReadULong(s, AlgorithmKeyOffsetBytesOffset), NativeFields.ReadULong(s, AlgorithmAdditionalInfoOffset));

    private readonly record struct Body(
        IPsecV2AddSaFlags Flags, IPsecV2Endpoints Endpoints, ulong OffloadHandle, IPsecV2UdpEspEncapsulation UdpEspEncapsulation,
        EquatableArray<IPsecV2SecurityAssociation> SecAssoc);

    /// <summary>Reads and validates the members ADD_SA and ADD_SA_EX share (the structure starts at s[0]).</summary>
    private static NdisError? ReadBody(
        ReadOnlySpan<byte> s, IPsecV2AddSaLayout layout, NdisAbi abi, string name, uint keyArrayLength, string keyArrayName, out Body body)
    {
        body = default;
        uint numExtHdrs = NativeFields.ReadULong(s, layout.NumExtHdrs);
        if (numExtHdrs is < 1 or > MaxExtensionHeaders)
        {
            return NativeFields.InvalidData($"{name}.NumExtHdrs",
                $"NumExtHdrs {numExtHdrs} is not 1 or 2 (IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS = {MaxExtensionHeaders})");
        }

        uint flags = NativeFields.ReadULong(s, layout.Flags);
        if ((flags & ~DefinedAddSaFlags) != 0)
        {
            return NativeFields.InvalidData($"{name}.Flags",
                $"Flags {NativeFields.Hex(flags)} has undefined bits {NativeFields.Hex(flags & ~DefinedAddSaFlags)} (defined: IPSEC_OFFLOAD_V2_INBOUND 0x1, IPSEC_OFFLOAD_V2_IPv6 0x10)");
        }

        uint udpEsp = NativeFields.ReadULong(s, layout.UdpEspEncapsulation);
        if (udpEsp is not (0 or 1 or 2 or 4 or 8))
        {
            return NativeFields.InvalidData($"{name}.UdpEspEncapsulation",
                $"UdpEspEncapsulation {NativeFields.Hex(udpEsp)} is not one of the IPSEC_OFFLOAD_V2_*UDP_ESP* values 0x0, 0x1, 0x2, 0x4, 0x8");
        }

        var sas = new IPsecV2SecurityAssociation[numExtHdrs];
        for (int i = 0; i < sas.Length; i++)
        {
            int entryOffset = layout.SecAssoc + i * SecurityAssociationSize;
            if (ReadSecurityAssociation(s.Slice(entryOffset, SecurityAssociationSize), $"{name}.SecAssoc[{i}]", keyArrayLength, keyArrayName, out sas[i])
                is { } saError)
            {
                return saError;
            }
        }

        IPsecV2Endpoints endpoints = (flags & (uint)IPsecV2AddSaFlags.IPv6) != 0
            ? IPsecV2Endpoints.IPv6(s.Slice(layout.Endpoints, IPsecV2Endpoints.IPv6AddressLength), s.Slice(layout.IPv6DestAddr, IPsecV2Endpoints.IPv6AddressLength))
            : IPsecV2Endpoints.IPv4(NativeFields.ReadNetworkULong(s, layout.Endpoints), NativeFields.ReadNetworkULong(s, layout.IPv4DestAddr));
        body = new Body((IPsecV2AddSaFlags)flags, endpoints, NativeFields.ReadPointer(s[layout.OffloadHandle..], abi),
            (IPsecV2UdpEspEncapsulation)udpEsp, sas);
        return null;
    }

    private static NdisError? ReadSecurityAssociation(
        ReadOnlySpan<byte> s, string field, uint keyArrayLength, string keyArrayName, out IPsecV2SecurityAssociation sa)
    {
        sa = default;
        uint flags = NativeFields.ReadULong(s, SaFlagsOffset);
        if ((flags & ~DefinedSaFlags) != 0)
        {
            return NativeFields.InvalidData($"{field}.Flags",
                $"Flags {NativeFields.Hex(flags)} has undefined bits {NativeFields.Hex(flags & ~DefinedSaFlags)} (defined: IPSEC_OFFLOAD_V2_ESN_SA 0x1)");
        }

        uint operation = NativeFields.ReadULong(s, SaOperationOffset);
        if (CheckOperation(operation, $"{field}.Operation", SaOperationOffset) is { } operationError)
        {
            return operationError;
        }

        var authentication = ReadAlgorithm(s[SaAuthenticationAlgorithmOffset..]);
        var encryption = ReadAlgorithm(s[SaEncryptionAlgorithmOffset..]);
        NdisError? error =
            CheckIdentifier(authentication.Identifier, DefinedAuthentication, $"{field}.AuthenticationAlgorithm.Identifier", "IPSEC_OFFLOAD_V2_AUTHENTICATION_*")
            ?? CheckIdentifier(encryption.Identifier, DefinedEncryption, $"{field}.EncryptionAlgorithm.Identifier", "IPSEC_OFFLOAD_V2_ENCRYPTION_*")
            ?? NativeFields.CheckKeyRange(authentication.KeyOffsetBytes, authentication.KeyLength, keyArrayLength,
                $"{field}.AuthenticationAlgorithm.KeyOffsetBytes", keyArrayName)
            ?? NativeFields.CheckKeyRange(encryption.KeyOffsetBytes, encryption.KeyLength, keyArrayLength,
                $"{field}.EncryptionAlgorithm.KeyOffsetBytes", keyArrayName);
        if (error is not null)
        {
            return error;
        }

        sa = new IPsecV2SecurityAssociation((IPsecV2SaFlags)flags, (IPsecV2Operation)operation, NativeFields.ReadNetworkULong(s, SaSpiOffset),
            authentication, encryption, NativeFields.ReadULong(s, SaSequenceNumberHighOrderOffset));
        return null;
    }

    private static NdisError? CheckOperation(uint operation, string field, int offset) =>
        operation is (uint)IPsecV2Operation.Ah or (uint)IPsecV2Operation.Esp
            ? null
            : NativeFields.InvalidData(field,
                $"Operation {operation} (at structure offset {offset}) is not IPsecOffloadV2Ah (1) or IPsecOffloadV2Esp (2)");

    private static NdisError? CheckIdentifier(uint identifier, uint defined, string field, string family)
    {
        if (identifier == 0)
        {
            return null;
        }

        if ((identifier & (identifier - 1)) != 0)
        {
            return NativeFields.InvalidData(field, $"Identifier {NativeFields.Hex(identifier)} has more than one bit set; it must name one {family} algorithm");
        }

        return (identifier & defined) != 0
            ? null
            : NativeFields.InvalidData(field, $"Identifier {NativeFields.Hex(identifier)} is not a defined {family} value (mask {NativeFields.Hex(defined)})");
    }
}
