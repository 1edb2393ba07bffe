using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace IpsecOffload.Engine.Crypto;

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
