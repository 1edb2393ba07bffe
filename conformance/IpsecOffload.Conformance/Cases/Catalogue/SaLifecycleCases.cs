using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// The SA OIDs as the send path sees them: handles from ADD_SA / ADD_SA chains / ADD_SA_EX are non-zero,
/// distinct and each selects its own SA (SA-01); malformed buffers and unknown OIDs are refused and leave
/// the table as it was, shown by sending on the live handle afterwards (SA-03); SAs the adapter does not
/// advertise are refused (SA-04); every advertised v2 algorithm adds and protects (SEND-30).
/// Statuses the reference gives: docs/decisions/oid-buffer-validation.md, sa-handles-and-capacity.md.
/// </summary>
internal static class SaLifecycleCases
{
    private const int Payload = 17;

    public static IEnumerable<ConformanceCase> All =>
    [
        .. Apis.Select(api => Case($"Sa01_ThreeAdds_DistinctNonZeroHandlesEachSelectsItsSa_{api}", ["SA-01", "SEND-01", "SEND-10"],
            $"{api}: three ADD_SAs give three non-zero, distinct handles; a chain with one NBL per handle goes out with each packet protected by its own SA only",
            [CaseKit.EspFeatureFor(api)], c => ThreeAdds(c, api))),
        Case("Sa01_AddSaChainOfThree_EachElementGetsItsOwnUsableHandle_V2", ["SA-01"],
            "V2: one ADD_SA request with a chain of 3 IPSEC_OFFLOAD_V2_ADD_SA: SUCCESS, three distinct non-zero handles written in place, each protecting with its own SA",
            [CaseKit.EspFeatureFor(SaApi.V2)], AddChain),
        .. Malformed.Select(m => Case($"Sa03_{m.Name}_RefusedAndSaTableUnchanged_{m.Api}", ["SA-03", "CMPL-01"],
            $"{m.Api}: {m.What}: the request completes with a failure status (never SUCCESS) and the live SA still protects afterwards",
            [CaseKit.EspFeatureFor(m.Api)], c => MalformedOid(c, m))),
        Case("Sa04_UnadvertisedAlgorithm_AddRefused", ["SA-04"],
            "every v1/v2 SA this suite can express whose algorithm or protocol the adapter does not advertise: ADD_SA is refused (NotApplicable when the adapter advertises all of them)",
            [], Unadvertised),
        Case("Sa04_V1UdpEspIkeEncapsulationNotAdvertised_AddRefused", ["SA-04"],
            "v1: ADD_UDPESP_SA with encapsulation type IKE while NDIS_IPSEC_OFFLOAD_V1.Supported.Flags advertises no IKE type: refused",
            [Features.V1Esp()], UdpEspIke),
        Case("Send30_EveryAdvertisedV2Algorithm_AddsAndProtects", ["SEND-30", "SA-01", "SEND-09"],
            "V2: for every encryption and authentication algorithm the adapter advertises (ESP, and AH when advertised), ADD_SA succeeds and one packet goes out protected",
            [Features.V2Any], EveryAdvertisedV2Algorithm),
    ];

    private static SaApi[] Apis => [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    private static FramedPacket Frame(CaseContext c, SaSpec sa, ulong sequence) =>
        CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence);

    // ------------------------------------------------------------------ SA-01

    private static void ThreeAdds(CaseContext c, SaApi api)
    {
        SaSpec[] sas = [CaseKit.EspFor(api, c.Random), CaseKit.EspFor(api, c.Random), CaseKit.EspFor(api, c.Random)];
        ulong[] handles = [.. sas.Select(sa => c.AddSa(api, BundleSpec.Of(sa)))];
        CheckHandles(c, api.ToString(), handles);
        SendOnEach(c, api, sas, handles);
    }

