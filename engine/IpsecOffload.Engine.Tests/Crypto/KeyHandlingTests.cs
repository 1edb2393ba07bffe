using System.Security.Cryptography;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Crypto.CryptoTestCases;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>
/// Creation-time key checks with numbers in the message, per-packet argument checks, DES weak keys,
/// key copies cleared on Dispose, use after Dispose, and the .NET fast path's zero allocation.
/// </summary>
public sealed class KeyHandlingTests
{
    private static IEnumerable<TestCaseData> BackendAlgorithmCases() =>
        from backend in Backends
        from algorithm in CryptoAlgorithm.All
        select new TestCaseData(backend, algorithm).SetArgDisplayNames(ShortName(backend), algorithm.Name);

    private static IPacketTransform Create(ICryptoBackend backend, CryptoAlgorithm algorithm, byte[] key) => algorithm.Kind switch
    {
        CryptoAlgorithmKind.Cipher => backend.CreateCipher(algorithm, key),
        CryptoAlgorithmKind.Aead => backend.CreateAead(algorithm, key, algorithm.DefaultIcvLength),
        _ => backend.CreateIntegrity(algorithm, key),
    };

    private static byte[] FilledKey(int length) => Enumerable.Range(0, length).Select(i => (byte)(0x5A ^ i)).ToArray();

