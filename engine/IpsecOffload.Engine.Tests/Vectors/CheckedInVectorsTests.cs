using IpsecOffload.Engine.Vectors;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Vectors;

/// <summary>Every checked-in vector parses, resolves to NDIS algorithms and states a provenance.</summary>
public class CheckedInVectorsTests
{
    private static readonly Lazy<VectorLoadResult> Loaded = new(() => VectorLoader.LoadDirectories([RepositoryPaths.Vectors]));

    private static IEnumerable<TestCaseData> Vectors() =>
        Loaded.Value.Vectors.Select(v => new TestCaseData(v).SetArgDisplayNames(v.Id));

    [Test]
    public void Folder_LoadsWithoutErrors_AndHoldsAtLeast80TransformVectors()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Loaded.Value.Errors.Select(e => e.ToString()), Is.Empty);
            Assert.That(Loaded.Value.Vectors.Count(v => v.Kind == VectorKind.Transform), Is.GreaterThanOrEqualTo(80));
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void Vector_ResolvesToNdisAlgorithms_AndHasIndependentProvenance(GoldenVector vector)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(VectorAlgorithms.TryResolve(vector, out _, out string? error), Is.True, error);
            if (vector.AhSa is { } ah)
            {
                Assert.That(VectorAlgorithms.TryResolveIntegrity(ah.Integrity, out _, out string? ahError), Is.True, ahError);
            }

            Assert.That(vector.Source, Does.Not.StartWith("reviewed:"), "transform vectors here come from RFCs or independent implementations");
            Assert.That(Path.GetFileNameWithoutExtension(vector.File), Is.EqualTo(vector.Id), "one vector per file, named by its id");
        }
    }
}
