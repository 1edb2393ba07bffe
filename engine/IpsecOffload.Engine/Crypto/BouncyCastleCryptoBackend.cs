using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Modes.Gcm;
using Org.BouncyCastle.Crypto.Parameters;

namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// The independent implementation (Portable.BouncyCastle 1.8.10, fully managed) that the conformance
/// oracle checks the engine against. Correctness over speed: its API takes arrays, so each call copies
/// the span into a per-SA scratch array; GCM builds a fresh <see cref="GcmBlockCipher"/> per packet
/// (with the table-free <see cref="BasicGcmMultiplier"/>) because BouncyCastle refuses to encrypt twice
/// with one key and nonce, and an oracle must be able to reproduce a packet. Truncated GCM ICVs use
/// BouncyCastle's own MAC sizes (64/96/128 bits), an independent check of the .NET truncation.
/// </summary>
/// <remarks>
/// Key copies: BouncyCastle keeps the key in <see cref="KeyParameter"/> (a private copy that
/// <c>GetKey()</c> only clones), in the engines' expanded schedules and in HMAC's pad states; its public
/// API cannot clear any of them, so Dispose drops the references and clears only what this library
/// allocated: the GCM/GMAC nonce buffer (salt ‖ IV) and the scratch arrays. DES weak/semi-weak and
/// degenerate 3DES keys are accepted (the engines are keyed through <see cref="KeyParameter"/>, which,
/// unlike <see cref="DesParameters"/>, does not check them).
/// </remarks>
public sealed class BouncyCastleCryptoBackend : ICryptoBackend
{
    /// <summary>The shared instance (the backend is stateless).</summary>
    public static BouncyCastleCryptoBackend Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "Portable.BouncyCastle 1.8.10";

    /// <inheritdoc/>
    public ICipherTransform CreateCipher(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        CryptoChecks.Kind(algorithm, CryptoAlgorithmKind.Cipher, nameof(CreateCipher));
        CryptoChecks.KeyLength(algorithm, key);
        return algorithm.Id == CryptoAlgorithmId.EspNull
            ? new NullCipherTransform()
            : new BouncyCastleCbcTransform(algorithm, key, note: null);
    }

    /// <inheritdoc/>
    public IAeadTransform CreateAead(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength)
    {
        CryptoChecks.Kind(algorithm, CryptoAlgorithmKind.Aead, nameof(CreateAead));
        CryptoChecks.KeyLength(algorithm, keyMaterial);
        CryptoChecks.IcvLength(algorithm, icvLength);
        return new BouncyCastleGcmTransform(algorithm, keyMaterial, icvLength);
    }

    /// <inheritdoc/>
    public IIntegrityTransform CreateIntegrity(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        CryptoChecks.Kind(algorithm, CryptoAlgorithmKind.Integrity, nameof(CreateIntegrity));
        CryptoChecks.KeyLength(algorithm, key);
        return algorithm.Id switch
        {
            CryptoAlgorithmId.HmacMd5 => new BouncyCastleHmacTransform(algorithm, new MD5Digest(), key),
            CryptoAlgorithmId.HmacSha1 => new BouncyCastleHmacTransform(algorithm, new Sha1Digest(), key),
            CryptoAlgorithmId.HmacSha256 => new BouncyCastleHmacTransform(algorithm, new Sha256Digest(), key),
            _ => new BouncyCastleGmacTransform(algorithm, key),
        };
    }

    internal static KeyParameter KeyParameter(ReadOnlySpan<byte> key)
    {
        byte[] copy = key.ToArray();
        try
        {
            // KeyParameter copies the array; the temporary is cleared here.
            return new KeyParameter(copy);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }
}
