using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
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

/// <summary>CBC with <see cref="CbcBlockCipher"/> over AES, DES or DES-EDE3, keyed once per SA.</summary>
internal sealed class BouncyCastleCbcTransform : ICipherTransform, IOwnsKeyMaterial
{
    private readonly CbcBlockCipher _encryptor;
    private readonly CbcBlockCipher _decryptor;
    private readonly GrowableBuffer _scratch = new();
    private readonly byte[] _iv;
    private bool _disposed;

    public BouncyCastleCbcTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key, string? note)
    {
        Algorithm = algorithm;
        _iv = new byte[algorithm.IvLength];
        KeyParameter keyParameter = BouncyCastleCryptoBackend.KeyParameter(key);
        _encryptor = new CbcBlockCipher(CreateEngine(algorithm));
        _decryptor = new CbcBlockCipher(CreateEngine(algorithm));
        _encryptor.Init(true, new ParametersWithIV(keyParameter, _iv));
        _decryptor.Init(false, new ParametersWithIV(keyParameter, _iv));
        string name = $"BouncyCastle {_encryptor.GetUnderlyingCipher().AlgorithmName}/CBC";
        Implementation = note is null ? name : $"{name} ({note})";
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation { get; }

    public int IvLength => Algorithm.IvLength;

    public int BlockSize => Algorithm.BlockSize;

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [];

    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data) => Process(_encryptor, true, iv, data);

    public void Decrypt(ReadOnlySpan<byte> iv, Span<byte> data) => Process(_decryptor, false, iv, data);

    private void Process(CbcBlockCipher cipher, bool encrypt, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        CryptoChecks.Blocks(Algorithm, data.Length);
        iv.CopyTo(_iv);
        // A null key parameter keeps the engine's key and only loads the new IV.
        cipher.Init(encrypt, new ParametersWithIV(null, _iv));
        byte[] buffer = _scratch.Rent(data.Length);
        data.CopyTo(buffer);
        for (int offset = 0; offset < data.Length; offset += BlockSize)
        {
            cipher.ProcessBlock(buffer, offset, buffer, offset);
        }

        buffer.AsSpan(0, data.Length).CopyTo(data);
    }

    private static IBlockCipher CreateEngine(CryptoAlgorithm algorithm) => algorithm.Id switch
    {
        CryptoAlgorithmId.DesCbc => new DesEngine(),
        CryptoAlgorithmId.TripleDesCbc => new DesEdeEngine(),
        _ => new AesEngine(),
    };

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _scratch.Clear();
            CryptoChecks.Clear(_iv);
        }
    }
}

/// <summary>AES-GCM ESP (RFC 4106) with <see cref="GcmBlockCipher"/>, MAC size = ICV length.</summary>
internal sealed class BouncyCastleGcmTransform : IAeadTransform, IOwnsKeyMaterial
{
    private const int SaltLength = 4;
    private readonly KeyParameter _key;
    private readonly byte[] _nonce = new byte[12];
    private readonly GrowableBuffer _input = new();
    private readonly GrowableBuffer _output = new();
    private readonly GrowableBuffer _aad = new();
    private bool _disposed;

    public BouncyCastleGcmTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength)
    {
        Algorithm = algorithm;
        IcvLength = icvLength;
        _key = BouncyCastleCryptoBackend.KeyParameter(keyMaterial[..algorithm.KeyLength]);
        keyMaterial.Slice(algorithm.KeyLength, SaltLength).CopyTo(_nonce);
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation => $"BouncyCastle GcmBlockCipher (MAC {IcvLength * 8} bits)";

    public int IvLength => Algorithm.IvLength;

    public int IcvLength { get; }

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [_nonce];

    public void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> icv)
    {
        GcmBlockCipher gcm = Start(true, iv, associatedData, icv.Length);
        byte[] input = _input.Rent(data.Length);
        byte[] output = _output.Rent(data.Length + IcvLength);
        data.CopyTo(input);
        int written = gcm.ProcessBytes(input, 0, data.Length, output, 0);
        written += gcm.DoFinal(output, written);
        output.AsSpan(0, data.Length).CopyTo(data);
        output.AsSpan(data.Length, IcvLength).CopyTo(icv);
        if (written != data.Length + IcvLength)
        {
            throw new CryptographicException($"{Algorithm.Name}: GCM wrote {written} bytes, expected {data.Length + IcvLength}");
        }
    }

    public bool TryDecrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> icv)
    {
        GcmBlockCipher gcm = Start(false, iv, associatedData, icv.Length);
        int inputLength = data.Length + IcvLength;
        byte[] input = _input.Rent(inputLength);
        byte[] output = _output.Rent(inputLength);
        data.CopyTo(input);
        icv.CopyTo(input.AsSpan(data.Length));
        try
        {
            int written = gcm.ProcessBytes(input, 0, inputLength, output, 0);
            gcm.DoFinal(output, written);
        }
        catch (InvalidCipherTextException)
        {
            data.Clear();
            _output.Clear();
            return false;
        }

        output.AsSpan(0, data.Length).CopyTo(data);
        return true;
    }

    private GcmBlockCipher Start(bool encrypt, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, int icvLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        CryptoChecks.Icv(Algorithm, IcvLength, icvLength);
        iv.CopyTo(_nonce.AsSpan(SaltLength));
        var gcm = new GcmBlockCipher(new AesEngine(), new BasicGcmMultiplier());
        gcm.Init(encrypt, new AeadParameters(_key, IcvLength * 8, _nonce));
        byte[] aad = _aad.Rent(associatedData.Length);
        associatedData.CopyTo(aad);
        gcm.ProcessAadBytes(aad, 0, associatedData.Length);
        return gcm;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptoChecks.Clear(_nonce);
            _input.Clear();
            _output.Clear();
            _aad.Clear();
        }
    }
}

