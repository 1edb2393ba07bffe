using System.Globalization;
using System.Text;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Tests.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Lso.LsoTestKit;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// Combined LSO + IPsec v2 through the whole <c>ReferenceMiniport.SendNetBufferLists</c> (SEND-07,
/// SEND-14…SEND-20), ≥ 2,000 random LSO NBLs from one recorded seed: x64 and x86, IPv4 (with options) /
/// IPv6 (with hop-by-hop), LSOv1 / LSOv2, every ESP transform the v2 capabilities claim, MSS 1…9000 with
/// edges, payloads 1…~20,000 at MSS·n ± 1, TCP options, random FIN/PSH/CWR/ECE/URG, ESN SAs near the low-half
/// wrap (UPDATE_SA pushes the carried high half as the transport would), MTU 1500 or jumbo 9216, headers
/// in the first MDL and the rest cut randomly, keys random. Each SA carries several bursts (sometimes
/// chained in one call) and one IV set is kept per SA across all of them.
/// </summary>
public sealed class LsoMiniportPropertyTests
{
    private const int Salt = 0x15A0;
    private const int Requests = 2_000;
    private const int MaxPayload = 20_000;
    private const int MaxSegments = 24;
    private const int MaxMss = 9_000;

    private sealed class Counters
    {
        public int Requests { get; set; }
        public int Segments { get; set; }
        public int IPv6 { get; set; }
        public int V2 { get; set; }
        public int X86 { get; set; }
        public int Jumbo { get; set; }
        public int EsnCarries { get; set; }
        public int Chains { get; set; }
        public int SplitMdls { get; set; }
        public int MssEdges { get; set; }
        public HashSet<string> Algorithms { get; } = new(StringComparer.Ordinal);
    }

