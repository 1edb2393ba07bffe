using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// Completion (SEND-21, CMPL-01…03) and the calling context of <c>MiniportSendNetBufferLists</c> (SEND-31):
/// mixed chains where every NBL has a different fate, truncated packets, an NBL without NET_BUFFER,
/// sends flagged DISPATCH_LEVEL and sends from several threads at once. No timing is asserted.
/// </summary>
internal static class CompletionCases
{
    // RFC 4303 §2: | SPI (4) | Sequence Number (4) | IV … — the sequence number follows the SPI.
    private const int EspSequenceNumberOffset = 4;

    private const int Payload = 19;
    private const int Threads = 4, NblsPerThread = 6;

    public static IEnumerable<ConformanceCase> All =>
    [
        .. Apis.Select(api => Case($"Cmpl01_MixedChain_EachNblCompletedOnceNothingSentAfter_{api}", ["CMPL-01", "CMPL-02", "CMPL-03", "SEND-21"],
            $"{api}: [good (2 NBs), zero handle, unknown handle, packet cut inside the ESP header, good]: each NBL completed exactly once with its own fate, no frame after its completion, its NET_BUFFER list, data, status and OOB slots untouched after completion",
            [CaseKit.EspFeatureFor(api)], c => MixedChain(c, api))),
        .. Apis.Select(api => Case($"Send21_TruncatedPackets_RefusedWithAllowedStatus_{api}", ["SEND-21", "CMPL-02", "CMPL-03"],
            $"{api}: packets cut inside the ESP header, inside the IV and before the trailer, and an NB shorter than its IP length, each between good NBLs: refused with a SEND-21 failure status and no frame",
            [CaseKit.EspFeatureFor(api)], c => Truncated(c, api))),
        Case("Cmpl01_NblWithoutNetBuffer_CompletedOnceWithAllowedStatus_V2", ["CMPL-01", "SEND-21", "CMPL-03"],
            "V2: an NBL with a live handle but no NET_BUFFER, between good NBLs: completed exactly once with a SEND-21 status, no frame",
            [CaseKit.EspFeatureFor(SaApi.V2)], NoNetBuffer),
        .. Apis.Select(api => Case($"Send31_DispatchLevelSend_ProtectedAndCompletedOnce_{api}", ["SEND-31", "CMPL-01"],
            $"{api}: a chain of 3 NBLs sent with NDIS_SEND_FLAGS_DISPATCH_LEVEL: each completed once and protected",
            [CaseKit.EspFeatureFor(api)], c => DispatchLevel(c, api))),
        .. Apis.Select(api => Case($"Send31_ConcurrentSendsFromFourThreads_EachCompletedOnceFramesCorrect_{api}", ["SEND-31", "SEND-22", "CMPL-01"],
            $"{api}: 4 threads, each with its own SA, send {NblsPerThread} NBLs at once on one adapter: every NBL completed once, every frame protected, each SA's frames in sending order",
            [CaseKit.EspFeatureFor(api)], c => Concurrent(c, api))),
    ];

    private static SaApi[] Apis => [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    private static FramedPacket Frame(CaseContext c, SaSpec sa, ulong sequence) =>
        CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence);

