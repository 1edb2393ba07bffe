using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Buffers;

/// <summary>The shared layout helper itself: layouts are valid, distinct and cover what they claim.</summary>
public class BufferGeometryTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(37)]
    public void All_AnyLength_BuildsNetBuffersHoldingTheData(int length)
    {
        byte[] data = BufferTestData.NonZeroBytes(TestSeeds.Create(0x0B30 + length), length);
        using (Assert.EnterMultipleScope())
        {
            foreach (BufferLayout layout in BufferGeometry.All(length))
            {
                NetBuffer nb = layout.Build(data);
                Assert.That(nb.DataOffset, Is.EqualTo(layout.DataOffset), layout.Details);
                Assert.That(nb.MdlChainByteCount, Is.EqualTo(layout.ChainLength), layout.Details);
                HexAssert.AreEqual(data, nb.CopyData(), layout.Details);
                HexAssert.AreEqual(layout.ExpectedChain(data), BufferGeometry.CopyChain(nb), $"{layout.Details}: whole chain");
            }
        }
    }

    [Test]
    public void All_Descriptions_AreDistinct()
    {
        string[] names = [.. BufferGeometry.All(37).Select(l => l.Description)];

        Assert.That(names, Is.Unique);
    }

    [Test]
    public void SplitAtEveryBoundary_CutsBeforeEveryInteriorByte()
    {
        BufferLayout[] layouts = [.. BufferGeometry.SplitAtEveryBoundary(5)];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layouts.Select(l => l.Description), Is.EqualTo(new[] { "split@1", "split@2", "split@3", "split@4" }));
            Assert.That(layouts.Select(l => l.MdlSizes[0]), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        }
    }

    [Test]
    public void WithEmptyMdls_HasEmptiesBeforeBetweenAndAfter()
    {
        BufferLayout[] layouts = [.. BufferGeometry.WithEmptyMdls(4)];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layouts.Any(l => l.MdlSizes[0] == 0), "an empty MDL before the data");
            Assert.That(layouts.Any(l => l.MdlSizes[^1] == 0), "an empty MDL after the data");
            Assert.That(layouts.Any(l => l.MdlSizes.Count >= 3 && l.MdlSizes.Skip(1).SkipLast(1).Contains(0)), "an empty MDL between");
        }
    }

    [Test]
    public void WithDataOffsets_OffsetOnMdlBoundary_IsIncluded()
    {
        BufferLayout layout = BufferGeometry.WithDataOffsets(4).Single(l => l.Description == "offset7+split@0");

        Assert.That(layout.MdlSizes, Is.EqualTo(new[] { 7, 4 }));
    }

    [Test]
    public void Random_SameSeed_SameLayouts()
    {
        string[] first = [.. BufferGeometry.Random(20, 1234, 10).Select(l => l.Details)];
        string[] second = [.. BufferGeometry.Random(20, 1234, 10).Select(l => l.Details)];

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Random_ManyLayouts_IncludeSingletonsEmptiesAndOffsets()
    {
        BufferLayout[] layouts = [.. BufferGeometry.Random(20, TestSeeds.Current, 50)];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layouts.Any(l => l.MdlSizes.Contains(0)), $"seed {TestSeeds.Current}: an empty MDL");
            Assert.That(layouts.Any(l => l.MdlSizes.Count(s => s == 1) >= 2), $"seed {TestSeeds.Current}: one-byte MDLs");
            Assert.That(layouts.Any(l => l.DataOffset > 0), $"seed {TestSeeds.Current}: a data offset");
            Assert.That(layouts.Any(l => l.SpareBytes > 0), $"seed {TestSeeds.Current}: spare bytes");
        }
    }

    [Test]
    public void AssertOutsideDataUntouched_JunkOverwritten_Fails()
    {
        BufferLayout layout = BufferGeometry.WithDataOffsets(4).Single(l => l.Description == "offset7+spare5");
        NetBuffer nb = layout.Build([1, 2, 3, 4]);
        nb.FirstMdl!.Span[6] ^= 0xFF;

        // Isolated, so the helper's failure is caught here instead of failing this test.
        using (new NUnit.Framework.Internal.TestExecutionContext.IsolatedContext())
        {
            Assert.That(() => layout.AssertOutsideDataUntouched(nb), Throws.InstanceOf<AssertionException>()
                .Or.InstanceOf<MultipleAssertException>());
        }
    }

    [Test]
    public void Build_WrongDataLength_Throws()
    {
        BufferLayout layout = BufferGeometry.Contiguous(4).Single();

        Assert.That(() => layout.Build([1, 2, 3]), Throws.ArgumentException.With.Message.Contains("for 4 bytes of data, got 3"));
    }
}
