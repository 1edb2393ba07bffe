using IpsecOffload.Engine.Crypto;

namespace IpsecOffload.Engine.Vectors;

/// <summary>
/// Maps a vector's <c>encryption</c>/<c>integrity</c> objects to the NDIS algorithms
/// (<see cref="CryptoAlgorithm"/>): the AES key length selects 128/192/256; AES-GCM and AES-GMAC take
/// the salt separately; AH vectors carry <c>{"alg": "null"}</c> for encryption.
/// </summary>
public static class VectorAlgorithms
{
    /// <summary>The algorithms of a vector's SA, or the reason they cannot be resolved.</summary>
    public static bool TryResolve(GoldenVector vector, out ResolvedAlgorithms algorithms, out string? error)
    {
        ArgumentNullException.ThrowIfNull(vector);
        algorithms = default;
        VectorEncryption e = vector.Encryption;
        CryptoAlgorithm? encryption = null;
        if (vector.Proto == VectorProtocol.Esp || e.Alg != "null")
        {
            int keyBits = e.Key.Length * 8;
            encryption = (e.Alg, keyBits) switch
            {
                ("null", _) => CryptoAlgorithm.EspNull,
                ("des-cbc", 64) => CryptoAlgorithm.DesCbc,
                ("3des-cbc", 192) => CryptoAlgorithm.TripleDesCbc,
                ("aes-cbc", 128) => CryptoAlgorithm.AesCbc128,
                ("aes-cbc", 192) => CryptoAlgorithm.AesCbc192,
                ("aes-cbc", 256) => CryptoAlgorithm.AesCbc256,
                ("aes-gcm", 128) => CryptoAlgorithm.AesGcm128,
                ("aes-gcm", 192) => CryptoAlgorithm.AesGcm192,
                ("aes-gcm", 256) => CryptoAlgorithm.AesGcm256,
                ("aes-gmac", 128) => CryptoAlgorithm.AesGmac128,
                ("aes-gmac", 192) => CryptoAlgorithm.AesGmac192,
                ("aes-gmac", 256) => CryptoAlgorithm.AesGmac256,
                _ => null,
            };
            if (encryption is null)
            {
                error = $"encryption.alg '{e.Alg}' with a {e.Key.Length}-byte key is not an NDIS IPsec offload algorithm";
                return false;
            }

            if (vector.Proto == VectorProtocol.Ah && encryption.Kind != CryptoAlgorithmKind.Integrity)
            {
                error = $"an AH vector cannot use encryption.alg '{e.Alg}'";
                return false;
            }
        }

        if (encryption is not null && encryption.SaltLength != (e.Salt?.Length ?? 0))
        {
            error = $"encryption.salt has {e.Salt?.Length ?? 0} bytes; {encryption.Name} needs {encryption.SaltLength}";
            return false;
        }

        CryptoAlgorithm? integrity = null;
        if (vector.Integrity is { } declared)
        {
            if (!TryResolveIntegrity(declared, out integrity, out error))
            {
                return false;
            }
        }

        algorithms = new ResolvedAlgorithms(encryption, integrity);
        int expectedIcv = encryption?.Kind == CryptoAlgorithmKind.Aead ? vector.IcvLength
            : integrity?.DefaultIcvLength ?? (encryption?.Kind == CryptoAlgorithmKind.Integrity ? encryption.DefaultIcvLength : 0);
        if (encryption?.Kind == CryptoAlgorithmKind.Aead && !encryption.SupportsIcvLength(vector.IcvLength))
        {
            error = $"icvLength {vector.IcvLength} is not 8, 12 or 16 for {encryption.Name}";
            return false;
        }

        if (vector.IcvLength != expectedIcv)
        {
            error = $"icvLength {vector.IcvLength} does not match the algorithms ({expectedIcv})";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Maps an <c>integrity</c> object (HMAC, or AES-GMAC with its salt) to its algorithm.</summary>
    public static bool TryResolveIntegrity(VectorIntegrity declared, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CryptoAlgorithm? algorithm, out string? error)
    {
        ArgumentNullException.ThrowIfNull(declared);
        algorithm = (declared.Alg, declared.Key.Length) switch
        {
            ("hmac-md5-96", _) => CryptoAlgorithm.HmacMd5,
            ("hmac-sha1-96", _) => CryptoAlgorithm.HmacSha1,
            ("hmac-sha256-128", _) => CryptoAlgorithm.HmacSha256,
            ("aes-gmac", 16) => CryptoAlgorithm.AesGmac128,
            ("aes-gmac", 24) => CryptoAlgorithm.AesGmac192,
            ("aes-gmac", 32) => CryptoAlgorithm.AesGmac256,
            _ => null,
        };
        if (algorithm is null)
        {
            error = $"integrity.alg '{declared.Alg}' with a {declared.Key.Length}-byte key is not hmac-md5-96, hmac-sha1-96, hmac-sha256-128 or aes-gmac";
            return false;
        }

        if (algorithm.SaltLength != (declared.Salt?.Length ?? 0))
        {
            error = $"integrity.salt has {declared.Salt?.Length ?? 0} bytes; {algorithm.Name} needs {algorithm.SaltLength}";
            algorithm = null;
            return false;
        }

        error = null;
        return true;
    }
}

/// <summary>The algorithms of a vector's SA.</summary>
/// <param name="Encryption">ESP's cipher or AEAD (or AES-GMAC as ESP's NULL-auth transform), or null for AH.</param>
/// <param name="Integrity">The integrity transform (HMAC, or AES-GMAC for AH), or null for AEAD.</param>
public readonly record struct ResolvedAlgorithms(CryptoAlgorithm? Encryption, CryptoAlgorithm? Integrity);
