namespace IpsecOffload.Ndis.Oids;

/// <summary><c>OFFLOAD_OPERATION_E</c> (ntddndis.h; spec digest §3.2): what one v1 SA entry does.</summary>
public enum OffloadOperation : uint
{
    /// <summary><c>AUTHENTICATE</c>: an AH SA (integrity only).</summary>
    Authenticate = 1,
    /// <summary><c>ENCRYPT</c>: an ESP SA (integrity and/or confidentiality).</summary>
    Encrypt = 2,
}

/// <summary><c>UDP_ENCAP_TYPE</c> (ntddndis.h; spec digest §3.2).</summary>
public enum UdpEncapType : uint
{
    /// <summary><c>OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_IKE</c> (0, "reserved" per the docs).</summary>
    Ike = 0,
    /// <summary><c>OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_OTHER</c> (1): UDP encapsulation on port 4500.</summary>
    Other = 1,
}

/// <summary><c>OFFLOAD_IPSEC_ADD_SA.Flags</c> / <c>OFFLOAD_IPSEC_ADD_UDPESP_SA.Flags</c> (USHORT).</summary>
[Flags]
public enum OffloadSaFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>OFFLOAD_INBOUND_SA</c> 0x0001.</summary>
    Inbound = 0x0001,
    /// <summary><c>OFFLOAD_OUTBOUND_SA</c> 0x0002.</summary>
    Outbound = 0x0002,
}

/// <summary>
/// <c>OFFLOAD_ALGO_INFO</c> (12 bytes). <c>algoIdentifier</c> is an <see cref="OffloadIntegrityAlgo"/> in
/// <c>IntegrityAlgo</c> and an <see cref="OffloadConfAlgo"/> in <c>ConfAlgo</c>; the raw ULONG is kept so
/// that any value can be encoded.
/// </summary>
/// <param name="AlgoIdentifier">The algorithm (<c>algoIdentifier</c>).</param>
/// <param name="AlgoKeylen">Key length in bytes (<c>algoKeylen</c>).</param>
/// <param name="AlgoRounds">Rounds of the encryption transform (<c>algoRounds</c>).</param>
public readonly record struct OffloadAlgoInfo(uint AlgoIdentifier, uint AlgoKeylen, uint AlgoRounds)
{
    /// <summary>An <c>IntegrityAlgo</c> entry.</summary>
    public static OffloadAlgoInfo Integrity(OffloadIntegrityAlgo algorithm, uint keyLength, uint rounds = 0) =>
        new((uint)algorithm, keyLength, rounds);

    /// <summary>A <c>ConfAlgo</c> entry.</summary>
    public static OffloadAlgoInfo Confidentiality(OffloadConfAlgo algorithm, uint keyLength, uint rounds = 0) =>
        new((uint)algorithm, keyLength, rounds);
}

/// <summary><c>OFFLOAD_SECURITY_ASSOCIATION</c> (44 bytes; spec digest §3.2).</summary>
/// <param name="Operation"><c>Operation</c>: AH or ESP.</param>
/// <param name="Spi"><c>SPI</c>, network byte order (AMB-19): the value as on the wire (<c>0x00001001</c> is stored as <c>00 00 10 01</c>).</param>
/// <param name="IntegrityAlgo"><c>IntegrityAlgo</c>.</param>
/// <param name="ConfAlgo"><c>ConfAlgo</c> (all zero for AH).</param>
/// <param name="Reserved"><c>Reserved</c>, carried unvalidated.</param>
public readonly record struct OffloadSecurityAssociation(
    OffloadOperation Operation, uint Spi, OffloadAlgoInfo IntegrityAlgo, OffloadAlgoInfo ConfAlgo, OffloadAlgoInfo Reserved = default)
{
    /// <summary><c>IntegrityAlgo.algoIdentifier</c> as an <see cref="OffloadIntegrityAlgo"/>.</summary>
    public OffloadIntegrityAlgo IntegrityAlgorithm => (OffloadIntegrityAlgo)IntegrityAlgo.AlgoIdentifier;

    /// <summary><c>ConfAlgo.algoIdentifier</c> as an <see cref="OffloadConfAlgo"/>.</summary>
    public OffloadConfAlgo ConfAlgorithm => (OffloadConfAlgo)ConfAlgo.AlgoIdentifier;
}

/// <summary>
/// The transport-mode filter at the start of <c>OFFLOAD_IPSEC_ADD_SA</c> and <c>…_ADD_UDPESP_SA</c>
/// (offsets 0..31, identical on both ABIs). Zero members are wildcards. Addresses, masks and ports are
/// in network byte order (AMB-19): each typed value is the address read as a big-endian number
/// (<c>0xC0000201</c> = 192.0.2.1, stored as <c>c0 00 02 01</c>; port 500 = <c>0x01F4</c>, stored as
/// <c>01 f4</c>). <c>Protocol</c> is a little-endian ULONG.
/// </summary>
/// <param name="SrcAddr"><c>SrcAddr</c>, network byte order (AMB-19): the value as on the wire.</param>
/// <param name="SrcMask"><c>SrcMask</c>, network byte order (AMB-19): the value as on the wire.</param>
/// <param name="DestAddr"><c>DestAddr</c> (<c>DstAddr</c> in the UDP-ESP structure), network byte order (AMB-19): the value as on the wire.</param>
/// <param name="DestMask"><c>DestMask</c> (<c>DstMask</c>), network byte order (AMB-19): the value as on the wire.</param>
/// <param name="Protocol"><c>Protocol</c>: IP protocol number, 0 = any (little-endian ULONG).</param>
/// <param name="SrcPort"><c>SrcPort</c>, 0 = any; network byte order (AMB-19): the value as on the wire.</param>
/// <param name="DestPort"><c>DestPort</c> (<c>DstPort</c>), 0 = any; network byte order (AMB-19): the value as on the wire.</param>
/// <param name="SrcTunnelAddr"><c>SrcTunnelAddr</c>: tunnel SAs only; network byte order (AMB-19): the value as on the wire.</param>
/// <param name="DestTunnelAddr"><c>DestTunnelAddr</c> (<c>DstTunnelAddr</c>): tunnel SAs only; network byte order (AMB-19): the value as on the wire.</param>
public readonly record struct OffloadSaFilter(
    uint SrcAddr, uint SrcMask, uint DestAddr, uint DestMask, uint Protocol,
    ushort SrcPort, ushort DestPort, uint SrcTunnelAddr, uint DestTunnelAddr);

