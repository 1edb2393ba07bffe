using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// A per-transform scratch array that grows to the largest packet seen and is then reused, so steady
/// state allocates nothing. Old contents are cleared when it grows and on <see cref="Clear"/>.
/// </summary>
internal sealed class GrowableBuffer
{
    private byte[] _array = [];

    public byte[] Array => _array;

    /// <summary>Returns an array of at least <paramref name="length"/> bytes, keeping its first <paramref name="preserve"/> bytes.</summary>
    public byte[] Rent(int length, int preserve = 0)
    {
        if (_array.Length < length)
        {
            byte[] bigger = new byte[Math.Max(length, Math.Min(2 * _array.Length, 1 << 20))];
            _array.AsSpan(0, preserve).CopyTo(bigger);
            CryptographicOperations.ZeroMemory(_array);
            _array = bigger;
        }

        return _array;
    }

    public void Clear() => CryptographicOperations.ZeroMemory(_array);
}
