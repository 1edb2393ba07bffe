using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Properties.Generators;

namespace IpsecOffload.Properties.Properties;

/// <summary>SEND-03: an NBL whose OffloadHandle is 0 leaves the NIC exactly as the transport built it (an SA being live changes nothing).</summary>
public sealed class ZeroHandleLeavesBytesUnchanged : SendProperty
{
    /// <inheritdoc/>
    public override string Name => "ZeroHandle_LeavesBytesUnchanged";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } = ["SEND-03", "SEND-23", "SEND-08", "CMPL-01"];

    /// <inheritdoc/>
    public override string Law => "every NBL with OffloadHandle 0 completes once with SUCCESS and every NB leaves the NIC unchanged (short frames zero-padded), whatever the packet, the chain and the MDL geometry, while an SA is live";

    /// <inheritdoc/>
    protected override Gen<SendDraw> Generator(ProbeSpace space) => ProbeGen.Send(space, Gen.Constant(NblFate.ZeroHandle));

    /// <inheritdoc/>
    protected override IEnumerable<SendDraw> Shrink(ProbeSpace space, SendDraw draw) =>
        ProbeShrink.Send(space, draw, shrinkFates: false);

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, SendDraw draw)
    {
        (ulong handle, SaSpec sa) = AddSa(c, draw.Sa);
        IReadOnlyList<PlannedNbl> plan = Plan(c.Transport, draw, Materializer.Build(draw, sa, session.Settings.Mtu), handle);
        c.Send([.. plan.Select(p => p.Nbl)]);
        foreach (PlannedNbl p in plan)
        {
            c.ExpectUnchanged(p.Nbl, p.Frames, "SEND-03");
        }

        DeleteSa(c, handle);
    }
}

/// <summary>The draw of <see cref="UnknownOrDeletedHandleFailsWithoutFrame"/>: the send, whether its handle was deleted or never existed, and the unknown value.</summary>
/// <param name="Send">The send (every NBL on the bad handle).</param>
/// <param name="Deleted">The handle was returned by ADD_SA and then deleted; else it was never returned.</param>
/// <param name="Unknown">The never-returned handle value (full 64-bit range).</param>
public sealed record HandleDraw(SendDraw Send, bool Deleted, ulong Unknown);

/// <summary>SEND-04, SA-02, SA-05: a non-zero handle that names no live SA fails the NBL with NDIS_STATUS_FAILURE and sends nothing.</summary>
public sealed class UnknownOrDeletedHandleFailsWithoutFrame : ProbeProperty<HandleDraw>
{
    private static readonly ZeroHandleLeavesBytesUnchanged Texts = new();

