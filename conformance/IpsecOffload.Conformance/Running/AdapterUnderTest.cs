using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Running;

/// <summary>The adapter a run judges: its name (as given to <c>--adapter</c>) and how to make a fresh, not yet initialized instance per case.</summary>
/// <param name="Name">The adapter name (<c>reference</c>, <c>mutant:zero-icv</c>, …).</param>
/// <param name="Create">A new miniport; every case gets its own.</param>
public sealed record AdapterUnderTest(string Name, Func<IMiniport> Create);
