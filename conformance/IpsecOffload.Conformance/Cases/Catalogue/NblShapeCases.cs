using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// The shape of what a send carries: several NET_BUFFERs sharing one header word (SEND-08, SEND-32), NB and
/// NBL order on the wire (SEND-22), MDL geometry (SEND-19, AMB-33), short frames (SEND-23), checksum OOB
/// without an IP version (SEND-29), an unfragmented DF packet near the MTU (SEND-24), and a header word
/// that disagrees with the packet (SEND-12, SEND-13: outside the contract; refused or sent correctly,
/// docs/decisions/send-12-13-header-word-mismatch.md).
/// </summary>
internal static class NblShapeCases
{
    // RFC 4303 §2: | SPI (4) | Sequence Number (4) | IV … — the sequence number follows the SPI.
    private const int EspSequenceNumberOffset = 4;

    private const int Payload = 23;
    private const int Ethernet = TransportSimulator.EthernetHeaderLength;
    private const int MinimumFrame = 60;

    public static IEnumerable<ConformanceCase> All =>
    [
        .. Apis.Select(api => Case($"Send08_SeveralNetBuffersOfDifferentLengths_AllProtectedWithConsecutiveSequenceNumbers_{api}",
            ["SEND-08", "SEND-32", "SEND-10", "ESP-03"],
            $"{api}: one NBL of 4 NBs whose payloads differ by whole cipher blocks (one PadLength for all, SEND-32), consecutive sequence numbers: every NB goes out protected with its own sequence number",
            [CaseKit.EspFeatureFor(api)], c => SeveralNetBuffers(c, api))),
        Case("Send08_SeveralAhNetBuffers_AllProtected_V2", ["SEND-08", "SEND-32", "AH-01"],
            "V2: one NBL of 3 AH NBs of different lengths with consecutive sequence numbers: each ICV verifies",
            [HandleCases.AhFeatureFor(SaApi.V2)], SeveralAhNetBuffers),
        .. Apis.Select(api => Case($"Send22_ChainOfNblsWithSeveralNetBuffers_WireOrderKept_{api}", ["SEND-22", "SEND-08", "CMPL-01"],
            $"{api}: 3 NBLs of 3 NBs in one chain with consecutive sequence numbers: the frames leave in NB and NBL order",
            [CaseKit.EspFeatureFor(api)], c => WireOrder(c, api))),
        .. Geometries.Select(g => Case($"Send19_MdlSplitAtEveryHeaderBoundary_SameWireBytes_{g.Label}", ["SEND-19", "SEND-08"],
            $"{g.Api} {g.Label}: the same framed packet in 10 MDL layouts (split at each header boundary, all of them, empty MDLs, one MDL per byte, a data offset with spare bytes): the same protected frame each time",
            [g.Feature], c => Geometry(c, g))),
        Case("Send23_ShortFramesWithSpareBytesInTheMdl_ZeroPaddedTo60", ["SEND-23", "SEND-03"],
            "frames of 42, 46, 59, 60 and 61 bytes without offload, each NB's MDL followed by non-zero spare bytes: short frames are padded to 60 with zeros (profile PadShortFrames), the others unchanged",
            [], ShortFrames),
        .. Apis.Select(api => Case($"Send29_ChecksumInfoWithoutIpVersion_NoChecksumWork_{api}", ["SEND-29", "ESP-02"],
            $"{api}: an ESP NBL whose checksum OOB (slot 0) sets TcpChecksum, UdpChecksum and IpHeaderChecksum but neither IsIPv4 nor IsIPv6: the inner UDP checksum (deliberately wrong) and IP header go out as framed",
            [CaseKit.EspFeatureFor(api)], c => ChecksumWithoutIpVersion(c, api))),
        .. Apis.Select(api => Case($"Send24_UnfragmentedDfPacketNearTheMtu_Protected_{api}", ["SEND-24", "SEND-09"],
            $"{api}: a 1400-byte UDP payload with DF set and no fragment fields (the transport never offloads fragments): protected, DF and fragment fields unchanged",
            [CaseKit.EspFeatureFor(api)], c => NearMtu(c, api))),
        .. Mismatches.SelectMany(m => V2Apis.Select(api => Case($"{m.Name}_RefusedOrProtectedAsFramed_{api}", [m.Requirement, "CMPL-01", "CMPL-03"],
            $"{api}: [good, {m.What}, good]: the middle NBL completes once, refused with a SEND-21 failure status and no frame or sent protected as framed; the others protected",
            [CaseKit.EspFeatureFor(api)], c => Mismatch(c, api, m)))),
    ];

