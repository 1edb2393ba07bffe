using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>How IPsec offload is switched off for the SA of a test (AMB-23).</summary>
public enum DisableKind
{
    /// <summary><c>…_DISABLED</c> for the SA's version.</summary>
    Disabled,

    /// <summary><c>…_AH_ENABLED</c> while the SA is ESP.</summary>
    AhOnlyWithEspSa,

    /// <summary><c>…_ESP_ENABLED</c> while the SA is AH.</summary>
    EspOnlyWithAhSa,
}

/// <summary>
/// The reference miniport's send-path seed rules (issue #3), each for v1 (ADD_SA) and v2 (ADD_SA and
/// ADD_SA_EX), x64 and x86, driven through the transport simulator at NBL level. Transmitted packets
/// are judged by <see cref="WireOracle"/> (BouncyCastle decryption and HMAC), not by the engine.
/// </summary>
public sealed class SendSeedRuleTests
{
    private static readonly byte[] ArpFrame = Hex.Parse(
        "ffffffffffff 02005e000001 0806 0001 0800 06 04 0001 02005e000001 c0000201 000000000000 c0000202");

    private static IEnumerable<TestCaseData> ApiAbi() => SendKit.ApiAbiCases();

    private static IEnumerable<TestCaseData> V2Abi() => SendKit.V2AbiCases();

    private static IEnumerable<TestCaseData> Abi() => SendKit.AbiCases();

    // ------------------------------------------------------------------ SEND-03

