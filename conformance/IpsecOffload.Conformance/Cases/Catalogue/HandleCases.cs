using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// What the handles in slots 1 and 11 select (SEND-01, SEND-03, SEND-04, SEND-05, SA-02): zero handles
/// between protected NBLs, each handle alone with a tunnel SA, unknown and deleted handles, an AH SA's
/// handle on an ESP packet. Every bad NBL sits between good ones of the same chain (CMPL-03).
/// Readings: docs/decisions/amb-08-handles-with-tunnel.md, amb-34-sa-deleted-in-flight.md.
/// </summary>
internal static class HandleCases
{
    private const int Payload = 29;

    public static IEnumerable<ConformanceCase> All =>
    [
        .. V2Apis.Select(api => Case($"Send03_ZeroHandlesWithHeaderWordBetweenProtectedNbls_SentUnchanged_{api}", ["SEND-03", "CMPL-03"],
            $"{api}: [protected, OffloadHandle 0 + TunnelHandle 0 with the framed packet's header word, protected]: the middle NBL leaves unchanged, the others protected",
            [CaseKit.EspFeatureFor(api)], c => ZeroHandlesBetweenProtected(c, api))),
        .. V2Apis.Select(api => Case($"Send05_OffloadHandleNamesTunnelModeSa_TunnelProtected_{api}", ["SEND-05", "SEND-03", "ESP-05"],
            $"{api}: a single tunnel-mode ESP SA named by OffloadHandle (TunnelHandle 0): the packet leaves tunnel-protected",
            [CaseKit.EspFeatureFor(api), Features.V2Tunnel], c => OffloadHandleTunnelSa(c, api))),
        .. V2Apis.Select(api => Case($"Send05_TunnelHandleOnly_TunnelProtectedOrRefused_{api}", ["SEND-05", "SEND-03", "CMPL-01"],
            $"{api}: OffloadHandle 0, TunnelHandle live (outside what the OS sends, AMB-08): completed once, and either tunnel-protected, refused without a frame, or sent unchanged (noted)",
            [CaseKit.EspFeatureFor(api), Features.V2Tunnel], c => TunnelHandleOnly(c, api))),
        .. V2Apis.Select(api => Case($"Send04_TunnelHandleUnknownOffloadHandleLive_FailsWithFailure_{api}", ["SEND-04", "SA-05", "SEND-01", "CMPL-03"],
            $"{api}: transport over tunnel with a live OffloadHandle and a TunnelHandle never returned by ADD_SA, between good NBLs: NDIS_STATUS_FAILURE, no frame",
            [CaseKit.EspFeatureFor(api), Features.V2TransportOverTunnel], c => TunnelHandleUnknown(c, api))),
        .. V2Apis.Select(api => Case($"Send04_OffloadHandleUnknownTunnelHandleLive_FailsWithFailure_{api}", ["SEND-04", "SA-05", "SEND-01", "CMPL-03"],
            $"{api}: transport over tunnel with an OffloadHandle never returned by ADD_SA and a live TunnelHandle, between good NBLs: NDIS_STATUS_FAILURE, no frame",
            [CaseKit.EspFeatureFor(api), Features.V2TransportOverTunnel], c => OffloadHandleUnknown(c, api))),
        .. AllApis.Select(api => Case($"Sa02_DeletedHandle_FailsWhileOtherSaKeepsWorking_{api}", ["SA-02", "SA-05", "SEND-04", "CMPL-03"],
            $"{api}: two SAs; one is deleted; [live, deleted handle, live]: the middle NBL completes with NDIS_STATUS_FAILURE and sends nothing, the live SA's NBLs go out protected",
            [CaseKit.EspFeatureFor(api)], c => DeletedWhileOtherLives(c, api))),
        .. AllApis.Select(api => Case($"Sa02_OnlySaDeleted_StaleHandleFailsWithFailure_{api}", ["SA-02", "SA-05", "SEND-04"],
            $"{api}: an SA protects a packet, is deleted, and a send on its handle completes with NDIS_STATUS_FAILURE and sends nothing",
            [CaseKit.EspFeatureFor(api)], c => OnlySaDeleted(c, api))),
        .. AllApis.Select(api => Case($"Send01_AhSaHandleOnEspPacket_Refused_{api}", ["SEND-01", "SEND-21", "CMPL-02", "CMPL-03"],
            $"{api}: an ESP packet carrying the handle of an AH SA (never what the transport sends): refused with a SEND-21 failure status and no frame; the ESP NBLs around it go out protected",
            [CaseKit.EspFeatureFor(api), AhFeatureFor(api)], c => AhHandleOnEsp(c, api))),
    ];

