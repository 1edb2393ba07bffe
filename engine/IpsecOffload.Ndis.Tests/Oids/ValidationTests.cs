using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>
/// Every malformed-buffer class of docs/decisions/oid-buffer-validation.md: the status, the field the
/// error names, and the numbers in its message. Buffers start valid and get one patch each.
/// </summary>
public class ValidationTests
{
    // ------------------------------------------------------------ valid starting points

    private static readonly IPsecV2SecurityAssociation EspSa = new(IPsecV2SaFlags.Esn, IPsecV2Operation.Esp, 0x1234_5678,
        IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha1, 20, 16),
        IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.AesCbc128, 16, 0), 0);

    private static readonly IPsecV2SecurityAssociation AhSa = new(IPsecV2SaFlags.None, IPsecV2Operation.Ah, 0x9ABC_DEF0,
        IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha256, 32, 36), default, 0);

    private static IPsecV2AddSa V2Element() => new(IPsecV2AddSaFlags.Inbound, IPsecV2Endpoints.IPv4(0x0A00_0001, 0x0A00_0002), 0,
        IPsecV2UdpEspEncapsulation.None, new[] { EspSa, AhSa }, new byte[68]);

    private static byte[] V2Chain(NdisAbi abi, int count = 2) =>
        IPsecV2Codec.EncodeAddSaChain(Enumerable.Repeat(V2Element(), count).ToArray(), abi);

    private static byte[] V2Ex(NdisAbi abi) => IPsecV2Codec.EncodeAddSaEx(
        new IPsecV2AddSaEx(0, IPsecV2Endpoints.IPv4(1, 2), 0, 0, new[] { EspSa, AhSa }, new byte[68]), abi);

    private static OffloadIpsecAddSa V1AddSa() => new(default, OffloadSaFlags.Outbound, new OffloadSecurityAssociation[]
    {
        new(OffloadOperation.Encrypt, 0x100, OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Sha, 20), OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.TripleDes, 24)),
        new(OffloadOperation.Authenticate, 0x200, OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Md5, 16), default),
    }, 0, new byte[60]);

    private static byte[] V1Add(NdisAbi abi) => OffloadIpsecV1Codec.EncodeAddSa(V1AddSa(), abi);

    private static byte[] V1Udp(NdisAbi abi)
    {
        var a = V1AddSa();
        return OffloadIpsecV1Codec.EncodeAddUdpEspSa(new OffloadIpsecAddUdpEspSa(a.Filter, a.Flags, a.SecAssoc, 0,
            new OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType.Other, 4500), 0, a.KeyMat), abi);
    }

    private static int V2Sa(NdisAbi abi, int slot, int inner) => IPsecV2AddSaLayout.AddSa(abi).SecAssoc + 48 * slot + inner;

    private static int V1Sa(int slot, int inner) => 36 + 44 * slot + inner;

    private static IPsecV2AddSa[] Baseline(NdisAbi abi) => OidAssert.Accepted(IPsecV2Codec.DecodeAddSaChain(V2Chain(abi), abi)).ToArray();

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void ValidStartingPoints_AllDecode(NdisAbi abi)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Baseline(abi), Has.Length.EqualTo(2));
            Assert.That(IPsecV2Codec.DecodeAddSaEx(V2Ex(abi), abi).Succeeded, Is.True);
            Assert.That(OffloadIpsecV1Codec.DecodeAddSa(V1Add(abi), abi).Succeeded, Is.True);
            Assert.That(OffloadIpsecV1Codec.DecodeAddUdpEspSa(V1Udp(abi), abi).Succeeded, Is.True);
        }
    }

    // ------------------------------------------------------------ 1. buffer too short for the fixed part

    [TestCase(NdisAbi.X64, 168)]
    [TestCase(NdisAbi.X86, 156)]
    public void V2AddSa_BufferOneShortOfKeyData_InvalidLengthWithBytesNeeded(NdisAbi abi, int fixedPart)
    {
        var r = IPsecV2Codec.DecodeAddSaChain(V2Chain(abi, 1).AsSpan(0, fixedPart - 1), abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "IPSEC_OFFLOAD_V2_ADD_SA[0]", $"{fixedPart}", $"{fixedPart - 1}");
        Assert.That(r.BytesNeeded, Is.EqualTo(fixedPart));
    }

    [TestCase(NdisAbi.X64, 240, 408)]
    [TestCase(NdisAbi.X86, 224, 380)]
    public void V2AddSa_SecondElementTruncated_InvalidLengthNamesElementAndBytesNeeded(NdisAbi abi, int secondOffset, int needed)
    {
        byte[] chain = V2Chain(abi);
        var r = IPsecV2Codec.DecodeAddSaChain(chain.AsSpan(0, secondOffset + 10), abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "IPSEC_OFFLOAD_V2_ADD_SA[1]", $"offset {secondOffset}");
        Assert.That(r.BytesNeeded, Is.EqualTo(needed));
    }

    public static IEnumerable<TestCaseData> ShortBuffers()
    {
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            bool x64 = abi == NdisAbi.X64;
            string a = abi.ToProtocolName();
            yield return Short(a, "OFFLOAD_IPSEC_ADD_SA", x64 ? 180 : 176, n => OffloadIpsecV1Codec.DecodeAddSa(new byte[n], abi));
            yield return Short(a, "OFFLOAD_IPSEC_ADD_UDPESP_SA", x64 ? 196 : 188, n => OffloadIpsecV1Codec.DecodeAddUdpEspSa(new byte[n], abi));
            yield return Short(a, "OFFLOAD_IPSEC_DELETE_SA", x64 ? 8 : 4, n => OffloadIpsecV1Codec.DecodeDeleteSa(new byte[n], abi));
            yield return Short(a, "OFFLOAD_IPSEC_DELETE_UDPESP_SA", x64 ? 16 : 8, n => OffloadIpsecV1Codec.DecodeDeleteUdpEspSa(new byte[n], abi));
            yield return Short(a, "IPSEC_OFFLOAD_V2_ADD_SA_EX", x64 ? 170 : 162, n => IPsecV2Codec.DecodeAddSaEx(new byte[n], abi));
            yield return Short(a, "IPSEC_OFFLOAD_V2_DELETE_SA[0]", x64 ? 24 : 12, n => IPsecV2Codec.DecodeDeleteSaChain(new byte[n], abi));
            yield return Short(a, "IPSEC_OFFLOAD_V2_UPDATE_SA", x64 ? 28 : 20, n => IPsecV2Codec.DecodeUpdateSa(new byte[n], abi));
        }

        yield return Short("any", "NDIS_OFFLOAD_PARAMETERS", 20, n => NdisOffloadParametersCodec.Decode(new byte[n]));
    }

    private static TestCaseData Short<T>(string abi, string structure, int needed, Func<int, OidDecodeResult<T>> decode) =>
        new TestCaseData(structure, needed, (Func<int, (NdisError?, int)>)(n =>
        {
            var r = decode(n);
            return (r.Error, r.BytesNeeded);
        })).SetArgDisplayNames(abi, structure, $"{needed}");

    [TestCaseSource(nameof(ShortBuffers))]
    public void Decode_BufferOneByteShortOfFixedPart_InvalidLengthNamingStructureAndBytesNeeded(string structure, int needed, Func<int, (NdisError?, int)> decode)
    {
        var (error, bytesNeeded) = decode(needed - 1);
        Assert.That(error, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Status, Is.EqualTo(NdisStatus.InvalidLength), error.ToString());
            Assert.That(error.Field, Does.Contain(structure));
            Assert.That(error.Message, Does.Contain($"{needed - 1}"));
            Assert.That(bytesNeeded, Is.EqualTo(needed));
        }
    }

    [Test]
    public void OffloadParameters_Revision2HeaderIn20ByteBuffer_InvalidLengthNeeds22()
    {
        byte[] buffer = NdisOffloadParametersCodec.Encode(new NdisOffloadParameters()).AsSpan(0, 20).ToArray();
        var r = NdisOffloadParametersCodec.Decode(buffer);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "NDIS_OFFLOAD_PARAMETERS", "22", "20");
        Assert.That(r.BytesNeeded, Is.EqualTo(22));
    }

    // ------------------------------------------------------------ 2. NDIS_OBJECT_HEADER

    public static IEnumerable<TestCaseData> HeaderDecoders()
    {
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            string a = abi.ToProtocolName();
            yield return Header(a, "IPSEC_OFFLOAD_V2_ADD_SA[0]", abi == NdisAbi.X64 ? 169 : 157, () => V2Chain(abi, 1), b => IPsecV2Codec.DecodeAddSaChain(b, abi).Error);
            yield return Header(a, "IPSEC_OFFLOAD_V2_ADD_SA_EX", abi == NdisAbi.X64 ? 170 : 162, () => V2Ex(abi), b => IPsecV2Codec.DecodeAddSaEx(b, abi).Error);
            yield return Header(a, "IPSEC_OFFLOAD_V2_DELETE_SA[0]", abi == NdisAbi.X64 ? 24 : 12, () => IPsecV2Codec.EncodeDeleteSaChain([new(5)], abi), b => IPsecV2Codec.DecodeDeleteSaChain(b, abi).Error);
            yield return Header(a, "IPSEC_OFFLOAD_V2_UPDATE_SA", abi == NdisAbi.X64 ? 28 : 20, () => IPsecV2Codec.EncodeUpdateSa(new(5, IPsecV2Operation.Esp, 1, 2), abi), b => IPsecV2Codec.DecodeUpdateSa(b, abi).Error);
        }

        yield return Header("any", "NDIS_OFFLOAD_PARAMETERS", 22, () => NdisOffloadParametersCodec.Encode(new NdisOffloadParameters()), b => NdisOffloadParametersCodec.Decode(b).Error);
    }

    private static TestCaseData Header(string abi, string structure, int minimumSize, Func<byte[]> build, Func<byte[], NdisError?> decode) =>
        new TestCaseData(structure, minimumSize, build, decode).SetArgDisplayNames(abi, structure);

    [TestCaseSource(nameof(HeaderDecoders))]
    public void Header_TypeNotDefault_InvalidDataNamingHeaderType(string structure, int minimumSize, Func<byte[]> build, Func<byte[], NdisError?> decode)
    {
        _ = minimumSize;
        byte[] b = build();
        b[0] = 0xA7;
        AssertError(decode(b), NdisStatus.InvalidData, $"{structure}.Header.Type", "0xA7", "0x80");
    }

    [TestCaseSource(nameof(HeaderDecoders))]
    public void Header_RevisionZero_InvalidDataNamingHeaderRevision(string structure, int minimumSize, Func<byte[]> build, Func<byte[], NdisError?> decode)
    {
        _ = minimumSize;
        byte[] b = build();
        b[1] = 0;
        AssertError(decode(b), NdisStatus.InvalidData, $"{structure}.Header.Revision", "0");
    }

    [TestCaseSource(nameof(HeaderDecoders))]
    public void Header_SizeOneBelowRevisionSize_InvalidDataNamingHeaderSize(string structure, int minimumSize, Func<byte[]> build, Func<byte[], NdisError?> decode)
    {
        byte[] b = build();
        LittleEndianWrite.U16(b, 2, (ushort)(minimumSize - 1));
        AssertError(decode(b), NdisStatus.InvalidData, $"{structure}.Header.Size", $"{minimumSize - 1}", $"{minimumSize}");
    }

    [TestCaseSource(nameof(HeaderDecoders))]
    public void Header_SizeAtRevisionSizeOrSizeofOrLarger_Accepted(string structure, int minimumSize, Func<byte[]> build, Func<byte[], NdisError?> decode)
    {
        _ = structure;
        foreach (int size in new[] { minimumSize, minimumSize + 7, ushort.MaxValue })
        {
            byte[] b = build();
            LittleEndianWrite.U16(b, 2, (ushort)size);
            Assert.That(decode(b), Is.Null, $"Size {size}");
        }
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2AddSa_StructureSizeConvention_Accepted(NdisAbi abi)
    {
        byte[] b = IPsecV2Codec.EncodeAddSaChain([V2Element()], abi, NdisHeaderSizeConvention.StructureSize);
        Assert.That(IPsecV2Codec.DecodeAddSaChain(b, abi).Succeeded, Is.True);
    }

    // ------------------------------------------------------------ 3. key material outside the buffer

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddSa_KeyLenPastBufferEnd_InvalidLengthWithBytesNeeded(NdisAbi abi)
    {
        var layout = OffloadIpsecV1AddLayout.AddSa(abi);
        byte[] b = V1Add(abi);
        LittleEndianWrite.U32(b, layout.KeyLen, 61);
        var r = OffloadIpsecV1Codec.DecodeAddSa(b, abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "OFFLOAD_IPSEC_ADD_SA.KeyLen", "KeyLen 61", $"{b.Length}");
        Assert.That(r.BytesNeeded, Is.EqualTo(layout.KeyMat + 61));
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddUdpEspSa_KeyLenPastBufferEnd_InvalidLengthWithBytesNeeded(NdisAbi abi)
    {
        var layout = OffloadIpsecV1AddLayout.AddUdpEspSa(abi);
        byte[] b = V1Udp(abi);
        LittleEndianWrite.U32(b, layout.KeyLen, uint.MaxValue);
        var r = OffloadIpsecV1Codec.DecodeAddUdpEspSa(b, abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "OFFLOAD_IPSEC_ADD_UDPESP_SA.KeyLen", "KeyLen 4294967295");
        Assert.That(r.BytesNeeded, Is.EqualTo(int.MaxValue), "clamped");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddSa_AlgoKeylensExceedKeyLen_InvalidDataNamingKeyLen(NdisAbi abi)
    {
        byte[] b = V1Add(abi);
        LittleEndianWrite.U32(b, V1Sa(1, 12), 17); // SecAssoc[1].IntegrityAlgo.algoKeylen 16 -> 17: 20 + 24 + 17 = 61 > 60
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddSa(b, abi), NdisStatus.InvalidData, "OFFLOAD_IPSEC_ADD_SA.KeyLen", "61", "KeyLen 60");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2AddSa_KeyLengthPastBufferEnd_InvalidLengthWithBytesNeeded(NdisAbi abi)
    {
        var layout = IPsecV2AddSaLayout.AddSa(abi);
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, layout.KeyLength, 69);
        var r = IPsecV2Codec.DecodeAddSaChain(b, abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "IPSEC_OFFLOAD_V2_ADD_SA[0].KeyLength", "KeyLength 69", $"{b.Length}");
        Assert.That(r.BytesNeeded, Is.EqualTo(layout.KeyData + 69));
    }

    [TestCase(NdisAbi.X64, 240)]
    [TestCase(NdisAbi.X86, 224)]
    public void V2AddSa_SecondElementKeyLengthPastBufferEnd_InvalidLengthNamesSecondElement(NdisAbi abi, int secondOffset)
    {
        var layout = IPsecV2AddSaLayout.AddSa(abi);
        byte[] b = V2Chain(abi);
        LittleEndianWrite.U32(b, secondOffset + layout.KeyLength, 1000);
        var r = IPsecV2Codec.DecodeAddSaChain(b, abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "IPSEC_OFFLOAD_V2_ADD_SA[1].KeyLength", "KeyLength 1000");
        Assert.That(r.BytesNeeded, Is.EqualTo(secondOffset + layout.KeyData + 1000));
    }

    [TestCase(NdisAbi.X64, 0, 12, "AuthenticationAlgorithm")]
    [TestCase(NdisAbi.X86, 0, 28, "EncryptionAlgorithm")]
    [TestCase(NdisAbi.X64, 1, 12, "AuthenticationAlgorithm")]
    public void V2AddSa_AlgorithmKeyPastKeyData_InvalidDataNamingKeyOffsetBytes(NdisAbi abi, int slot, int algorithm, string member)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, V2Sa(abi, slot, algorithm + 8), 60); // KeyOffsetBytes 60 + KeyLength (>= 16) > 68
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData,
            $"SecAssoc[{slot}].{member}.KeyOffsetBytes", "KeyOffsetBytes 60", "68-byte KeyData array");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2AddSa_AlgorithmKeyOffsetBytesOverflowingUInt32_InvalidData(NdisAbi abi)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, V2Sa(abi, 0, 28 + 8), uint.MaxValue);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, "EncryptionAlgorithm.KeyOffsetBytes", "4294967295");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2AddSaEx_KeyOffsetPlusKeyLengthPastBufferEnd_InvalidLengthWithBytesNeeded(NdisAbi abi)
    {
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        byte[] b = V2Ex(abi);
        LittleEndianWrite.U32(b, layout.KeyOffset, (uint)layout.Size + 1);
        var r = IPsecV2Codec.DecodeAddSaEx(b, abi);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "IPSEC_OFFLOAD_V2_ADD_SA_EX.KeyOffset", $"KeyOffset {layout.Size + 1}", "KeyLength 68", $"{b.Length}");
        Assert.That(r.BytesNeeded, Is.EqualTo(b.Length + 1));
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2AddSaEx_KeyOffsetInsideFixedPart_InvalidData(NdisAbi abi)
    {
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        byte[] b = V2Ex(abi);
        LittleEndianWrite.U32(b, layout.KeyOffset, 40);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaEx(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA_EX.KeyOffset", "KeyOffset 40", $"{layout.SizeofRevision1}");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2AddSaEx_AlgorithmKeyPastKeyArray_InvalidData(NdisAbi abi)
    {
        var layout = IPsecV2AddSaLayout.AddSaEx(abi);
        byte[] b = V2Ex(abi);
        LittleEndianWrite.U32(b, layout.SecAssoc + 48 + 12 + 4, 33); // SecAssoc[1].AuthenticationAlgorithm.KeyLength: 36 + 33 > 68
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaEx(b, abi), NdisStatus.InvalidData, "SecAssoc[1].AuthenticationAlgorithm.KeyOffsetBytes", "KeyLength 33", "68");
    }

    // ------------------------------------------------------------ 4. algorithm identifiers

    [TestCase(NdisAbi.X64, 8, 3u, "IntegrityAlgo.algoIdentifier", "3")]
    [TestCase(NdisAbi.X86, 20, 2u, "ConfAlgo.algoIdentifier", "2")]
    [TestCase(NdisAbi.X64, 20, 4u, "ConfAlgo.algoIdentifier", "4")]
    public void V1AddSa_UndefinedAlgorithmIdentifier_InvalidData(NdisAbi abi, int inner, uint value, string field, string number)
    {
        byte[] b = V1Add(abi);
        LittleEndianWrite.U32(b, V1Sa(1, inner), value);
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddSa(b, abi), NdisStatus.InvalidData, $"SecAssoc[1].{field}", $"algoIdentifier {number}");
    }

    [TestCase(NdisAbi.X64, 12, 0x0000_0040u, "AuthenticationAlgorithm.Identifier", "not a defined")]
    [TestCase(NdisAbi.X86, 28, 0x0000_0200u, "EncryptionAlgorithm.Identifier", "not a defined")]
    [TestCase(NdisAbi.X64, 12, 0x0000_0003u, "AuthenticationAlgorithm.Identifier", "more than one bit")]
    [TestCase(NdisAbi.X86, 28, 0x0000_0018u, "EncryptionAlgorithm.Identifier", "more than one bit")]
    [TestCase(NdisAbi.X64, 28, 0x8000_0000u, "EncryptionAlgorithm.Identifier", "not a defined")]
    public void V2AddSa_BadAlgorithmIdentifier_InvalidData(NdisAbi abi, int inner, uint value, string field, string why)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, V2Sa(abi, 0, inner), value);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, $"SecAssoc[0].{field}", $"0x{value:X8}", why);
    }

    // ------------------------------------------------------------ 5. Operation

    [TestCase(NdisAbi.X64, 0u)]
    [TestCase(NdisAbi.X86, 3u)]
    public void V1AddSa_UndefinedOperation_InvalidData(NdisAbi abi, uint operation)
    {
        byte[] b = V1Add(abi);
        LittleEndianWrite.U32(b, V1Sa(0, 0), operation);
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddSa(b, abi), NdisStatus.InvalidData, "OFFLOAD_IPSEC_ADD_SA.SecAssoc[0].Operation", $"Operation {operation}");
    }

    [TestCase(NdisAbi.X64, 0u)]
    [TestCase(NdisAbi.X86, 3u)]
    public void V2AddSa_UndefinedOperation_InvalidData(NdisAbi abi, uint operation)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, V2Sa(abi, 1, 4), operation);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA[0].SecAssoc[1].Operation", $"Operation {operation}");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V2UpdateSa_OperationMax_InvalidData(NdisAbi abi)
    {
        byte[] b = IPsecV2Codec.EncodeUpdateSa(new(1, (IPsecV2Operation)3, 2, 3), abi);
        OidAssert.Rejected(IPsecV2Codec.DecodeUpdateSa(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_UPDATE_SA.Operation", "Operation 3");
    }

    // ------------------------------------------------------------ 6. SA counts

    [TestCase(NdisAbi.X64, 0u)]
    [TestCase(NdisAbi.X86, 3u)]
    [TestCase(NdisAbi.X64, 0xFFFF_FFFFu)]
    public void V2AddSa_NumExtHdrsNotOneOrTwo_InvalidData(NdisAbi abi, uint value)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, IPsecV2AddSaLayout.AddSa(abi).NumExtHdrs, value);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA[0].NumExtHdrs", $"NumExtHdrs {value}");
    }

    [TestCase(NdisAbi.X86, 3u)]
    public void V2AddSaEx_NumExtHdrsThree_InvalidData(NdisAbi abi, uint value)
    {
        byte[] b = V2Ex(abi);
        LittleEndianWrite.U32(b, 4, value);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaEx(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA_EX.NumExtHdrs", $"NumExtHdrs {value}");
    }

    [TestCase(NdisAbi.X64, (ushort)0, "0")]
    [TestCase(NdisAbi.X86, (ushort)4, "4")]
    [TestCase(NdisAbi.X64, (ushort)0xFFFF, "-1")]
    public void V1AddSa_NumSasOutsideOneToThree_InvalidData(NdisAbi abi, ushort value, string shown)
    {
        byte[] b = V1Add(abi);
        LittleEndianWrite.U16(b, 34, value);
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddSa(b, abi), NdisStatus.InvalidData, "OFFLOAD_IPSEC_ADD_SA.NumSAs", $"NumSAs {shown}", "3");
    }

    [TestCase(NdisAbi.X86)]
    public void V1AddUdpEspSa_NumSasFour_InvalidData(NdisAbi abi)
    {
        byte[] b = V1Udp(abi);
        LittleEndianWrite.U16(b, 34, 4);
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddUdpEspSa(b, abi), NdisStatus.InvalidData, "OFFLOAD_IPSEC_ADD_UDPESP_SA.NumSAs", "NumSAs 4");
    }

    // ------------------------------------------------------------ 7. Next

    // x64 chain of two: elements at 0 and 240 (each 168 + 68 = 236 -> 240), buffer 476.
    // x86 chain of two: elements at 0 and 224 (156 + 68 = 224), buffer 448.
    [TestCase(NdisAbi.X64, 240u, 8u, "backwards")]
    [TestCase(NdisAbi.X86, 224u, 4u, "backwards")]
    [TestCase(NdisAbi.X64, 0u, 0u, "itself")]
    [TestCase(NdisAbi.X64, 0u, 232u, "itself")]
    [TestCase(NdisAbi.X86, 0u, 220u, "itself")]
    [TestCase(NdisAbi.X64, 0u, 244u, "multiple of 8")]
    [TestCase(NdisAbi.X86, 0u, 226u, "multiple of 4")]
    [TestCase(NdisAbi.X64, 0u, 480u, "outside")]
    [TestCase(NdisAbi.X86, 0u, 0xFFFF_FFFCu, "outside")]
    public void V2AddSa_BadNext_InvalidDataNamingNext(NdisAbi abi, uint element, uint next, string why)
    {
        byte[] b = V2Chain(abi);
        int elementOffset = (int)element;
        int index = elementOffset == 0 ? 0 : 1;
        if (index == 0 && next == 0)
        {
            // "itself": the first element pointing at offset 0 cannot be expressed (0 = NULL); use the second.
            elementOffset = abi == NdisAbi.X64 ? 240 : 224;
            index = 1;
            next = (uint)elementOffset;
        }

        LittleEndianWrite.Pointer(b, elementOffset + IPsecV2AddSaLayout.AddSa(abi).Next, abi, next);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, $"IPSEC_OFFLOAD_V2_ADD_SA[{index}].Next", $"Next {next}", why);
    }

    [TestCase(NdisAbi.X64, 24, 32u, "itself")]
    [TestCase(NdisAbi.X86, 12, 12u, "itself")]
    [TestCase(NdisAbi.X64, 24, 8u, "backwards")]
    [TestCase(NdisAbi.X86, 12, 26u, "multiple of 4")]
    [TestCase(NdisAbi.X64, 24, 72u, "outside")]
    public void V2DeleteSa_BadNext_InvalidDataNamingNext(NdisAbi abi, int elementOffset, uint next, string why)
    {
        byte[] b = IPsecV2Codec.EncodeDeleteSaChain([new(1), new(2), new(3)], abi);
        LittleEndianWrite.Pointer(b, elementOffset + IPsecV2SmallLayout.DeleteSa(abi).Next, abi, next);
        OidAssert.Rejected(IPsecV2Codec.DecodeDeleteSaChain(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_DELETE_SA[1].Next", $"Next {next}", why);
    }

    [Test]
    public void V2AddSa_NextLeavesAGapAfterAlignedEnd_Accepted()
    {
        // Not what the encoder produces, but a forward, aligned, in-buffer pointer cannot loop.
        var chain = new[] { V2Element(), V2Element() };
        byte[] tight = IPsecV2Codec.EncodeAddSaChain(chain, NdisAbi.X64);
        byte[] gapped = new byte[tight.Length + 16];
        tight.AsSpan(0, 240).CopyTo(gapped);
        tight.AsSpan(240).CopyTo(gapped.AsSpan(256));
        LittleEndianWrite.U64(gapped, 8, 256);
        Assert.That(OidAssert.Accepted(IPsecV2Codec.DecodeAddSaChain(gapped, NdisAbi.X64)), Is.EqualTo(new EquatableArray<IPsecV2AddSa>(chain)));
    }

    // ------------------------------------------------------------ 8. reserved / undefined flag bits

    [TestCase(NdisAbi.X64, 0x0000_0002u)]
    [TestCase(NdisAbi.X86, 0x0000_0100u)]
    [TestCase(NdisAbi.X64, 0x8000_0000u)]
    public void V2AddSa_UndefinedFlagBits_InvalidDataNamingFlags(NdisAbi abi, uint flags)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, IPsecV2AddSaLayout.AddSa(abi).Flags, flags | 0x1);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA[0].Flags", $"0x{flags:X8}");
    }

    [TestCase(NdisAbi.X86, 0x0000_0002u)]
    public void V2AddSaEx_UndefinedFlagBits_InvalidData(NdisAbi abi, uint flags)
    {
        byte[] b = V2Ex(abi);
        LittleEndianWrite.U32(b, 8, flags);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaEx(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA_EX.Flags", $"0x{flags:X8}");
    }

    [TestCase(NdisAbi.X64, 0x0000_0002u)]
    [TestCase(NdisAbi.X86, 0x0000_0010u)]
    public void V2SecurityAssociation_UndefinedFlagBits_InvalidDataNamingSaFlags(NdisAbi abi, uint flags)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, V2Sa(abi, 1, 0), flags);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, "SecAssoc[1].Flags", $"0x{flags:X8}", "IPSEC_OFFLOAD_V2_ESN_SA");
    }

    [TestCase(NdisAbi.X64, (ushort)0x0004)]
    [TestCase(NdisAbi.X86, (ushort)0x8001)]
    public void V1AddSa_UndefinedFlagBits_InvalidDataNamingFlags(NdisAbi abi, ushort flags)
    {
        byte[] b = V1Add(abi);
        LittleEndianWrite.U16(b, 32, flags);
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddSa(b, abi), NdisStatus.InvalidData, "OFFLOAD_IPSEC_ADD_SA.Flags", $"0x{flags:X4}");
    }

    // ------------------------------------------------------------ 9. UDP-ESP encapsulation

    [TestCase(NdisAbi.X64, 3u)]
    [TestCase(NdisAbi.X86, 0x10u)]
    public void V2AddSa_UndefinedUdpEspEncapsulation_InvalidData(NdisAbi abi, uint value)
    {
        byte[] b = V2Chain(abi, 1);
        LittleEndianWrite.U32(b, IPsecV2AddSaLayout.AddSa(abi).UdpEspEncapsulation, value);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaChain(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA[0].UdpEspEncapsulation", $"0x{value:X8}");
    }

    [TestCase(NdisAbi.X64, 6u)]
    public void V2AddSaEx_UndefinedUdpEspEncapsulation_InvalidData(NdisAbi abi, uint value)
    {
        byte[] b = V2Ex(abi);
        LittleEndianWrite.U32(b, IPsecV2AddSaLayout.AddSaEx(abi).UdpEspEncapsulation, value);
        OidAssert.Rejected(IPsecV2Codec.DecodeAddSaEx(b, abi), NdisStatus.InvalidData, "IPSEC_OFFLOAD_V2_ADD_SA_EX.UdpEspEncapsulation", $"0x{value:X8}");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddUdpEspSa_UndefinedUdpEncapType_InvalidData(NdisAbi abi)
    {
        byte[] b = V1Udp(abi);
        LittleEndianWrite.U32(b, OffloadIpsecV1AddLayout.AddUdpEspSa(abi).EncapTypeEntry, 2);
        OidAssert.Rejected(OffloadIpsecV1Codec.DecodeAddUdpEspSa(b, abi), NdisStatus.InvalidData, "EncapTypeEntry.UdpEncapType", "UdpEncapType 2");
    }

    // ------------------------------------------------------------ 10. NDIS_OFFLOAD_PARAMETERS values

    [TestCase(10, (byte)5, "IPsecV1")]
    [TestCase(20, (byte)5, "IPsecV2")]
    [TestCase(21, (byte)0xFF, "IPsecV2IPv4")]
    [TestCase(4, (byte)5, "IPv4Checksum")]
    [TestCase(9, (byte)3, "LsoV1")]
    [TestCase(12, (byte)3, "LsoV2IPv6")]
    public void OffloadParameters_UndefinedValue_InvalidDataNamingMember(int offset, byte value, string member)
    {
        byte[] b = NdisOffloadParametersCodec.Encode(new NdisOffloadParameters());
        b[offset] = value;
        OidAssert.Rejected(NdisOffloadParametersCodec.Decode(b), NdisStatus.InvalidData, $"NDIS_OFFLOAD_PARAMETERS.{member}", $"{member} {value}");
    }

    [Test]
    public void OffloadParameters_Revision3_DecodesAsRevision2()
    {
        byte[] b = NdisOffloadParametersCodec.Encode(new NdisOffloadParameters(IPsecV2: OffloadParametersIpsec.EspEnabled)).Concat(new byte[2]).ToArray();
        b[1] = 3;
        LittleEndianWrite.U16(b, 2, 24);
        var p = OidAssert.Accepted(NdisOffloadParametersCodec.Decode(b));
        Assert.That((p.Revision, p.IPsecV2), Is.EqualTo(((byte)2, OffloadParametersIpsec.EspEnabled)));
    }

    private static void AssertError(NdisError? error, NdisStatus status, string field, params string[] messageParts)
    {
        Assert.That(error, Is.Not.Null, "expected a rejection");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Status, Is.EqualTo(status), error.ToString());
            Assert.That(error.Field, Is.EqualTo(field), error.ToString());
            foreach (string part in messageParts)
            {
                Assert.That(error.Message, Does.Contain(part), error.ToString());
            }
        }
    }
}
