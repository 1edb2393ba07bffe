using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// CBC with one reusable <see cref="System.Security.Cryptography.ICryptoTransform"/> per direction and
/// SA, so nothing is allocated per packet (.NET's one-shot <c>EncryptCbc</c> allocates a cipher object
/// per call). Encryption: one CBC encryptor created with a zero IV that is never reset; its chaining
/// value after a packet is that packet's last ciphertext block, so the next packet's IV is folded into
/// its first plaintext block (P1 ⊕ IV ⊕ chain) and the whole packet goes through in one call — the same
/// ciphertext as CBC under IV, one native call per packet instead of one per block. Decryption: ECB
/// over the whole buffer once, then XOR.
/// </summary>
internal sealed class DotNetCbcTransform : ICipherTransform, IOwnsKeyMaterial
{
    private readonly System.Security.Cryptography.ICryptoTransform _encryptor;
    private readonly System.Security.Cryptography.ICryptoTransform _decryptor;
    private readonly byte[] _block;
    private readonly byte[] _chain;
    private readonly GrowableBuffer _scratch = new();
    private readonly GrowableBuffer _cipherText = new();
    private readonly GrowableBuffer _decrypted = new();
    private bool _disposed;

    public DotNetCbcTransform(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        Algorithm = algorithm;
        _block = new byte[algorithm.BlockSize];
        _chain = new byte[algorithm.BlockSize];
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
            cipher.Padding = PaddingMode.None;
            cipher.Mode = CipherMode.CBC;
            _encryptor = cipher.CreateEncryptor(keyCopy, new byte[algorithm.BlockSize]);
            cipher.Mode = CipherMode.ECB;
            _decryptor = cipher.CreateDecryptor(keyCopy, null);
            Implementation = $".NET {cipher.GetType().BaseType?.Name ?? "cipher"} (CBC transform, IV folded into the first block)";
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
        int n = _block.Length, length = data.Length;
        if (length == 0)
        {
            return;
        }

        byte[] buffer = _scratch.Rent(length);
        data.CopyTo(buffer);
        for (int i = 0; i < n; i++)
        {
            buffer[i] ^= (byte)(iv[i] ^ _chain[i]);
        }

        int written = _encryptor.TransformBlock(buffer, 0, length, buffer, 0);
        if (written != length)
        {
            throw new CryptographicException($"{Algorithm.Name}: CBC encryptor returned {written} of {length} bytes");
        }

        buffer.AsSpan(0, length).CopyTo(data);
        buffer.AsSpan(length - n, n).CopyTo(_chain);
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
        CryptoChecks.Clear(_chain);
        _scratch.Clear();
        _cipherText.Clear();
        _decrypted.Clear();
    }
}
