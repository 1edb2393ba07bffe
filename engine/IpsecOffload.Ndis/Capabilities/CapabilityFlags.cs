namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// <c>NDIS_ENCAPSULATION_*</c>: MAC encapsulations in the <c>Encapsulation</c> members of the
/// offload capability structures (ntddndis.h; spec digest §5.4).
/// </summary>
[Flags]
public enum NdisEncapsulation : uint
{
    /// <summary><c>NDIS_ENCAPSULATION_NOT_SUPPORTED</c>.</summary>
    NotSupported = 0x00,
    /// <summary><c>NDIS_ENCAPSULATION_NULL</c>.</summary>
    Null = 0x01,
    /// <summary><c>NDIS_ENCAPSULATION_IEEE_802_3</c> (mandatory).</summary>
    Ieee8023 = 0x02,
    /// <summary><c>NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q</c>.</summary>
    Ieee8023PAndQ = 0x04,
    /// <summary><c>NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q_IN_OOB</c>.</summary>
    Ieee8023PAndQInOob = 0x08,
    /// <summary><c>NDIS_ENCAPSULATION_IEEE_LLC_SNAP_ROUTED</c>.</summary>
    IeeeLlcSnapRouted = 0x10,
}

/// <summary>
/// <c>IPSEC_*_UDPESP_ENCAPTYPE_*</c>: the UDP-ESP parse capability in
/// <c>NDIS_IPSEC_OFFLOAD_V1.Supported.Flags</c> (ndis.h; spec digest §5.2). A NIC that cannot
/// parse UDP-ESP sets none.
/// </summary>
[Flags]
public enum IPsecV1UdpEspEncapsulationTypes : uint
{
    /// <summary>No UDP-ESP parsing (not a header constant).</summary>
    None = 0,
    /// <summary><c>IPSEC_TPT_UDPESP_ENCAPTYPE_IKE</c> (reserved).</summary>
    TransportIke = 0x01,
    /// <summary><c>IPSEC_TUN_UDPESP_ENCAPTYPE_IKE</c> (reserved).</summary>
    TunnelIke = 0x02,
    /// <summary><c>IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_IKE</c> (reserved).</summary>
    TransportOverTunnelIke = 0x04,
    /// <summary><c>IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_IKE</c> (reserved).</summary>
    TransportUdpEspOverPureTunnelIke = 0x08,
    /// <summary><c>IPSEC_TPT_UDPESP_ENCAPTYPE_OTHER</c>: UDP-encapsulated transport.</summary>
    TransportOther = 0x10,
    /// <summary><c>IPSEC_TUN_UDPESP_ENCAPTYPE_OTHER</c>: UDP-encapsulated tunnel.</summary>
    TunnelOther = 0x20,
    /// <summary><c>IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_OTHER</c>: transport over UDP-encapsulated tunnel.</summary>
    TransportOverTunnelOther = 0x40,
    /// <summary><c>IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_OTHER</c>: UDP-encapsulated transport over tunnel.</summary>
    TransportUdpEspOverPureTunnelOther = 0x80,
}

/// <summary><c>NDIS_OFFLOAD.Flags</c> (ntddndis.h; spec digest §5.1).</summary>
[Flags]
public enum NdisOffloadFlags : uint
{
    /// <summary>No flags (not a header constant).</summary>
    None = 0,
    /// <summary><c>NDIS_OFFLOAD_FLAGS_GROUP_CHECKSUM_CAPABILITIES</c>.</summary>
    GroupChecksumCapabilities = 0x1,
    /// <summary><c>IPSEC_OFFLOAD_V2_AND_TCP_CHECKSUM_COEXISTENCE</c>: IPsecV2 together with TCP checksum offload.</summary>
    IPsecV2AndTcpChecksumCoexistence = 0x2,
    /// <summary><c>IPSEC_OFFLOAD_V2_AND_UDP_CHECKSUM_COEXISTENCE</c>: IPsecV2 together with UDP checksum offload.</summary>
    IPsecV2AndUdpChecksumCoexistence = 0x4,
}

/// <summary>
/// <c>NDIS_OFFLOAD_NOT_SUPPORTED</c> / <c>NDIS_OFFLOAD_SUPPORTED</c> (ntddndis.h). Their use in the
/// 2-bit fields of <c>NDIS_IPSEC_OFFLOAD_V1</c> is by analogy only (spec digest AMB-29, UNVERIFIED).
/// </summary>
public static class NdisOffloadSupport
{
    /// <summary><c>NDIS_OFFLOAD_NOT_SUPPORTED</c>.</summary>
    public const byte NotSupported = 0;
    /// <summary><c>NDIS_OFFLOAD_SUPPORTED</c>.</summary>
    public const byte Supported = 1;
}
