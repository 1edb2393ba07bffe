using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// One measured set-up: a <see cref="ReferenceMiniport"/> with one outbound v2 SA added through
/// <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c>, and one NBL (Ethernet header ‖ framed IPv4/TCP packet
/// in one MDL) whose OOB slots name the SA. The miniport gathers each NB into a pooled copy before it
/// encrypts, so the same NBL can be sent again and again and every send does the full work.
/// </summary>
public sealed class SendScenario : IDisposable
{
    private const uint Spi = 0x8F1E_2D3C;
    private const ulong SequenceNumber = 0x0000_0001_2345_6789;
    private const uint SourceAddress = 0xC000_0201;      // 192.0.2.1
    private const uint DestinationAddress = 0xC633_6402; // 198.51.100.2

    /// <summary>The smallest IPv4/TCP packet the scenario builds: both headers without options.</summary>
    public const int MinimumPacketLength = BenchPackets.IPv4HeaderLength + BenchPackets.TcpHeaderLength;

    private SendScenario(ReferenceMiniport miniport, CountingHost host, NetBufferList nbl, int framedLength)
    {
        Miniport = miniport;
        Host = host;
        NetBufferList = nbl;
        FramedLength = framedLength;
    }

    /// <summary>The miniport under measurement.</summary>
    public ReferenceMiniport Miniport { get; }

    /// <summary>The host that counts what the miniport transmits.</summary>
    public CountingHost Host { get; }

    /// <summary>The NBL to send.</summary>
    public NetBufferList NetBufferList { get; }

    /// <summary>Bytes of the framed IP packet (with ESP/AH headers, IV, trailer and ICV), without Ethernet.</summary>
    public int FramedLength { get; }

    /// <summary>
    /// Builds the miniport, adds the SA of <paramref name="suite"/>, frames an IPv4/TCP packet of
    /// <paramref name="packetLength"/> bytes (the plaintext IP datagram) and checks that one send
    /// transmits exactly one frame with success; throws otherwise.
    /// </summary>
    public static SendScenario Create(SendSuite suite, int packetLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetLength, MinimumPacketLength);
        var host = new CountingHost();
        var miniport = new ReferenceMiniport();
        try
        {
            miniport.Initialize(host);
            var simulator = new TransportSimulator(miniport);
            SaSpec sa = SaFor(suite);
            SaAddResult added = simulator.AddSaV2(BundleSpec.Of(sa) with { IPv4Endpoints = (SourceAddress, DestinationAddress) });
            if (!added.Succeeded)
            {
                throw new InvalidOperationException($"ADD_SA for {suite} failed: {added.Status.ToNdisName()}.");
            }

            byte[] iv = new byte[sa.IvLength];
            iv.AsSpan().Fill(0xA5);
            FramedPacket framed = TransportSimulator.Frame(BuildTcpPacket(packetLength), [TransportSimulator.Framing(sa, SequenceNumber, iv)]);
            NetBufferList nbl = simulator.BuildNbl(framed, added.Handle, name: "bench");
            var scenario = new SendScenario(miniport, host, nbl, framed.Packet.Length);
            scenario.CheckOneSend();
            return scenario;
        }
        catch
        {
            miniport.Dispose();
            throw;
        }
    }

    /// <summary>Sends the NBL once.</summary>
    public void Send() => Miniport.SendNetBufferLists(NetBufferList, NdisSendFlags.None);

    /// <inheritdoc/>
    public void Dispose() => Miniport.Dispose();

    private void CheckOneSend()
    {
        NdisError? failure = null;
        Miniport.SendFailed += (_, e) => failure = e.Error;
        long before = Host.Frames;
        Send();
        if (failure is not null || NetBufferList.Status != NdisStatus.Success || Host.Frames != before + 1)
        {
            throw new InvalidOperationException(
                $"The set-up send did not transmit one frame: status {NetBufferList.Status.ToNdisName()}, {Host.Frames - before} frames, {failure}.");
        }
    }

    private static SaSpec SaFor(SendSuite suite)
    {
        // Key material is arbitrary but fixed (GCM: key ‖ 4-byte salt; CBC + HMAC: cipher key, integrity key).
        static byte[] Key(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => unchecked((byte)(seed + (i * 7))))];
        return suite switch
        {
            SendSuite.EspAesGcm128 => new SaSpec
            {
                Protocol = IpsecProtocol.Esp, Spi = Spi, Encryption = CryptoAlgorithm.AesGcm128, EncryptionKey = Key(20, 0x11), IcvLength = 16,
            },
            SendSuite.EspAesCbc128HmacSha1 => new SaSpec
            {
                Protocol = IpsecProtocol.Esp, Spi = Spi, Encryption = CryptoAlgorithm.AesCbc128, EncryptionKey = Key(16, 0x11),
                Integrity = CryptoAlgorithm.HmacSha1, IntegrityKey = Key(20, 0x81), IcvLength = 12,
            },
            SendSuite.AhHmacSha256 => new SaSpec
            {
                Protocol = IpsecProtocol.Ah, Spi = Spi, Integrity = CryptoAlgorithm.HmacSha256, IntegrityKey = Key(32, 0x11), IcvLength = 16,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, "unknown suite"),
        };
    }

    private static byte[] BuildTcpPacket(int length) =>
        BenchPackets.Ipv4Tcp(length, SourceAddress, DestinationAddress, 0x1C46, 49_152, 0x9A3B_5C7D, 0x1E2F_3A4B);
}
