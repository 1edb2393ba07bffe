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

/// <summary>
/// CBC over one ECB <see cref="System.Security.Cryptography.ICryptoTransform"/> pair per SA: .NET's
/// one-shot <c>EncryptCbc</c> allocates a cipher object per call, an ECB transform does not.
/// Encryption chains block by block; decryption runs ECB over the whole buffer once, then XORs.
/// </summary>
internal sealed class DotNetCbcTransform : ICipherTransform, IOwnsKeyMaterial
{
    private readonly System.Security.Cryptography.ICryptoTransform _encryptor;
    private readonly System.Security.Cryptography.ICryptoTransform _decryptor;
    private readonly byte[] _block;
    private readonly GrowableBuffer _cipherText = new();
    private readonly GrowableBuffer _decrypted = new();
    private bool _disposed;

    public DotNetCbcTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        Algorithm = algorithm;
        _block = new byte[algorithm.BlockSize];
        byte[] keyCopy = CryptoChecks.CopyKey(key);
        try
        {
            // CA5350/CA5351: DES and 3DES are required by NDIS IPsec offload v1/v2 (RFC 2405, RFC 2451).
#pragma warning disable CA5350, CA5351
            using SymmetricAlgorithm cipher = algorithm.Id switch
            {
                CryptoAlgorithmId.DesCbc => DES.Create(),
                CryptoAlgorithmId.TripleDesCbc => TripleDES.Create(),
                _ => Aes.Create(),
            };
#pragma warning restore CA5350, CA5351
            cipher.Mode = CipherMode.ECB;
            cipher.Padding = PaddingMode.None;
            _encryptor = cipher.CreateEncryptor(keyCopy, null);
            _decryptor = cipher.CreateDecryptor(keyCopy, null);
            Implementation = $".NET {cipher.GetType().BaseType?.Name ?? "cipher"} (ECB blocks chained as CBC)";
        }
        finally
        {
            CryptoChecks.Clear(keyCopy);
        }
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation { get; }

    public int IvLength => Algorithm.IvLength;

    public int BlockSize => Algorithm.BlockSize;

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [];

    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        CryptoChecks.Blocks(Algorithm, data.Length);
        int n = _block.Length;
        ReadOnlySpan<byte> previous = iv;
        for (int offset = 0; offset < data.Length; offset += n)
        {
            Span<byte> block = data.Slice(offset, n);
            for (int i = 0; i < n; i++)
            {
                _block[i] = (byte)(block[i] ^ previous[i]);
            }

            _encryptor.TransformBlock(_block, 0, n, _block, 0);
            _block.CopyTo(block);
            previous = block;
        }
    }

    public void Decrypt(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        CryptoChecks.Blocks(Algorithm, data.Length);
        if (data.IsEmpty)
        {
            return;
        }

        int length = data.Length;
        byte[] cipherText = _cipherText.Rent(length);
        byte[] decrypted = _decrypted.Rent(length);
        data.CopyTo(cipherText);
        int written = _decryptor.TransformBlock(cipherText, 0, length, decrypted, 0);
        if (written != length)
        {
            throw new CryptographicException($"{Algorithm.Name}: ECB decryptor returned {written} of {length} bytes");
        }

        int n = _block.Length;
        for (int i = 0; i < length; i++)
        {
            byte chain = i < n ? iv[i] : cipherText[i - n];
            data[i] = (byte)(decrypted[i] ^ chain);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _encryptor.Dispose();
        _decryptor.Dispose();
        CryptoChecks.Clear(_block);
        _cipherText.Clear();
        _decrypted.Clear();
    }
}

/// <summary>AES-GCM ESP (RFC 4106) over <see cref="AesGcm"/>.</summary>
internal sealed class DotNetGcmTransform : IAeadTransform, IOwnsKeyMaterial
{
    private const int SaltLength = 4;
    private const int FullTagLength = 16;
    private readonly AesGcm _gcm;
    private readonly byte[] _nonce = new byte[12];
    private readonly GrowableBuffer _scratch = new();
    private bool _disposed;

