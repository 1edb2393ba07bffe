using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;
using static IpsecOffload.Engine.Tests.Sa.SaTestKit;

namespace IpsecOffload.Engine.Tests.Sa;

/// <summary>The v1 SA OIDs through <see cref="SaOidHandler"/> on both ABIs (spec digest §3).</summary>
public sealed class SaOidHandlerV1Tests
{
    private static readonly OffloadSaFilter Filter = new(0xC000_0201, 0xFFFF_FFFF, 0xC633_6402, 0xFFFF_FF00, 6, 0x1F90, 0x01BB, 0, 0);
    private static readonly OffloadSaFilter TunnelFilter = Filter with { SrcTunnelAddr = 0xCB00_7101, DestTunnelAddr = 0xCB00_7102 };

    private static OffloadSecurityAssociation Esp3DesSha(uint spi = Spi1) => new(OffloadOperation.Encrypt, spi,
        OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Sha, 20), OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.TripleDes, 24));

    private static OffloadSecurityAssociation AhMd5(uint spi = Spi2) => new(OffloadOperation.Authenticate, spi,
        OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Md5, 16), default);

    private static OffloadIpsecAddSa AddSa(byte[] keyMat, OffloadSaFlags flags, params OffloadSecurityAssociation[] sas) =>
        new(Filter, flags, sas, 0, keyMat);

    private static ulong HandleOf(OidResult result, NdisAbi abi) =>
        OffloadIpsecV1Codec.ReadAddSaOffloadHandle(result.InformationBuffer, abi).GetValueOrThrow();

    [TestCase(NdisAbi.X64, V1KeyOrder.ConfidentialityFirst, 0, 24)]
    [TestCase(NdisAbi.X86, V1KeyOrder.ConfidentialityFirst, 0, 24)]
    [TestCase(NdisAbi.X64, V1KeyOrder.IntegrityFirst, 20, 0)]
    [TestCase(NdisAbi.X86, V1KeyOrder.IntegrityFirst, 20, 0)]
    public void AddSa_KeyOrderProfile_SelectsWhichKeyMatBytesKeyCipherAndHmac(NdisAbi abi, V1KeyOrder order, int cipherAt, int integrityAt)
    {
        byte[] keyMat = RandomBytes(Seeded(201), 44);
        var handler = V1Handler(abi, profile: OffloadProfile.Default with { V1KeyOrder = order });
        OidResult result = handler.Handle(OidRequest.V1AddSa(AddSa(keyMat, OffloadSaFlags.Outbound, Esp3DesSha()), abi));
        handler.Store.TryGet(HandleOf(result, abi), out OffloadedSaBundle? bundle);
        using var expectedCipher = DotNetCryptoBackend.Instance.CreateCipher(CryptoAlgorithm.TripleDesCbc, keyMat.AsSpan(cipherAt, 24));
        using var expectedMac = DotNetCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacSha1, keyMat.AsSpan(integrityAt, 20));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(bundle, Is.Not.Null);
            Assert.That(bundle!.Version, Is.EqualTo(SaVersion.V1));
            Assert.That(bundle.V1Filter, Is.EqualTo(Filter));
            Testing.HexAssert.AreEqual(EncryptBlock(expectedCipher), EncryptBlock(bundle.Esp!.Cipher!), $"3DES keyed from KeyMat[{cipherAt}..]");
            Testing.HexAssert.AreEqual(Mac(expectedMac), Mac(bundle.Esp.Integrity!), $"HMAC-SHA1 keyed from KeyMat[{integrityAt}..]");
        }
    }

    [Test]
    public void AddSa_EspThenAhInbound_BundleOrderAndAhIntegrity_DeleteRemovesAndZeroes([Values] NdisAbi abi)
    {
        byte[] keyMat = RandomBytes(Seeded(202), 60);
        var backend = new RecordingBackend(DotNetCryptoBackend.Instance);
        var handler = V1Handler(abi, backend: backend);
        OidResult result = handler.Handle(OidRequest.V1AddSa(AddSa(keyMat, OffloadSaFlags.Inbound, Esp3DesSha(), AhMd5()), abi));
        ulong handle = HandleOf(result, abi);
        handler.Store.TryGet(handle, out OffloadedSaBundle? bundle);
        using var expectedAh = DotNetCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacMd5, keyMat.AsSpan(44, 16));
        byte[] ahIcv = Mac(bundle!.Ah!.Integrity!);
        OidResult delete = handler.Handle(OidRequest.V1DeleteSa(new OffloadIpsecDeleteSa(handle), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handle, Is.Not.Zero);
            Assert.That(bundle.Direction, Is.EqualTo(SaDirection.Inbound));
            Assert.That(bundle.Transforms.Select(t => t.Protocol), Is.EqualTo(new[] { IpsecProtocol.Esp, IpsecProtocol.Ah }));
            Testing.HexAssert.AreEqual(Mac(expectedAh), ahIcv, "AH HMAC-MD5 keyed from KeyMat[44..60]");
            Assert.That(delete.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handler.Store.Count, Is.Zero);
            Assert.That(backend.Created.All(t => t.Disposed), Is.True);
        }
    }

    [Test]
    public void DeleteSa_UnknownHandle_SucceedsAndRecordsNote([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi);
        OidResult result = handler.Handle(OidRequest.V1DeleteSa(new OffloadIpsecDeleteSa(0x1234_5670), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Is.EqualTo("OFFLOAD_IPSEC_DELETE_SA.OffloadHandle"));
        }
    }

    private static IEnumerable<TestCaseData> InvalidV1()
    {
        NdisIPsecOffloadV1 full = FullV1();
        var cases = new (string Name, NdisIPsecOffloadV1 Caps, OffloadIpsecAddSa Sa, NdisStatus Status, string Field)[]
        {
            ("flags-both", full, AddSa(new byte[44], OffloadSaFlags.Inbound | OffloadSaFlags.Outbound, Esp3DesSha()), NdisStatus.InvalidData, "Flags"),
            ("flags-none", full, AddSa(new byte[44], OffloadSaFlags.None, Esp3DesSha()), NdisStatus.InvalidData, "Flags"),
            ("three-sas", full, AddSa(new byte[104], OffloadSaFlags.Outbound, Esp3DesSha(), AhMd5(), AhMd5()), NdisStatus.InvalidData, "NumSAs"),
            ("ah-then-esp", full, AddSa(new byte[60], OffloadSaFlags.Outbound, AhMd5(), Esp3DesSha()), NdisStatus.InvalidData, "SecAssoc[0].Operation"),
            ("two-esp", full, AddSa(new byte[88], OffloadSaFlags.Outbound, Esp3DesSha(), Esp3DesSha(Spi2)), NdisStatus.InvalidData, "SecAssoc[1].Operation"),
            ("ah-with-conf", full, AddSa(new byte[40], OffloadSaFlags.Outbound, AhMd5() with { ConfAlgo = OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.TripleDes, 24) }),
                NdisStatus.InvalidData, "SecAssoc[0].ConfAlgo"),
            ("ah-without-integrity", full, AddSa(new byte[16], OffloadSaFlags.Outbound, AhMd5() with { IntegrityAlgo = default }),
                NdisStatus.InvalidData, "SecAssoc[0].IntegrityAlgo.algoIdentifier"),
            ("esp-neither", full, AddSa(new byte[16], OffloadSaFlags.Outbound, Esp3DesSha() with { IntegrityAlgo = default, ConfAlgo = default }),
                NdisStatus.InvalidData, "SecAssoc[0].ConfAlgo.algoIdentifier"),
            ("3des-key-16", full, AddSa(new byte[44], OffloadSaFlags.Outbound, Esp3DesSha() with { ConfAlgo = OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.TripleDes, 16) }),
                NdisStatus.InvalidData, "SecAssoc[0].ConfAlgo.algoKeylen"),
            ("sha-key-16", full, AddSa(new byte[44], OffloadSaFlags.Outbound, Esp3DesSha() with { IntegrityAlgo = OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Sha, 16) }),
                NdisStatus.InvalidData, "SecAssoc[0].IntegrityAlgo.algoKeylen"),
            ("3des-not-advertised", full with { IPv4Esp = full.IPv4Esp with { TripleDes = 0 } }, AddSa(new byte[44], OffloadSaFlags.Outbound, Esp3DesSha()),
                NdisStatus.NotSupported, "SecAssoc[0].ConfAlgo.algoIdentifier"),
            ("sha-not-advertised", full with { IPv4Ah = full.IPv4Ah with { Sha1 = 0 } }, AddSa(new byte[44], OffloadSaFlags.Outbound, Esp3DesSha()),
                NdisStatus.NotSupported, "SecAssoc[0].IntegrityAlgo.algoIdentifier"),
            ("esp-send-not-advertised", full with { IPv4Esp = full.IPv4Esp with { Send = 0 } }, AddSa(new byte[44], OffloadSaFlags.Outbound, Esp3DesSha()),
                NdisStatus.NotSupported, "SecAssoc[0].Operation"),
            ("ah-tunnel-not-advertised", full with { IPv4Ah = full.IPv4Ah with { Tunnel = 0 } },
                AddSa(new byte[16], OffloadSaFlags.Outbound, AhMd5()) with { Filter = TunnelFilter }, NdisStatus.NotSupported, "SecAssoc[0].Operation"),
            ("esp-ah-not-combined", full with { Supported = full.Supported with { AhEspCombined = 0 } },
                AddSa(new byte[60], OffloadSaFlags.Outbound, Esp3DesSha(), AhMd5()), NdisStatus.NotSupported, "NumSAs"),
        };
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            foreach (var c in cases)
            {
                yield return new TestCaseData(abi, c.Caps, c.Sa, c.Status, c.Field).SetArgDisplayNames(abi.ToString(), c.Name);
            }
        }
    }

    [TestCaseSource(nameof(InvalidV1))]
    public void AddSa_Invalid_FailsWithCheckStatusNullHandleFieldNamed(NdisAbi abi, NdisIPsecOffloadV1 caps, OffloadIpsecAddSa sa, NdisStatus status, string field)
    {
        var handler = V1Handler(abi, caps);
        OidResult result = handler.Handle(OidRequest.V1AddSa(sa, abi));
        NdisError error = handler.LastDiagnostics!.ElementErrors[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(status), error.ToString());
            Assert.That(HandleOf(result, abi), Is.Zero);
            Assert.That(error.Field, Is.EqualTo($"OFFLOAD_IPSEC_ADD_SA.{field}"), error.ToString());
            Assert.That(handler.Store.Count, Is.Zero);
        }
    }

    [Test]
    public void AddSa_CapacityExhausted_Resources([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi, capacity: 1);
        var random = Seeded(203);
        OidResult first = handler.Handle(OidRequest.V1AddSa(AddSa(RandomBytes(random, 44), OffloadSaFlags.Outbound, Esp3DesSha()), abi));
        OidResult second = handler.Handle(OidRequest.V1AddSa(AddSa(RandomBytes(random, 44), OffloadSaFlags.Outbound, Esp3DesSha()), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(second.Status, Is.EqualTo(NdisStatus.Resources));
            Assert.That(HandleOf(second, abi), Is.Zero);
        }
    }

    // ---------------------------------------------------------------- UDP-ESP parser entries (§3.3)

    private static OffloadIpsecAddUdpEspSa UdpEsp(OffloadSaFlags flags, ulong entryHandle, byte seed, UdpEncapType type = UdpEncapType.Other) =>
        new(Filter, flags, new[] { Esp3DesSha() }, 0, new OffloadIpsecUdpEspEncapTypeEntry(type, 4500), entryHandle,
            RandomBytes(Seeded(300 + seed), 44));

    private static OffloadUdpEspHandles UdpHandles(OidResult result, NdisAbi abi) =>
        OffloadIpsecV1Codec.ReadAddUdpEspSaHandles(result.InformationBuffer, abi).GetValueOrThrow();

    [Test]
    public void AddUdpEspSa_InboundNullEntryHandle_CreatesEntryOnceAndReturnsItsHandle([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi);
        OidResult first = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, 0, 1), abi));
        OidResult second = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, 0, 2), abi));
        var h1 = UdpHandles(first, abi);
        var h2 = UdpHandles(second, abi);
        OidResult third = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, h1.EncapTypeEntryOffldHandle, 3), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(h1.OffloadHandle, Is.Not.Zero);
            Assert.That(h1.EncapTypeEntryOffldHandle, Is.Not.Zero.And.Not.EqualTo(h1.OffloadHandle));
            Assert.That(h2.EncapTypeEntryOffldHandle, Is.EqualTo(h1.EncapTypeEntryOffldHandle), "the existing parser entry is returned");
            Assert.That(third.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(UdpHandles(third, abi).EncapTypeEntryOffldHandle, Is.EqualTo(h1.EncapTypeEntryOffldHandle));
            Assert.That(handler.Store.ParserEntryCount, Is.EqualTo(1));
            Assert.That(handler.Store.Count, Is.EqualTo(3));
        }
    }

    [Test]
    public void AddUdpEspSa_InboundUnknownEntryHandle_InvalidParameterNothingAdded([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi);
        OidResult result = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, 0x7700_0010, 4), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.InvalidParameter));
            Assert.That(UdpHandles(result, abi).OffloadHandle, Is.Zero);
            Assert.That(handler.Store.Count + handler.Store.ParserEntryCount, Is.Zero);
        }
    }

    [Test]
    public void AddUdpEspSa_Outbound_IgnoresEntryHandleAndCreatesNoEntry([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi);
        OidResult result = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Outbound, 0x7700_0010, 5), abi));
        var handles = UdpHandles(result, abi);
        handler.Store.TryGet(handles.OffloadHandle, out OffloadedSaBundle? bundle);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handles.EncapTypeEntryOffldHandle, Is.EqualTo(0x7700_0010UL), "left as given");
            Assert.That(handler.Store.ParserEntryCount, Is.Zero);
            Assert.That(bundle!.V1EncapTypeEntry, Is.EqualTo(new OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType.Other, 4500)));
        }
    }

    [Test]
    public void AddUdpEspSa_FailsOnCapacity_NeitherParserEntryNorSaAdded([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi, capacity: 0);
        OidResult result = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, 0, 6), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Resources));
            Assert.That(UdpHandles(result, abi), Is.EqualTo(new OffloadUdpEspHandles(0, 0)));
            Assert.That(handler.Store.ParserEntryCount, Is.Zero);
        }
    }

    [Test]
    public void AddUdpEspSa_AhEntryOrUnadvertisedType_Rejected([Values] NdisAbi abi)
    {
        var caps = FullV1() with { Supported = FullV1().Supported with { Flags = IPsecV1UdpEspEncapsulationTypes.TransportIke } };
        var handler = V1Handler(abi, caps);
        OidResult otherType = handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Outbound, 0, 7), abi));
        string otherField = handler.LastDiagnostics!.ElementErrors[0]!.Field;
        OidResult ah = handler.Handle(OidRequest.V1AddUdpEspSa(
            UdpEsp(OffloadSaFlags.Outbound, 0, 8, UdpEncapType.Ike) with { SecAssoc = new[] { AhMd5() } }, abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(otherType.Status, Is.EqualTo(NdisStatus.NotSupported));
            Assert.That(otherField, Is.EqualTo("OFFLOAD_IPSEC_ADD_UDPESP_SA.EncapTypeEntry.UdpEncapType"));
            Assert.That(ah.Status, Is.EqualTo(NdisStatus.InvalidData));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Is.EqualTo("OFFLOAD_IPSEC_ADD_UDPESP_SA.SecAssoc"));
        }
    }

    [Test]
    public void DeleteUdpEspSa_NullEntryKeepsParserEntry_NonNullDeletesIt([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi);
        var h1 = UdpHandles(handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, 0, 9), abi)), abi);
        var h2 = UdpHandles(handler.Handle(OidRequest.V1AddUdpEspSa(UdpEsp(OffloadSaFlags.Inbound, 0, 10), abi)), abi);
        OidResult keep = handler.Handle(OidRequest.V1DeleteUdpEspSa(new OffloadIpsecDeleteUdpEspSa(h1.OffloadHandle, 0), abi));
        int entriesAfterKeep = handler.Store.ParserEntryCount;
        OidResult drop = handler.Handle(OidRequest.V1DeleteUdpEspSa(new OffloadIpsecDeleteUdpEspSa(h2.OffloadHandle, h2.EncapTypeEntryOffldHandle), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(keep.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(entriesAfterKeep, Is.EqualTo(1));
            Assert.That(drop.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handler.Store.ParserEntryCount, Is.Zero);
            Assert.That(handler.Store.Count, Is.Zero);
        }
    }
    [Test]
    public void AddSa_EspNullWithHmacAndConfidentialityOnly_Accepted([Values] NdisAbi abi)
    {
        var handler = V1Handler(abi);
        var random = Seeded(204);
        var nullEsp = new OffloadSecurityAssociation(OffloadOperation.Encrypt, Spi1, OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Md5, 16), default);
        var confOnly = new OffloadSecurityAssociation(OffloadOperation.Encrypt, Spi2, default, OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.Des, 8));
        ulong a = HandleOf(handler.Handle(OidRequest.V1AddSa(AddSa(RandomBytes(random, 16), OffloadSaFlags.Outbound, nullEsp), abi)), abi);
        ulong b = HandleOf(handler.Handle(OidRequest.V1AddSa(AddSa(RandomBytes(random, 8), OffloadSaFlags.Outbound, confOnly), abi)), abi);
        handler.Store.TryGet(a, out OffloadedSaBundle? nullBundle);
        handler.Store.TryGet(b, out OffloadedSaBundle? confBundle);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nullBundle!.Esp!.Cipher!.Algorithm, Is.SameAs(CryptoAlgorithm.EspNull));
            Assert.That(nullBundle.Esp.Integrity!.Algorithm, Is.SameAs(CryptoAlgorithm.HmacMd5));
            Assert.That(confBundle!.Esp!.Cipher!.Algorithm, Is.SameAs(CryptoAlgorithm.DesCbc));
            Assert.That(confBundle.Esp.Integrity, Is.Null);
        }
    }
}
