using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using FsGen = FsCheck.FSharp.Gen;

namespace IpsecOffload.Properties.Generators;

/// <summary>
/// FsCheck generators of draws, valid by construction inside a <see cref="ProbeSpace"/>: SAs over every
/// claimed transform, family, mode, ESN and UDP-ESP type; packet shapes (IPv4 options, IPv6 extension headers,
/// UDP/TCP/ICMP); payloads 0…9000 leaning on the padding edges; NBL chains of several NBLs with several NBs;
/// MDL geometry (cuts at any byte, empty MDLs, data offsets, spare bytes); LSO requests at the MSS edges.
/// Wire fields (SPI, sequence numbers, ESN high half, seeds) come from full-range generators, never from
/// FsCheck's size-bounded integers. Shrinking is <see cref="ProbeShrink"/>'s.
/// </summary>
public static class ProbeGen
{
    /// <summary>Payload sizes at the padding edges of every alignment (0, 1, block ± 1, pad 0 and pad 255 neighbourhoods).</summary>
    private static readonly int[] EdgePayloads = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 255, 256, 1400, 1472];

    /// <summary>A 32-bit wire value over the full range 1…2^32 − 1, with the edges (1, 2^31, all ones) weighted in.</summary>
    public static Gen<uint> Full32(uint max = uint.MaxValue) => Gen.Frequency<uint>(
        (8, FsGen.Choose64(1, max).Select(v => (uint)v)),
        (1, Gen.Elements<uint>(1u, 0x8000_0000u > max ? 1u : 0x8000_0000u, max)));

    /// <summary>A 64-bit seed over the full range.</summary>
    public static Gen<ulong> Seed { get; } = FsGen.Choose64(long.MinValue, long.MaxValue).Select(v => unchecked((ulong)v));

    /// <summary>An SA inside <paramref name="space"/> (<paramref name="lso"/>: ESP transport mode only, for LSO).</summary>
    public static Gen<SaDraw> Sa(ProbeSpace space, bool lso = false)
    {
        ArgumentNullException.ThrowIfNull(space);
        IReadOnlyList<SaKind> kinds = lso ? space.LsoKinds : space.Kinds;
        if (kinds.Count == 0)
        {
            throw new InvalidOperationException("the adapter claims no transform the generators can use");
        }

        List<SaMode> modes = [];
        if (space.Transport)
        {
            modes.Add(SaMode.Transport);
        }

        if (space.Tunnel && !lso)
        {
            modes.Add(SaMode.Tunnel);
        }

        return from kind in Gen.Frequency<SaKind>((3, Gen.Constant(kinds[0])), (7, Gen.Elements<SaKind>(kinds)))
               from ipv6 in space.IPv6 ? Gen.Elements(false, true) : Gen.Constant(false)
               from mode in Gen.Elements<SaMode>((IEnumerable<SaMode>)modes)
               from udp in Udp(space, kind, mode, lso)
               from spi in Full32()
               from esn in space.Esn ? Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))) : Gen.Constant(false)
               from high in Full32()
               from first in Full32(uint.MaxValue - 4096)
               from keys in Seed
               select new SaDraw(kind, ipv6, mode, udp, spi, first, esn, esn ? high : 0, keys);
    }

    private static Gen<IPsecV2UdpEspEncapsulation> Udp(ProbeSpace space, SaKind kind, SaMode mode, bool lso)
    {
        bool claimed = kind.Protocol == Engine.Sa.IpsecProtocol.Esp && !lso
            && (mode == SaMode.Transport ? space.UdpEspTransport : space.UdpEspTunnel);
        IPsecV2UdpEspEncapsulation type = mode == SaMode.Transport ? IPsecV2UdpEspEncapsulation.Transport : IPsecV2UdpEspEncapsulation.Tunnel;
        return claimed
            ? Gen.Frequency((3, Gen.Constant(IPsecV2UdpEspEncapsulation.None)), (1, Gen.Constant(type)))
            : Gen.Constant(IPsecV2UdpEspEncapsulation.None);
    }

    /// <summary>A packet shape for the SA's family inside <paramref name="space"/>.</summary>
    public static Gen<PacketShape> Shape(ProbeSpace space, bool ipv6)
    {
        ArgumentNullException.ThrowIfNull(space);
        Gen<int> options = !ipv6 && space.IPv4Options ? Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 10))) : Gen.Constant(0);
        Gen<int> extensions = ipv6 && space.IPv6Extensions ? Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 2))) : Gen.Constant(0);
        return from upper in Gen.Elements(UpperLayer.Udp, UpperLayer.Tcp, UpperLayer.Icmp)
               from o in options
               from e in extensions
               select new PacketShape(upper, o, e);
    }

    /// <summary>Upper-layer payload bytes: small sizes, the padding edges, typical sizes and (rarely) up to 9000.</summary>
    public static Gen<int> Payload { get; } = Gen.Frequency(
        (4, Gen.Choose(0, 64)),
        (3, Gen.Elements(EdgePayloads)),
        (2, Gen.Choose(65, 1500)),
        (1, Gen.Choose(1501, 9000)));

    /// <summary>MDL geometry: mostly one or two MDLs; cuts at any byte (repeats make empty MDLs), data offsets and spare bytes.</summary>
    public static Gen<GeometryDraw> Geometry { get; } =
        from count in Gen.Frequency((3, Gen.Constant(0)), (3, Gen.Constant(1)), (2, Gen.Choose(2, 5)))
        from cuts in Gen.ArrayOf(Gen.Frequency((4, Gen.Choose(0, 9400)), (1, Gen.Elements(0, 1, 13, 14, 15, 34, 54))), count)
        from offset in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 64)))
        from spare in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 64)))
        select new GeometryDraw(cuts, offset, spare);

    /// <summary>An NBL of 1…5 NBs (mostly one) sharing a shape, each with its own seed and geometry.</summary>
    public static Gen<NblDraw> Nbl(ProbeSpace space, SaDraw sa, Gen<NblFate> fate, bool flat = false)
    {
        ArgumentNullException.ThrowIfNull(sa);
        Gen<NbDraw> nb = from extra in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 4)))
                         from seed in Seed
                         from geometry in flat ? Gen.Constant(GeometryDraw.Flat) : Geometry
                         select new NbDraw(extra, seed, geometry);
        return from f in fate
               from shape in Shape(space, sa.IPv6)
               from payload in Payload
               from count in Gen.Frequency((5, Gen.Constant(1)), (2, Gen.Constant(2)), (1, Gen.Choose(3, 5)))
               from nbs in Gen.ArrayOf(nb, count)
               select new NblDraw(f, shape, payload, nbs);
    }

    /// <summary>
    /// A send: an SA and a chain of 1…4 NBLs (mostly one). <paramref name="fates"/> null: every NBL protected;
    /// otherwise each NBL's fate is drawn from it. <paramref name="flat"/>: every NB in one MDL.
    /// </summary>
    public static Gen<SendDraw> Send(ProbeSpace space, Gen<NblFate>? fates = null, bool flat = false)
    {
        Gen<NblFate> fate = fates ?? Gen.Constant(NblFate.Protected);
        return from sa in Sa(space)
               from count in Gen.Frequency((5, Gen.Constant(1)), (2, Gen.Constant(2)), (1, Gen.Choose(3, 4)))
               from nbls in Gen.ArrayOf(Nbl(space, sa, fate, flat), count)
               select new SendDraw(sa, nbls);
    }

    /// <summary>Fates of a mixed chain: mostly protected, some zero-handle and unknown-handle NBLs.</summary>
    public static Gen<NblFate> MixedFates { get; } = Gen.Frequency(
        (3, Gen.Constant(NblFate.Protected)), (1, Gen.Constant(NblFate.ZeroHandle)), (1, Gen.Constant(NblFate.UnknownHandle)));

    /// <summary>
    /// An LSO + ESP request: LSOv1 (IPv4) or LSOv2, MSS 1…1460 leaning on small values, a payload at the MSS
    /// edges (MSS·n, MSS·n ± 1, below MSS, 0) of at most 4 segments and 6000 bytes, TCP flags with FIN/PSH/CWR.
    /// </summary>
    public static Gen<LsoDraw> Lso(ProbeSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        Gen<TcpFlags> flags = Gen.Elements(TcpFlags.Ack, TcpFlags.Ack | TcpFlags.Psh, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin,
            TcpFlags.Ack | TcpFlags.Cwr, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr);
        int mssMax = Math.Min(1460, space.Mtu - 200);
        return from sa in Sa(space, lso: true)
               from v1 in sa.IPv6 ? Gen.Constant(false) : Gen.Elements(false, true)
               from mss in Gen.Frequency((2, Gen.Choose(1, 64)), (3, Gen.Choose(536, mssMax)), (1, Gen.Elements(1, 536, 1000, mssMax)))
               from segments in Gen.Choose(1, 4)
               from delta in Gen.Elements(-1, 0, 0, 1, -mss / 2)
               from f in flags
               from seed in Seed
               let payload = Math.Clamp(segments * mss + delta, 0, 6000)
               select new LsoDraw(sa, v1, mss, payload, f, seed);
    }
}
