using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

public class OidCodeTests
{
    // Spec digest §9.2.
    [TestCase(NdisOid.TcpTaskOffload, 0xFC01_0201u, "OID_TCP_TASK_OFFLOAD")]
    [TestCase(NdisOid.TcpTaskIpsecAddSa, 0xFC01_0202u, "OID_TCP_TASK_IPSEC_ADD_SA")]
    [TestCase(NdisOid.TcpTaskIpsecDeleteSa, 0xFC01_0203u, "OID_TCP_TASK_IPSEC_DELETE_SA")]
    [TestCase(NdisOid.TcpTaskIpsecAddUdpEspSa, 0xFC01_0205u, "OID_TCP_TASK_IPSEC_ADD_UDPESP_SA")]
    [TestCase(NdisOid.TcpTaskIpsecDeleteUdpEspSa, 0xFC01_0206u, "OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA")]
    [TestCase(NdisOid.TcpOffloadCurrentConfig, 0xFC01_020Bu, "OID_TCP_OFFLOAD_CURRENT_CONFIG")]
    [TestCase(NdisOid.TcpOffloadParameters, 0xFC01_020Cu, "OID_TCP_OFFLOAD_PARAMETERS")]
    [TestCase(NdisOid.TcpOffloadHardwareCapabilities, 0xFC01_020Du, "OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES")]
    [TestCase(NdisOid.OffloadEncapsulation, 0x0101_010Au, "OID_OFFLOAD_ENCAPSULATION")]
    [TestCase(NdisOid.TcpTaskIpsecOffloadV2AddSa, 0xFC03_0202u, "OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA")]
    [TestCase(NdisOid.TcpTaskIpsecOffloadV2DeleteSa, 0xFC03_0203u, "OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA")]
    [TestCase(NdisOid.TcpTaskIpsecOffloadV2UpdateSa, 0xFC03_0204u, "OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA")]
    [TestCase(NdisOid.TcpTaskIpsecOffloadV2AddSaEx, 0xFC03_0205u, "OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX")]
    public void Oid_HasHeaderCodeAndName(NdisOid oid, uint code, string name)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((uint)oid, Is.EqualTo(code));
            Assert.That(oid.ToNdisName(), Is.EqualTo(name));
            Assert.That(oid.IsDirectOid(), Is.EqualTo(name.Contains("OFFLOAD_V2", StringComparison.Ordinal)));
        }
    }

    [Test]
    public void TypedRequestFactories_CarryTheirOidSetTypeAndCodecBytes()
    {
        var abi = NdisAbi.X86;
        var v2 = new IPsecV2AddSa(0, IPsecV2Endpoints.IPv4(1, 2), 0, 0, new IPsecV2SecurityAssociation[] { new(0, IPsecV2Operation.Ah, 3, default, default, 0) }, Array.Empty<byte>());
        var v1 = new OffloadIpsecAddSa(default, OffloadSaFlags.Outbound, new OffloadSecurityAssociation[] { new(OffloadOperation.Authenticate, 3, default, default) }, 0, Array.Empty<byte>());
        var requests = new (OidRequest Request, NdisOid Oid, byte[] Bytes)[]
        {
            (OidRequest.OffloadParameters(new NdisOffloadParameters()), NdisOid.TcpOffloadParameters, NdisOffloadParametersCodec.Encode(new NdisOffloadParameters())),
            (OidRequest.V1AddSa(v1, abi), NdisOid.TcpTaskIpsecAddSa, OffloadIpsecV1Codec.EncodeAddSa(v1, abi)),
            (OidRequest.V1DeleteSa(new(7), abi), NdisOid.TcpTaskIpsecDeleteSa, OffloadIpsecV1Codec.EncodeDeleteSa(new(7), abi)),
            (OidRequest.V2AddSa([v2], abi), NdisOid.TcpTaskIpsecOffloadV2AddSa, IPsecV2Codec.EncodeAddSaChain([v2], abi)),
            (OidRequest.V2DeleteSa([new(7)], abi), NdisOid.TcpTaskIpsecOffloadV2DeleteSa, IPsecV2Codec.EncodeDeleteSaChain([new(7)], abi)),
            (OidRequest.V2UpdateSa(new(7, IPsecV2Operation.Esp, 1, 2), abi), NdisOid.TcpTaskIpsecOffloadV2UpdateSa, IPsecV2Codec.EncodeUpdateSa(new(7, IPsecV2Operation.Esp, 1, 2), abi)),
        };
        using (Assert.EnterMultipleScope())
        {
            foreach (var (request, oid, bytes) in requests)
            {
                Assert.That((request.Oid, request.Type), Is.EqualTo((oid, NdisRequestType.Set)));
                HexAssert.AreEqual(bytes, request.InformationBuffer, oid.ToNdisName());
            }
        }
    }

    [Test]
    public void OidResult_Rejected_CarriesErrorStatusAndBytesNeeded()
    {
        var error = new NdisError(NdisStatus.InvalidLength, "IPSEC_OFFLOAD_V2_ADD_SA[0]", "x");
        var result = OidResult.Rejected(error, [1, 2], 168);
        Assert.That((result.Status, result.BytesRead, result.BytesNeeded), Is.EqualTo((NdisStatus.InvalidLength, 0, 168)));
    }

    [Test]
    public void EquatableArray_ToString_NeverShowsKeyBytes()
    {
        var sa = new IPsecV2AddSa(0, IPsecV2Endpoints.IPv4(1, 2), 0, 0, new IPsecV2SecurityAssociation[] { default }, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF });
        Assert.That(sa.ToString(), Does.Contain("[4 items]").And.Not.Contains("222").And.Not.Contains("DE"));
    }
}