    [Test]
    public void RandomLsoSends_ThroughTheMiniport_EverySegmentPassesTheOracle_CompletionsFollowSend20_NoIvRepeats()
    {
        Random random = TestSeeds.Create(Salt);
        string replay = TestSeeds.ReplayHint(Salt);
        TestContext.Out.WriteLine(replay);
        var rigs = new Dictionary<(NdisAbi, int), LsoMiniportRig>();
        var failures = new List<string>();
        var counters = new Counters();
        try
        {
            for (int sa = 0; counters.Requests < Requests; sa++)
            {
                NdisAbi abi = random.Next(2) == 0 ? NdisAbi.X64 : NdisAbi.X86;
                int mtu = random.Next(3) == 0 ? LsoRequest.JumboMtu : LsoRequest.DefaultMtu;
                if (!rigs.TryGetValue((abi, mtu), out LsoMiniportRig? rig))
                {
                    rig = new LsoMiniportRig(abi, mtu);
                    rigs[(abi, mtu)] = rig;
                }

                RunSa(rig, sa, random, counters, failures);
                if (failures.Count >= 10)
                {
                    break;
                }
            }
        }
        finally
        {
            foreach (LsoMiniportRig rig in rigs.Values)
            {
                rig.Dispose();
            }
        }

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{counters.Requests} LSO NBLs, {counters.Segments} segments, {counters.IPv6} IPv6, {counters.V2} LSOv2, {counters.X86} x86, " +
            $"{counters.Jumbo} jumbo, {counters.EsnCarries} ESN carries, {counters.Chains} multi-NBL chains, {counters.SplitMdls} split MDL chains, " +
            $"{counters.MssEdges} MSS edges, {counters.Algorithms.Count} algorithms"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty, $"{replay}{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
            Assert.That(counters.Requests, Is.GreaterThanOrEqualTo(Requests));
            Assert.That(counters.Algorithms, Has.Count.EqualTo(LsoMiniportKit.ClaimedAlgorithms.Length), "every claimed transform sent");
            Assert.That(counters.IPv6, Is.InRange(Requests / 3, Requests * 2 / 3));
            Assert.That(counters.V2, Is.InRange(Requests / 3, Requests * 2 / 3));
            Assert.That(counters.X86, Is.InRange(Requests / 3, Requests * 2 / 3));
            Assert.That(counters.Jumbo, Is.GreaterThan(Requests / 5));
            Assert.That(counters.EsnCarries, Is.GreaterThan(100), "bursts crossing the ESN low-half wrap");
            Assert.That(counters.Chains, Is.GreaterThan(100));
            Assert.That(counters.SplitMdls, Is.GreaterThan(Requests / 2));
            Assert.That(counters.MssEdges, Is.GreaterThan(Requests / 5));
        }
    }

    /// <summary>One SA: added through ADD_SA, 1–4 bursts with consecutive sequence numbers, deleted.</summary>
    private static void RunSa(LsoMiniportRig rig, int saIndex, Random random, Counters counters, List<string> failures)
    {
        LsoAlgorithm algorithm = LsoMiniportKit.ClaimedAlgorithms[random.Next(LsoMiniportKit.ClaimedAlgorithms.Length)];
        bool ipv6 = random.Next(2) == 0;
        bool esn = random.Next(2) == 0;
        int bursts = random.Next(1, 5);

        // First SN: with ESN often just below the low-half wrap so a burst carries into the high half.
        ulong sn;
        if (esn)
        {
            ulong high = (ulong)random.NextInt64(0, uint.MaxValue - 1L);
            sn = random.Next(3) != 0 ? (high << 32) | (uint)(uint.MaxValue - (uint)random.Next(0, MaxSegments)) : (high << 32) | (uint)random.NextInt64(1, 1L << 32);
        }
        else
        {
            sn = (ulong)random.NextInt64(1, (1L << 32) - (4L * MaxSegments) - 1);
        }

        SaSpec spec = algorithm.Spec(random, SendKit.Spi(random), esn, (uint)(sn >> 32));
        ulong handle = rig.AddV2(spec, ipv6);
        uint saHigh = spec.SequenceNumberHigh;
        var ivsSeenOnSa = new HashSet<string>(StringComparer.Ordinal);
        counters.Algorithms.Add(algorithm.Name);
        string saWhat = string.Create(CultureInfo.InvariantCulture,
            $"SA {saIndex} ({algorithm} {(ipv6 ? "IPv6" : "IPv4")} esn {esn} {rig.Abi.ToProtocolName()} MTU {rig.Mtu})");

        var pending = new List<(LsoSend Send, string What)>();
        for (int b = 0; b < bursts; b++)
        {
            (LsoSend send, string what) = NextBurst(rig, spec, handle, ipv6, sn, random, counters);
            int segments = send.ExpectedSegments;
            bool sameHigh = (sn >> 32) == saHigh;
            if (!sameHigh || pending.Count == 3)
            {
                // The transport cannot change SequenceNumberHighOrder in the middle of a chain (AMB-14):
                // send what is pending, then UPDATE_SA with the carried high half.
                Flush(rig, spec, pending, ivsSeenOnSa, counters, failures);
                if (!sameHigh)
                {
                    saHigh = (uint)(sn >> 32);
                    NdisStatus status = rig.Transport.UpdateSaV2(handle, spec, saHigh).Status;
                    if (status != NdisStatus.Success)
                    {
                        failures.Add($"{saWhat}: UPDATE_SA to high 0x{saHigh:x8} gave {status.ToNdisName()}");
                        return;
                    }
                }
            }

            pending.Add((send, $"{saWhat} burst {b}: {what}"));
            counters.EsnCarries += esn && (sn & uint.MaxValue) + (ulong)(segments - 1) > uint.MaxValue ? 1 : 0;
            sn += (ulong)segments;
        }

        Flush(rig, spec, pending, ivsSeenOnSa, counters, failures);
        if (rig.Transport.DeleteSaV2(handle).Status != NdisStatus.Success)
        {
            failures.Add($"{saWhat}: DELETE_SA failed");
        }
    }

    private static (LsoSend Send, string What) NextBurst(LsoMiniportRig rig, SaSpec spec, ulong handle, bool ipv6, ulong sn, Random random, Counters counters)
    {
        var shape = new PacketShape
        {
            IPv6 = ipv6,
            HopByHop = ipv6 && random.Next(3) == 0,
            IPv4OptionsLength = ipv6 || random.Next(3) != 0 ? 0 : 4 * random.Next(1, 6),
        };
        int budget = LargeSendOffloadLimits.MaxHeaderLength - TransportSimulator.EthernetHeaderLength - EspHeader.Length - spec.IvLength
            - TcpHeader.MinimumLength - (ipv6 ? IPv6Header.Length + (shape.HopByHop ? 8 : 0) : IPv4Header.MinimumLength + shape.IPv4OptionsLength);
        TcpFlags flags = TcpFlags.Ack;
        foreach (TcpFlags flag in new[] { TcpFlags.Fin, TcpFlags.Psh, TcpFlags.Cwr, TcpFlags.Ece, TcpFlags.Urg })
        {
            flags |= random.Next(2) == 0 ? flag : 0;
        }

        shape = shape with
        {
            TcpOptionsLength = random.Next(2) == 0 ? 0 : 4 * random.Next(1, (Math.Min(40, budget) / 4) + 1),
            Flags = flags,
        };
        int maxMss = Math.Min(MaxMss, LsoTestKit.MaxMss(spec, shape, rig.Mtu));
        int choice = random.Next(8);
        int mss = choice switch
        {
            0 => 1,
            1 => 2,
            2 => maxMss,
            3 => maxMss - 1,
            4 => random.Next(1, 64),
            _ => random.Next(1, maxMss + 1),
        };
        counters.MssEdges += choice <= 3 ? 1 : 0;
        int n = random.Next(1, Math.Clamp(MaxPayload / mss, 1, MaxSegments - 1) + 1);
        int payload = random.Next(4) switch
        {
            0 => (mss * n) - 1,
            1 => mss * n,
            2 => (mss * n) + 1,
            _ => random.Next(1, (mss * n) + 2),
        };
        shape = shape with { PayloadLength = Math.Max(1, payload) };
        LargeSendOffloadType version = random.Next(2) == 0 ? LargeSendOffloadType.V1 : LargeSendOffloadType.V2;
        byte[] plain = TcpPacket(shape, random);
        LsoSend send = LsoMiniportKit.Build(rig, spec, handle, plain, (uint)mss, version, sn, random,
            framed => LsoMiniportKit.RandomSplits(random, framed.TcpHeaderOffsetInFrame + framed.TcpHeaderLength,
                TransportSimulator.EthernetHeaderLength + framed.Packet.Length),
            name: string.Create(CultureInfo.InvariantCulture, $"lso-{counters.Requests}"));
        int[] splits = send.SplitAt;

        counters.Requests++;
        counters.IPv6 += ipv6 ? 1 : 0;
        counters.V2 += version == LargeSendOffloadType.V2 ? 1 : 0;
        counters.X86 += rig.Abi == NdisAbi.X86 ? 1 : 0;
        counters.Jumbo += rig.Mtu == LsoRequest.JumboMtu ? 1 : 0;
        counters.SplitMdls += splits.Length > 0 ? 1 : 0;
        string what = string.Create(CultureInfo.InvariantCulture,
            $"{send.Nbl.Name} {version} MSS {mss} (max {maxMss}) payload {shape.PayloadLength} tcpopt {shape.TcpOptionsLength} ipv4opt {shape.IPv4OptionsLength} " +
            $"hbh {shape.HopByHop} flags {flags} sn 0x{sn:x} splits [{string.Join(",", splits)}]");
        return (send, what);
    }

    /// <summary>Sends the pending NBLs as one chain and checks each of them.</summary>
    private static void Flush(LsoMiniportRig rig, SaSpec spec, List<(LsoSend Send, string What)> pending, HashSet<string> ivsSeenOnSa,
        Counters counters, List<string> failures)
    {
        if (pending.Count == 0)
        {
            return;
        }

        counters.Chains += pending.Count > 1 ? 1 : 0;
        rig.Send([.. pending.Select(p => p.Send.Nbl)]);
        foreach ((LsoSend send, string what) in pending)
        {
            string? problem = Check(rig, spec, send, ivsSeenOnSa);
            if (problem is not null)
            {
                failures.Add($"{what}:{Environment.NewLine}    {problem}");
            }
            else
            {
                counters.Segments += send.ExpectedSegments;
            }
        }

        pending.Clear();
        rig.Clear();
    }

    private static string? Check(LsoMiniportRig rig, SaSpec spec, LsoSend send, HashSet<string> ivsSeenOnSa)
    {
        NetBufferList nbl = send.Nbl;
        IReadOnlyList<CompletionEvent> completions = rig.Host.CompletionsOf(nbl);
        IReadOnlyList<byte[]> frames = rig.Host.FramesOf(nbl);
        var problems = new StringBuilder();
        if (completions.Count != 1 || completions[0].Status != NdisStatus.Success)
        {
            return $"completions [{string.Join(",", completions.Select(c => c.Status.ToNdisName()))}], expected one SUCCESS; " +
                string.Join("; ", rig.FailuresOf(nbl));
        }

        if (frames.Count != send.ExpectedSegments)
        {
            problems.Append(CultureInfo.InvariantCulture, $"{frames.Count} frames, expected {send.ExpectedSegments}; ");
        }

        byte[] frame0 = TransportSimulator.EthernetFrame(send.Framed.Packet);
        for (int k = 0; k < frames.Count; k++)
        {
            if (!frames[k].AsSpan(0, TransportSimulator.EthernetHeaderLength).SequenceEqual(frame0.AsSpan(0, TransportSimulator.EthernetHeaderLength)))
            {
                problems.Append(CultureInfo.InvariantCulture, $"segment {k}: Ethernet header {Hex.Format(frames[k].AsSpan(0, 14))} is not the NBL's; ");
            }
        }

        IReadOnlyList<string> oracle = LsoOracle.Check(spec, send.Plain, send.Framed.Mss, send.Framed.Version, send.Framed.SequenceNumber,
            [.. frames.Select(LsoMiniportKit.IpOf)], ivsSeenOnSa);
        foreach (string line in oracle.Take(5))
        {
            problems.Append(line).Append("; ");
        }

        // SEND-20: the value in slot 2 when the NBL completed.
        ulong slot = completions[0].Info[(int)NetBufferListInfoId.TcpLargeSend];
        if (send.Framed.Version == LargeSendOffloadType.V1)
        {
            LsoV1TransmitComplete completion = LsoV1TransmitComplete.FromSlot(slot, rig.Abi);
            if (completion.TcpPayload != (uint)send.Framed.TcpPayloadLength || completion.Type != LargeSendOffloadType.V1)
            {
                problems.Append(CultureInfo.InvariantCulture,
                    $"LSOv1 completion TcpPayload {completion.TcpPayload} Type {completion.Type}, expected {send.Framed.TcpPayloadLength} V1 (slot 0x{slot:x}); ");
            }
        }
        else
        {
            LsoV2TransmitComplete completion = LsoV2TransmitComplete.FromSlot(slot, rig.Abi);
            if (completion.Reserved != 0 || completion.Type != LargeSendOffloadType.V2 || slot != new LsoV2TransmitComplete(0, LargeSendOffloadType.V2).ToSlot(rig.Abi))
            {
                problems.Append(CultureInfo.InvariantCulture, $"LSOv2 completion Reserved {completion.Reserved} Type {completion.Type} (slot 0x{slot:x}), expected 0 / V2; ");
            }
        }

        return problems.Length == 0 ? null : problems.ToString();
    }
}
