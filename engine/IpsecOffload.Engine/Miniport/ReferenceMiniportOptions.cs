using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;

namespace IpsecOffload.Engine.Miniport;

/// <summary>How a <see cref="ReferenceMiniport"/> is built: its ABI, the profile it behaves by, the
/// capabilities it advertises and the crypto backend it computes with.</summary>
public sealed record ReferenceMiniportOptions
{
    /// <summary>The ABI whose structure layouts OID buffers and capabilities use.</summary>
    public NdisAbi Abi { get; init; } = NdisAbi.X64;

    /// <summary>
    /// The profile assumptions (ARCHITECTURE §4) the miniport behaves by: among them <c>EspIv</c> (who
    /// writes the ESP IV on non-LSO sends), <c>OffloadDisabled</c> and <c>PadShortFrames</c>.
    /// </summary>
    public OffloadProfile Profile { get; init; } = OffloadProfile.Default;

    /// <summary>The backend the send path encrypts and authenticates with (the fast path by default).</summary>
    public ICryptoBackend Backend { get; init; } = DotNetCryptoBackend.Instance;

    /// <summary>The MTU segments must fit (IP packet bytes); LSO segments larger than it are refused.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>IPsec offload v2 capabilities; null = v2 not supported.</summary>
    public NdisIPsecOffloadV2? IPsecV2 { get; init; } = FullV2;

    /// <summary>IPsec offload v1 capabilities; null = v1 not supported.</summary>
    public NdisIPsecOffloadV1? IPsecV1 { get; init; } = FullV1;

    /// <summary>Every v2 feature the reference engine implements (LSO: combined with ESP, transport mode).</summary>
    public static NdisIPsecOffloadV2 FullV2 { get; } = new()
    {
        Encapsulation = NdisEncapsulation.Ieee8023 | NdisEncapsulation.Ieee8023PAndQ,
        IPv6Supported = true,
        IPv4Options = true,
        IPv6NonIPsecExtensionHeaders = true,
        Ah = true,
        Esp = true,
        AhEspCombined = true,
        Transport = true,
        Tunnel = true,
        TransportTunnelCombined = true,
        LsoSupported = true,
        ExtendedSequenceNumbers = true,
        UdpEsp = IPsecV2UdpEspEncapsulation.Transport | IPsecV2UdpEspEncapsulation.Tunnel
            | IPsecV2UdpEspEncapsulation.TransportOverUdpEspTunnel | IPsecV2UdpEspEncapsulation.UdpEspTransportOverTunnel,
        AuthenticationAlgorithms = IPsecV2Authentication.Md5 | IPsecV2Authentication.Sha1 | IPsecV2Authentication.Sha256
            | IPsecV2Authentication.AesGcm128 | IPsecV2Authentication.AesGcm192 | IPsecV2Authentication.AesGcm256,
        EncryptionAlgorithms = IPsecV2Encryption.None | IPsecV2Encryption.DesCbc | IPsecV2Encryption.TripleDesCbc
            | IPsecV2Encryption.AesGcm128 | IPsecV2Encryption.AesGcm192 | IPsecV2Encryption.AesGcm256
            | IPsecV2Encryption.AesCbc128 | IPsecV2Encryption.AesCbc192 | IPsecV2Encryption.AesCbc256,
        SaOffloadCapacity = 1024,
    };

    /// <summary>Every v1 feature (IPv4 only; 2-bit fields use <c>NDIS_OFFLOAD_SUPPORTED</c> = 1, AMB-29).</summary>
    public static NdisIPsecOffloadV1 FullV1 { get; } = new()
    {
        Supported = new IPsecV1Supported
        {
            Encapsulation = NdisEncapsulation.Ieee8023 | NdisEncapsulation.Ieee8023PAndQ,
            AhEspCombined = 1,
            TransportTunnelCombined = 0, // v1 cannot express transport over tunnel on NDIS 6 (AMB-10)
            IPv4Options = 1,
            Flags = IPsecV1UdpEspEncapsulationTypes.TransportOther | IPsecV1UdpEspEncapsulationTypes.TunnelOther,
        },
        IPv4Ah = new IPsecV1AhCapabilities { Md5 = 1, Sha1 = 1, Transport = 1, Tunnel = 1, Send = 1, Receive = 0 },
        IPv4Esp = new IPsecV1EspCapabilities { Des = 1, TripleDes = 1, NullEsp = 1, Transport = 1, Tunnel = 1, Send = 1, Receive = 0 },
    };
}
