using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Properties.Generators;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Properties;

/// <summary>One NBL of a planned send: its draw, its NBs made real, the frames it carries and the NBL itself.</summary>
/// <param name="Draw">The NBL's draw.</param>
/// <param name="Nbs">Its NBs.</param>
/// <param name="Frames">The Ethernet frames its NBs carry (framed packets, or plaintext for a zero handle).</param>
/// <param name="Nbl">The NBL.</param>
public sealed record PlannedNbl(NblDraw Draw, IReadOnlyList<BuiltNb> Nbs, IReadOnlyList<byte[]> Frames, NetBufferList Nbl);

/// <summary>
/// Properties over <see cref="SendDraw"/>: adding the SA, planning the chain (framing, handles by fate, MDL
/// geometry), deleting the SA after the case (so one adapter instance serves the whole run), the spread of the
/// draws, the readable counterexample and its vector.
/// </summary>
public abstract class SendProperty : ProbeProperty<SendDraw>
{
    /// <summary>
    /// The handle an unknown-handle NBL carries: never 0 (also in its low half) and never the live handle; for
    /// x86 adapters within 32 bits, as a handle in an x86 pointer-sized slot must be.
    /// </summary>
    public static ulong UnknownHandle(ulong live, ulong drawn, NdisAbi abi)
    {
        ulong unknown = drawn == 0 ? 0x5EED_0000_0000_0001UL : drawn;
        ulong high = abi == NdisAbi.X86 ? 0 : unknown & 0xFFFF_FFFF_0000_0000UL;
        uint low = unchecked((uint)unknown);
        // Step the low half off 0 and off the live handle's low half (x86 slots keep only the low half).
        while (low == 0 || low == unchecked((uint)live))
        {
            low = unchecked(low + 2);
        }

        return high | low;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SendDraw> Shrink(ProbeSpace space, SendDraw draw) => ProbeShrink.Send(space, draw);

    /// <summary>Adds the draw's SA through v2 ADD_SA; returns the handle and the SA (keys from the draw).</summary>
    protected static (ulong Handle, SaSpec Sa) AddSa(CaseContext c, SaDraw draw)
    {
        ArgumentNullException.ThrowIfNull(c);
        SaSpec sa = Materializer.Sa(draw);
        return (c.AddSa(SaApi.V2, Materializer.Bundle(draw, sa)), sa);
    }

    /// <summary>Deletes the case's SA (best effort: a failing case reports its own failure, not this one).</summary>
    protected static void DeleteSa(CaseContext c, ulong handle)
    {
        ArgumentNullException.ThrowIfNull(c);
        c.Transport.DeleteSaV2(handle);
    }

    /// <summary>
    /// The chain of <paramref name="draw"/> on <paramref name="transport"/>: protected NBLs carry the framed packets,
    /// the handle and the first packet's header information; zero-handle NBLs the plaintext packets and handle 0;
    /// unknown-handle NBLs the framed packets on a handle no SA has. <paramref name="flat"/> ignores the drawn geometry.
    /// </summary>
    protected static IReadOnlyList<PlannedNbl> Plan(TransportSimulator transport, SendDraw draw, IReadOnlyList<IReadOnlyList<BuiltNb>> built, ulong handle,
        bool flat = false, string label = "nbl")
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(built);
        var planned = new List<PlannedNbl>(draw.Nbls.Count);
        for (int i = 0; i < draw.Nbls.Count; i++)
        {
            NblDraw nbl = draw.Nbls[i];
            IReadOnlyList<BuiltNb> nbs = built[i];
            bool zero = nbl.Fate == NblFate.ZeroHandle;
            byte[][] frames = [.. nbs.Select(nb => TransportSimulator.EthernetFrame(zero ? nb.Plain : nb.Framed.Packet))];
            ulong h = nbl.Fate switch
            {
                NblFate.ZeroHandle => 0,
                NblFate.UnknownHandle => UnknownHandle(handle, nbs[0].Seed(), transport.Abi),
                _ => handle,
            };
            GeometryDraw[] geometry = [.. nbs.Select(nb => flat ? GeometryDraw.Flat : nb.Geometry)];
            string name = string.Create(CultureInfo.InvariantCulture, $"{label}{i}-{nbl.Fate}-{nbs.Count}nb-{nbs[0].Plain.Length}B");
            NetBufferList list = Materializer.Nbl(transport, frames, geometry, h, zero ? null : nbs[0].Framed.V2HeaderInfo, name);
            planned.Add(new PlannedNbl(nbl, nbs, frames, list));
        }

        return planned;
    }

