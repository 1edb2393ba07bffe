using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Vectors;

/// <summary>
/// Every checked-in transform vector, sent through the transport simulator and the reference miniport,
/// leaves the NIC exactly as the RFC or the independent implementation says (both ABIs).
/// </summary>
public class ReferenceMiniportVectorTests
{
    private static readonly Lazy<VectorLoadResult> Loaded = new(() => VectorLoader.LoadDirectories([RepositoryPaths.Vectors]));

    private static IEnumerable<TestCaseData> Cases() =>
        from v in Loaded.Value.Vectors
        where v.Kind == VectorKind.Transform
        from abi in new[] { NdisAbi.X64, NdisAbi.X86 }
        select new TestCaseData(v, abi).SetArgDisplayNames(v.Id, abi.ToProtocolName());

    [TestCaseSource(nameof(Cases))]
    public void Vector_ThroughReferenceMiniport_LeavesAsTheWirePacket(GoldenVector vector, NdisAbi abi)
    {
        using var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi });
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);

        VectorOutcome outcome = VectorRunner.Run(vector, miniport, host);

        Assert.That(outcome.SetupProblem, Is.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Status, Is.EqualTo(NdisStatus.Success), $"completed {outcome.Completions} time(s)");
            Assert.That(outcome.WirePackets, Has.Count.EqualTo(1));
        }

        HexAssert.AreEqual(vector.WirePacket!, outcome.WirePackets[0], $"wirePacket of {vector.Id} (source {vector.Source})");
    }

    [Test]
    public void Vector_SplitAcrossMdlsAtEveryByteOfTheHeaders_GivesTheSameWirePacket()
    {
        GoldenVector vector = Loaded.Value.Vectors.First(v =>
            v.Kind == VectorKind.Transform && v.Id.Contains("aescbc128-sha1", StringComparison.Ordinal) && v.Mode == VectorMode.Transport);
        using var miniport = new ReferenceMiniport();
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);
        for (int split = 1; split < 14 + 20 + 8 + 16 + 4; split++)
        {
            VectorOutcome outcome = VectorRunner.Run(vector, miniport, host, splitAt: [split, split + 3]);
            HexAssert.AreEqual(vector.WirePacket!, outcome.WirePackets.Single(), $"{vector.Id} split at {split} and {split + 3}");
        }
    }
}
