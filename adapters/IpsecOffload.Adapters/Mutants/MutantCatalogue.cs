using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>A deliberately faulty miniport: its name (after <c>mutant:</c>), the fault in one line, the requirement it breaks, and a factory.</summary>
/// <param name="Name">Kebab-case name.</param>
/// <param name="Description">The fault.</param>
/// <param name="Breaks">The requirement id the fault breaks (the case of that id must catch it).</param>
/// <param name="Create">A new, not yet initialized mutant.</param>
public sealed record Mutant(string Name, string Description, string Breaks, Func<IMiniport> Create);

/// <summary>The mutant catalogue: reference miniports with one fault each.</summary>
public static class MutantCatalogue
{
    /// <summary>All mutants.</summary>
    public static IReadOnlyList<Mutant> All { get; } = [];
}
