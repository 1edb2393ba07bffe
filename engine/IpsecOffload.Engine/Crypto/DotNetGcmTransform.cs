using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

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
