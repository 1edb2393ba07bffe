using System.Diagnostics.CodeAnalysis;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Crypto;

/// <summary>Every algorithm of NDIS IPsec offload v1 and v2, one value per transform.</summary>
public enum CryptoAlgorithmId
{
    /// <summary>ENCR_NULL (RFC 2410): identity cipher, no IV.</summary>
    EspNull,
    /// <summary>DES-CBC (RFC 2405), 8-byte key, 8-byte explicit IV.</summary>
    DesCbc,
    /// <summary>3DES-CBC (RFC 2451, DES-EDE3), 24-byte key, 8-byte explicit IV.</summary>
    TripleDesCbc,
    /// <summary>AES-CBC (RFC 3602) with a 128-bit key.</summary>
    AesCbc128,
    /// <summary>AES-CBC (RFC 3602) with a 192-bit key.</summary>
    AesCbc192,
    /// <summary>AES-CBC (RFC 3602) with a 256-bit key.</summary>
    AesCbc256,
    /// <summary>AES-GCM ESP (RFC 4106) with a 128-bit key and a 4-byte salt.</summary>
    AesGcm128,
    /// <summary>AES-GCM ESP (RFC 4106) with a 192-bit key and a 4-byte salt.</summary>
    AesGcm192,
    /// <summary>AES-GCM ESP (RFC 4106) with a 256-bit key and a 4-byte salt.</summary>
    AesGcm256,
    /// <summary>AES-GMAC (RFC 4543) with a 128-bit key and a 4-byte salt.</summary>
    AesGmac128,
    /// <summary>AES-GMAC (RFC 4543) with a 192-bit key and a 4-byte salt.</summary>
    AesGmac192,
    /// <summary>AES-GMAC (RFC 4543) with a 256-bit key and a 4-byte salt.</summary>
    AesGmac256,
    /// <summary>HMAC-MD5-96 (RFC 2403).</summary>
    HmacMd5,
    /// <summary>HMAC-SHA1-96 (RFC 2404).</summary>
    HmacSha1,
    /// <summary>HMAC-SHA-256-128 (RFC 4868).</summary>
    HmacSha256,
}

/// <summary>Which transform interface an algorithm is created through.</summary>
public enum CryptoAlgorithmKind
{
    /// <summary>Confidentiality only (<see cref="ICipherTransform"/>): ESP-NULL, DES, 3DES, AES-CBC.</summary>
    Cipher,
    /// <summary>Combined mode (<see cref="IAeadTransform"/>): AES-GCM (RFC 4106).</summary>
    Aead,
    /// <summary>Integrity only (<see cref="IIntegrityTransform"/>): HMAC-*, AES-GMAC.</summary>
    Integrity,
}

/// <summary>
/// Descriptor of one IPsec transform: key, salt, IV and ICV sizes, the ESP padding alignment
/// (wire-formats §1.2, §3.1), and the NDIS identifiers that select it. Instances are singletons
/// (<see cref="All"/>); compare them by reference or by <see cref="Id"/>.
/// </summary>
public sealed class CryptoAlgorithm
{
    private static readonly int[] NoIcv = [];

    private CryptoAlgorithm(
        CryptoAlgorithmId id,
        string name,
        CryptoAlgorithmKind kind,
        int keyLength,
        int saltLength,
        int ivLength,
        int blockSize,
        int espPadAlignment,
        int[] icvLengths,
        string reference)
    {
        Id = id;
        Name = name;
        Kind = kind;
        KeyLength = keyLength;
        SaltLength = saltLength;
        IvLength = ivLength;
        BlockSize = blockSize;
        EspPadAlignment = espPadAlignment;
        IcvLengths = Array.AsReadOnly(icvLengths);
        Reference = reference;
    }

    /// <summary>The identity of this algorithm.</summary>
    public CryptoAlgorithmId Id { get; }

    /// <summary>Lower-case name used in messages and reports, e.g. <c>aes-gcm-128</c>.</summary>
    public string Name { get; }

    /// <summary>Which backend factory method creates its transform.</summary>
    public CryptoAlgorithmKind Kind { get; }

    /// <summary>
    /// Key bytes without the salt (0 for ESP-NULL). For HMAC this is the length IPsec uses
    /// (RFC 2403/2404/4868); see <see cref="AcceptsAnyKeyLength"/>.
    /// </summary>
    public int KeyLength { get; }

    /// <summary>Salt bytes that follow the key in the keying material (4 for GCM and GMAC, else 0).</summary>
    public int SaltLength { get; }

    /// <summary>Bytes of keying material a backend expects: <see cref="KeyLength"/> + <see cref="SaltLength"/> (key ‖ salt, RFC 4106 §8.1).</summary>
    public int KeyMaterialLength => KeyLength + SaltLength;

