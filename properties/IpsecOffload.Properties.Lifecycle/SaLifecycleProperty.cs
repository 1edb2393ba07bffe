using FsCheck;
using FsCheck.Fluent;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Properties.Lifecycle;

/// <summary>
/// The law <c>SaLifecycle_MatchesModelSaTable</c>: under any interleaving of SA OIDs and sends the adapter
/// generates, the adapter answers as the <see cref="SaTableModel"/> predicts. A failing script shrinks to few
/// steps with simple SAs; the label carries the divergence and the transcript.
/// </summary>
public static class SaLifecycleProperty
{
    /// <summary>The property's name, as runners and reports print it.</summary>
    public const string Name = "SaLifecycle_MatchesModelSaTable";

    /// <summary>
    /// The property over scripts for the adapter <paramref name="adapterFactory"/> makes (its capabilities are
    /// read once, from one instance, to shape the generator; every script gets a fresh instance) under
    /// <paramref name="profile"/>.
    /// </summary>
    public static Property Create(Func<IMiniport> adapterFactory, ConformanceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(adapterFactory);
        ArgumentNullException.ThrowIfNull(profile);
        LifecycleSpace space = LifecycleSpace.Probe(adapterFactory);
        return Prop.ForAll(OidScriptGen.Arbitrary(space), script =>
        {
            LifecycleOutcome outcome = SaLifecycleScript.Run(adapterFactory, profile, script);
            return outcome.Matched.Label($"{Name}: {script}\n{outcome.Describe()}")
                .Classify(script.Steps.Any(s => s is AddUntilFullStep), "fills the table")
                .Classify(script.Steps.Any(s => s is UpdateStep), "updates an ESN high half")
                .Classify(script.Steps.Any(s => s is SendStep { Target.Choice: HandleChoice.Deleted }), "sends on a deleted handle")
                .Classify(outcome.StepsSkipped > 0, "skipped a step");
        });
    }
}