    [Category("Requirement:SEND-03")]
    [Category("Requirement:SEND-23")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send03_OffloadHandleZero_EveryFrameLeavesUnchanged(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 301);
        FramedPacket framed = s.Next();
        byte[] shortIp = SendKit.Udp4(s.Random, 4); // 14 + 20 + 8 + 4 = 46 bytes: padded to 60 (SEND-23)
        byte[][] inputs = [SendKit.EthernetFrame(framed), TransportSimulator.EthernetFrame(shortIp), ArpFrame];
        NetBufferList nbl = s.Rig.Transport.BuildNbl(inputs, offloadHandle: 0, tunnelHandle: 0,
            headerInfo: api == SaApi.V1 ? null : framed.V2HeaderInfo, name: "zero-handles");

        s.Rig.Send(nbl);

        IReadOnlyList<byte[]> frames = s.Rig.AssertSucceeded(nbl);
        Assert.That(frames, Has.Count.EqualTo(inputs.Length), "one frame per NET_BUFFER");
        using (Assert.EnterMultipleScope())
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                SendKit.AssertUnchanged(inputs[i], frames[i], $"NB {i}");
            }
        }
    }

    // ------------------------------------------------------------------ SEND-04 / AMB-34

    [Category("Requirement:SEND-04")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send04_UnknownOffloadHandle_FailsNamingTheHandleAndSendsNothing(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 401);
        ulong unknown = abi == NdisAbi.X64 ? 0xF1E2_D3C4_B5A6_9788 : 0xB5A6_9788;
        Assert.That(unknown, Is.Not.EqualTo(s.Handle));
        NetBufferList bad = s.Nbl("unknown-handle", unknown, s.Next(), s.Next());

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", $"0x{unknown:x}", "names no offloaded SA");
    }

    [Category("Requirement:SEND-04")]
    [Category("Requirement:AMB-34")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send04_DeletedHandle_FailsAndSendsNothing(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 402);
        FramedPacket first = s.Next();
        NetBufferList before = s.Nbl("before-delete", null, first);
        s.Rig.Send(before);
        s.AssertSent(before, first);

        s.Rig.Delete(api, s.Handle);
        NetBufferList after = s.Nbl("after-delete", null, s.Next());
        s.Rig.Send(after);

        s.Rig.AssertRefused(after, NdisStatus.Failure, "OffloadHandle", $"0x{s.Handle:x}", "names no offloaded SA");
    }

    // ------------------------------------------------------------------ SEND-02 / AMB-23

    private static IEnumerable<TestCaseData> DisableCases() =>
        from api in SendKit.Apis
        from kind in Enum.GetValues<DisableKind>()
        from abi in SendKit.Abis
        select new TestCaseData(api, kind, abi).SetArgDisplayNames(api.ToString(), kind.ToString(), abi.ToProtocolName());

    private static SendScenario DisabledScenario(SaApi api, DisableKind kind, NdisAbi abi, int salt, OffloadProfile? profile)
    {
        Random random = TestSeeds.Create(salt);
        SaSpec sa = kind == DisableKind.EspOnlyWithAhSa ? SendKit.AhFor(api, random) : SendKit.EspFor(api, random);
        var s = new SendScenario(api, abi, salt + 1, sa, profile: profile);
        OffloadParametersIpsec value = kind switch
        {
            DisableKind.Disabled => OffloadParametersIpsec.Disabled,
            DisableKind.AhOnlyWithEspSa => OffloadParametersIpsec.AhEnabled,
            _ => OffloadParametersIpsec.EspEnabled,
        };
        OidResult result = api == SaApi.V1 ? s.Rig.Transport.SetIpsecOffload(v1: value) : s.Rig.Transport.SetIpsecOffload(v2: value);
        Assert.That(result.Status, Is.EqualTo(NdisStatus.Success), "OID_TCP_OFFLOAD_PARAMETERS");
        return s;
    }

    private static void ReEnableAndExpectProtection(SendScenario s)
    {
        OidResult result = s.Api == SaApi.V1
            ? s.Rig.Transport.SetIpsecOffload(v1: OffloadParametersIpsec.AhAndEspEnabled)
            : s.Rig.Transport.SetIpsecOffload(v2: OffloadParametersIpsec.AhAndEspEnabled);
        Assert.That(result.Status, Is.EqualTo(NdisStatus.Success), "re-enable");
        FramedPacket packet = s.Next();
        NetBufferList nbl = s.Nbl("re-enabled", null, packet);
        s.Rig.Send(nbl);
        s.AssertSent(nbl, packet);
    }

    [Category("Requirement:SEND-02")]
    [Category("Requirement:AMB-23")]
    [TestCaseSource(nameof(DisableCases))]
    public void Send02_OffloadDisabled_ProfileSendAsIs_FramesLeaveUnchangedThenReEnableProtects(SaApi api, DisableKind kind, NdisAbi abi)
    {
        using SendScenario s = DisabledScenario(api, kind, abi, 201, OffloadProfile.Default);
        FramedPacket a = s.Next(), b = s.Next();
        NetBufferList nbl = s.Nbl("while-disabled", null, a, b);

        s.Rig.Send(nbl);

        IReadOnlyList<byte[]> frames = s.Rig.AssertSucceeded(nbl);
        Assert.That(frames, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            SendKit.AssertUnchanged(SendKit.EthernetFrame(a), frames[0], "NB 0 while disabled");
            SendKit.AssertUnchanged(SendKit.EthernetFrame(b), frames[1], "NB 1 while disabled");
        }

        ReEnableAndExpectProtection(s);
    }

    [Category("Requirement:SEND-02")]
    [Category("Requirement:AMB-23")]
    [TestCaseSource(nameof(DisableCases))]
    public void Amb23_OffloadDisabled_ProfileFail_FailsAndSendsNothingThenReEnableProtects(SaApi api, DisableKind kind, NdisAbi abi)
    {
        OffloadProfile fail = OffloadProfile.Default with { OffloadDisabled = OffloadDisabledBehavior.Fail };
        using SendScenario s = DisabledScenario(api, kind, abi, 203, fail);
        NetBufferList nbl = s.Nbl("while-disabled", null, s.Next(), s.Next());

        s.Rig.Send(nbl);

        s.Rig.AssertRefused(nbl, NdisStatus.Failure, "OID_TCP_OFFLOAD_PARAMETERS", "disabled");
        ReEnableAndExpectProtection(s);
    }

    // ------------------------------------------------------------------ SEND-08 / SEND-22

    [Category("Requirement:SEND-08")]
    [Category("Requirement:SEND-22")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send08_ThreeNetBuffersWithConsecutiveSequenceNumbers_AllProtectedInOrder(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 801);
        FramedPacket[] packets = [s.Next(), s.Next(), s.Next()];
        NetBufferList nbl = s.Nbl("three-nbs", null, packets);

        s.Rig.Send(nbl);

        s.AssertSent(nbl, packets);
        IReadOnlyList<byte[]> frames = s.Rig.Host.FramesOf(nbl);
        uint first = BinaryPrimitives.ReadUInt32BigEndian(packets[0].Packet.AsSpan(packets[0].EspHeaderOffset + EspHeader.SequenceNumberOffset));
        using (Assert.EnterMultipleScope())
        {
            for (int i = 0; i < frames.Count; i++)
            {
                int at = TransportSimulator.EthernetHeaderLength + packets[i].EspHeaderOffset + EspHeader.SequenceNumberOffset;
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(frames[i].AsSpan(at)), Is.EqualTo(unchecked(first + (uint)i)), $"frame {i}: sequence number");
            }
        }
    }

    [Category("Requirement:SEND-09")]
    [TestCaseSource(nameof(AlgorithmCases))]
    public void Send09_EveryAlgorithm_WireMatchesBouncyCastleOracle(SaApi api, string name, bool ipv6, NdisAbi abi)
    {
        Random random = TestSeeds.Create(900 + name.Length);
        SaSpec sa = Algorithm(name, random);
        using var s = new SendScenario(api, abi, salt: 901, sa, ipv6);
        FramedPacket a = s.Next(), b = s.Next();
        NetBufferList nbl = s.Nbl(name, null, a, b);

        s.Rig.Send(nbl);

        s.AssertSent(nbl, a, b);
    }

    private static readonly string[] V1Algorithms =
        ["esp des+md5", "esp des+sha1", "esp 3des+md5", "esp 3des+sha1", "esp null+md5", "esp null+sha1", "ah md5", "ah sha1"];

    private static readonly string[] V2Algorithms =
        ["esp aes128+sha1", "esp aes192+sha256", "esp aes256+md5", "esp 3des+sha1", "esp des+md5", "esp null+sha256", "ah md5", "ah sha1", "ah sha256"];

    private static IEnumerable<TestCaseData> AlgorithmCases()
    {
        foreach (NdisAbi abi in SendKit.Abis)
        {
            foreach (string name in V1Algorithms)
            {
                yield return new TestCaseData(SaApi.V1, name, false, abi).SetArgDisplayNames("V1", name, "IPv4", abi.ToProtocolName());
            }

            foreach (SaApi api in new[] { SaApi.V2, SaApi.V2Ex })
            {
                foreach (string name in V2Algorithms)
                {
                    foreach (bool ipv6 in new[] { false, true })
                    {
                        yield return new TestCaseData(api, name, ipv6, abi).SetArgDisplayNames(api.ToString(), name, ipv6 ? "IPv6" : "IPv4", abi.ToProtocolName());
                    }
                }
            }
        }
    }

    private static SaSpec Algorithm(string name, Random random)
    {
        string[] parts = name.Split(' ', '+');
        CryptoAlgorithm Mac(string m) => m switch
        {
            "md5" => CryptoAlgorithm.HmacMd5,
            "sha1" => CryptoAlgorithm.HmacSha1,
            _ => CryptoAlgorithm.HmacSha256,
        };
        if (parts[0] == "ah")
        {
            return SendKit.Ah(random, Mac(parts[1]));
        }

        CryptoAlgorithm cipher = parts[1] switch
        {
            "des" => CryptoAlgorithm.DesCbc,
            "3des" => CryptoAlgorithm.TripleDesCbc,
            "null" => CryptoAlgorithm.EspNull,
            "aes128" => CryptoAlgorithm.AesCbc128,
            "aes192" => CryptoAlgorithm.AesCbc192,
            _ => CryptoAlgorithm.AesCbc256,
        };
        return SendKit.Esp(random, cipher, Mac(parts[2]));
    }

    // ------------------------------------------------------------------ SEND-21: chains

    [Category("Requirement:SEND-21")]
    [Category("Requirement:SEND-22")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_ChainOfFiveMixedNbls_EachCompletedOnceWithItsOwnStatus(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2101);
        FramedPacket g1 = s.Next(), g2 = s.Next(), plain = s.Next(), g5 = s.Next();
        byte[] wrongSpi = s.Next().Packet;
        BinaryPrimitives.WriteUInt32BigEndian(wrongSpi.AsSpan((s.IPv6 ? 40 : 20) + EspHeader.SpiOffset), s.Sa.Spi ^ 0x0101_0101);
        ulong unknown = s.Handle + 0x1_0000;
        NetBufferList good1 = s.Nbl("good-1", null, g1, g2);
        NetBufferList zero = s.Nbl("zero-handle", 0, plain);
        NetBufferList stale = s.Nbl("unknown-handle", unknown, s.Next());
        NetBufferList bad = s.RawNbl("wrong-spi", wrongSpi, s.Next().V2HeaderInfo);
        NetBufferList good5 = s.Nbl("good-5", null, g5);

        s.Rig.Send(good1, zero, stale, bad, good5);

        s.AssertSent(good1, g1, g2);
        s.AssertSent(good5, g5);
        SendKit.AssertUnchanged(SendKit.EthernetFrame(plain), s.Rig.AssertSucceeded(zero).Single(), "zero-handle NBL");
        s.Rig.AssertRefused(stale, NdisStatus.Failure, "OffloadHandle", $"0x{unknown:x}");
        s.Rig.AssertRefused(bad, NdisStatus.Failure, "ESP.Spi", $"0x{s.Sa.Spi ^ 0x0101_0101:x8}", $"0x{s.Sa.Spi:x8}");
        IReadOnlyList<MiniportEvent> events = s.Rig.Host.Events;
        Assert.That(events.OfType<CompletionEvent>().Select(c => c.NetBufferList.Name),
            Is.EqualTo(new[] { "good-1", "zero-handle", "unknown-handle", "wrong-spi", "good-5" }), "one completion per NBL, in chain order");
        Assert.That(events.OfType<FrameEvent>().Select(f => f.Owner.Name),
            Is.EqualTo(new[] { "good-1", "good-1", "zero-handle", "good-5" }), "frames in NBL and NB order");
    }

    [Category("Requirement:SEND-08")]
    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_BadSecondNetBuffer_NothingOfTheNblIsSent(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2102);
        FramedPacket good = s.Next(), wrong = s.Next(), last = s.Next();
        byte[] frame = SendKit.EthernetFrame(wrong);
        uint badSpi = s.Sa.Spi ^ 0x8000_0001;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(TransportSimulator.EthernetHeaderLength + 20), badSpi);
        NetBufferList nbl = s.Rig.Transport.BuildNbl([SendKit.EthernetFrame(good), frame, SendKit.EthernetFrame(last)], s.Handle,
            headerInfo: api == SaApi.V1 ? null : good.V2HeaderInfo, name: "bad-second-nb");

        s.AssertRefusedBetweenGoodOnes(nbl, NdisStatus.Failure, "ESP.Spi", "NET_BUFFER 1:", $"0x{badSpi:x8}");
    }

    // ------------------------------------------------------------------ SEND-19: MDL geometry

    private sealed record SplitFixture(SaApi Api, SaSpec Sa, FramedPacket Framed, byte[] Frame, byte[] ExpectedWire);

    private static readonly Lazy<SplitFixture> EspSplit = new(() => MakeSplitFixture(SaApi.V2, IpsecProtocol.Esp, 1901));

    private static readonly Lazy<SplitFixture> AhSplit = new(() => MakeSplitFixture(SaApi.V1, IpsecProtocol.Ah, 1902));

    private static SplitFixture MakeSplitFixture(SaApi api, IpsecProtocol protocol, int salt)
    {
        Random random = TestSeeds.Create(salt);
        SaSpec sa = protocol == IpsecProtocol.Esp ? SendKit.EspFor(api, random) : SendKit.AhFor(api, random);
        FramedPacket framed = SendKit.Frame(random, SendKit.Udp4(random, SendScenario.PayloadLength), sa, SendKit.Sequence(random));
        byte[] frame = SendKit.EthernetFrame(framed);
        using var rig = new SendRig(NdisAbi.X64);
        NetBufferList nbl = rig.Nbl(api, framed, rig.Add(api, BundleSpec.Of(sa)), name: "contiguous");
        rig.Send(nbl);
        return new SplitFixture(api, sa, framed, frame, rig.AssertSucceeded(nbl).Single());
    }

    private static IEnumerable<TestCaseData> SplitCases(Lazy<SplitFixture> fixture, string what) =>
        BufferGeometry.All(fixture.Value.Frame.Length).Select(l => new TestCaseData(l).SetArgDisplayNames($"{what} {l.Description}"));

    private static IEnumerable<TestCaseData> EspLayouts() => SplitCases(EspSplit, "v2 ESP aes-cbc-256+sha256");

    private static IEnumerable<TestCaseData> AhLayouts() => SplitCases(AhSplit, "v1 AH md5");

    [Test]
    [Category("Requirement:SEND-19")]
    public void Send19_ContiguousReferencePackets_MatchBouncyCastleOracle()
    {
        using (Assert.EnterMultipleScope())
        {
            WireOracle.AssertProtected(EspSplit.Value.Framed, [EspSplit.Value.Sa], EspSplit.Value.ExpectedWire, "ESP contiguous");
            WireOracle.AssertProtected(AhSplit.Value.Framed, [AhSplit.Value.Sa], AhSplit.Value.ExpectedWire, "AH contiguous");
        }
    }

    [Category("Requirement:SEND-19")]
    [TestCaseSource(nameof(EspLayouts))]
    public void Send19_EspFrameInAnyMdlLayout_SameWireBytes(BufferLayout layout) => AssertLayout(EspSplit.Value, layout);

    [Category("Requirement:SEND-19")]
    [TestCaseSource(nameof(AhLayouts))]
    public void Send19_AhFrameInAnyMdlLayout_SameWireBytes(BufferLayout layout) => AssertLayout(AhSplit.Value, layout);

    private static void AssertLayout(SplitFixture fixture, BufferLayout layout)
    {
        using var rig = new SendRig(NdisAbi.X64);
        ulong handle = rig.Add(fixture.Api, BundleSpec.Of(fixture.Sa));
        NetBuffer nb = layout.Build(fixture.Frame);
        var nbl = new NetBufferList(nb) { Name = layout.Description };
        nbl.Info.Set(new IPsecOffloadV2Transmit(handle), rig.Abi);
        if (fixture.Api != SaApi.V1)
        {
            nbl.Info.Set(fixture.Framed.V2HeaderInfo, rig.Abi);
        }

        rig.Send(nbl);

        HexAssert.AreEqual(fixture.ExpectedWire, rig.AssertSucceeded(nbl).Single(), $"wire frame, layout {layout.Details}");
        layout.AssertOutsideDataUntouched(nb);
        HexAssert.AreEqual(fixture.Frame, nb.CopyData(), $"{layout.Description}: the NB data (the miniport must not change it)");
    }

    // ------------------------------------------------------------------ SEND-05 / SEND-06 / AMB-08 / AMB-10: tunnels

    private static TunnelHeader OuterV4(Random random) =>
        TunnelHeader.IPv4(BinaryPrimitives.ReadUInt32BigEndian(SendKit.Bytes(random, 4)), BinaryPrimitives.ReadUInt32BigEndian(SendKit.Bytes(random, 4)),
            ttl: 0x3f, identification: BinaryPrimitives.ReadUInt16BigEndian(SendKit.Bytes(random, 2)));

    [Category("Requirement:SEND-05")]
    [Category("Requirement:SEND-06")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send06_TransportOverTunnel_InnerSaAppliedFirstThenTunnelSa(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 601);
        SaSpec outer = SendKit.Esp(s.Random, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1);
        ulong tunnelHandle = s.Rig.Add(api, BundleSpec.Of(outer));
        FramedPacket framed = TransportSimulator.Frame(s.Plain(),
            [TransportSimulator.Framing(s.Sa, 7, SendKit.Bytes(s.Random, s.Sa.IvLength))],
            [TransportSimulator.Framing(outer, 0x1_2345_6789, SendKit.Bytes(s.Random, outer.IvLength), OuterV4(s.Random))]);
        NetBufferList nbl = s.Rig.Nbl(api, framed, s.Handle, tunnelHandle, "transport-over-tunnel");

        s.Rig.Send(nbl);

        WireOracle.AssertProtected(framed, [s.Sa, outer], s.Rig.AssertSucceeded(nbl).Single(), "transport over tunnel");
    }

    [Category("Requirement:AMB-08")]
    [TestCaseSource(nameof(V2Abi))]
    public void Amb08_TunnelHandleOnly_TunnelSaApplied(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 801_08);
        FramedPacket framed = SendKit.Frame(s.Random, s.Plain(), s.Sa, 0x42, OuterV4(s.Random));
        NetBufferList nbl = s.Rig.Nbl(api, framed, offloadHandle: 0, tunnelHandle: s.Handle, name: "tunnel-handle-only");

        s.Rig.Send(nbl);

        WireOracle.AssertProtected(framed, [s.Sa], s.Rig.AssertSucceeded(nbl).Single(), "tunnel handle only");
    }

    [Category("Requirement:AMB-08")]
    [TestCaseSource(nameof(V2Abi))]
    public void Amb08_OffloadHandleNamesTunnelModeSa_TunnelSaApplied(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 802_08);
        FramedPacket framed = SendKit.Frame(s.Random, s.Plain(), s.Sa, 0x43, OuterV4(s.Random));
        NetBufferList nbl = s.Rig.Nbl(api, framed, s.Handle, name: "tunnel-mode-offload-handle");

        s.Rig.Send(nbl);

        WireOracle.AssertProtected(framed, [s.Sa], s.Rig.AssertSucceeded(nbl).Single(), "tunnel-mode SA by OffloadHandle");
    }

    private static IEnumerable<TestCaseData> Slot11Values() =>
        from abi in SendKit.Abis
        from kind in new[] { "unknown", "v2-sa", "wide" }
        where kind != "wide" || abi == NdisAbi.X86
        select new TestCaseData(abi, kind).SetArgDisplayNames(abi.ToProtocolName(), kind);

    [Category("Requirement:AMB-10")]
    [TestCaseSource(nameof(Slot11Values))]
    public void Amb10_V1SaWithNonZeroSlot11_SlotIgnored(NdisAbi abi, string slot11)
    {
        using var s = new SendScenario(SaApi.V1, abi, salt: 1001);
        ulong v2Handle = s.Rig.Add(SaApi.V2, BundleSpec.Of(SendKit.EspFor(SaApi.V2, s.Random)));
        ulong value = slot11 switch
        {
            "unknown" => abi == NdisAbi.X64 ? 0x8877_6655_4433_2211 : 0x4433_2211,
            "v2-sa" => v2Handle,
            _ => 0x1_0000_0000 | s.Handle,
        };
        FramedPacket framed = s.Next();
        NetBufferList nbl = s.Nbl("v1-with-slot-11", null, framed);
        nbl.Info[Ndis.NetBufferListInfoId.IPsecOffloadV2Tunnel] = value;

        s.Rig.Send(nbl);

        s.AssertSent(nbl, framed);
    }

    // ------------------------------------------------------------------ ESN (UPDATE_SA)

    [Category("Requirement:SEND-09")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send09_EsnHighHalfPushedWithUpdateSa_IcvCoversTheNewHighHalf(SaApi api, NdisAbi abi)
    {
        Random random = TestSeeds.Create(909);
        uint initialHigh = BinaryPrimitives.ReadUInt32BigEndian(SendKit.Bytes(random, 4));
        uint newHigh = unchecked(initialHigh + 1); // RFC 4303 §3.3.3: the high half steps when the low half wraps
        SaSpec sa = SendKit.Esp(random, CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha256, esn: true, high: initialHigh);
        using var s = new SendScenario(api, abi, salt: 910, sa);
        FramedPacket beforeUpdate = SendKit.Frame(s.Random, s.Plain(), sa, ((ulong)initialHigh << 32) | 0xFFFF_FFFF);
        NetBufferList first = s.Nbl("before-update", null, beforeUpdate);
        s.Rig.Send(first);
        WireOracle.AssertProtected(beforeUpdate, [sa], s.Rig.AssertSucceeded(first).Single(), "ESN before UPDATE_SA");

        OidResult update = s.Rig.Transport.UpdateSaV2(s.Handle, sa, newHigh);
        Assert.That(update.Status, Is.EqualTo(NdisStatus.Success), "UPDATE_SA");
        FramedPacket afterUpdate = SendKit.Frame(s.Random, s.Plain(), sa, (ulong)newHigh << 32);
        NetBufferList second = s.Nbl("after-update", null, afterUpdate);
        s.Rig.Send(second);

        byte[] wire = s.Rig.AssertSucceeded(second).Single();
        WireOracle.AssertProtected(afterUpdate, [sa], wire, "ESN after UPDATE_SA", _ => newHigh);
        FramedHeader header = afterUpdate.Headers.Single();
        byte[] packet = wire[TransportSimulator.EthernetHeaderLength..];
        Assert.That(Convert.ToHexStringLower(packet.AsSpan(header.IcvOffset, header.IcvLength)),
            Is.Not.EqualTo(Convert.ToHexStringLower(WireOracle.EspIcv(packet, header, sa, initialHigh))), "the ICV must not use the old high half");
    }
}
