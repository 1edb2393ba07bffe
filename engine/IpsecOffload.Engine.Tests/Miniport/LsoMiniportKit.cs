using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Tests.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// A reference miniport with a chosen ABI and MTU on a recording host, the transport simulator in front
/// of it, and the <see cref="ReferenceMiniport.SendFailed"/> reasons collected per NBL — for LSO sends.
/// </summary>
internal sealed class LsoMiniportRig : IDisposable
{
    private readonly Dictionary<NetBufferList, List<NdisError>> _failures = new(ReferenceEqualityComparer.Instance);

    public LsoMiniportRig(NdisAbi abi, int mtu = LsoRequest.DefaultMtu, ReferenceMiniportOptions? options = null)
    {
        Miniport = new ReferenceMiniport((options ?? new ReferenceMiniportOptions()) with { Abi = abi, Mtu = mtu });
        Miniport.Initialize(Host);
        Miniport.SendFailed += (_, e) =>
        {
            if (!_failures.TryGetValue(e.NetBufferList, out List<NdisError>? list))
            {
                list = [];
                _failures[e.NetBufferList] = list;
            }

            list.Add(e.Error);
        };
        Transport = new TransportSimulator(Miniport);
    }

    public ReferenceMiniport Miniport { get; }

    public RecordingMiniportHost Host { get; } = new();

    public TransportSimulator Transport { get; }

    public NdisAbi Abi => Miniport.Options.Abi;

    public int Mtu => Miniport.Options.Mtu;

    /// <summary>Adds one v2 bundle; asserts it was offloaded.</summary>
    public ulong AddV2(SaSpec sa, bool ipv6)
    {
        SaAddResult result = Transport.AddSaV2(BundleSpec.Of(sa, ipv6));
        Assert.That(result.Succeeded, Is.True, $"v2 ADD_SA of {sa}: {result.Status.ToNdisName()}");
        return result.Handle;
    }

    /// <summary>Links the NBLs into one chain and sends it.</summary>
    public void Send(params NetBufferList[] nbls) => Miniport.SendNetBufferLists(NetBufferList.Link(nbls)!, NdisSendFlags.None);

    public IReadOnlyList<NdisError> FailuresOf(NetBufferList nbl) => _failures.TryGetValue(nbl, out List<NdisError>? list) ? list : [];

    /// <summary>Forgets recorded events and failure reasons (keeps memory flat over long sweeps).</summary>
    public void Clear()
    {
        Host.Clear();
        _failures.Clear();
    }

    public void Dispose() => Miniport.Dispose();
}

/// <summary>One planned LSO send: the plaintext packet, how it was framed and the NBL that carries it.</summary>
internal sealed record LsoSend(byte[] Plain, LsoFramedPacket Framed, NetBufferList Nbl, int[] SplitAt)
{
    /// <summary>Bytes of the frame up to the end of the TCP header (all of them must be in the first MDL, SEND-19).</summary>
    public int HeadersEnd => Framed.TcpHeaderOffsetInFrame + Framed.TcpHeaderLength;

    /// <summary>Segments the payload gives at the framed MSS.</summary>
    public int ExpectedSegments => Framed.TcpPayloadLength == 0 ? 1 : (int)((Framed.TcpPayloadLength + (long)Framed.Mss - 1) / Framed.Mss);
}

/// <summary>SAs, packets and NBLs for LSO sends through the miniport; shares the packet builder of the segmenter tests.</summary>
internal static class LsoMiniportKit
{
    /// <summary>
    /// Every ESP transform the reference miniport's v2 capabilities claim (ReferenceMiniportOptions.FullV2):
    /// AES-GCM 128/192/256 × ICV 8/12/16; AES-CBC 128/192/256, 3DES and DES each with HMAC-SHA1/SHA256/MD5;
    /// ESP-NULL with each HMAC; AES-GMAC 128/192/256.
    /// </summary>
    public static readonly LsoAlgorithm[] ClaimedAlgorithms = BuildAlgorithms();