/// <summary>
/// <c>OFFLOAD_IPSEC_ADD_SA</c> (x86 180 / x64 184 bytes plus keys), the buffer of
/// <c>OID_TCP_TASK_IPSEC_ADD_SA</c>. <c>NumSAs</c> is <c>SecAssoc.Count</c> (1..<c>OFFLOAD_MAX_SAS</c>);
/// <c>KeyLen</c> is <c>KeyMat.Count</c>. <c>OffloadHandle</c> is output: the miniport writes it in place.
/// </summary>
/// <param name="Filter">Members <c>SrcAddr</c> … <c>DestTunnelAddr</c>.</param>
/// <param name="Flags"><c>Flags</c>: inbound or outbound.</param>
/// <param name="SecAssoc">The used <c>SecAssoc[]</c> entries, in processing order.</param>
/// <param name="OffloadHandle"><c>OffloadHandle</c> (0 on input).</param>
/// <param name="KeyMat">All key bytes at <c>KeyMat</c> (order ambiguous, AMB-11).</param>
public sealed record OffloadIpsecAddSa(
    OffloadSaFilter Filter, OffloadSaFlags Flags, EquatableArray<OffloadSecurityAssociation> SecAssoc,
    ulong OffloadHandle, EquatableArray<byte> KeyMat);

/// <summary><c>OFFLOAD_IPSEC_DELETE_SA</c> (x86 4 / x64 8 bytes).</summary>
/// <param name="OffloadHandle">The SA to delete.</param>
public readonly record struct OffloadIpsecDeleteSa(ulong OffloadHandle);

/// <summary><c>OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY</c> (8 bytes on both ABIs).</summary>
/// <param name="UdpEncapType"><c>UdpEncapType</c>.</param>
/// <param name="DstEncapPort"><c>DstEncapPort</c> (inbound only; "should always be 4500"), network byte order (AMB-19): the value as on the wire (4500 is stored as <c>11 94</c>).</param>
public readonly record struct OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType UdpEncapType, ushort DstEncapPort);

/// <summary>
/// <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> (x86 192 / x64 200 bytes plus keys). Like
/// <see cref="OffloadIpsecAddSa"/> plus the parser entry; <c>OffloadHandle</c> is output and
/// <c>EncapTypeEntryOffldHandle</c> is input/output (inbound SAs).
/// </summary>
/// <param name="Filter">Members <c>SrcAddr</c> … <c>DstTunnelAddr</c>.</param>
/// <param name="Flags"><c>Flags</c>.</param>
/// <param name="SecAssoc">The used <c>SecAssoc[]</c> entries.</param>
/// <param name="OffloadHandle"><c>OffloadHandle</c> (0 on input).</param>
/// <param name="EncapTypeEntry"><c>EncapTypeEntry</c>.</param>
/// <param name="EncapTypeEntryOffldHandle"><c>EncapTypeEntryOffldHandle</c>: NULL = create or look up the parser entry.</param>
/// <param name="KeyMat">All key bytes at <c>KeyMat</c>.</param>
public sealed record OffloadIpsecAddUdpEspSa(
    OffloadSaFilter Filter, OffloadSaFlags Flags, EquatableArray<OffloadSecurityAssociation> SecAssoc,
    ulong OffloadHandle, OffloadIpsecUdpEspEncapTypeEntry EncapTypeEntry, ulong EncapTypeEntryOffldHandle,
    EquatableArray<byte> KeyMat);

/// <summary><c>OFFLOAD_IPSEC_DELETE_UDPESP_SA</c> (x86 8 / x64 16 bytes).</summary>
/// <param name="OffloadHandle">The SA to delete.</param>
/// <param name="EncapTypeEntryOffldHandle">NULL = keep the parser entry; else delete it too.</param>
public readonly record struct OffloadIpsecDeleteUdpEspSa(ulong OffloadHandle, ulong EncapTypeEntryOffldHandle);

/// <summary>The two handles a miniport returns in an <c>OFFLOAD_IPSEC_ADD_UDPESP_SA</c> buffer.</summary>
/// <param name="OffloadHandle"><c>OffloadHandle</c>.</param>
/// <param name="EncapTypeEntryOffldHandle"><c>EncapTypeEntryOffldHandle</c>.</param>
public readonly record struct OffloadUdpEspHandles(ulong OffloadHandle, ulong EncapTypeEntryOffldHandle);
