using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Lso.LsoTestKit;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>
/// Framer → segmenter → oracle over many shapes (SEND-14…SEND-20, wire-formats §5): every ESP transform,
/// IPv4 / IPv6, LSOv1 / LSOv2, payloads around multiples of the MSS, MSS 1, jumbo MSS, TCP options,
/// FIN/PSH/CWR and ESN carry; then a seeded random sweep.
/// </summary>
public sealed class LsoPipelineTests
{
    private const int Salt = 0x150;

    private static IEnumerable<TestCaseData> Shapes()
    {
        foreach (LsoAlgorithm algorithm in Algorithms)
        {
            foreach (bool ipv6 in new[] { false, true })
            {
                foreach (LargeSendOffloadType version in new[] { LargeSendOffloadType.V1, LargeSendOffloadType.V2 })
                {
                    foreach (int delta in new[] { -1, 0, 1 })
                    {
                        yield return new TestCaseData(algorithm, ipv6, version, delta)
                            .SetArgDisplayNames(algorithm.Name, ipv6 ? "IPv6" : "IPv4", version.ToString(), $"payload=MSS*3{delta:+0;-0;+0}");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Segments_AroundMultiplesOfMss_AllPassTheOracle(LsoAlgorithm algorithm, bool ipv6, LargeSendOffloadType version, int delta)
    {
        Random random = TestSeeds.Create(Salt + delta);
        const uint Mss = 536;
        SaSpec spec = algorithm.Spec(random, Spi);
        byte[] plain = TcpPacket(new PacketShape { IPv6 = ipv6, PayloadLength = (int)(Mss * 3) + delta, TcpOptionsLength = 12 }, random);
        LsoRun run = Run(spec, plain, Mss, version, (ulong)random.NextInt64(1, 1L << 31), random);
        Assert.That(run.Error, Is.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Problems, Is.Empty, run.ToString());
            Assert.That(run.Segmentation!.Segments, Has.Count.EqualTo(delta == 1 ? 4 : 3));
            Assert.That(run.Segmentation.TcpPayloadBytes, Is.EqualTo((int)(Mss * 3) + delta));
        }
    }

    [TestCaseSource(typeof(LsoTestKit), nameof(Algorithms))]
    public void MssOne_EveryPayloadByteInItsOwnSegment_PassesTheOracle(LsoAlgorithm algorithm)
    {
        Random random = TestSeeds.Create(Salt + 1);
        SaSpec spec = algorithm.Spec(random, Spi);
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 7, Flags = TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr }, random);
        LsoRun run = Run(spec, plain, 1, LargeSendOffloadType.V2, 1, random);
        Assert.That(run.Error, Is.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Problems, Is.Empty, run.ToString());
            Assert.That(run.Segmentation!.Segments, Has.Count.EqualTo(7));
        }
    }

    [TestCaseSource(typeof(LsoTestKit), nameof(Algorithms))]
    public void JumboMss9000_WithJumboMtu_PassesTheOracle(LsoAlgorithm algorithm)
    {
        Random random = TestSeeds.Create(Salt + 2);
        SaSpec spec = algorithm.Spec(random, Spi);
        byte[] plain = TcpPacket(new PacketShape { IPv6 = true, PayloadLength = 9000 * 2 + 7 }, random);
        LsoRun run = Run(spec, plain, 9000, LargeSendOffloadType.V2, 42, random, LsoRequest.JumboMtu);
        Assert.That(run.Error, Is.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Problems, Is.Empty, run.ToString());
            Assert.That(run.Segmentation!.Segments, Has.Count.EqualTo(3));
            Assert.That(run.Segmentation.Segments.Max(s => s.Length), Is.LessThanOrEqualTo(LsoRequest.JumboMtu));
        }
    }