    private static LsoAlgorithm[] BuildAlgorithms()
    {
        var list = new List<LsoAlgorithm>();
        foreach (CryptoAlgorithm gcm in new[] { CryptoAlgorithm.AesGcm128, CryptoAlgorithm.AesGcm192, CryptoAlgorithm.AesGcm256 })
        {
            foreach (int icv in new[] { 8, 12, 16 })
            {
                list.Add(new LsoAlgorithm($"{gcm.Name}-icv{icv}", gcm, null, icv));
            }
        }

        CryptoAlgorithm[] ciphers = [CryptoAlgorithm.AesCbc128, CryptoAlgorithm.AesCbc192, CryptoAlgorithm.AesCbc256, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.DesCbc, CryptoAlgorithm.EspNull];
        foreach (CryptoAlgorithm cipher in ciphers)
        {
            foreach (CryptoAlgorithm mac in new[] { CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256, CryptoAlgorithm.HmacMd5 })
            {
                list.Add(new LsoAlgorithm($"{cipher.Name}+{mac.Name}", cipher, mac, mac.DefaultIcvLength));
            }
        }

        foreach (CryptoAlgorithm gmac in new[] { CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256 })
        {
            list.Add(new LsoAlgorithm(gmac.Name, null, gmac, 16));
        }

        return [.. list];
    }

    /// <summary>
    /// Frames <paramref name="plain"/> for LSO on <paramref name="spec"/> (first SN <paramref name="sequenceNumber"/>,
    /// the transport's first IV) and wraps it in an LSO NBL whose MDL chain <paramref name="split"/> cuts
    /// (given the framed packet; null = one MDL).
    /// </summary>
    public static LsoSend Build(LsoMiniportRig rig, SaSpec spec, ulong handle, byte[] plain, uint mss, LargeSendOffloadType version,
        ulong sequenceNumber, Random random, Func<LsoFramedPacket, int[]>? split = null, string? name = null)
    {
        LsoFramedPacket framed = TransportSimulator.FrameLso(plain,
            TransportSimulator.Framing(spec, sequenceNumber, LsoTestKit.FirstIv(spec, sequenceNumber, random)), mss, version);
        int[] splitAt = split?.Invoke(framed) ?? [];
        NetBufferList nbl = rig.Transport.BuildLsoNbl(framed, handle, splitAt, name);
        return new LsoSend(plain, framed, nbl, splitAt);
    }

    /// <summary>
    /// MDL split points for a frame of <paramref name="frameLength"/> bytes: the first cut at or after
    /// <paramref name="headersEnd"/> (sometimes exactly there), then up to 4 more anywhere after it.
    /// </summary>
    public static int[] RandomSplits(Random random, int headersEnd, int frameLength)
    {
        if (random.Next(5) == 0 || headersEnd >= frameLength)
        {
            return [];
        }

        var cuts = new SortedSet<int> { random.Next(3) == 0 ? headersEnd : random.Next(headersEnd, frameLength) };
        int more = random.Next(0, 5);
        for (int i = 0; i < more; i++)
        {
            cuts.Add(random.Next(cuts.Min, frameLength));
        }

        return [.. cuts];
    }

    /// <summary>The IP datagram of a transmitted frame (Ethernet header removed).</summary>
    public static byte[] IpOf(byte[] frame) => frame[TransportSimulator.EthernetHeaderLength..];

    /// <summary>An IPv4 TCP packet of <paramref name="payload"/> bytes with 12 bytes of TCP options (timestamps).</summary>
    public static byte[] Tcp4(Random random, int payload, bool ipv6 = false) =>
        LsoTestKit.TcpPacket(new LsoTestKit.PacketShape { IPv6 = ipv6, PayloadLength = payload, TcpOptionsLength = 12 }, random);
}