    private static void AddChain(CaseContext c)
    {
        SaSpec[] sas = [CaseKit.EspFor(SaApi.V2, c.Random), CaseKit.EspFor(SaApi.V2, c.Random), CaseKit.EspFor(SaApi.V2, c.Random)];
        IReadOnlyList<SaAddResult> results = c.Adapter(() => c.Transport.AddSaV2Chain([.. sas.Select(sa => BundleSpec.Of(sa))]), "V2 ADD_SA chain");
        c.Check(results[0].Status == NdisStatus.Success, "SA-01",
            $"an ADD_SA chain of 3 claimed SAs completed with {results[0].Status.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
        c.RecordSas(sas);
        ulong[] handles = [.. results.Select(r => r.Handle)];
        CheckHandles(c, "V2 ADD_SA chain", handles);
        SendOnEach(c, SaApi.V2, sas, handles);
    }

    private static void CheckHandles(CaseContext c, string what, ulong[] handles)
    {
        string list = string.Join(", ", handles.Select(h => $"0x{h:x}"));
        c.Check(handles.All(h => h != 0), "SA-01", $"{what}: the handles returned were {list}; 0 means 'not offloaded' and is never a valid handle");
        c.Check(handles.Distinct().Count() == handles.Length, "SA-01", $"{what}: the handles returned were {list}; live SAs need distinct handles");
        c.Check(c.Abi == NdisAbi.X64 || handles.All(h => h <= uint.MaxValue), "SA-01", $"{what}: the handles returned were {list}; an x86 handle is 32 bits wide");
    }

    private static void SendOnEach(CaseContext c, SaApi api, SaSpec[] sas, ulong[] handles)
    {
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. sas.Select(sa => Frame(c, sa, sequence))];
        NetBufferList[] nbls = [.. packets.Select((p, i) => c.Nbl(api, [p], handles[i], name: $"on-handle-0x{handles[i]:x}"))];
        c.Send(nbls);
        for (int i = 0; i < nbls.Length; i++)
        {
            c.ExpectProtected(nbls[i], [packets[i]], [sas[i]], "SA-01"); // only this SA: a packet protected with another SA's keys fails
        }
    }

    // ------------------------------------------------------------------ SA-03

    /// <summary>A malformed OID request, made from a well-formed one of <see cref="Api"/>.</summary>
    internal sealed record MalformedRequest(string Name, SaApi Api, string What, Func<CaseContext, ulong, OidRequest> Make);

