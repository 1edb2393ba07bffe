using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Ndis;

/// <summary>
/// The sizes our codecs use for every native structure of the IPsec offload send path, per ABI,
/// gathered from the codecs themselves. Printed by <c>ipsec-conformance layouts</c> so a vendor
/// can compare them with <c>sizeof</c> in its own driver build.
/// </summary>
public static class NativeStructures
{
    /// <summary>Every structure, in header order: OOB slot values, v1 and v2 SA OIDs, capabilities.</summary>
    public static IReadOnlyList<NativeStructureSize> All { get; } =
    [
        Handle("NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO"),
        Handle("NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO"),
        Handle("NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO"),
        Same("NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO", sizeof(uint)),
        Handle("NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO"),
        Handle("NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO"),
        Same("OFFLOAD_ALGO_INFO", OffloadIpsecV1Codec.AlgoInfoSize),
        Same("OFFLOAD_SECURITY_ASSOCIATION", OffloadIpsecV1Codec.SecurityAssociationSize),
        new("OFFLOAD_IPSEC_ADD_SA", OffloadIpsecV1AddLayout.AddSa(NdisAbi.X86).Size, OffloadIpsecV1AddLayout.AddSa(NdisAbi.X64).Size),
        new("OFFLOAD_IPSEC_DELETE_SA", OffloadIpsecV1Codec.DeleteSaSize(NdisAbi.X86), OffloadIpsecV1Codec.DeleteSaSize(NdisAbi.X64)),
        Same("OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY", OffloadIpsecV1Codec.EncapTypeEntrySize),
        new("OFFLOAD_IPSEC_ADD_UDPESP_SA", OffloadIpsecV1AddLayout.AddUdpEspSa(NdisAbi.X86).Size, OffloadIpsecV1AddLayout.AddUdpEspSa(NdisAbi.X64).Size),
        new("OFFLOAD_IPSEC_DELETE_UDPESP_SA", OffloadIpsecV1Codec.DeleteUdpEspSaSize(NdisAbi.X86), OffloadIpsecV1Codec.DeleteUdpEspSaSize(NdisAbi.X64)),
        Same("IPSEC_OFFLOAD_V2_ALGORITHM_INFO", IPsecV2Codec.AlgorithmInfoSize),
        Same("IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION", IPsecV2Codec.SecurityAssociationSize),
        new("IPSEC_OFFLOAD_V2_ADD_SA", IPsecV2AddSaLayout.AddSa(NdisAbi.X86).Size, IPsecV2AddSaLayout.AddSa(NdisAbi.X64).Size),
        new("IPSEC_OFFLOAD_V2_ADD_SA_EX", IPsecV2AddSaLayout.AddSaEx(NdisAbi.X86).Size, IPsecV2AddSaLayout.AddSaEx(NdisAbi.X64).Size),
        new("IPSEC_OFFLOAD_V2_DELETE_SA", IPsecV2SmallLayout.DeleteSa(NdisAbi.X86).Size, IPsecV2SmallLayout.DeleteSa(NdisAbi.X64).Size),
        new("IPSEC_OFFLOAD_V2_UPDATE_SA", IPsecV2SmallLayout.UpdateSa(NdisAbi.X86).Size, IPsecV2SmallLayout.UpdateSa(NdisAbi.X64).Size),
        Same("NDIS_OFFLOAD_PARAMETERS (revision 2)", NdisOffloadParametersCodec.SizeRevision2),
        Same("NDIS_TCP_IP_CHECKSUM_OFFLOAD", NdisTcpIpChecksumOffload.Size),
        Same("NDIS_TCP_LARGE_SEND_OFFLOAD_V1", NdisTcpLargeSendOffloadV1.Size),
        Same("NDIS_IPSEC_OFFLOAD_V1", NdisIPsecOffloadV1.Size),
        Same("NDIS_TCP_LARGE_SEND_OFFLOAD_V2", NdisTcpLargeSendOffloadV2.Size),
        Same("NDIS_IPSEC_OFFLOAD_V2", NdisIPsecOffloadV2.Size),
        Same("NDIS_OFFLOAD (revision 2)", NdisOffload.SizeRevision2),
    ];

    private static NativeStructureSize Same(string name, int size) => new(name, size, size);

    private static NativeStructureSize Handle(string name) =>
        new(name, NdisAbi.X86.PointerSize(), NdisAbi.X64.PointerSize());
}

/// <summary>One structure's <c>sizeof</c> on x86 and x64.</summary>
/// <param name="Name">The ndis.h / ntddndis.h name.</param>
/// <param name="X86">Bytes on x86.</param>
/// <param name="X64">Bytes on x64.</param>
public sealed record NativeStructureSize(string Name, int X86, int X64);
