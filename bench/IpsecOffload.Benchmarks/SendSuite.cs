namespace IpsecOffload.Benchmarks;

/// <summary>The SA bundles the send-path benchmark measures (transport mode, IPv4/TCP).</summary>
public enum SendSuite
{
    /// <summary>ESP AES-GCM-128 with a 16-byte ICV (RFC 4106).</summary>
    EspAesGcm128,

    /// <summary>ESP AES-CBC-128 (RFC 3602) with HMAC-SHA1-96 (RFC 2404).</summary>
    EspAesCbc128HmacSha1,

    /// <summary>AH HMAC-SHA-256-128 (RFC 4868).</summary>
    AhHmacSha256,
}
