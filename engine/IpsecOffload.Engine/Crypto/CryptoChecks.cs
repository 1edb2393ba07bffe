using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

/// <summary>Argument checks shared by both backends, so both throw the same messages.</summary>
internal static class CryptoChecks
{
    public static void Kind(CryptoAlgorithm algorithm, CryptoAlgorithmKind expected, string method)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (algorithm.Kind != expected)
        {
            throw new ArgumentException(
                $"{method} does not create {algorithm.Name} (a {algorithm.Kind} algorithm); it creates {expected} algorithms",
                nameof(algorithm));
        }
    }

    public static void KeyLength(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        if (algorithm.AcceptsAnyKeyLength)
        {
            if (key.IsEmpty)
            {
                throw new ArgumentException($"{algorithm.Name} needs a non-empty key (IPsec uses {algorithm.KeyLength} bytes), got 0 bytes", nameof(key));
            }

            return;
        }

        if (key.Length != algorithm.KeyMaterialLength)
        {
            string what = algorithm.SaltLength == 0
                ? $"a {algorithm.KeyLength}-byte key"
                : $"{algorithm.KeyMaterialLength} bytes of keying material ({algorithm.KeyLength}-byte AES key ‖ {algorithm.SaltLength}-byte salt, {algorithm.Reference})";
            throw new ArgumentException($"{algorithm.Name} needs {what}, got {key.Length} bytes", nameof(key));
        }
    }

    public static void IcvLength(CryptoAlgorithm algorithm, int icvLength)
    {
        if (!algorithm.SupportsIcvLength(icvLength))
        {
            throw new ArgumentOutOfRangeException(
                nameof(icvLength), icvLength, $"{algorithm.Name} ICV must be {string.Join(", ", algorithm.IcvLengths)} bytes, got {icvLength}");
        }
    }

    public static void Iv(CryptoAlgorithm algorithm, ReadOnlySpan<byte> iv)
    {
        if (iv.Length != algorithm.IvLength)
        {
            throw new ArgumentException($"{algorithm.Name} takes a {algorithm.IvLength}-byte IV, got {iv.Length} bytes", nameof(iv));
        }
    }

    public static void Blocks(CryptoAlgorithm algorithm, int length)
    {
        if (length % algorithm.BlockSize != 0)
        {
            throw new ArgumentException(
                $"{algorithm.Name} data must be a multiple of {algorithm.BlockSize} bytes, got {length} ({length % algorithm.BlockSize} left over); ESP pads before encrypting");
        }
    }

    public static void Icv(CryptoAlgorithm algorithm, int icvLength, int actual)
    {
        if (actual != icvLength)
        {
            throw new ArgumentException($"{algorithm.Name} ICV buffer must be {icvLength} bytes, got {actual}");
        }
    }

    /// <summary>A zero-filled copy of <paramref name="key"/> for APIs that only take arrays; the caller clears it.</summary>
    public static byte[] CopyKey(ReadOnlySpan<byte> key) => key.ToArray();

    public static void Clear(byte[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}

/// <summary>
/// Implemented by transforms that keep key bytes in arrays this library allocated, so tests can check
/// that <see cref="IDisposable.Dispose"/> clears them. Copies held inside .NET, OpenSSL or BouncyCastle
/// objects are not listed: this library cannot reach them (see the backend remarks).
/// </summary>
internal interface IOwnsKeyMaterial
{
    IReadOnlyList<byte[]> OwnedKeyMaterial { get; }
}
