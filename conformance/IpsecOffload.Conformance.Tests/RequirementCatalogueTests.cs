using System.Globalization;
using IpsecOffload.Conformance.Catalogue;

namespace IpsecOffload.Conformance.Tests;

public class RequirementCatalogueTests
{
    private static RequirementCatalogue Catalogue => RequirementCatalogue.Default;

    [Test]
    public void Catalogue_HoldsEverySendIdOfSpecDigestSection6_InOrder()
    {
        string[] expected = [.. Enumerable.Range(1, 32).Select(i => string.Create(CultureInfo.InvariantCulture, $"SEND-{i:00}"))];
        Assert.That(Catalogue.Requirements.Where(r => r.Id.StartsWith("SEND-", StringComparison.Ordinal)).Select(r => r.Id), Is.EqualTo(expected));
    }

    // Spot checks against the digest's §6 table (type column).
    [TestCase("SEND-02", RequirementLevel.Should)]
    [TestCase("SEND-03", RequirementLevel.Must)]
    [TestCase("SEND-04", RequirementLevel.Should)]
    [TestCase("SEND-06", RequirementLevel.Inferred)]
    [TestCase("SEND-10", RequirementLevel.Fact)]
    [TestCase("SEND-17", RequirementLevel.Must)]
    [TestCase("SEND-21", RequirementLevel.Must)]
    public void Level_IsTheDigestsType(string id, RequirementLevel level) =>
        Assert.That(Catalogue.Find(id)?.Level, Is.EqualTo(level));

    [Test]
    public void EveryEntry_HasAnHttpsOrRfcSourceAndASummary()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (Requirement r in Catalogue.Requirements)
            {
                Assert.That(r.Sources, Is.Not.Empty, r.Id);
                Assert.That(r.Sources.All(s => s.StartsWith("https://", StringComparison.Ordinal) || s.StartsWith("RFC", StringComparison.Ordinal)),
                    Is.True, $"{r.Id}: {string.Join(", ", r.Sources)}");
                Assert.That(r.Summary, Has.Length.GreaterThan(20), r.Id);
            }
        }
    }

    [TestCase("""{"catalogue":"x","version":1,"provenance":"p","requirements":[{"id":"A-1","type":"MUST","area":"send","summary":"s","sources":["https://x"]},{"id":"A-1","type":"MUST","area":"send","summary":"s","sources":["https://x"]}]}""", "appears more than once")]
    [TestCase("""{"catalogue":"x","version":1,"provenance":"p","requirements":[{"id":"A-1","type":"OUGHT","area":"send","summary":"s","sources":["https://x"]}]}""", "none of MUST")]
    [TestCase("""{"catalogue":"x","version":1,"provenance":"p","requirements":[{"id":"A-1","type":"MUST","area":"send","summary":"s","sources":[]}]}""", "sources")]
    [TestCase("""{"catalogue":"x","version":1,"provenance":"p","requirements":[{"type":"MUST","area":"send","summary":"s","sources":["https://x"]}]}""", "'id'")]
    public void Parse_MalformedCatalogue_IsRefusedNamingTheProblem(string json, string fragment) =>
        Assert.That(() => RequirementCatalogue.Parse(json), Throws.TypeOf<FormatException>().With.Message.Contains(fragment));
}
