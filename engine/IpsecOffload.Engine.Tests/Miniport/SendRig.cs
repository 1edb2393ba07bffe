using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>Which OID adds the SA: v1 <c>ADD_SA</c>, v2 <c>ADD_SA</c>, or v2 <c>ADD_SA_EX</c>.</summary>
public enum SaApi
{
    V1,
    V2,
    V2Ex,
}

/// <summary>
/// A reference miniport on a recording host with the transport simulator in front of it, and the
/// <see cref="ReferenceMiniport.SendFailed"/> reasons collected per NBL.
/// </summary>
internal sealed class SendRig : IDisposable
{
    private readonly Dictionary<NetBufferList, List<NdisError>> _failures = new(ReferenceEqualityComparer.Instance);

    public SendRig(NdisAbi abi, OffloadProfile? profile = null)
    {
        Miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi, Profile = profile ?? OffloadProfile.Default });
        Miniport.Initialize(Host);
        Miniport.SendFailed += (_, e) => Failure(e.NetBufferList).Add(e.Error);
        Transport = new TransportSimulator(Miniport, profile);
    }

    public ReferenceMiniport Miniport { get; }

    public RecordingMiniportHost Host { get; } = new();

    public TransportSimulator Transport { get; }

    public NdisAbi Abi => Miniport.Options.Abi;

    /// <summary>Adds <paramref name="bundle"/> through <paramref name="api"/>; asserts it was offloaded.</summary>
    public ulong Add(SaApi api, BundleSpec bundle)
    {
        SaAddResult result = api switch
        {
            SaApi.V1 => Transport.AddSaV1(bundle),
            SaApi.V2 => Transport.AddSaV2(bundle),
            _ => Transport.AddSaV2Ex(bundle),
        };
        Assert.That(result.Succeeded, Is.True, $"{api} ADD_SA of {string.Join(", ", bundle.Sas)}: {result.Status.ToNdisName()}");
        return result.Handle;
    }

    public void Delete(SaApi api, ulong handle)
    {
        OidResult result = api == SaApi.V1 ? Transport.DeleteSaV1(handle) : Transport.DeleteSaV2(handle);
        Assert.That(result.Status, Is.EqualTo(NdisStatus.Success), $"{api} DELETE_SA 0x{handle:x}");
    }

    /// <summary>
    /// An NBL for framed packets, one NB each (Ethernet frames). v2 NBLs carry the framer's header
    /// word of the first packet (SEND-32: shared by all NBs); v1 NBLs carry none (SEND-27).
    /// </summary>
    public NetBufferList Nbl(SaApi api, IReadOnlyList<FramedPacket> packets, ulong offloadHandle, ulong tunnelHandle = 0, string? name = null) =>
        Transport.BuildNbl([.. packets.Select(p => TransportSimulator.EthernetFrame(p.Packet))], offloadHandle, tunnelHandle,
            api == SaApi.V1 ? null : packets[0].V2HeaderInfo, name: name);

    public NetBufferList Nbl(SaApi api, FramedPacket packet, ulong offloadHandle, ulong tunnelHandle = 0, string? name = null) =>
        Nbl(api, [packet], offloadHandle, tunnelHandle, name);

    /// <summary>Links the NBLs into one chain and sends it.</summary>
    public void Send(params NetBufferList[] nbls)
    {
        Miniport.SendNetBufferLists(NetBufferList.Link(nbls)!, NdisSendFlags.None);
    }

    /// <summary>The reasons the miniport gave for refusing <paramref name="nbl"/>.</summary>
    public IReadOnlyList<NdisError> FailuresOf(NetBufferList nbl) => _failures.TryGetValue(nbl, out List<NdisError>? list) ? list : [];

    /// <summary>
    /// Asserts that <paramref name="nbl"/> completed exactly once with SUCCESS, and returns its frames.
    /// </summary>
    public IReadOnlyList<byte[]> AssertSucceeded(NetBufferList nbl)
    {
        IReadOnlyList<CompletionEvent> completions = Host.CompletionsOf(nbl);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completions, Has.Count.EqualTo(1), $"{nbl.Name}: completions");
            Assert.That(completions.Select(c => c.Status), Is.All.EqualTo(NdisStatus.Success),
                $"{nbl.Name}: {string.Join("; ", FailuresOf(nbl))}");
        }

        AssertNothingAfterCompletion(nbl);
        return Host.FramesOf(nbl);
    }

    /// <summary>
    /// Asserts that <paramref name="nbl"/> completed exactly once with <paramref name="status"/>,
    /// transmitted nothing, and that <see cref="ReferenceMiniport.SendFailed"/> gave one reason whose
    /// field contains <paramref name="field"/> and whose message contains every fragment.
    /// </summary>
    public NdisError AssertRefused(NetBufferList nbl, NdisStatus status, string field, params string[] fragments)
    {
        IReadOnlyList<CompletionEvent> completions = Host.CompletionsOf(nbl);
        IReadOnlyList<NdisError> failures = FailuresOf(nbl);
        Assert.That(failures, Has.Count.EqualTo(1), $"{nbl.Name}: SendFailed reasons (completion: {string.Join(",", completions.Select(c => c.Status))})");
        NdisError error = failures[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completions, Has.Count.EqualTo(1), $"{nbl.Name}: completions");
            Assert.That(completions.Select(c => c.Status), Is.All.EqualTo(status), error.ToString());
            Assert.That(error.Status, Is.EqualTo(status), error.ToString());
            Assert.That(status.IsValidSendCompletion(), Is.True, "SEND-21 allows the status");
            Assert.That(Host.FramesOf(nbl), Is.Empty, $"{nbl.Name}: frames of a refused NBL");
            Assert.That(error.Field, Does.Contain(field), error.ToString());
            foreach (string fragment in fragments)
            {
                Assert.That(error.Message, Does.Contain(fragment), error.ToString());
            }
        }

        return error;
    }

    /// <summary>No frame of <paramref name="nbl"/> is recorded after its completion (SEND-21).</summary>
    public void AssertNothingAfterCompletion(NetBufferList nbl)
    {
        IReadOnlyList<MiniportEvent> events = Host.Events;
        int completion = events.ToList().FindIndex(e => e is CompletionEvent c && ReferenceEquals(c.NetBufferList, nbl));
        int lastFrame = events.ToList().FindLastIndex(e => e is FrameEvent f && ReferenceEquals(f.Owner, nbl));
        Assert.That(lastFrame, Is.LessThan(completion), $"{nbl.Name}: a frame (event {lastFrame}) after its completion (event {completion})");
    }

    public void Dispose() => Miniport.Dispose();

    private List<NdisError> Failure(NetBufferList nbl)
    {
        if (!_failures.TryGetValue(nbl, out List<NdisError>? list))
        {
            list = [];
            _failures[nbl] = list;
        }

        return list;
    }
}

