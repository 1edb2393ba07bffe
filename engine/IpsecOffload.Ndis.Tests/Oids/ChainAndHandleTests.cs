using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>
/// The chain layout of adapter-protocol.md "Framing" (Next = buffer offset, 0 = NULL; an ADD_SA ends
/// at KeyData + KeyLength, the next starts at the next 8 / 4-byte boundary), and the miniport's
/// in-place write-back of handles. Expected offsets are worked out by hand from the protocol text.
/// </summary>
public class ChainAndHandleTests
{
    private static IPsecV2AddSa Element(int keyLength, byte fill) => new(
        IPsecV2AddSaFlags.None, IPsecV2Endpoints.IPv4(0xC0A8_0001, 0xC0A8_0002), 0, IPsecV2UdpEspEncapsulation.None,
        new IPsecV2SecurityAssociation[]
        {
            new(IPsecV2SaFlags.None, IPsecV2Operation.Esp, 0x1000u + fill, default,
                IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.None, 0, 0), 0),
        },
        Enumerable.Repeat(fill, keyLength).ToArray());

    private static readonly IPsecV2AddSa[] ThreeElements = [Element(21, 0xA1), Element(36, 0xB2), Element(5, 0xC3)];

    // x64: KeyData 168. e0 0..189 -> next 192; e1 192..396 -> next 400; e2 400..573.
    // x86: KeyData 156. e0 0..177 -> next 180; e1 180..372 -> next 372; e2 372..533.
    [TestCase(NdisAbi.X64, new[] { 0, 192, 400 }, 573, 8, 168)]
    [TestCase(NdisAbi.X86, new[] { 0, 180, 372 }, 533, 4, 156)]
    public void AddSaChain_ThreeElements_LaidOutAsAdapterProtocolFraming(NdisAbi abi, int[] offsets, int total, int nextOffset, int keyData)
    {
        byte[] buffer = IPsecV2Codec.EncodeAddSaChain(ThreeElements, abi);
        int pointer = abi.PointerSize();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(buffer, Has.Length.EqualTo(total), "buffer ends at the last KeyData + KeyLength");
            Assert.That(IPsecV2Codec.AddSaChainOffsets(ThreeElements, abi, out int computedTotal), Is.EqualTo(offsets));
            Assert.That(computedTotal, Is.EqualTo(total));
            for (int i = 0; i < 3; i++)
            {
                int o = offsets[i];
                ulong expectedNext = i < 2 ? (ulong)offsets[i + 1] : 0;
                ulong next = pointer == 8 ? LittleEndian.U64(buffer, o + nextOffset) : LittleEndian.U32(buffer, o + nextOffset);
                Assert.That(next, Is.EqualTo(expectedNext), $"element {i} Next");
                int keyLength = ThreeElements[i].KeyData.Count;
                Assert.That(LittleEndian.U32(buffer, o + keyData - 4), Is.EqualTo((uint)keyLength), $"element {i} KeyLength");
                HexAssert.AreEqual(ThreeElements[i].KeyData.ToArray(), buffer.AsSpan(o + keyData, keyLength), $"element {i} KeyData");
                int end = o + keyData + keyLength;
                int nextStart = i < 2 ? offsets[i + 1] : total;
                HexAssert.AreEqual(new byte[nextStart - end], buffer.AsSpan(end, nextStart - end), $"padding after element {i}");
                HexAssert.AreEqual("80 01", buffer.AsSpan(o, 2), $"element {i} header type and revision");
            }
        }
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void AddSaChain_ThreeElements_DecodesBackToTheSameElements(NdisAbi abi)
    {
        byte[] buffer = IPsecV2Codec.EncodeAddSaChain(ThreeElements, abi);
        var result = IPsecV2Codec.DecodeAddSaChain(buffer, abi);
        Assert.That(OidAssert.Accepted(result), Is.EqualTo(new EquatableArray<IPsecV2AddSa>(ThreeElements)));
        Assert.That(result.BytesRead, Is.EqualTo(buffer.Length));
    }

    [TestCase(NdisAbi.X64, 24, 8)]
    [TestCase(NdisAbi.X86, 12, 4)]
    public void DeleteSaChain_ThreeElements_NextIsTheFollowingStructuresOffset(NdisAbi abi, int size, int nextOffset)
    {
        IPsecV2DeleteSa[] chain = [new(0x11), new(0x22), new(0x33)];
        byte[] buffer = IPsecV2Codec.EncodeDeleteSaChain(chain, abi);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(buffer, Has.Length.EqualTo(3 * size));
            for (int i = 0; i < 3; i++)
            {
                ulong next = size == 24 ? LittleEndian.U64(buffer, i * size + nextOffset) : LittleEndian.U32(buffer, i * size + nextOffset);
                Assert.That(next, Is.EqualTo(i < 2 ? (ulong)((i + 1) * size) : 0UL), $"element {i} Next");
            }

            Assert.That(OidAssert.Accepted(IPsecV2Codec.DecodeDeleteSaChain(buffer, abi)), Is.EqualTo(new EquatableArray<IPsecV2DeleteSa>(chain)));
        }
    }

    [TestCase(NdisAbi.X64, new[] { 0, 192, 400 }, 56)]
    [TestCase(NdisAbi.X86, new[] { 0, 180, 372 }, 48)]
    public void AddSaChain_MiniportWritesHandles_OnlyEachOffloadHandleChangesAndReadsBack(NdisAbi abi, int[] offsets, int handleOffset)
    {
        byte[] before = IPsecV2Codec.EncodeAddSaChain(ThreeElements, abi);
        byte[] buffer = (byte[])before.Clone();
        ulong[] handles = abi == NdisAbi.X64
            ? [0xFFFF_FFFF_FFFF_FFFF, 0x0123_4567_89AB_CDEF, 0]
            : [0xFFFF_FFFF, 0x89AB_CDEF, 0];
        Assert.That(IPsecV2Codec.WriteAddSaOffloadHandles(buffer, abi, handles), Is.Null);

        byte[] expected = (byte[])before.Clone();
        for (int i = 0; i < 3; i++)
        {
            LittleEndianWrite.Pointer(expected, offsets[i] + handleOffset, abi, handles[i]);
        }

        HexAssert.AreEqual(expected, buffer, "chain after the miniport wrote handles");
        Assert.That(OidAssert.Accepted(IPsecV2Codec.ReadAddSaOffloadHandles(buffer, abi)), Is.EqualTo(new EquatableArray<ulong>(handles)));
    }

    [Test]
    public void AddSaChain_HandleCountDiffersFromChainLength_Throws()
    {
        byte[] buffer = IPsecV2Codec.EncodeAddSaChain(ThreeElements, NdisAbi.X64);
        Assert.That(() => IPsecV2Codec.WriteAddSaOffloadHandles(buffer, NdisAbi.X64, [1UL, 2UL]), Throws.ArgumentException);
    }

    [Test]
    public void AddSaChain_X86HandleWiderThan32Bits_Throws()
    {
        byte[] buffer = IPsecV2Codec.EncodeAddSaChain([ThreeElements[0]], NdisAbi.X86);
        Assert.That(() => IPsecV2Codec.WriteAddSaOffloadHandles(buffer, NdisAbi.X86, [0x1_0000_0000UL]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AddSaChain_WriteHandlesIntoBrokenChain_ReturnsTheErrorAndWritesNothing()
    {
        byte[] buffer = IPsecV2Codec.EncodeAddSaChain(ThreeElements, NdisAbi.X64);
        LittleEndianWrite.U64(buffer, 192 + 8, 8); // element 1 Next points backwards
        byte[] before = (byte[])buffer.Clone();
        NdisError? error = IPsecV2Codec.WriteAddSaOffloadHandles(buffer, NdisAbi.X64, [1UL, 2UL, 3UL]);
        Assert.That(error?.Field, Does.Contain("Next"));
        HexAssert.AreEqual(before, buffer, "buffer unchanged");
    }

    [TestCase(NdisAbi.X64, 48)]
    [TestCase(NdisAbi.X86, 44)]
    public void AddSaEx_MiniportWritesHandle_OnlyOffloadHandleChangesAndReadsBack(NdisAbi abi, int handleOffset)
    {
        var sa = new IPsecV2AddSaEx(0, IPsecV2Endpoints.IPv4(1, 2), 0, 0, new IPsecV2SecurityAssociation[] { new(0, IPsecV2Operation.Ah, 7, default, default, 0) }, new byte[] { 1, 2, 3 });
        byte[] before = IPsecV2Codec.EncodeAddSaEx(sa, abi);
        byte[] buffer = (byte[])before.Clone();
        IPsecV2Codec.WriteAddSaExOffloadHandle(buffer, abi, Distinct.Handle(abi));
        OidAssert.OnlyFieldChanged(before, buffer, handleOffset, Distinct.HandleBytes(abi), "IPSEC_OFFLOAD_V2_ADD_SA_EX.OffloadHandle");
        Assert.That(OidAssert.Accepted(IPsecV2Codec.ReadAddSaExOffloadHandle(buffer, abi)), Is.EqualTo(Distinct.Handle(abi)));
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddSa_MiniportWritesHandle_OnlyOffloadHandleChangesAndReadsBack(NdisAbi abi)
    {
        var sa = new OffloadIpsecAddSa(default, OffloadSaFlags.Outbound,
            new OffloadSecurityAssociation[] { new(OffloadOperation.Authenticate, 9, OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Sha, 20), default) },
            0, new byte[20]);
        byte[] before = OffloadIpsecV1Codec.EncodeAddSa(sa, abi);
        byte[] buffer = (byte[])before.Clone();
        OffloadIpsecV1Codec.WriteAddSaOffloadHandle(buffer, abi, Distinct.Handle(abi));
        OidAssert.OnlyFieldChanged(before, buffer, 168, Distinct.HandleBytes(abi), "OFFLOAD_IPSEC_ADD_SA.OffloadHandle");
        Assert.That(OidAssert.Accepted(OffloadIpsecV1Codec.ReadAddSaOffloadHandle(buffer, abi)), Is.EqualTo(Distinct.Handle(abi)));
    }

    [TestCase(NdisAbi.X64, 184)]
    [TestCase(NdisAbi.X86, 180)]
    public void V1AddUdpEspSa_MiniportWritesBothHandles_OnlyThoseBytesChangeAndReadBack(NdisAbi abi, int entryHandleOffset)
    {
        var sa = new OffloadIpsecAddUdpEspSa(default, OffloadSaFlags.Inbound,
            new OffloadSecurityAssociation[] { new(OffloadOperation.Encrypt, 9, default, OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.TripleDes, 24)) },
            0, new OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType.Other, 4500), 0, new byte[24]);
        byte[] before = OffloadIpsecV1Codec.EncodeAddUdpEspSa(sa, abi);
        byte[] buffer = (byte[])before.Clone();
        ulong entryHandle = abi == NdisAbi.X64 ? 0xFEDC_BA98_7654_3210 : 0xFEDC_BA98;
        byte[] entryHandleBytes = abi == NdisAbi.X64 ? [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE] : [0x98, 0xBA, 0xDC, 0xFE];
        OffloadIpsecV1Codec.WriteAddUdpEspSaHandles(buffer, abi, new OffloadUdpEspHandles(Distinct.Handle(abi), entryHandle));

        byte[] expected = (byte[])before.Clone();
        Distinct.HandleBytes(abi).CopyTo(expected, 168);
        entryHandleBytes.CopyTo(expected, entryHandleOffset);
        HexAssert.AreEqual(expected, buffer, "after the miniport wrote both handles");
        Assert.That(OidAssert.Accepted(OffloadIpsecV1Codec.ReadAddUdpEspSaHandles(buffer, abi)),
            Is.EqualTo(new OffloadUdpEspHandles(Distinct.Handle(abi), entryHandle)));
    }

    [Test]
    public void ReadHandles_BufferShorterThanFixedPart_InvalidLengthWithBytesNeeded()
    {
        var r = OffloadIpsecV1Codec.ReadAddSaOffloadHandle(new byte[100], NdisAbi.X64);
        OidAssert.Rejected(r, NdisStatus.InvalidLength, "OFFLOAD_IPSEC_ADD_SA", "180", "100");
        Assert.That(r.BytesNeeded, Is.EqualTo(180));
    }
}

/// <summary>Little-endian writes for patching buffers in tests.</summary>
internal static class LittleEndianWrite
{
    public static void U32(byte[] bytes, int offset, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

    public static void U64(byte[] bytes, int offset, ulong value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);

    public static void U16(byte[] bytes, int offset, ushort value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), value);

    public static void Pointer(byte[] bytes, int offset, NdisAbi abi, ulong value)
    {
        if (abi == NdisAbi.X64)
        {
            U64(bytes, offset, value);
        }
        else
        {
            U32(bytes, offset, checked((uint)value));
        }
    }
}
