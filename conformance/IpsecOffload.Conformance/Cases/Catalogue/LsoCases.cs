using System.Buffers.Binary;
using System.Globalization;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// LSO combined with ESP (LSO-01…05, SEND-07, SEND-14, SEND-15, SEND-18, SEND-20): LSOv1 (IPv4) and
/// LSOv2 (IPv4, IPv6) large TCP packets at the MSS edges (MSS·n, MSS·n ± 1, below MSS) and at the
/// PadLength edges (0 and alignment − 1), FIN/PSH/CWR on the large packet, ESN carry across segments, the
/// completion slot, and the requests outside the contract: two NET_BUFFERs (SEND-17), a TunnelHandle
/// (SEND-16) and MSS 0 (SEND-18). Segments are judged by <see cref="LsoOracle"/> (its own parsing and
/// BouncyCastle); its problem lines map to requirement ids in <see cref="LsoJudge"/>.
/// </summary>
internal static class LsoCases
{
    private static readonly string[] Ids = ["LSO-01", "LSO-02", "LSO-03", "LSO-04", "LSO-05", "SEND-07", "SEND-14", "SEND-15", "SEND-18", "SEND-20"];

    private static readonly string[] Transforms = ["AesGcm128Icv16", "AesCbc256HmacSha256", "TripleDesCbcHmacSha1", "EspNullHmacSha256", "AesGmac128"];

    private static readonly string[] EsnTransforms = ["AesGcm128Icv16", "AesCbc128HmacSha1"];

    private static readonly (LargeSendOffloadType Version, bool IPv6)[] Variants =
        [(LargeSendOffloadType.V1, false), (LargeSendOffloadType.V2, false), (LargeSendOffloadType.V2, true)];

    public static IEnumerable<ConformanceCase> All =>
    [
        .. from name in Transforms
           from variant in Variants
           let t = WireKit.Transform(name)
           select Case($"Lso01_{name}_{Version(variant.Version)}_SegmentsProtected_V2{(variant.IPv6 ? "Ipv6" : "Ipv4")}", Ids,
               $"v2 ESP {name} + {Version(variant.Version)} over {(variant.IPv6 ? "IPv6" : "IPv4")}: large TCP packets of MSS·3, MSS·3 ± 1, below MSS and at the PadLength edges (FIN/PSH/CWR set on some): every segment verifies and decrypts, SN + k, fresh IVs, own trailer, fixed-up headers; the completion slot is right",
               Needs(t, variant.IPv6), c => Segments(c, t, variant.Version, variant.IPv6)),
        .. from name in EsnTransforms
           let t = WireKit.Transform(name)
           select Case($"Lso02_{name}_EsnCarryAcrossSegments_V2Ipv4", ["LSO-02", "ESN-01", "LSO-01", "SEND-18"],
               $"v2 ESN SA {name} + LSOv2: the burst starts at SN_low 0xFFFFFFFE, so segments 2 and 3 carry into the high half (ICVs cover H + 1, the wire shows 0, 1)",
               [.. Needs(t, false), Features.V2Esn], c => EsnCarry(c, t)),
        Case("Send17_LsoNblWithTwoNetBuffers_RefusedOrEachSegmented_V2", ["SEND-17", "CMPL-01", "CMPL-02", "LSO-01"],
            "v2 ESP + LSOv2 NBL carrying two NET_BUFFERs (outside the transport's contract): the NBL completes once, either refused with a failure status and no frame, or with both NBs segmented correctly",
            Needs(WireKit.Transform("AesGcm128Icv16"), false), TwoNetBuffers),
        Case("Send16_LsoWithTunnelHandle_Refused_V2", ["SEND-16", "CMPL-01", "CMPL-02"],
            "v2 ESP + LSOv2 NBL that also carries a TunnelHandle (the transport never sends it): the NBL completes once with a failure status and no frame",
            [.. Needs(WireKit.Transform("AesGcm128Icv16"), false), Features.V2Tunnel, Features.V2TransportOverTunnel], LsoWithTunnel),
        Case("Send18_LsoMssZero_Refused_V2", ["SEND-18", "CMPL-01", "CMPL-02"],
            "v2 ESP + LSOv2 NBL whose MSS is 0: the NBL completes once with a failure status and no frame",
            Needs(WireKit.Transform("AesCbc128HmacSha1"), false), MssZero),
    ];

    private static string Version(LargeSendOffloadType version) => version == LargeSendOffloadType.V1 ? "LsoV1" : "LsoV2";

    private static Feature[] Needs(WireKit.EspTransform t, bool ipv6) =>
        ipv6 ? [t.Feature, Features.V2Lso, Features.V2Transport, Features.V2IPv6] : [t.Feature, Features.V2Lso, Features.V2Transport];

