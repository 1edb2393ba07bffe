using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Properties.Generators;

/// <summary>One NET_BUFFER made real: the plaintext packet, the transport's framing of it for the SA, and the Ethernet frame the NB carries.</summary>
/// <param name="Plain">The plaintext IP packet.</param>
/// <param name="Framed">The packet as the transport frames it for the SA.</param>
/// <param name="Sequence">Its sequence number (64-bit with ESN).</param>
/// <param name="Geometry">The MDL geometry of the NB.</param>
public sealed record BuiltNb(byte[] Plain, FramedPacket Framed, ulong Sequence, GeometryDraw Geometry);

/// <summary>
/// Turns draws into bytes: the SA (keys from its seed), the plaintext packets, the transport's framing
/// (sequence numbers consecutive along the chain, IVs from each NB's seed, tunnel header and UDP-ESP ports
/// drawn from the SA's seed), and NBLs whose NET_BUFFERs have the drawn MDL geometry and the OOB slots the
/// transport fills (<see cref="TransportSimulator.BuildNbl(IReadOnlyList{byte[]}, ulong, ulong, IPsecOffloadV2HeaderTransmit?, int[], string)"/>).
/// </summary>
public static class Materializer
{
    /// <summary>The SA of <paramref name="draw"/> with keys from its seed.</summary>
    public static SaSpec Sa(SaDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        Random random = PacketBuilder.RandomOf(draw.KeySeed);
        SaKind kind = draw.Kind;
        CryptoAlgorithm? cipher = kind.Protocol == Engine.Sa.IpsecProtocol.Esp ? kind.Cipher : null;
        return new SaSpec
        {
            Protocol = kind.Protocol,
            Spi = draw.Spi,
            Encryption = cipher,
            EncryptionKey = cipher is null ? [] : CaseKit.Bytes(random, cipher.KeyMaterialLength),
            Integrity = kind.Mac,
            IntegrityKey = kind.Mac is null ? [] : CaseKit.Bytes(random, kind.Mac.KeyMaterialLength),
            IcvLength = kind.IcvLength,
            Esn = draw.Esn,
            SequenceNumberHigh = draw.Esn ? draw.SequenceHigh : 0,
        };
    }

