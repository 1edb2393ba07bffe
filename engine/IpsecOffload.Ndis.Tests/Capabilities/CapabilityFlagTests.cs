using IpsecOffload.Ndis.Capabilities;

namespace IpsecOffload.Ndis.Tests.Capabilities;

/// <summary>Flag values from the headers (spec digest §5.1–§5.4, §9.3).</summary>
public class CapabilityFlagTests
{
    [TestCase(NdisEncapsulation.NotSupported, 0x00u, "NDIS_ENCAPSULATION_NOT_SUPPORTED")]
    [TestCase(NdisEncapsulation.Null, 0x01u, "NDIS_ENCAPSULATION_NULL")]
    [TestCase(NdisEncapsulation.Ieee8023, 0x02u, "NDIS_ENCAPSULATION_IEEE_802_3")]
    [TestCase(NdisEncapsulation.Ieee8023PAndQ, 0x04u, "NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q")]
    [TestCase(NdisEncapsulation.Ieee8023PAndQInOob, 0x08u, "NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q_IN_OOB")]
    [TestCase(NdisEncapsulation.IeeeLlcSnapRouted, 0x10u, "NDIS_ENCAPSULATION_IEEE_LLC_SNAP_ROUTED")]
    public void Encapsulation_HasHeaderValue(NdisEncapsulation flag, uint value, string name) =>
        Assert.That((uint)flag, Is.EqualTo(value), name);

    [TestCase(IPsecV1UdpEspEncapsulationTypes.TransportIke, 0x01u, "IPSEC_TPT_UDPESP_ENCAPTYPE_IKE")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TunnelIke, 0x02u, "IPSEC_TUN_UDPESP_ENCAPTYPE_IKE")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TransportOverTunnelIke, 0x04u, "IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_IKE")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TransportUdpEspOverPureTunnelIke, 0x08u, "IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_IKE")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TransportOther, 0x10u, "IPSEC_TPT_UDPESP_ENCAPTYPE_OTHER")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TunnelOther, 0x20u, "IPSEC_TUN_UDPESP_ENCAPTYPE_OTHER")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TransportOverTunnelOther, 0x40u, "IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_OTHER")]
    [TestCase(IPsecV1UdpEspEncapsulationTypes.TransportUdpEspOverPureTunnelOther, 0x80u, "IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_OTHER")]
    public void V1UdpEspParseFlag_HasHeaderValue(IPsecV1UdpEspEncapsulationTypes flag, uint value, string name) =>
        Assert.That((uint)flag, Is.EqualTo(value), name);

    [TestCase(IPsecV2UdpEspEncapsulation.None, 0x0u, "IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_NONE")]
    [TestCase(IPsecV2UdpEspEncapsulation.Transport, 0x1u, "IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT")]
    [TestCase(IPsecV2UdpEspEncapsulation.Tunnel, 0x2u, "IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL")]
    [TestCase(IPsecV2UdpEspEncapsulation.TransportOverUdpEspTunnel, 0x4u, "IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL")]
    [TestCase(IPsecV2UdpEspEncapsulation.UdpEspTransportOverTunnel, 0x8u, "IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL")]
    public void V2UdpEspFlag_HasHeaderValue(IPsecV2UdpEspEncapsulation flag, uint value, string name) =>
        Assert.That((uint)flag, Is.EqualTo(value), name);

    [TestCase(NdisOffloadFlags.GroupChecksumCapabilities, 0x1u, "NDIS_OFFLOAD_FLAGS_GROUP_CHECKSUM_CAPABILITIES")]
    [TestCase(NdisOffloadFlags.IPsecV2AndTcpChecksumCoexistence, 0x2u, "IPSEC_OFFLOAD_V2_AND_TCP_CHECKSUM_COEXISTENCE")]
    [TestCase(NdisOffloadFlags.IPsecV2AndUdpChecksumCoexistence, 0x4u, "IPSEC_OFFLOAD_V2_AND_UDP_CHECKSUM_COEXISTENCE")]
    public void OffloadFlag_HasHeaderValue(NdisOffloadFlags flag, uint value, string name) =>
        Assert.That((uint)flag, Is.EqualTo(value), name);

    [Test]
    public void OffloadSupportConstants_HaveHeaderValues()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NdisOffloadSupport.NotSupported, Is.Zero, "NDIS_OFFLOAD_NOT_SUPPORTED");
            Assert.That(NdisOffloadSupport.Supported, Is.EqualTo(1), "NDIS_OFFLOAD_SUPPORTED");
            Assert.That(NdisOffload.Revision1, Is.EqualTo(1), "NDIS_OFFLOAD_REVISION_1");
            Assert.That(NdisOffload.Revision2, Is.EqualTo(2), "NDIS_OFFLOAD_REVISION_2");
        }
    }
}