    private static MalformedRequest[] Malformed =>
    [
        new("V2AddSaCutInHalf", SaApi.V2, "an ADD_SA buffer cut to half its fixed part",
            (c, _) => Cut(CaptureAdd(c, SaApi.V2), IPsecV2AddSaLayout.AddSa(c.Abi).SizeofRevision1 / 2)),
        new("V2AddSaEmptyBuffer", SaApi.V2, "an ADD_SA with an empty information buffer", (c, _) => Cut(CaptureAdd(c, SaApi.V2), 0)),
        new("V2AddSaNumExtHdrsThree", SaApi.V2, "an ADD_SA whose NumExtHdrs is 3 (only 1 or 2 exist)",
            (c, _) => Patch(CaptureAdd(c, SaApi.V2), IPsecV2AddSaLayout.AddSa(c.Abi).NumExtHdrs, 3)),
        new("V2AddSaKeyLengthPastTheBuffer", SaApi.V2, "an ADD_SA whose KeyLength runs 4096 bytes past the end of the buffer",
            (c, _) => PatchAdd(CaptureAdd(c, SaApi.V2), IPsecV2AddSaLayout.AddSa(c.Abi).KeyLength, 4096)),
        new("V2AddSaExCutBeforeTheKeys", SaApi.V2Ex, "an ADD_SA_EX buffer cut inside its fixed part",
            (c, _) => Cut(CaptureAdd(c, SaApi.V2Ex), IPsecV2AddSaLayout.AddSaEx(c.Abi).KeyLength)),
        new("V1AddSaCutInsideTheSecAssoc", SaApi.V1, "an OFFLOAD_IPSEC_ADD_SA buffer cut to 100 bytes", (c, _) => Cut(CaptureAdd(c, SaApi.V1), 100)),
        new("V1AddSaKeyLenPastTheBuffer", SaApi.V1, "an OFFLOAD_IPSEC_ADD_SA whose KeyLen runs 4096 bytes past the end of the buffer",
            (c, _) => PatchAdd(CaptureAdd(c, SaApi.V1), OffloadIpsecV1AddLayout.AddSa(c.Abi).KeyLen, 4096)),
        new("V2DeleteSaCutInsideTheHandle", SaApi.V2, "a DELETE_SA of the live handle whose buffer ends inside OffloadHandle",
            (c, live) => Cut(OidRequest.V2DeleteSa([new IPsecV2DeleteSa(live)], c.Abi), IPsecV2SmallLayout.DeleteSa(c.Abi).OffloadHandle + 2)),
        new("V1DeleteSaCutInsideTheHandle", SaApi.V1, "a v1 DELETE_SA of the live handle whose buffer is 2 bytes long",
            (c, live) => Cut(OidRequest.V1DeleteSa(new OffloadIpsecDeleteSa(live), c.Abi), 2)),
        new("UnknownOidWithAddSaBuffer", SaApi.V2, "OID 0xFC0302FF (no such OID) carrying a well-formed ADD_SA buffer",
            (c, _) => CaptureAdd(c, SaApi.V2) with { Oid = (NdisOid)0xFC03_02FF }),
        new("AddSaAsQuery", SaApi.V2, "OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA as a query (it is set-only)",
            (c, _) => CaptureAdd(c, SaApi.V2) with { Type = NdisRequestType.Query }),
    ];

    private static void MalformedOid(CaseContext c, MalformedRequest malformed)
    {
        SaSpec sa = CaseKit.EspFor(malformed.Api, c.Random);
        ulong live = c.AddSa(malformed.Api, BundleSpec.Of(sa));
        OidRequest request = malformed.Make(c, live);
        OidResult result = c.Adapter(() => c.Miniport.OidRequest(request), request.Oid.ToNdisName());
        c.Check(result.Status.IsError(), "SA-03",
            $"{malformed.What} ({request.Oid.ToNdisName()}, {request.InformationBuffer.Length}-byte buffer) completed with {result.Status.ToNdisName()}, expected a failure status");
        c.Note($"{malformed.What}: {result.Status.ToNdisName()}, BytesNeeded {result.BytesNeeded}");

        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket packet = Frame(c, sa, sequence);
        NetBufferList nbl = c.Nbl(malformed.Api, [packet], live, name: "live-handle-afterwards");
        c.Send(nbl);
        CompletionEvent completion = c.ExpectCompletedOnce(nbl);
        c.Check(completion.Status == NdisStatus.Success, "SA-03",
            $"after {malformed.What} was refused, a send on the live handle 0x{live:x} completed with {completion.Status.ToNdisName()}: the refused request changed the SA table");
        c.ExpectProtected(nbl, [packet], [sa], "SA-03");
    }

    /// <summary>The well-formed ADD request the transport would send for a fresh SA of <paramref name="api"/> (not sent to the adapter).</summary>
    private static OidRequest CaptureAdd(CaseContext c, SaApi api)
    {
        var capture = new OidCapture(c.Miniport.Identity);
        var transport = new TransportSimulator(capture, c.Profile.Offload);
        BundleSpec bundle = BundleSpec.Of(CaseKit.EspFor(api, c.Random));
        _ = api switch
        {
            SaApi.V1 => transport.AddSaV1(bundle),
            SaApi.V2 => transport.AddSaV2(bundle),
            _ => transport.AddSaV2Ex(bundle),
        };
        return capture.Request!;
    }

    private static OidRequest Cut(OidRequest request, int length) => request with { InformationBuffer = request.InformationBuffer[..length] };