    [TestCaseSource(nameof(BackendAlgorithmCases))]
    public void Create_KeyOneByteTooLongOrEmpty_ThrowsWithLengths(ICryptoBackend backend, CryptoAlgorithm algorithm)
    {
        int tooLong = algorithm.KeyMaterialLength + 1;
        using (Assert.EnterMultipleScope())
        {
            if (algorithm.AcceptsAnyKeyLength)
            {
                Assert.That(() => Create(backend, algorithm, []), Throws.ArgumentException.With.Message.Contains("got 0 bytes"));
                Assert.That(() => Create(backend, algorithm, FilledKey(tooLong)).Dispose(), Throws.Nothing, "HMAC takes any non-empty key (RFC 2104)");
            }
            else
            {
                Assert.That(() => Create(backend, algorithm, FilledKey(tooLong)),
                    Throws.ArgumentException.With.Message.Contains($"needs").And.Message.Contains($"got {tooLong} bytes"));
                if (algorithm.KeyMaterialLength > 0)
                {
                    Assert.That(() => Create(backend, algorithm, FilledKey(algorithm.KeyMaterialLength - 1)),
                        Throws.ArgumentException.With.Message.Contains($"{algorithm.KeyMaterialLength}").And.Message.Contains($"got {algorithm.KeyMaterialLength - 1} bytes"));
                }
            }
        }
    }

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void CreateAead_GcmKeyWithoutSalt_MessageNamesKeyAndSalt(ICryptoBackend backend)
    {
        Assert.That(() => backend.CreateAead(CryptoAlgorithm.AesGcm128, FilledKey(16), 16),
            Throws.ArgumentException.With.Message.EqualTo(
                "aes-gcm-128 needs 20 bytes of keying material (16-byte AES key ‖ 4-byte salt, RFC 4106), got 16 bytes (Parameter 'key')"));
    }

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void Create_WrongKindOfAlgorithm_Throws(ICryptoBackend backend)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => backend.CreateCipher(CryptoAlgorithm.HmacSha1, FilledKey(20)), Throws.ArgumentException.With.Message.Contains("hmac-sha1-96"));
            Assert.That(() => backend.CreateIntegrity(CryptoAlgorithm.AesGcm128, FilledKey(20)), Throws.ArgumentException.With.Message.Contains("aes-gcm-128"));
            Assert.That(() => backend.CreateAead(CryptoAlgorithm.AesGmac128, FilledKey(20), 16), Throws.ArgumentException.With.Message.Contains("aes-gmac-128"));
        }
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(10)]
    [TestCase(32)]
    public void CreateAead_IcvLengthNot8Or12Or16_Throws(int icvLength)
    {
        foreach (ICryptoBackend backend in Backends)
        {
            Assert.That(() => backend.CreateAead(CryptoAlgorithm.AesGcm256, FilledKey(36), icvLength),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains($"got {icvLength}"), backend.Name);
        }
    }

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void Encrypt_PartialBlockOrWrongIv_ThrowsWithNumbers(ICryptoBackend backend)
    {
        using ICipherTransform cipher = backend.CreateCipher(CryptoAlgorithm.AesCbc256, FilledKey(32));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => cipher.Encrypt(new byte[16], new byte[33]), Throws.ArgumentException.With.Message.Contains("multiple of 16 bytes, got 33"));
            Assert.That(() => cipher.Decrypt(new byte[8], new byte[32]), Throws.ArgumentException.With.Message.Contains("16-byte IV, got 8"));
        }
    }

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void GmacAppendWithoutStart_Throws(ICryptoBackend backend)
    {
        using IIntegrityTransform gmac = backend.CreateIntegrity(CryptoAlgorithm.AesGmac192, FilledKey(28));
        Assert.That(() => gmac.Append([1, 2, 3]), Throws.InvalidOperationException.With.Message.Contains("Start"));
    }

    // FIPS 74 §3.6: the four weak keys (parity-adjusted) and two semi-weak pairs' first members.
    [TestCase("0101010101010101")]
    [TestCase("fefefefefefefefe")]
    [TestCase("e0e0e0e0f1f1f1f1")]
    [TestCase("1f1f1f1f0e0e0e0e")]
    public void DesWeakKey_AcceptedByBothBackends_AndEncryptionIsAnInvolution(string keyHex)
    {
        // A weak key makes DES its own inverse; one CBC block with a zero IV is one ECB block, so
        // encrypting twice must give the plaintext back (a check independent of either library).
        byte[] key = H(keyHex);
        Assert.That(DesKeyCheck.IsWeak(CryptoAlgorithm.DesCbc, key), Is.True);
        foreach (ICryptoBackend backend in Backends)
        {
            using ICipherTransform des = backend.CreateCipher(CryptoAlgorithm.DesCbc, key);
            byte[] block = H("4e6f772069732074");
            des.Encrypt(new byte[8], block);
            des.Encrypt(new byte[8], block);
            HexAssert.AreEqual("4e6f772069732074", block, $"{backend.Name} ({des.Implementation}) E(E(x))");
        }
    }

    [Test]
    public void DesWeakKey_DotNetBackend_ReportsBouncyCastleFallback()
    {
        using ICipherTransform weak = DotNetCryptoBackend.Instance.CreateCipher(CryptoAlgorithm.DesCbc, H("01fe01fe01fe01fe"));
        using ICipherTransform normal = DotNetCryptoBackend.Instance.CreateCipher(CryptoAlgorithm.DesCbc, H("0123456789abcdef"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(weak.Implementation, Does.Contain("fallback"));
            Assert.That(normal.Implementation, Does.StartWith(".NET"));
        }
    }

    [Test]
    public void TripleDesDegenerateKey_AcceptedByBothBackends_AndEqualsSingleDes()
    {
        // K1 = K2 = K3 reduces EDE3 to single DES with K1 (RFC 2451 §2.3): compare with the FIPS 81 vector.
        byte[] key = [.. H("0123456789abcdef"), .. H("0123456789abcdef"), .. H("0123456789abcdef")];
        Assert.That(DesKeyCheck.IsWeak(CryptoAlgorithm.TripleDesCbc, key), Is.True);
        foreach (ICryptoBackend backend in Backends)
        {
            using ICipherTransform cipher = backend.CreateCipher(CryptoAlgorithm.TripleDesCbc, key);
            byte[] data = Ascii("Now is the time for all ");
            cipher.Encrypt(H("1234567890abcdef"), data);
            HexAssert.AreEqual("e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6", data, $"{backend.Name} ({cipher.Implementation})");
        }
    }

    [Test]
    public void DesKeyCheck_OrdinaryKeysAndOtherAlgorithms_False()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(DesKeyCheck.IsWeak(CryptoAlgorithm.DesCbc, H("0123456789abcdef")), Is.False);
            Assert.That(DesKeyCheck.IsWeak(CryptoAlgorithm.TripleDesCbc, H("385d7189a5c3d485e1370aa5d408082b5ccccb5e19f2d90e")), Is.False);
            Assert.That(DesKeyCheck.IsWeak(CryptoAlgorithm.AesCbc128, H("01010101010101010101010101010101")), Is.False);
        }
    }

    [TestCaseSource(nameof(BackendAlgorithmCases))]
    public void Dispose_ClearsOwnedKeyCopies_AndLaterUseThrows(ICryptoBackend backend, CryptoAlgorithm algorithm)
    {
        byte[] key = FilledKey(algorithm.KeyMaterialLength == 0 ? 0 : algorithm.KeyMaterialLength);
        IPacketTransform transform = Create(backend, algorithm, key);
        IReadOnlyList<byte[]> owned = transform is IOwnsKeyMaterial o ? o.OwnedKeyMaterial : [];
        if (algorithm.SaltLength > 0)
        {
            // GCM/GMAC keep the salt (keying material, RFC 4106 §8.1) in their nonce buffer.
            Assert.That(owned, Has.Count.EqualTo(1));
            HexAssert.AreEqual(key.AsSpan(algorithm.KeyLength), owned[0].AsSpan(0, 4), "salt before Dispose");
        }

        transform.Dispose();
        transform.Dispose();
        using (Assert.EnterMultipleScope())
        {
            foreach (byte[] buffer in owned)
            {
                Assert.That(buffer, Is.All.EqualTo(0), "key copy after Dispose");
            }

            if (algorithm.Id != CryptoAlgorithmId.EspNull)
            {
                Assert.That(() => Use(transform), Throws.TypeOf<ObjectDisposedException>());
            }
        }
    }

    private static void Use(IPacketTransform transform)
    {
        switch (transform)
        {
            case ICipherTransform cipher:
                cipher.Encrypt(new byte[cipher.IvLength], new byte[cipher.BlockSize]);
                break;
            case IAeadTransform aead:
                aead.Encrypt(new byte[8], new byte[8], new byte[4], new byte[aead.IcvLength]);
                break;
            case IIntegrityTransform mac:
                mac.Start(new byte[mac.IvLength]);
                mac.Append([1]);
                break;
        }
    }

    [TestCaseSource(nameof(BackendAlgorithmCases))]
    public void Create_CallerClearsKeyBufferAfterwards_TransformUnaffected(ICryptoBackend backend, CryptoAlgorithm algorithm)
    {
        byte[] key = FilledKey(algorithm.KeyMaterialLength);
        using IPacketTransform reference = Create(backend, algorithm, key);
        byte[] cleared = key.ToArray();
        using IPacketTransform transform = Create(backend, algorithm, cleared);
        CryptographicOperations.ZeroMemory(cleared);
        HexAssert.AreEqual(Run(reference), Run(transform), $"{algorithm} output after the caller cleared its key buffer");
    }

    private static byte[] Run(IPacketTransform transform)
    {
        byte[] data = Enumerable.Range(0, 48).Select(i => unchecked((byte)(i * 7))).ToArray();
        switch (transform)
        {
            case ICipherTransform cipher:
                cipher.Encrypt(new byte[cipher.IvLength], data);
                return data;
            case IAeadTransform aead:
                var tag = new byte[aead.IcvLength];
                aead.Encrypt(new byte[8], new byte[8], data, tag);
                return [.. data, .. tag];
            default:
                var mac = (IIntegrityTransform)transform;
                mac.Start(new byte[mac.IvLength]);
                mac.Append(data);
                var icv = new byte[mac.IcvLength];
                mac.Finish(icv);
                return icv;
        }
    }

    private static IEnumerable<TestCaseData> DotNetAlgorithms() =>
        CryptoAlgorithm.All.Select(a => new TestCaseData(a).SetArgDisplayNames(a.Name));

    [TestCaseSource(nameof(DotNetAlgorithms))]
    public void DotNetBackend_SteadyStatePacket_AllocatesNoManagedMemory(CryptoAlgorithm algorithm)
    {
        using IPacketTransform transform = Create(DotNetCryptoBackend.Instance, algorithm, FilledKey(algorithm.KeyMaterialLength));
        byte[] data = new byte[1504];
        byte[] iv = new byte[algorithm.IvLength];
        byte[] aad = new byte[12];
        byte[] icv = new byte[Math.Max(algorithm.DefaultIcvLength, 1)];
        void Packet()
        {
            switch (transform)
            {
                case ICipherTransform cipher:
                    cipher.Encrypt(iv, data);
                    cipher.Decrypt(iv, data);
                    break;
                case IAeadTransform aead:
                    aead.Encrypt(iv, aad, data, icv);
                    aead.TryDecrypt(iv, aad, data, icv);
                    break;
                case IIntegrityTransform mac:
                    mac.Start(iv);
                    mac.Append(data.AsSpan(0, 700));
                    mac.Append(data.AsSpan(700));
                    mac.Finish(icv);
                    break;
            }
        }

        for (int i = 0; i < 20; i++)
        {
            Packet();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Packet();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, $"{algorithm}: managed bytes allocated by 100 steady-state packets ({transform.Implementation})");
    }
}
