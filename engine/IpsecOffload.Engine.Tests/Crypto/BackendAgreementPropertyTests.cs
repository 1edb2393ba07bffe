using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>
/// Seeded property tests: for every algorithm, 1,000 random cases (keys, IVs, AAD, lengths 0…2000 in
/// multiples of the block, data at random offsets inside a larger array) on which the .NET and
/// BouncyCastle backends must agree byte for byte, decrypt(encrypt(x)) = x across backends, and one
/// flipped bit must fail GCM/HMAC/GMAC verification. Failures print the seed; set IPSEC_TEST_SEED to replay.
/// </summary>
public sealed class BackendAgreementPropertyTests
{
    private const int CasesPerAlgorithm = 1000;
    private const int CasesPerKey = 10;
    private const int MaxLength = 2000;
    private const int MaxOffset = 31;
    private const int Guard = 8;

    private static IEnumerable<TestCaseData> Algorithms() =>
        CryptoAlgorithm.All.Select(a => new TestCaseData(a).SetArgDisplayNames(a.Name));

    private static DotNetCryptoBackend DotNet => DotNetCryptoBackend.Instance;

    private static BouncyCastleCryptoBackend Bc => BouncyCastleCryptoBackend.Instance;

    private static int SaltOf(CryptoAlgorithm algorithm) => 7_000 + (int)algorithm.Id;

    private static string Where(CryptoAlgorithm algorithm, int caseIndex, int length, int offset) =>
        $"{algorithm} case {caseIndex} (seed {TestSeeds.Current}, salt {SaltOf(algorithm)}; replay with IPSEC_TEST_SEED={TestSeeds.Current}), length {length}, offset {offset}";

    private static byte[] Bytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomKey(Random rng, CryptoAlgorithm algorithm) =>
        algorithm.AcceptsAnyKeyLength && rng.Next(2) == 0
            ? Bytes(rng, rng.Next(1, 150))
            : Bytes(rng, algorithm.KeyMaterialLength);

    /// <summary>A random length in 0…2000, a multiple of the block, with the edges drawn more often.</summary>
    private static int RandomLength(Random rng, int blockSize)
    {
        int raw = rng.Next(10) switch
        {
            0 => 0,
            1 => blockSize,
            2 => MaxLength,
            _ => rng.Next(MaxLength + 1),
        };
        return raw / blockSize * blockSize;
    }

    /// <summary>An array holding <paramref name="data"/> at <paramref name="offset"/>, surrounded by random guard bytes.</summary>
    private static byte[] Embed(Random rng, ReadOnlySpan<byte> data, int offset)
    {
        byte[] buffer = Bytes(rng, offset + data.Length + Guard);
        data.CopyTo(buffer.AsSpan(offset));
        return buffer;
    }

    private static void AssertGuardsIntact(byte[] original, byte[] actual, int offset, int length, string where)
    {
        HexAssert.AreEqual(original.AsSpan(0, offset), actual.AsSpan(0, offset), $"bytes before the data, {where}");
        HexAssert.AreEqual(original.AsSpan(offset + length), actual.AsSpan(offset + length), $"bytes after the data, {where}");
    }

    [TestCaseSource(nameof(Algorithms))]
    public void Backends_AgreeOnRandomInputs_AndRoundTripAndTamperChecksHold(CryptoAlgorithm algorithm)
    {
        Random rng = TestSeeds.Create(SaltOf(algorithm));
        switch (algorithm.Kind)
        {
            case CryptoAlgorithmKind.Cipher:
                RunCipher(algorithm, rng);
                break;
            case CryptoAlgorithmKind.Aead:
                RunAead(algorithm, rng);
                break;
            default:
                RunIntegrity(algorithm, rng);
                break;
        }
    }

    private static void RunCipher(CryptoAlgorithm algorithm, Random rng)
    {
        ICipherTransform? a = null, b = null;
        try
        {
            for (int i = 0; i < CasesPerAlgorithm; i++)
            {
                if (i % CasesPerKey == 0)
                {
                    a?.Dispose();
                    b?.Dispose();
                    byte[] key = RandomKey(rng, algorithm);
                    a = DotNet.CreateCipher(algorithm, key);
                    b = Bc.CreateCipher(algorithm, key);
                }

                int length = RandomLength(rng, algorithm.BlockSize);
                int offset = rng.Next(MaxOffset + 1);
                string where = Where(algorithm, i, length, offset);
                byte[] plain = Bytes(rng, length);
                byte[] iv = Bytes(rng, algorithm.IvLength);
                byte[] original = Embed(rng, plain, offset);
                byte[] viaDotNet = original.ToArray();
                byte[] viaBc = original.ToArray();

                a!.Encrypt(iv, viaDotNet.AsSpan(offset, length));
                b!.Encrypt(iv, viaBc.AsSpan(offset, length));
                HexAssert.AreEqual(viaBc, viaDotNet, $"ciphertext, {where}");
                AssertGuardsIntact(original, viaDotNet, offset, length, where);

                // Decrypt each backend's ciphertext with the other backend.
                b.Decrypt(iv, viaDotNet.AsSpan(offset, length));
                a.Decrypt(iv, viaBc.AsSpan(offset, length));
                HexAssert.AreEqual(original, viaDotNet, $"BouncyCastle decrypt of .NET ciphertext, {where}");
                HexAssert.AreEqual(original, viaBc, $".NET decrypt of BouncyCastle ciphertext, {where}");
            }
        }
        finally
        {
            a?.Dispose();
            b?.Dispose();
        }
    }

