using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Properties.Generators;

namespace IpsecOffload.Properties.Properties;

/// <summary>
/// A law every adapter must obey, probed with generated cases: its name states the law, it lists the
/// requirement ids it probes, and it builds an FsCheck property for one <see cref="ProbeSession"/>. Judging goes
/// only through the conformance oracle (<c>WireOracle</c>) and the completion checks of <see cref="CaseContext"/>.
/// </summary>
public interface IProbeProperty
{
    /// <summary>The law, as a name (<c>ZeroHandleLeavesBytesUnchanged</c>).</summary>
    string Name { get; }

    /// <summary>The requirement ids the law probes.</summary>
    IReadOnlyList<string> Requirements { get; }

    /// <summary>The law in a sentence.</summary>
    string Law { get; }

    /// <summary>Why the law cannot be probed on this adapter/profile (e.g. no LSO claimed), or null.</summary>
    string? NotApplicable(ProbeSession session);

    /// <summary>The FsCheck property over this session; shrinking stops offering candidates when <paramref name="budget"/> runs out.</summary>
    Property Build(ProbeSession session, ShrinkBudget budget);

    /// <summary>Runs one draw (of this property's draw type) on the session: the failure text, or null when the law holds.</summary>
    string? Evaluate(ProbeSession session, object draw);

    /// <summary>A draw as readable text: SA without keys, NBLs, NBs, geometry and packet hex.</summary>
    string Describe(ProbeSession session, object draw);

    /// <summary>The draw as a vector JSON object (vectors-schema.md) for review, with <paramref name="id"/>, <paramref name="source"/> and <paramref name="notes"/>.</summary>
    JsonObject ToVector(ProbeSession session, object draw, string id, string source, string notes);
}

/// <summary>Counts shrink candidates across one failure's shrinking, so a run ends in bounded time (FsCheck has no shrink limit of its own).</summary>
public sealed class ShrinkBudget(int limit)
{
    private int _used;

    /// <summary>Candidates offered so far.</summary>
    public int Used => _used;

    /// <summary>True when the limit was reached (the reported case may not be the smallest).</summary>
    public bool Exhausted => _used >= limit;

    /// <summary>The candidates while the budget lasts.</summary>
    public IEnumerable<T> Take<T>(IEnumerable<T> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (T candidate in candidates)
        {
            if (Interlocked.Increment(ref _used) > limit)
            {
                yield break;
            }

            yield return candidate;
        }
    }
}

/// <summary>
/// The shape every property shares: a generator and a shrinker of <typeparamref name="TDraw"/> inside the
/// adapter's <see cref="ProbeSpace"/>, and a check that drives the adapter through a <see cref="CaseContext"/>
/// and throws <see cref="CaseFailedException"/> (through <c>CaseContext.Fail</c>) when the law breaks.
/// </summary>
/// <typeparam name="TDraw">The draw type.</typeparam>
public abstract class ProbeProperty<TDraw> : IProbeProperty
    where TDraw : class
{
    private ConformanceCase? _identity;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> Requirements { get; }

    /// <inheritdoc/>
    public abstract string Law { get; }

    /// <summary>The case identity CaseContext reports under (the property's name and ids).</summary>
    protected ConformanceCase Identity => _identity ??= new ConformanceCase(Name, Requirements, Law, [], _ => { });

    /// <inheritdoc/>
    public virtual string? NotApplicable(ProbeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Space.CanProtect ? null : "the adapter claims no v2 transform in transport or tunnel mode";
    }

    /// <summary>The draws.</summary>
    protected abstract Gen<TDraw> Generator(ProbeSpace space);

    /// <summary>Smaller draws, most drastic first.</summary>
    protected abstract IEnumerable<TDraw> Shrink(ProbeSpace space, TDraw draw);

    /// <summary>Drives the adapter with <paramref name="draw"/> and fails through <paramref name="c"/> when the law breaks.</summary>
    protected abstract void Check(CaseContext c, ProbeSession session, TDraw draw);

    /// <summary>Adds the draw's spread to the property (<c>Classify</c>/<c>Collect</c>).</summary>
    protected virtual Property Spread(Property law, TDraw draw) => law;

    /// <summary>The draw as text.</summary>
    protected abstract string Describe(ProbeSession session, TDraw draw);

    /// <summary>The draw as a vector.</summary>
    protected abstract JsonObject ToVector(ProbeSession session, TDraw draw, string id, string source, string notes);

    /// <inheritdoc/>
    public Property Build(ProbeSession session, ShrinkBudget budget)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(budget);
        ProbeSpace space = session.Space;
        Arbitrary<TDraw> arbitrary = Arb.From(Generator(space), d => budget.Take(Shrink(space, d)));
        return Prop.ForAll(arbitrary, draw => Spread(Prop.ToProperty(() => Run(session, draw)), draw));
    }

    /// <inheritdoc/>
    public string? Evaluate(ProbeSession session, object draw)
    {
        try
        {
            Run(session, (TDraw)draw);
            return null;
        }
        catch (CaseFailedException e)
        {
            return ProbeMessages.WithoutReproduceLine(e);
        }
#pragma warning disable CA1031 // Anything an adapter or the harness throws is this draw's failure, reported as text.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <inheritdoc/>
    public string Describe(ProbeSession session, object draw) => Describe(session, (TDraw)draw);

    /// <inheritdoc/>
    public JsonObject ToVector(ProbeSession session, object draw, string id, string source, string notes) =>
        ToVector(session, (TDraw)draw, id, source, notes);

    private void Run(ProbeSession session, TDraw draw)
    {
        CaseContext c = session.Begin(Identity);
        try
        {
            Check(c, session, draw);
        }
        catch
        {
            session.Recycle();
            throw;
        }
    }
}

/// <summary>Failure texts of properties.</summary>
public static class ProbeMessages
{
    /// <summary>A failure's text without CaseContext's conformance-run reproduce line (a property replays by its seed).</summary>
    public static string WithoutReproduceLine(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string text = e.Message;
        int reproduce = text.IndexOf("\nreproduce:", StringComparison.Ordinal);
        return reproduce >= 0 ? text[..reproduce] : text;
    }
}