    /// <summary>The ADD_SA bundle of <paramref name="draw"/> (family and UDP-ESP type; wildcard endpoints).</summary>
    public static BundleSpec Bundle(SaDraw draw, SaSpec sa)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(sa);
        return new BundleSpec { Sas = [sa], IPv6 = draw.IPv6, UdpEsp = draw.UdpEsp };
    }

    /// <summary>The outer header of a tunnel-mode SA, from its seed (full-range addresses, DF on IPv4), or null in transport mode.</summary>
    public static TunnelHeader? Tunnel(SaDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        if (draw.Mode != SaMode.Tunnel)
        {
            return null;
        }

        Random random = PacketBuilder.RandomOf(~draw.KeySeed);
        return draw.IPv6
            ? TunnelHeader.IPv6(CaseKit.Bytes(random, 16), CaseKit.Bytes(random, 16), (byte)random.Next(1, 256), (byte)random.Next(256), (uint)random.Next(1, 1 << 20))
            : TunnelHeader.IPv4(CaseKit.Spi(random), CaseKit.Spi(random), (byte)random.Next(1, 256), (ushort)random.Next(1, 65536), IPv4Flags.DontFragment,
                (byte)random.Next(256));
    }

    /// <summary>The UDP-ESP ports (random source port, destination 4500), or null without UDP-ESP.</summary>
    public static UdpEspPorts? Udp(SaDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        return draw.UdpEsp == IPsecV2UdpEspEncapsulation.None
            ? null
            : new UdpEspPorts((ushort)PacketBuilder.RandomOf(draw.KeySeed + 1).Next(1024, 65536), UdpEncapsulation.Port);
    }

    /// <summary>Alignment the payload lengths of one NBL's NBs differ by, so they share one PadLength (SEND-32).</summary>
    public static int Block(SaDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        return Math.Max(4, draw.Kind.Cipher?.EspPadAlignment ?? 4);
    }

    /// <summary>
    /// The largest upper-layer payload a packet of <paramref name="shape"/> may carry on <paramref name="draw"/> under
    /// <paramref name="mtu"/> (room kept for tunnel, UDP-ESP, ESP/AH headers, IV, padding and ICV), at most 9000.
    /// </summary>
    public static int MaxPayload(SaDraw draw, PacketShape shape, int mtu)
    {
        ArgumentNullException.ThrowIfNull(draw);
        const int IpsecRoom = 40 + 8 + 12 + 16 + 17 + 16 + 3;
        return Math.Clamp(mtu - PacketBuilder.HeaderLength(draw.IPv6, shape) - IpsecRoom, 0, 9000);
    }

    /// <summary>The NBs of every NBL of <paramref name="draw"/>, framed with consecutive sequence numbers along the chain.</summary>
    public static IReadOnlyList<IReadOnlyList<BuiltNb>> Build(SendDraw draw, SaSpec sa, int mtu)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(sa);
        TunnelHeader? tunnel = Tunnel(draw.Sa);
        UdpEspPorts? udp = Udp(draw.Sa);
        ulong sequence = draw.Sa.Esn ? ((ulong)draw.Sa.SequenceHigh << 32) | draw.Sa.FirstSequence : draw.Sa.FirstSequence;
        int block = Block(draw.Sa);
        var nbls = new List<IReadOnlyList<BuiltNb>>(draw.Nbls.Count);
        foreach (NblDraw nbl in draw.Nbls)
        {
            int max = MaxPayload(draw.Sa, nbl.Shape, mtu);
            int basePayload = Math.Min(nbl.Payload, max);
            var nbs = new List<BuiltNb>(nbl.Nbs.Count);
            foreach (NbDraw nb in nbl.Nbs)
            {
                int payload = basePayload + block * Math.Min(nb.ExtraBlocks, (max - basePayload) / block);
                byte[] plain = PacketBuilder.Build(draw.Sa.IPv6, nbl.Shape, payload, nb.Seed);
                byte[] iv = sa.IvLength == 0 ? [] : CaseKit.Bytes(PacketBuilder.RandomOf(~nb.Seed), sa.IvLength);
                FramedPacket framed = TransportSimulator.Frame(plain, [TransportSimulator.Framing(sa, sequence, iv, tunnel, udp)]);
                nbs.Add(new BuiltNb(plain, framed, sequence, nb.Geometry));
                sequence++;
            }

            nbls.Add(nbs);
        }

        return nbls;
    }

    /// <summary>
    /// An NBL carrying <paramref name="frames"/> (Ethernet frames) with the OOB slots the transport fills (handle,
    /// tunnel handle 0, the v2 header information when given), each NB laid out as its <paramref name="geometry"/> says.
    /// </summary>
    public static NetBufferList Nbl(TransportSimulator transport, IReadOnlyList<byte[]> frames, IReadOnlyList<GeometryDraw> geometry, ulong handle,
        IPsecOffloadV2HeaderTransmit? headerInfo, string name)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(geometry);
        NetBufferList nbl = transport.BuildNbl(frames, handle, 0, headerInfo, null, name);
        nbl.FirstNetBuffer = null;
        NetBuffer[] buffers = [.. frames.Select((f, i) => NetBufferOf(f, geometry[i]))];
        for (int i = 0; i + 1 < buffers.Length; i++)
        {
            buffers[i].Next = buffers[i + 1];
        }

        nbl.FirstNetBuffer = buffers.Length == 0 ? null : buffers[0];
        return nbl;
    }

    /// <summary>A NET_BUFFER holding <paramref name="frame"/> in the MDL geometry <paramref name="geometry"/>.</summary>
    public static NetBuffer NetBufferOf(byte[] frame, GeometryDraw geometry)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.IsFlat)
        {
            return NetBuffer.FromBytes(frame);
        }

        byte[] chain = new byte[geometry.DataOffset + frame.Length + geometry.Spare];
        chain.AsSpan(0, geometry.DataOffset).Fill(0xEE); // unused bytes: visible if an adapter reads them
        frame.CopyTo(chain, geometry.DataOffset);
        chain.AsSpan(geometry.DataOffset + frame.Length).Fill(0xDD);
        int[] cuts = [.. geometry.Splits.Select(s => s % (chain.Length + 1)).Order()];
        return NetBuffer.FromChainBytes(chain, cuts, geometry.DataOffset, frame.Length);
    }
}