    /// <inheritdoc/>
    public override string Name => "UnknownOrDeletedHandle_FailsWithoutFrame";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } = ["SEND-04", "SA-02", "SA-05", "CMPL-01", "CMPL-02"];

    /// <inheritdoc/>
    public override string Law => "every NBL whose OffloadHandle was never returned by ADD_SA, or was deleted, completes once with NDIS_STATUS_FAILURE and puts no frame on the wire";

    /// <inheritdoc/>
    protected override Gen<HandleDraw> Generator(ProbeSpace space) =>
        from send in ProbeGen.Send(space)
        from deleted in Gen.Elements(false, true)
        from unknown in ProbeGen.Seed
        select new HandleDraw(send, deleted, unknown);

    /// <inheritdoc/>
    protected override IEnumerable<HandleDraw> Shrink(ProbeSpace space, HandleDraw draw) =>
        (draw.Deleted ? [draw with { Deleted = false }] : Enumerable.Empty<HandleDraw>())
            .Concat(ProbeShrink.Send(space, draw.Send).Select(s => draw with { Send = s }));

    /// <inheritdoc/>
    protected override Property Spread(Property law, HandleDraw draw) => law.Classify(draw.Deleted, "deleted handle").Classify(!draw.Deleted, "never-returned handle");

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, HandleDraw draw)
    {
        SaSpec sa = Materializer.Sa(draw.Send.Sa);
        ulong handle = c.AddSa(SaApi.V2, Materializer.Bundle(draw.Send.Sa, sa));
        ulong bad = draw.Deleted ? handle : SendProperty.UnknownHandle(handle, draw.Unknown, c.Abi);
        if (draw.Deleted)
        {
            c.DeleteSa(SaApi.V2, handle);
        }

        string why = draw.Deleted ? $"handle 0x{bad:x} deleted before the send" : $"handle 0x{bad:x} never returned by ADD_SA";
        IReadOnlyList<IReadOnlyList<BuiltNb>> built = Materializer.Build(draw.Send, sa, session.Settings.Mtu);
        NetBufferList[] nbls = [.. draw.Send.Nbls.Select((n, i) => Materializer.Nbl(c.Transport,
            [.. built[i].Select(b => TransportSimulator.EthernetFrame(b.Framed.Packet))], [.. built[i].Select(b => b.Geometry)], bad,
            built[i][0].Framed.V2HeaderInfo, $"bad{i}-{built[i].Count}nb"))];
        c.Send(nbls);
        foreach (NetBufferList nbl in nbls)
        {
            c.ExpectNoSaRefused(nbl, NdisStatus.Failure, draw.Deleted ? "SA-02" : "SEND-04", why);
        }

        if (!draw.Deleted)
        {
            c.Transport.DeleteSaV2(handle);
        }
    }

    /// <inheritdoc/>
    protected override string Describe(ProbeSession session, HandleDraw draw) =>
        $"handle: {(draw.Deleted ? "deleted" : $"never returned (drawn 0x{draw.Unknown:x16})")}\n" + Texts.Describe(session, draw.Send);

    /// <inheritdoc/>
    protected override System.Text.Json.Nodes.JsonObject ToVector(ProbeSession session, HandleDraw draw, string id, string source, string notes)
    {
        System.Text.Json.Nodes.JsonObject vector = Texts.ToVector(session, draw.Send with { Nbls = [.. draw.Send.Nbls.Select(n => n with { Fate = NblFate.UnknownHandle })] },
            id, source, notes);
        vector["requirement"] = new System.Text.Json.Nodes.JsonArray([.. Requirements.Select(r => (System.Text.Json.Nodes.JsonNode)r)]);
        vector["expect"] = Law;
        vector["handle"] = draw.Deleted ? "deleted" : $"0x{draw.Unknown:x16}";
        return vector;
    }
}

/// <summary>CMPL-01, CMPL-02, SEND-21: every NBL of a chain mixing protected, zero-handle and unknown-handle NBLs is completed exactly once.</summary>
public sealed class EveryNblCompletedExactlyOnce : SendProperty
{
    /// <inheritdoc/>
    public override string Name => "EveryNbl_CompletedExactlyOnce";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } = ["CMPL-01", "CMPL-02", "SEND-21"];

    /// <inheritdoc/>
    public override string Law => "every NBL of a chain (protected, zero-handle and unknown-handle NBLs mixed) is completed exactly once, with a status SEND-21 allows, and no frame of it follows its completion";

    /// <inheritdoc/>
    protected override Gen<SendDraw> Generator(ProbeSpace space) => ProbeGen.Send(space, ProbeGen.MixedFates);

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, SendDraw draw)
    {
        (ulong handle, SaSpec sa) = AddSa(c, draw.Sa);
        IReadOnlyList<PlannedNbl> plan = Plan(c.Transport, draw, Materializer.Build(draw, sa, session.Settings.Mtu), handle);
        c.Send([.. plan.Select(p => p.Nbl)]);
        foreach (PlannedNbl p in plan)
        {
            c.ExpectCompletedOnce(p.Nbl);
        }

        DeleteSa(c, handle);
    }
}

