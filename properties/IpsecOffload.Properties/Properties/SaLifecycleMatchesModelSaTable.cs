using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Properties.Generators;
using IpsecOffload.Properties.Lifecycle;
using IpsecOffload.Properties.Running;

namespace IpsecOffload.Properties.Properties;

/// <summary>
/// SA-01, SA-02, SA-05, SEND-04, ESN-02, CMPL-01: under any interleaving of SA OIDs (ADD v1 / v2 / v2 EX, ADD
/// chains, add-until-full, DELETE, UPDATE_SA) and sends, a fresh adapter answers as the <see cref="SaTableModel"/>
/// predicts. Each case is an <see cref="OidScript"/> played by <see cref="SaLifecycleScript"/> on a fresh instance
/// of the target (the model starts from an empty table); a failing script shrinks to few steps with simple SAs.
/// </summary>
public sealed class SaLifecycleMatchesModelSaTable : IProbeProperty
{
    /// <summary>The property's name, as runners and reports print it.</summary>
    public const string PropertyName = "SaLifecycle_MatchesModelSaTable";

    /// <inheritdoc/>
    public string Name => PropertyName;

    /// <inheritdoc/>
    public IReadOnlyList<string> Requirements { get; } = ["SA-01", "SA-02", "SA-05", "SEND-04", "ESN-02", "CMPL-01"];

    /// <inheritdoc/>
    public string Law => "under any interleaving of SA OIDs and sends, a fresh adapter answers every ADD, DELETE, UPDATE_SA and send as a model SA table predicts: "
        + "fresh distinct handles while there is room, the profile's status when full, deleted and unknown handles refused with FAILURE and no frame, "
        + "frames protected by exactly the live bundle with the last UPDATE_SA's high half, every NBL completed once";

    /// <summary>The lifecycle space of the session's adapter (its claimed SA kinds, ESN, IPv6, capacity and ABI).</summary>
    public static LifecycleSpace SpaceOf(ProbeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return LifecycleSpace.From(session.Capabilities, session.Miniport.Identity.Abi);
    }

    /// <inheritdoc/>
    public string? NotApplicable(ProbeSession session) =>
        SpaceOf(session).Apis.Count == 0 ? "the adapter claims no SA the lifecycle can add (neither v1 ESP/AH nor v2 transport ESP/AH)" : null;

    /// <inheritdoc/>
    public Property Build(ProbeSession session, ShrinkBudget budget)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(budget);
        LifecycleSpace space = SpaceOf(session);
        Arbitrary<OidScript> arbitrary = Arb.From(OidScriptGen.Script(space), s => budget.Take(OidScriptGen.Shrink(s)));
        return Prop.ForAll(arbitrary, script =>
        {
            LifecycleOutcome outcome = Play(session, space, script);
            return outcome.Matched.ToProperty()
                .Classify(script.Steps.Any(s => s is AddUntilFullStep), "fills the table")
                .Classify(script.Steps.Any(s => s is UpdateStep), "updates an ESN high half")
                .Classify(script.Steps.Any(s => s is SendStep { Target.Choice: HandleChoice.Deleted }), "sends on a deleted handle")
                .Classify(outcome.StepsSkipped > 0, "skipped a step")
                .Collect(script.Steps.Count <= 4 ? "1-4 steps" : script.Steps.Count <= 12 ? "5-12 steps" : "13+ steps");
        });
    }

    /// <inheritdoc/>
    public string? Evaluate(ProbeSession session, object draw)
    {
        ArgumentNullException.ThrowIfNull(session);
        LifecycleOutcome outcome;
        try
        {
            outcome = Play(session, SpaceOf(session), (OidScript)draw);
        }
#pragma warning disable CA1031 // Anything the adapter factory or the harness throws is this script's failure, reported as text.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"{e.GetType().Name}: {e.Message}";
        }

        if (outcome.Divergence is not { } divergence)
        {
            return null;
        }

        var text = new StringBuilder(divergence.ToString());
        text.Append("\ntranscript:");
        foreach (string line in outcome.Transcript)
        {
            text.Append("\n  ").Append(line);
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public string Describe(ProbeSession session, object draw)
    {
        ArgumentNullException.ThrowIfNull(session);
        var script = (OidScript)draw;
        LifecycleSpace space = SpaceOf(session);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"OID script of {script}\n");
        text.Append(CultureInfo.InvariantCulture, $"kinds (index modulo the count): {Kinds(space)}\n");
        text.Append(CultureInfo.InvariantCulture, $"table capacity {(space.Capacity is { } c ? c.ToString(CultureInfo.InvariantCulture) : "not advertised")}, ABI {space.Abi} (keys not shown)\n");
        return text.ToString();
    }

    /// <inheritdoc/>
    public JsonObject ToVector(ProbeSession session, object draw, string id, string source, string notes)
    {
        ArgumentNullException.ThrowIfNull(session);
        var script = (OidScript)draw;
        LifecycleSpace space = SpaceOf(session);
        LifecycleOutcome outcome = Play(session, space, script);
        var details = new JsonObject
        {
            ["abi"] = space.Abi.ToString(),
            ["capacity"] = space.Capacity,
            ["kinds"] = Kinds(space),
            ["steps"] = new JsonArray([.. script.Steps.Select(s => (JsonNode)s.ToString()!)]),
            ["divergence"] = outcome.Divergence is { } d
                ? new JsonObject { ["step"] = d.Step, ["requirement"] = d.Requirement, ["expected"] = d.Expected, ["actual"] = d.Actual }
                : null,
            ["transcript"] = new JsonArray([.. outcome.Transcript.Select(l => (JsonNode)l)]),
            ["expect"] = Law,
        };
        return FoundVectors.Scenario(id, source, Requirements, details,
            notes + " The steps are the shrunk OID script (SPIs shown, keys not); the replay seed in source regenerates it with its keys.");
    }

    /// <summary>Plays <paramref name="script"/> on a fresh instance of the session's target (the model starts from an empty table).</summary>
    private static LifecycleOutcome Play(ProbeSession session, LifecycleSpace space, OidScript script) =>
        SaLifecycleScript.Run(session.Target.Factory, session.Target.Profile, script, space);

    private static string Kinds(LifecycleSpace space)
    {
        static string List(IReadOnlyList<BundleKind> kinds) => string.Join(", ", kinds.Select((k, i) => string.Create(CultureInfo.InvariantCulture, $"{i} {k}")));
        return $"v2: [{List(space.V2Kinds)}]; v1: [{List(space.V1Kinds)}]";
    }
}
