using System.Text.RegularExpressions;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;

namespace IpsecOffload.Conformance.Tests.WireCases;

/// <summary>The wire cases' shape: unique names that start with their main requirement, known ids, one case per embedded vector.</summary>
public partial class CatalogueShapeTests
{
    [GeneratedRegex("^(Esp0[1-6]|Ah0[1-3]|Esn0[12]|UdpEsp01|Lso0[1-5]|Send(0[5-9]|1[0-8]))_")]
    private static partial Regex WirePrefix();

    private static IEnumerable<ConformanceCase> WireCases => CaseCatalogue.All.Where(c => WirePrefix().IsMatch(c.Name));

    [Test]
    public void WireCases_NamesAreUniqueAndStartWithTheirMainRequirement()
    {
        var cases = WireCases.ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cases.Select(c => c.Name), Is.Unique);
            foreach (ConformanceCase c in cases)
            {
                string main = c.Requirements[0].Replace("-", "", StringComparison.Ordinal);
                Assert.That(c.Name.Replace("UdpEsp", "UDPESP", StringComparison.Ordinal), Does.StartWith(main[..1] + main[1..].ToLowerInvariant()).IgnoreCase, c.Name);
                Assert.That(c.Requirements.Where(id => RequirementCatalogue.Default.Find(id) is null), Is.Empty, $"{c.Name}: unknown ids");
            }
        }
    }

    [Test]
    public void VectorCases_OnePerEmbeddedVector_220WithTheirIds()
    {
        var vectors = CaseCatalogue.All.Where(c => c.VectorId is not null).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(vectors, Has.Count.EqualTo(220));
            Assert.That(vectors.Select(v => v.VectorId), Is.Unique);
            Assert.That(vectors.Count(v => v.Name.StartsWith("Lso01_Vector_", StringComparison.Ordinal)), Is.EqualTo(48));
        }
    }
}