/// <summary>ESP-01…04, AH-01/02, ESN-01, UDPESP-01, SEND-08…10: every frame authenticates and decrypts (oracle) to what the transport framed.</summary>
public sealed class EveryFrameDecryptsToWhatTheTransportFramed : SendProperty
{
    /// <inheritdoc/>
    public override string Name => "EveryFrame_DecryptsToWhatTheTransportFramed";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } =
        ["ESP-01", "ESP-02", "ESP-03", "ESP-04", "ESP-05", "AH-01", "AH-02", "ESN-01", "UDPESP-01", "SEND-08", "SEND-09", "SEND-10"];

    /// <inheritdoc/>
    public override string Law => "every NB of every protected NBL leaves the NIC as one frame whose ICVs verify and whose payload decrypts (BouncyCastle, own parsing) to exactly the packet the transport framed";

    /// <inheritdoc/>
    protected override Gen<SendDraw> Generator(ProbeSpace space) => ProbeGen.Send(space);

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, SendDraw draw)
    {
        (ulong handle, SaSpec sa) = AddSa(c, draw.Sa);
        IReadOnlyList<PlannedNbl> plan = Plan(c.Transport, draw, Materializer.Build(draw, sa, session.Settings.Mtu), handle);
        c.Send([.. plan.Select(p => p.Nbl)]);
        foreach (PlannedNbl p in plan)
        {
            c.ExpectProtected(p.Nbl, [.. p.Nbs.Select(n => n.Framed)], [sa], sa.Protocol == Engine.Sa.IpsecProtocol.Ah ? "AH-01" : "ESP-01");
        }

        DeleteSa(c, handle);
    }
}

/// <summary>SEND-19, SEND-08, ESP-04: the same NBLs sent flat and in the drawn MDL geometry put the same bytes on the wire.</summary>
public sealed class BufferGeometryDoesNotChangeWireBytes : SendProperty
{
    /// <inheritdoc/>
    public override string Name => "BufferGeometry_DoesNotChangeWireBytes";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } = ["SEND-19", "SEND-08", "ESP-04"];

    /// <inheritdoc/>
    public override string Law => "an NBL whose NBs are cut into MDLs at any bytes, with empty MDLs, data offsets and spare bytes, puts on the wire exactly the bytes of the same NBL in one flat MDL (and both verify with the oracle)";

    /// <inheritdoc/>
    protected override Gen<SendDraw> Generator(ProbeSpace space) => ProbeGen.Send(space).Where(d => d.Nbls.Any(n => n.Nbs.Any(nb => !nb.Geometry.IsFlat)));

    /// <inheritdoc/>
    protected override IEnumerable<SendDraw> Shrink(ProbeSpace space, SendDraw draw) =>
        ProbeShrink.Send(space, draw).Where(d => d.Nbls.Any(n => n.Nbs.Any(nb => !nb.Geometry.IsFlat)));

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, SendDraw draw)
    {
        (ulong handle, SaSpec sa) = AddSa(c, draw.Sa);
        IReadOnlyList<IReadOnlyList<BuiltNb>> built = Materializer.Build(draw, sa, session.Settings.Mtu);
        IReadOnlyList<PlannedNbl> flat = Plan(c.Transport, draw, built, handle, flat: true, label: "flat");
        IReadOnlyList<PlannedNbl> shaped = Plan(c.Transport, draw, built, handle, label: "shaped");
        c.Send([.. flat.Select(p => p.Nbl)]);
        c.Send([.. shaped.Select(p => p.Nbl)]);
        bool deterministic = c.Profile.Offload.EspIv == EspIvSource.Transport;
        string requirement = sa.Protocol == Engine.Sa.IpsecProtocol.Ah ? "AH-01" : "ESP-01";
        for (int i = 0; i < flat.Count; i++)
        {
            IReadOnlyList<byte[]> flatFrames = c.ExpectSucceeded(flat[i].Nbl, requirement);
            IReadOnlyList<byte[]> shapedFrames = c.ExpectSucceeded(shaped[i].Nbl, "SEND-19");
            c.Check(shapedFrames.Count == flatFrames.Count, "SEND-08",
                $"{shaped[i].Nbl.Name} sent {shapedFrames.Count} frame(s), the same NBL in flat MDLs {flatFrames.Count}");
            for (int k = 0; deterministic && k < flatFrames.Count; k++)
            {
                OracleJudgement same = WireOracle.JudgeUnchanged(flatFrames[k], shapedFrames[k], padShortFrames: false);
                if (!same.Ok)
                {
                    c.Fail("SEND-19", $"{shaped[i].Nbl.Name} NB {k} (geometry {shaped[i].Nbs[k].Geometry}) differs from the same NB sent flat: {same.Render()}");
                }
            }

            c.ExpectProtected(shaped[i].Nbl, [.. shaped[i].Nbs.Select(n => n.Framed)], [sa], "SEND-19");
        }

        DeleteSa(c, handle);
    }
}