    /// <summary>One planned LSO send.</summary>
    private sealed record LsoSend(byte[] Plain, LsoFramedPacket Framed, NetBufferList Nbl, ulong Sequence, int Segments);

    private static LsoSend Plan(CaseContext c, SaSpec sa, ulong handle, int payload, uint mss, LargeSendOffloadType version, bool ipv6, TcpFlags flags,
        ulong sequence, string label)
    {
        byte[] plain = WireKit.Tcp(c.Random, ipv6, payload, flags);
        byte[] iv = new byte[sa.IvLength];
        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Cipher, IvLength: > 0 })
        {
            iv = CaseKit.Bytes(c.Random, sa.IvLength);
        }
        else if (iv.Length > 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(iv, sequence); // RFC 4106 §3.1 / 4543 §3.1: the transport's counter IV is its 64-bit SN.
        }

        LsoFramedPacket framed = TransportSimulator.FrameLso(plain, TransportSimulator.Framing(sa, sequence, iv), mss, version);
        NetBufferList nbl = c.Transport.BuildLsoNbl(framed, handle, name: string.Create(CultureInfo.InvariantCulture,
            $"{label}-pay{payload}-mss{mss}-pad{framed.PadLength}"));
        int segments = payload == 0 ? 1 : (int)((payload + (long)mss - 1) / mss);
        return new LsoSend(plain, framed, nbl, sequence, segments);
    }

    private static void Segments(CaseContext c, WireKit.EspTransform t, LargeSendOffloadType version, bool ipv6)
    {
        SaSpec sa = t.Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa, ipv6));
        uint mss = (uint)c.Random.Next(536, 1201);
        int align = sa.EspPadAlignment;
        const int TcpHeader = 32;
        // Payload whose ESP payload (TCP header + payload) + 2 is a multiple of the alignment: PadLength 0; one more byte: alignment − 1.
        int padZero = (int)(2 * mss) + ((align - (TcpHeader + 2 + (int)(2 * mss)) % align) % align);
        int[] payloads = [(int)(3 * mss), (int)(3 * mss) - 1, (int)(3 * mss) + 1, 100, padZero, padZero + 1];
        TcpFlags[] flags = [TcpFlags.Ack | TcpFlags.Psh, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr, TcpFlags.Ack | TcpFlags.Cwr,
            TcpFlags.Ack | TcpFlags.Fin, TcpFlags.Ack, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin];
        ulong sequence = CaseKit.Sequence(c.Random) - 64;
        List<LsoSend> sends = [];
        for (int i = 0; i < payloads.Length; i++)
        {
            LsoSend send = Plan(c, sa, handle, payloads[i], mss, version, ipv6, flags[i], sequence, $"lso{i}");
            sends.Add(send);
            sequence += (ulong)send.Segments;
        }

        c.Send([.. sends.Select(s => s.Nbl)]);
        var ivs = new HashSet<string>(StringComparer.Ordinal);
        foreach (LsoSend send in sends)
        {
            LsoJudge.ExpectSegmented(c, sa, send.Nbl, send.Plain, send.Framed, send.Sequence, ivs);
        }
    }

    private static void EsnCarry(CaseContext c, WireKit.EspTransform t)
    {
        uint high = Math.Min(WireKit.High(c.Random), uint.MaxValue - 1);
        SaSpec sa = t.Sa(c.Random, esn: true, high);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        const uint Mss = 700;
        ulong first = ((ulong)high << 32) | (uint.MaxValue - 1);
        LsoSend send = Plan(c, sa, handle, (int)(4 * Mss) - 5, Mss, LargeSendOffloadType.V2, false, TcpFlags.Ack | TcpFlags.Psh, first, "esn-carry");
        c.Send(send.Nbl);
        LsoJudge.ExpectSegmented(c, sa, send.Nbl, send.Plain, send.Framed, first, new HashSet<string>(StringComparer.Ordinal));
    }

    private static void TwoNetBuffers(CaseContext c)
    {
        SaSpec sa = WireKit.Transform("AesGcm128Icv16").Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        const uint Mss = 600;
        const int Payload = 1500;
        ulong sequence = CaseKit.Sequence(c.Random) - 64;
        LsoSend first = Plan(c, sa, handle, Payload, Mss, LargeSendOffloadType.V2, false, TcpFlags.Ack, sequence, "nb0");
        LsoSend second = Plan(c, sa, handle, Payload, Mss, LargeSendOffloadType.V2, false, TcpFlags.Ack, sequence + (ulong)first.Segments, "nb1");
        NetBufferList nbl = c.Transport.BuildNbl([TransportSimulator.EthernetFrame(first.Framed.Packet), TransportSimulator.EthernetFrame(second.Framed.Packet)],
            handle, 0, first.Framed.HeaderInfo, name: "lso-two-nbs");
        nbl.Info[NetBufferListInfoId.TcpLargeSend] = first.Framed.LsoSlot(c.Abi);
        c.Send(nbl);
        CompletionEvent completion = c.ExpectCompletedOnce(nbl);
        IReadOnlyList<byte[]> frames = c.Host.FramesOf(nbl);
        if (completion.Status != NdisStatus.Success)
        {
            c.Check(frames.Count == 0, "CMPL-02", $"{nbl.Name} was refused with {completion.Status.ToNdisName()} but transmitted {frames.Count} frame(s)");
            c.Note($"SEND-17: the LSO NBL with two NET_BUFFERs was refused with {completion.Status.ToNdisName()}");
            return;
        }

        c.Note("SEND-17: the LSO NBL with two NET_BUFFERs was segmented; both NBs judged");
        byte[][] segments = [.. frames.Select(VectorRunner.StripEthernet)];
        c.Check(segments.Length == first.Segments + second.Segments, "LSO-03",
            $"{nbl.Name} succeeded with {segments.Length} frame(s), expected {first.Segments} + {second.Segments} segments or a refusal");
        var ivs = new HashSet<string>(StringComparer.Ordinal);
        LsoJudge.Judge(c, sa, nbl.Name + " NB 0", first.Plain, first.Framed, first.Sequence, segments[..first.Segments], ivs);
        LsoJudge.Judge(c, sa, nbl.Name + " NB 1", second.Plain, second.Framed, second.Sequence, segments[first.Segments..], ivs);
    }

    private static void LsoWithTunnel(CaseContext c)
    {
        SaSpec sa = WireKit.Transform("AesGcm128Icv16").Sa(c.Random);
        SaSpec tunnelSa = WireKit.Transform("AesCbc128HmacSha256").Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        ulong tunnelHandle = c.AddSa(SaApi.V2, BundleSpec.Of(tunnelSa));
        LsoSend send = Plan(c, sa, handle, 2000, 800, LargeSendOffloadType.V2, false, TcpFlags.Ack, CaseKit.Sequence(c.Random) - 64, "lso-tunnel");
        send.Nbl.Info.Set(new IPsecOffloadV2TunnelTransmit(tunnelHandle), c.Abi);
        c.Send(send.Nbl);
        LsoJudge.ExpectRefused(c, send.Nbl, "SEND-16", $"LSO with TunnelHandle 0x{tunnelHandle:x}");
    }

    private static void MssZero(CaseContext c)
    {
        SaSpec sa = WireKit.Transform("AesCbc128HmacSha1").Sa(c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        LsoSend send = Plan(c, sa, handle, 2000, 800, LargeSendOffloadType.V2, false, TcpFlags.Ack, CaseKit.Sequence(c.Random) - 64, "lso-mss0");
        send.Nbl.Info[NetBufferListInfoId.TcpLargeSend] = new LsoV2Transmit(0, (uint)send.Framed.TcpHeaderOffsetInFrame, LargeSendOffloadIPVersion.IPv4).ToSlot(c.Abi);
        c.Send(send.Nbl);
        LsoJudge.ExpectRefused(c, send.Nbl, "SEND-18", "LSOv2 MSS 0");
    }
}

