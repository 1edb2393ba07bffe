namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// <c>CryptoStatus</c> of a received NBL's IPsec OOB info (ndis.h; spec digest §2.8). The OOB
/// field is 16 bits wide, so values other than the eight named ones can be carried.
/// </summary>
public enum CryptoStatus : ushort
{
    /// <summary><c>CRYPTO_SUCCESS</c>.</summary>
    Success = 0,
    /// <summary><c>CRYPTO_GENERIC_ERROR</c>.</summary>
    GenericError = 1,
    /// <summary><c>CRYPTO_TRANSPORT_AH_AUTH_FAILED</c>.</summary>
    TransportAhAuthFailed = 2,
    /// <summary><c>CRYPTO_TRANSPORT_ESP_AUTH_FAILED</c>.</summary>
    TransportEspAuthFailed = 3,
    /// <summary><c>CRYPTO_TUNNEL_AH_AUTH_FAILED</c>.</summary>
    TunnelAhAuthFailed = 4,
    /// <summary><c>CRYPTO_TUNNEL_ESP_AUTH_FAILED</c>.</summary>
    TunnelEspAuthFailed = 5,
    /// <summary><c>CRYPTO_INVALID_PACKET_SYNTAX</c>.</summary>
    InvalidPacketSyntax = 6,
    /// <summary><c>CRYPTO_INVALID_PROTOCOL</c>.</summary>
    InvalidProtocol = 7,
}