    [TestCaseSource(typeof(LsoTestKit), nameof(Algorithms))]
    public void EsnBurstAcrossLowHalfWrap_CarriesIntoHighHalf_PassesTheOracle(LsoAlgorithm algorithm)
    {
        Random random = TestSeeds.Create(Salt + 3);
        uint high = (uint)random.NextInt64(1, uint.MaxValue);
        SaSpec spec = algorithm.Spec(random, Spi, esn: true, high);
        ulong first = ((ulong)high << 32) | 0xFFFF_FFFE; // segments 0, 1 before the wrap; 2, 3 after it
        byte[] plain = TcpPacket(new PacketShape { IPv6 = true, HopByHop = true, PayloadLength = 4 * 500 }, random);
        LsoRun run = Run(spec, plain, 500, LargeSendOffloadType.V1, first, random);
        Assert.That(run.Error, Is.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Problems, Is.Empty, run.ToString());
            Assert.That(run.Segmentation!.Segments, Has.Count.EqualTo(4));
        }
    }

    [Test]
    public void EsnCarry_LeavesTheSaHighHalfAsItWas()
    {
        Random random = TestSeeds.Create(Salt + 4);
        SaSpec spec = Gcm128.Spec(random, Spi, esn: true, 0x0A0B_0C0D);
        ulong first = 0x0A0B_0C0D_FFFF_FFFFUL;
        LsoFramedPacket framed = LsoFramer.Frame(TcpPacket(new PacketShape { PayloadLength = 300 }, random),
            Framing(spec, first, FirstIv(spec, first, random)), 100, LargeSendOffloadType.V2);
        using var sa = Transform(spec, 0x0A0B_0C0D);
        bool ok = LsoSegmenter.TrySegment(framed.Packet, sa, LsoRequest.FromV2(framed.LsoV2Info, framed.HeaderInfo), out LsoSegmentation? result, out NdisError? error);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error?.ToString());
            Assert.That(sa.SequenceNumberHigh, Is.EqualTo(0x0A0B_0C0Du));
            Assert.That(result!.FirstSequenceNumber, Is.EqualTo(first));
        }
    }

    [TestCase(TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr | TcpFlags.Ece, 40, TestName = "Flags_FinPshCwrEce_MaxTcpOptions_PassTheOracle")]
    [TestCase(TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Ae, 4, TestName = "Flags_UrgAe_ShortTcpOptions_PassTheOracle")]
    [TestCase(TcpFlags.Ack, 0, TestName = "Flags_AckOnly_NoOptions_PassTheOracle")]
    public void Flags_AndTcpOptions_FollowTsoRules(TcpFlags flags, int tcpOptions)
    {
        Random random = TestSeeds.Create(Salt + 5 + tcpOptions);
        SaSpec spec = Algorithms[5].Spec(random, Spi); // AES-CBC-128 + HMAC-SHA1
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 1000, TcpOptionsLength = tcpOptions, IPv4OptionsLength = 8, Flags = flags }, random);
        LsoRun run = Run(spec, plain, 300, LargeSendOffloadType.V1, 7, random);
        Assert.That(run.Error, Is.Null, run.ToString());
        Assert.That(run.Problems, Is.Empty, run.ToString());
    }

    [Test]
    public void LsoV2_IPv4IdNear0x7FFF_WrapsWithin15Bits()
    {
        Random random = TestSeeds.Create(Salt + 6);
        SaSpec spec = Gcm128.Spec(random, Spi);
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 400, Identification = 0x7FFE }, random);
        LsoRun run = Run(spec, plain, 100, LargeSendOffloadType.V2, 1, random);
        Assert.That(run.Error, Is.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Problems, Is.Empty, run.ToString());
            Assert.That(run.Segmentation!.Segments.Select(s => (s[4] << 8) | s[5]), Is.EqualTo(new[] { 0x7FFE, 0x7FFF, 0x0000, 0x0001 }));
        }
    }

    [Test]
    public void LsoV1_IPv4IdNear0xFFFF_WrapsWithin16Bits()
    {
        Random random = TestSeeds.Create(Salt + 7);
        SaSpec spec = Gcm128.Spec(random, Spi);
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 400, Identification = 0xFFFE }, random);
        LsoRun run = Run(spec, plain, 100, LargeSendOffloadType.V1, 1, random);
        Assert.That(run.Error, Is.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Problems, Is.Empty, run.ToString());
            Assert.That(run.Segmentation!.Segments.Select(s => (s[4] << 8) | s[5]), Is.EqualTo(new[] { 0xFFFE, 0xFFFF, 0x0000, 0x0001 }));
        }
    }

    [Test]
    public void TcpSequenceNearTop_WrapsModulo2To32_PassesTheOracle()
    {
        Random random = TestSeeds.Create(Salt + 8);
        SaSpec spec = Gcm128.Spec(random, Spi);
        byte[] plain = TcpPacket(new PacketShape { PayloadLength = 400, TcpSequence = 0xFFFF_FF9C }, random);
        LsoRun run = Run(spec, plain, 100, LargeSendOffloadType.V1, 1, random);
        Assert.That(run.Error, Is.Null, run.ToString());
        Assert.That(run.Problems, Is.Empty, run.ToString());
    }

    [TestCase(LargeSendOffloadType.V1, 5u, 5u, TestName = "Completion_LsoV1_ReportsTcpPayloadBytes")]
    [TestCase(LargeSendOffloadType.V2, 0x4000_0000u, 0x4000_0000u, TestName = "Completion_LsoV2_ReservedZeroTypeV2")]
    public void Completion_FollowsSend20(LargeSendOffloadType version, uint expectedX64, uint expectedX86)
    {
        Random random = TestSeeds.Create(Salt + 9);
        LsoRun run = Run(Gcm128.Spec(random, Spi), TcpPacket(new PacketShape { PayloadLength = 5 }, random), 2, version, 1, random);
        Assert.That(run.Segmentation, Is.Not.Null, run.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Segmentation!.CompletionSlot(NdisAbi.X64), Is.EqualTo((ulong)expectedX64));
            Assert.That(run.Segmentation.CompletionSlot(NdisAbi.X86), Is.EqualTo((ulong)expectedX86));
            Assert.That(run.Segmentation.Segments, Has.Count.EqualTo(3));
        }
    }

    [Test]
    public void GcmSegmentIvs_AreTheSegmentSequenceNumbers()
    {
        Random random = TestSeeds.Create(Salt + 10);
        SaSpec spec = Gcm128.Spec(random, Spi, esn: true, 3);
        ulong first = 0x0000_0003_FFFF_FFFFUL;
        LsoRun run = Run(spec, TcpPacket(new PacketShape { PayloadLength = 300 }, random), 100, LargeSendOffloadType.V2, first, random);
        Assert.That(run.Segmentation, Is.Not.Null, run.ToString());
        for (int k = 0; k < 3; k++)
        {
            HexAssert.AreEqual(Hex.Parse((first + (ulong)k).ToString("x16")), run.Segmentation!.Segments[k].AsSpan(20 + 8, 8), $"segment {k} IV");
        }
    }

    [Test]
    public void CbcSegmentIvs_AreTheCipherAppliedToTheSequenceNumber()
    {
        Random random = TestSeeds.Create(Salt + 11);
        SaSpec spec = Algorithms[5].Spec(random, Spi); // AES-CBC-128 + SHA1
        using var sa = Transform(spec, 0);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = spec.EncryptionKey;
        ulong sn = 0x1234_5678_9ABC_DEF0UL;
        byte[] block = Hex.Parse("0000000000000000123456789abcdef0");
        HexAssert.AreEqual(aes.EncryptEcb(block, System.Security.Cryptography.PaddingMode.None), LsoSegmentIv.Derive(sa, sn), "E_K(0^64 ‖ SN)");
    }

    /// <summary>
    /// ≥ 2,000 random cases from one recorded seed: algorithm, IP version (IPv4 options, IPv6 hop-by-hop),
    /// LSO version, TCP options, flags, MSS at the edges (1, 2, max, max − 1) or anywhere, payload MSS·n − 1 /
    /// MSS·n / MSS·n + 1 / anything, SN anywhere or across an ESN low-half wrap. Every failure is listed
    /// with its case index and the replay hint.
    /// </summary>
    [Test]
    public void RandomSweep_OracleAcceptsEverySegmentTheSegmenterEmits()
    {
        const int Cases = 2_100;
        Random random = TestSeeds.Create(Salt + 100);
        var failures = new List<string>();
        int esnCarries = 0, ipv6 = 0, v2 = 0, segments = 0;
        for (int i = 0; i < Cases; i++)
        {
            LsoAlgorithm algorithm = Algorithms[random.Next(Algorithms.Length)];
            bool esn = random.Next(2) == 0;
            var shape = new PacketShape { IPv6 = random.Next(2) == 0 };
            SaSpec spec = algorithm.Spec(random, (uint)random.NextInt64(256, 1L << 32), esn);
            int budget = LargeSendOffloadLimits.MaxHeaderLength - 14 - 8 - spec.IvLength - TcpHeader.MinimumLength;
            shape = shape with
            {
                HopByHop = shape.IPv6 && random.Next(2) == 0,
                IPv4OptionsLength = shape.IPv6 ? 0 : 4 * random.Next(0, 6),
            };
            budget -= shape.IPv6 ? 40 + (shape.HopByHop ? 8 : 0) : 20 + shape.IPv4OptionsLength;
            shape = shape with
            {
                TcpOptionsLength = 4 * random.Next(0, Math.Min(40, budget) / 4 + 1),
                Flags = (TcpFlags)random.Next(0, 0x200) | TcpFlags.Ack,
            };
            int maxMss = MaxMss(spec, shape, LsoRequest.DefaultMtu);
            int mss = random.Next(6) switch
            {
                0 => 1,
                1 => 2,
                2 => maxMss,
                3 => maxMss - 1,
                _ => random.Next(1, maxMss + 1),
            };
            int n = random.Next(1, mss < 8 ? 12 : 6);
            int payload = random.Next(4) switch
            {
                0 => (mss * n) - 1,
                1 => mss * n,
                2 => (mss * n) + 1,
                _ => random.Next(1, (mss * n) + 2),
            };
            shape = shape with { PayloadLength = Math.Max(0, payload) };
            int count = Math.Max(1, (shape.PayloadLength + mss - 1) / mss);
            ulong sn;
            if (esn && random.Next(2) == 0)
            {
                ulong high = (ulong)random.NextInt64(0, uint.MaxValue); // below 2^32 − 1: the 64-bit counter cannot overflow
                sn = (high << 32) | (uint)(uint.MaxValue - (uint)random.Next(0, count));
                esnCarries += unchecked((uint)sn) + (ulong)(count - 1) > uint.MaxValue ? 1 : 0;
            }
            else
            {
                sn = (ulong)random.NextInt64(0, (1L << 32) - count);
                if (esn)
                {
                    sn |= (ulong)random.NextInt64(0, 1L << 31) << 32;
                }
            }

            LargeSendOffloadType version = random.Next(2) == 0 ? LargeSendOffloadType.V1 : LargeSendOffloadType.V2;
            byte[] plain = TcpPacket(shape, random);
            LsoRun run = Run(spec, plain, (uint)mss, version, sn, random, abi: random.Next(2) == 0 ? NdisAbi.X64 : NdisAbi.X86);
            string what = $"case {i}: {algorithm} {(shape.IPv6 ? "IPv6" : "IPv4")} {version} MSS {mss} payload {shape.PayloadLength} tcpopt {shape.TcpOptionsLength} sn 0x{sn:x} esn {esn}";
            if (run.Error is not null || run.Problems.Count > 0 || run.Segmentation!.Segments.Count != count)
            {
                failures.Add($"{what}: {run}");
            }
            else
            {
                segments += count;
                ipv6 += shape.IPv6 ? 1 : 0;
                v2 += version == LargeSendOffloadType.V2 ? 1 : 0;
            }
        }

        TestContext.Out.WriteLine($"{Cases} cases, {segments} segments, {ipv6} IPv6, {v2} LSOv2, {esnCarries} ESN carries; {TestSeeds.ReplayHint(Salt + 100)}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty, $"{failures.Count} of {Cases} failed ({TestSeeds.ReplayHint(Salt + 100)}):{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(10))}");
            Assert.That(esnCarries, Is.GreaterThan(50), "the sweep crosses the ESN low-half wrap often enough");
            Assert.That(ipv6, Is.InRange(Cases / 3, Cases * 2 / 3));
            Assert.That(v2, Is.InRange(Cases / 3, Cases * 2 / 3));
        }
    }
}