    private static void MixedChain(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket g1 = Frame(c, sa, sequence), g2 = Frame(c, sa, sequence + 1), plain = Frame(c, sa, sequence + 2),
            unknownPacket = Frame(c, sa, sequence + 3), cutPacket = Frame(c, sa, sequence + 4), g5 = Frame(c, sa, sequence + 5);
        ulong unknown = unchecked(handle + 0x1_0000_0101UL);
        if (c.Abi == NdisAbi.X86)
        {
            unknown &= uint.MaxValue;
        }

        byte[] cut = CaseKit.TruncateIpv4(cutPacket.Packet, cutPacket.EspHeaderOffset + 6);
        NetBufferList good1 = c.Nbl(api, [g1, g2], handle, name: "good-1");
        NetBufferList zero = c.Nbl(api, [plain], 0, name: "zero-handle");
        NetBufferList stale = c.Nbl(api, [unknownPacket], unknown, name: "unknown-handle");
        NetBufferList truncated = c.Transport.BuildNbl([TransportSimulator.EthernetFrame(cut)], handle, 0,
            api == SaApi.V1 ? null : cutPacket.V2HeaderInfo, name: "cut-in-esp-header");
        NetBufferList good5 = c.Nbl(api, [g5], handle, name: "good-5");
        NetBufferList[] chain = [good1, zero, stale, truncated, good5];
        var before = chain.Select(n => (n, Nbs: n.EnumerateNetBuffers().ToArray(), Data: n.EnumerateNetBuffers().Select(b => b.CopyData()).ToArray())).ToArray();

        c.Send(chain);

        int completions = c.Host.Events.OfType<CompletionEvent>().Count();
        c.Check(completions == chain.Length, "CMPL-01", $"a chain of {chain.Length} NBLs drew {completions} completion(s), expected one per NBL");
        c.ExpectProtected(good1, [g1, g2], [sa], "CMPL-03");
        c.ExpectUnchanged(zero, [CaseKit.EthernetFrame(plain)], "SEND-03");
        c.ExpectNoSaRefused(stale, null, "SEND-04", $"OffloadHandle 0x{unknown:x} was never returned by ADD_SA");
        c.ExpectRefusedAny(truncated, "SEND-21", $"the packet ends 6 bytes into the ESP header");
        c.ExpectProtected(good5, [g5], [sa], "CMPL-03");
        foreach ((NetBufferList nbl, NetBuffer[] nbs, byte[][] data) in before)
        {
            NetBuffer[] now = [.. nbl.EnumerateNetBuffers()];
            c.Check(now.Length == nbs.Length && now.Zip(nbs).All(p => ReferenceEquals(p.First, p.Second)), "SEND-21",
                $"{nbl.Name}: its NET_BUFFER list changed between send and completion ({nbs.Length} NBs before, {now.Length} after)");
            for (int i = 0; i < nbs.Length; i++)
            {
                c.Check(nbs[i].CopyData().AsSpan().SequenceEqual(data[i]), "SEND-21", $"{nbl.Name} NB {i}: the miniport changed the NET_BUFFER's data");
            }

            // After completion the miniport must not touch the NBL: status and OOB slots stay as completed.
            CompletionEvent completion = c.Host.CompletionsOf(nbl)[0];
            c.Check(nbl.Status == completion.Status && nbl.Info.AsSpan().SequenceEqual(completion.Info), "SEND-21",
                $"{nbl.Name}: its Status or OOB slots changed after NdisMSendNetBufferListsComplete (completed with {completion.Status.ToNdisName()}, now {nbl.Status.ToNdisName()})");
        }
    }

    private static void Truncated(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket g0 = Frame(c, sa, sequence);
        FramedHeader esp = g0.Headers[0];
        (string Name, Func<FramedPacket, byte[]> Cut)[] cuts =
        [
            ("cut-in-esp-header", f => CaseKit.TruncateIpv4(f.Packet, f.EspHeaderOffset + 6)),
            ("cut-in-iv", f => CaseKit.TruncateIpv4(f.Packet, esp.IvOffset + (esp.IvLength / 2))),
            ("cut-before-trailer", f => CaseKit.TruncateIpv4(f.Packet, esp.ProtectedOffset + esp.ProtectedLength - 2)),
            ("nb-shorter-than-ip-length", f => f.Packet[..^sa.IcvLength]),
        ];
        var nbls = new List<NetBufferList> { c.Nbl(api, [g0], handle, name: "good-0") };
        var goods = new List<(NetBufferList Nbl, FramedPacket Packet)> { (nbls[0], g0) };
        ulong next = sequence + 1;
        foreach ((string name, Func<FramedPacket, byte[]> cut) in cuts)
        {
            FramedPacket victim = Frame(c, sa, next++), good = Frame(c, sa, next++);
            nbls.Add(c.Transport.BuildNbl([TransportSimulator.EthernetFrame(cut(victim))], handle, 0, api == SaApi.V1 ? null : victim.V2HeaderInfo, name: name));
            NetBufferList goodNbl = c.Nbl(api, [good], handle, name: $"good-after-{name}");
            nbls.Add(goodNbl);
            goods.Add((goodNbl, good));
        }

        c.Send([.. nbls]);
        foreach (NetBufferList nbl in nbls.Where(n => !goods.Any(g => ReferenceEquals(g.Nbl, n))))
        {
            c.ExpectRefusedAny(nbl, "SEND-21", $"{nbl.Name}: the packet cannot be protected as framed");
        }

        foreach ((NetBufferList nbl, FramedPacket packet) in goods)
        {
            c.ExpectProtected(nbl, [packet], [sa], "CMPL-03");
        }
    }

