using IpsecOffload.Ndis;

namespace IpsecOffload.Properties.Generators;

/// <summary>
/// Shrinkers of the draws, most drastic first, so a failure reaches its smallest form quickly: one NBL, then
/// one NB, then a flat or singly-split geometry, then the smallest payload, then the simplest shape (UDP, no
/// options or extension headers), then the simplest SA (the first claimed transform, transport mode, IPv4, no
/// ESN, no UDP-ESP). Every candidate stays inside the <see cref="ProbeSpace"/>.
/// </summary>
public static class ProbeShrink
{
    /// <summary>Smaller sends than <paramref name="draw"/>; <paramref name="shrinkFates"/> false keeps every NBL's fate (properties whose law is about one fate).</summary>
    public static IEnumerable<SendDraw> Send(ProbeSpace space, SendDraw draw, bool shrinkFates = true)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(draw);
        if (draw.Nbls.Count > 1)
        {
            for (int i = 0; i < draw.Nbls.Count; i++)
            {
                yield return draw with { Nbls = [draw.Nbls[i]] };
            }

            yield return draw with { Nbls = [.. draw.Nbls.Take(draw.Nbls.Count - 1)] };
        }

        for (int i = 0; i < draw.Nbls.Count; i++)
        {
            foreach (NblDraw smaller in Nbl(draw.Nbls[i], shrinkFates))
            {
                yield return draw with { Nbls = [.. draw.Nbls.Select((n, k) => k == i ? smaller : n)] };
            }
        }

        foreach (SaDraw sa in Sa(space, draw.Sa))
        {
            bool familyChanged = sa.IPv6 != draw.Sa.IPv6;
            yield return new SendDraw(sa, familyChanged ? [.. draw.Nbls.Select(n => n with { Shape = PacketShape.Simplest })] : draw.Nbls);
        }
    }

    /// <summary>Smaller NBLs: one NB, a protected fate (when <paramref name="shrinkFate"/>), simpler NBs, smaller payload, simpler shape.</summary>
    public static IEnumerable<NblDraw> Nbl(NblDraw nbl, bool shrinkFate = true)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        if (nbl.Nbs.Count > 1)
        {
            for (int i = 0; i < nbl.Nbs.Count; i++)
            {
                yield return nbl with { Nbs = [nbl.Nbs[i]] };
            }
        }

        if (shrinkFate && nbl.Fate != NblFate.Protected)
        {
            yield return nbl with { Fate = NblFate.Protected };
        }

        for (int i = 0; i < nbl.Nbs.Count; i++)
        {
            foreach (NbDraw smaller in Nb(nbl.Nbs[i]))
            {
                yield return nbl with { Nbs = [.. nbl.Nbs.Select((n, k) => k == i ? smaller : n)] };
            }
        }

        foreach (int payload in Payload(nbl.Payload))
        {
            yield return nbl with { Payload = payload };
        }

        if (nbl.Shape != PacketShape.Simplest)
        {
            yield return nbl with { Shape = PacketShape.Simplest };
            if (nbl.Shape.Upper != PacketShape.Simplest.Upper)
            {
                yield return nbl with { Shape = nbl.Shape with { Upper = PacketShape.Simplest.Upper } };
            }

            if (nbl.Shape.Ipv4OptionWords + nbl.Shape.Ipv6Extensions > 0)
            {
                yield return nbl with { Shape = nbl.Shape with { Ipv4OptionWords = 0, Ipv6Extensions = 0 } };
            }
        }
    }

    /// <summary>Simpler NBs: no extra blocks, then simpler geometry.</summary>
    public static IEnumerable<NbDraw> Nb(NbDraw nb)
    {
        ArgumentNullException.ThrowIfNull(nb);
        if (nb.ExtraBlocks > 0)
        {
            yield return nb with { ExtraBlocks = 0 };
        }

        foreach (GeometryDraw geometry in Geometry(nb.Geometry))
        {
            yield return nb with { Geometry = geometry };
        }
    }

    /// <summary>Simpler geometries: flat, each single cut alone, no offset, no spare bytes, smaller cut positions.</summary>
    public static IEnumerable<GeometryDraw> Geometry(GeometryDraw geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.IsFlat)
        {
            yield break;
        }

        yield return GeometryDraw.Flat;
        if (geometry.Splits.Count > 1)
        {
            foreach (int cut in geometry.Splits.Distinct())
            {
                yield return geometry with { Splits = [cut] };
            }
        }

        if (geometry.Splits.Count > 0 && (geometry.DataOffset > 0 || geometry.Spare > 0))
        {
            yield return new GeometryDraw(geometry.Splits, 0, 0);
        }

        if (geometry.DataOffset > 0)
        {
            yield return geometry with { DataOffset = 0 };
        }

        if (geometry.Spare > 0)
        {
            yield return geometry with { Spare = 0 };
        }
    }

    /// <summary>Smaller payloads: 0, half, one less.</summary>
    public static IEnumerable<int> Payload(int payload)
    {
        if (payload <= 0)
        {
            yield break;
        }

        yield return 0;
        if (payload > 2)
        {
            yield return payload / 2;
        }

        if (payload > 1)
        {
            yield return payload - 1;
        }
    }

    /// <summary>Simpler SAs inside <paramref name="space"/>: the first claimed transform, transport mode, no UDP-ESP, no ESN, IPv4.</summary>
    public static IEnumerable<SaDraw> Sa(ProbeSpace space, SaDraw sa, bool lso = false)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(sa);
        IReadOnlyList<SaKind> kinds = lso ? space.LsoKinds : space.Kinds;
        if (kinds.Count > 0 && sa.Kind != kinds[0])
        {
            yield return sa with { Kind = kinds[0], UdpEsp = sa.UdpEsp != IPsecV2UdpEspEncapsulation.None && kinds[0].Protocol != Engine.Sa.IpsecProtocol.Esp ? IPsecV2UdpEspEncapsulation.None : sa.UdpEsp };
        }

        if (sa.UdpEsp != IPsecV2UdpEspEncapsulation.None)
        {
            yield return sa with { UdpEsp = IPsecV2UdpEspEncapsulation.None };
        }

        if (sa.Mode != SaMode.Transport && space.Transport)
        {
            yield return sa with { Mode = SaMode.Transport, UdpEsp = IPsecV2UdpEspEncapsulation.None };
        }

        if (sa.Esn)
        {
            yield return sa with { Esn = false, SequenceHigh = 0 };
        }

        if (sa.IPv6)
        {
            yield return sa with { IPv6 = false };
        }
    }

    /// <summary>Smaller LSO requests: the smallest payload the segment count allows, fewer segments, simpler SA.</summary>
    public static IEnumerable<LsoDraw> Lso(ProbeSpace space, LsoDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        if (draw.Payload > 0)
        {
            foreach (int payload in Payload(draw.Payload))
            {
                yield return draw with { Payload = payload };
            }
        }

        if (draw.Mss > 1)
        {
            // A smaller MSS with the same segment count keeps a segmentation fault visible with fewer bytes.
            int mss = Math.Max(1, draw.Mss / 2);
            yield return draw with { Mss = mss, Payload = Math.Min(draw.Payload, draw.Segments * mss) };
        }

        if (draw.V1)
        {
            yield return draw with { V1 = false };
        }

        foreach (SaDraw sa in Sa(space, draw.Sa, lso: true))
        {
            yield return draw with { Sa = sa, V1 = draw.V1 && !sa.IPv6 };
        }
    }
}
