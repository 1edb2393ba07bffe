namespace IpsecOffload.Ndis.Tests;

public class NativeStructuresTests
{
    // The "Structure sizes (x86 / x64)" paragraph of spec digest §9.3, plus §5.1/§5.5 and the
    // NDIS_OFFLOAD sub-structures (ntddndis.h, checked with gcc in Capabilities/layout-check).
    private static readonly Dictionary<string, (int X86, int X64)> Digest = new()
    {
        ["NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO"] = (4, 8),
        ["NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO"] = (4, 8),
        ["NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO"] = (4, 8),
        ["NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO"] = (4, 4),
        ["NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO"] = (4, 8),
        ["NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO"] = (4, 8),
        ["OFFLOAD_ALGO_INFO"] = (12, 12),
        ["OFFLOAD_SECURITY_ASSOCIATION"] = (44, 44),
        ["OFFLOAD_IPSEC_ADD_SA"] = (180, 184),
        ["OFFLOAD_IPSEC_DELETE_SA"] = (4, 8),
        ["OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY"] = (8, 8),
        ["OFFLOAD_IPSEC_ADD_UDPESP_SA"] = (192, 200),
        ["OFFLOAD_IPSEC_DELETE_UDPESP_SA"] = (8, 16),
        ["IPSEC_OFFLOAD_V2_ALGORITHM_INFO"] = (16, 16),
        ["IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION"] = (48, 48),
        ["IPSEC_OFFLOAD_V2_ADD_SA"] = (160, 176),
        ["IPSEC_OFFLOAD_V2_ADD_SA_EX"] = (164, 176),
        ["IPSEC_OFFLOAD_V2_DELETE_SA"] = (12, 24),
        ["IPSEC_OFFLOAD_V2_UPDATE_SA"] = (20, 32),
        ["NDIS_OFFLOAD_PARAMETERS (revision 2)"] = (22, 22),
        ["NDIS_TCP_IP_CHECKSUM_OFFLOAD"] = (32, 32),
        ["NDIS_TCP_LARGE_SEND_OFFLOAD_V1"] = (16, 16),
        ["NDIS_IPSEC_OFFLOAD_V1"] = (28, 28),
        ["NDIS_TCP_LARGE_SEND_OFFLOAD_V2"] = (28, 28),
        ["NDIS_IPSEC_OFFLOAD_V2"] = (32, 32),
        ["NDIS_OFFLOAD (revision 2)"] = (144, 144),
    };

    private static IEnumerable<TestCaseData> Structures() =>
        NativeStructures.All.Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    [TestCaseSource(nameof(Structures))]
    public void Size_MatchesTheSpecDigest_OnBothAbis(NativeStructureSize structure)
    {
        Assert.That(Digest, Does.ContainKey(structure.Name), "structure missing from the digest table");
        (int x86, int x64) = Digest[structure.Name];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(structure.X86, Is.EqualTo(x86), "x86");
            Assert.That(structure.X64, Is.EqualTo(x64), "x64");
        }
    }

    [Test]
    public void Catalogue_CoversEveryDigestStructure() =>
        Assert.That(NativeStructures.All.Select(s => s.Name), Is.EquivalentTo(Digest.Keys));
}