    private static void RunAead(CryptoAlgorithm algorithm, Random rng)
    {
        IAeadTransform? a = null, b = null;
        try
        {
            for (int i = 0; i < CasesPerAlgorithm; i++)
            {
                if (i % CasesPerKey == 0)
                {
                    a?.Dispose();
                    b?.Dispose();
                    byte[] key = RandomKey(rng, algorithm);
                    int icvLength = algorithm.IcvLengths[rng.Next(algorithm.IcvLengths.Count)];
                    a = DotNet.CreateAead(algorithm, key, icvLength);
                    b = Bc.CreateAead(algorithm, key, icvLength);
                }

                int length = RandomLength(rng, 1);
                int offset = rng.Next(MaxOffset + 1);
                string where = Where(algorithm, i, length, offset) + $", ICV {a!.IcvLength}";
                byte[] iv = Bytes(rng, algorithm.IvLength);
                byte[] aad = Bytes(rng, rng.Next(3) switch { 0 => 8, 1 => 12, _ => rng.Next(0, 40) });
                byte[] original = Embed(rng, Bytes(rng, length), offset);
                byte[] viaDotNet = original.ToArray();
                byte[] viaBc = original.ToArray();
                var icvDotNet = new byte[a.IcvLength];
                var icvBc = new byte[b!.IcvLength];

                a.Encrypt(iv, aad, viaDotNet.AsSpan(offset, length), icvDotNet);
                b.Encrypt(iv, aad, viaBc.AsSpan(offset, length), icvBc);
                HexAssert.AreEqual(viaBc, viaDotNet, $"ciphertext, {where}");
                HexAssert.AreEqual(icvBc, icvDotNet, $"ICV, {where}");
                AssertGuardsIntact(original, viaDotNet, offset, length, where);

                // Tamper with one bit of ciphertext, AAD or ICV: both backends must refuse.
                byte[] badData = viaDotNet.AsSpan(offset, length).ToArray();
                byte[] badAad = aad.ToArray();
                byte[] badIcv = icvDotNet.ToArray();
                FlipRandomBit(rng, rng.Next(3) switch
                {
                    0 when badData.Length > 0 => badData,
                    1 when badAad.Length > 0 => badAad,
                    _ => badIcv,
                });
                Assert.That(a.TryDecrypt(iv, badAad, badData.ToArray(), badIcv), Is.False, $".NET accepts a flipped bit, {where}");
                Assert.That(b.TryDecrypt(iv, badAad, badData.ToArray(), badIcv), Is.False, $"BouncyCastle accepts a flipped bit, {where}");

                bool okByBc = b.TryDecrypt(iv, aad, viaDotNet.AsSpan(offset, length), icvDotNet);
                bool okByDotNet = a.TryDecrypt(iv, aad, viaBc.AsSpan(offset, length), icvBc);
                Assert.That(okByBc && okByDotNet, Is.True, $"cross-backend verification, {where}");
                HexAssert.AreEqual(original, viaDotNet, $"BouncyCastle decrypt of .NET ciphertext, {where}");
                HexAssert.AreEqual(original, viaBc, $".NET decrypt of BouncyCastle ciphertext, {where}");
            }
        }
        finally
        {
            a?.Dispose();
            b?.Dispose();
        }
    }

    private static void RunIntegrity(CryptoAlgorithm algorithm, Random rng)
    {
        IIntegrityTransform? a = null, b = null;
        try
        {
            for (int i = 0; i < CasesPerAlgorithm; i++)
            {
                if (i % CasesPerKey == 0)
                {
                    a?.Dispose();
                    b?.Dispose();
                    byte[] key = RandomKey(rng, algorithm);
                    a = DotNet.CreateIntegrity(algorithm, key);
                    b = Bc.CreateIntegrity(algorithm, key);
                }

                int length = RandomLength(rng, 1);
                int offset = rng.Next(MaxOffset + 1);
                string where = Where(algorithm, i, length, offset);
                byte[] iv = Bytes(rng, algorithm.IvLength);
                byte[] buffer = Embed(rng, Bytes(rng, length), offset);
                int[] cuts = [.. Enumerable.Range(0, rng.Next(4)).Select(_ => rng.Next(length + 1)).Order()];

                byte[] icvDotNet = Compute(a!, iv, buffer, offset, length, cuts);
                byte[] icvBc = Compute(b!, iv, buffer, offset, length, [.. Enumerable.Range(0, rng.Next(4)).Select(_ => rng.Next(length + 1)).Order()]);
                HexAssert.AreEqual(icvBc, icvDotNet, $"ICV, {where}, .NET pieces cut at [{string.Join(",", cuts)}]");

                byte[] tampered = buffer.AsSpan(offset, length).ToArray();
                byte[] tamperedIcv = icvDotNet.ToArray();
                FlipRandomBit(rng, tampered.Length > 0 && rng.Next(2) == 0 ? tampered : tamperedIcv);
                a!.Start(iv);
                a.Append(tampered);
                b!.Start(iv);
                b.Append(tampered);
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(a.FinishAndVerify(tamperedIcv), Is.False, $".NET accepts a flipped bit, {where}");
                    Assert.That(b.FinishAndVerify(tamperedIcv), Is.False, $"BouncyCastle accepts a flipped bit, {where}");
                }
            }
        }
        finally
        {
            a?.Dispose();
            b?.Dispose();
        }
    }

    private static byte[] Compute(IIntegrityTransform mac, byte[] iv, byte[] buffer, int offset, int length, int[] cuts)
    {
        mac.Start(iv);
        int start = 0;
        foreach (int cut in cuts.Append(length))
        {
            mac.Append(buffer.AsSpan(offset + start, cut - start));
            start = cut;
        }

        var icv = new byte[mac.IcvLength];
        mac.Finish(icv);
        return icv;
    }

    private static void FlipRandomBit(Random rng, byte[] bytes)
    {
        int bit = rng.Next(bytes.Length * 8);
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
    }
}
