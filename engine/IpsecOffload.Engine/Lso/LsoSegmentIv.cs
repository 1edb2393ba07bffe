using System.Buffers.Binary;
using IpsecOffload.Engine.Sa;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// The IV the NIC writes into LSO segment k ≥ 1 (segment 0 keeps the transport's IV, AMB-01;
/// docs/decisions/amb-03-lso-sequence-numbers.md). Deterministic per SA and never repeating, because
/// the 64-bit sequence number it is made from never repeats on an SA:
/// <list type="bullet">
/// <item>AES-GCM (RFC 4106) and AES-GMAC (RFC 4543): the segment's 64-bit SN, big-endian: the transport
/// uses the SN as the GCM/GMAC IV (ARCHITECTURE §4), so segment k's IV is what the transport would have
/// chosen for a packet with that SN.</item>
/// <item>CBC (DES, 3DES, AES-CBC): E_K(0…0 ‖ SN) — the SA's block cipher, with its own key, applied to one
/// block holding the 64-bit SN big-endian in its last 8 bytes (zero before them). An "encrypted counter"
/// IV (NIST SP 800-38A Appendix C; RFC 3602 §2 requires unpredictability, which a plain counter lacks).
/// A block cipher is a permutation, so distinct SNs give distinct IVs.</item>
/// <item>ESP-NULL: no IV.</item>
/// </list>
/// </summary>
public static class LsoSegmentIv
{
    private const int SnLength = 8;

    /// <summary>The IV for the segment whose 64-bit sequence number is <paramref name="sequenceNumber"/> on <paramref name="sa"/>.</summary>
    public static byte[] Derive(SaTransform sa, ulong sequenceNumber)
    {
        ArgumentNullException.ThrowIfNull(sa);
        var iv = new byte[sa.IvLength];
        if (iv.Length == 0)
        {
            return iv;
        }

        if (sa.Aead is not null || sa.Cipher is null or { IvLength: 0 })
        {
            // GCM or GMAC: 8-byte IV = SN.
            BinaryPrimitives.WriteUInt64BigEndian(iv, sequenceNumber);
            return iv;
        }

        // A single CBC block under an all-zero IV is the raw block cipher E_K.
        BinaryPrimitives.WriteUInt64BigEndian(iv.AsSpan(iv.Length - SnLength), sequenceNumber);
        sa.Cipher.Encrypt(new byte[sa.Cipher.IvLength], iv);
        return iv;
    }
}
