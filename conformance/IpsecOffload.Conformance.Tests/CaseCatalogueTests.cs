using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;

namespace IpsecOffload.Conformance.Tests;

/// <summary>Meta-tests (STYLE §4): every catalogue id has a case, every case names catalogue ids, names are unique and lead with their id.</summary>
public class CaseCatalogueTests
{
    private static RequirementCatalogue Catalogue => RequirementCatalogue.Default;

    private static IEnumerable<TestCaseData> Requirements() =>
        Catalogue.Requirements.Select(r => new TestCaseData(r.Id).SetArgDisplayNames(r.Id));

    [TestCaseSource(nameof(Requirements))]
    public void CatalogueId_HasAtLeastOneCase(string id) =>
        Assert.That(CaseCatalogue.All.Where(c => c.Requirements.Contains(id)).Select(c => c.Name), Is.Not.Empty,
            $"{id} ({Catalogue.Find(id)!.Level}) has no conformance case");

    [Test]
    public void EveryCase_NamesOnlyCatalogueIds()
    {
        var unknown = CaseCatalogue.All.SelectMany(c => c.Requirements.Where(id => Catalogue.Find(id) is null).Select(id => $"{c.Name}: {id}")).ToList();
        Assert.That(unknown, Is.Empty, "cases naming ids the catalogue does not hold");
    }

    [Test]
    public void EveryCase_HasAUniqueName()
    {
        var duplicates = CaseCatalogue.All.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.That(duplicates, Is.Empty);
    }

    [Test]
    public void EveryCaseName_StartsWithItsFirstRequirementId()
    {
        var wrong = CaseCatalogue.All
            .Where(c => c.Requirements.Count == 0 || !c.Name.StartsWith(c.Requirements[0].Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
            .Select(c => $"{c.Name} [{string.Join(", ", c.Requirements)}]").ToList();
        Assert.That(wrong, Is.Empty, "a case name leads with its main requirement id (Send03_…, Esp01_…)");
    }

    [Test]
    public void EveryCase_HasASummaryAndAnIdentifierName()
    {
        var wrong = CaseCatalogue.All.Where(c => c.Summary.Length < 20 || !c.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            .Select(c => c.Name).ToList();
        Assert.That(wrong, Is.Empty);
    }
}
