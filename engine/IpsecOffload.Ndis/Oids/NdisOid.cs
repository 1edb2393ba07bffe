namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// OID codes of the offload configuration and IPsec SA requests (ntddndis.h; spec digest §9.2).
/// The enum value is the exact 32-bit code carried in an <see cref="OidRequest"/>.
/// </summary>
public enum NdisOid : uint
{
    /// <summary><c>OID_OFFLOAD_ENCAPSULATION</c>: activates or deactivates the configured offloads.</summary>
    OffloadEncapsulation = 0x0101_010A,
    /// <summary><c>OID_TCP_TASK_OFFLOAD</c> (NDIS 5.x capability OID).</summary>
    TcpTaskOffload = 0xFC01_0201,
    /// <summary><c>OID_TCP_TASK_IPSEC_ADD_SA</c>: one <c>OFFLOAD_IPSEC_ADD_SA</c> (v1).</summary>
    TcpTaskIpsecAddSa = 0xFC01_0202,
    /// <summary><c>OID_TCP_TASK_IPSEC_DELETE_SA</c>: one <c>OFFLOAD_IPSEC_DELETE_SA</c> (v1).</summary>
    TcpTaskIpsecDeleteSa = 0xFC01_0203,
    /// <summary><c>OID_TCP_TASK_IPSEC_ADD_UDPESP_SA</c>: one <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> (v1).</summary>
    TcpTaskIpsecAddUdpEspSa = 0xFC01_0205,
    /// <summary><c>OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA</c>: one <c>OFFLOAD_IPSEC_DELETE_UDPESP_SA</c> (v1).</summary>
    TcpTaskIpsecDeleteUdpEspSa = 0xFC01_0206,
    /// <summary><c>OID_TCP_OFFLOAD_CURRENT_CONFIG</c>: the current <c>NDIS_OFFLOAD</c> (answered by NDIS).</summary>
    TcpOffloadCurrentConfig = 0xFC01_020B,
    /// <summary><c>OID_TCP_OFFLOAD_PARAMETERS</c>: one <c>NDIS_OFFLOAD_PARAMETERS</c> (set only).</summary>
    TcpOffloadParameters = 0xFC01_020C,
    /// <summary><c>OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES</c>: the hardware <c>NDIS_OFFLOAD</c>.</summary>
    TcpOffloadHardwareCapabilities = 0xFC01_020D,
    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c>: a chain of <c>IPSEC_OFFLOAD_V2_ADD_SA</c> (NDIS 6.1/6.20, direct OID).</summary>
    TcpTaskIpsecOffloadV2AddSa = 0xFC03_0202,
    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA</c>: a chain of <c>IPSEC_OFFLOAD_V2_DELETE_SA</c> (direct OID).</summary>
    TcpTaskIpsecOffloadV2DeleteSa = 0xFC03_0203,
    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA</c>: one <c>IPSEC_OFFLOAD_V2_UPDATE_SA</c> (direct OID).</summary>
    TcpTaskIpsecOffloadV2UpdateSa = 0xFC03_0204,
    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX</c>: one <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> (NDIS 6.30+, direct OID).</summary>
    TcpTaskIpsecOffloadV2AddSaEx = 0xFC03_0205,
}

/// <summary>Whether an OID request sets or queries information (<c>NdisRequestSetInformation</c> / <c>…QueryInformation</c>).</summary>
public enum NdisRequestType
{
    /// <summary>A set request: the information buffer carries input (and, for ADD_SA, output handles).</summary>
    Set,
    /// <summary>A query request: the miniport fills the information buffer.</summary>
    Query,
}

/// <summary>Names and classes of <see cref="NdisOid"/> codes.</summary>
public static class NdisOidExtensions
{
    /// <summary>The ntddndis.h name, e.g. <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c>, or the hex code for other values.</summary>
    public static string ToNdisName(this NdisOid oid) => oid switch
    {
        NdisOid.OffloadEncapsulation => "OID_OFFLOAD_ENCAPSULATION",
        NdisOid.TcpTaskOffload => "OID_TCP_TASK_OFFLOAD",
        NdisOid.TcpTaskIpsecAddSa => "OID_TCP_TASK_IPSEC_ADD_SA",
        NdisOid.TcpTaskIpsecDeleteSa => "OID_TCP_TASK_IPSEC_DELETE_SA",
        NdisOid.TcpTaskIpsecAddUdpEspSa => "OID_TCP_TASK_IPSEC_ADD_UDPESP_SA",
        NdisOid.TcpTaskIpsecDeleteUdpEspSa => "OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA",
        NdisOid.TcpOffloadCurrentConfig => "OID_TCP_OFFLOAD_CURRENT_CONFIG",
        NdisOid.TcpOffloadParameters => "OID_TCP_OFFLOAD_PARAMETERS",
        NdisOid.TcpOffloadHardwareCapabilities => "OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES",
        NdisOid.TcpTaskIpsecOffloadV2AddSa => "OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA",
        NdisOid.TcpTaskIpsecOffloadV2DeleteSa => "OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA",
        NdisOid.TcpTaskIpsecOffloadV2UpdateSa => "OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA",
        NdisOid.TcpTaskIpsecOffloadV2AddSaEx => "OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX",
        _ => $"0x{(uint)oid:X8}",
    };

    /// <summary>
    /// True for the four IPsec offload v2 SA OIDs, which NDIS delivers through the direct OID path
    /// without validating their contents (spec digest §4.1).
    /// </summary>
    public static bool IsDirectOid(this NdisOid oid) => oid is
        NdisOid.TcpTaskIpsecOffloadV2AddSa or NdisOid.TcpTaskIpsecOffloadV2DeleteSa
        or NdisOid.TcpTaskIpsecOffloadV2UpdateSa or NdisOid.TcpTaskIpsecOffloadV2AddSaEx;
}
