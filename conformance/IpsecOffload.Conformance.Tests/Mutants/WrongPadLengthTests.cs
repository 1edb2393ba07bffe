using IpsecOffload.Adapters.Mutants;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Mutants;

/// <summary>
/// The <c>wrong-pad-length</c> mutant on its own, until the LSO cases reach this branch: on the published
/// D7 LSO burst (wire-formats §6.7) it must send something other than the published segments, and leave
/// the transport's OOB word as it was written.
/// </summary>
public sealed class WrongPadLengthTests
{
    [Test]
    public void WrongPadLength_OnTheD7Burst_LastSegmentDiffersFromThePublishedOne_AndTheOobWordIsRestored()
    {
        GoldenVector v = VectorLoader.LoadDirectories([Path.Combine(RepositoryPaths.Vectors, "lso")]).Vectors
            .Single(x => x.Id.StartsWith("lso-d7-", StringComparison.Ordinal));
        using IMiniport miniport = MutantCatalogue.Find("wrong-pad-length")!.Create();
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
        ulong headerSlot = nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header];

        miniport.SendNetBufferLists(nbl, NdisSendFlags.None);

        IReadOnlyList<byte[]> frames = host.FramesOf(nbl);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(host.CompletionsOf(nbl).Single().Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(frames, Has.Count.EqualTo(v.WirePackets!.Count));
            Assert.That(Hex.Format(VectorRunner.StripEthernet(frames[^1])), Is.Not.EqualTo(Hex.Format(v.WirePackets[^1])),
                "the last segment must carry the misread pad byte");
            Assert.That(nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header], Is.EqualTo(headerSlot), "slot 12 as the transport wrote it");
        }

        for (int k = 0; k < frames.Count - 1; k++)
        {
            HexAssert.AreEqual(v.WirePackets[k], VectorRunner.StripEthernet(frames[k]), $"segment {k} of {v.Id} (before the fault)");
        }
    }
}
