using IpsecOffload.Conformance.Cases.Catalogue;

namespace IpsecOffload.Conformance.Cases;

/// <summary>Every conformance case, in catalogue order (one source for NUnit and the CLI).</summary>
public static class CaseCatalogue
{
    private static readonly Lazy<IReadOnlyList<ConformanceCase>> Cases = new(Build);

    /// <summary>All cases.</summary>
    public static IReadOnlyList<ConformanceCase> All => Cases.Value;

    /// <summary>The case named <paramref name="name"/>, or null.</summary>
    public static ConformanceCase? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    private static List<ConformanceCase> Build()
    {
        List<ConformanceCase> cases = [.. SeedRuleCases.All];
        cases.AddRange(HandleCases.All);
        cases.AddRange(OffloadStateCases.All);
        cases.AddRange(NblShapeCases.All);
        cases.AddRange(CompletionCases.All);
        cases.AddRange(SaLifecycleCases.All);
        cases.AddRange(V1Cases.All);
        cases.AddRange(EspCases.All);
        cases.AddRange(TunnelCases.All);
        cases.AddRange(AhCases.All);
        cases.AddRange(EsnCases.All);
        cases.AddRange(UdpEspCases.All);
        cases.AddRange(LsoCases.All);
        cases.AddRange(VectorCases.All);
        return cases;
    }

    /// <summary>A case (shorthand for catalogue files).</summary>
    internal static ConformanceCase Case(string name, string[] requirements, string summary, Feature[] needs, Action<CaseContext> body) =>
        new(name, requirements, summary, needs, body);
}
