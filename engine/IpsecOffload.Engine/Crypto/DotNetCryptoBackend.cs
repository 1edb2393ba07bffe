using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// The fast path: <c>System.Security.Cryptography</c> (OpenSSL on Linux). After a transform is created,
/// its per-packet calls allocate no managed memory once its scratch buffers have grown to the largest
/// packet (CBC chains blocks over one ECB transform created per SA; GCM and HMAC call <see cref="AesGcm"/>
/// and <see cref="IncrementalHash"/> directly). The one exception is a failed 12/16-byte GCM verification,
/// where <see cref="AesGcm"/> throws internally (the transform catches it and returns false).
/// </summary>
/// <remarks>
/// Key copies: every array this backend fills with key bytes is cleared right after the .NET object is
/// keyed, except the GCM/GMAC nonce buffer (salt ‖ IV), which lives as long as the transform and is
/// cleared by Dispose. The keys inside .NET and OpenSSL objects (expanded AES/DES schedules, HMAC pad
/// states) are released by Dispose; OpenSSL cleanses them when it frees its contexts, which managed code
/// cannot observe. DES weak/semi-weak and degenerate 3DES keys fall back to BouncyCastle (see
/// <see cref="DesKeyCheck"/>). AES-GCM with an 8-byte ICV computes the 16-byte tag and keeps its leftmost
/// 8 bytes, because <see cref="AesGcm"/> accepts 12–16-byte tags only.
/// </remarks>
public sealed class DotNetCryptoBackend : ICryptoBackend
{
    /// <summary>The shared instance (the backend is stateless).</summary>
    public static DotNetCryptoBackend Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => ".NET System.Security.Cryptography";

    /// <inheritdoc/>
    public ICipherTransform CreateCipher(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        CryptoChecks.Kind(algorithm, CryptoAlgorithmKind.Cipher, nameof(CreateCipher));
        CryptoChecks.KeyLength(algorithm, key);
        if (algorithm.Id == CryptoAlgorithmId.EspNull)
        {
            return new NullCipherTransform();
        }

        if (DesKeyCheck.IsWeak(algorithm, key))
        {
            return new BouncyCastleCbcTransform(algorithm, key, "fallback: .NET refuses weak DES keys");
        }

        return new DotNetCbcTransform(algorithm, key);
    }

    /// <inheritdoc/>
    public IAeadTransform CreateAead(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength)
    {
        CryptoChecks.Kind(algorithm, CryptoAlgorithmKind.Aead, nameof(CreateAead));
        CryptoChecks.KeyLength(algorithm, keyMaterial);
        CryptoChecks.IcvLength(algorithm, icvLength);
        return new DotNetGcmTransform(algorithm, keyMaterial, icvLength);
    }

    /// <inheritdoc/>
    public IIntegrityTransform CreateIntegrity(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        CryptoChecks.Kind(algorithm, CryptoAlgorithmKind.Integrity, nameof(CreateIntegrity));
        CryptoChecks.KeyLength(algorithm, key);
        return algorithm.Id switch
        {
            CryptoAlgorithmId.HmacMd5 => new DotNetHmacTransform(algorithm, HashAlgorithmName.MD5, 16, key),
            CryptoAlgorithmId.HmacSha1 => new DotNetHmacTransform(algorithm, HashAlgorithmName.SHA1, 20, key),
            CryptoAlgorithmId.HmacSha256 => new DotNetHmacTransform(algorithm, HashAlgorithmName.SHA256, 32, key),
            _ => new DotNetGmacTransform(algorithm, key),
        };
    }
}
