using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>
/// Pins every structure size and member offset, x64 and x86, to the spec digest's numbers (§3.2,
/// §4.2, §5.5): a distinctive value written into one typed member must change exactly the bytes at
/// the digest's offset, and nothing else: little-endian, except the AMB-19 network-order members (SPIs,
/// IPv4 addresses and masks, v1 ports), which must appear big-endian (0xA1B2C3D4 → a1 b2 c3 d4).
/// Offsets here are literals from the digest, never the codec's constants.
/// </summary>
public class LayoutTests
{
    public sealed record FieldCase(string Field, int Offset, byte[] Expected, Func<byte[]> Baseline, Func<byte[]> Modified)
    {
        public override string ToString() => $"{Field}@{Offset}";
    }

    private static TestCaseData Case(FieldCase c) => new TestCaseData(c).SetArgDisplayNames($"{c.Field}@{c.Offset}");

    [TestCaseSource(nameof(AllFields))]
    public void Field_DistinctiveValue_ChangesExactlyItsBytesAtDigestOffset(FieldCase c)
    {
        OidAssert.OnlyFieldChanged(c.Baseline(), c.Modified(), c.Offset, c.Expected, c.Field);
    }

    public static IEnumerable<TestCaseData> AllFields() =>
        OffloadParametersFields().Concat(V1Fields(NdisAbi.X64)).Concat(V1Fields(NdisAbi.X86))
            .Concat(V2AddSaFields(NdisAbi.X64)).Concat(V2AddSaFields(NdisAbi.X86))
            .Concat(V2AddSaExFields(NdisAbi.X64)).Concat(V2AddSaExFields(NdisAbi.X86))
            .Concat(V2SmallFields(NdisAbi.X64)).Concat(V2SmallFields(NdisAbi.X86))
            .Select(Case);

    // ------------------------------------------------------------ NDIS_OFFLOAD_PARAMETERS (§5.5)

    private static IEnumerable<FieldCase> OffloadParametersFields()
    {
        var b = new NdisOffloadParameters();
        byte[] Enc(NdisOffloadParameters p) => NdisOffloadParametersCodec.Encode(p);
        FieldCase U8(string name, int offset, Func<NdisOffloadParameters, NdisOffloadParameters> set) =>
            new($"NDIS_OFFLOAD_PARAMETERS.{name}", offset, [Distinct.U8], () => Enc(b), () => Enc(set(b)));

        yield return U8("IPv4Checksum", 4, p => p with { IPv4Checksum = (OffloadParametersChecksum)Distinct.U8 });
        yield return U8("TCPIPv4Checksum", 5, p => p with { TcpIPv4Checksum = (OffloadParametersChecksum)Distinct.U8 });
        yield return U8("UDPIPv4Checksum", 6, p => p with { UdpIPv4Checksum = (OffloadParametersChecksum)Distinct.U8 });
        yield return U8("TCPIPv6Checksum", 7, p => p with { TcpIPv6Checksum = (OffloadParametersChecksum)Distinct.U8 });
        yield return U8("UDPIPv6Checksum", 8, p => p with { UdpIPv6Checksum = (OffloadParametersChecksum)Distinct.U8 });
        yield return U8("LsoV1", 9, p => p with { LsoV1 = (OffloadParametersLso)Distinct.U8 });
        yield return U8("IPsecV1", 10, p => p with { IPsecV1 = (OffloadParametersIpsec)Distinct.U8 });
        yield return U8("LsoV2IPv4", 11, p => p with { LsoV2IPv4 = (OffloadParametersLso)Distinct.U8 });
        yield return U8("LsoV2IPv6", 12, p => p with { LsoV2IPv6 = (OffloadParametersLso)Distinct.U8 });
        yield return U8("TcpConnectionIPv4", 13, p => p with { TcpConnectionIPv4 = Distinct.U8 });
        yield return U8("TcpConnectionIPv6", 14, p => p with { TcpConnectionIPv6 = Distinct.U8 });
        yield return new("NDIS_OFFLOAD_PARAMETERS.Flags", 16, Distinct.U32Bytes, () => Enc(b), () => Enc(b with { Flags = Distinct.U32 }));
        yield return U8("IPsecV2", 20, p => p with { IPsecV2 = (OffloadParametersIpsec)Distinct.U8 });
        yield return U8("IPsecV2IPv4", 21, p => p with { IPsecV2IPv4 = (OffloadParametersIpsec)Distinct.U8 });
    }