/// <summary>SAs and packets with full-range values drawn from the recorded seed.</summary>
internal static class SendKit
{
    public static readonly NdisAbi[] Abis = [NdisAbi.X64, NdisAbi.X86];

    public static readonly SaApi[] Apis = [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    /// <summary>Every (API, ABI) pair as test cases.</summary>
    public static IEnumerable<TestCaseData> ApiAbiCases() =>
        from api in Apis
        from abi in Abis
        select new TestCaseData(api, abi).SetArgDisplayNames(api.ToString(), abi.ToProtocolName());

    /// <summary>The v2 APIs (features v1 lacks: OOB header word, tunnel handle, IPv6, ESN).</summary>
    public static IEnumerable<TestCaseData> V2AbiCases() =>
        from api in new[] { SaApi.V2, SaApi.V2Ex }
        from abi in Abis
        select new TestCaseData(api, abi).SetArgDisplayNames(api.ToString(), abi.ToProtocolName());

    public static IEnumerable<TestCaseData> AbiCases() =>
        Abis.Select(abi => new TestCaseData(abi).SetArgDisplayNames(abi.ToProtocolName()));

    /// <summary>Random bytes, none of them zero (a field read at the wrong offset shows).</summary>
    public static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = bytes[i] == 0 ? (byte)0xA7 : bytes[i];
        }