    private static OidRequest Patch(OidRequest request, int offset, uint value)
    {
        byte[] buffer = [.. request.InformationBuffer];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), value);
        return request with { InformationBuffer = buffer };
    }

    private static OidRequest PatchAdd(OidRequest request, int offset, uint extra) =>
        Patch(request, offset, checked(BinaryPrimitives.ReadUInt32LittleEndian(request.InformationBuffer.AsSpan(offset)) + extra));

    /// <summary>A miniport that only records the OID request it is given and refuses it: the transport's encoder as a byte source.</summary>
    private sealed class OidCapture(MiniportIdentity identity) : IMiniport
    {
        public OidRequest? Request { get; private set; }

        public MiniportIdentity Identity { get; } = identity;

        public void Initialize(IMiniportHost host)
        {
        }

        public MiniportOffloadReport QueryOffload() => new([], []);

        public OidResult OidRequest(OidRequest request)
        {
            Request = request with { InformationBuffer = [.. request.InformationBuffer] };
            return new OidResult(NdisStatus.NotAccepted, request.InformationBuffer, 0, 0);
        }

        public void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags) => throw new NotSupportedException();

        public NdisStatus Reset() => NdisStatus.Success;

        public void Dispose()
        {
        }
    }

    // ------------------------------------------------------------------ SA-04

    private static IEnumerable<(SaApi Api, SaSpec Sa, Feature Feature)> Candidates(Random random)
    {
        CryptoAlgorithm[] v2Ciphers = [CryptoAlgorithm.DesCbc, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.AesCbc128, CryptoAlgorithm.AesCbc192, CryptoAlgorithm.AesCbc256];
        CryptoAlgorithm[] macs = [CryptoAlgorithm.HmacMd5, CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256];
        foreach (CryptoAlgorithm cipher in v2Ciphers)
        {
            yield return (SaApi.V2, CaseKit.Esp(random, cipher, CryptoAlgorithm.HmacSha1), Features.V2Esp(cipher, CryptoAlgorithm.HmacSha1));
        }

        foreach (CryptoAlgorithm gcm in new[] { CryptoAlgorithm.AesGcm128, CryptoAlgorithm.AesGcm192, CryptoAlgorithm.AesGcm256 })
        {
            yield return (SaApi.V2, CaseKit.Esp(random, gcm, null), Features.V2Esp(gcm, null));
        }

        foreach (CryptoAlgorithm mac in macs)
        {
            yield return (SaApi.V2, CaseKit.Esp(random, CryptoAlgorithm.AesCbc128, mac), Features.V2Esp(CryptoAlgorithm.AesCbc128, mac));
            yield return (SaApi.V2, CaseKit.Ah(random, mac), Features.V2Ah(mac));
        }

        yield return (SaApi.V2, CaseKit.Esp(random, CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha1), Features.V2Esp(CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha1));
        yield return (SaApi.V1, CaseKit.Esp(random, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1), Features.V1Esp());
        yield return (SaApi.V1, CaseKit.Esp(random, CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacMd5), Features.V1Esp(des: true));
        yield return (SaApi.V1, CaseKit.Ah(random, CryptoAlgorithm.HmacMd5), Features.V1Ah);
    }

    private static void Unadvertised(CaseContext c)
    {
        var tried = new List<string>();
        foreach ((SaApi api, SaSpec sa, Feature feature) in Candidates(c.Random).ToList())
        {
            if (c.Claims(feature))
            {
                continue;
            }

            SaAddResult result = c.TryAddSa(api, BundleSpec.Of(sa));
            tried.Add($"{api} {feature.Name}: {result.Status.ToNdisName()}");
            c.Check(!result.Succeeded, "SA-04",
                $"{api} ADD_SA of {sa} returned handle 0x{result.Handle:x} ({result.Status.ToNdisName()}) although the adapter does not advertise {feature.Name} ({feature.Capability})");
        }

        if (tried.Count == 0)
        {
            CaseContext.NotApplicable("the adapter advertises every algorithm and protocol this case can express (nothing unadvertised to try)");
        }

        c.Note("refused: " + string.Join("; ", tried));
    }

    private static void UdpEspIke(CaseContext c)
    {
        const IPsecV1UdpEspEncapsulationTypes Ike = IPsecV1UdpEspEncapsulationTypes.TransportIke | IPsecV1UdpEspEncapsulationTypes.TunnelIke
            | IPsecV1UdpEspEncapsulationTypes.TransportOverTunnelIke | IPsecV1UdpEspEncapsulationTypes.TransportUdpEspOverPureTunnelIke;
        if ((c.Capabilities.V1.Supported.Flags & Ike) != 0)
        {
            CaseContext.NotApplicable($"the adapter advertises IKE UDP-ESP types (Supported.Flags 0x{(uint)c.Capabilities.V1.Supported.Flags:x})");
        }

        var capture = new OidCapture(c.Miniport.Identity);
        new TransportSimulator(capture, c.Profile.Offload).AddUdpEspSaV1(BundleSpec.Of(CaseKit.EspFor(SaApi.V1, c.Random)));
        OffloadIpsecAddUdpEspSa other = OffloadIpsecV1Codec.DecodeAddUdpEspSa(capture.Request!.InformationBuffer, c.Abi).GetValueOrThrow();
        OffloadIpsecAddUdpEspSa ike = other with { EncapTypeEntry = other.EncapTypeEntry with { UdpEncapType = UdpEncapType.Ike } };
        OidRequest request = OidRequest.V1AddUdpEspSa(ike, c.Abi);
        OidResult result = c.Adapter(() => c.Miniport.OidRequest(request), "OID_TCP_TASK_IPSEC_ADD_UDPESP_SA");
        ulong handle = result.Status == NdisStatus.Success ? OffloadIpsecV1Codec.ReadAddUdpEspSaHandles(result.InformationBuffer, c.Abi).Value.OffloadHandle : 0;
        c.Check(handle == 0, "SA-04",
            $"ADD_UDPESP_SA with UdpEncapType IKE completed with {result.Status.ToNdisName()} and handle 0x{handle:x}, although Supported.Flags 0x{(uint)c.Capabilities.V1.Supported.Flags:x} advertises no IKE type");
        c.Note($"IKE UDP-ESP SA: {result.Status.ToNdisName()}");
    }

    // ------------------------------------------------------------------ SEND-30

    private static void EveryAdvertisedV2Algorithm(CaseContext c)
    {
        var sas = new List<(SaSpec Sa, Feature Feature)>();
        foreach ((SaApi api, SaSpec sa, Feature feature) in Candidates(c.Random).ToList())
        {
            if (api == SaApi.V2 && c.Claims(feature) && c.Claims(Features.V2Transport))
            {
                sas.Add((sa, feature));
            }
        }

        if (sas.Count == 0)
        {
            CaseContext.NotApplicable("the adapter advertises no v2 transport-mode algorithm combination this case can express");
        }

        ulong sequence = CaseKit.Sequence(c.Random);
        foreach ((SaSpec sa, Feature feature) in sas)
        {
            SaAddResult added = c.TryAddSa(SaApi.V2, BundleSpec.Of(sa));
            c.Check(added.Succeeded, "SA-01", $"V2 ADD_SA of {sa} completed with {added.Status.ToNdisName()} although the adapter advertises {feature.Name} ({feature.Capability})");
            FramedPacket packet = Frame(c, sa, sequence);
            NetBufferList nbl = c.Nbl(SaApi.V2, [packet], added.Handle, name: feature.Name);
            c.Send(nbl);
            c.ExpectProtected(nbl, [packet], [sa], "SEND-30");
        }

        c.Note($"{sas.Count} advertised combinations protected: {string.Join(", ", sas.Select(s => s.Feature.Name))}");
    }
}
