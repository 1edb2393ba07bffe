using System.Globalization;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Conformance.Cases;

/// <summary>Which OID adds an SA: v1 <c>ADD_SA</c>, v2 <c>ADD_SA</c>, or v2 <c>ADD_SA_EX</c>.</summary>
public enum SaApi
{
    /// <summary><c>OID_TCP_TASK_IPSEC_ADD_SA</c> (v1).</summary>
    V1,

    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c>.</summary>
    V2,

    /// <summary><c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX</c>.</summary>
    V2Ex,
}

/// <summary>
/// What a case works with: a fresh, initialized adapter on a recording host, the transport simulator in
/// front of it, the profile, a seeded random source (the case's replay seed), the adapter's
/// capabilities, and the checks. Every check that fails throws <see cref="CaseFailedException"/> with a
/// message that starts with the requirement id and ends with how to reproduce the case.
/// Judging goes through <see cref="WireOracle"/> only (own parsing, BouncyCastle), never through the
/// reference engine's transforms.
/// </summary>
public sealed class CaseContext
{
    private readonly List<SaSpec> _sas = [];
    private readonly List<string> _notes = [];

    /// <summary>Makes the context of <paramref name="case"/> on an initialized <paramref name="miniport"/>.</summary>
    public CaseContext(ConformanceCase @case, IMiniport miniport, RecordingMiniportHost host, ConformanceProfile profile,
        AdapterCapabilities capabilities, int runSeed)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(profile);
        Case = @case;
        Miniport = miniport ?? throw new ArgumentNullException(nameof(miniport));
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Profile = profile;
        Capabilities = capabilities ?? throw new ArgumentNullException(nameof(capabilities));
        RunSeed = runSeed;
        Seed = CaseSeed(runSeed, @case.Name);
        Random = new Random(Seed);
        Transport = new TransportSimulator(miniport, profile.Offload);
    }

    /// <summary>The case being run.</summary>
    public ConformanceCase Case { get; }

    /// <summary>The adapter under test.</summary>
    public IMiniport Miniport { get; }

    /// <summary>What the adapter transmitted and completed.</summary>
    public RecordingMiniportHost Host { get; }

    /// <summary>The transport simulator driving the adapter (OIDs, framing, NBLs).</summary>
    public TransportSimulator Transport { get; }

    /// <summary>The assumptions the run judges by.</summary>
    public ConformanceProfile Profile { get; }

    /// <summary>The adapter's advertised capabilities.</summary>
    public AdapterCapabilities Capabilities { get; }

    /// <summary>The run's seed.</summary>
    public int RunSeed { get; }

    /// <summary>This case's seed, derived from the run seed and the case name.</summary>
    public int Seed { get; }

    /// <summary>Random values of this case (seeded with <see cref="Seed"/>).</summary>
    public Random Random { get; }

    /// <summary>The ABI of the adapter's structures.</summary>
    public NdisAbi Abi => Miniport.Identity.Abi;

    /// <summary>The SAs the case added (for the evidence's Wireshark SA table).</summary>
    public IReadOnlyList<SaSpec> Sas => _sas;

    /// <summary>Notes the case left for the report (e.g. what it probed).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>How to run this case again: the CLI filter and the run seed.</summary>
    public string Reproduce => ReproduceLine(Case, RunSeed);

    /// <summary>The replay line of a case under a run seed.</summary>
    public static string ReproduceLine(ConformanceCase @case, int runSeed)
    {
        ArgumentNullException.ThrowIfNull(@case);
        string vector = @case.VectorId is null ? string.Empty : $"vector {@case.VectorId}; ";
        return string.Create(CultureInfo.InvariantCulture, $"{vector}ipsec-conformance run --filter {@case.Name} --seed {runSeed} (case seed {CaseSeed(runSeed, @case.Name)})");
    }

    /// <summary>The case seed: FNV-1a of the case name mixed with the run seed (stable across machines and runtimes).</summary>
    public static int CaseSeed(int runSeed, string caseName)
    {
        ArgumentNullException.ThrowIfNull(caseName);
        uint hash = 2166136261;
        foreach (char c in caseName)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return unchecked((int)(hash ^ (uint)runSeed) & int.MaxValue);
    }

    /// <summary>Whether the adapter claims <paramref name="feature"/>.</summary>
    public bool Claims(Feature feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        return feature.IsClaimed(Capabilities);
    }

    /// <summary>Leaves a note for the report.</summary>
    public void Note(string note) => _notes.Add(note);

    /// <summary>Fails the case: <c>[REQ] message</c> followed by the reproduce line.</summary>
    public CaseFailedException Fail(string requirement, string message) =>
        throw new CaseFailedException($"[{requirement}] {message}\nreproduce: {Reproduce}");

    /// <summary>Fails the case with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public void Check(bool condition, string requirement, string message)
    {
        if (!condition)
        {
            Fail(requirement, message);
        }
    }

    /// <summary>Ends the case as NotApplicable with <paramref name="reason"/>.</summary>
    public static NotApplicableException NotApplicable(string reason) => throw new NotApplicableException(reason);

    /// <summary>
    /// Adds <paramref name="bundle"/> through <paramref name="api"/> and returns its handle. A refusal ends the
    /// case: NotApplicable when one of the case's features is not claimed (the adapter may refuse what it
    /// does not advertise), otherwise a failure of SA-01 (claimed but broken).
    /// </summary>
    public ulong AddSa(SaApi api, BundleSpec bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        SaAddResult result = TryAddSa(api, bundle);
        if (result.Succeeded)
        {
            return result.Handle;
        }

        string what = $"{api} ADD_SA of [{string.Join(", ", bundle.Sas)}]{(bundle.IPv6 ? " (IPv6)" : "")} completed with {result.Status.ToNdisName()}";
        Feature? unclaimed = Case.Needs.FirstOrDefault(f => !Claims(f));
        if (unclaimed is not null)
        {
            NotApplicable($"the adapter does not claim {unclaimed.Name} ({unclaimed.Capability}) and refused the SA: {what}");
        }

        throw Fail("SA-01", $"claimed but broken: {what}; the adapter claims {string.Join(", ", Case.Needs.Select(f => f.Name))}");
    }

    /// <summary>Adds <paramref name="bundle"/> and returns the raw result (no judgement); records the SAs when it succeeds.</summary>
    public SaAddResult TryAddSa(SaApi api, BundleSpec bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        SaAddResult result = Adapter(() => api switch
        {
            SaApi.V1 => Transport.AddSaV1(bundle),
            SaApi.V2 => Transport.AddSaV2(bundle),
            _ => Transport.AddSaV2Ex(bundle),
        }, $"{api} ADD_SA");
        if (result.Succeeded)
        {
            _sas.AddRange(bundle.Sas);
        }

        return result;
    }

    /// <summary>Records <paramref name="sas"/> for the evidence (SAs added by a case through the transport directly).</summary>
    public void RecordSas(IEnumerable<SaSpec> sas) => _sas.AddRange(sas);

    /// <summary>Deletes <paramref name="handle"/> (v1 or v2 OID) and requires SUCCESS (SA-02 precondition).</summary>
    public void DeleteSa(SaApi api, ulong handle)
    {
        OidResult result = Adapter(() => api == SaApi.V1 ? Transport.DeleteSaV1(handle) : Transport.DeleteSaV2(handle), "DELETE_SA");
        Check(result.Status == NdisStatus.Success, "SA-02", $"{api} DELETE_SA of handle 0x{handle:x} completed with {result.Status.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
    }

    /// <summary>
    /// An NBL with one NB per framed packet (Ethernet frames); v2 NBLs carry the first packet's header word
    /// (SEND-32), v1 NBLs none (SEND-27).
    /// </summary>
    public NetBufferList Nbl(SaApi api, IReadOnlyList<FramedPacket> packets, ulong offloadHandle, ulong tunnelHandle = 0, int[]? splitAt = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(packets);
        return Transport.BuildNbl([.. packets.Select(p => TransportSimulator.EthernetFrame(p.Packet))], offloadHandle, tunnelHandle,
            api == SaApi.V1 ? null : packets[0].V2HeaderInfo, splitAt, name);
    }

    /// <summary>Links <paramref name="nbls"/> into one chain and sends it; an exception from the adapter fails CMPL-01.</summary>
    public void Send(params NetBufferList[] nbls) => Send(NdisSendFlags.None, nbls);

    /// <summary>Sends the chain with <paramref name="flags"/>.</summary>
    public void Send(NdisSendFlags flags, params NetBufferList[] nbls)
    {
        ArgumentNullException.ThrowIfNull(nbls);
        NetBufferList chain = NetBufferList.Link(nbls)!;
        Adapter(() =>
        {
            Miniport.SendNetBufferLists(chain, flags);
            return 0;
        }, "MiniportSendNetBufferLists");
        AwaitCompletions(nbls);
    }

    /// <summary>
    /// How long a case waits for a miniport that completes NBLs asynchronously (after
    /// <c>MiniportSendNetBufferLists</c> returns, from another thread, batched) before judging; an NBL not
    /// completed by then fails CMPL-01.
    /// </summary>
    public static TimeSpan CompletionTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Waits until each of <paramref name="nbls"/> has been completed at least once, or <see cref="CompletionTimeout"/> passed.</summary>
    public void AwaitCompletions(IReadOnlyList<NetBufferList> nbls)
    {
        ArgumentNullException.ThrowIfNull(nbls);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!nbls.All(n => Host.CompletionsOf(n).Count > 0) && clock.Elapsed < CompletionTimeout)
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Runs an adapter call; an exception escaping the adapter fails the case (a miniport must not crash), except
    /// <see cref="MiniportUnavailableException"/>, which blocks it with the adapter's reason.
    /// </summary>
    public T Adapter<T>(Func<T> call, string what)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call();
        }
        catch (MiniportUnavailableException e)
        {
            // The adapter cannot be driven (an out-of-process adapter died, hung or broke the protocol): no verdict on it.
            throw new CaseBlockedException(e.Message, e);
        }
        catch (Exception e) when (e is not CaseFailedException and not NotApplicableException and not CaseBlockedException)
        {
            throw Fail("CMPL-01", $"{what} threw {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Requires exactly one completion of <paramref name="nbl"/> (CMPL-01), with a status SEND-21 allows,
    /// and no frame after it (CMPL-02). Returns the completion.
    /// </summary>
    public CompletionEvent ExpectCompletedOnce(NetBufferList nbl)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        IReadOnlyList<CompletionEvent> completions = Host.CompletionsOf(nbl);
        Check(completions.Count == 1, "CMPL-01", $"{nbl.Name} was completed {completions.Count} times, expected exactly once"
            + (completions.Count == 0 ? $" (waited {CompletionTimeout.TotalSeconds:0} s after MiniportSendNetBufferLists returned)" : "")
            + (completions.Count > 1 ? $" (statuses {string.Join(", ", completions.Select(c => c.Status.ToNdisName()))})" : ""));
        CompletionEvent completion = completions[0];
        Check(completion.Status.IsValidSendCompletion(), "SEND-21",
            $"{nbl.Name} completed with {completion.Status.ToNdisName()}, which is not a send completion status SEND-21 allows");
        List<MiniportEvent> events = [.. Host.Events];
        int completedAt = events.FindIndex(e => e is CompletionEvent c && ReferenceEquals(c.NetBufferList, nbl));
        int lastFrame = events.FindLastIndex(e => e is FrameEvent f && ReferenceEquals(f.Owner, nbl));
        Check(lastFrame < completedAt, "CMPL-02", $"{nbl.Name} transmitted a frame (event {lastFrame}) after its completion (event {completedAt})");
        return completion;
    }

    /// <summary>Requires <paramref name="nbl"/> completed once with SUCCESS under <paramref name="requirement"/>; returns its frames.</summary>
    public IReadOnlyList<byte[]> ExpectSucceeded(NetBufferList nbl, string requirement)
    {
        CompletionEvent completion = ExpectCompletedOnce(nbl);
        Check(completion.Status == NdisStatus.Success, requirement,
            $"{nbl.Name} completed with {completion.Status.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
        return Host.FramesOf(nbl);
    }

    /// <summary>
    /// Requires <paramref name="nbl"/> completed once with <paramref name="status"/> under <paramref name="requirement"/>
    /// and no frame transmitted for it (CMPL-02).
    /// </summary>
    public void ExpectRefused(NetBufferList nbl, NdisStatus status, string requirement, string why)
    {
        CompletionEvent completion = ExpectCompletedOnce(nbl);
        IReadOnlyList<byte[]> frames = Host.FramesOf(nbl);
        Check(completion.Status == status, requirement,
            $"{nbl.Name} ({why}) completed with {completion.Status.ToNdisName()} after {frames.Count} frame(s), expected {status.ToNdisName()} and no frame");
        Check(frames.Count == 0, "CMPL-02", $"{nbl.Name} ({why}) was refused with {status.ToNdisName()} but transmitted {frames.Count} frame(s)");
    }

    /// <summary>
    /// Requires an NBL whose handle names no live SA (never added, deleted, or unknown) to send nothing (SA-05:
    /// a frame would leak the payload the transport framed for protection), then to complete once with
    /// <paramref name="status"/> (or any failure status when null) under <paramref name="requirement"/>.
    /// </summary>
    public void ExpectNoSaRefused(NetBufferList nbl, NdisStatus? status, string requirement, string why)
    {
        CompletionEvent completion = ExpectCompletedOnce(nbl);
        IReadOnlyList<byte[]> frames = Host.FramesOf(nbl);
        Check(frames.Count == 0, "SA-05",
            $"{nbl.Name} ({why}) names no live SA, yet {frames.Count} frame(s) reached the wire (completion {completion.Status.ToNdisName()}); the transport framed it for protection, so the frame carries its payload unprotected");
        Check(status is null ? completion.Status != NdisStatus.Success : completion.Status == status, requirement,
            $"{nbl.Name} ({why}) completed with {completion.Status.ToNdisName()} and sent nothing, expected {(status is null ? "a failure status" : status.Value.ToNdisName())}");
    }

    /// <summary>
    /// Requires <paramref name="nbl"/> refused: completed once with a failure status SEND-21 allows (any of
    /// them; <paramref name="requirement"/> judges that it is not SUCCESS) and no frame transmitted (CMPL-02).
    /// For NBLs the contract names no exact status for.
    /// </summary>
    public CompletionEvent ExpectRefusedAny(NetBufferList nbl, string requirement, string why)
    {
        CompletionEvent completion = ExpectCompletedOnce(nbl);
        IReadOnlyList<byte[]> frames = Host.FramesOf(nbl);
        Check(completion.Status != NdisStatus.Success, requirement,
            $"{nbl.Name} ({why}) completed with NDIS_STATUS_SUCCESS after {frames.Count} frame(s), expected a failure status and no frame");
        Check(frames.Count == 0, "CMPL-02", $"{nbl.Name} ({why}) was refused with {completion.Status.ToNdisName()} but transmitted {frames.Count} frame(s)");
        return completion;
    }

    /// <summary>
    /// Requires <paramref name="nbl"/> (input the contract does not define) either refused — completed once with
    /// a failure status SEND-21 allows and no frame — or sent exactly as <paramref name="packets"/> protected by
    /// <paramref name="sas"/> (the adapter ignored the field and parsed the packet). Anything else fails: a
    /// frame that is not the correctly protected packet puts broken or cleartext data on the wire. Returns
    /// true when the adapter refused; a note says which way it went.
    /// </summary>
    public bool ExpectRefusedOrProtected(NetBufferList nbl, IReadOnlyList<FramedPacket> packets, IReadOnlyList<SaSpec> sas, string requirement, string why)
    {
        CompletionEvent completion = ExpectCompletedOnce(nbl);
        if (completion.Status != NdisStatus.Success)
        {
            int frames = Host.FramesOf(nbl).Count;
            Check(frames == 0, "CMPL-02", $"{nbl.Name} ({why}) was refused with {completion.Status.ToNdisName()} but transmitted {frames} frame(s)");
            Note($"{nbl.Name} ({why}): refused with {completion.Status.ToNdisName()}");
            return true;
        }

        ExpectProtected(nbl, packets, sas, requirement);
        Note($"{nbl.Name} ({why}): sent protected as framed (the adapter did not rely on the field)");
        return false;
    }

    /// <summary>
    /// Requires <paramref name="nbl"/> to succeed with one frame per packet, each the matching packet protected
    /// by <paramref name="sas"/> as the oracle judges it under <paramref name="requirement"/>.
    /// </summary>
    public void ExpectProtected(NetBufferList nbl, IReadOnlyList<FramedPacket> packets, IReadOnlyList<SaSpec> sas, string requirement,
        OracleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        ArgumentNullException.ThrowIfNull(packets);
        IReadOnlyList<byte[]> frames = ExpectSucceeded(nbl, requirement);
        Check(frames.Count == packets.Count, "SEND-08", $"{nbl.Name} carried {packets.Count} NET_BUFFER(s) but {frames.Count} frame(s) went out");
        OracleOptions effective = options ?? OracleOptionsFor();
        for (int i = 0; i < packets.Count; i++)
        {
            OracleJudgement judgement = WireOracle.Judge(packets[i], sas, frames[i], effective);
            if (!judgement.Ok)
            {
                Fail(judgement.Requirement ?? requirement, $"{nbl.Name} NB {i}: {judgement.Render()}");
            }
        }
    }

    /// <summary>
    /// Requires <paramref name="nbl"/> to succeed with one frame per input frame, each sent unchanged (short
    /// frames zero-padded to 60 bytes when the profile says so, SEND-23).
    /// </summary>
    public void ExpectUnchanged(NetBufferList nbl, IReadOnlyList<byte[]> inputFrames, string requirement)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        ArgumentNullException.ThrowIfNull(inputFrames);
        IReadOnlyList<byte[]> frames = ExpectSucceeded(nbl, requirement);
        Check(frames.Count == inputFrames.Count, requirement, $"{nbl.Name} carried {inputFrames.Count} NET_BUFFER(s) but {frames.Count} frame(s) went out");
        for (int i = 0; i < inputFrames.Count; i++)
        {
            OracleJudgement judgement = WireOracle.JudgeUnchanged(inputFrames[i], frames[i], Profile.Offload.PadShortFrames);
            if (!judgement.Ok)
            {
                Fail(judgement.Requirement ?? requirement, $"{nbl.Name} NB {i} should leave unchanged: {judgement.Render()}");
            }
        }
    }

    /// <summary>The oracle options the profile implies.</summary>
    public OracleOptions OracleOptionsFor() => new() { EspIv = Profile.Offload.EspIv, PadShortFrames = Profile.Offload.PadShortFrames };
}
