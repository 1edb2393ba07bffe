using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Properties.Lifecycle;

/// <summary>
/// Plays an <see cref="OidScript"/> against a fresh adapter through the transport simulator and holds every
/// answer against the <see cref="SaTableModel"/>. Frames are judged by the conformance oracle only
/// (<see cref="WireOracle.Judge"/>, <see cref="WireOracle.JudgeUnchanged"/>).
/// </summary>
public static class SaLifecycleScript
{
    /// <summary>
    /// Makes an adapter with <paramref name="adapterFactory"/>, initializes it on a recording host, reads its
    /// capabilities (the model's capacity and the SA kinds steps resolve to) and plays <paramref name="script"/>
    /// under <paramref name="profile"/>. Stops at the first divergence. The adapter is disposed afterwards.
    /// <paramref name="space"/>, when given, is the adapter's space read once by the caller (every instance of a
    /// target claims the same), so each script need not query the capabilities again.
    /// </summary>
    public static LifecycleOutcome Run(Func<IMiniport> adapterFactory, ConformanceProfile profile, OidScript script, LifecycleSpace? space = null)
    {
        ArgumentNullException.ThrowIfNull(adapterFactory);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(script);
        using IMiniport adapter = adapterFactory();
        var host = new RecordingMiniportHost();
        adapter.Initialize(host);
        space ??= LifecycleSpace.From(AdapterCapabilities.Query(adapter), adapter.Identity.Abi);
        return new Player(adapter, host, profile.Offload, space).Play(script);
    }

    private sealed class Player(IMiniport adapter, RecordingMiniportHost host, OffloadProfile profile, LifecycleSpace space)
    {
        private const NdisStatus Success = NdisStatus.Success;
        private readonly SaTableModel _model = new(space.Capacity, space.Abi, profile.AddSaTotalFailureStatus);
        private readonly TransportSimulator _transport = new(adapter, profile);
        private readonly Dictionary<ulong, ModelBundle> _lastBundle = [];
        private readonly Dictionary<uint, HashSet<string>> _ivsSeen = [];
        private readonly List<string> _transcript = [];
        private int _step, _run, _skipped, _netBuffers;
        private OidStep _current = null!;

        public LifecycleOutcome Play(OidScript script)
        {
            for (_step = 0; _step < script.Steps.Count; _step++)
            {
                _current = script.Steps[_step];
                LifecycleDivergence? divergence;
                try
                {
                    divergence = _current switch
                    {
                        AddStep add => Add(add),
                        AddChainStep chain => AddChain(chain),
                        AddUntilFullStep fill => AddUntilFull(fill),
                        DeleteStep delete => Delete(delete),
                        UpdateStep update => Update(update),
                        SendStep send => Send(send),
                        _ => throw new ArgumentException($"unknown step {_current}", nameof(script)),
                    };
                }
                catch (AdapterThrewException e)
                {
                    divergence = Diverge("CMPL-01", "an NDIS outcome (a status or a completion), never an exception", $"threw {e.InnerException!.GetType().Name}: {e.InnerException.Message} in {e.Message}");
                }

                if (divergence is not null)
                {
                    return Outcome([divergence]);
                }
            }

            return Outcome([]);
        }

        private LifecycleOutcome Outcome(IReadOnlyList<LifecycleDivergence> problems) => new(problems, _run, _skipped, _netBuffers, _transcript);

        private LifecycleDivergence Diverge(string requirement, string expected, string actual)
        {
            _transcript.Add($"#{_step} {_current} -> DIVERGED [{requirement}]");
            return new LifecycleDivergence(_step, _current.ToString(), requirement, expected, actual);
        }

        private LifecycleDivergence? Skip(string why)
        {
            _skipped++;
            _transcript.Add($"#{_step} {_current} -> skipped ({why})");
            return null;
        }

        private LifecycleDivergence? Done(string what)
        {
            _run++;
            _transcript.Add($"#{_step} {_current} -> {what}");
            return null;
        }

        private static T Call<T>(Func<T> call, string what)
        {
            try
            {
                return call();
            }
            catch (Exception e)
            {
                throw new AdapterThrewException(what, e);
            }
        }

