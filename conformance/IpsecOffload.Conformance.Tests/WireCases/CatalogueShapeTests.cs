using IpsecOffload.Conformance.Cases;

namespace IpsecOffload.Conformance.Tests.WireCases;

/// <summary>One case per embedded vector (names and ids of every case: <see cref="CaseCatalogueTests"/>).</summary>
public class CatalogueShapeTests
{
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
