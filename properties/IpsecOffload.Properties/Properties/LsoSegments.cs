using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Properties.Generators;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Properties;

/// <summary>
/// LSO-01…05, SEND-15, SEND-18: the segments of an LSO + ESP send carry consecutive sequence numbers, drop the
/// PadLength pad bytes and concatenate to the large packet's payload, each a complete ESP packet (WireOracle.JudgeLso).
/// </summary>
public sealed class LsoSegmentsConsecutiveSequenceNumbersPadDroppedConcatenateToPayload : ProbeProperty<LsoDraw>
{
    /// <inheritdoc/>
    public override string Name => "LsoSegments_ConsecutiveSequenceNumbers_PadDropped_ConcatenateToPayload";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } = ["LSO-01", "LSO-02", "LSO-03", "LSO-04", "LSO-05", "SEND-15", "SEND-18"];

    /// <inheritdoc/>
    public override string Law => "an LSO + ESP send of a large TCP packet leaves as ⌈payload/MSS⌉ complete ESP segments with sequence numbers first, first + 1, …, the PadLength pad bytes dropped, TCP payloads concatenating to the large packet's";

    /// <inheritdoc/>
    public override string? NotApplicable(ProbeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return !session.Space.Lso ? "the adapter does not claim LSO with IPsec (NDIS_IPSEC_OFFLOAD_V2.LsoSupported)"
            : session.Space.LsoKinds.Count == 0 || !session.Space.Transport ? "the adapter claims no ESP transform in transport mode for LSO"
            : null;
    }

    /// <inheritdoc/>
    protected override Gen<LsoDraw> Generator(ProbeSpace space) => ProbeGen.Lso(space);

    /// <inheritdoc/>
    protected override IEnumerable<LsoDraw> Shrink(ProbeSpace space, LsoDraw draw) => ProbeShrink.Lso(space, draw);

    /// <inheritdoc/>
    protected override Property Spread(Property law, LsoDraw draw) => law
        .Classify(draw.V1, "LSOv1")
        .Classify(draw.Sa.IPv6, "IPv6")
        .Classify(draw.Payload % draw.Mss == 0, "payload = MSS·n")
        .Collect(draw.Segments + " segment(s)");

    /// <summary>The large packet, its IV and its framing (the transport's counter IV for GCM/GMAC: the 64-bit SN, RFC 4106 §3.1).</summary>
    public static (byte[] Plain, byte[] Iv, LsoFramedPacket Framed) Frame(LsoDraw draw, SaSpec sa)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(sa);
        byte[] plain = PacketBuilder.Build(draw.Sa.IPv6, new PacketShape(UpperLayer.Tcp, 0, 0), draw.Payload, draw.Seed, draw.Flags);
        ulong sequence = First(draw);
        byte[] iv = new byte[sa.IvLength];
        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Cipher, IvLength: > 0 })
        {
            iv = CaseKit.Bytes(PacketBuilder.RandomOf(~draw.Seed), sa.IvLength);
        }
        else if (iv.Length > 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(iv, sequence);
        }

        LsoFramedPacket framed = TransportSimulator.FrameLso(plain, TransportSimulator.Framing(sa, sequence, iv), (uint)draw.Mss,
            draw.V1 ? LargeSendOffloadType.V1 : LargeSendOffloadType.V2);
        return (plain, iv, framed);
    }

    private static ulong First(LsoDraw draw) => draw.Sa.Esn ? ((ulong)draw.Sa.SequenceHigh << 32) | draw.Sa.FirstSequence : draw.Sa.FirstSequence;

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, LsoDraw draw)
    {
        ArgumentNullException.ThrowIfNull(c);
        SaSpec sa = Materializer.Sa(draw.Sa);
        ulong handle = c.AddSa(SaApi.V2, Materializer.Bundle(draw.Sa, sa));
        (byte[] plain, _, LsoFramedPacket framed) = Frame(draw, sa);
        NetBufferList nbl = c.Transport.BuildLsoNbl(framed, handle, name: string.Create(CultureInfo.InvariantCulture,
            $"lso-{(draw.V1 ? "v1" : "v2")}-pay{draw.Payload}-mss{draw.Mss}-pad{framed.PadLength}"));
        c.Send(nbl);
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, "LSO-01");
        OracleJudgement judgement = WireOracle.JudgeLso(framed, plain, sa, frames, c.OracleOptionsFor());
        if (!judgement.Ok)
        {
            c.Fail(judgement.Requirement ?? "LSO-03", $"{nbl.Name}: {judgement.Render()}");
        }

        c.Transport.DeleteSaV2(handle);
    }

    /// <inheritdoc/>
    protected override string Describe(ProbeSession session, LsoDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        SaSpec sa = Materializer.Sa(draw.Sa);
        (byte[] plain, _, LsoFramedPacket framed) = Frame(draw, sa);
        return string.Create(CultureInfo.InvariantCulture,
            $"SA: {draw.Sa}\nLSO{(draw.V1 ? "v1" : "v2")} MSS {draw.Mss}, TCP payload {draw.Payload} bytes ({draw.Segments} segment(s)), PadLength {framed.PadLength}, flags {draw.Flags}, one NB, one MDL\nlarge packet {plain.Length} bytes: {FoundVectors.Hex(plain.AsSpan(0, Math.Min(plain.Length, 128)))}{(plain.Length > 128 ? "…" : "")}\n");
    }

    /// <inheritdoc/>
    protected override JsonObject ToVector(ProbeSession session, LsoDraw draw, string id, string source, string notes)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(draw);
        SaSpec sa = Materializer.Sa(draw.Sa);
        (byte[] plain, byte[] iv, LsoFramedPacket framed) = Frame(draw, sa);
        // The session's reference miniport (same profile, host cleared): vectors hold wire bytes, which no ABI changes.
        (Engine.Miniport.ReferenceMiniport reference, RecordingMiniportHost host) = session.Reference;
        var transport = new TransportSimulator(reference, session.Target.Profile.Offload);
        SaAddResult added = transport.AddSaV2(Materializer.Bundle(draw.Sa, sa));
        NetBufferList nbl = transport.BuildLsoNbl(framed, added.Handle);
        reference.SendNetBufferLists(nbl, NdisSendFlags.None);
        byte[][] wire = [.. host.FramesOf(nbl).Select(f => f[TransportSimulator.EthernetHeaderLength..])];
        return FoundVectors.Lso(id, source, draw, sa, plain, iv, wire, notes);
    }
}