    private static SaApi[] AllApis => [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    private static SaApi[] V2Apis => [SaApi.V2, SaApi.V2Ex];

    /// <summary>The AH SA of each API: v1 HMAC-SHA1, v2 HMAC-SHA-256.</summary>
    internal static SaSpec AhFor(SaApi api, Random random) =>
        CaseKit.Ah(random, api == SaApi.V1 ? CryptoAlgorithm.HmacSha1 : CryptoAlgorithm.HmacSha256);

    /// <summary>The feature of <see cref="AhFor"/>.</summary>
    internal static Feature AhFeatureFor(SaApi api) => api == SaApi.V1 ? Features.V1Ah : Features.V2Ah(CryptoAlgorithm.HmacSha256);

    private static FramedPacket Packet(CaseContext c, SaSpec sa, ulong sequence, TunnelHeader? tunnel = null) =>
        CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence, tunnel);

    private static void ZeroHandlesBetweenProtected(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket before = Packet(c, sa, sequence), plain1 = Packet(c, sa, sequence + 1), plain2 = Packet(c, sa, sequence + 2), after = Packet(c, sa, sequence + 3);
        NetBufferList first = c.Nbl(api, [before], handle, name: "protected-before");
        NetBufferList zero = c.Nbl(api, [plain1, plain2], 0, 0, name: "zero-handles-with-header-word");
        NetBufferList last = c.Nbl(api, [after], handle, name: "protected-after");
        c.Send(first, zero, last);
        c.ExpectUnchanged(zero, [CaseKit.EthernetFrame(plain1), CaseKit.EthernetFrame(plain2)], "SEND-03");
        c.ExpectProtected(first, [before], [sa], "CMPL-03");
        c.ExpectProtected(last, [after], [sa], "CMPL-03");
    }

    private static void OffloadHandleTunnelSa(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        FramedPacket framed = Packet(c, sa, CaseKit.Sequence(c.Random), CaseKit.Tunnel4(c.Random));
        NetBufferList nbl = c.Nbl(api, [framed], handle, 0, name: "tunnel-sa-by-offload-handle");
        c.Send(nbl);
        c.ExpectProtected(nbl, [framed], [sa], "SEND-05");
    }

    private static void TunnelHandleOnly(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        FramedPacket framed = Packet(c, sa, CaseKit.Sequence(c.Random), CaseKit.Tunnel4(c.Random));
        NetBufferList nbl = c.Nbl(api, [framed], 0, handle, name: "tunnel-handle-only");
        c.Send(nbl);
        CompletionEvent completion = c.ExpectCompletedOnce(nbl);
        IReadOnlyList<byte[]> frames = c.Host.FramesOf(nbl);
        if (completion.Status != NdisStatus.Success)
        {
            c.Check(frames.Count == 0, "CMPL-02", $"{nbl.Name} was refused with {completion.Status.ToNdisName()} but transmitted {frames.Count} frame(s)");
            c.Note($"OffloadHandle 0 + TunnelHandle 0x{handle:x}: refused with {completion.Status.ToNdisName()} (AMB-08 observation)");
            return;
        }

        c.Check(frames.Count == 1, "SEND-08", $"{nbl.Name} carried 1 NET_BUFFER but {frames.Count} frame(s) went out");
        Oracle.OracleJudgement protectedJudgement = Oracle.WireOracle.Judge(framed, [sa], frames[0], c.OracleOptionsFor());
        if (protectedJudgement.Ok)
        {
            c.Note($"OffloadHandle 0 + TunnelHandle 0x{handle:x}: the tunnel SA was applied (the project's AMB-08 reading)");
            return;
        }

        if (Oracle.WireOracle.JudgeUnchanged(CaseKit.EthernetFrame(framed), frames[0], c.Profile.Offload.PadShortFrames).Ok)
        {
            c.Note($"OffloadHandle 0 + TunnelHandle 0x{handle:x}: sent unchanged (OffloadHandle 0 read as 'no offload'; AMB-08 observation)");
            return;
        }

        c.Fail(protectedJudgement.Requirement ?? "SEND-05",
            $"{nbl.Name} (OffloadHandle 0, TunnelHandle 0x{handle:x}) went out neither tunnel-protected nor unchanged: {protectedJudgement.Render()}");
    }