        // ------------------------------------------------------------------ ADD

        private LifecycleDivergence? Add(AddStep step)
        {
            if (space.KindsOf(step.Api).Count == 0)
            {
                return Skip($"the adapter claims no {step.Api} SA");
            }

            BundleSpec bundle = step.Bundle.Materialize(space, step.Api);
            return AddOne(step.Api, bundle, out string what) ?? Done(what);
        }

        private LifecycleDivergence? AddOne(SaApi api, BundleSpec bundle, out string what)
        {
            AddExpectation expected = _model.ExpectAdd(api);
            SaAddResult result = Call(() => api switch
            {
                SaApi.V1 => _transport.AddSaV1(bundle),
                SaApi.V2 => _transport.AddSaV2(bundle),
                _ => _transport.AddSaV2Ex(bundle),
            }, $"{api} ADD_SA");
            what = $"{result.Status.ToNdisName()} handle 0x{result.Handle:x}";
            string sas = $"{api} ADD_SA of [{string.Join(", ", bundle.Sas)}]";
            if (expected.Succeeds)
            {
                if (result.Status != Success)
                {
                    return Diverge("SA-01", $"{sas} to succeed ({Slots()}; the adapter claims these algorithms)", $"completed with {result.Status.ToNdisName()}");
                }

                if (_model.RejectNewHandle(result.Handle) is { } bad)
                {
                    return Diverge("SA-01", $"{sas} to return a non-zero handle that differs from every live handle", $"returned {bad}");
                }

                Remember(_model.Added(result.Handle, api, bundle));
                return null;
            }

            string status = expected.FailureStatus?.ToNdisName() ?? "a failure status";
            bool refused = expected.FailureStatus is { } required ? result.Status == required : result.Status.IsError();
            if (!refused || result.Handle != 0)
            {
                return Diverge("SA-01", $"{sas} with the table full ({Slots()}) to fail with {status} and no handle (AMB-17)",
                    $"completed with {result.Status.ToNdisName()} and handle 0x{result.Handle:x}");
            }

            return null;
        }

