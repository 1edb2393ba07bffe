using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

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