    public DotNetGcmTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength)
    {
        Algorithm = algorithm;
        IcvLength = icvLength;
        // AesGcm takes 12..16-byte tags; an 8-byte ICV is the leftmost 8 bytes of the 16-byte tag
        // (GCM truncation keeps the most significant bits, NIST SP 800-38D §7.1 step 8).
        _gcm = new AesGcm(keyMaterial[..algorithm.KeyLength], icvLength < 12 ? FullTagLength : icvLength);
        keyMaterial.Slice(algorithm.KeyLength, SaltLength).CopyTo(_nonce);
        Implementation = icvLength < 12 ? ".NET AesGcm (16-byte tag truncated)" : ".NET AesGcm";
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation { get; }

    public int IvLength => Algorithm.IvLength;

    public int IcvLength { get; }

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [_nonce];

    public void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> icv)
    {
        SetNonce(iv, icv.Length);
        if (IcvLength < 12)
        {
            Span<byte> tag = stackalloc byte[FullTagLength];
            _gcm.Encrypt(_nonce, data, data, tag, associatedData);
            tag[..IcvLength].CopyTo(icv);
        }
        else
        {
            _gcm.Encrypt(_nonce, data, data, icv, associatedData);
        }
    }

    public bool TryDecrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> icv)
    {
        SetNonce(iv, icv.Length);
        if (IcvLength >= 12)
        {
            try
            {
                _gcm.Decrypt(_nonce, data, icv, data, associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                data.Clear();
                return false;
            }
        }

        // Truncated ICV: AesGcm.Decrypt needs the full tag. GCM is CTR mode, so "encrypting" the ciphertext
        // with the same nonce yields the plaintext; encrypting that plaintext again yields the ciphertext
        // and the full tag over it, whose leftmost bytes are compared.
        byte[] plain = _scratch.Rent(data.Length);
        Span<byte> plainSpan = plain.AsSpan(0, data.Length);
        Span<byte> tag = stackalloc byte[FullTagLength];
        _gcm.Encrypt(_nonce, data, plainSpan, tag, associatedData);
        _gcm.Encrypt(_nonce, plainSpan, data, tag, associatedData);
        bool ok = CryptographicOperations.FixedTimeEquals(tag[..IcvLength], icv);
        if (ok)
        {
            plainSpan.CopyTo(data);
        }
        else
        {
            data.Clear();
        }

        plainSpan.Clear();
        return ok;
    }

    private void SetNonce(ReadOnlySpan<byte> iv, int icvLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        CryptoChecks.Icv(Algorithm, IcvLength, icvLength);
        iv.CopyTo(_nonce.AsSpan(SaltLength));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gcm.Dispose();
        CryptoChecks.Clear(_nonce);
        _scratch.Clear();
    }
}

/// <summary>HMAC-*-96/128 over <see cref="IncrementalHash"/>.</summary>
internal sealed class DotNetHmacTransform : IIntegrityTransform, IOwnsKeyMaterial
{
    private readonly IncrementalHash _hmac;
    private readonly int _hashLength;
    private bool _pending;
    private bool _disposed;

    public DotNetHmacTransform(CryptoAlgorithm algorithm, HashAlgorithmName hash, int hashLength, ReadOnlySpan<byte> key)
    {
        Algorithm = algorithm;
        _hashLength = hashLength;
        _hmac = IncrementalHash.CreateHMAC(hash, key);
        Implementation = $".NET IncrementalHash HMAC-{hash.Name}";
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation { get; }

    public int IvLength => 0;

    public int IcvLength => Algorithm.DefaultIcvLength;

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [];

    public void Start(ReadOnlySpan<byte> iv)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        if (_pending)
        {
            Span<byte> discard = stackalloc byte[_hashLength];
            _hmac.GetHashAndReset(discard);
            _pending = false;
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hmac.AppendData(data);
        _pending = true;
    }

    public void Finish(Span<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Span<byte> mac = stackalloc byte[_hashLength];
        Complete(mac);
        mac[..IcvLength].CopyTo(icv);
    }

    public bool FinishAndVerify(ReadOnlySpan<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Span<byte> mac = stackalloc byte[_hashLength];
        Complete(mac);
        return CryptographicOperations.FixedTimeEquals(mac[..IcvLength], icv);
    }

    private void Complete(Span<byte> mac)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hmac.GetHashAndReset(mac);
        _pending = false;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _hmac.Dispose();
        }
    }
}

/// <summary>
/// AES-GMAC (RFC 4543) over <see cref="AesGcm"/> with empty plaintext. <see cref="AesGcm"/> takes the AAD
/// in one span, so appended pieces are gathered in a per-SA buffer that grows to the largest packet.
/// </summary>
internal sealed class DotNetGmacTransform : IIntegrityTransform, IOwnsKeyMaterial
{
    private const int SaltLength = 4;
    private readonly AesGcm _gcm;
    private readonly byte[] _nonce = new byte[12];
    private readonly GrowableBuffer _aad = new();
    private int _aadLength = -1;
    private bool _disposed;

    public DotNetGmacTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial)
    {
        Algorithm = algorithm;
        _gcm = new AesGcm(keyMaterial[..algorithm.KeyLength], 16);
        keyMaterial.Slice(algorithm.KeyLength, SaltLength).CopyTo(_nonce);
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation => ".NET AesGcm (empty plaintext)";

    public int IvLength => Algorithm.IvLength;

    public int IcvLength => 16;

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [_nonce];

    public void Start(ReadOnlySpan<byte> iv)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        iv.CopyTo(_nonce.AsSpan(SaltLength));
        _aadLength = 0;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireStarted();
        int end = checked(_aadLength + data.Length);
        data.CopyTo(_aad.Rent(end, _aadLength).AsSpan(_aadLength));
        _aadLength = end;
    }

    public void Finish(Span<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Complete(icv);
    }

    public bool FinishAndVerify(ReadOnlySpan<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Span<byte> tag = stackalloc byte[16];
        Complete(tag);
        return CryptographicOperations.FixedTimeEquals(tag, icv);
    }

    private void Complete(Span<byte> tag)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireStarted();
        _gcm.Encrypt(_nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, _aad.Array.AsSpan(0, _aadLength));
        _aadLength = -1;
    }

    private void RequireStarted()
    {
        if (_aadLength < 0)
        {
            throw new InvalidOperationException($"{Algorithm.Name}: call Start(iv) before Append/Finish; the nonce is salt ‖ IV (RFC 4543 §3.1)");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gcm.Dispose();
        CryptoChecks.Clear(_nonce);
        _aad.Clear();
    }
}
