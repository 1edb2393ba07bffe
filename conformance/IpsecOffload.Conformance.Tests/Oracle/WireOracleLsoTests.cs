using System.Buffers.Binary;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>
/// <see cref="WireOracle.JudgeLso"/>: real LSO + ESP bursts from the reference miniport are good; changed,
/// dropped or reordered segments are rejected under the LSO requirement the change breaks.
/// </summary>
public sealed class WireOracleLsoTests
{
    private const int Salt = 0x0AC1_E200;
    private const uint Mss = 1000;
    private const int Payload = (3 * (int)Mss) + 1;

    /// <summary>One LSO burst as sent: the large plaintext packet, its framing, the SA and the frames.</summary>
    public sealed record LsoBurst(byte[] Original, LsoFramedPacket Framed, SaSpec Sa, IReadOnlyList<byte[]> Frames)
    {
        public OracleJudgement Judge(IReadOnlyList<byte[]>? frames = null, OracleOptions? options = null) =>
            WireOracle.JudgeLso(Framed, Original, Sa, frames ?? Frames, options ?? new OracleOptions());
    }

    private static LsoBurst Send(Random random, EspAlgorithm algorithm, bool ipv6, LargeSendOffloadType version)
    {
        SaSpec sa = algorithm.Sa(random);
        byte[] plain = OracleKit.Tcp(random, Payload, ipv6);
        ulong sequence = CaseKit.Sequence(random);
        // As the LSO tests of the engine do: a random first IV for CBC, the 64-bit SN for counter-mode IVs (AMB-03).
        byte[] iv = new byte[sa.IvLength];
        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Cipher })
        {
            random.NextBytes(iv);
        }
        else if (iv.Length > 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(iv, sequence);
        }

        LsoFramedPacket framed = TransportSimulator.FrameLso(plain, TransportSimulator.Framing(sa, sequence, iv), Mss, version);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa, ipv6));
        return new LsoBurst(plain, framed, sa, rig.SendLso(framed, handle));
    }

    private static LsoBurst Standard() => Send(TestSeeds.Create(Salt), OracleScenarios.CbcSha1, ipv6: false, LargeSendOffloadType.V2);

    private static IEnumerable<TestCaseData> GoodCases() =>
        from algorithm in new[] { OracleScenarios.CbcSha1, OracleScenarios.Gcm128, OracleScenarios.EspNullSha1 }
        from ipv6 in new[] { false, true }
        from version in new[] { LargeSendOffloadType.V1, LargeSendOffloadType.V2 }
        select new TestCaseData(algorithm, ipv6, version).SetArgDisplayNames(algorithm.Name, ipv6 ? "v6" : "v4", version.ToString());

    [TestCaseSource(nameof(GoodCases))]
    public void ReferenceMiniportLsoBurst_IsGood(EspAlgorithm algorithm, bool ipv6, LargeSendOffloadType version)
    {
        LsoBurst burst = Send(TestSeeds.Create(Salt + 1), algorithm, ipv6, version);

        OracleJudgement judgement = burst.Judge();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(burst.Frames, Has.Count.EqualTo(4), "3 × MSS + 1 payload bytes");
            Assert.That(judgement.Ok, Is.True, judgement.Render());
        }
    }

    [Test]
    public void LastSegmentDropped_FailsLso03()
    {
        LsoBurst burst = Standard();

        OracleJudgement judgement = burst.Judge([.. burst.Frames.Take(3)]);

        AssertFails(judgement, "LSO-03", "3 segments, expected 4", burst);
    }

    [Test]
    public void SegmentsSwapped_FailsLso05OnTheIpIdentification()
    {
        LsoBurst burst = Standard();

        OracleJudgement judgement = burst.Judge([burst.Frames[1], burst.Frames[0], burst.Frames[2], burst.Frames[3]]);

        AssertFails(judgement, "LSO-05", "IPv4 Identification", burst);
    }

    [Test]
    public void SegmentIcvChanged_FailsLso01()
    {
        LsoBurst burst = Standard();
        byte[] bad = [.. burst.Frames[1]];
        bad[^1] ^= 0x01;

        OracleJudgement judgement = burst.Judge([burst.Frames[0], bad, burst.Frames[2], burst.Frames[3]]);

        AssertFails(judgement, "LSO-01", "segment 1: hmac-sha1-96 ICV does not verify", burst);
    }

    [Test]
    public void SegmentEthernetHeaderChanged_FailsLso05()
    {
        LsoBurst burst = Standard();
        byte[] bad = [.. burst.Frames[2]];
        bad[7] ^= 0x01;

        OracleJudgement judgement = burst.Judge([burst.Frames[0], burst.Frames[1], bad, burst.Frames[3]]);

        AssertFails(judgement, "LSO-05", "segment 2: Ethernet header", burst);
    }

    [Test]
    public void SameBurstJudgedTwiceWithSharedIvs_FailsLso02()
    {
        LsoBurst burst = Standard();
        var options = new OracleOptions { IvsSeen = new Dictionary<uint, HashSet<string>>() };

        OracleJudgement first = burst.Judge(options: options);
        OracleJudgement second = burst.Judge(options: options);

        Assert.That(first.Ok, Is.True, first.Render());
        AssertFails(second, "LSO-02", "was already used on SA", burst);
    }

    [Test]
    public void WrongSequenceHighOverride_OnEsnSa_FailsLso01()
    {
        Random random = TestSeeds.Create(Salt + 2);
        var algorithm = new EspAlgorithm("gcm-esn", CryptoAlgorithm.AesGcm128, null, 16);
        SaSpec sa = algorithm.Sa(random, esn: true, high: 0x0102_0304);
        byte[] plain = OracleKit.Tcp(random, Payload, ipv6: false);
        ulong sequence = (0x0102_0304UL << 32) | 0x10;
        byte[] iv = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(iv, sequence);
        LsoFramedPacket framed = TransportSimulator.FrameLso(plain, TransportSimulator.Framing(sa, sequence, iv), Mss, LargeSendOffloadType.V2);
        using var rig = new OracleRig();
        var burst = new LsoBurst(plain, framed, sa, rig.SendLso(framed, rig.Add(BundleSpec.Of(sa))));

        OracleJudgement right = burst.Judge();
        OracleJudgement wrong = burst.Judge(options: new OracleOptions { SequenceHigh = _ => 0x0102_0305 });

        Assert.That(right.Ok, Is.True, right.Render());
        AssertFails(wrong, "LSO-01", "AES-GCM ICV does not verify", burst);
    }

    [Test]
    public void TruncatedSegments_AreProblemsNotExceptions()
    {
        LsoBurst burst = Standard();
        foreach (int length in new[] { 0, 5, 14, 30, 60, burst.Frames[0].Length - 1 })
        {
            OracleJudgement judgement = burst.Judge([burst.Frames[0][..length], burst.Frames[1], burst.Frames[2], burst.Frames[3]]);
            Assert.That(judgement.Ok, Is.False, $"segment 0 cut to {length} bytes");
        }
    }

    [TestCase("segment 2: hmac-sha1-96 ICV does not verify (BouncyCastle, SN_high 0x00000000 not used)", "LSO-01")]
    [TestCase("segment 0: ciphertext of 33 bytes is not a multiple of the 16-byte block", "LSO-01")]
    [TestCase("segment 1: 40 bytes, too short for IP/ESP headers, IV 16, trailer and ICV 12", "LSO-01")]
    [TestCase("segment 1: ESP SPI is 1 (0x1), expected 2 (0x2)", "LSO-02")]
    [TestCase("segment 1: ESP SN_low 0x00000009, expected 0x00000008 (64-bit SN 0x8 = first + 1)", "LSO-02")]
    [TestCase("segment 3: 64-bit SN 0x100000000 on a non-ESN SA (the 32-bit counter wrapped)", "LSO-02")]
    [TestCase("segment 1: IV 0011223344556677 was already used on SA 0x00001001", "LSO-02")]
    [TestCase("5 segments, expected 4 (3001 payload bytes, MSS 1000)", "LSO-03")]
    [TestCase("segment 0: 999 payload bytes; every segment but the last carries MSS = 1000", "LSO-03")]
    [TestCase("TCP payloads concatenate to 3000 bytes, the original has 3001; first difference at payload byte 3000", "LSO-03")]
    [TestCase("segment 3: 12 bytes of TCP, shorter than the 32-byte header", "LSO-03")]
    [TestCase("segment 0: ESP Next Header is 17 (0x11), expected 6 (0x6)", "LSO-04")]
    [TestCase("segment 3: ESP Pad Length 3, minimal RFC 4303 padding for 45 payload bytes at alignment 16 is 1", "LSO-04")]
    [TestCase("segment 3: ESP padding byte 0 is 0x00, RFC 4303 default padding has 0x01", "LSO-04")]
    [TestCase("segment 2: encrypted part is 30 bytes, not a multiple of the 16-byte alignment", "LSO-04")]
    [TestCase("segment 1: IPv4 Total Length is 1000 (0x3e8), expected 1084 (0x43c)", "LSO-05")]
    [TestCase("segment 1: IPv6 Payload Length is 1000 (0x3e8), expected 1084 (0x43c)", "LSO-05")]
    [TestCase("segment 1: IPv4 header checksum 0x1234 does not verify", "LSO-05")]
    [TestCase("segment 1: IP header byte 0x08 is 0x3f, the original's is 0x40 (copied unchanged to every segment)", "LSO-05")]
    [TestCase("segment 1: TCP sequence number is 1 (0x1), expected 1001 (0x3e9)", "LSO-05")]
    [TestCase("segment 0: TCP flags 0x18, expected 0x10 (FIN/PSH on the last segment only, CWR on the first only)", "LSO-05")]
    [TestCase("segment 2: TCP header byte 0x0e is 0x00, the original's is 0x12 (copied unchanged to every segment)", "LSO-05")]
    [TestCase("segment 2: TCP checksum 0xabcd does not verify over the plaintext segment", "LSO-05")]
    public void LsoOracleProblemLine_MapsToItsRequirement(string problem, string requirement) =>
        Assert.That(WireOracle.LsoRequirementOf(problem), Is.EqualTo(requirement));

    private static void AssertFails(OracleJudgement judgement, string requirement, string mention, LsoBurst burst)
    {
        string text = judgement.Render();
        TestContext.Out.WriteLine(text);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Ok, Is.False);
            Assert.That(judgement.Requirement, Is.EqualTo(requirement), text);
            Assert.That(text, Does.Contain(mention));
            foreach (string key in OracleKit.KeyHex([burst.Sa]))
            {
                Assert.That(text, Does.Not.Contain(key), "key bytes in the report");
            }
        }
    }
}
