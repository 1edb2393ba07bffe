using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Modes.Gcm;
using Org.BouncyCastle.Crypto.Parameters;

namespace IpsecOffload.Engine.Crypto;

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