    [Test]
    public void OffloadParameters_Revision2_Is22BytesWithHeader80_02_0016()
    {
        byte[] bytes = NdisOffloadParametersCodec.Encode(new NdisOffloadParameters());
        HexAssert.AreEqual("80 02 16 00" + new string('0', 36), bytes, "revision 2");
    }

    [Test]
    public void OffloadParameters_Revision1_Is20BytesWithHeader80_01_0014()
    {
        byte[] bytes = NdisOffloadParametersCodec.Encode(new NdisOffloadParameters(Revision: 1, IPsecV1: OffloadParametersIpsec.AhAndEspEnabled));
        HexAssert.AreEqual("80 01 14 00 00000000 00 00 04 00 00 00 00 00 00000000", bytes, "revision 1");
    }

    // ------------------------------------------------------------ v1 (§3.2)

    private static OffloadSecurityAssociation[] ThreeEmptySas() => [default, default, default];

    private static IEnumerable<FieldCase> V1Fields(NdisAbi abi)
    {
        string a = abi.ToProtocolName();
        var add = new OffloadIpsecAddSa(default, OffloadSaFlags.None, ThreeEmptySas(), 0, Array.Empty<byte>());
        var udp = new OffloadIpsecAddUdpEspSa(default, OffloadSaFlags.None, ThreeEmptySas(), 0, default, 0, Array.Empty<byte>());
        byte[] EncAdd(OffloadIpsecAddSa s) => OffloadIpsecV1Codec.EncodeAddSa(s, abi);
        byte[] EncUdp(OffloadIpsecAddUdpEspSa s) => OffloadIpsecV1Codec.EncodeAddUdpEspSa(s, abi);

        // The members both ADD structures share, at the same offsets on both ABIs.
        var common = new (string Name, int Offset, byte[] Expected, Func<OffloadSaFilter, OffloadSaFlags, (OffloadSaFilter, OffloadSaFlags)> Set)[]
        {
            ("SrcAddr", 0, Distinct.U32NetworkBytes, (f, g) => (f with { SrcAddr = Distinct.U32 }, g)),
            ("SrcMask", 4, Distinct.U32NetworkBytes, (f, g) => (f with { SrcMask = Distinct.U32 }, g)),
            ("DestAddr", 8, Distinct.U32NetworkBytes, (f, g) => (f with { DestAddr = Distinct.U32 }, g)),
            ("DestMask", 12, Distinct.U32NetworkBytes, (f, g) => (f with { DestMask = Distinct.U32 }, g)),
            ("Protocol", 16, Distinct.U32Bytes, (f, g) => (f with { Protocol = Distinct.U32 }, g)),
            ("SrcPort", 20, Distinct.U16NetworkBytes, (f, g) => (f with { SrcPort = Distinct.U16 }, g)),
            ("DestPort", 22, Distinct.U16NetworkBytes, (f, g) => (f with { DestPort = Distinct.U16 }, g)),
            ("SrcTunnelAddr", 24, Distinct.U32NetworkBytes, (f, g) => (f with { SrcTunnelAddr = Distinct.U32 }, g)),
            ("DestTunnelAddr", 28, Distinct.U32NetworkBytes, (f, g) => (f with { DestTunnelAddr = Distinct.U32 }, g)),
            ("Flags", 32, Distinct.U16Bytes, (f, g) => (f, (OffloadSaFlags)Distinct.U16)),
        };
        foreach (var (name, offset, expected, set) in common)
        {
            yield return new($"{a} OFFLOAD_IPSEC_ADD_SA.{name}", offset, expected, () => EncAdd(add), () =>
            {
                var (f, g) = set(add.Filter, add.Flags);
                return EncAdd(add with { Filter = f, Flags = g });
            });
            yield return new($"{a} OFFLOAD_IPSEC_ADD_UDPESP_SA.{name}", offset, expected, () => EncUdp(udp), () =>
            {
                var (f, g) = set(udp.Filter, udp.Flags);
                return EncUdp(udp with { Filter = f, Flags = g });
            });
        }

        yield return new($"{a} OFFLOAD_IPSEC_ADD_SA.NumSAs", 34, [0x03, 0x00],
            () => EncAdd(add with { SecAssoc = new OffloadSecurityAssociation[] { default } }), () => EncAdd(add));

        // OFFLOAD_SECURITY_ASSOCIATION (44) at 36 + 44k; OFFLOAD_ALGO_INFO (12) inside it.
        var saFields = new (string Name, int Offset, Func<OffloadSecurityAssociation, OffloadSecurityAssociation> Set)[]
        {
            ("Operation", 0, s => s with { Operation = (OffloadOperation)Distinct.U32 }),
            ("SPI", 4, s => s with { Spi = Distinct.U32 }), // network byte order (AMB-19)
            ("IntegrityAlgo.algoIdentifier", 8, s => s with { IntegrityAlgo = s.IntegrityAlgo with { AlgoIdentifier = Distinct.U32 } }),
            ("IntegrityAlgo.algoKeylen", 12, s => s with { IntegrityAlgo = s.IntegrityAlgo with { AlgoKeylen = Distinct.U32 } }),
            ("IntegrityAlgo.algoRounds", 16, s => s with { IntegrityAlgo = s.IntegrityAlgo with { AlgoRounds = Distinct.U32 } }),
            ("ConfAlgo.algoIdentifier", 20, s => s with { ConfAlgo = s.ConfAlgo with { AlgoIdentifier = Distinct.U32 } }),
            ("ConfAlgo.algoKeylen", 24, s => s with { ConfAlgo = s.ConfAlgo with { AlgoKeylen = Distinct.U32 } }),
            ("ConfAlgo.algoRounds", 28, s => s with { ConfAlgo = s.ConfAlgo with { AlgoRounds = Distinct.U32 } }),
            ("Reserved.algoIdentifier", 32, s => s with { Reserved = s.Reserved with { AlgoIdentifier = Distinct.U32 } }),
            ("Reserved.algoKeylen", 36, s => s with { Reserved = s.Reserved with { AlgoKeylen = Distinct.U32 } }),
            ("Reserved.algoRounds", 40, s => s with { Reserved = s.Reserved with { AlgoRounds = Distinct.U32 } }),
        };
        for (int k = 0; k < 3; k++)
        {
            int slot = k;
            foreach (var (name, inner, set) in saFields)
            {
                byte[] expected = name == "SPI" ? Distinct.U32NetworkBytes : Distinct.U32Bytes;
                yield return new($"{a} OFFLOAD_IPSEC_ADD_SA.SecAssoc[{slot}].{name}", 36 + 44 * slot + inner, expected,
                    () => EncAdd(add), () => EncAdd(add with { SecAssoc = add.SecAssoc.SetItem(slot, set(add.SecAssoc[slot])) }));
            }
        }

        yield return new($"{a} OFFLOAD_IPSEC_ADD_UDPESP_SA.SecAssoc[2].SPI", 36 + 88 + 4, Distinct.U32NetworkBytes,
            () => EncUdp(udp), () => EncUdp(udp with { SecAssoc = udp.SecAssoc.SetItem(2, default(OffloadSecurityAssociation) with { Spi = Distinct.U32 }) }));

        ulong h = Distinct.Handle(abi);
        byte[] hb = Distinct.HandleBytes(abi);
        bool x64 = abi == NdisAbi.X64;
        yield return new($"{a} OFFLOAD_IPSEC_ADD_SA.OffloadHandle", 168, hb, () => EncAdd(add), () => EncAdd(add with { OffloadHandle = h }));
        yield return new($"{a} OFFLOAD_IPSEC_ADD_UDPESP_SA.OffloadHandle", 168, hb, () => EncUdp(udp), () => EncUdp(udp with { OffloadHandle = h }));
        yield return new($"{a} OFFLOAD_IPSEC_ADD_UDPESP_SA.EncapTypeEntry.UdpEncapType", x64 ? 176 : 172, Distinct.U32Bytes,
            () => EncUdp(udp), () => EncUdp(udp with { EncapTypeEntry = new((UdpEncapType)Distinct.U32, 0) }));
        yield return new($"{a} OFFLOAD_IPSEC_ADD_UDPESP_SA.EncapTypeEntry.DstEncapPort", x64 ? 180 : 176, Distinct.U16NetworkBytes,
            () => EncUdp(udp), () => EncUdp(udp with { EncapTypeEntry = new(0, Distinct.U16) }));
        yield return new($"{a} OFFLOAD_IPSEC_ADD_UDPESP_SA.EncapTypeEntryOffldHandle", x64 ? 184 : 180, hb,
            () => EncUdp(udp), () => EncUdp(udp with { EncapTypeEntryOffldHandle = h }));

        yield return new($"{a} OFFLOAD_IPSEC_DELETE_SA.OffloadHandle", 0, hb,
            () => OffloadIpsecV1Codec.EncodeDeleteSa(default, abi), () => OffloadIpsecV1Codec.EncodeDeleteSa(new(h), abi));
        yield return new($"{a} OFFLOAD_IPSEC_DELETE_UDPESP_SA.OffloadHandle", 0, hb,
            () => OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(default, abi), () => OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(new(h, 0), abi));
        yield return new($"{a} OFFLOAD_IPSEC_DELETE_UDPESP_SA.EncapTypeEntryOffldHandle", x64 ? 8 : 4, hb,
            () => OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(default, abi), () => OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(new(0, h), abi));
    }

