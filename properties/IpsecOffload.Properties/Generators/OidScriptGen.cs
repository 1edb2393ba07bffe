using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsGen = FsCheck.FSharp.Gen;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Ndis;
using IpsecOffload.Properties.Lifecycle;

namespace IpsecOffload.Properties.Generators;

/// <summary>
/// Generates <see cref="OidScript"/>s over a <see cref="LifecycleSpace"/>: SA OIDs (ADD v1 / v2 / v2 EX, v2 ADD
/// chains, add-until-full, DELETE, UPDATE_SA) interleaved with sends of 1–3 NBs. Valid by construction: only
/// claimed algorithms, deletes through the handle's own version, UPDATE_SA only on v2 handles, and the generator
/// tracks the table as a correct adapter keeps it so that most steps name something live. Edges come through
/// <c>Gen.Frequency</c>: deleted, never-issued, near-live and zero handles; capacity exhaustion; UPDATE_SA of
/// non-ESN SAs; SPIs, ESN halves and handle values over their full range with their extremes; payloads 0, 1 and
/// around block sizes. Shrinking removes steps and simplifies the rest (fewer NBs, empty payloads, kind 0, IPv4,
/// no ESN), so a counterexample ends as few steps with simple SAs.
/// </summary>
public static class OidScriptGen
{
    /// <summary>Most steps a generated script has (at the largest size).</summary>
    public const int MaxSteps = 24;

    /// <summary>The shape of the table as a correct adapter keeps it while the script is written: one entry per live bundle.</summary>
    private sealed record Sym(ImmutableList<(bool V2, bool Esn)> Live, int Deleted, int? Free)
    {
        public int LiveV2 => Live.Count(b => b.V2);

        public int LiveEsn => Live.Count(b => b.Esn);
    }

    /// <summary>Scripts of 1 to <see cref="MaxSteps"/> steps (more with the size).</summary>
    public static Gen<OidScript> Script(LifecycleSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Apis.Count == 0)
        {
            throw new ArgumentException("the adapter claims no SA this generator can add (neither v1 nor v2 transport ESP/AH)", nameof(space));
        }