    private static void NoNetBuffer(CaseContext c)
    {
        SaSpec sa = CaseKit.EspFor(SaApi.V2, c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket g1 = Frame(c, sa, sequence), g2 = Frame(c, sa, sequence + 1);
        NetBufferList first = c.Nbl(SaApi.V2, [g1], handle, name: "good-before");
        var empty = new NetBufferList { Name = "no-net-buffer" };
        empty.Info.Set(new IPsecOffloadV2Transmit(handle), c.Abi);
        empty.Info.Set(g1.V2HeaderInfo, c.Abi);
        NetBufferList last = c.Nbl(SaApi.V2, [g2], handle, name: "good-after");
        c.Send(first, empty, last);
        CompletionEvent completion = c.ExpectCompletedOnce(empty);
        c.Check(c.Host.FramesOf(empty).Count == 0, "CMPL-02", $"{empty.Name} has no NET_BUFFER but {c.Host.FramesOf(empty).Count} frame(s) went out for it");
        c.Note($"{empty.Name}: completed with {completion.Status.ToNdisName()}");
        c.ExpectProtected(first, [g1], [sa], "CMPL-03");
        c.ExpectProtected(last, [g2], [sa], "CMPL-03");
    }

    private static void DispatchLevel(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [Frame(c, sa, sequence), Frame(c, sa, sequence + 1), Frame(c, sa, sequence + 2)];
        NetBufferList[] nbls = [.. packets.Select((p, i) => c.Nbl(api, [p], handle, name: $"dispatch-{i}"))];
        c.Send(NdisSendFlags.DispatchLevel, nbls);
        for (int i = 0; i < nbls.Length; i++)
        {
            c.ExpectProtected(nbls[i], [packets[i]], [sa], "SEND-31");
        }
    }

    private static void Concurrent(CaseContext c, SaApi api)
    {
        // Everything random is drawn here, on the case's thread, in a fixed order (the seed replays).
        var work = new List<(SaSpec Sa, ulong Sequence, FramedPacket[] Packets, NetBufferList[] Nbls)>();
        for (int t = 0; t < Threads; t++)
        {
            SaSpec sa = CaseKit.EspFor(api, c.Random);
            ulong handle = c.AddSa(api, BundleSpec.Of(sa));
            ulong sequence = CaseKit.Sequence(c.Random);
            FramedPacket[] packets = [.. Enumerable.Range(0, NblsPerThread).Select(i => Frame(c, sa, sequence + (ulong)i))];
            NetBufferList[] nbls = [.. packets.Select((p, i) => c.Nbl(api, [p], handle, name: $"thread-{t}-nbl-{i}"))];
            work.Add((sa, sequence, packets, nbls));
        }

        using var start = new Barrier(Threads);
        Task[] senders = [.. work.Select((w, t) => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            foreach (NetBufferList nbl in w.Nbls)
            {
                c.Send(t % 2 == 0 ? NdisSendFlags.DispatchLevel : NdisSendFlags.None, nbl);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
        Task.WhenAll(senders).GetAwaiter().GetResult();

        List<FrameEvent> frames = [.. c.Host.Events.OfType<FrameEvent>()];
        foreach ((SaSpec sa, ulong sequence, FramedPacket[] packets, NetBufferList[] nbls) in work)
        {
            for (int i = 0; i < nbls.Length; i++)
            {
                c.ExpectProtected(nbls[i], [packets[i]], [sa], "SEND-31");
            }

            // SEND-22: one sender's NBLs (one connection) leave in the order it sent them.
            uint[] order = [.. frames.Where(f => nbls.Contains(f.Owner)).Select(f => SequenceOf(f.Frame))];
            uint[] expected = [.. Enumerable.Range(0, nbls.Length).Select(i => unchecked((uint)(sequence + (ulong)i)))];
            c.Check(order.SequenceEqual(expected), "SEND-22",
                $"SA 0x{sa.Spi:x8}: frames left with sequence numbers {string.Join(", ", order.Select(s => $"0x{s:x8}"))}, sent in the order {string.Join(", ", expected.Select(s => $"0x{s:x8}"))}");
        }
    }

    private static uint SequenceOf(byte[] frame)
    {
        const int At = TransportSimulator.EthernetHeaderLength + 20 + EspSequenceNumberOffset;
        return frame.Length >= At + 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(At)) : 0;
    }
}
