namespace IpsecOffload.Ndis;

/// <summary>
/// <c>IPSEC_OFFLOAD_V2_AUTHENTICATION_*</c> (ntddndis.h; spec digest §4.3). Used both as the
/// capability mask <c>NDIS_IPSEC_OFFLOAD_V2.AuthenticationAlgorithms</c> and as one
/// <c>IPSEC_OFFLOAD_V2_ALGORITHM_INFO.Identifier</c> value. There is no "none" value in the
/// headers; an absent algorithm is an all-zero <c>IPSEC_OFFLOAD_V2_ALGORITHM_INFO</c>.
/// </summary>
[Flags]
public enum IPsecV2Authentication : uint
{
    /// <summary>No algorithm (an all-zero <c>IPSEC_OFFLOAD_V2_ALGORITHM_INFO</c>); not a header constant.</summary>
    Absent = 0,
    /// <summary><c>IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5</c>: HMAC-MD5-96.</summary>
    Md5 = 0x0000_0001,
    /// <summary><c>IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1</c>: HMAC-SHA1-96.</summary>
    Sha1 = 0x0000_0002,
    /// <summary><c>IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256</c>: HMAC-SHA-256-128.</summary>
    Sha256 = 0x0000_0004,
    /// <summary><c>IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128</c>: AES-GMAC-128 (RFC 4543).</summary>
    AesGcm128 = 0x0000_0008,
    /// <summary><c>IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192</c>: AES-GMAC-192.</summary>
    AesGcm192 = 0x0000_0010,
    /// <summary><c>IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256</c>: AES-GMAC-256.</summary>
    AesGcm256 = 0x0000_0020,
}

/// <summary>
/// <c>IPSEC_OFFLOAD_V2_ENCRYPTION_*</c> (ntddndis.h; spec digest §4.3): capability mask
/// <c>NDIS_IPSEC_OFFLOAD_V2.EncryptionAlgorithms</c> and <c>Identifier</c> value.
/// </summary>
[Flags]
public enum IPsecV2Encryption : uint
{
    /// <summary>No algorithm (an all-zero <c>IPSEC_OFFLOAD_V2_ALGORITHM_INFO</c>); not a header constant.</summary>
    Absent = 0,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_NONE</c>: ESP-NULL (RFC 2410).</summary>
    None = 0x0000_0001,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC</c>.</summary>
    DesCbc = 0x0000_0002,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC</c>.</summary>
    TripleDesCbc = 0x0000_0004,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128</c> (RFC 4106, combined mode).</summary>
    AesGcm128 = 0x0000_0008,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192</c>.</summary>
    AesGcm192 = 0x0000_0010,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256</c>.</summary>
    AesGcm256 = 0x0000_0020,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128</c> (RFC 3602).</summary>
    AesCbc128 = 0x0000_0040,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192</c>.</summary>
    AesCbc192 = 0x0000_0080,
    /// <summary><c>IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256</c>.</summary>
    AesCbc256 = 0x0000_0100,
}

/// <summary><c>OFFLOAD_CONF_ALGO</c> (v1, ntddndis.h; spec digest §3.2).</summary>
public enum OffloadConfAlgo : uint
{
    /// <summary><c>OFFLOAD_IPSEC_CONF_NONE</c>: null encryption (ESP authentication only).</summary>
    None = 0,
    /// <summary><c>OFFLOAD_IPSEC_CONF_DES</c>.</summary>
    Des = 1,
    /// <summary><c>OFFLOAD_IPSEC_CONF_RESERVED</c>.</summary>
    Reserved = 2,
    /// <summary><c>OFFLOAD_IPSEC_CONF_3_DES</c>.</summary>
    TripleDes = 3,
    /// <summary><c>OFFLOAD_IPSEC_CONF_MAX</c> (not a valid algorithm).</summary>
    Max = 4,
}

/// <summary><c>OFFLOAD_INTEGRITY_ALGO</c> (v1, ntddndis.h; spec digest §3.2).</summary>
public enum OffloadIntegrityAlgo : uint
{
    /// <summary><c>OFFLOAD_IPSEC_INTEGRITY_NONE</c>: ESP carries no authentication data.</summary>
    None = 0,
    /// <summary><c>OFFLOAD_IPSEC_INTEGRITY_MD5</c>: keyed MD5 (HMAC-MD5-96).</summary>
    Md5 = 1,
    /// <summary><c>OFFLOAD_IPSEC_INTEGRITY_SHA</c>: SHA-1 (HMAC-SHA1-96).</summary>
    Sha = 2,
    /// <summary><c>OFFLOAD_IPSEC_INTEGRITY_MAX</c> (not a valid algorithm).</summary>
    Max = 3,
}

/// <summary>
/// <c>IPSEC_OFFLOAD_V2_*UDP_ESP_ENCAPSULATION*</c> (ndis.h; spec digest §4.2, §5.3): one value in
/// <c>IPSEC_OFFLOAD_V2_ADD_SA(_EX).UdpEspEncapsulation</c>, and the capability mask
/// <c>NDIS_IPSEC_OFFLOAD_V2.UdpEsp</c>.
/// </summary>
[Flags]
public enum IPsecV2UdpEspEncapsulation : uint
{
    /// <summary><c>IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_NONE</c>.</summary>
    None = 0x0,
    /// <summary><c>IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT</c>.</summary>
    Transport = 0x1,
    /// <summary><c>IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL</c>.</summary>
    Tunnel = 0x2,
    /// <summary><c>IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL</c>.</summary>
    TransportOverUdpEspTunnel = 0x4,
    /// <summary><c>IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL</c>.</summary>
    UdpEspTransportOverTunnel = 0x8,
}
