using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

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