    [TestCase(NdisAbi.X64, 184, 176, 180)]
    [TestCase(NdisAbi.X86, 180, 172, 176)]
    public void V1AddSa_SizeKeyLenAndKeyMat_MatchDigest(NdisAbi abi, int size, int keyLenOffset, int keyMatOffset)
    {
        var noKeys = new OffloadIpsecAddSa(default, 0, new OffloadSecurityAssociation[] { default }, 0, Array.Empty<byte>());
        byte[] keys = Distinct.Address16().Concat(Distinct.U32Bytes).ToArray();
        byte[] withKeys = OffloadIpsecV1Codec.EncodeAddSa(noKeys with { KeyMat = keys }, abi);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(OffloadIpsecV1Codec.EncodeAddSa(noKeys, abi), Has.Length.EqualTo(size), "sizeof with no keys");
            Assert.That(withKeys, Has.Length.EqualTo(keyMatOffset + keys.Length), "KeyMat + KeyLen");
            HexAssert.AreEqual("14 00 00 00", withKeys.AsSpan(keyLenOffset, 4), "KeyLen = 20");
            HexAssert.AreEqual(keys, withKeys.AsSpan(keyMatOffset), "KeyMat");
        }
    }

    [TestCase(NdisAbi.X64, 200, 192, 196)]
    [TestCase(NdisAbi.X86, 192, 184, 188)]
    public void V1AddUdpEspSa_SizeKeyLenAndKeyMat_MatchDigest(NdisAbi abi, int size, int keyLenOffset, int keyMatOffset)
    {
        var noKeys = new OffloadIpsecAddUdpEspSa(default, 0, new OffloadSecurityAssociation[] { default }, 0, default, 0, Array.Empty<byte>());
        byte[] keys = Distinct.Address16().Concat(Distinct.U32Bytes).ToArray();
        byte[] withKeys = OffloadIpsecV1Codec.EncodeAddUdpEspSa(noKeys with { KeyMat = keys }, abi);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(OffloadIpsecV1Codec.EncodeAddUdpEspSa(noKeys, abi), Has.Length.EqualTo(size), "sizeof with no keys");
            Assert.That(withKeys, Has.Length.EqualTo(keyMatOffset + keys.Length), "KeyMat + KeyLen");
            HexAssert.AreEqual("14 00 00 00", withKeys.AsSpan(keyLenOffset, 4), "KeyLen = 20");
            HexAssert.AreEqual(keys, withKeys.AsSpan(keyMatOffset), "KeyMat");
        }
    }

    [TestCase(NdisAbi.X64, 8, 16)]
    [TestCase(NdisAbi.X86, 4, 8)]
    public void V1DeleteStructures_HavePointerSizes(NdisAbi abi, int deleteSa, int deleteUdpEspSa)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(OffloadIpsecV1Codec.EncodeDeleteSa(default, abi), Has.Length.EqualTo(deleteSa));
            Assert.That(OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(default, abi), Has.Length.EqualTo(deleteUdpEspSa));
        }
    }

    // ------------------------------------------------------------ v2 (§4.2)

    private static readonly (string Name, int Offset, Func<IPsecV2SecurityAssociation, IPsecV2SecurityAssociation> Set)[] V2SaFields =
    [
        ("Flags", 0, s => s with { Flags = (IPsecV2SaFlags)Distinct.U32 }),
        ("Operation", 4, s => s with { Operation = (IPsecV2Operation)Distinct.U32 }),
        ("Spi", 8, s => s with { Spi = Distinct.U32 }), // network byte order (AMB-19)
        ("AuthenticationAlgorithm.Identifier", 12, s => s with { AuthenticationAlgorithm = s.AuthenticationAlgorithm with { Identifier = Distinct.U32 } }),
        ("AuthenticationAlgorithm.KeyLength", 16, s => s with { AuthenticationAlgorithm = s.AuthenticationAlgorithm with { KeyLength = Distinct.U32 } }),
        ("AuthenticationAlgorithm.KeyOffsetBytes", 20, s => s with { AuthenticationAlgorithm = s.AuthenticationAlgorithm with { KeyOffsetBytes = Distinct.U32 } }),
        ("AuthenticationAlgorithm.AdditionalInfo", 24, s => s with { AuthenticationAlgorithm = s.AuthenticationAlgorithm with { AdditionalInfo = Distinct.U32 } }),
        ("EncryptionAlgorithm.Identifier", 28, s => s with { EncryptionAlgorithm = s.EncryptionAlgorithm with { Identifier = Distinct.U32 } }),
        ("EncryptionAlgorithm.KeyLength", 32, s => s with { EncryptionAlgorithm = s.EncryptionAlgorithm with { KeyLength = Distinct.U32 } }),
        ("EncryptionAlgorithm.KeyOffsetBytes", 36, s => s with { EncryptionAlgorithm = s.EncryptionAlgorithm with { KeyOffsetBytes = Distinct.U32 } }),
        ("EncryptionAlgorithm.AdditionalInfo", 40, s => s with { EncryptionAlgorithm = s.EncryptionAlgorithm with { AdditionalInfo = Distinct.U32 } }),
        ("SequenceNumberHighOrder", 44, s => s with { SequenceNumberHighOrder = Distinct.U32 }),
    ];

    private static IPsecV2Endpoints ZeroIPv6() => IPsecV2Endpoints.IPv6(new byte[16], new byte[16]);

    private static IEnumerable<FieldCase> V2AddSaFields(NdisAbi abi)
    {
        string a = abi.ToProtocolName();
        bool x64 = abi == NdisAbi.X64;
        var b = new IPsecV2AddSa(0, IPsecV2Endpoints.IPv4(0, 0), 0, 0, new IPsecV2SecurityAssociation[] { default, default }, Array.Empty<byte>());
        byte[] Enc(IPsecV2AddSa s) => IPsecV2Codec.EncodeAddSaChain([s], abi);
        string n = $"{a} IPSEC_OFFLOAD_V2_ADD_SA";

        yield return new($"{n}.NumExtHdrs", x64 ? 16 : 8, [0x02, 0, 0, 0],
            () => Enc(b with { SecAssoc = new IPsecV2SecurityAssociation[] { default } }), () => Enc(b));
        yield return new($"{n}.Flags", x64 ? 20 : 12, Distinct.U32Bytes, () => Enc(b), () => Enc(b with { Flags = (IPsecV2AddSaFlags)Distinct.U32 }));
        yield return new($"{n}.IPv4Endpoints.SrcAddr", x64 ? 24 : 16, Distinct.U32NetworkBytes, () => Enc(b), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv4(Distinct.U32, 0) }));
        yield return new($"{n}.IPv4Endpoints.DestAddr", x64 ? 28 : 20, Distinct.U32NetworkBytes, () => Enc(b), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv4(0, Distinct.U32) }));
        yield return new($"{n}.IPv6Endpoints.SrcAddr", x64 ? 24 : 16, Distinct.Address16(),
            () => Enc(b with { Endpoints = ZeroIPv6() }), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv6(Distinct.Address16(), new byte[16]) }));
        yield return new($"{n}.IPv6Endpoints.DestAddr", x64 ? 40 : 32, Distinct.Address16(),
            () => Enc(b with { Endpoints = ZeroIPv6() }), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv6(new byte[16], Distinct.Address16()) }));
        yield return new($"{n}.OffloadHandle", x64 ? 56 : 48, Distinct.HandleBytes(abi), () => Enc(b), () => Enc(b with { OffloadHandle = Distinct.Handle(abi) }));
        yield return new($"{n}.UdpEspEncapsulation", x64 ? 64 : 52, Distinct.U32Bytes, () => Enc(b), () => Enc(b with { UdpEspEncapsulation = (IPsecV2UdpEspEncapsulation)Distinct.U32 }));
        int secAssoc = x64 ? 68 : 56;
        for (int k = 0; k < 2; k++)
        {
            int slot = k;
            foreach (var (name, inner, set) in V2SaFields)
            {
                byte[] expected = name == "Spi" ? Distinct.U32NetworkBytes : Distinct.U32Bytes;
                yield return new($"{n}.SecAssoc[{slot}].{name}", secAssoc + 48 * slot + inner, expected,
                    () => Enc(b), () => Enc(b with { SecAssoc = b.SecAssoc.SetItem(slot, set(b.SecAssoc[slot])) }));
            }
        }
    }

    private static IEnumerable<FieldCase> V2AddSaExFields(NdisAbi abi)
    {
        string a = abi.ToProtocolName();
        bool x64 = abi == NdisAbi.X64;
        var b = new IPsecV2AddSaEx(0, IPsecV2Endpoints.IPv4(0, 0), 0, 0, new IPsecV2SecurityAssociation[] { default, default }, Array.Empty<byte>());
        byte[] Enc(IPsecV2AddSaEx s) => IPsecV2Codec.EncodeAddSaEx(s, abi);
        string n = $"{a} IPSEC_OFFLOAD_V2_ADD_SA_EX";

        yield return new($"{n}.NumExtHdrs", 4, [0x02, 0, 0, 0],
            () => Enc(b with { SecAssoc = new IPsecV2SecurityAssociation[] { default } }), () => Enc(b));
        yield return new($"{n}.Flags", 8, Distinct.U32Bytes, () => Enc(b), () => Enc(b with { Flags = (IPsecV2AddSaFlags)Distinct.U32 }));
        yield return new($"{n}.IPv4Endpoints.SrcAddr", 12, Distinct.U32NetworkBytes, () => Enc(b), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv4(Distinct.U32, 0) }));
        yield return new($"{n}.IPv4Endpoints.DestAddr", 16, Distinct.U32NetworkBytes, () => Enc(b), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv4(0, Distinct.U32) }));
        yield return new($"{n}.IPv6Endpoints.SrcAddr", 12, Distinct.Address16(),
            () => Enc(b with { Endpoints = ZeroIPv6() }), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv6(Distinct.Address16(), new byte[16]) }));
        yield return new($"{n}.IPv6Endpoints.DestAddr", 28, Distinct.Address16(),
            () => Enc(b with { Endpoints = ZeroIPv6() }), () => Enc(b with { Endpoints = IPsecV2Endpoints.IPv6(new byte[16], Distinct.Address16()) }));
        yield return new($"{n}.OffloadHandle", x64 ? 48 : 44, Distinct.HandleBytes(abi), () => Enc(b), () => Enc(b with { OffloadHandle = Distinct.Handle(abi) }));
        yield return new($"{n}.UdpEspEncapsulation", x64 ? 56 : 48, Distinct.U32Bytes, () => Enc(b), () => Enc(b with { UdpEspEncapsulation = (IPsecV2UdpEspEncapsulation)Distinct.U32 }));
        int secAssoc = x64 ? 60 : 52;
        for (int k = 0; k < 2; k++)
        {
            int slot = k;
            foreach (var (name, inner, set) in V2SaFields)
            {
                byte[] expected = name == "Spi" ? Distinct.U32NetworkBytes : Distinct.U32Bytes;
                yield return new($"{n}.SecAssoc[{slot}].{name}", secAssoc + 48 * slot + inner, expected,
                    () => Enc(b), () => Enc(b with { SecAssoc = b.SecAssoc.SetItem(slot, set(b.SecAssoc[slot])) }));
            }
        }

        yield return new($"{n}.SourceSwitchPortId", x64 ? 164 : 156, Distinct.U32Bytes, () => Enc(b), () => Enc(b with { SourceSwitchPortId = Distinct.U32 }));
        yield return new($"{n}.VlanId", x64 ? 168 : 160, Distinct.U16Bytes, () => Enc(b), () => Enc(b with { VlanId = Distinct.U16 }));
    }

    private static IEnumerable<FieldCase> V2SmallFields(NdisAbi abi)
    {
        string a = abi.ToProtocolName();
        bool x64 = abi == NdisAbi.X64;
        ulong h = Distinct.Handle(abi);
        byte[] hb = Distinct.HandleBytes(abi);
        yield return new($"{a} IPSEC_OFFLOAD_V2_DELETE_SA.OffloadHandle", x64 ? 16 : 8, hb,
            () => IPsecV2Codec.EncodeDeleteSaChain([default], abi), () => IPsecV2Codec.EncodeDeleteSaChain([new(h)], abi));

        var u = default(IPsecV2UpdateSa);
        byte[] EncU(IPsecV2UpdateSa s) => IPsecV2Codec.EncodeUpdateSa(s, abi);
        yield return new($"{a} IPSEC_OFFLOAD_V2_UPDATE_SA.OffloadHandle", x64 ? 8 : 4, hb, () => EncU(u), () => EncU(u with { OffloadHandle = h }));
        yield return new($"{a} IPSEC_OFFLOAD_V2_UPDATE_SA.Operation", x64 ? 16 : 8, Distinct.U32Bytes, () => EncU(u), () => EncU(u with { Operation = (IPsecV2Operation)Distinct.U32 }));
        yield return new($"{a} IPSEC_OFFLOAD_V2_UPDATE_SA.Spi", x64 ? 20 : 12, Distinct.U32NetworkBytes, () => EncU(u), () => EncU(u with { Spi = Distinct.U32 }));
        yield return new($"{a} IPSEC_OFFLOAD_V2_UPDATE_SA.SequenceNumberHighOrder", x64 ? 24 : 16, Distinct.U32Bytes, () => EncU(u), () => EncU(u with { SequenceNumberHighOrder = Distinct.U32 }));
    }

    // Header bytes {Type 0x80, Revision 1, Size LE} and total lengths, §4.2 / AMB-38.
    [TestCase(NdisAbi.X64, NdisHeaderSizeConvention.RevisionSize, "80 01 a9 00", 168)]
    [TestCase(NdisAbi.X64, NdisHeaderSizeConvention.StructureSize, "80 01 b0 00", 168)]
    [TestCase(NdisAbi.X86, NdisHeaderSizeConvention.RevisionSize, "80 01 9d 00", 156)]
    [TestCase(NdisAbi.X86, NdisHeaderSizeConvention.StructureSize, "80 01 a0 00", 156)]
    public void V2AddSa_HeaderSizeAndKeyDataOffset_MatchDigest(NdisAbi abi, NdisHeaderSizeConvention size, string header, int keyData)
    {
        var sa = new IPsecV2AddSa(0, IPsecV2Endpoints.IPv4(0, 0), 0, 0, new IPsecV2SecurityAssociation[] { default }, Distinct.U32Bytes);
        byte[] bytes = IPsecV2Codec.EncodeAddSaChain([sa], abi, size);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(header, bytes.AsSpan(0, 4), "Header");
            Assert.That(bytes, Has.Length.EqualTo(keyData + 4), "ends at KeyData + KeyLength");
            HexAssert.AreEqual("04 00 00 00", bytes.AsSpan(keyData - 4, 4), "KeyLength just before KeyData");
            HexAssert.AreEqual(Distinct.U32Bytes, bytes.AsSpan(keyData), "KeyData");
        }
    }

    [TestCase(NdisAbi.X64, NdisHeaderSizeConvention.RevisionSize, "80 01 aa 00", 176, 156, 160)]
    [TestCase(NdisAbi.X64, NdisHeaderSizeConvention.StructureSize, "80 01 b0 00", 176, 156, 160)]
    [TestCase(NdisAbi.X86, NdisHeaderSizeConvention.RevisionSize, "80 01 a2 00", 164, 148, 152)]
    [TestCase(NdisAbi.X86, NdisHeaderSizeConvention.StructureSize, "80 01 a4 00", 164, 148, 152)]
    public void V2AddSaEx_HeaderKeyLengthAndKeyOffset_MatchDigest(
        NdisAbi abi, NdisHeaderSizeConvention size, string header, int sizeofStruct, int keyLengthOffset, int keyOffsetOffset)
    {
        var sa = new IPsecV2AddSaEx(0, IPsecV2Endpoints.IPv4(0, 0), 0, 0, new IPsecV2SecurityAssociation[] { default }, Distinct.U32Bytes);
        byte[] bytes = IPsecV2Codec.EncodeAddSaEx(sa, abi, size);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(header, bytes.AsSpan(0, 4), "Header");
            Assert.That(bytes, Has.Length.EqualTo(sizeofStruct + 4), "sizeof + KeyLength");
            HexAssert.AreEqual("04 00 00 00", bytes.AsSpan(keyLengthOffset, 4), "KeyLength");
            Assert.That(LittleEndian.U32(bytes, keyOffsetOffset), Is.EqualTo((uint)sizeofStruct), "KeyOffset = sizeof");
            HexAssert.AreEqual(Distinct.U32Bytes, bytes.AsSpan(sizeofStruct), "keys at KeyOffset");
        }
    }

    [TestCase(NdisAbi.X64, "80 01 18 00", 24)]
    [TestCase(NdisAbi.X86, "80 01 0c 00", 12)]
    public void V2DeleteSa_HeaderAndSize_MatchDigest(NdisAbi abi, string header, int size)
    {
        byte[] bytes = IPsecV2Codec.EncodeDeleteSaChain([default], abi);
        Assert.That(bytes, Has.Length.EqualTo(size));
        HexAssert.AreEqual(header, bytes.AsSpan(0, 4), "Header");
    }

    [TestCase(NdisAbi.X64, NdisHeaderSizeConvention.RevisionSize, "80 01 1c 00", 32)]
    [TestCase(NdisAbi.X64, NdisHeaderSizeConvention.StructureSize, "80 01 20 00", 32)]
    [TestCase(NdisAbi.X86, NdisHeaderSizeConvention.RevisionSize, "80 01 14 00", 20)]
    [TestCase(NdisAbi.X86, NdisHeaderSizeConvention.StructureSize, "80 01 14 00", 20)]
    public void V2UpdateSa_HeaderAndSize_MatchDigest(NdisAbi abi, NdisHeaderSizeConvention size, string header, int length)
    {
        byte[] bytes = IPsecV2Codec.EncodeUpdateSa(default, abi, size);
        Assert.That(bytes, Has.Length.EqualTo(length));
        HexAssert.AreEqual(header, bytes.AsSpan(0, 4), "Header");
    }

    // The published layout numbers (§9.3 "Structure sizes") against the codec's layout records.
    [TestCase(NdisAbi.X64, 176, 169, 176, 170, 24, 24, 32, 28)]
    [TestCase(NdisAbi.X86, 160, 157, 164, 162, 12, 12, 20, 20)]
    public void V2LayoutRecords_SizesMatchDigest(NdisAbi abi, int addSa, int addSaRev1, int addSaEx, int addSaExRev1, int delete, int deleteRev1, int update, int updateRev1)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(IPsecV2AddSaLayout.AddSa(abi).Size, Is.EqualTo(addSa));
            Assert.That(IPsecV2AddSaLayout.AddSa(abi).SizeofRevision1, Is.EqualTo(addSaRev1));
            Assert.That(IPsecV2AddSaLayout.AddSaEx(abi).Size, Is.EqualTo(addSaEx));
            Assert.That(IPsecV2AddSaLayout.AddSaEx(abi).SizeofRevision1, Is.EqualTo(addSaExRev1));
            Assert.That(IPsecV2SmallLayout.DeleteSa(abi).Size, Is.EqualTo(delete));
            Assert.That(IPsecV2SmallLayout.DeleteSa(abi).SizeofRevision1, Is.EqualTo(deleteRev1));
            Assert.That(IPsecV2SmallLayout.UpdateSa(abi).Size, Is.EqualTo(update));
            Assert.That(IPsecV2SmallLayout.UpdateSa(abi).SizeofRevision1, Is.EqualTo(updateRev1));
            Assert.That(IPsecV2Codec.SecurityAssociationSize, Is.EqualTo(48));
            Assert.That(IPsecV2Codec.AlgorithmInfoSize, Is.EqualTo(16));
            Assert.That(OffloadIpsecV1Codec.SecurityAssociationSize, Is.EqualTo(44));
            Assert.That(OffloadIpsecV1Codec.AlgoInfoSize, Is.EqualTo(12));
            Assert.That(OffloadIpsecV1Codec.EncapTypeEntrySize, Is.EqualTo(8));
        }
    }
}

/// <summary>Little-endian reads for assertions (BinaryPrimitives; no BitConverter).</summary>
internal static class LittleEndian
{
    public static uint U32(byte[] bytes, int offset) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));

    public static ulong U64(byte[] bytes, int offset) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
}