/// <summary>
/// The LSO judgement of the wire cases: <see cref="LsoOracle.Check"/> on the segments, its problem lines
/// mapped to LSO-01…05 in one place (<see cref="Requirement"/>; to be swapped for a WireOracle LSO judge
/// when one exists), and the completion slot (SEND-20).
/// </summary>
internal static class LsoJudge
{
    private const int MaxProblems = 5;

    // First match wins: the oracle's line texts (engine/IpsecOffload.Engine/Lso/LsoOracle.cs) → requirement.
    private static readonly (string Text, string Id)[] Map =
    [
        ("segments, expected", "LSO-03"),
        ("TCP checksum", "LSO-05"),
        ("TCP sequence number", "LSO-05"),
        ("TCP flags", "LSO-05"),
        ("TCP header", "LSO-05"),
        ("IPv4 Total Length", "LSO-05"),
        ("IPv6 Payload Length", "LSO-05"),
        ("IPv4 Identification", "LSO-05"),
        ("IPv4 header checksum", "LSO-05"),
        ("IP header", "LSO-05"),
        ("IP next header", "LSO-05"),
        ("ESP SPI", "LSO-02"),
        ("SN_low", "LSO-02"),
        ("64-bit SN", "LSO-02"),
        ("was already used", "LSO-02"),
        ("Pad Length", "LSO-04"),
        ("padding byte", "LSO-04"),
        ("ESP Next Header", "LSO-04"),
        ("alignment", "LSO-04"),
        ("payload bytes", "LSO-03"),
        ("concatenate", "LSO-03"),
    ];