    private static void TunnelHandleUnknown(CaseContext c, SaApi api)
    {
        SaSpec inner = CaseKit.EspFor(api, c.Random);
        SaSpec outer = CaseKit.Esp(c.Random, CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1); // never added
        ulong innerHandle = c.AddSa(api, BundleSpec.Of(inner));
        ulong unknown = unchecked(innerHandle + 0x2_0000_0202UL);
        if (c.Abi == NdisAbi.X86)
        {
            unknown &= uint.MaxValue;
        }

        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket good1 = Packet(c, inner, sequence), good2 = Packet(c, inner, sequence + 2);
        FramedPacket overTunnel = TransportSimulator.Frame(CaseKit.Udp4(c.Random, Payload),
            [TransportSimulator.Framing(inner, sequence + 1, CaseKit.Bytes(c.Random, inner.IvLength))],
            [TransportSimulator.Framing(outer, CaseKit.Sequence(c.Random), CaseKit.Bytes(c.Random, outer.IvLength), CaseKit.Tunnel4(c.Random))]);
        NetBufferList first = c.Nbl(api, [good1], innerHandle, name: "good-before");
        NetBufferList bad = c.Nbl(api, [overTunnel], innerHandle, unknown, name: $"unknown-tunnel-handle-0x{unknown:x}");
        NetBufferList last = c.Nbl(api, [good2], innerHandle, name: "good-after");
        c.Send(first, bad, last);
        c.ExpectNoSaRefused(bad, NdisStatus.Failure, "SEND-04", $"TunnelHandle 0x{unknown:x} was never returned by ADD_SA");
        c.ExpectProtected(first, [good1], [inner], "CMPL-03");
        c.ExpectProtected(last, [good2], [inner], "CMPL-03");
    }

    private static void OffloadHandleUnknown(CaseContext c, SaApi api)
    {
        SaSpec inner = CaseKit.EspFor(api, c.Random); // never added
        SaSpec outer = CaseKit.EspFor(api, c.Random);
        ulong tunnelHandle = c.AddSa(api, BundleSpec.Of(outer));
        ulong unknown = unchecked(tunnelHandle + 0x3_0000_0303UL);
        if (c.Abi == NdisAbi.X86)
        {
            unknown &= uint.MaxValue;
        }

        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket good1 = Packet(c, outer, sequence, CaseKit.Tunnel4(c.Random)), good2 = Packet(c, outer, sequence + 2, CaseKit.Tunnel4(c.Random));
        FramedPacket overTunnel = TransportSimulator.Frame(CaseKit.Udp4(c.Random, Payload),
            [TransportSimulator.Framing(inner, CaseKit.Sequence(c.Random), CaseKit.Bytes(c.Random, inner.IvLength))],
            [TransportSimulator.Framing(outer, sequence + 1, CaseKit.Bytes(c.Random, outer.IvLength), CaseKit.Tunnel4(c.Random))]);
        NetBufferList first = c.Nbl(api, [good1], tunnelHandle, name: "good-before");
        NetBufferList bad = c.Nbl(api, [overTunnel], unknown, tunnelHandle, name: $"unknown-offload-handle-0x{unknown:x}");
        NetBufferList last = c.Nbl(api, [good2], tunnelHandle, name: "good-after");
        c.Send(first, bad, last);
        c.ExpectNoSaRefused(bad, NdisStatus.Failure, "SEND-04", $"OffloadHandle 0x{unknown:x} was never returned by ADD_SA");
        c.ExpectProtected(first, [good1], [outer], "CMPL-03");
        c.ExpectProtected(last, [good2], [outer], "CMPL-03");
    }