    /// <summary>
    /// True for HMAC: RFC 2104 defines HMAC for any key length, so transforms accept any non-empty key
    /// (the published RFC 2202/4231 vectors use 4- to 131-byte keys). All other algorithms need exactly
    /// <see cref="KeyMaterialLength"/> bytes.
    /// </summary>
    public bool AcceptsAnyKeyLength => Id is CryptoAlgorithmId.HmacMd5 or CryptoAlgorithmId.HmacSha1 or CryptoAlgorithmId.HmacSha256;

    /// <summary>Explicit per-packet IV bytes carried on the wire after the sequence number (0, 8 or 16).</summary>
    public int IvLength { get; }

    /// <summary>
    /// Granularity of the cipher input in bytes: 8 for DES/3DES, 16 for AES-CBC, 1 where any length is
    /// accepted (ESP-NULL, GCM, and integrity algorithms).
    /// </summary>
    public int BlockSize { get; }

    /// <summary>
    /// Alignment of Payload ‖ TFC ‖ Padding ‖ PadLength ‖ NextHeader that ESP must pad to (wire-formats
    /// §1.2): 4 for ESP-NULL, GCM and GMAC, 8 for DES/3DES, 16 for AES-CBC; 0 for HMAC, which leaves
    /// the alignment to the cipher.
    /// </summary>
    public int EspPadAlignment { get; }

    /// <summary>ICV lengths in bytes this algorithm can produce: {8, 12, 16} for GCM, {16} for GMAC, {12}/{12}/{16} for HMAC, empty for ciphers.</summary>
    public IReadOnlyList<int> IcvLengths { get; }

    /// <summary>The ICV length used when the SA does not choose one (the largest), or 0 for ciphers.</summary>
    public int DefaultIcvLength => IcvLengths.Count == 0 ? 0 : IcvLengths[^1];

    /// <summary>The RFC that defines the transform for IPsec.</summary>
    public string Reference { get; }

    /// <summary>The v2 <c>EncryptionAlgorithm.Identifier</c> that selects it, or <see cref="IPsecV2Encryption.Absent"/>.</summary>
    public IPsecV2Encryption V2Encryption => Id switch
    {
        CryptoAlgorithmId.EspNull => IPsecV2Encryption.None,
        CryptoAlgorithmId.DesCbc => IPsecV2Encryption.DesCbc,
        CryptoAlgorithmId.TripleDesCbc => IPsecV2Encryption.TripleDesCbc,
        CryptoAlgorithmId.AesCbc128 => IPsecV2Encryption.AesCbc128,
        CryptoAlgorithmId.AesCbc192 => IPsecV2Encryption.AesCbc192,
        CryptoAlgorithmId.AesCbc256 => IPsecV2Encryption.AesCbc256,
        CryptoAlgorithmId.AesGcm128 => IPsecV2Encryption.AesGcm128,
        CryptoAlgorithmId.AesGcm192 => IPsecV2Encryption.AesGcm192,
        CryptoAlgorithmId.AesGcm256 => IPsecV2Encryption.AesGcm256,
        _ => IPsecV2Encryption.Absent,
    };

    /// <summary>The v2 <c>AuthenticationAlgorithm.Identifier</c> that selects it, or <see cref="IPsecV2Authentication.Absent"/>.</summary>
    public IPsecV2Authentication V2Authentication => Id switch
    {
        CryptoAlgorithmId.HmacMd5 => IPsecV2Authentication.Md5,
        CryptoAlgorithmId.HmacSha1 => IPsecV2Authentication.Sha1,
        CryptoAlgorithmId.HmacSha256 => IPsecV2Authentication.Sha256,
        CryptoAlgorithmId.AesGmac128 => IPsecV2Authentication.AesGcm128,
        CryptoAlgorithmId.AesGmac192 => IPsecV2Authentication.AesGcm192,
        CryptoAlgorithmId.AesGmac256 => IPsecV2Authentication.AesGcm256,
        _ => IPsecV2Authentication.Absent,
    };

    /// <summary>The v1 <c>OFFLOAD_CONF_ALGO</c> that selects it, or null when v1 has no such algorithm.</summary>
    public OffloadConfAlgo? V1Confidentiality => Id switch
    {
        CryptoAlgorithmId.EspNull => OffloadConfAlgo.None,
        CryptoAlgorithmId.DesCbc => OffloadConfAlgo.Des,
        CryptoAlgorithmId.TripleDesCbc => OffloadConfAlgo.TripleDes,
        _ => null,
    };

