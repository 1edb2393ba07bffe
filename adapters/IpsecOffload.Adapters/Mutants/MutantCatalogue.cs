using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>A deliberately faulty miniport: its name (after <c>mutant:</c>), the fault in one line, the requirement it breaks, and a factory.</summary>
/// <param name="Name">Kebab-case name.</param>
/// <param name="Description">The fault.</param>
/// <param name="Breaks">The requirement id the fault breaks (the case of that id must catch it).</param>
/// <param name="Create">A new, not yet initialized mutant.</param>
public sealed record Mutant(string Name, string Description, string Breaks, Func<IMiniport> Create);

/// <summary>
/// The mutant catalogue: reference miniports with exactly one fault each (issue #5). Every mutant must
/// be caught by a case of the requirement it breaks while the reference passes the same cases
/// (<c>MutantTests</c>); <c>ipsec-conformance run --adapter mutant:&lt;name&gt;</c> shows the failure.
/// </summary>
public static class MutantCatalogue
{
    /// <summary>All mutants: the six of issue #5's list, then the extras.</summary>
    public static IReadOnlyList<Mutant> All { get; } =
    [
        new(IgnoresZeroHandle.Name,
            "an NBL with OffloadHandle 0 (and TunnelHandle 0) is looked up like any handle and completed with NDIS_STATUS_FAILURE instead of being sent as-is",
            "SEND-03", () => new IgnoresZeroHandle()),
        new(SucceedsUnknownHandle.Name,
            "an NBL whose handle names no offloaded SA completes with NDIS_STATUS_SUCCESS and sends nothing",
            "SEND-04", () => new SucceedsUnknownHandle()),
        new(CleartextUnknownHandle.Name,
            "an NBL whose handle names no offloaded SA is transmitted unchanged (clear text, placeholder ICV) and completes with NDIS_STATUS_SUCCESS",
            "SA-05", () => new CleartextUnknownHandle()),
        new(ZeroIcv.Name,
            "ESP frames leave with the ICV bytes zero (the integrity result is never written)",
            "ESP-01", () => new ZeroIcv()),
        new(WrongPadLength.Name,
            "LSO + IPsec sends read the OOB PadLength off by one and discard the wrong number of pad bytes while segmenting",
            "LSO-03", () => new WrongPadLength()),
        new(CompletesTwice.Name,
            "every NBL is completed twice",
            "CMPL-01", () => new CompletesTwice()),
        new(CrashesOnUnknownHandle.Name,
            "an NBL whose handle names no offloaded SA makes SendNetBufferLists throw; it and the rest of its chain are never completed",
            "CMPL-01", () => new CrashesOnUnknownHandle()),
    ];

    /// <summary>The mutant called <paramref name="name"/> (without <c>mutant:</c>), or null.</summary>
    public static Mutant? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
