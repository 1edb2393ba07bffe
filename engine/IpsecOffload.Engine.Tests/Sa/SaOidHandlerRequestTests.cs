using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oids;
using static IpsecOffload.Engine.Tests.Sa.SaTestKit;

namespace IpsecOffload.Engine.Tests.Sa;

/// <summary>Malformed buffers, unknown OIDs, queries, and OID_TCP_OFFLOAD_PARAMETERS.</summary>
public sealed class SaOidHandlerRequestTests
{
    private static IEnumerable<TestCaseData> TruncatedRequests()
    {
        var random = Seeded(401);
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            var requests = new (string Name, OidRequest Request, Func<byte[], NdisError?> Decode)[]
            {
                ("v2-add-sa", OidRequest.V2AddSa([AddSa(RandomBytes(random, 36), EspCbcSha1())], abi), b => IPsecV2Codec.DecodeAddSaChain(b, abi).Error),
                ("v2-add-sa-ex", OidRequest.V2AddSaEx(AddSaEx(RandomBytes(random, 36), EspCbcSha1()), abi), b => IPsecV2Codec.DecodeAddSaEx(b, abi).Error),
                ("v2-delete-sa", OidRequest.V2DeleteSa([new IPsecV2DeleteSa(0x10)], abi), b => IPsecV2Codec.DecodeDeleteSaChain(b, abi).Error),
                ("v2-update-sa", OidRequest.V2UpdateSa(new IPsecV2UpdateSa(0x10, IPsecV2Operation.Esp, Spi1, 1), abi), b => IPsecV2Codec.DecodeUpdateSa(b, abi).Error),
                ("v1-add-sa", OidRequest.V1AddSa(new OffloadIpsecAddSa(default, OffloadSaFlags.Outbound,
                    new[] { new OffloadSecurityAssociation(OffloadOperation.Authenticate, Spi1, OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Md5, 16), default) },
                    0, RandomBytes(random, 16)), abi), b => OffloadIpsecV1Codec.DecodeAddSa(b, abi).Error),
                ("v1-delete-sa", OidRequest.V1DeleteSa(new OffloadIpsecDeleteSa(0x10), abi), b => OffloadIpsecV1Codec.DecodeDeleteSa(b, abi).Error),
                ("offload-parameters", OidRequest.OffloadParameters(new NdisOffloadParameters()), b => NdisOffloadParametersCodec.Decode(b).Error),
            };
            foreach (var r in requests)
            {
                yield return new TestCaseData(abi, r.Request, r.Decode).SetArgDisplayNames(abi.ToString(), r.Name);
            }
        }
    }

    [TestCaseSource(nameof(TruncatedRequests))]
    public void Handle_BufferCutToHalf_PassesCodecErrorThrough(NdisAbi abi, OidRequest request, Func<byte[], NdisError?> decode)
    {
        var handler = new SaOidHandler(abi, FullV2(), FullV1());
        byte[] truncated = request.InformationBuffer[..(request.InformationBuffer.Length / 2)];
        NdisError expected = decode(truncated)!;
        OidResult result = handler.Handle(request with { InformationBuffer = truncated });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(expected, Is.Not.Null);
            Assert.That(result.Status, Is.EqualTo(expected.Status));
            Assert.That(result.Status, Is.EqualTo(NdisStatus.InvalidLength));
            Assert.That(result.BytesNeeded, Is.GreaterThan(truncated.Length));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0], Is.EqualTo(expected), "status, field and message come from the codec");
            Assert.That(handler.Store.Count, Is.Zero);
        }
    }

    [Test]
    public void Handle_V2AddSaBadNumExtHdrs_InvalidDataNamingField([Values] NdisAbi abi)
    {
        var handler = new SaOidHandler(abi, FullV2(), null);
        OidRequest request = OidRequest.V2AddSa([AddSa(new byte[36], EspCbcSha1())], abi);
        request.InformationBuffer[IPsecV2AddSaLayout.AddSa(abi).NumExtHdrs] = 3;
        OidResult result = handler.Handle(request);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.InvalidData));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Does.Contain("NumExtHdrs"));
        }
    }

    [TestCase(0x0102_0304u, NdisStatus.InvalidOid)]
    [TestCase((uint)NdisOid.OffloadEncapsulation, NdisStatus.NotSupported)]
    [TestCase((uint)NdisOid.TcpOffloadHardwareCapabilities, NdisStatus.NotSupported)]
    public void Handle_OidNotServed_InvalidOidOrNotSupported(uint oid, NdisStatus status)
    {
        var handler = new SaOidHandler(NdisAbi.X64, FullV2(), FullV1());
        Assert.That(handler.Handle(new OidRequest((NdisOid)oid, NdisRequestType.Set, new byte[8])).Status, Is.EqualTo(status));
    }

    [Test]
    public void Handle_QueryOfSetOnlyOid_NotSupported([Values(NdisOid.TcpTaskIpsecOffloadV2AddSa, NdisOid.TcpOffloadParameters, NdisOid.TcpTaskIpsecAddSa)] NdisOid oid)
    {
        var handler = new SaOidHandler(NdisAbi.X64, FullV2(), FullV1());
        Assert.That(handler.Handle(new OidRequest(oid, NdisRequestType.Query, new byte[256])).Status, Is.EqualTo(NdisStatus.NotSupported));
    }

    [Test]
    public void Handle_VersionNotAdvertised_NotSupported([Values] NdisAbi abi)
    {
        var v1Only = new SaOidHandler(abi, null, FullV1());
        var v2Only = new SaOidHandler(abi, FullV2(), null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(v1Only.Handle(OidRequest.V2AddSa([AddSa(new byte[36], EspCbcSha1())], abi)).Status, Is.EqualTo(NdisStatus.NotSupported));
            Assert.That(v2Only.Handle(OidRequest.V1DeleteSa(new OffloadIpsecDeleteSa(0x10), abi)).Status, Is.EqualTo(NdisStatus.NotSupported));
        }
    }

    // ---------------------------------------------------------------- OID_TCP_OFFLOAD_PARAMETERS

    private static OidResult Set(SaOidHandler handler, NdisOffloadParameters parameters) =>
        handler.Handle(OidRequest.OffloadParameters(parameters));

    [Test]
    public void OffloadParameters_InitialState_AllAdvertisedServicesEnabled()
    {
        var handler = new SaOidHandler(NdisAbi.X64, FullV2() with { Ah = false }, FullV1());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.EnableState, Is.EqualTo(new IpsecEnableState(IpsecOffloadServices.AhAndEsp, IpsecOffloadServices.Esp, IpsecOffloadServices.Esp)));
            Assert.That(handler.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Esp), Is.True);
            Assert.That(handler.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Ah), Is.False, "not advertised");
        }
    }

    [Test]
    public void OffloadParameters_DisableEnableNoChange_TracksV1AndV2()
    {
        var handler = new SaOidHandler(NdisAbi.X64, FullV2(), FullV1());
        OidResult disable = Set(handler, new NdisOffloadParameters(IPsecV2: OffloadParametersIpsec.Disabled));
        bool v2EspAfterDisable = handler.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Esp, ipv6: true);
        bool v1EspAfterV2Disable = handler.IsOffloadEnabled(SaVersion.V1, IpsecProtocol.Esp);
        Set(handler, new NdisOffloadParameters(IPsecV2: OffloadParametersIpsec.EspEnabled, IPsecV1: OffloadParametersIpsec.AhEnabled));
        IpsecEnableState afterEnable = handler.EnableState;
        Set(handler, new NdisOffloadParameters());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(disable.Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(v2EspAfterDisable, Is.False);
            Assert.That(v1EspAfterV2Disable, Is.True, "IPsecV1 NO_CHANGE");
            Assert.That(afterEnable, Is.EqualTo(new IpsecEnableState(IpsecOffloadServices.Ah, IpsecOffloadServices.Esp, IpsecOffloadServices.Esp)));
            Assert.That(handler.EnableState, Is.EqualTo(afterEnable), "all NO_CHANGE");
            Assert.That(handler.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Ah), Is.False);
        }
    }

    [Test]
    public void OffloadParameters_IPsecV2IPv4_UsedOnlyByIPv4OnlyAdapters()
    {
        var ipv6 = new SaOidHandler(NdisAbi.X64, FullV2(), null);
        var ipv4Only = new SaOidHandler(NdisAbi.X64, FullV2() with { IPv6Supported = false }, null);
        var parameters = new NdisOffloadParameters(IPsecV2: OffloadParametersIpsec.AhAndEspEnabled, IPsecV2IPv4: OffloadParametersIpsec.Disabled);
        Set(ipv6, parameters);
        Set(ipv4Only, parameters);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ipv6.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Esp), Is.True);
            Assert.That(ipv4Only.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Esp), Is.False);
        }
    }

    [TestCase(NdisOffloadParametersCodec.IPsecV1Offset, "IPsecV1")]
    [TestCase(NdisOffloadParametersCodec.IPsecV2Offset, "IPsecV2")]
    [TestCase(NdisOffloadParametersCodec.IPsecV2IPv4Offset, "IPsecV2IPv4")]
    public void OffloadParameters_UndefinedValue_InvalidDataStateUnchanged(int offset, string member)
    {
        var handler = new SaOidHandler(NdisAbi.X64, FullV2(), FullV1());
        IpsecEnableState before = handler.EnableState;
        OidRequest request = OidRequest.OffloadParameters(new NdisOffloadParameters(IPsecV1: OffloadParametersIpsec.Disabled, IPsecV2: OffloadParametersIpsec.Disabled));
        request.InformationBuffer[offset] = 5;
        OidResult result = handler.Handle(request);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(NdisStatus.InvalidData));
            Assert.That(handler.LastDiagnostics!.ElementErrors[0]!.Field, Does.EndWith(member));
            Assert.That(handler.EnableState, Is.EqualTo(before));
        }
    }

    [Test]
    public void OffloadParameters_DisableKeepsSas_HaltClearsThem([Values] NdisAbi abi)
    {
        var handler = new SaOidHandler(abi, FullV2(), null);
        ulong handle = AddV2(handler, abi, AddSa(RandomBytes(Seeded(402), 36), EspCbcSha1()));
        Set(handler, new NdisOffloadParameters(IPsecV2: OffloadParametersIpsec.Disabled));
        bool keptAfterDisable = handler.Store.TryGet(handle, out OffloadedSaBundle? bundle);
        handler.Halt();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(keptAfterDisable, Is.True, "AMB-24: disabling offload does not delete SAs");
            Assert.That(handler.Store.Count, Is.Zero);
            Assert.That(bundle!.IsDisposed, Is.True);
            Assert.That(AddV2(handler, abi, AddSa(RandomBytes(Seeded(403), 36), EspCbcSha1())), Is.Not.EqualTo(handle), "handles are not reused after halt");
        }
    }
}
