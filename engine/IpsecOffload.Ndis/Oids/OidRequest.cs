namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// An OID request as an out-of-process adapter carries it (adapter-protocol.md, op <c>oid</c>): the
/// OID code, set or query, and the information buffer as the exact native bytes for one ABI.
/// Build typed requests with the factory methods, e.g. <see cref="V2AddSa"/>.
/// </summary>
/// <param name="Oid">The OID code.</param>
/// <param name="Type">Set or query.</param>
/// <param name="InformationBuffer">The information buffer; the miniport may write output fields into it.</param>
public sealed record OidRequest(NdisOid Oid, NdisRequestType Type, byte[] InformationBuffer)
{
    /// <summary><c>OID_TCP_OFFLOAD_PARAMETERS</c> set with one <c>NDIS_OFFLOAD_PARAMETERS</c>.</summary>
    public static OidRequest OffloadParameters(NdisOffloadParameters parameters) =>
        new(NdisOid.TcpOffloadParameters, NdisRequestType.Set, NdisOffloadParametersCodec.Encode(parameters));

    /// <summary><c>OID_TCP_TASK_IPSEC_ADD_SA</c> set with one <c>OFFLOAD_IPSEC_ADD_SA</c>.</summary>
    public static OidRequest V1AddSa(OffloadIpsecAddSa sa, NdisAbi abi) =>
        new(NdisOid.TcpTaskIpsecAddSa, NdisRequestType.Set, OffloadIpsecV1Codec.EncodeAddSa(sa, abi));

    /// <summary><c>OID_TCP_TASK_IPSEC_DELETE_SA</c> set with one <c>OFFLOAD_IPSEC_DELETE_SA</c>.</summary>
    public static OidRequest V1DeleteSa(OffloadIpsecDeleteSa sa, NdisAbi abi) =>
        new(NdisOid.TcpTaskIpsecDeleteSa, NdisRequestType.Set, OffloadIpsecV1Codec.EncodeDeleteSa(sa, abi));

    /// <summary><c>OID_TCP_TASK_IPSEC_ADD_UDPESP_SA</c> set with one <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c>.</summary>
    public static OidRequest V1AddUdpEspSa(OffloadIpsecAddUdpEspSa sa, NdisAbi abi) =>
        new(NdisOid.TcpTaskIpsecAddUdpEspSa, NdisRequestType.Set, OffloadIpsecV1Codec.EncodeAddUdpEspSa(sa, abi));

    /// <summary><c>OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA</c> set with one <c>OFFLOAD_IPSEC_DELETE_UDPESP_SA</c>.</summary>
    public static OidRequest V1DeleteUdpEspSa(OffloadIpsecDeleteUdpEspSa sa, NdisAbi abi) =>
        new(NdisOid.TcpTaskIpsecDeleteUdpEspSa, NdisRequestType.Set, OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(sa, abi));

    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c> set with a chain of <c>IPSEC_OFFLOAD_V2_ADD_SA</c>.</summary>
    public static OidRequest V2AddSa(
        IReadOnlyList<IPsecV2AddSa> chain, NdisAbi abi, NdisHeaderSizeConvention size = NdisHeaderSizeConvention.RevisionSize) =>
        new(NdisOid.TcpTaskIpsecOffloadV2AddSa, NdisRequestType.Set, IPsecV2Codec.EncodeAddSaChain(chain, abi, size));

    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX</c> set with one <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c>.</summary>
    public static OidRequest V2AddSaEx(
        IPsecV2AddSaEx sa, NdisAbi abi, NdisHeaderSizeConvention size = NdisHeaderSizeConvention.RevisionSize) =>
        new(NdisOid.TcpTaskIpsecOffloadV2AddSaEx, NdisRequestType.Set, IPsecV2Codec.EncodeAddSaEx(sa, abi, size));

    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA</c> set with a chain of <c>IPSEC_OFFLOAD_V2_DELETE_SA</c>.</summary>
    public static OidRequest V2DeleteSa(IReadOnlyList<IPsecV2DeleteSa> chain, NdisAbi abi) =>
        new(NdisOid.TcpTaskIpsecOffloadV2DeleteSa, NdisRequestType.Set, IPsecV2Codec.EncodeDeleteSaChain(chain, abi));

    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA</c> set with one <c>IPSEC_OFFLOAD_V2_UPDATE_SA</c>.</summary>
    public static OidRequest V2UpdateSa(
        IPsecV2UpdateSa sa, NdisAbi abi, NdisHeaderSizeConvention size = NdisHeaderSizeConvention.RevisionSize) =>
        new(NdisOid.TcpTaskIpsecOffloadV2UpdateSa, NdisRequestType.Set, IPsecV2Codec.EncodeUpdateSa(sa, abi, size));
}

/// <summary>
/// The outcome of an OID request (adapter-protocol.md, op <c>oid</c> response): the NDIS status, the
/// information buffer after the request (e.g. with <c>OffloadHandle</c> fields filled in), and
/// <c>BytesRead</c> / <c>BytesNeeded</c> as the miniport reported them.
/// </summary>
/// <param name="Status">The completion status.</param>
/// <param name="InformationBuffer">The information buffer as the miniport left it.</param>
/// <param name="BytesRead">Bytes of the buffer the miniport consumed (set requests).</param>
/// <param name="BytesNeeded">Bytes the miniport needs when the buffer was too short, else 0.</param>
public sealed record OidResult(NdisStatus Status, byte[] InformationBuffer, int BytesRead, int BytesNeeded)
{
    /// <summary>
    /// The result a miniport returns when decoding failed: the error's status, the buffer unchanged,
    /// no bytes read, and <paramref name="bytesNeeded"/>.
    /// </summary>
    public static OidResult Rejected(NdisError error, byte[] informationBuffer, int bytesNeeded)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new OidResult(error.Status, informationBuffer, 0, bytesNeeded);
    }
}
