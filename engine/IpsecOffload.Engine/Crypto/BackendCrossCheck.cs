namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// Runs two crypto backends side by side on seeded random keys, IVs, associated data and lengths
/// and reports where they disagree: ciphertexts and ICVs must be byte-identical, each backend must
/// decrypt and verify the other's output, and a flipped bit must fail verification. Used by the
/// CLI's <c>selftest</c> so a vendor can check, on its own machine, that the crypto the suite judges
/// with is sound (e.g. after an OpenSSL update underneath .NET).
/// </summary>
public static class BackendCrossCheck
{
    private const int MaxLength = 2048;

    /// <summary>Checks <paramref name="cases"/> random inputs of <paramref name="algorithm"/>.</summary>
    /// <param name="algorithm">The algorithm to check.</param>
    /// <param name="first">Usually the .NET backend.</param>
    /// <param name="second">Usually the BouncyCastle backend.</param>
    /// <param name="cases">Number of random inputs.</param>
    /// <param name="seed">Seed of the random inputs; the same seed gives the same inputs.</param>
    public static CrossCheckResult Run(CryptoAlgorithm algorithm, ICryptoBackend first, ICryptoBackend second, int cases, int seed)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var rng = new Random(unchecked(seed ^ ((int)algorithm.Id * 7_919)));
        for (int i = 0; i < cases; i++)
        {
            string? problem = algorithm.Kind switch
            {
                CryptoAlgorithmKind.Cipher => CheckCipher(algorithm, first, second, rng),
                CryptoAlgorithmKind.Aead => CheckAead(algorithm, first, second, rng),
                _ => CheckIntegrity(algorithm, first, second, rng),
            };
            if (problem is not null)
            {
                return new CrossCheckResult(algorithm, i + 1, $"case {i} (seed {seed}): {problem}");
            }
        }

        return new CrossCheckResult(algorithm, cases, null);
    }

    private static byte[] Bytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static int Length(Random rng, int block) => rng.Next(MaxLength + 1) / block * block;

    private static string? CheckCipher(CryptoAlgorithm algorithm, ICryptoBackend first, ICryptoBackend second, Random rng)
    {
        byte[] key = Bytes(rng, algorithm.KeyMaterialLength);
        using ICipherTransform a = first.CreateCipher(algorithm, key);
        using ICipherTransform b = second.CreateCipher(algorithm, key);
        byte[] iv = Bytes(rng, algorithm.IvLength);
        byte[] plain = Bytes(rng, Length(rng, algorithm.BlockSize));
        byte[] viaA = plain.ToArray(), viaB = plain.ToArray();
        a.Encrypt(iv, viaA);
        b.Encrypt(iv, viaB);
        if (!viaA.AsSpan().SequenceEqual(viaB))
        {
            return $"ciphertexts differ ({plain.Length} bytes)";
        }

        b.Decrypt(iv, viaA);
        return viaA.AsSpan().SequenceEqual(plain) ? null : $"{second.Name} does not decrypt {first.Name}'s ciphertext";
    }

    private static string? CheckAead(CryptoAlgorithm algorithm, ICryptoBackend first, ICryptoBackend second, Random rng)
    {
        byte[] key = Bytes(rng, algorithm.KeyMaterialLength);
        int icvLength = algorithm.IcvLengths[rng.Next(algorithm.IcvLengths.Count)];
        using IAeadTransform a = first.CreateAead(algorithm, key, icvLength);
        using IAeadTransform b = second.CreateAead(algorithm, key, icvLength);
        byte[] iv = Bytes(rng, algorithm.IvLength);
        byte[] aad = Bytes(rng, rng.Next(2) == 0 ? 8 : 12);
        byte[] plain = Bytes(rng, Length(rng, 1));
        byte[] viaA = plain.ToArray(), viaB = plain.ToArray();
        byte[] icvA = new byte[icvLength], icvB = new byte[icvLength];
        a.Encrypt(iv, aad, viaA, icvA);
        b.Encrypt(iv, aad, viaB, icvB);
        if (!viaA.AsSpan().SequenceEqual(viaB) || !icvA.AsSpan().SequenceEqual(icvB))
        {
            return $"ciphertexts or {icvLength}-byte ICVs differ ({plain.Length} bytes)";
        }

        byte[] tampered = icvA.ToArray();
        tampered[rng.Next(tampered.Length)] ^= (byte)(1 << rng.Next(8));
        if (b.TryDecrypt(iv, aad, viaB.ToArray(), tampered))
        {
            return $"{second.Name} accepts a flipped ICV bit";
        }

        return b.TryDecrypt(iv, aad, viaA, icvA) && viaA.AsSpan().SequenceEqual(plain)
            ? null
            : $"{second.Name} does not verify and decrypt {first.Name}'s output";
    }

    private static string? CheckIntegrity(CryptoAlgorithm algorithm, ICryptoBackend first, ICryptoBackend second, Random rng)
    {
        byte[] key = Bytes(rng, algorithm.KeyMaterialLength);
        using IIntegrityTransform a = first.CreateIntegrity(algorithm, key);
        using IIntegrityTransform b = second.CreateIntegrity(algorithm, key);
        byte[] iv = Bytes(rng, algorithm.IvLength);
        byte[] data = Bytes(rng, Length(rng, 1));
        int split = rng.Next(data.Length + 1);
        byte[] icvA = new byte[a.IcvLength], icvB = new byte[b.IcvLength];
        a.Start(iv);
        a.Append(data.AsSpan(0, split));
        a.Append(data.AsSpan(split));
        a.Finish(icvA);
        b.Start(iv);
        b.Append(data);
        b.Finish(icvB);
        if (!icvA.AsSpan().SequenceEqual(icvB))
        {
            return $"ICVs differ ({data.Length} bytes, split at {split})";
        }

        icvA[rng.Next(icvA.Length)] ^= (byte)(1 << rng.Next(8));
        b.Start(iv);
        b.Append(data);
        return b.FinishAndVerify(icvA) ? $"{second.Name} accepts a flipped ICV bit" : null;
    }
}

/// <summary>The outcome of <see cref="BackendCrossCheck.Run"/> for one algorithm.</summary>
/// <param name="Algorithm">The algorithm checked.</param>
/// <param name="Cases">Cases run (up to and including the first failing one).</param>
/// <param name="Failure">The first disagreement, or null when the backends agreed on every case.</param>
public sealed record CrossCheckResult(CryptoAlgorithm Algorithm, int Cases, string? Failure)
{
    /// <summary>True when the backends agreed on every case.</summary>
    public bool Passed => Failure is null;
}