        private string Slots() => $"{_model.Live.Count} of {(_model.Capacity is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited")} bundles live";

        private void Remember(ModelBundle bundle) => _lastBundle[bundle.Handle] = bundle;

        private LifecycleDivergence? AddChain(AddChainStep step)
        {
            if (space.V2Kinds.Count == 0)
            {
                return Skip("the adapter claims no v2 SA");
            }

            BundleSpec[] bundles = [.. step.Bundles.Select(b => b.Materialize(space, SaApi.V2))];
            int fit = Math.Min(_model.Free, bundles.Length);
            IReadOnlyList<SaAddResult> results = Call(() => _transport.AddSaV2Chain(bundles), "V2 ADD_SA chain");
            NdisStatus status = results[0].Status;
            string handles = string.Join(", ", results.Select(r => $"0x{r.Handle:x}"));
            NdisStatus expected = fit > 0 ? Success : _model.TotalFailureStatus;
            if (status != expected)
            {
                return Diverge("SA-01", $"an ADD_SA chain of {bundles.Length} with room for {fit} ({Slots()}) to complete with {expected.ToNdisName()} (AMB-17)",
                    $"completed with {status.ToNdisName()}, handles [{handles}]");
            }

            for (int i = 0; i < bundles.Length; i++)
            {
                if (i >= fit)
                {
                    if (results[i].Handle != 0)
                    {
                        return Diverge("SA-01", $"chain element {i} to get a NULL handle: the table was full after {fit} element(s)", $"wrote handle 0x{results[i].Handle:x}");
                    }

                    continue;
                }

                if (_model.RejectNewHandle(results[i].Handle) is { } bad)
                {
                    return Diverge("SA-01", $"chain element {i} to get a non-zero handle that differs from every live handle", $"wrote {bad}");
                }

                Remember(_model.Added(results[i].Handle, SaApi.V2, bundles[i]));
            }

            return Done($"{status.ToNdisName()} handles [{handles}]");
        }

        private LifecycleDivergence? AddUntilFull(AddUntilFullStep step)
        {
            if (space.KindsOf(step.Api).Count == 0)
            {
                return Skip($"the adapter claims no {step.Api} SA");
            }

            if (_model.Capacity is null || _model.Free > LifecycleSpace.MaxFillableCapacity)
            {
                return Skip("no advertised capacity small enough to fill");
            }

            int free = _model.Free;
            string last = "";
            for (int k = 0; k <= free; k++)
            {
                if (AddOne(step.Api, step.Bundle.Materialize(space, step.Api, (uint)k + 1), out last) is { } divergence)
                {
                    return divergence;
                }
            }

            return Done($"{free} added, then {last}");
        }

        // ------------------------------------------------------------------ DELETE / UPDATE

        /// <summary>The handle value a reference names now, or null when it names nothing (e.g. a live handle while none is live).</summary>
        private ulong? Resolve(HandleRef target, Func<ModelBundle, bool>? liveFilter = null)
        {
            List<ModelBundle> live = [.. _model.Live.Where(liveFilter ?? (_ => true))];
            ulong? value = target.Choice switch
            {
                HandleChoice.Live when live.Count > 0 => live[target.Index % live.Count].Handle,
                HandleChoice.NearLive when live.Count > 0 => unchecked(live[target.Index % live.Count].Handle + target.Value),
                HandleChoice.Deleted when _model.Deleted.Count > 0 => _model.Deleted[target.Index % _model.Deleted.Count],
                HandleChoice.Unknown => target.Value,
                HandleChoice.Zero => 0,
                _ => null,
            };
            return value is { } v && space.Abi == NdisAbi.X86 ? v & uint.MaxValue : value;
        }

        private LifecycleDivergence? Delete(DeleteStep step)
        {
            ulong? resolved = Resolve(step.Target);
            if (resolved is null or 0)
            {
                return Skip("no such handle now");
            }

            ulong handle = resolved.Value;

            ModelBundle? known = _model.Find(handle) ?? _lastBundle.GetValueOrDefault(handle);
            bool v1 = known is null ? (step.V1 && space.V1Kinds.Count > 0) || space.V2Kinds.Count == 0 : !known.IsV2;
            bool wasLive = _model.Find(handle) is not null;
            OidResult result = Call(() => v1 ? _transport.DeleteSaV1(handle) : _transport.DeleteSaV2(handle), "DELETE_SA");
            string oid = v1 ? "v1 DELETE_SA" : "v2 DELETE_SA";
            if (result.Status != Success)
            {
                return Diverge("SA-02", wasLive
                        ? $"{oid} of live handle 0x{handle:x} to complete with NDIS_STATUS_SUCCESS"
                        : $"{oid} of handle 0x{handle:x}, which names no live SA, to be ignored with NDIS_STATUS_SUCCESS (decision sa-handles-and-capacity.md)",
                    $"completed with {result.Status.ToNdisName()}");
            }

            _model.Delete(handle);
            return Done($"{oid} 0x{handle:x} ({(wasLive ? "was live" : "named no live SA")}): SUCCESS");
        }

        private LifecycleDivergence? Update(UpdateStep step)
        {
            if (space.V2Kinds.Count == 0)
            {
                return Skip("the adapter claims no v2 SA");
            }

            ulong? resolved = Resolve(step.Target, b => b.IsV2);
            if (resolved is null or 0)
            {
                return Skip("no such handle now");
            }

            ulong handle = resolved.Value;

            ModelBundle? bundle = _model.Find(handle) ?? _lastBundle.GetValueOrDefault(handle);
            SaSpec sa = bundle is null
                ? new SaSpec { Protocol = IpsecProtocol.Esp, Spi = unchecked((uint)(handle >> 3) | 0x0101_0101u) }
                : bundle.Bundle.Sas[step.Sa % bundle.Bundle.Sas.Count];
            SaSpec? target = _model.UpdateTarget(handle, sa.Protocol, sa.Spi);
            OidResult result = Call(() => _transport.UpdateSaV2(handle, sa, step.High), "UPDATE_SA");
            string what = $"UPDATE_SA of handle 0x{handle:x}, {sa.Protocol} SPI 0x{sa.Spi:x8} to high half 0x{step.High:x8}";
            if (target is not null && result.Status != Success)
            {
                return Diverge("ESN-02", $"{what} (a live ESN SA) to complete with NDIS_STATUS_SUCCESS", $"completed with {result.Status.ToNdisName()}");
            }

            if (target is null && result.Status != NdisStatus.InvalidParameter)
            {
                string why = _model.Find(handle) is null ? "the handle names no live SA" : "the SA has no extended sequence numbers";
                return Diverge("ESN-02", $"{what} to fail with NDIS_STATUS_INVALID_PARAMETER ({why}; spec §4.4 UPDATE_SA, AMB-14)",
                    $"completed with {result.Status.ToNdisName()}");
            }

            if (target is not null)
            {
                _model.Update(handle, target, step.High);
            }

            return Done($"0x{handle:x}: {result.Status.ToNdisName()}");
        }

        // ------------------------------------------------------------------ SEND

        private LifecycleDivergence? Send(SendStep step)
        {
            if (Resolve(step.Target) is not { } handle)
            {
                return Skip("no such handle now");
            }

            var random = new Random(step.ContentSeed);
            SendFate fate = _model.ExpectSend(handle);
            _netBuffers += step.Count;
            return fate == SendFate.Unchanged ? SendZero(step, random) : SendOnHandle(step, handle, fate, random);
        }

        private LifecycleDivergence? SendZero(SendStep step, Random random)
        {
            byte[][] frames = [.. Enumerable.Range(0, step.Count).Select(_ => TransportSimulator.EthernetFrame(CaseKit.Udp4(random, step.Payload)))];
            NetBufferList nbl = _transport.BuildNbl(frames, 0, name: $"step{_step}-zero");
            if (SendAndComplete(nbl, out CompletionEvent? completion) is { } bad)
            {
                return bad;
            }

            IReadOnlyList<byte[]> sent = host.FramesOf(nbl);
            if (completion!.Status != Success || sent.Count != frames.Length)
            {
                return Diverge("SEND-03", $"handle 0: NDIS_STATUS_SUCCESS and {frames.Length} frame(s) unchanged", $"completed with {completion.Status.ToNdisName()} after {sent.Count} frame(s)");
            }

            for (int i = 0; i < frames.Length; i++)
            {
                OracleJudgement judgement = WireOracle.JudgeUnchanged(frames[i], sent[i], profile.PadShortFrames);
                if (!judgement.Ok)
                {
                    return Diverge(judgement.Requirement ?? "SEND-03", $"handle 0: NB {i} unchanged", $"sent it changed: {judgement.Render()}");
                }
            }

            return Done($"handle 0: {frames.Length} frame(s) unchanged");
        }

        private LifecycleDivergence? SendOnHandle(SendStep step, ulong handle, SendFate fate, Random random)
        {
            ModelBundle? live = _model.Find(handle);
            ModelBundle? framedFor = live ?? _lastBundle.GetValueOrDefault(handle);
            SaApi api = framedFor?.Api ?? (space.KindsOf(step.Api).Count > 0 ? step.Api : space.Apis[0]);
            BundleSpec bundle = framedFor?.Bundle ?? step.Fallback.Materialize(space, api);
            uint High(SaSpec sa) => live?.HighOf(sa) ?? sa.SequenceNumberHigh;

            FramedPacket[] packets = [.. Enumerable.Range(0, step.Count).Select(k =>
            {
                byte[] plain = bundle.IPv6 ? CaseKit.Udp6(random, step.Payload) : CaseKit.Udp4(random, step.Payload);
                ulong low = step.SequenceLow + (ulong)k;
                return TransportSimulator.Frame(plain, [.. bundle.Sas.Select(sa =>
                    TransportSimulator.Framing(sa, sa.Esn ? ((ulong)High(sa) << 32) | low : low, CaseKit.Bytes(random, sa.IvLength)))]);
            })];
            NetBufferList nbl = _transport.BuildNbl([.. packets.Select(p => TransportSimulator.EthernetFrame(p.Packet))], handle, 0,
                api == SaApi.V1 ? null : packets[0].V2HeaderInfo, name: $"step{_step}-0x{handle:x}");
            if (SendAndComplete(nbl, out CompletionEvent? completion) is { } bad)
            {
                return bad;
            }

            IReadOnlyList<byte[]> frames = host.FramesOf(nbl);
            string sent = $"completed with {completion!.Status.ToNdisName()} after {frames.Count} frame(s)";
            if (fate == SendFate.Refused)
            {
                string why = _model.WasIssued(handle) ? "was deleted" : "was never returned by ADD_SA";
                if (frames.Count != 0)
                {
                    return Diverge("SA-05", $"no frame: handle 0x{handle:x} {why}, and a frame would carry the payload the transport framed for protection", sent);
                }

                return completion.Status == NdisStatus.Failure
                    ? Done($"0x{handle:x} ({why}): FAILURE, no frame")
                    : Diverge(_model.RefusalRequirement(handle), $"NDIS_STATUS_FAILURE: handle 0x{handle:x} {why}", sent);
            }

            string sas = SaTableModel.Describe(live!);
            if (completion.Status != Success || frames.Count != packets.Length)
            {
                return Diverge("SA-01", $"NDIS_STATUS_SUCCESS and {packets.Length} frame(s) protected by live handle 0x{handle:x} = {sas}", sent);
            }

            var options = new OracleOptions
            {
                EspIv = profile.EspIv, PadShortFrames = profile.PadShortFrames, SequenceHigh = High,
                IvsSeen = profile.EspIv == EspIvSource.Device ? _ivsSeen : null,
            };
            for (int i = 0; i < packets.Length; i++)
            {
                OracleJudgement judgement = WireOracle.Judge(packets[i], bundle.Sas, frames[i], options);
                if (!judgement.Ok)
                {
                    bool updated = bundle.Sas.Any(sa => sa.Esn && High(sa) != sa.SequenceNumberHigh);
                    return Diverge(updated ? "ESN-02" : "SA-01",
                        $"NB {i} protected by exactly live handle 0x{handle:x} = {sas}{(updated ? " with the high half of the last UPDATE_SA" : "")}",
                        $"sent a frame the oracle rejects [{judgement.Requirement}]: {judgement.Render()}");
                }
            }

            return Done($"0x{handle:x}: SUCCESS, {frames.Count} frame(s) protected");
        }

        /// <summary>Sends one NBL; checks it completed exactly once (CMPL-01) with a send status (SEND-21) and no frame after completion (CMPL-02).</summary>
        private LifecycleDivergence? SendAndComplete(NetBufferList nbl, out CompletionEvent? completion)
        {
            Call(() =>
            {
                adapter.SendNetBufferLists(nbl, NdisSendFlags.None);
                return 0;
            }, "MiniportSendNetBufferLists");
            IReadOnlyList<CompletionEvent> completions = host.CompletionsOf(nbl);
            completion = completions.Count == 1 ? completions[0] : null;
            if (completion is null)
            {
                return Diverge("CMPL-01", $"{nbl.Name} completed exactly once", $"completed it {completions.Count} time(s)");
            }

            if (!completion.Status.IsValidSendCompletion())
            {
                return Diverge("SEND-21", $"{nbl.Name} completed with a send completion status", $"completed it with {completion.Status.ToNdisName()}");
            }

            List<MiniportEvent> events = [.. host.Events];
            int completedAt = events.FindIndex(e => e is CompletionEvent c && ReferenceEquals(c.NetBufferList, nbl));
            int lastFrame = events.FindLastIndex(e => e is FrameEvent f && ReferenceEquals(f.Owner, nbl));
            return lastFrame > completedAt
                ? Diverge("CMPL-02", $"no frame of {nbl.Name} after its completion", $"transmitted one (event {lastFrame}) after completing it (event {completedAt})")
                : null;
        }
    }

    /// <summary>An exception that escaped the adapter (a miniport answers with statuses, never exceptions).</summary>
    private sealed class AdapterThrewException(string what, Exception inner) : Exception(what, inner);
}
