using System.Buffers.Binary;
using IpsecOffload.Engine.Sa;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// The ESP IV the reference NIC writes itself — the one derivation behind both places it does so:
/// every ESP SA of a non-LSO send under the profile's <c>EspIv = Device</c> (AMB-01,
/// docs/decisions/amb-01-esp-iv.md) and LSO segments k ≥ 1 (AMB-03, <c>LsoSegmentIv</c>). It is a
/// function of the SA and the packet's 64-bit sequence number only, so it never repeats on an SA as
/// long as the sequence number does not:
/// <list type="bullet">
/// <item>AES-GCM (RFC 4106) and AES-GMAC (RFC 4543): the 64-bit SN, big-endian — a counter IV, which
/// is all those modes need (the nonce is salt ‖ IV and must merely be unique per key); it is also what
/// the transport itself uses (ARCHITECTURE §4).</item>
/// <item>CBC (DES, 3DES, AES-CBC): E_K(0…0 ‖ SN) — the SA's own block cipher and key applied to one
/// block that holds the 64-bit SN big-endian in its last 8 bytes (zeros before them; for the 8-byte
/// DES/3DES block the block is the SN itself). An "encrypted counter" IV (NIST SP 800-38A Appendix C):
/// unpredictable to anyone without the key, as RFC 3602 §2 requires, and never repeating because a
/// block cipher is a permutation of never-repeating inputs.</item>
/// <item>ESP-NULL and integrity-only ESP with HMAC: no IV (nothing is written).</item>
/// </list>
/// </summary>
public static class EspDeviceIv
{
    private const int SnLength = 8, MaxBlockLength = 16;

    /// <summary>
    /// The packet's full 64-bit sequence number: (SA <c>SequenceNumberHigh</c> ‖ <paramref name="low"/>)
    /// on an ESN SA (RFC 4303 §2.2.1), <paramref name="low"/> alone otherwise.
    /// </summary>
    public static ulong FullSequenceNumber(SaTransform sa, uint low)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return sa.ExtendedSequenceNumbers ? ((ulong)sa.SequenceNumberHigh << 32) | low : low;
    }

    /// <summary>
    /// Writes the IV for the packet with 64-bit sequence number <paramref name="sequenceNumber"/> on
    /// <paramref name="sa"/> into <paramref name="iv"/>, which must be exactly <see cref="SaTransform.IvLength"/>
    /// bytes (empty for an SA without IV). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="iv"/> is not the SA's IV length.</exception>
    public static void Write(SaTransform sa, ulong sequenceNumber, Span<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (iv.Length != sa.IvLength)
        {
            throw new ArgumentException($"SA {sa} takes a {sa.IvLength}-byte IV; the destination has {iv.Length} bytes.", nameof(iv));
        }

        if (iv.IsEmpty)
        {
            return;
        }

        if (sa.Aead is not null || sa.Cipher is null or { IvLength: 0 })
        {
            // GCM or GMAC: 8-byte IV = SN.
            BinaryPrimitives.WriteUInt64BigEndian(iv, sequenceNumber);
            return;
        }

        // A single CBC block under an all-zero IV is the raw block cipher E_K.
        iv[..^SnLength].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(iv[^SnLength..], sequenceNumber);
        Span<byte> zeroIv = stackalloc byte[MaxBlockLength];
        zeroIv.Clear();
        sa.Cipher.Encrypt(zeroIv[..sa.Cipher.IvLength], iv);
    }
}