    private static void DeletedWhileOtherLives(CaseContext c, SaApi api)
    {
        SaSpec doomed = CaseKit.EspFor(api, c.Random), live = CaseKit.EspFor(api, c.Random);
        ulong doomedHandle = c.AddSa(api, BundleSpec.Of(doomed));
        ulong liveHandle = c.AddSa(api, BundleSpec.Of(live));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket beforeDelete = Packet(c, doomed, sequence);
        NetBufferList warmUp = c.Nbl(api, [beforeDelete], doomedHandle, name: "before-delete");
        c.Send(warmUp);
        c.ExpectProtected(warmUp, [beforeDelete], [doomed], "SA-01");

        c.DeleteSa(api, doomedHandle);
        FramedPacket good1 = Packet(c, live, sequence), stale = Packet(c, doomed, sequence + 1), good2 = Packet(c, live, sequence + 1);
        NetBufferList first = c.Nbl(api, [good1], liveHandle, name: "live-before");
        NetBufferList bad = c.Nbl(api, [stale], doomedHandle, name: $"deleted-handle-0x{doomedHandle:x}");
        NetBufferList last = c.Nbl(api, [good2], liveHandle, name: "live-after");
        c.Send(first, bad, last);
        c.ExpectNoSaRefused(bad, NdisStatus.Failure, "SA-02", $"OffloadHandle 0x{doomedHandle:x} was deleted with DELETE_SA");
        c.ExpectProtected(first, [good1], [live], "SA-02");
        c.ExpectProtected(last, [good2], [live], "SA-02");
    }

    private static void OnlySaDeleted(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket first = Packet(c, sa, sequence);
        NetBufferList before = c.Nbl(api, [first], handle, name: "before-delete");
        c.Send(before);
        c.ExpectProtected(before, [first], [sa], "SA-01");
        c.DeleteSa(api, handle);
        NetBufferList after = c.Nbl(api, [Packet(c, sa, sequence + 1), Packet(c, sa, sequence + 2)], handle, name: "after-delete");
        c.Send(after);
        c.ExpectNoSaRefused(after, NdisStatus.Failure, "SA-02", $"OffloadHandle 0x{handle:x} was deleted with DELETE_SA");
    }

    private static void AhHandleOnEsp(CaseContext c, SaApi api)
    {
        SaSpec esp = CaseKit.EspFor(api, c.Random), ah = AhFor(api, c.Random);
        ulong espHandle = c.AddSa(api, BundleSpec.Of(esp));
        ulong ahHandle = c.AddSa(api, BundleSpec.Of(ah));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket good1 = Packet(c, esp, sequence), wrong = Packet(c, esp, sequence + 1), good2 = Packet(c, esp, sequence + 2);
        NetBufferList first = c.Nbl(api, [good1], espHandle, name: "esp-before");
        NetBufferList bad = c.Nbl(api, [wrong], ahHandle, name: "esp-packet-ah-handle");
        NetBufferList last = c.Nbl(api, [good2], espHandle, name: "esp-after");
        c.Send(first, bad, last);
        c.ExpectRefusedAny(bad, "SEND-01", $"ESP packet (SPI 0x{esp.Spi:x8}) with the handle 0x{ahHandle:x} of AH SA 0x{ah.Spi:x8}");
        c.ExpectProtected(first, [good1], [esp], "CMPL-03");
        c.ExpectProtected(last, [good2], [esp], "CMPL-03");
    }
}