    private static SaApi[] Apis => [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    private static SaApi[] V2Apis => [SaApi.V2, SaApi.V2Ex];

    private static FramedPacket Frame(CaseContext c, SaSpec sa, ulong sequence, int payload = Payload) =>
        CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, payload), sa, sequence);

    // ------------------------------------------------------------------ SEND-08 / SEND-32

    private static void SeveralNetBuffers(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        int block = sa.EspPadAlignment;
        int[] blocks = [0, 7, 2, 13];
        int basePayload = Payload + c.Random.Next(block);
        FramedPacket[] packets = [.. blocks.Select((k, i) => Frame(c, sa, sequence + (ulong)i, basePayload + (k * block)))];
        NetBufferList nbl = c.Nbl(api, packets, handle, name: "four-nbs");
        c.Send(nbl);
        c.ExpectProtected(nbl, packets, [sa], "SEND-08");
    }

    private static void SeveralAhNetBuffers(CaseContext c)
    {
        SaSpec sa = HandleCases.AhFor(SaApi.V2, c.Random);
        ulong handle = c.AddSa(SaApi.V2, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [Frame(c, sa, sequence, 5), Frame(c, sa, sequence + 1, 301), Frame(c, sa, sequence + 2, 64)];
        NetBufferList nbl = c.Nbl(SaApi.V2, packets, handle, name: "three-ah-nbs");
        c.Send(nbl);
        c.ExpectProtected(nbl, packets, [sa], "SEND-08");
    }

    // ------------------------------------------------------------------ SEND-22

    private static void WireOrder(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        int block = sa.EspPadAlignment;
        FramedPacket[][] packets = [.. Enumerable.Range(0, 3).Select(n => Enumerable.Range(0, 3)
            .Select(i => Frame(c, sa, sequence + (ulong)((n * 3) + i), Payload + (i * 2 * block))).ToArray())];
        NetBufferList[] nbls = [.. packets.Select((p, n) => c.Nbl(api, p, handle, name: $"nbl-{n}"))];
        c.Send(nbls);

        List<FrameEvent> frames = [.. c.Host.Events.OfType<FrameEvent>()];
        c.Check(frames.Count == 9, "SEND-08", $"3 NBLs of 3 NET_BUFFERs were sent, {frames.Count} frame(s) went out");
        for (int i = 0; i < frames.Count; i++)
        {
            byte[] frame = frames[i].Frame;
            uint expected = unchecked((uint)(sequence + (ulong)i));
            uint actual = frame.Length >= Ethernet + 28 ? BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(Ethernet + 20 + EspSequenceNumberOffset)) : 0;
            c.Check(actual == expected, "SEND-22",
                $"frame {i} on the wire ({frames[i].Owner.Name}) carries ESP sequence number 0x{actual:x8}, expected 0x{expected:x8} (NB {i % 3} of nbl-{i / 3}): NB order inside an NBL and NBL order must be kept");
        }

        for (int n = 0; n < nbls.Length; n++)
        {
            c.ExpectProtected(nbls[n], packets[n], [sa], "SEND-22");
        }
    }

    // ------------------------------------------------------------------ SEND-19

    /// <summary>One SA kind the geometry cases send.</summary>
    internal sealed record GeometryKind(string Label, SaApi Api, Func<Random, SaSpec> Sa, Feature Feature);

    private static GeometryKind[] Geometries =>
    [
        new("V2EspAesCbc256Sha256", SaApi.V2, r => CaseKit.EspFor(SaApi.V2, r), CaseKit.EspFeatureFor(SaApi.V2)),
        new("V2ExEspAesGcm128", SaApi.V2Ex, r => CaseKit.EspFor(SaApi.V2Ex, r), CaseKit.EspFeatureFor(SaApi.V2Ex)),
        new("V1Esp3DesSha1", SaApi.V1, r => CaseKit.EspFor(SaApi.V1, r), CaseKit.EspFeatureFor(SaApi.V1)),
        new("V1AhSha1", SaApi.V1, r => HandleCases.AhFor(SaApi.V1, r), HandleCases.AhFeatureFor(SaApi.V1)),
        new("V2AhSha256", SaApi.V2, r => HandleCases.AhFor(SaApi.V2, r), HandleCases.AhFeatureFor(SaApi.V2)),
    ];

    private static void Geometry(CaseContext c, GeometryKind kind)
    {
        SaSpec sa = kind.Sa(c.Random);
        ulong handle = c.AddSa(kind.Api, BundleSpec.Of(sa));
        FramedPacket framed = Frame(c, sa, CaseKit.Sequence(c.Random), 37);
        byte[] frame = CaseKit.EthernetFrame(framed);
        FramedHeader h = framed.Headers[0];
        int[] boundaries = [.. new[]
            {
                Ethernet, Ethernet + h.Offset, Ethernet + h.Offset + 4, Ethernet + h.IvOffset, Ethernet + h.IvOffset + h.IvLength,
                Ethernet + h.ProtectedOffset, Ethernet + h.ProtectedOffset + h.ProtectedLength - 2, Ethernet + h.IcvOffset,
            }
            .Where(b => b > 0 && b < frame.Length).Distinct().Order()];

        List<(string Name, int[] Splits)> layouts =
        [
            ("contiguous", []),
            ("eth|ip", [Ethernet]),
            ("ip|ipsec-header", [Ethernet + h.Offset]),
            ("inside-ipsec-header", [Ethernet + h.Offset + 4, Ethernet + h.Offset + 6]),
            ("before-trailer-and-icv", [.. boundaries.Where(b => b >= Ethernet + h.ProtectedOffset)]),
            ("every-boundary", boundaries),
            ("every-boundary-with-empty-mdls", [.. boundaries.SelectMany(b => new[] { b, b })]),
            ("one-mdl-per-byte", [.. Enumerable.Range(1, frame.Length - 1)]),
            ("odd-1-2-3-last", [1, 2, 3, frame.Length - 1]),
        ];
        List<NetBufferList> nbls = [.. layouts.Select(l => c.Nbl(kind.Api, [framed], handle, splitAt: l.Splits, name: l.Name))];

        // A data offset into the first MDL, non-zero unused bytes before the data and spare bytes after it.
        byte[] chain = [.. CaseKit.Bytes(c.Random, 5), .. frame, .. CaseKit.Bytes(c.Random, 7)];
        NetBuffer offsetNb = NetBuffer.FromChainBytes(chain,
            [.. new[] { 3, 5 + Ethernet, 5 + Ethernet + h.Offset, 5 + Ethernet + h.ProtectedOffset + 1 }.Distinct().Order()], 5, frame.Length);
        var offsetNbl = new NetBufferList(offsetNb) { Name = "data-offset-5-with-spare-bytes" };
        offsetNbl.Info.Set(new IPsecOffloadV2Transmit(handle), c.Abi);
        if (kind.Api != SaApi.V1)
        {
            offsetNbl.Info.Set(framed.V2HeaderInfo, c.Abi);
        }

        nbls.Add(offsetNbl);
        c.Send([.. nbls]);

        byte[]? reference = null;
        foreach (NetBufferList nbl in nbls)
        {
            c.ExpectProtected(nbl, [framed], [sa], "SEND-19");
            byte[] wire = c.Host.FramesOf(nbl)[0];
            reference ??= wire;
            if (c.Profile.Offload.EspIv == Engine.Profile.EspIvSource.Transport)
            {
                c.Check(wire.AsSpan().SequenceEqual(reference), "SEND-19",
                    $"{nbl.Name}: the frame differs from the contiguous layout's frame although the NB data is the same");
            }
        }
    }

    // ------------------------------------------------------------------ SEND-23

    private static void ShortFrames(CaseContext c)
    {
        int[] lengths = [42, 46, 59, 60, 61];
        byte[][] inputs = [.. lengths.Select(l => TransportSimulator.EthernetFrame(CaseKit.Udp4(c.Random, l - Ethernet - 28)))];
        NetBuffer[] buffers = [.. inputs.Select(f => NetBuffer.FromChainBytes([.. f, .. CaseKit.Bytes(c.Random, 16)], [], 0, f.Length))];
        var nbl = new NetBufferList(buffers) { Name = "short-frames" };
        c.Send(nbl);
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, "SEND-23");
        c.Check(frames.Count == inputs.Length, "SEND-08", $"{nbl.Name} carried {inputs.Length} NET_BUFFERs but {frames.Count} frame(s) went out");
        if (c.Profile.Offload.PadShortFrames)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i].Length >= MinimumFrame)
                {
                    continue;
                }

                c.Check(frames[i].Length == MinimumFrame, "SEND-23", $"NB {i}: a {inputs[i].Length}-byte frame went out with {frames[i].Length} bytes, expected padding to {MinimumFrame}");
                int junk = Array.FindIndex(frames[i], inputs[i].Length, b => b != 0);
                c.Check(junk < 0, "SEND-23",
                    $"NB {i}: the padding of a {inputs[i].Length}-byte frame is not zero: byte {junk} is 0x{(junk < 0 ? 0 : frames[i][junk]):x2} (padding is zeros; the spare bytes after the data in the MDL must not leak into it)");
            }
        }

        c.ExpectUnchanged(nbl, inputs, "SEND-23");
    }

    // ------------------------------------------------------------------ SEND-29

    private static void ChecksumWithoutIpVersion(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        byte[] plain = CaseKit.Udp4(c.Random, Payload);
        const int UdpChecksumAt = 20 + 6;
        BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(UdpChecksumAt), unchecked((ushort)(BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(UdpChecksumAt)) | 0x0101)));
        FramedPacket framed = CaseKit.Frame(c.Random, plain, sa, CaseKit.Sequence(c.Random));
        NetBufferList nbl = c.Nbl(api, [framed], handle, name: "checksum-bits-without-ip-version");
        nbl.Info.Set(new TcpIpChecksumTransmit(IsIPv4: false, IsIPv6: false, TcpChecksum: true, UdpChecksum: true, IpHeaderChecksum: true,
            TcpHeaderOffset: Ethernet + 20), c.Abi);
        c.Send(nbl);
        c.ExpectProtected(nbl, [framed], [sa], "SEND-29");
    }

    // ------------------------------------------------------------------ SEND-24

    private static void NearMtu(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        FramedPacket framed = Frame(c, sa, CaseKit.Sequence(c.Random), 1400);
        c.Check((framed.Packet[6] & 0x40) != 0 && (BinaryPrimitives.ReadUInt16BigEndian(framed.Packet.AsSpan(6)) & 0x3FFF) == 0, "SEND-24",
            "harness: the framed packet must have DF set, MF clear and fragment offset 0");
        NetBufferList nbl = c.Nbl(api, [framed], handle, name: "df-1400");
        c.Send(nbl);
        c.ExpectProtected(nbl, [framed], [sa], "SEND-24");
    }

    // ------------------------------------------------------------------ SEND-12 / SEND-13

    /// <summary>A header word that disagrees with the packet.</summary>
    internal sealed record HeaderMismatch(string Name, string Requirement, string What, Func<FramedPacket, SaSpec, IPsecOffloadV2HeaderTransmit> Word);

    private static HeaderMismatch[] Mismatches =>
    [
        new("Send12_EspHeaderOffsetInsideTheIpHeader", "SEND-12", "EspHeaderOffset 3 (12 bytes, inside the IPv4 header)",
            (f, _) => f.V2HeaderInfo with { EspHeaderOffset = 3 }),
        new("Send12_EspHeaderOffsetBeyondThePacket", "SEND-12", "EspHeaderOffset 255 (1020 bytes, past the packet)",
            (f, _) => f.V2HeaderInfo with { EspHeaderOffset = 255 }),
        new("Send12_EspHeaderOffsetOnTheInnerUdpHeader", "SEND-12", "EspHeaderOffset on the UDP header inside the ESP payload",
            (f, sa) => f.V2HeaderInfo with { EspHeaderOffset = (byte)((f.EspHeaderOffset + 8 + sa.IvLength) / 4) }),
        new("Send12_AhHeaderOffsetOnAnEspOnlyPacket", "SEND-12", "AhHeaderOffset 5 on an ESP-only packet",
            (f, _) => f.V2HeaderInfo with { AhHeaderOffset = 5 }),
        new("Send13_PadLengthDisagreesWithTheTrailer", "SEND-13", "OOB PadLength 4 more than the trailer's Pad Length",
            (f, _) => f.V2HeaderInfo with { PadLength = unchecked((byte)(f.PadLength + 4)) }),
        new("Send13_NextHeaderDisagreesWithTheTrailer", "SEND-13", "OOB NextHeader TCP (6) while the trailer says UDP (17)",
            (f, _) => f.V2HeaderInfo with { NextHeader = IpProtocol.Tcp }),
    ];

    private static void Mismatch(CaseContext c, SaApi api, HeaderMismatch mismatch)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket good1 = Frame(c, sa, sequence), odd = Frame(c, sa, sequence + 1), good2 = Frame(c, sa, sequence + 2);
        NetBufferList first = c.Nbl(api, [good1], handle, name: "good-before");
        NetBufferList bad = c.Transport.BuildNbl([CaseKit.EthernetFrame(odd)], handle, 0, mismatch.Word(odd, sa), name: "header-word-mismatch");
        NetBufferList last = c.Nbl(api, [good2], handle, name: "good-after");
        c.Send(first, bad, last);
        c.ExpectRefusedOrProtected(bad, [odd], [sa], mismatch.Requirement, mismatch.What);
        c.ExpectProtected(first, [good1], [sa], "CMPL-03");
        c.ExpectProtected(last, [good2], [sa], "CMPL-03");
    }
}
