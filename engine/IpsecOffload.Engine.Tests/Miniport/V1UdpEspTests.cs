using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// A UDP-encapsulated ESP SA added through the v1 <c>OID_TCP_TASK_IPSEC_ADD_UDPESP_SA</c> protects the
/// packet exactly as the same SA added through v2 (whose UDP-ESP output the RFC 3948 vectors pin):
/// v1 finds ESP behind the UDP header by parsing (no header offsets, SEND-27). No checked-in UDP-ESP
/// vector uses a v1 algorithm, so the vector's packet is sent with a 3DES + HMAC-SHA1 SA.
/// </summary>
public class V1UdpEspTests
{
    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1UdpEspSa_ProtectsLikeTheSameV2UdpEspSa(NdisAbi abi)
    {
        GoldenVector vector = VectorLoader.LoadDirectories([Path.Combine(RepositoryPaths.Vectors, "scapy")]).Vectors
            .First(v => v.Kind == VectorKind.Transform && v.UdpEncap is not null && v.Mode == VectorMode.Transport && v.WirePacket![0] >> 4 == 4);
        var sa = new SaSpec
        {
            Protocol = IpsecProtocol.Esp, Spi = 0x5EED_0A1B, Encryption = CryptoAlgorithm.TripleDesCbc,
            EncryptionKey = [.. Enumerable.Range(1, 24).Select(i => unchecked((byte)(i * 11)))],
            Integrity = CryptoAlgorithm.HmacSha1, IntegrityKey = [.. Enumerable.Range(1, 20).Select(i => unchecked((byte)(i * 13)))], IcvLength = 12,
        };
        var udp = new UdpEspPorts(vector.UdpEncap!.Sport, vector.UdpEncap.Dport);
        FramingSa framing = TransportSimulator.Framing(sa, 0x0102_0304, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, udp: udp);

        byte[] viaV1 = SendOnce(abi, sim => sim.AddUdpEspSaV1(BundleSpec.Of(sa), udp.DestinationPort), vector.PlainPacket, framing);
        byte[] viaV2 = SendOnce(abi, sim => sim.AddSaV2(BundleSpec.Of(sa) with { UdpEsp = IPsecV2UdpEspEncapsulation.Transport }),
            vector.PlainPacket, framing);

        HexAssert.AreEqual(viaV2, viaV1, "UDP-ESP packet sent through a v1 SA vs the same v2 SA");
        Assert.That(viaV1, Is.Not.EqualTo(TransportSimulator.Frame(vector.PlainPacket, [framing]).Packet), "the payload was encrypted");
    }

    private static byte[] SendOnce(NdisAbi abi, Func<TransportSimulator, SaAddResult> add, byte[] plainPacket, FramingSa framing)
    {
        using var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi });
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);
        var simulator = new TransportSimulator(miniport);
        SaAddResult added = add(simulator);
        Assert.That(added.Succeeded, Is.True, $"ADD: {added.Status.ToNdisName()}");
        FramedPacket framed = TransportSimulator.Frame(plainPacket, [framing]);
        NetBufferList nbl = simulator.BuildNbl(framed, added.Handle);
        miniport.SendNetBufferLists(nbl, NdisSendFlags.None);
        Assert.That(host.CompletionsOf(nbl).Single().Status, Is.EqualTo(NdisStatus.Success));
        return VectorRunner.StripEthernet(host.FramesOf(nbl).Single());
    }
}
