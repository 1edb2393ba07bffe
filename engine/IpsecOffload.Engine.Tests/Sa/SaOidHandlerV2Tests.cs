using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;
using static IpsecOffload.Engine.Tests.Sa.SaTestKit;

namespace IpsecOffload.Engine.Tests.Sa;

/// <summary>The v2 SA OIDs through <see cref="SaOidHandler"/> on both ABIs (spec digest §4).</summary>
public sealed class SaOidHandlerV2Tests
{
    [Test]
    public void AddSa_ValidCbcSha1Sa_SucceedsAndWritesUsableHandleInPlace([Values] NdisAbi abi)
    {
        var random = Seeded(101);
        byte[] keys = RandomBytes(random, 36);
        var handler = V2Handler(abi);
        OidRequest request = OidRequest.V2AddSa([AddSa(keys, EspCbcSha1())], abi);
        OidResult result = handler.Handle(request);
        ulong handle = IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, abi).GetValueOrThrow()[0];

        Assert.That(handler.Store.TryGet(handle, out OffloadedSaBundle? bundle), Is.True);
        using var expected = DotNetCryptoBackend.Instance.CreateCipher(CryptoAlgorithm.AesCbc128, keys.AsSpan(0, 16));
        using var expectedMac = DotNetCryptoBackend.Instance.CreateIntegrity(CryptoAlgorithm.HmacSha1, keys.AsSpan(16, 20));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(result.InformationBuffer, Is.SameAs(request.InformationBuffer), "handles are written into the caller's buffer");
            Assert.That(result.BytesRead, Is.EqualTo(request.InformationBuffer.Length));
            Assert.That(handle, Is.Not.Zero);
            Assert.That(bundle!.Version, Is.EqualTo(SaVersion.V2));
            Assert.That(bundle.Direction, Is.EqualTo(SaDirection.Outbound));
            Assert.That(bundle.V2Endpoints!.IPv4DestAddr, Is.EqualTo(0xC633_6402u));
            Assert.That(bundle.Esp!.Spi, Is.EqualTo(Spi1));
            Testing.HexAssert.AreEqual(EncryptBlock(expected), EncryptBlock(bundle.Esp.Cipher!), "cipher keyed from KeyData[0..16]");
            Testing.HexAssert.AreEqual(Mac(expectedMac), Mac(bundle.Esp.Integrity!), "HMAC keyed from KeyData[16..36]");
        }
    }

    [Test]
    public void AddSa_ChainOneGoodOneBad_SuccessBadHandleNullGoodHandleUsable([Values] NdisAbi abi)
    {
        var random = Seeded(102);
        byte[] keys = RandomBytes(random, 20);
        var caps = FullV2() with { EncryptionAlgorithms = IPsecV2Encryption.AesGcm128 };
        var handler = V2Handler(abi, caps);
        var bad = AddSa(RandomBytes(random, 36), EspCbcSha1(Spi2));
        OidResult result = handler.Handle(OidRequest.V2AddSa([AddSa(keys, EspGcm128()), bad], abi));
        var handles = IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, abi).GetValueOrThrow();

        Assert.That(handler.Store.TryGet(handles[0], out OffloadedSaBundle? good), Is.True);
        byte[] data = new byte[32];
        byte[] icv = new byte[16];
        good!.Esp!.Aead!.Encrypt(new byte[8], new byte[8], data, icv);
        using var expected = DotNetCryptoBackend.Instance.CreateAead(CryptoAlgorithm.AesGcm128, keys, 16);
        byte[] expectedData = new byte[32];
        byte[] expectedIcv = new byte[16];
        expected.Encrypt(new byte[8], new byte[8], expectedData, expectedIcv);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handles[0], Is.Not.Zero);
            Assert.That(handles[1], Is.Zero, "the failed element's OffloadHandle is NULL");
            Assert.That(handler.Store.Count, Is.EqualTo(1));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0], Is.Null);
            Assert.That(handler.LastDiagnostics.ElementErrors[1]!.Status, Is.EqualTo(NdisStatus.NotSupported));
            Assert.That(handler.LastDiagnostics.ElementErrors[1]!.Field, Is.EqualTo("IPSEC_OFFLOAD_V2_ADD_SA[1].SecAssoc[0].EncryptionAlgorithm.Identifier"));
            Testing.HexAssert.AreEqual(expectedData, data, "GCM ciphertext");
            Testing.HexAssert.AreEqual(expectedIcv, icv, "GCM ICV");
        }
    }

    [TestCase(NdisAbi.X64, NdisStatus.Resources)]
    [TestCase(NdisAbi.X86, NdisStatus.Resources)]
    [TestCase(NdisAbi.X64, NdisStatus.Failure)]
    [TestCase(NdisAbi.X86, NdisStatus.Failure)]
    public void AddSa_AllElementsBad_CompletesWithProfileTotalFailureStatus(NdisAbi abi, NdisStatus profileStatus)
    {
        var handler = V2Handler(abi, FullV2() with { ExtendedSequenceNumbers = false },
            OffloadProfile.Default with { AddSaTotalFailureStatus = profileStatus });
        var random = Seeded(103);
        OidResult result = handler.Handle(OidRequest.V2AddSa(
            [AddSa(RandomBytes(random, 36), EspCbcSha1(flags: IPsecV2SaFlags.Esn)), AddSa(RandomBytes(random, 36), EspCbcSha1(Spi2, IPsecV2SaFlags.Esn))], abi));
        var handles = IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, abi).GetValueOrThrow();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(profileStatus));
            Assert.That(handles.ToArray(), Is.EqualTo(new ulong[] { 0, 0 }));
            Assert.That(handler.Store.Count, Is.Zero);
            Assert.That(handler.LastDiagnostics!.ElementErrors.Select(e => e!.Field),
                Is.EqualTo(new[] { "IPSEC_OFFLOAD_V2_ADD_SA[0].SecAssoc[0].Flags", "IPSEC_OFFLOAD_V2_ADD_SA[1].SecAssoc[0].Flags" }));
        }
    }

    [Test]
    public void AddSa_CapacityExhausted_ThirdAddFailsWithResourcesAndNullHandle([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi, FullV2(capacity: 2));
        var random = Seeded(104);
        ulong first = AddV2(handler, abi, AddSa(RandomBytes(random, 36), EspCbcSha1()));
        ulong second = AddV2(handler, abi, AddSa(RandomBytes(random, 36), EspCbcSha1()));
        OidResult third = handler.Handle(OidRequest.V2AddSa([AddSa(RandomBytes(random, 36), EspCbcSha1())], abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.Not.Zero);
            Assert.That(second, Is.Not.Zero.And.Not.EqualTo(first));
            Assert.That(third.Status, Is.EqualTo(NdisStatus.Resources));
            Assert.That(IPsecV2Codec.ReadAddSaOffloadHandles(third.InformationBuffer, abi).GetValueOrThrow()[0], Is.Zero);
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Status, Is.EqualTo(NdisStatus.Resources));
            Assert.That(handler.LastDiagnostics.ElementErrors[0]!.Message, Does.Contain("2 of 2"));
        }

        handler.Handle(OidRequest.V2DeleteSa([new IPsecV2DeleteSa(first)], abi));
        Assert.That(AddV2(handler, abi, AddSa(RandomBytes(random, 36), EspCbcSha1())), Is.Not.Zero, "a delete frees capacity");
    }

    [Test]
    public void AddSa_TenThousandAddDeleteCycles_HandlesNonZeroUniqueNeverReusedAndFitAbi([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi, FullV2(capacity: 4));
        var random = Seeded(105);
        byte[] keys = RandomBytes(random, 36);
        var seen = new HashSet<ulong>();
        int duplicates = 0, zeros = 0, tooWide = 0;
        for (int i = 0; i < 10_000; i++)
        {
            ulong handle = AddV2(handler, abi, AddSa(keys, EspCbcSha1((uint)random.NextInt64(1, uint.MaxValue))));
            zeros += handle == 0 ? 1 : 0;
            duplicates += seen.Add(handle) ? 0 : 1;
            tooWide += abi == NdisAbi.X86 && handle > uint.MaxValue ? 1 : 0;
            handler.Handle(OidRequest.V2DeleteSa([new IPsecV2DeleteSa(handle)], abi));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(zeros, Is.Zero);
            Assert.That(duplicates, Is.Zero);
            Assert.That(tooWide, Is.Zero);
            Assert.That(handler.Store.Count, Is.Zero);
            if (abi == NdisAbi.X64)
            {
                Assert.That(seen.Min(), Is.GreaterThan((ulong)uint.MaxValue), "x64 handles use the high half, so a 32-bit truncation is caught");
            }
        }
    }

    [Test]
    public void AddSaEx_ValidAndInvalid_HandleWrittenOrNullWithProfileStatus([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi);
        var random = Seeded(106);
        OidRequest good = OidRequest.V2AddSaEx(AddSaEx(RandomBytes(random, 68), EspCbcSha1(), AhSha256()), abi);
        OidResult goodResult = handler.Handle(good);
        ulong handle = IPsecV2Codec.ReadAddSaExOffloadHandle(goodResult.InformationBuffer, abi).GetValueOrThrow();
        OidResult badResult = handler.Handle(OidRequest.V2AddSaEx(AddSaEx(RandomBytes(random, 68), AhSha256(Spi2, 0), EspCbcSha1()), abi));

        Assert.That(handler.Store.TryGet(handle, out OffloadedSaBundle? bundle), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(goodResult.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(bundle!.Transforms.Select(t => t.Protocol), Is.EqualTo(new[] { IpsecProtocol.Esp, IpsecProtocol.Ah }));
            Assert.That(bundle.Ah!.Spi, Is.EqualTo(Spi2));
            Assert.That(badResult.Status, Is.EqualTo(OffloadProfile.Default.AddSaTotalFailureStatus));
            Assert.That(IPsecV2Codec.ReadAddSaExOffloadHandle(badResult.InformationBuffer, abi).GetValueOrThrow(), Is.Zero);
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Is.EqualTo("IPSEC_OFFLOAD_V2_ADD_SA_EX.SecAssoc[0].Operation"));
        }
    }

    [Test]
    public void DeleteSa_KnownAndUnknownHandles_SucceedsDeletesKnownIgnoresUnknown([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi);
        var random = Seeded(107);
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(random, 36), EspCbcSha1()));
        ulong unknown = handle + SaStore.HandleStep * 1000;
        OidResult result = handler.Handle(OidRequest.V2DeleteSa([new IPsecV2DeleteSa(unknown), new IPsecV2DeleteSa(handle)], abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(handler.Store.TryGet(handle, out _), Is.False);
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Is.EqualTo("IPSEC_OFFLOAD_V2_DELETE_SA[0].OffloadHandle"));
            Assert.That(handler.LastDiagnostics.ElementErrors[1], Is.Null);
        }
    }

    [Test]
    public void DeleteSa_Bundle_DisposesEveryTransformSoKeysAreZeroed([Values] NdisAbi abi)
    {
        var backend = new RecordingBackend(DotNetCryptoBackend.Instance);
        var handler = V2Handler(abi, backend: backend);
        var random = Seeded(108);
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(random, 68), EspCbcSha1(), AhSha256()));
        handler.Store.TryGet(handle, out OffloadedSaBundle? bundle);
        bool disposedBefore = backend.Created.Any(t => t.Disposed);
        handler.Handle(OidRequest.V2DeleteSa([new IPsecV2DeleteSa(handle)], abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(backend.Created, Has.Count.EqualTo(3), "cipher + HMAC-SHA1 + HMAC-SHA256");
            Assert.That(disposedBefore, Is.False);
            Assert.That(backend.Created.All(t => t.Disposed), Is.True);
            Assert.That(bundle!.IsDisposed, Is.True);
        }
    }

    [Test]
    public void AddSa_SecondEntryFails_FirstEntryTransformsDisposed([Values] NdisAbi abi)
    {
        var backend = new RecordingBackend(DotNetCryptoBackend.Instance);
        var handler = V2Handler(abi, backend: backend);
        var badAh = AhSha256() with { AuthenticationAlgorithm = IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha256, 31, 36) };
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(Seeded(109), 68), EspCbcSha1(), badAh));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(handle, Is.Zero);
            Assert.That(backend.Created, Has.Count.EqualTo(2));
            Assert.That(backend.Created.All(t => t.Disposed), Is.True);
        }
    }

    [Test]
    public void AddSa_BackendRefusesKey_PerSaFailureNotException([Values] NdisAbi abi)
    {
        var backend = new RecordingBackend(DotNetCryptoBackend.Instance) { Refuse = true };
        var handler = V2Handler(abi, backend: backend);
        OidResult result = handler.Handle(OidRequest.V2AddSa([AddSa(RandomBytes(Seeded(110), 36), EspCbcSha1())], abi));
        NdisError error = handler.LastDiagnostics!.ElementErrors[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Resources));
            Assert.That(error.Status, Is.EqualTo(NdisStatus.InvalidData));
            Assert.That(error.Field, Is.EqualTo("IPSEC_OFFLOAD_V2_ADD_SA[0].SecAssoc[0]"));
            Assert.That(error.Message, Does.Contain("refused"));
        }
    }

    [Test]
    public void UpdateSa_EsnSa_ChangesSequenceNumberHigh([Values] NdisAbi abi)
    {
        var random = Seeded(111);
        var handler = V2Handler(abi);
        uint initial = (uint)random.NextInt64(0, 1L << 32);
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(random, 36), EspCbcSha1(flags: IPsecV2SaFlags.Esn, high: initial)));
        handler.Store.TryGet(handle, out OffloadedSaBundle? bundle);
        uint initialSeen = bundle!.Esp!.SequenceNumberHigh;
        uint updated = (uint)random.NextInt64(0, 1L << 32) | 0x8080_8080;
        OidResult result = handler.Handle(OidRequest.V2UpdateSa(new IPsecV2UpdateSa(handle, IPsecV2Operation.Esp, Spi1, updated), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(initialSeen, Is.EqualTo(initial));
            Assert.That(result.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(bundle.Esp.SequenceNumberHigh, Is.EqualTo(updated));
        }
    }

    private static IEnumerable<TestCaseData> UpdateSaFailures()
    {
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            yield return new TestCaseData(abi, false, 0UL, Spi1, "OffloadHandle").SetArgDisplayNames(abi.ToString(), "unknown-handle");
            yield return new TestCaseData(abi, false, SaStore.HandleStep, Spi1, "OffloadHandle").SetArgDisplayNames(abi.ToString(), "deleted-or-never-issued");
            yield return new TestCaseData(abi, true, 0UL, Spi2, "Spi").SetArgDisplayNames(abi.ToString(), "wrong-spi");
            yield return new TestCaseData(abi, false, 0UL, Spi1, "SequenceNumberHighOrder").SetArgDisplayNames(abi.ToString(), "non-esn");
        }
    }

    [TestCaseSource(nameof(UpdateSaFailures))]
    public void UpdateSa_UnknownOrNonEsn_InvalidParameter(NdisAbi abi, bool esn, ulong handleOffset, uint spi, string field)
    {
        var handler = V2Handler(abi);
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(Seeded(112), 36), EspCbcSha1(flags: esn ? IPsecV2SaFlags.Esn : IPsecV2SaFlags.None)));
        ulong target = field == "OffloadHandle" ? (handleOffset == 0 ? 0 : handle + handleOffset) : handle;
        OidResult result = handler.Handle(OidRequest.V2UpdateSa(new IPsecV2UpdateSa(target, IPsecV2Operation.Esp, spi, 0xDEAD_BEEF), abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.InvalidParameter));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Is.EqualTo($"IPSEC_OFFLOAD_V2_UPDATE_SA.{field}"));
        }
    }

    // ---------------------------------------------------------------- semantic validation

    private static readonly NdisIPsecOffloadV2 Full = FullV2();

    private static IEnumerable<TestCaseData> InvalidElements()
    {
        var keys36 = new byte[36];
        var keys68 = new byte[68];
        var cases = new (string Name, NdisIPsecOffloadV2 Caps, IPsecV2AddSa Sa, NdisStatus Status, string Field)[]
        {
            ("encryption-not-advertised", Full with { EncryptionAlgorithms = IPsecV2Encryption.AesGcm128 }, AddSa(keys36, EspCbcSha1()),
                NdisStatus.NotSupported, "SecAssoc[0].EncryptionAlgorithm.Identifier"),
            ("authentication-not-advertised", Full with { AuthenticationAlgorithms = IPsecV2Authentication.Md5 }, AddSa(keys36, EspCbcSha1()),
                NdisStatus.NotSupported, "SecAssoc[0].AuthenticationAlgorithm.Identifier"),
            ("aes-cbc-key-15", Full, AddSa(keys36, EspCbcSha1() with { EncryptionAlgorithm = IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.AesCbc128, 15, 0) }),
                NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.KeyLength"),
            ("hmac-sha1-key-16", Full, AddSa(keys36, EspCbcSha1() with { AuthenticationAlgorithm = IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha1, 16, 16) }),
                NdisStatus.InvalidData, "SecAssoc[0].AuthenticationAlgorithm.KeyLength"),
            ("gcm-key-without-salt", Full, AddSa(keys36, EspGcm128(keyLength: 16)), NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.KeyLength"),
            ("gcm-icv-10", Full, AddSa(keys36, EspGcm128(icv: 10)), NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.AdditionalInfo"),
            ("gcm-icv-in-bits-under-bytes-profile", Full, AddSa(keys36, EspGcm128(icv: 128)), NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.AdditionalInfo"),
            ("esp-neither-algorithm", Full, AddSa(keys36, EspCbcSha1() with { AuthenticationAlgorithm = default, EncryptionAlgorithm = default }),
                NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.Identifier"),
            ("esp-null-without-authentication", Full, AddSa(keys36, EspCbcSha1() with { AuthenticationAlgorithm = default, EncryptionAlgorithm = IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.None, 0, 0) }),
                NdisStatus.InvalidData, "SecAssoc[0].AuthenticationAlgorithm.Identifier"),
            ("ah-with-encryption", Full, AddSa(keys68, AhSha256() with { EncryptionAlgorithm = IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.AesCbc128, 16, 0) }),
                NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.Identifier"),
            ("ah-then-esp", Full, AddSa(keys68, AhSha256(), EspCbcSha1()), NdisStatus.InvalidData, "SecAssoc[0].Operation"),
            ("two-esp", Full, AddSa(keys68, EspCbcSha1(), EspCbcSha1(Spi2)), NdisStatus.InvalidData, "SecAssoc[1].Operation"),
            ("two-ah", Full, AddSa(keys68, AhSha256(), AhSha256(Spi1, 0)), NdisStatus.InvalidData, "SecAssoc[1].Operation"),
            ("esp-ah-not-combined", Full with { AhEspCombined = false }, AddSa(keys68, EspCbcSha1(), AhSha256()), NdisStatus.NotSupported, "NumExtHdrs"),
            ("ah-not-advertised", Full with { Ah = false }, AddSa(keys68, AhSha256()), NdisStatus.NotSupported, "SecAssoc[0].Operation"),
            ("esn-not-advertised", Full with { ExtendedSequenceNumbers = false }, AddSa(keys36, EspCbcSha1(flags: IPsecV2SaFlags.Esn)),
                NdisStatus.NotSupported, "SecAssoc[0].Flags"),
            ("ipv6-not-advertised", Full with { IPv6Supported = false }, AddSa(IPsecV2AddSaFlags.IPv6, keys36, EspCbcSha1()), NdisStatus.NotSupported, "Flags"),
            ("udp-esp-not-advertised", Full with { UdpEsp = IPsecV2UdpEspEncapsulation.Transport },
                AddSa(keys36, EspCbcSha1()) with { UdpEspEncapsulation = IPsecV2UdpEspEncapsulation.Tunnel }, NdisStatus.NotSupported, "UdpEspEncapsulation"),
            ("udp-esp-with-ah", Full, AddSa(keys68, EspCbcSha1(), AhSha256()) with { UdpEspEncapsulation = IPsecV2UdpEspEncapsulation.Transport },
                NdisStatus.InvalidData, "UdpEspEncapsulation"),
            ("gmac-with-aes-cbc", Full, AddSa(keys36, EspCbcSha1() with { AuthenticationAlgorithm = IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.AesGcm128, 20, 16) }),
                NdisStatus.InvalidData, "SecAssoc[0].EncryptionAlgorithm.Identifier"),
        };
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            foreach (var c in cases)
            {
                yield return new TestCaseData(abi, c.Caps, c.Sa, c.Status, c.Field).SetArgDisplayNames(abi.ToString(), c.Name);
            }
        }
    }

    [TestCaseSource(nameof(InvalidElements))]
    public void AddSa_InvalidElement_NullHandleAndErrorNamesField(NdisAbi abi, NdisIPsecOffloadV2 caps, IPsecV2AddSa sa, NdisStatus status, string field)
    {
        var handler = V2Handler(abi, caps);
        OidResult result = handler.Handle(OidRequest.V2AddSa([sa], abi));
        NdisError? error = handler.LastDiagnostics!.ElementErrors[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(OffloadProfile.Default.AddSaTotalFailureStatus));
            Assert.That(IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, abi).GetValueOrThrow()[0], Is.Zero);
            Assert.That(error, Is.Not.Null);
            Assert.That(error!.Status, Is.EqualTo(status), error.ToString());
            Assert.That(error.Field, Is.EqualTo($"IPSEC_OFFLOAD_V2_ADD_SA[0].{field}"), error.ToString());
            Assert.That(handler.Store.Count, Is.Zero);
        }
    }

    [Test]
    public void AddSa_GcmIcvInBitsUnderBitsProfile_Accepted([Values] NdisAbi abi, [Values(64u, 96u, 128u)] uint bits)
    {
        var handler = V2Handler(abi, profile: OffloadProfile.Default with { GcmIcvLengthUnit = GcmIcvLengthUnit.Bits });
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(Seeded(113), 20), EspGcm128(icv: bits)));
        Assert.That(handler.Store.TryGet(handle, out OffloadedSaBundle? bundle), Is.True);
        Assert.That(bundle!.Esp!.IcvLength, Is.EqualTo((int)bits / 8));
    }

    [Test]
    public void AddSa_InboundIPv6AndGmacOnly_AcceptedAndStoredAsGiven([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi);
        var gmac = new IPsecV2SecurityAssociation(IPsecV2SaFlags.None, IPsecV2Operation.Esp, Spi1,
            IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.AesGcm256, 36, 0), default, 0);
        ulong handle = AddV2(handler, abi, AddSa(IPsecV2AddSaFlags.Inbound | IPsecV2AddSaFlags.IPv6, RandomBytes(Seeded(114), 36), gmac));
        Assert.That(handler.Store.TryGet(handle, out OffloadedSaBundle? bundle), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(bundle!.Direction, Is.EqualTo(SaDirection.Inbound));
            Assert.That(bundle.IsIPv6, Is.True);
            Assert.That(bundle.Esp!.Cipher, Is.Null);
            Assert.That(bundle.Esp.Integrity!.Algorithm, Is.SameAs(CryptoAlgorithm.AesGmac256));
            Assert.That(bundle.Esp.IvLength, Is.EqualTo(8));
        }
    }
    [Test]
    public void AddSa_UdpEspTransportAdvertised_BundleCarriesEncapsulation([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi);
        ulong handle = AddV2(handler, abi,
            AddSa(RandomBytes(Seeded(115), 36), EspCbcSha1()) with { UdpEspEncapsulation = IPsecV2UdpEspEncapsulation.TransportOverUdpEspTunnel });
        Assert.That(handler.Store.TryGet(handle, out OffloadedSaBundle? bundle), Is.True);
        Assert.That(bundle!.UdpEspEncapsulation, Is.EqualTo(IPsecV2UdpEspEncapsulation.TransportOverUdpEspTunnel));
    }

    [Test]
    public void AddSa_ConcurrentAddsAndDeletes_HandlesUniqueAndTableConsistent([Values] NdisAbi abi)
    {
        var handler = V2Handler(abi, FullV2(capacity: 1000));
        byte[] keys = RandomBytes(Seeded(116), 36);
        var handles = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        Parallel.For(0, 400, i =>
        {
            ulong handle = AddV2(handler, abi, AddSa(keys, EspCbcSha1((uint)i + 1)));
            handles.Add(handle);
            if (i % 2 == 0)
            {
                handler.Handle(OidRequest.V2DeleteSa([new IPsecV2DeleteSa(handle)], abi));
            }
        });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(handles, Has.None.EqualTo(0UL));
            Assert.That(handles.Distinct().Count(), Is.EqualTo(400));
            Assert.That(handler.Store.Count, Is.EqualTo(200));
        }
    }
}