    /// <summary>The requirement an <see cref="LsoOracle"/> problem line breaks (ICV, decryption and anything else: LSO-01).</summary>
    public static string Requirement(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        foreach ((string text, string id) in Map)
        {
            if (problem.Contains(text, StringComparison.Ordinal))
            {
                return id;
            }
        }

        return "LSO-01";
    }

    /// <summary>Requires <paramref name="nbl"/> to succeed with the right completion slot and segments the oracle accepts.</summary>
    public static void ExpectSegmented(CaseContext c, SaSpec sa, NetBufferList nbl, byte[] plain, LsoFramedPacket framed, ulong sequence, ISet<string> ivs)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(nbl);
        ArgumentNullException.ThrowIfNull(framed);
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, "LSO-01");
        CheckCompletion(c, nbl, framed);
        Judge(c, sa, nbl.Name, plain, framed, sequence, [.. frames.Select(VectorRunner.StripEthernet)], ivs);
    }

    /// <summary>Fails with the first oracle problem's requirement when <paramref name="segments"/> are not the segmentation of <paramref name="plain"/>.</summary>
    public static void Judge(CaseContext c, SaSpec sa, string what, byte[] plain, LsoFramedPacket framed, ulong sequence, IReadOnlyList<byte[]> segments, ISet<string> ivs)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(framed);
        IReadOnlyList<string> problems = LsoOracle.Check(sa, plain, framed.Mss, framed.Version, sequence, segments, ivs);
        if (problems.Count > 0)
        {
            c.Fail(Requirement(problems[0]), string.Create(CultureInfo.InvariantCulture,
                $"{what}: a {plain.Length}-byte TCP packet, MSS {framed.Mss}, {framed.Version}, PadLength {framed.PadLength}, first SN 0x{sequence:x}, came out as {segments.Count} segment(s): ")
                + string.Join("; ", problems.Take(MaxProblems)) + (problems.Count > MaxProblems ? $"; … {problems.Count - MaxProblems} more" : "")
                + "\n" + Oracle.WireOracle.SaLine([sa]));
        }
    }

    /// <summary>SEND-20: slot 2 at completion says LSOv1 with the TCP payload bytes sent, or LSOv2 with Reserved 0.</summary>
    public static void CheckCompletion(CaseContext c, NetBufferList nbl, LsoFramedPacket framed)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(framed);
        CompletionEvent completion = c.ExpectCompletedOnce(nbl);
        ulong slot = completion.Info[(int)NetBufferListInfoId.TcpLargeSend];
        if (framed.Version == LargeSendOffloadType.V1)
        {
            LsoV1TransmitComplete v1 = LsoV1TransmitComplete.FromSlot(slot, c.Abi);
            c.Check(v1.Type == LargeSendOffloadType.V1 && v1.TcpPayload == framed.TcpPayloadLength, "SEND-20",
                $"{nbl.Name} completed with slot 2 = 0x{slot:x} (Type {v1.Type}, TcpPayload {v1.TcpPayload}), expected Type V1 and TcpPayload {framed.TcpPayloadLength} (the TCP payload bytes sent)");
            return;
        }

        LsoV2TransmitComplete v2 = LsoV2TransmitComplete.FromSlot(slot, c.Abi);
        c.Check(v2.Type == LargeSendOffloadType.V2 && v2.Reserved == 0, "SEND-20",
            $"{nbl.Name} completed with slot 2 = 0x{slot:x} (Type {v2.Type}, Reserved 0x{v2.Reserved:x}), expected Type V2 and Reserved 0");
    }

    /// <summary>Requires <paramref name="nbl"/> completed once with a failure status and no frame.</summary>
    public static void ExpectRefused(CaseContext c, NetBufferList nbl, string requirement, string why)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(nbl);
        CompletionEvent completion = c.ExpectCompletedOnce(nbl);
        IReadOnlyList<byte[]> frames = c.Host.FramesOf(nbl);
        c.Check(completion.Status != NdisStatus.Success, requirement,
            $"{nbl.Name} ({why}) completed with NDIS_STATUS_SUCCESS after {frames.Count} frame(s), expected a failure status and no frame");
        c.Check(frames.Count == 0, "CMPL-02", $"{nbl.Name} ({why}) was refused with {completion.Status.ToNdisName()} but transmitted {frames.Count} frame(s)");
    }
}