    /// <summary>The v1 <c>OFFLOAD_INTEGRITY_ALGO</c> that selects it, or null when v1 has no such algorithm.</summary>
    public OffloadIntegrityAlgo? V1Integrity => Id switch
    {
        CryptoAlgorithmId.HmacMd5 => OffloadIntegrityAlgo.Md5,
        CryptoAlgorithmId.HmacSha1 => OffloadIntegrityAlgo.Sha,
        _ => null,
    };

    /// <summary>ENCR_NULL (RFC 2410).</summary>
    public static CryptoAlgorithm EspNull { get; } = new(CryptoAlgorithmId.EspNull, "esp-null", CryptoAlgorithmKind.Cipher, 0, 0, 0, 1, 4, NoIcv, "RFC 2410");

    /// <summary>DES-CBC (RFC 2405).</summary>
    public static CryptoAlgorithm DesCbc { get; } = new(CryptoAlgorithmId.DesCbc, "des-cbc", CryptoAlgorithmKind.Cipher, 8, 0, 8, 8, 8, NoIcv, "RFC 2405");

    /// <summary>3DES-CBC (RFC 2451).</summary>
    public static CryptoAlgorithm TripleDesCbc { get; } = new(CryptoAlgorithmId.TripleDesCbc, "3des-cbc", CryptoAlgorithmKind.Cipher, 24, 0, 8, 8, 8, NoIcv, "RFC 2451");

    /// <summary>AES-CBC-128 (RFC 3602).</summary>
    public static CryptoAlgorithm AesCbc128 { get; } = new(CryptoAlgorithmId.AesCbc128, "aes-cbc-128", CryptoAlgorithmKind.Cipher, 16, 0, 16, 16, 16, NoIcv, "RFC 3602");

    /// <summary>AES-CBC-192 (RFC 3602).</summary>
    public static CryptoAlgorithm AesCbc192 { get; } = new(CryptoAlgorithmId.AesCbc192, "aes-cbc-192", CryptoAlgorithmKind.Cipher, 24, 0, 16, 16, 16, NoIcv, "RFC 3602");

    /// <summary>AES-CBC-256 (RFC 3602).</summary>
    public static CryptoAlgorithm AesCbc256 { get; } = new(CryptoAlgorithmId.AesCbc256, "aes-cbc-256", CryptoAlgorithmKind.Cipher, 32, 0, 16, 16, 16, NoIcv, "RFC 3602");

    /// <summary>AES-GCM-128 ESP (RFC 4106), ICV 8, 12 or 16 bytes.</summary>
    public static CryptoAlgorithm AesGcm128 { get; } = new(CryptoAlgorithmId.AesGcm128, "aes-gcm-128", CryptoAlgorithmKind.Aead, 16, 4, 8, 1, 4, [8, 12, 16], "RFC 4106");

    /// <summary>AES-GCM-192 ESP (RFC 4106), ICV 8, 12 or 16 bytes.</summary>
    public static CryptoAlgorithm AesGcm192 { get; } = new(CryptoAlgorithmId.AesGcm192, "aes-gcm-192", CryptoAlgorithmKind.Aead, 24, 4, 8, 1, 4, [8, 12, 16], "RFC 4106");

    /// <summary>AES-GCM-256 ESP (RFC 4106), ICV 8, 12 or 16 bytes.</summary>
    public static CryptoAlgorithm AesGcm256 { get; } = new(CryptoAlgorithmId.AesGcm256, "aes-gcm-256", CryptoAlgorithmKind.Aead, 32, 4, 8, 1, 4, [8, 12, 16], "RFC 4106");

    /// <summary>AES-GMAC-128 (RFC 4543), 16-byte ICV.</summary>
    public static CryptoAlgorithm AesGmac128 { get; } = new(CryptoAlgorithmId.AesGmac128, "aes-gmac-128", CryptoAlgorithmKind.Integrity, 16, 4, 8, 1, 4, [16], "RFC 4543");

    /// <summary>AES-GMAC-192 (RFC 4543), 16-byte ICV.</summary>
    public static CryptoAlgorithm AesGmac192 { get; } = new(CryptoAlgorithmId.AesGmac192, "aes-gmac-192", CryptoAlgorithmKind.Integrity, 24, 4, 8, 1, 4, [16], "RFC 4543");

    /// <summary>AES-GMAC-256 (RFC 4543), 16-byte ICV.</summary>
    public static CryptoAlgorithm AesGmac256 { get; } = new(CryptoAlgorithmId.AesGmac256, "aes-gmac-256", CryptoAlgorithmKind.Integrity, 32, 4, 8, 1, 4, [16], "RFC 4543");