/// <summary>
/// SEND-10, ESP-03, ESP-04, AH-02: where the profile makes bytes deterministic (the transport writes the IV), the
/// adapter's frames and completion statuses equal a fresh reference miniport's for the same chain.
/// </summary>
public sealed class MiniportMatchesReferenceEngine : SendProperty
{
    /// <inheritdoc/>
    public override string Name => "Miniport_MatchesReferenceEngine";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Requirements { get; } = ["SEND-10", "ESP-03", "ESP-04", "AH-02", "SEND-04", "SEND-03"];

    /// <inheritdoc/>
    public override string Law => "for the same SA and chain (protected, zero-handle and unknown-handle NBLs), the adapter completes every NBL with the reference miniport's status and sends byte for byte the reference miniport's frames";

    /// <inheritdoc/>
    public override string? NotApplicable(ProbeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Target.Profile.Offload.EspIv != EspIvSource.Transport
            ? "the profile lets the device write ESP IVs (AMB-01), so bytes are not deterministic"
            : base.NotApplicable(session);
    }

    /// <inheritdoc/>
    protected override Gen<SendDraw> Generator(ProbeSpace space) => ProbeGen.Send(space, ProbeGen.MixedFates);

    /// <inheritdoc/>
    protected override void Check(CaseContext c, ProbeSession session, SendDraw draw)
    {
        (ulong handle, SaSpec sa) = AddSa(c, draw.Sa);
        IReadOnlyList<IReadOnlyList<BuiltNb>> built = Materializer.Build(draw, sa, session.Settings.Mtu);
        IReadOnlyList<PlannedNbl> plan = Plan(c.Transport, draw, built, handle);
        c.Send([.. plan.Select(p => p.Nbl)]);

        (Engine.Miniport.ReferenceMiniport reference, RecordingMiniportHost referenceHost) = session.Reference;
        var referenceTransport = new TransportSimulator(reference, c.Profile.Offload);
        SaAddResult added = referenceTransport.AddSaV2(Materializer.Bundle(draw.Sa, sa));
        IReadOnlyList<PlannedNbl> referencePlan = Plan(referenceTransport, draw, built, added.Handle);
        NetBufferList chain = NetBufferList.Link(referencePlan.Select(p => p.Nbl))!;
        reference.SendNetBufferLists(chain, NdisSendFlags.None);
        referenceTransport.DeleteSaV2(added.Handle);

        for (int i = 0; i < plan.Count; i++)
        {
            CompletionEvent completion = c.ExpectCompletedOnce(plan[i].Nbl);
            NdisStatus expected = referenceHost.CompletionsOf(referencePlan[i].Nbl) is [{ } r] ? r.Status : NdisStatus.Failure;
            IReadOnlyList<byte[]> frames = c.Host.FramesOf(plan[i].Nbl), referenceFrames = referenceHost.FramesOf(referencePlan[i].Nbl);
            c.Check(completion.Status == expected && frames.Count == referenceFrames.Count, draw.Nbls[i].Fate == NblFate.UnknownHandle ? "SEND-04" : "SEND-10",
                $"{plan[i].Nbl.Name} completed with {completion.Status.ToNdisName()} after {frames.Count} frame(s); the reference miniport completes it with {expected.ToNdisName()} after {referenceFrames.Count}");
            for (int k = 0; k < frames.Count; k++)
            {
                OracleJudgement same = WireOracle.JudgeUnchanged(referenceFrames[k], frames[k], padShortFrames: false);
                if (!same.Ok)
                {
                    c.Fail("SEND-10", $"{plan[i].Nbl.Name} NB {k} differs from the reference miniport's frame for the same input (expected = reference): {same.Render()}");
                }
            }
        }

        DeleteSa(c, handle);
    }
}
