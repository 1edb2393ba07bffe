using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>The published-derived D7 burst (wire-formats §6.7) through the whole reference miniport.</summary>
public class MiniportLsoSmokeTests
{
    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void D7Vector_ThroughReferenceMiniport_GivesTheThreePublishedFrames(NdisAbi abi)
    {
        GoldenVector v = VectorLoader.LoadDirectories([Path.Combine(RepositoryPaths.Vectors, "lso")]).Vectors
            .Single(x => x.Id.StartsWith("lso-d7-", StringComparison.Ordinal));
        using var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi });
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);
        var simulator = new TransportSimulator(miniport);
        var sa = new SaSpec
        {
            Protocol = IpsecProtocol.Esp, Spi = v.Spi, Encryption = CryptoAlgorithm.AesGcm128,
            EncryptionKey = [.. v.Encryption.Key, .. v.Encryption.Salt!], IcvLength = v.IcvLength,
        };
        SaAddResult added = simulator.AddSaV2(BundleSpec.Of(sa));
        LsoFramedPacket framed = TransportSimulator.FrameLso(v.PlainPacket, TransportSimulator.Framing(sa, v.Sequence64, v.Iv),
            (uint)v.Lso!.Mss, v.Lso.Version == 1 ? LargeSendOffloadType.V1 : LargeSendOffloadType.V2);
        NetBufferList nbl = simulator.BuildLsoNbl(framed, added.Handle);

        miniport.SendNetBufferLists(nbl, NdisSendFlags.None);

        IReadOnlyList<byte[]> frames = host.FramesOf(nbl);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(host.CompletionsOf(nbl).Single().Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(frames, Has.Count.EqualTo(v.WirePackets!.Count));
            Assert.That(LsoV1TransmitComplete.FromSlot(nbl.Info[NetBufferListInfoId.TcpLargeSend], abi).TcpPayload,
                Is.EqualTo((uint)v.TcpPayload!.Value), "SEND-20 LSOv1 completion");
        }

        for (int k = 0; k < frames.Count; k++)
        {
            HexAssert.AreEqual(v.WirePackets[k], VectorRunner.StripEthernet(frames[k]), $"segment {k} of {v.Id}");
        }
    }
}
