using IpsecOffload.Engine.Crypto;

namespace IpsecOffload.Engine.Sa;

/// <summary>IPsec protocol of one SA of a bundle.</summary>
public enum IpsecProtocol
{
    /// <summary>ESP (RFC 4303), IP protocol 50.</summary>
    Esp = 50,
    /// <summary>AH (RFC 4302), IP protocol 51.</summary>
    Ah = 51,
}

/// <summary>
/// One outbound SA as the NIC holds it: one <c>SecAssoc[]</c> entry of an ADD_SA (v1 or v2) with
/// its ready-to-use crypto transforms. ESP has a cipher (possibly ESP-NULL) and an integrity
/// transform, or an AEAD, or integrity only (GMAC or HMAC with ESP-NULL); AH has integrity only.
/// Disposing zeroes the key material the transforms hold.
/// </summary>
public sealed class SaTransform : IDisposable
{
    /// <summary>Creates an SA entry; the entry owns the transforms and disposes them.</summary>
    public SaTransform(IpsecProtocol protocol, uint spi, bool extendedSequenceNumbers, uint sequenceNumberHigh,
        ICipherTransform? cipher, IAeadTransform? aead, IIntegrityTransform? integrity)
    {
        if (protocol == IpsecProtocol.Ah && (cipher is not null || aead is not null || integrity is null))
        {
            throw new ArgumentException("An AH SA has an integrity transform and nothing else.", nameof(protocol));
        }

        if (aead is not null && (cipher is not null || integrity is not null))
        {
            throw new ArgumentException("A combined-mode (AEAD) SA has no separate cipher or integrity transform.", nameof(aead));
        }

        if (protocol == IpsecProtocol.Esp && cipher is null && aead is null && integrity is null)
        {
            throw new ArgumentException("An ESP SA needs a cipher, an AEAD or an integrity transform.", nameof(protocol));
        }

        Protocol = protocol;
        Spi = spi;
        ExtendedSequenceNumbers = extendedSequenceNumbers;
        SequenceNumberHigh = sequenceNumberHigh;
        Cipher = cipher;
        Aead = aead;
        Integrity = integrity;
    }

    /// <summary>ESP or AH.</summary>
    public IpsecProtocol Protocol { get; }

    /// <summary>The SPI as on the wire.</summary>
    public uint Spi { get; }

    /// <summary>True when the SA uses 64-bit extended sequence numbers (RFC 4304; <c>IPSEC_OFFLOAD_V2_ESN_SA</c>).</summary>
    public bool ExtendedSequenceNumbers { get; }

    /// <summary>The high 32 bits of the ESN (<c>SequenceNumberHighOrder</c>, updated by UPDATE_SA). Never on the wire.</summary>
    public uint SequenceNumberHigh { get; set; }

    /// <summary>The confidentiality transform (ESP only; ESP-NULL is a cipher with no IV), or null.</summary>
    public ICipherTransform? Cipher { get; }

    /// <summary>The combined-mode transform (AES-GCM), or null.</summary>
    public IAeadTransform? Aead { get; }

    /// <summary>The integrity transform (HMAC or GMAC), or null.</summary>
    public IIntegrityTransform? Integrity { get; }

    /// <summary>Bytes of explicit IV on the wire: the cipher's or AEAD's, or GMAC's 8 bytes.</summary>
    public int IvLength => Aead?.IvLength ?? Math.Max(Cipher?.IvLength ?? 0, Integrity?.IvLength ?? 0);

    /// <summary>Bytes of ICV on the wire (0 for ESP without integrity).</summary>
    public int IcvLength => Aead?.IcvLength ?? Integrity?.IcvLength ?? 0;

    /// <summary>
    /// The alignment of ESP's Payload ‖ Padding ‖ PadLength ‖ NextHeader (wire-formats §1.2): the cipher's
    /// block size rounded up to 4; 4 for AEAD, GMAC and ESP-NULL. 0 for AH.
    /// </summary>
    public int EspPadAlignment => Protocol == IpsecProtocol.Ah ? 0
        : Cipher is not null ? Math.Max(4, Cipher.Algorithm.EspPadAlignment) : 4;

    /// <inheritdoc/>
    public void Dispose()
    {
        Cipher?.Dispose();
        Aead?.Dispose();
        Integrity?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Protocol} spi 0x{Spi:x8}{(ExtendedSequenceNumbers ? " esn" : "")} " +
        $"{Aead?.Algorithm.Name ?? Cipher?.Algorithm.Name ?? ""}{(Integrity is null ? "" : "+" + Integrity.Algorithm.Name)}";
}