    /// <inheritdoc/>
    protected override Property Spread(Property law, SendDraw draw)
    {
        ArgumentNullException.ThrowIfNull(law);
        ArgumentNullException.ThrowIfNull(draw);
        NblDraw first = draw.Nbls[0];
        return law
            .Classify(draw.Nbls.Count > 1, "chain of NBLs")
            .Classify(draw.Nbls.Any(n => n.Nbs.Count > 1), "NBL with several NBs")
            .Classify(draw.Nbls.Any(n => n.Nbs.Any(nb => nb.Geometry.Splits.Count > 0)), "split MDLs")
            .Classify(draw.Nbls.Any(n => n.Nbs.Any(nb => nb.Geometry.DataOffset > 0)), "data offset")
            .Classify(first.Payload > 1500, "payload > 1500")
            .Classify(draw.Sa.Esn, "ESN")
            .Classify(draw.Sa.Mode == SaMode.Tunnel, "tunnel")
            .Classify(draw.Sa.UdpEsp != IPsecV2UdpEspEncapsulation.None, "UDP-ESP")
            .Classify(draw.Sa.IPv6, "IPv6")
            .Collect(draw.Sa.Kind.Protocol + " " + first.Shape.Upper);
    }

    /// <inheritdoc/>
    protected override string Describe(ProbeSession session, SendDraw draw)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(draw);
        SaSpec sa = Materializer.Sa(draw.Sa);
        IReadOnlyList<IReadOnlyList<BuiltNb>> built = Materializer.Build(draw, sa, session.Settings.Mtu);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"SA: {draw.Sa}\n");
        text.Append(CultureInfo.InvariantCulture, $"{draw.Nbls.Count} NBL(s), {draw.NetBufferCount} NB(s)\n");
        for (int i = 0; i < draw.Nbls.Count; i++)
        {
            NblDraw nbl = draw.Nbls[i];
            text.Append(CultureInfo.InvariantCulture, $"NBL {i}: {nbl.Fate}, {nbl.Shape}, base payload {nbl.Payload}, {nbl.Nbs.Count} NB(s)\n");
            for (int k = 0; k < built[i].Count; k++)
            {
                BuiltNb nb = built[i][k];
                text.Append(CultureInfo.InvariantCulture, $"  NB {k}: SN 0x{nb.Sequence:x}, geometry {nb.Geometry}, plain packet {nb.Plain.Length} bytes: {Clip(FoundVectors.Hex(nb.Plain))}\n");
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    protected override JsonObject ToVector(ProbeSession session, SendDraw draw, string id, string source, string notes)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(draw);
        SaSpec sa = Materializer.Sa(draw.Sa);
        IReadOnlyList<IReadOnlyList<BuiltNb>> built = Materializer.Build(draw, sa, session.Settings.Mtu);
        BuiltNb first = built[0][0];
        if (draw.Nbls.Count == 1 && draw.Nbls[0].Nbs.Count == 1 && draw.Nbls[0].Fate == NblFate.Protected)
        {
            return FoundVectors.Transform(id, source, draw.Sa, sa, first, ReferenceWire(session, draw, sa), notes);
        }

        var details = new JsonObject
        {
            ["sa"] = draw.Sa.ToString(),
            ["nbls"] = new JsonArray([.. draw.Nbls.Select((n, i) => (JsonNode)new JsonObject
            {
                ["fate"] = n.Fate.ToString(),
                ["geometry"] = new JsonArray([.. n.Nbs.Select(nb => (JsonNode)nb.Geometry.ToString())]),
                ["plainPackets"] = new JsonArray([.. built[i].Select(b => (JsonNode)FoundVectors.Hex(b.Plain))]),
                ["framedPackets"] = new JsonArray([.. built[i].Select(b => (JsonNode)FoundVectors.Hex(b.Framed.Packet))]),
            })]),
            ["expect"] = Law,
        };
        return FoundVectors.Scenario(id, source, Requirements, details, notes);
    }

    /// <summary>What a fresh reference miniport sends for the draw's single protected NB (the wire packet without Ethernet), or null.</summary>
    protected static byte[]? ReferenceWire(ProbeSession session, SendDraw draw, SaSpec sa)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(draw);
        // The session's reference miniport (same profile, host cleared): vectors hold wire bytes, which no ABI changes.
        (Engine.Miniport.ReferenceMiniport reference, RecordingMiniportHost host) = session.Reference;
        var transport = new TransportSimulator(reference, session.Target.Profile.Offload);
        SaAddResult added = transport.AddSaV2(Materializer.Bundle(draw.Sa, sa));
        if (!added.Succeeded)
        {
            return null;
        }

        SendDraw one = draw with { Nbls = [draw.Nbls[0] with { Fate = NblFate.Protected }] };
        IReadOnlyList<PlannedNbl> plan = Plan(transport, one, Materializer.Build(one, sa, session.Settings.Mtu), added.Handle, flat: true);
        reference.SendNetBufferLists(plan[0].Nbl, NdisSendFlags.None);
        IReadOnlyList<byte[]> frames = host.FramesOf(plan[0].Nbl);
        return frames.Count == 0 ? null : frames[0][TransportSimulator.EthernetHeaderLength..];
    }

    private static string Clip(string hex) => hex.Length <= 256 ? hex : hex[..256] + $"… ({hex.Length / 2} bytes)";
}

/// <summary>Small helpers over built NBs.</summary>
internal static class BuiltNbExtensions
{
    /// <summary>A value derived from the NB's bytes, for handles that must look arbitrary but replay.</summary>
    public static ulong Seed(this BuiltNb nb) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(System.Security.Cryptography.SHA256.HashData(nb.Plain));
}