        return bytes;
    }

    /// <summary>A full-range SPI with every byte non-zero.</summary>
    public static uint Spi(Random random) => BinaryPrimitives.ReadUInt32BigEndian(Bytes(random, 4));

    public static SaSpec Esp(Random random, CryptoAlgorithm cipher, CryptoAlgorithm mac, bool esn = false, uint high = 0) => new()
    {
        Protocol = IpsecProtocol.Esp, Spi = Spi(random), Encryption = cipher, EncryptionKey = Bytes(random, cipher.KeyMaterialLength),
        Integrity = mac, IntegrityKey = Bytes(random, mac.KeyMaterialLength), IcvLength = mac.DefaultIcvLength, Esn = esn,
        SequenceNumberHigh = high,
    };

    public static SaSpec Ah(Random random, CryptoAlgorithm mac) => new()
    {
        Protocol = IpsecProtocol.Ah, Spi = Spi(random), Integrity = mac, IntegrityKey = Bytes(random, mac.KeyMaterialLength),
        IcvLength = mac.DefaultIcvLength,
    };

    /// <summary>The standard ESP SA of each API: v1 3DES + HMAC-SHA1, v2 AES-CBC-256 + HMAC-SHA-256, v2 EX AES-CBC-128 + HMAC-SHA1.</summary>
    public static SaSpec EspFor(SaApi api, Random random) => api switch
    {
        SaApi.V1 => Esp(random, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1),
        SaApi.V2 => Esp(random, CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256),
        _ => Esp(random, CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1),
    };

    /// <summary>The standard AH SA of each API: v1 HMAC-MD5, v2 HMAC-SHA-256, v2 EX HMAC-SHA1.</summary>
    public static SaSpec AhFor(SaApi api, Random random) => Ah(random, api switch
    {
        SaApi.V1 => CryptoAlgorithm.HmacMd5,
        SaApi.V2 => CryptoAlgorithm.HmacSha256,
        _ => CryptoAlgorithm.HmacSha1,
    });

    /// <summary>
    /// An IPv4 UDP datagram: random addresses, ID, TTL, ports and payload (all bytes non-zero),
    /// Total Length and header checksum correct.
    /// </summary>
    public static byte[] Udp4(Random random, int payloadLength)
    {
        byte[] packet = Bytes(random, IPv4Header.MinimumLength + UdpHeader.Length + payloadLength);
        packet[0] = 0x45;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv4Header.TotalLengthOffset), (ushort)packet.Length);
        packet[6] = 0x40; // DF, fragment offset 0: the transport never offloads fragments (SEND-24)
        packet[7] = 0;
        packet[IPv4Header.ProtocolOffset] = IpProtocol.Udp;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv4Header.MinimumLength + UdpHeader.LengthOffset), (ushort)(UdpHeader.Length + payloadLength));
        IPv4Header.WriteChecksum(packet.AsSpan(0, IPv4Header.MinimumLength));
        return packet;
    }

    /// <summary>An IPv6 UDP datagram without extension headers: random addresses, flow label and payload.</summary>
    public static byte[] Udp6(Random random, int payloadLength)
    {
        byte[] packet = Bytes(random, IPv6Header.Length + UdpHeader.Length + payloadLength);
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv6Header.PayloadLengthOffset), (ushort)(UdpHeader.Length + payloadLength));
        packet[IPv6Header.NextHeaderOffset] = IpProtocol.Udp;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv6Header.Length + UdpHeader.LengthOffset), (ushort)(UdpHeader.Length + payloadLength));
        return packet;
    }

    /// <summary>Frames <paramref name="plain"/> for one SA with sequence number <paramref name="sequence"/> and a random IV.</summary>
    public static FramedPacket Frame(Random random, byte[] plain, SaSpec sa, ulong sequence, TunnelHeader? tunnel = null) =>
        TransportSimulator.Frame(plain, [TransportSimulator.Framing(sa, sequence, Bytes(random, sa.IvLength), tunnel)]);

    /// <summary>A full-range 32-bit sequence number with every byte non-zero, kept below 2^32 − 8 so a few successors fit.</summary>
    public static ulong Sequence(Random random) => Math.Min(BinaryPrimitives.ReadUInt32BigEndian(Bytes(random, 4)), uint.MaxValue - 8);

    /// <summary>The Ethernet frame of a packet.</summary>
    public static byte[] EthernetFrame(FramedPacket packet) => TransportSimulator.EthernetFrame(packet.Packet);

    /// <summary>
    /// Asserts that <paramref name="sent"/> is <paramref name="input"/> unchanged: byte for byte, or for
    /// inputs under 60 bytes the input followed by zeros up to 60 (SEND-23).
    /// </summary>
    public static void AssertUnchanged(byte[] input, byte[] sent, string what)
    {
        if (input.Length >= ReferenceMiniport.MinimumFrameLength)
        {
            HexAssert.AreEqual(input, sent, what);
            return;
        }

        Assert.That(sent, Has.Length.EqualTo(ReferenceMiniport.MinimumFrameLength), $"{what}: a {input.Length}-byte frame is padded to 60");
        HexAssert.AreEqual(input, sent.AsSpan(0, input.Length), $"{what}: the frame before the padding");
        HexAssert.AreEqual(new byte[ReferenceMiniport.MinimumFrameLength - input.Length], sent.AsSpan(input.Length), $"{what}: padding bytes");
    }
}
