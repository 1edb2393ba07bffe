using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

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