/// <summary>HMAC with <see cref="HMac"/>; pieces are copied through a small fixed scratch array.</summary>
internal sealed class BouncyCastleHmacTransform : IIntegrityTransform, IOwnsKeyMaterial
{
    private const int ChunkLength = 512;
    private readonly HMac _hmac;
    private readonly byte[] _chunk = new byte[ChunkLength];
    private readonly byte[] _mac;
    private bool _disposed;

    public BouncyCastleHmacTransform(CryptoAlgorithm algorithm, IDigest digest, ReadOnlySpan<byte> key)
    {
        Algorithm = algorithm;
        _hmac = new HMac(digest);
        _hmac.Init(BouncyCastleCryptoBackend.KeyParameter(key));
        _mac = new byte[_hmac.GetMacSize()];
        Implementation = $"BouncyCastle {_hmac.AlgorithmName}";
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
        _hmac.Reset();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!data.IsEmpty)
        {
            int n = Math.Min(ChunkLength, data.Length);
            data[..n].CopyTo(_chunk);
            _hmac.BlockUpdate(_chunk, 0, n);
            data = data[n..];
        }
    }

    public void Finish(Span<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Complete();
        _mac.AsSpan(0, IcvLength).CopyTo(icv);
    }

    public bool FinishAndVerify(ReadOnlySpan<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Complete();
        return CryptographicOperations.FixedTimeEquals(_mac.AsSpan(0, IcvLength), icv);
    }

    private void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hmac.DoFinal(_mac, 0);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _hmac.Reset();
            CryptoChecks.Clear(_chunk);
            CryptoChecks.Clear(_mac);
        }
    }
}

/// <summary>AES-GMAC (RFC 4543): <see cref="GcmBlockCipher"/> with empty plaintext, AAD streamed in.</summary>
internal sealed class BouncyCastleGmacTransform : IIntegrityTransform, IOwnsKeyMaterial
{
    private const int SaltLength = 4;
    private const int ChunkLength = 512;
    private readonly KeyParameter _key;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _chunk = new byte[ChunkLength];
    private readonly byte[] _tag = new byte[16];
    private GcmBlockCipher? _gcm;
    private bool _disposed;

    public BouncyCastleGmacTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial)
    {
        Algorithm = algorithm;
        _key = BouncyCastleCryptoBackend.KeyParameter(keyMaterial[..algorithm.KeyLength]);
        keyMaterial.Slice(algorithm.KeyLength, SaltLength).CopyTo(_nonce);
    }

    public CryptoAlgorithm Algorithm { get; }

    public string Implementation => "BouncyCastle GcmBlockCipher (empty plaintext)";

    public int IvLength => Algorithm.IvLength;

    public int IcvLength => 16;

    public IReadOnlyList<byte[]> OwnedKeyMaterial => [_nonce];

    public void Start(ReadOnlySpan<byte> iv)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CryptoChecks.Iv(Algorithm, iv);
        iv.CopyTo(_nonce.AsSpan(SaltLength));
        _gcm = new GcmBlockCipher(new AesEngine(), new BasicGcmMultiplier());
        _gcm.Init(true, new AeadParameters(_key, 128, _nonce));
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        GcmBlockCipher gcm = Started();
        while (!data.IsEmpty)
        {
            int n = Math.Min(ChunkLength, data.Length);
            data[..n].CopyTo(_chunk);
            gcm.ProcessAadBytes(_chunk, 0, n);
            data = data[n..];
        }
    }

    public void Finish(Span<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Complete();
        _tag.CopyTo(icv);
    }

    public bool FinishAndVerify(ReadOnlySpan<byte> icv)
    {
        CryptoChecks.Icv(Algorithm, IcvLength, icv.Length);
        Complete();
        return CryptographicOperations.FixedTimeEquals(_tag, icv);
    }

    private void Complete()
    {
        Started().DoFinal(_tag, 0);
        _gcm = null;
    }

    private GcmBlockCipher Started()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _gcm ?? throw new InvalidOperationException(
            $"{Algorithm.Name}: call Start(iv) before Append/Finish; the nonce is salt ‖ IV (RFC 4543 §3.1)");
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _gcm = null;
            CryptoChecks.Clear(_nonce);
            CryptoChecks.Clear(_chunk);
            CryptoChecks.Clear(_tag);
        }
    }
}
