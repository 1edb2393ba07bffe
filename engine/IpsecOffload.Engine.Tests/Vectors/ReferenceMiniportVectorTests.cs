using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Vectors;

/// <summary>
/// Every checked-in transform vector, sent through the transport simulator and the reference miniport,
/// leaves the NIC exactly as the RFC or the independent implementation says (both ABIs); every LSO
/// vector passes <see cref="LsoVectorJudge"/> (both ABIs, jumbo frames on), and tampered copies fail
/// naming the segment.
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

    private const string D7 = "lso-d7-esp-aesgcm128-v4-lsov1-mss128-pay300-cwr-fin-psh";
    private const string CbcV2 = "lso-esp-aescbc128-sha1-v4-lsov2-mss1000-pay1999-ts-psh";

    private static IEnumerable<TestCaseData> LsoCases() =>
        from v in Loaded.Value.Vectors
        where v.Kind == VectorKind.Lso
        from abi in new[] { NdisAbi.X64, NdisAbi.X86 }
        select new TestCaseData(v, abi).SetArgDisplayNames(v.Id, abi.ToProtocolName());

    private static GoldenVector Lso(string id) => Loaded.Value.Vectors.Single(v => v.Id == id);

    private static VectorOutcome RunLso(GoldenVector vector, NdisAbi abi = NdisAbi.X64, int mtu = LsoRequest.JumboMtu)
    {
        using var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi, Mtu = mtu });
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);
        return VectorRunner.Run(vector, miniport, host);
    }

    private static byte[][] Tampered(IReadOnlyList<byte[]> packets, int index, int offset)
    {
        byte[][] copy = [.. packets.Select(p => (byte[])p.Clone())];
        copy[index][offset] ^= 0x01;
        return copy;
    }

    [Test]
    public void LsoVectors_AreAllLoaded_48WithTheirSegments()
    {
        GoldenVector[] lso = [.. Loaded.Value.Vectors.Where(v => v.Kind == VectorKind.Lso)];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lso, Has.Length.EqualTo(48));
            Assert.That(lso.Sum(v => v.ExpectSegments!.Count), Is.EqualTo(148), "vectors/lso/README.md: 148 segments");
            Assert.That(lso.All(v => v.WirePackets!.Count == v.ExpectSegments!.Count), Is.True);
        }
    }

    [TestCaseSource(nameof(LsoCases))]
    public void LsoVector_ThroughReferenceMiniport_PassesTheJudge(GoldenVector vector, NdisAbi abi)
    {
        VectorOutcome outcome = RunLso(vector, abi);

        LsoJudgement judgement = LsoVectorJudge.Judge(outcome);

        Assert.That(outcome.SetupProblem, Is.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Problems, Is.Empty, judgement.Report);
            Assert.That(outcome.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(outcome.Completions, Is.EqualTo(1));
            Assert.That(outcome.WirePackets, Has.Count.EqualTo(vector.ExpectSegments!.Count));
            Assert.That(outcome.TcpPayload, Is.EqualTo(vector.TcpPayload), "SEND-20: LSOv1 byte count, null for LSOv2");
            Assert.That(outcome.CompletionProblem, Is.Null);
        }

        // The byte-exact part stated directly (independent of the judge's own rule).
        for (int k = 0; k < outcome.WirePackets.Count; k++)
        {
            if (vector.Encryption.Alg is "aes-gcm" or "null" || k == 0)
            {
                HexAssert.AreEqual(vector.WirePackets![k], outcome.WirePackets[k], $"segment {k} of {vector.Id} ({abi})");
            }
        }
    }

    [Test]
    public void LsoJudge_GcmWirePacketByteChanged_FailsNamingTheSegmentAndField()
    {
        GoldenVector vector = Lso(D7);
        VectorOutcome outcome = RunLso(vector);
        GoldenVector tampered = vector with { WirePackets = Tampered(vector.WirePackets!, 1, 0x1B) }; // IPv4 20 + ESP SN byte 3

        LsoJudgement judgement = LsoVectorJudge.Judge(outcome with { Vector = tampered });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Passed, Is.False);
            Assert.That(judgement.Problems, Has.Count.EqualTo(1), judgement.Report);
            Assert.That(judgement.Problems[0], Does.StartWith("segment 1: wirePackets[1] differs; length: expected"));
            Assert.That(judgement.Problems[0], Does.EndWith("1 field differs; first at 0x001B ESP.SequenceNumber[3]"));
            Assert.That(judgement.Report, Does.Contain($"segment 1 (wirePackets[1]) differs: vector {D7}"));
            Assert.That(judgement.Report, Does.Match(@"> 0x0018  ESP\.SequenceNumber\s+00 00 00 03\s+00 00 00 02"));
            Assert.That(judgement.Report, Does.Contain("aes-gcm key <16 bytes, not shown>"));
            Assert.That(judgement.Report, Does.Not.Contain(Convert.ToHexStringLower(vector.Encryption.Key)), "the key");
        }
    }

    [Test]
    public void LsoJudge_ExpectSegmentPayloadByteChanged_FailsNamingTheDecryptedSegment()
    {
        GoldenVector vector = Lso(CbcV2);
        VectorOutcome outcome = RunLso(vector);
        byte[] last = vector.ExpectSegments![1];
        GoldenVector tampered = vector with { ExpectSegments = Tampered(vector.ExpectSegments, 1, last.Length - 1) };

        LsoJudgement judgement = LsoVectorJudge.Judge(outcome with { Vector = tampered });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Problems, Has.Count.EqualTo(1), judgement.Report);
            Assert.That(judgement.Problems[0], Does.StartWith("segment 1: decrypted segment differs from expectSegments[1]; "));
            Assert.That(judgement.Problems[0], Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"first at 0x{last.Length - 1:X4}")));
            Assert.That(judgement.Report, Does.Contain($"segment 1 decrypted (expectSegments[1]) differs: vector {CbcV2}"));
        }
    }

    [Test]
    public void LsoJudge_CbcLaterSegmentWireBytesDiffer_StillPassesBecauseCbcIvsAreTheDevicesChoice()
    {
        GoldenVector vector = Lso(CbcV2);
        VectorOutcome outcome = RunLso(vector);

        LsoJudgement later = LsoVectorJudge.Judge(outcome with { Vector = vector with { WirePackets = Tampered(vector.WirePackets!, 1, 40) } });
        LsoJudgement first = LsoVectorJudge.Judge(outcome with { Vector = vector with { WirePackets = Tampered(vector.WirePackets!, 0, 40) } });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(later.Problems, Is.Empty, later.Report);
            Assert.That(first.Problems.Single(), Does.StartWith("segment 0: wirePackets[0] differs"));
        }
    }

    [Test]
    public void LsoJudge_EmittedSegmentIcvChanged_FailsInTheOracleAndTheDecryption()
    {
        GoldenVector vector = Lso(D7);
        VectorOutcome outcome = RunLso(vector);
        byte[][] segments = Tampered(outcome.WirePackets, 2, outcome.WirePackets[2].Length - 1);

        LsoJudgement judgement = LsoVectorJudge.Judge(outcome with { WirePackets = segments });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Problems, Does.Contain("LSO oracle: segment 2: AES-GCM ICV does not verify (BouncyCastle, SN_high 0x00000000 not used)"));
            Assert.That(judgement.Problems, Does.Contain("segment 2: cannot decrypt it to compare with expectSegments[2]: aes-gcm-128 ICV does not verify (BouncyCastle)"));
            Assert.That(judgement.Problems.Any(p => p.StartsWith("segment 2: wirePackets[2] differs", StringComparison.Ordinal)), Is.True, judgement.Report);
        }
    }

    [Test]
    public void LsoJudge_LastSegmentMissing_FailsOnTheCount()
    {
        GoldenVector vector = Lso(D7);
        VectorOutcome outcome = RunLso(vector);

        LsoJudgement judgement = LsoVectorJudge.Judge(outcome with { WirePackets = [.. outcome.WirePackets.Take(2)] });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Problems[0], Is.EqualTo("the adapter sent 2 segments, the vector expects 3 (expectSegments)"));
            Assert.That(judgement.Problems, Has.Some.StartsWith("LSO oracle: 2 segments, expected 3"));
        }
    }

    [Test]
    public void LsoJudge_V1CompletionByteCountWrong_FailsCitingSend20()
    {
        GoldenVector vector = Lso(D7);
        VectorOutcome outcome = RunLso(vector);

        LsoJudgement judgement = LsoVectorJudge.Judge(outcome with { TcpPayload = 299 });

        Assert.That(judgement.Problems.Single(), Is.EqualTo("the LSOv1 completion reports TcpPayload 299, the vector's tcpPayload is 300 (SEND-20)"));
    }

    [Test]
    public void LsoJudge_V2CompletionProblemOrByteCount_Fails()
    {
        GoldenVector vector = Lso(CbcV2);
        VectorOutcome outcome = RunLso(vector);

        LsoJudgement badSlot = LsoVectorJudge.Judge(outcome with { CompletionProblem = "Reserved 0x5" });
        LsoJudgement vectorCount = LsoVectorJudge.Judge(outcome with { Vector = vector with { TcpPayload = 1999 } });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(badSlot.Problems.Single(), Is.EqualTo("Reserved 0x5"));
            Assert.That(vectorCount.Problems.Single(), Does.StartWith("LSOv2 has no completion byte count: the vector's tcpPayload is 1999"));
        }
    }

    [Test]
    public void LsoVector_SegmentsAboveTheDefaultMtu_AreRefusedAndTheJudgeSaysSo()
    {
        GoldenVector vector = Loaded.Value.Vectors.Single(v => v.Id == "lso-esp-aesgcm128-v4-lsov1-mss1460-pay2919");

        VectorOutcome outcome = RunLso(vector, mtu: LsoRequest.DefaultMtu);
        LsoJudgement judgement = LsoVectorJudge.Judge(outcome);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Status, Is.EqualTo(NdisStatus.InvalidLength), "lso-bad-input.md: first segment > MTU");
            Assert.That(outcome.WirePackets, Is.Empty);
            Assert.That(judgement.Problems[0], Is.EqualTo("the NBL completed with NDIS_STATUS_INVALID_LENGTH, expected NDIS_STATUS_SUCCESS"));
            Assert.That(judgement.Problems, Does.Contain("the adapter sent 0 segments, the vector expects 2 (expectSegments)"));
        }
    }

    [Test]
    public void LsoVector_TunnelMode_IsASetupProblemNotACrash()
    {
        GoldenVector vector = Lso(D7) with { Mode = VectorMode.Tunnel };

        VectorOutcome outcome = RunLso(vector);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.SetupProblem, Does.Contain("SEND-16"));
            Assert.That(LsoVectorJudge.Judge(outcome).Problems.Single(), Does.StartWith("could not run the vector: "));
        }
    }

    [TestCase("aes-gcm", 5, true)]
    [TestCase("null", 3, true)]
    [TestCase("aes-cbc", 0, true)]
    [TestCase("aes-cbc", 1, false)]
    [TestCase("3des-cbc", 2, false)]
    public void IsByteExact_FollowsTheProfile_GcmAndNullEverySegmentCbcOnlySegmentZero(string algorithm, int k, bool exact)
    {
        GoldenVector vector = Loaded.Value.Vectors.First(v => v.Kind == VectorKind.Lso && v.Encryption.Alg == algorithm);
        Assert.That(VectorRunner.TryPrepare(vector, out PreparedVector? prepared, out string? problem), Is.True, problem);

        Assert.That(LsoVectorJudge.IsByteExact(prepared!.Bundle.Sas[0], k), Is.EqualTo(exact));
    }
}
