using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Transport;

/// <summary>
/// One SA as the transport negotiated it (what IKE hands the stack): protocol, SPI, algorithms and
/// keys, ESN. The <see cref="TransportSimulator"/> turns it into ADD_SA structures and frames packets
/// for it. For AES-GCM and AES-GMAC the key material is the AES key followed by the 4-byte salt.
/// </summary>
public sealed record SaSpec
{
    /// <summary>ESP or AH.</summary>
    public required IpsecProtocol Protocol { get; init; }

    /// <summary>The SPI as on the wire.</summary>
    public required uint Spi { get; init; }

    /// <summary>ESP's cipher (ESP-NULL, DES, 3DES, AES-CBC) or AEAD (AES-GCM), or null (integrity-only ESP, AH).</summary>
    public CryptoAlgorithm? Encryption { get; init; }

    /// <summary>Key of <see cref="Encryption"/> (AES-GCM: key ‖ salt).</summary>
    public byte[] EncryptionKey { get; init; } = [];

    /// <summary>HMAC or AES-GMAC (ESP NULL-auth or AH), or null for AEAD.</summary>
    public CryptoAlgorithm? Integrity { get; init; }

    /// <summary>Key of <see cref="Integrity"/> (AES-GMAC: key ‖ salt).</summary>
    public byte[] IntegrityKey { get; init; } = [];

    /// <summary>ICV bytes on the wire (AES-GCM: 8, 12 or 16).</summary>
    public int IcvLength { get; init; }

    /// <summary>Extended sequence numbers (RFC 4304).</summary>
    public bool Esn { get; init; }

    /// <summary>Initial high 32 bits of the ESN.</summary>
    public uint SequenceNumberHigh { get; init; }

    /// <summary>Explicit IV bytes on the wire for this SA.</summary>
    public int IvLength => Encryption?.IvLength is > 0 ? Encryption.IvLength : Integrity?.IvLength ?? 0;

    /// <summary>ESP padding alignment (wire-formats §1.2); 0 for AH.</summary>
    public int EspPadAlignment => Protocol == IpsecProtocol.Ah ? 0 : Math.Max(4, Encryption?.EspPadAlignment ?? 4);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Protocol} spi 0x{Spi:x8} {Encryption?.Name}{(Integrity is null ? "" : "+" + Integrity.Name)}{(Esn ? " esn" : "")} (keys not shown)";
}

/// <summary>
/// An SA bundle to add with one ADD_SA element: one SA, or ESP followed by AH (SEND-11), with the
/// endpoints and UDP encapsulation of the <c>IPSEC_OFFLOAD_V2_ADD_SA</c>.
/// </summary>
public sealed record BundleSpec
{
    /// <summary>The SAs in processing order: [ESP], [AH] or [ESP, AH].</summary>
    public required IReadOnlyList<SaSpec> Sas { get; init; }

    /// <summary>IPv6 SA (<c>IPSEC_OFFLOAD_V2_IPv6</c>).</summary>
    public bool IPv6 { get; init; }

    /// <summary>IPv4 source/destination (network-order values; 0 = wildcard).</summary>
    public (uint Source, uint Destination) IPv4Endpoints { get; init; }

    /// <summary>IPv6 source/destination (16 bytes each; empty = wildcard).</summary>
    public (byte[] Source, byte[] Destination) IPv6Endpoints { get; init; } = ([], []);

    /// <summary>UDP-ESP encapsulation type of the SA (v2).</summary>
    public IPsecV2UdpEspEncapsulation UdpEsp { get; init; }

    /// <summary>A bundle of one SA.</summary>
    public static BundleSpec Of(SaSpec sa, bool ipv6 = false) => new() { Sas = [sa], IPv6 = ipv6 };
}
