using IpsecOffload.Engine.Crypto;

namespace IpsecOffload.Engine.Capture;

/// <summary>IP version of the addresses an SA applies to.</summary>
public enum EspSaIpVersion
{
    /// <summary>IPv4 outer addresses.</summary>
    IPv4 = 4,

    /// <summary>IPv6 outer addresses.</summary>
    IPv6 = 6,
}

/// <summary>
/// A tool-neutral description of one ESP SA for export to packet analysers: addresses as text, the
/// SPI, the NDIS algorithms (<see cref="CryptoAlgorithm"/>), keys, salt and ESN state. Key material is
/// held only to be written into an explicit export file; <see cref="ToString"/> shows key lengths, never keys.
/// </summary>
public sealed class EspSaDescription
{
    /// <summary>IP version of <see cref="Source"/> and <see cref="Destination"/>.</summary>
    public required EspSaIpVersion IpVersion { get; init; }

    /// <summary>Outer source address as text, or "*" for any.</summary>
    public required string Source { get; init; }

    /// <summary>Outer destination address as text, or "*" for any.</summary>
    public required string Destination { get; init; }

    /// <summary>The SPI (full 32-bit range).</summary>
    public required uint Spi { get; init; }

    /// <summary>
    /// The ESP transform: <see cref="CryptoAlgorithm.EspNull"/>, DES/3DES/AES-CBC, AES-GCM, or AES-GMAC
    /// (RFC 4543 NULL encryption with GMAC integrity).
    /// </summary>
    public required CryptoAlgorithm Encryption { get; init; }

    /// <summary>Cipher key without salt (empty for ESP-NULL).</summary>
    public ReadOnlyMemory<byte> EncryptionKey { get; init; }

    /// <summary>The 4-byte salt of AES-GCM and AES-GMAC; empty otherwise.</summary>
    public ReadOnlyMemory<byte> Salt { get; init; }

    /// <summary>ICV length of AES-GCM (8, 12 or 16); 0 means the algorithm's default (16).</summary>
    public int IcvLength { get; init; }

    /// <summary>HMAC integrity transform, or null (none; required for AES-GCM and AES-GMAC).</summary>
    public CryptoAlgorithm? Integrity { get; init; }

    /// <summary>HMAC key; empty when <see cref="Integrity"/> is null.</summary>
    public ReadOnlyMemory<byte> IntegrityKey { get; init; }

    /// <summary>Whether the SA uses 64-bit extended sequence numbers (RFC 4303 §2.2.1).</summary>
    public bool ExtendedSequenceNumbers { get; init; }

    /// <summary>High 32 bits of the ESN in use when the capture starts (meaningful only with ESN).</summary>
    public uint SequenceHigh { get; init; }

    /// <summary>Describes the SA with key lengths only.</summary>
    public override string ToString() =>
        $"{IpVersion} {Source} -> {Destination} spi 0x{Spi:x8}, {Encryption.Name} key <{EncryptionKey.Length} bytes, not shown>" +
        (Salt.IsEmpty ? string.Empty : $" salt <{Salt.Length} bytes>") +
        (IcvLength == 0 ? string.Empty : $" icv {IcvLength}") +
        (Integrity is null ? ", no integrity" : $", {Integrity.Name} key <{IntegrityKey.Length} bytes, not shown>") +
        (ExtendedSequenceNumbers ? $", ESN (high 0x{SequenceHigh:x8})" : string.Empty);
}
