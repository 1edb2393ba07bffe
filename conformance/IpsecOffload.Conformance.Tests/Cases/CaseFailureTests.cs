using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Conformance.Tests.Cases;

/// <summary>
/// Each case can fail: a reference miniport wrapped in a small fault that breaks exactly one rule is
/// caught by the case, with the broken requirement in the result. The same cases pass on the plain
/// reference miniport (x64 and x86).
/// </summary>
public sealed class CaseFailureTests
{
    private static readonly ConformanceProfile FailReading = ConformanceProfile.Default with
    {
        Name = "offload-disabled-fails",
        Offload = OffloadProfile.Default with { OffloadDisabled = OffloadDisabledBehavior.Fail },
    };

    private static IEnumerable<TestCaseData> Faults()
    {
        yield return Fault("Cmpl01_MixedChain_EachNblCompletedOnceNothingSentAfter_V2", m => new CompleteTwice(m), Verdict.Fail, "CMPL-01");
        yield return Fault("Cmpl01_MixedChain_EachNblCompletedOnceNothingSentAfter_V1", m => new LeakRefusedNbls(m), Verdict.Fail, "SA-05");
        yield return Fault("Sa02_DeletedHandle_FailsWhileOtherSaKeepsWorking_V2Ex", m => new LeakRefusedNbls(m), Verdict.Fail, "SA-05");
        yield return Fault("Send12_EspHeaderOffsetInsideTheIpHeader_RefusedOrProtectedAsFramed_V2", m => new LeakRefusedNbls(m), Verdict.Fail, "CMPL-02");
        yield return Fault("Send01_AhSaHandleOnEspPacket_Refused_V1", m => new LeakRefusedNbls(m), Verdict.Fail, "CMPL-02");
        yield return Fault("Cmpl01_MixedChain_EachNblCompletedOnceNothingSentAfter_V2Ex", m => new TouchAfterCompletion(m), Verdict.Fail, "SEND-21");
        yield return Fault("Send21_TruncatedPackets_RefusedWithAllowedStatus_V2", m => new RefuseWithInvalidParameter(m), Verdict.Fail, "SEND-21");
        yield return Fault("Send22_ChainOfNblsWithSeveralNetBuffers_WireOrderKept_V2", m => new ReverseFramesOfEachNbl(m), Verdict.Fail, "SEND-22");
        yield return Fault("Send31_ConcurrentSendsFromFourThreads_EachCompletedOnceFramesCorrect_V2Ex", m => new CompleteTwice(m), Verdict.Fail, "CMPL-01");
        yield return Fault("Send23_ShortFramesWithSpareBytesInTheMdl_ZeroPaddedTo60", m => new JunkInPadding(m), Verdict.Fail, "SEND-23");
        yield return Fault("Sa03_V2AddSaEmptyBuffer_RefusedAndSaTableUnchanged_V2", m => new AcceptEveryOid(m), Verdict.Fail, "SA-03");
        yield return Fault("Sa03_V2DeleteSaCutInsideTheHandle_RefusedAndSaTableUnchanged_V2", m => new AcceptEveryOid(m), Verdict.Fail, "SA-03");
        yield return Fault("Sa01_ThreeAdds_DistinctNonZeroHandlesEachSelectsItsSa_V1", m => new SameHandleTwice(m), Verdict.Fail, "SA-01");
        yield return Fault("Send02_OffloadDisabled_SentAsIsThenReEnabledProtected_V2", m => new IgnoreOffloadParameters(m), Verdict.Warn, "SEND-02");
        yield return Fault("Send19_MdlSplitAtEveryHeaderBoundary_SameWireBytes_V2EspAesCbc256Sha256", m => new FirstMdlOnly(m), Verdict.Fail, "SEND-19");
    }

    private static TestCaseData Fault(string @case, Func<IMiniport, IMiniport> wrap, Verdict verdict, string? requirement) =>
        new TestCaseData(@case, wrap, verdict, requirement).SetArgDisplayNames(@case, wrap(new NullMiniport()).GetType().Name);

    [TestCaseSource(nameof(Faults))]
    public void FaultyAdapter_CaseCatchesIt(string caseName, Func<IMiniport, IMiniport> wrap, Verdict verdict, string? requirement)
    {
        CaseResult result = CaseRig.Run(caseName, () => wrap(CaseRig.Reference()));
        TestContext.Out.WriteLine(CaseRig.Describe(result));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(verdict), CaseRig.Describe(result));
            if (requirement is not null)
            {
                Assert.That(result.FailedRequirement, Is.EqualTo(requirement), CaseRig.Describe(result));
            }

