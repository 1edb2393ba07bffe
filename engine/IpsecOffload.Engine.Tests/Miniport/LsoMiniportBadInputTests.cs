using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Tests.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// LSO NBLs the reference miniport refuses (docs/decisions/lso-bad-input.md, SEND-16/17/19/21), sent
/// through <c>SendNetBufferLists</c> between two good LSO NBLs of the same chain: the bad one completes
/// once with the SEND-21 status, the reason names the field and the numbers, nothing of it is
/// transmitted, an LSOv1 NBL reports 0 payload bytes in its completion (SEND-20), and the good ones go
/// out and pass the oracle. Base: IPv4 TCP with 12 bytes of TCP options, AES-GCM-128 ICV 16, LSO MSS 400,
/// 1000 payload bytes (3 segments); ESP at 0x14, TCP at frame offset 50, headers end at frame byte 82.
/// </summary>
public sealed class LsoMiniportBadInputTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from abi in new[] { NdisAbi.X64, NdisAbi.X86 }
        from version in new[] { LargeSendOffloadType.V1, LargeSendOffloadType.V2 }
        select new TestCaseData(abi, version).SetArgDisplayNames(abi.ToProtocolName(), version.ToString());

    [TestCaseSource(nameof(Cases))]
    public void MssZero_FailsNamingTheMssField(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 1);
        LsoSend bad = s.Bad();
        ulong slot = version == LargeSendOffloadType.V1
            ? new LsoV1Transmit(0, (uint)bad.Framed.TcpHeaderOffsetInFrame).ToSlot(abi)
            : new LsoV2Transmit(0, (uint)bad.Framed.TcpHeaderOffsetInFrame, LargeSendOffloadIPVersion.IPv4).ToSlot(abi);
        bad.Nbl.Info[NetBufferListInfoId.TcpLargeSend] = slot;

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, version == LargeSendOffloadType.V1 ? "LsoV1Transmit.MSS" : "LsoV2Transmit.MSS", "is 0");
    }

    [TestCaseSource(nameof(Cases))]
    public void TwoNetBuffers_FailsWithInvalidLength_Send17(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 2);
        LsoSend one = s.Bad();
        byte[] frame = TransportSimulator.EthernetFrame(one.Framed.Packet);
        var nbl = new NetBufferList(NetBuffer.FromBytes(frame), NetBuffer.FromBytes(frame)) { Name = "lso-two-nbs" };
        for (int i = 0; i < nbl.Info.AsSpan().Length; i++)
        {
            nbl.Info[(NetBufferListInfoId)i] = one.Nbl.Info[(NetBufferListInfoId)i];
        }

        s.AssertRefusedBetweenGoodOnes(one with { Nbl = nbl }, NdisStatus.InvalidLength, "NET_BUFFER_LIST", "exactly one NET_BUFFER (SEND-17)", "has 2");
    }

    [TestCaseSource(nameof(Cases))]
    public void TunnelHandleBesideTheOffloadHandle_Fails_Send16(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 3);
        // A real outbound SA as the tunnel handle: the refusal is about LSO + tunnel, not an unknown handle.
        ulong tunnel = s.Rig.AddV2(LsoTestKit.Gcm128.Spec(s.Random, SendKit.Spi(s.Random)), ipv6: false);
        LsoSend bad = s.Bad();
        bad.Nbl.Info.Set(new IPsecOffloadV2TunnelTransmit(tunnel), abi);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "TUNNEL_NET_BUFFER_LIST_INFO.TunnelHandle", "is non-zero on an LSO NBL", "SEND-16");
    }

    [TestCaseSource(nameof(Cases))]
    public void PadLengthBeyondTheTrailingBytes_FailsWithInvalidLength(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 4);
        // 200 payload bytes and PadLength pad bytes follow the TCP header; claim one pad byte more than that.
        LsoSend small = s.Bad(payload: 200);
        int smallTrailing = small.Framed.TcpPayloadLength + small.Framed.PadLength;
        small.Nbl.Info.Set(small.Framed.HeaderInfo with { PadLength = (byte)(smallTrailing + 1) }, abi);

        s.AssertRefusedBetweenGoodOnes(small, NdisStatus.InvalidLength, "HEADER_NET_BUFFER_LIST_INFO.PadLength",
            $"is {smallTrailing + 1}", $"only {smallTrailing} bytes follow the TCP header");
    }

    [TestCaseSource(nameof(Cases))]
    public void HeadersSplitInsideTheTcpHeader_FailsNamingTheFirstMdl_Send19(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 5);
        int tcpInFrame = Scenario.TcpInFrame;
        LsoSend bad = s.Bad(split: [tcpInFrame + 13]); // cut between the TCP flags and the window

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "MDL.ByteCount",
            $"the first MDL holds {tcpInFrame + 13} bytes", $"({Scenario.HeadersEnd} bytes) must be in it (SEND-19)");
    }

    [TestCaseSource(nameof(Cases))]
    public void SplitExactlyAtTheEndOfTheHeaders_IsAccepted(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 6);
        LsoSend edge = s.Good(split: [Scenario.HeadersEnd, Scenario.HeadersEnd + 1]);
        s.Rig.Send(edge.Nbl);
        s.AssertGood(edge);
    }

    [TestCaseSource(nameof(Cases))]
    public void SegmentAboveTheMtu_FailsWithInvalidLength(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 7);
        // MSS 1460 with 32 bytes of TCP header, ESP 8 + IV 8, trailer 2 + pad 2, ICV 16: 20 + 8 + 8 + 32 + 1460 + 4 + 16 = 1548 > 1500.
        LsoSend bad = s.Bad(mss: 1460, payload: 3000);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "MSS", "MSS 1460", "1548-byte IP datagram", "above the MTU 1500");
    }

    [TestCaseSource(nameof(Cases))]
    public void LsoOnAV1Sa_Fails(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 8);
        SaSpec v1 = SendKit.Esp(s.Random, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1);
        SaAddResult added = s.Rig.Transport.AddSaV1(BundleSpec.Of(v1));
        Assert.That(added.Succeeded, Is.True, added.Status.ToNdisName());
        LsoSend bad = LsoMiniportKit.Build(s.Rig, v1, added.Handle, LsoMiniportKit.Tcp4(s.Random, 1000), 400, version, 9, s.Random, name: "lso-on-v1");

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "IPsec offload v1 SA", "never both");
    }

    [TestCaseSource(nameof(Cases))]
    public void LsoOnAnAhSa_Fails(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 9);
        ulong ah = s.Rig.AddV2(SendKit.Ah(s.Random, CryptoAlgorithm.HmacSha256), ipv6: false);
        LsoSend bad = s.Bad(handle: ah);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "only ESP SAs are segmented under LSO", "lso-bad-input.md");
    }

    [TestCaseSource(nameof(Cases))]
    public void LsoOnAnEspPlusAhBundle_Fails(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 10);
        SaAddResult added = s.Rig.Transport.AddSaV2(new BundleSpec { Sas = [s.Sa, SendKit.Ah(s.Random, CryptoAlgorithm.HmacSha1)] });
        Assert.That(added.Succeeded, Is.True, added.Status.ToNdisName());
        LsoSend bad = s.Bad(handle: added.Handle);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "only ESP SAs are segmented under LSO");
    }

    /// <summary>Plain TSO (LSO without IPsec) is outside this suite: the reference miniport refuses it (documented in SendLso).</summary>
    [TestCaseSource(nameof(Cases))]
    public void LsoWithOffloadHandleZero_FailsAsPlainTsoNotSupported(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 11);
        LsoSend bad = s.Bad(handle: 0);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "TcpLargeSendNetBufferListInfo", "LSO without IPsec offload", "plain TSO");
    }

    [TestCaseSource(nameof(Cases))]
    public void LsoWithAnUnknownOffloadHandle_Fails(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 12);
        LsoSend bad = s.Bad(handle: 0x7A5C_0000 + 0x1234);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "0x7a5c1234 names no offloaded SA");
    }

    [TestCase(LargeSendOffloadType.V1)]
    [TestCase(LargeSendOffloadType.V2)]
    public void X86_OffloadHandleWiderThanAPointer_Fails(LargeSendOffloadType version)
    {
        using var s = new Scenario(NdisAbi.X86, version, salt: 15);
        LsoSend bad = s.Bad();
        bad.Nbl.Info[NetBufferListInfoId.IPsecOffload] = 0x0000_0001_0000_0000UL | s.Handle;

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "wider than an x86 pointer");
    }

    [TestCaseSource(nameof(Cases))]
    public void LsoWithOnlyATunnelHandle_Fails_Send16(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 13);
        LsoSend bad = s.Bad(handle: 0);
        bad.Nbl.Info.Set(new IPsecOffloadV2TunnelTransmit(s.Handle), abi);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "tunnel handle only", "SEND-16");
    }

    [TestCaseSource(nameof(Cases))]
    public void IpsecOffloadDisabled_LsoNblFails_PlainNeighboursGoOutUnchanged(NdisAbi abi, LargeSendOffloadType version)
    {
        using var s = new Scenario(abi, version, salt: 14);
        LsoSend bad = s.Bad();
        OidResult disabled = s.Rig.Transport.SetIpsecOffload(v2: OffloadParametersIpsec.Disabled, v2IPv4: OffloadParametersIpsec.Disabled);
        Assert.That(disabled.Status, Is.EqualTo(NdisStatus.Success), "OID_TCP_OFFLOAD_PARAMETERS");

        // Neighbours without IPsec offload (handle 0, no LSO): the only sends that can go out now.
        byte[] plain1 = TransportSimulator.EthernetFrame(LsoMiniportKit.Tcp4(s.Random, 300));
        byte[] plain2 = TransportSimulator.EthernetFrame(LsoMiniportKit.Tcp4(s.Random, 700));
        NetBufferList before = s.Rig.Transport.BuildNbl([plain1], 0, name: "plain-before");
        NetBufferList after = s.Rig.Transport.BuildNbl([plain2], 0, name: "plain-after");
        s.Rig.Send(before, bad.Nbl, after);

        s.AssertRefused(bad, NdisStatus.Failure, "OID_TCP_OFFLOAD_PARAMETERS", "disabled", "no plain TSO");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s.Rig.Host.CompletionsOf(before).Select(c => c.Status), Is.EqualTo(new[] { NdisStatus.Success }));
            Assert.That(s.Rig.Host.CompletionsOf(after).Select(c => c.Status), Is.EqualTo(new[] { NdisStatus.Success }));
        }

        HexAssert.AreEqual(plain1, s.Rig.Host.FramesOf(before).Single(), "plain NBL before the refused one");
        HexAssert.AreEqual(plain2, s.Rig.Host.FramesOf(after).Single(), "plain NBL after the refused one");
    }

    /// <summary>
    /// One miniport (ABI, MTU 1500) with one outbound IPv4 AES-GCM-128 ESP SA, and LSO sends on it with
    /// consecutive sequence numbers. Good sends are checked with <see cref="LsoOracle"/> and one IV set.
    /// </summary>
    private sealed class Scenario : IDisposable
    {
        /// <summary>14 Ethernet + 20 IPv4 + 8 ESP + 8 IV.</summary>
        public const int TcpInFrame = 50;

        /// <summary><see cref="TcpInFrame"/> + 32 (TCP header with 12 bytes of options).</summary>
        public const int HeadersEnd = 82;

        private readonly HashSet<string> _ivs = new(StringComparer.Ordinal);
        private readonly LargeSendOffloadType _version;
        private ulong _sequence;
        private int _count;

        public Scenario(NdisAbi abi, LargeSendOffloadType version, int salt)
        {
            Random = TestSeeds.Create(0x15B0 + salt);
            Replay = TestSeeds.ReplayHint(0x15B0 + salt);
            _version = version;
            Rig = new LsoMiniportRig(abi);
            Sa = LsoTestKit.Gcm128.Spec(Random, SendKit.Spi(Random));
            Handle = Rig.AddV2(Sa, ipv6: false);
            _sequence = SendKit.Sequence(Random) & 0x7FFF_FFFF;
        }

        public LsoMiniportRig Rig { get; }

        public Random Random { get; }

        public string Replay { get; }

        public SaSpec Sa { get; }

        public ulong Handle { get; }

        /// <summary>A good LSO send (1000 payload bytes, MSS 400) that advances the sequence number.</summary>
        public LsoSend Good(int[]? split = null)
        {
            LsoSend send = Build(Handle, 400, 1000, split, $"good-{_count++}");
            _sequence += (ulong)send.ExpectedSegments;
            return send;
        }

        /// <summary>An LSO send to spoil: same SA unless <paramref name="handle"/> is given.</summary>
        public LsoSend Bad(ulong? handle = null, uint mss = 400, int payload = 1000, int[]? split = null)
        {
            LsoSend send = Build(handle ?? Handle, mss, payload, split, "bad");
            _sequence += (ulong)send.ExpectedSegments;
            return send;
        }

        /// <summary>Sends [good, bad, good] as one chain; asserts the bad one refused and the good ones correct.</summary>
        public void AssertRefusedBetweenGoodOnes(LsoSend bad, NdisStatus status, string field, params string[] fragments)
        {
            LsoSend first = Good(split: [HeadersEnd + 100]);
            LsoSend last = Good();
            Rig.Send(first.Nbl, bad.Nbl, last.Nbl);
            AssertRefused(bad, status, field, fragments);
            AssertGood(first);
            AssertGood(last);
        }

        public void AssertRefused(LsoSend bad, NdisStatus status, string field, params string[] fragments)
        {
            NetBufferList nbl = bad.Nbl;
            IReadOnlyList<CompletionEvent> completions = Rig.Host.CompletionsOf(nbl);
            IReadOnlyList<NdisError> failures = Rig.FailuresOf(nbl);
            Assert.That(failures, Has.Count.EqualTo(1), $"{nbl.Name}: SendFailed reasons; {Replay}");
            NdisError error = failures[0];
            Assert.That(completions, Has.Count.EqualTo(1), $"{nbl.Name}: completions");
            ulong slot = completions[0].Info[(int)NetBufferListInfoId.TcpLargeSend];
            using (Assert.EnterMultipleScope())
            {
                Assert.That(completions[0].Status, Is.EqualTo(status), error.ToString());
                Assert.That(error.Status, Is.EqualTo(status), error.ToString());
                Assert.That(status.IsValidSendCompletion(), Is.True, "SEND-21 allows the status");
                Assert.That(Rig.Host.FramesOf(nbl), Is.Empty, $"{nbl.Name}: frames of a refused NBL");
                Assert.That(error.Field, Does.Contain(field), error.ToString());
                foreach (string fragment in fragments)
                {
                    Assert.That(error.Message, Does.Contain(fragment), error.ToString());
                }

                if (_version == LargeSendOffloadType.V1)
                {
                    // SEND-20: the LSOv1 completion counts the payload bytes sent; none were.
                    Assert.That(slot, Is.EqualTo(new LsoV1TransmitComplete(0, LargeSendOffloadType.V1).ToSlot(Rig.Abi)),
                        $"LSOv1 completion of a refused NBL: slot 0x{slot:x}, TcpPayload {LsoV1TransmitComplete.FromSlot(slot, Rig.Abi).TcpPayload}");
                }
            }
        }

        public void AssertGood(LsoSend send)
        {
            IReadOnlyList<CompletionEvent> completions = Rig.Host.CompletionsOf(send.Nbl);
            IReadOnlyList<byte[]> frames = Rig.Host.FramesOf(send.Nbl);
            IReadOnlyList<string> problems = LsoOracle.Check(Sa, send.Plain, send.Framed.Mss, send.Framed.Version, send.Framed.SequenceNumber,
                [.. frames.Select(LsoMiniportKit.IpOf)], _ivs);
            ulong slot = completions.Count == 1 ? completions[0].Info[(int)NetBufferListInfoId.TcpLargeSend] : 0;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(completions.Select(c => c.Status), Is.EqualTo(new[] { NdisStatus.Success }),
                    $"{send.Nbl.Name}: {string.Join("; ", Rig.FailuresOf(send.Nbl))}");
                Assert.That(frames, Has.Count.EqualTo(send.ExpectedSegments), $"{send.Nbl.Name}: segments");
                Assert.That(problems, Is.Empty, $"{send.Nbl.Name}; {Replay}");
                Assert.That(slot, Is.EqualTo(send.Framed.Version == LargeSendOffloadType.V1
                    ? new LsoV1TransmitComplete((uint)send.Framed.TcpPayloadLength).ToSlot(Rig.Abi)
                    : new LsoV2TransmitComplete(0, LargeSendOffloadType.V2).ToSlot(Rig.Abi)), $"{send.Nbl.Name}: SEND-20 completion");
            }
        }

        private LsoSend Build(ulong handle, uint mss, int payload, int[]? split, string name)
        {
            LsoSend send = LsoMiniportKit.Build(Rig, Sa, handle, LsoMiniportKit.Tcp4(Random, payload), mss, _version, _sequence, Random,
                split is null ? null : _ => split, name);
            Assert.That(send.HeadersEnd, Is.EqualTo(HeadersEnd), "base layout");
            return send;
        }

        public void Dispose() => Rig.Dispose();
    }
}
