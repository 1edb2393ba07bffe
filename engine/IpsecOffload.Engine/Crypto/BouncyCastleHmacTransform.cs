using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace IpsecOffload.Engine.Crypto;

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