            Assert.That(result.Message, Does.Contain("reproduce: ipsec-conformance run --filter " + caseName));
        }
    }

    [TestCaseSource(nameof(Faults))]
    public void PlainReference_SameCasePasses(string caseName, Func<IMiniport, IMiniport> wrap, Verdict verdict, string? requirement)
    {
        _ = (wrap, verdict, requirement);
        using (Assert.EnterMultipleScope())
        {
            foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
            {
                CaseResult result = CaseRig.Run(caseName, () => CaseRig.Reference(abi));
                Assert.That(result.Verdict, Is.EqualTo(Verdict.Pass), $"{abi}: {CaseRig.Describe(result)}");
            }
        }
    }

    // ------------------------------------------------------------------ AMB-23 Failure reading (ProfileCondition)

    [Test]
    public void FailureReadingCase_DefaultProfile_NotApplicableNamingTheSetting()
    {
        CaseResult result = CaseRig.Run("Send02_OffloadDisabledFailureReading_RefusedThenReEnabledProtected_V2", () => CaseRig.Reference());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), CaseRig.Describe(result));
            Assert.That(result.Message, Does.Contain("profile 'default'").And.Contain("OffloadDisabled is SendAsIs"));
        }
    }

    [TestCase(SaApiName.V1, NdisAbi.X64)]
    [TestCase(SaApiName.V2, NdisAbi.X86)]
    [TestCase(SaApiName.V2Ex, NdisAbi.X64)]
    public void FailureReadingCase_FailProfileAndAdapterBuiltWithIt_Passes(SaApiName api, NdisAbi abi)
    {
        CaseResult result = CaseRig.Run($"Send02_OffloadDisabledFailureReading_RefusedThenReEnabledProtected_{api}",
            () => CaseRig.Reference(abi, profile: FailReading.Offload), FailReading);

        Assert.That(result.Verdict, Is.EqualTo(Verdict.Pass), CaseRig.Describe(result));
    }

    [Test]
    public void FailureReadingCase_FailProfileButAdapterSendsAsIs_WarnsOnSend02()
    {
        CaseResult result = CaseRig.Run("Send02_OffloadDisabledFailureReading_RefusedThenReEnabledProtected_V2", () => CaseRig.Reference(), FailReading);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Warn), CaseRig.Describe(result));
            Assert.That(result.FailedRequirement, Is.EqualTo("SEND-02"));
        }
    }

    [Test]
    public void SendAsIsCase_FailProfile_NotApplicable()
    {
        CaseResult result = CaseRig.Run("Send02_OffloadDisabled_SentAsIsThenReEnabledProtected_V2", () => CaseRig.Reference(profile: FailReading.Offload), FailReading);

        Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), CaseRig.Describe(result));
    }

    /// <summary>The API suffixes of case names.</summary>
    public enum SaApiName
    {
        V1,
        V2,
        V2Ex,
    }

    // ------------------------------------------------------------------ faults

    /// <summary>Completes every NBL chain twice.</summary>
    private sealed class CompleteTwice(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            Host.SendNetBufferListsComplete(netBufferLists, flags);
            Host.SendNetBufferListsComplete(netBufferLists, flags);
        }
    }

    /// <summary>Transmits the NBL's data as it is before completing a refused NBL (a cleartext leak).</summary>
    private sealed class LeakRefusedNbls(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                if (nbl.Status != NdisStatus.Success)
                {
                    foreach (NetBuffer nb in nbl.EnumerateNetBuffers())
                    {
                        Host.Transmit(nbl, nb.CopyData());
                    }
                }
            }

            Host.SendNetBufferListsComplete(netBufferLists, flags);
        }
    }

    /// <summary>Completes refused NBLs with NDIS_STATUS_INVALID_PARAMETER, which SEND-21 does not allow.</summary>
    private sealed class RefuseWithInvalidParameter(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                nbl.Status = nbl.Status == NdisStatus.Success ? NdisStatus.Success : NdisStatus.InvalidParameter;
            }

            Host.SendNetBufferListsComplete(netBufferLists, flags);
        }
    }

    /// <summary>Holds each NBL's frames and transmits them in reverse order just before the NBL completes.</summary>
    private sealed class ReverseFramesOfEachNbl(IMiniport inner) : MiniportDecorator(inner)
    {
        private readonly Dictionary<NetBufferList, List<byte[]>> _held = [];
        private readonly Lock _gate = new();

        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            lock (_gate)
            {
                if (!_held.TryGetValue(owner, out List<byte[]>? frames))
                {
                    frames = [];
                    _held[owner] = frames;
                }

                frames.Add(frame.ToArray());
            }
        }

        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            lock (_gate)
            {
                for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
                {
                    if (_held.Remove(nbl, out List<byte[]>? frames))
                    {
                        for (int i = frames.Count - 1; i >= 0; i--)
                        {
                            Host.Transmit(nbl, frames[i]);
                        }
                    }
                }
            }

            Host.SendNetBufferListsComplete(netBufferLists, flags);
        }
    }

    /// <summary>Sets every NBL's status to RESOURCES right after completing it (touching a completed NBL).</summary>
    private sealed class TouchAfterCompletion(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            Host.SendNetBufferListsComplete(netBufferLists, flags);
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                nbl.Status = NdisStatus.Resources;
            }
        }
    }

    /// <summary>Writes 0xEE into the last padding byte of every 60-byte frame.</summary>
    private sealed class JunkInPadding(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            byte[] copy = frame.ToArray();
            if (copy.Length == 60 && copy[^1] == 0)
            {
                copy[^1] = 0xEE;
            }

            Host.Transmit(owner, copy);
        }
    }

    /// <summary>Answers every failed OID request with SUCCESS.</summary>
    private sealed class AcceptEveryOid(IMiniport inner) : MiniportDecorator(inner)
    {
        public override OidResult OidRequest(OidRequest request)
        {
            OidResult result = Inner.OidRequest(request);
            return result.Status.IsError() ? result with { Status = NdisStatus.Success } : result;
        }
    }

    /// <summary>Returns the first handle it ever gave for every later v1 ADD_SA too.</summary>
    private sealed class SameHandleTwice(IMiniport inner) : MiniportDecorator(inner)
    {
        private ulong _first;

        public override OidResult OidRequest(OidRequest request)
        {
            OidResult result = Inner.OidRequest(request);
            if (request.Oid != NdisOid.TcpTaskIpsecAddSa || result.Status != NdisStatus.Success)
            {
                return result;
            }

            ulong handle = OffloadIpsecV1Codec.ReadAddSaOffloadHandle(result.InformationBuffer, Identity.Abi).GetValueOrThrow();
            _first = _first == 0 ? handle : _first;
            OffloadIpsecV1Codec.WriteAddSaOffloadHandle(result.InformationBuffer, Identity.Abi, _first);
            return result;
        }
    }

    /// <summary>Sends NBLs to the wrapped miniport with every NET_BUFFER cut to the bytes of its first MDL.</summary>
    private sealed class FirstMdlOnly(IMiniport inner) : MiniportDecorator(inner)
    {
        public override void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
        {
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                foreach (NetBuffer nb in nbl.EnumerateNetBuffers())
                {
                    int first = (nb.FirstMdl?.ByteCount ?? 0) - nb.DataOffset;
                    nb.DataLength = Math.Clamp(first, 0, nb.DataLength);
                }
            }

            Inner.SendNetBufferLists(netBufferLists, flags);
        }
    }

    /// <summary>Only for naming the faults in test names.</summary>
    private sealed class NullMiniport : IMiniport
    {
        public MiniportIdentity Identity { get; } = new("null", "0", NdisAbi.X64);

        public void Initialize(IMiniportHost host)
        {
        }

        public MiniportOffloadReport QueryOffload() => new([], []);

        public OidResult OidRequest(OidRequest request) => new(NdisStatus.NotSupported, [], 0, 0);

        public void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
        {
        }

        public NdisStatus Reset() => NdisStatus.Success;

        public void Dispose()
        {
        }
    }

    /// <summary>Takes OID_TCP_OFFLOAD_PARAMETERS with SUCCESS and never passes it on (offload stays on).</summary>
    private sealed class IgnoreOffloadParameters(IMiniport inner) : MiniportDecorator(inner)
    {
        public override OidResult OidRequest(OidRequest request) =>
            request.Oid == NdisOid.TcpOffloadParameters ? new OidResult(NdisStatus.Success, request.InformationBuffer, request.InformationBuffer.Length, 0) : Inner.OidRequest(request);
    }
}