        var start = new Sym([], 0, space.Capacity is { } c ? (int)Math.Min(c, int.MaxValue) : null);
        return Gen.Sized(size => Gen.Choose(1, Math.Clamp(1 + (size / 4), 1, MaxSteps)))
            .SelectMany(n => Steps(space, start, n))
            .Select(steps => new OidScript(steps));
    }

    /// <summary>The arbitrary of <see cref="Script"/> with <see cref="Shrink"/>.</summary>
    public static Arbitrary<OidScript> Arbitrary(LifecycleSpace space) => Arb.From(Script(space), s => Shrink(s));

    private static Gen<ImmutableList<OidStep>> Steps(LifecycleSpace space, Sym sym, int remaining) =>
        remaining == 0
            ? Gen.Constant(ImmutableList<OidStep>.Empty)
            : Step(space, sym).SelectMany(step => Steps(space, After(space, sym, step), remaining - 1).Select(rest => rest.Insert(0, step)));

    private static Gen<OidStep> Step(LifecycleSpace space, Sym sym)
    {
        var options = new List<(int, Gen<OidStep>)>
        {
            (30, from api in Gen.Elements(space.Apis.ToArray()) from bundle in Bundle(space) select (OidStep)new AddStep(api, bundle)),
            (35, Send(space, sym)),
            (4, from target in StaleTarget(space, sym) from v1 in Gen.Elements(false, true) select (OidStep)new DeleteStep(target, v1)),
        };
        if (space.V2Kinds.Count > 0)
        {
            options.Add((5, from n in Gen.Choose(2, 3) from bundles in Gen.ArrayOf(Bundle(space), n) select (OidStep)new AddChainStep(bundles)));
            options.Add((2, from target in StaleTarget(space, sym) from sa in Gen.Choose(0, 1) from high in High select (OidStep)new UpdateStep(target, sa, high)));
        }

        if (space.CanFill && sym.Free > 0)
        {
            options.Add((3, from api in Gen.Elements(space.Apis.ToArray()) from bundle in Bundle(space) select (OidStep)new AddUntilFullStep(api, bundle)));
        }

        if (sym.Live.Count > 0)
        {
            options.Add((15, from i in Index select (OidStep)new DeleteStep(new HandleRef(HandleChoice.Live, i, 0), false)));
        }

        if (sym.LiveV2 > 0)
        {
            // Aim at an ESN SA when there is one (index among the live v2 bundles, as the runner resolves it).
            int[] esnAt = [.. sym.Live.Where(b => b.V2).Select((b, i) => (b, i)).Where(x => x.b.Esn).Select(x => x.i)];
            Gen<int> index = esnAt.Length > 0 ? Gen.Elements(esnAt) : Index;
            options.Add((esnAt.Length > 0 ? 12 : 2,
                from i in index from sa in Gen.Choose(0, 1) from high in High select (OidStep)new UpdateStep(new HandleRef(HandleChoice.Live, i, 0), sa, high)));
        }

        return Gen.Frequency([.. options]);
    }

    private static Sym After(LifecycleSpace space, Sym sym, OidStep step)
    {
        Sym Add(Sym s, SaApi api, BundleDraw bundle) => s.Free is 0
            ? s
            : s with { Live = s.Live.Add((api != SaApi.V1, api != SaApi.V1 && bundle.Esn && space.Esn)), Free = s.Free - 1 };

        switch (step)
        {
            case AddStep add:
                return Add(sym, add.Api, add.Bundle);
            case AddChainStep chain:
                return chain.Bundles.Aggregate(sym, (s, b) => Add(s, SaApi.V2, b));
            case AddUntilFullStep fill:
                Sym full = sym;
                while (full.Free > 0)
                {
                    full = Add(full, fill.Api, fill.Bundle);
                }

                return full;
            case DeleteStep { Target.Choice: HandleChoice.Live } delete when sym.Live.Count > 0:
                return sym with { Live = sym.Live.RemoveAt(delete.Target.Index % sym.Live.Count), Deleted = sym.Deleted + 1, Free = sym.Free + 1 };
            default:
                return sym;
        }
    }

    private static Gen<OidStep> Send(LifecycleSpace space, Sym sym)
    {
        var targets = new List<(int, Gen<HandleRef>)>
        {
            (10, UnknownHandle(space)),
            (8, Gen.Constant(new HandleRef(HandleChoice.Zero, 0, 0))),
        };
        if (sym.Live.Count > 0)
        {
            targets.Add((60, from i in Index select new HandleRef(HandleChoice.Live, i, 0)));
            targets.Add((5, NearLive(space)));
        }

        if (sym.Deleted > 0)
        {
            targets.Add((20, from i in Index select new HandleRef(HandleChoice.Deleted, i, 0)));
        }

        Gen<int> payload = Freq((3, Gen.Elements(0, 1, 7, 8, 15, 16, 17, 31, 255)), (2, Gen.Choose(0, 600)));
        Gen<int> count = Freq((6, Gen.Constant(1)), (3, Gen.Constant(2)), (2, Gen.Constant(3)));
        return from target in Gen.Frequency([.. targets])
               from api in Gen.Elements(space.Apis.ToArray())
               from fallback in Bundle(space)
               from low in Freq((1, Gen.Elements(0u, 1u, uint.MaxValue - 3)), (4, FsGen.Choose64(0, uint.MaxValue - 3).Select(v => (uint)v)))
               from n in count
               from size in payload
               from seed in Gen.Choose(0, int.MaxValue)
               select (OidStep)new SendStep(target, api, fallback, low, n, size, seed);
    }

    /// <summary>A handle that names no live SA when the step runs (unless the adapter reused it): deleted, never issued or near a live one.</summary>
    private static Gen<HandleRef> StaleTarget(LifecycleSpace space, Sym sym)
    {
        var targets = new List<(int, Gen<HandleRef>)> { (5, UnknownHandle(space)) };
        if (sym.Deleted > 0)
        {
            targets.Add((10, from i in Index select new HandleRef(HandleChoice.Deleted, i, 0)));
        }

        if (sym.Live.Count > 0)
        {
            targets.Add((3, NearLive(space)));
        }

        return Gen.Frequency([.. targets]);
    }

    private static Gen<T> Freq<T>(params (int Weight, Gen<T> Gen)[] options) => Gen.Frequency(options);

    private static Gen<int> Index => Gen.Choose(0, 63);

    /// <summary>Full-range 32-bit values with their extremes.</summary>
    private static Gen<uint> Full32 => Freq(
        (1, Gen.Elements(1u, 0xFFu, 0x100u, 0x8000_0000u, uint.MaxValue)),
        (6, FsGen.Choose64(1, uint.MaxValue).Select(v => (uint)v)));

    private static Gen<uint> High => Freq((1, Gen.Elements(0u, 1u, uint.MaxValue)), (4, FsGen.Choose64(0, uint.MaxValue).Select(v => (uint)v)));

    /// <summary>A value no adapter is likely to have returned: full range for the ABI's pointer width, never 0.</summary>
    private static Gen<HandleRef> UnknownHandle(LifecycleSpace space)
    {
        Gen<ulong> value = space.Abi == NdisAbi.X86
            ? Full32.Select(v => (ulong)v)
            : Freq(
                (1, Gen.Elements(1UL, 0xFFFF_FFFFUL, 0x1_0000_0000UL, ulong.MaxValue)),
                (5, from hi in Full32 from lo in Full32 select ((ulong)hi << 32) | lo));
        return value.Select(v => new HandleRef(HandleChoice.Unknown, 0, v));
    }

    /// <summary>A live handle plus a small, a pointer-step, a high-half or a negative offset (wrapping).</summary>
    private static Gen<HandleRef> NearLive(LifecycleSpace space)
    {
        ulong[] offsets = space.Abi == NdisAbi.X86 ? [1, 0x10, 0xFFFF_FFFF] : [1, 0x10, 0x1_0000_0000, ulong.MaxValue, 0xFFFF_FFFF_0000_0000];
        return from i in Index from offset in Gen.Elements(offsets) select new HandleRef(HandleChoice.NearLive, i, offset);
    }

    private static Gen<SaKeyDraw> Draw =>
        from spi in Full32
        from key in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), SaKeyDraw.KeyLength)
        from high in High
        select new SaKeyDraw(spi, key, high);

    private static Gen<BundleDraw> Bundle(LifecycleSpace space) =>
        from kind in Gen.Choose(0, 63)
        from ipv6 in space.IPv6 ? Freq((3, Gen.Constant(false)), (1, Gen.Constant(true))) : Gen.Constant(false)
        from esn in space.Esn ? Gen.Elements(false, true) : Gen.Constant(false)
        from first in Draw
        from second in Draw
        select new BundleDraw(kind, ipv6, esn, first, second);

    /// <summary>
    /// Smaller scripts: without one half, without one step, then each step simplified (an ADD chain or fill as one
    /// ADD, one NB, empty payloads, kind 0, IPv4, no ESN). Every candidate is strictly smaller, so shrinking ends.
    /// </summary>
    public static IEnumerable<OidScript> Shrink(OidScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        IReadOnlyList<OidStep> steps = script.Steps;
        if (steps.Count > 3)
        {
            yield return new OidScript([.. steps.Skip(steps.Count / 2)]);
            yield return new OidScript([.. steps.Take(steps.Count / 2)]);
        }

        if (steps.Count > 1)
        {
            for (int i = 0; i < steps.Count; i++)
            {
                yield return new OidScript([.. steps.Take(i), .. steps.Skip(i + 1)]);
            }
        }

        for (int i = 0; i < steps.Count; i++)
        {
            foreach (OidStep simpler in Simplify(steps[i]))
            {
                yield return new OidScript([.. steps.Take(i), simpler, .. steps.Skip(i + 1)]);
            }
        }
    }

    private static IEnumerable<OidStep> Simplify(OidStep step)
    {
        switch (step)
        {
            case AddChainStep chain:
                yield return new AddStep(SaApi.V2, chain.Bundles[0]);
                if (chain.Bundles.Count > 2)
                {
                    yield return new AddChainStep([.. chain.Bundles.Take(chain.Bundles.Count - 1)]);
                }

                for (int i = 0; i < chain.Bundles.Count; i++)
                {
                    foreach (BundleDraw simpler in Simplify(chain.Bundles[i]))
                    {
                        yield return new AddChainStep([.. chain.Bundles.Take(i), simpler, .. chain.Bundles.Skip(i + 1)]);
                    }
                }

                break;
            case AddUntilFullStep fill:
                yield return new AddStep(fill.Api, fill.Bundle);
                foreach (BundleDraw simpler in Simplify(fill.Bundle))
                {
                    yield return fill with { Bundle = simpler };
                }

                break;
            case AddStep add:
                foreach (BundleDraw simpler in Simplify(add.Bundle))
                {
                    yield return add with { Bundle = simpler };
                }

                break;
            case SendStep send:
                if (send.Count > 1)
                {
                    yield return send with { Count = 1 };
                }

                if (send.Payload > 0)
                {
                    yield return send with { Payload = 0 };
                    yield return send with { Payload = send.Payload / 2 };
                }

                foreach (BundleDraw simpler in Simplify(send.Fallback))
                {
                    yield return send with { Fallback = simpler };
                }

                break;
        }
    }

    private static IEnumerable<BundleDraw> Simplify(BundleDraw bundle)
    {
        if (bundle.Kind != 0)
        {
            yield return bundle with { Kind = 0 };
        }

        if (bundle.IPv6)
        {
            yield return bundle with { IPv6 = false };
        }

        if (bundle.Esn)
        {
            yield return bundle with { Esn = false };
        }
    }
}
