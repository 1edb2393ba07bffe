using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// One LSO + IPsec v2 send to measure: a <see cref="ReferenceMiniport"/> (x64, MTU 9216) with one outbound
/// IPv4 AES-GCM-128 ESP SA (ICV 16) added through <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c> by the
/// <see cref="TransportSimulator"/>, and one LSOv2 NBL of one NB in one MDL: Ethernet ‖ a 65,535-byte
/// plaintext IPv4/TCP packet (20 + 20 header bytes, 65,495 payload bytes) framed for LSO (ESP header, IV,
/// pad bytes; IP length 0 as LSOv2 sends it), MSS 1460 → 45 segments.
/// </summary>
/// <remarks>
/// MTU 9216 because a 1460-byte MSS segment becomes a 1536-byte ESP datagram (20 IP + 8 ESP + 8 IV + 20 TCP
/// + 1460 + 2 pad + 2 trailer + 16 ICV), which the default 1500 refuses. The miniport gathers the NB into
/// a pooled copy, so resending the same NBL does the full work; it overwrites slot 2 with the LSO
/// completion, so <see cref="Send"/> puts the transmit word back first, as the transport would for a new
/// send. (Every send reuses the first segment's SN and IV: harmless in a benchmark, never on a wire.)
/// </remarks>
public sealed class LsoScenario : IDisposable
{
    /// <summary>Bytes of the plaintext IPv4 packet before framing (the largest IPv4 datagram).</summary>
    public const int PlainPacketLength = 65_535;

    /// <summary>TCP payload bytes per send: 65,535 − 20 (IPv4) − 20 (TCP).</summary>
    public const int TcpPayloadLength = PlainPacketLength - 40;

    /// <summary>The LSO MSS.</summary>
    public const uint Mss = 1460;

    /// <summary>Segments per send: ⌈65,495 / 1460⌉.</summary>
    public const int SegmentsPerSend = (int)((TcpPayloadLength + Mss - 1) / Mss);

    private const uint SourceAddress = 0xC000_0201;      // 192.0.2.1
    private const uint DestinationAddress = 0xC633_6402; // 198.51.100.2
    private const ulong SequenceNumber = 0x0000_0000_0001_0000;

    private readonly ulong _lsoSlot;

    private LsoScenario(ReferenceMiniport miniport, CountingHost host, NetBufferList nbl)
    {
        Miniport = miniport;
        Host = host;
        NetBufferList = nbl;
        _lsoSlot = nbl.Info[NetBufferListInfoId.TcpLargeSend];
    }

    /// <summary>The miniport under measurement.</summary>
    public ReferenceMiniport Miniport { get; }

    /// <summary>The counting host.</summary>
    public CountingHost Host { get; }

    /// <summary>The LSO NBL sent on every operation.</summary>
    public NetBufferList NetBufferList { get; }

    /// <summary>Builds the miniport, adds the SA, frames the packet and checks one send emits every segment; throws otherwise.</summary>
    public static LsoScenario Create()
    {
        var host = new CountingHost();
        var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu });
        try
        {
            miniport.Initialize(host);
            var simulator = new TransportSimulator(miniport);
            byte[] key = new byte[CryptoAlgorithm.AesGcm128.KeyMaterialLength];
            for (int i = 0; i < key.Length; i++)
            {
                key[i] = unchecked((byte)(0x21 + (i * 13))); // arbitrary, fixed key ‖ salt bytes
            }

            var sa = new SaSpec { Protocol = IpsecProtocol.Esp, Spi = 0x6A2B_4C1D, Encryption = CryptoAlgorithm.AesGcm128, EncryptionKey = key, IcvLength = 16 };
            SaAddResult added = simulator.AddSaV2(BundleSpec.Of(sa));
            if (!added.Succeeded)
            {
                throw new InvalidOperationException($"ADD_SA failed: {added.Status.ToNdisName()}.");
            }

            byte[] iv = new byte[sa.IvLength];
            BinaryPrimitives.WriteUInt64BigEndian(iv, SequenceNumber); // GCM: the transport's IV is the 64-bit SN
            LsoFramedPacket framed = TransportSimulator.FrameLso(BuildTcpPacket(), TransportSimulator.Framing(sa, SequenceNumber, iv), Mss,
                LargeSendOffloadType.V2);
            var scenario = new LsoScenario(miniport, host, simulator.BuildLsoNbl(framed, added.Handle, name: "bench-lso"));
            scenario.CheckOneSend();
            return scenario;
        }
        catch
        {
            miniport.Dispose();
            throw;
        }
    }

    /// <summary>Restores the LSO transmit word and sends the NBL once.</summary>
    public void Send()
    {
        NetBufferList.Info[NetBufferListInfoId.TcpLargeSend] = _lsoSlot;
        Miniport.SendNetBufferLists(NetBufferList, NdisSendFlags.None);
    }

    /// <inheritdoc/>
    public void Dispose() => Miniport.Dispose();

    private void CheckOneSend()
    {
        NdisError? failure = null;
        Miniport.SendFailed += (_, e) => failure = e.Error;
        long before = Host.Frames;
        Send();
        if (failure is not null || NetBufferList.Status != NdisStatus.Success || Host.Frames != before + SegmentsPerSend)
        {
            throw new InvalidOperationException(
                $"The set-up send did not emit {SegmentsPerSend} segments: status {NetBufferList.Status.ToNdisName()}, {Host.Frames - before} frames, {failure}.");
        }
    }

    private static byte[] BuildTcpPacket() =>
        BenchPackets.Ipv4Tcp(PlainPacketLength, SourceAddress, DestinationAddress, 0x2D51, 49_153, 0x5B3C_7D9E, 0x2E3F_4A5B);
}
