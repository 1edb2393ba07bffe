using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Modes.Gcm;
using Org.BouncyCastle.Crypto.Parameters;

namespace IpsecOffload.Engine.Crypto;

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