    /// <summary>HMAC-MD5-96 (RFC 2403): 16-byte key, leftmost 12 bytes of the HMAC.</summary>
    public static CryptoAlgorithm HmacMd5 { get; } = new(CryptoAlgorithmId.HmacMd5, "hmac-md5-96", CryptoAlgorithmKind.Integrity, 16, 0, 0, 1, 0, [12], "RFC 2403");

    /// <summary>HMAC-SHA1-96 (RFC 2404): 20-byte key, leftmost 12 bytes of the HMAC.</summary>
    public static CryptoAlgorithm HmacSha1 { get; } = new(CryptoAlgorithmId.HmacSha1, "hmac-sha1-96", CryptoAlgorithmKind.Integrity, 20, 0, 0, 1, 0, [12], "RFC 2404");

    /// <summary>HMAC-SHA-256-128 (RFC 4868): 32-byte key, leftmost 16 bytes of the HMAC.</summary>
    public static CryptoAlgorithm HmacSha256 { get; } = new(CryptoAlgorithmId.HmacSha256, "hmac-sha256-128", CryptoAlgorithmKind.Integrity, 32, 0, 0, 1, 0, [16], "RFC 4868");

    /// <summary>Every algorithm, in <see cref="CryptoAlgorithmId"/> order.</summary>
    public static IReadOnlyList<CryptoAlgorithm> All { get; } =
    [
        EspNull, DesCbc, TripleDesCbc, AesCbc128, AesCbc192, AesCbc256, AesGcm128, AesGcm192, AesGcm256,
        AesGmac128, AesGmac192, AesGmac256, HmacMd5, HmacSha1, HmacSha256,
    ];

    /// <summary>The descriptor of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="CryptoAlgorithmId"/>.</exception>
    public static CryptoAlgorithm Get(CryptoAlgorithmId id) =>
        (uint)id < (uint)All.Count
            ? All[(int)id]
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"CryptoAlgorithmId {(int)id} is not defined (0..{All.Count - 1})");

    /// <summary>
    /// Maps a v2 <c>EncryptionAlgorithm.Identifier</c> (exactly one bit) to its algorithm. False for
    /// <see cref="IPsecV2Encryption.Absent"/> (no encryption algorithm), for several bits, and for
    /// undefined bits. <see cref="IPsecV2Encryption.None"/> maps to <see cref="EspNull"/>; the AES-GCM
    /// identifiers map to the combined-mode <see cref="AesGcm128"/>…<see cref="AesGcm256"/>.
    /// </summary>
    public static bool TryFromV2Encryption(IPsecV2Encryption identifier, [NotNullWhen(true)] out CryptoAlgorithm? algorithm)
    {
        algorithm = All.FirstOrDefault(a => identifier != IPsecV2Encryption.Absent && a.V2Encryption == identifier);
        return algorithm is not null;
    }

    /// <summary>
    /// Maps a v2 <c>AuthenticationAlgorithm.Identifier</c> (exactly one bit) to its algorithm. False for
    /// <see cref="IPsecV2Authentication.Absent"/>, several bits, or undefined bits. The AES-GCM
    /// authentication identifiers map to AES-GMAC (RFC 4543).
    /// </summary>
    public static bool TryFromV2Authentication(IPsecV2Authentication identifier, [NotNullWhen(true)] out CryptoAlgorithm? algorithm)
    {
        algorithm = All.FirstOrDefault(a => identifier != IPsecV2Authentication.Absent && a.V2Authentication == identifier);
        return algorithm is not null;
    }

    /// <summary>
    /// Maps a v1 <c>OFFLOAD_CONF_ALGO</c>. <see cref="OffloadConfAlgo.None"/> is null encryption and maps
    /// to <see cref="EspNull"/>; <c>Reserved</c>, <c>Max</c> and undefined values return false.
    /// </summary>
    public static bool TryFromV1Confidentiality(OffloadConfAlgo value, [NotNullWhen(true)] out CryptoAlgorithm? algorithm)
    {
        algorithm = All.FirstOrDefault(a => a.V1Confidentiality == value);
        return algorithm is not null;
    }

    /// <summary>
    /// Maps a v1 <c>OFFLOAD_INTEGRITY_ALGO</c>. <see cref="OffloadIntegrityAlgo.None"/> (no
    /// authentication data), <c>Max</c> and undefined values return false.
    /// </summary>
    public static bool TryFromV1Integrity(OffloadIntegrityAlgo value, [NotNullWhen(true)] out CryptoAlgorithm? algorithm)
    {
        algorithm = All.FirstOrDefault(a => a.V1Integrity == value);
        return algorithm is not null;
    }

    /// <summary>True when <paramref name="icvLength"/> is one of <see cref="IcvLengths"/>.</summary>
    public bool SupportsIcvLength(int icvLength) => IcvLengths.Contains(icvLength);

    /// <summary>Returns <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
