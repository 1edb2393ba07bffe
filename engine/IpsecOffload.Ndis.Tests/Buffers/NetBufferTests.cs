using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Buffers;

public class NetBufferTests
{
    [Test]
    public void FromBytes_SplitPositions_GiveOneMdlPerSegmentWithEmptiesForRepeatsAndEnds()
    {
        NetBuffer nb = NetBuffer.FromBytes([1, 2, 3, 4, 5], 0, 2, 2, 5);

        int[] sizes = [.. nb.EnumerateMdls().Select(m => m.ByteCount)];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizes, Is.EqualTo(new[] { 0, 2, 0, 3, 0 }));
            Assert.That(nb.DataOffset, Is.Zero);
            Assert.That(nb.DataLength, Is.EqualTo(5));
            Assert.That(nb.MdlChainByteCount, Is.EqualTo(5));
            HexAssert.AreEqual("0102030405", nb.CopyData());
        }
    }

    [Test]
    public void FromChainBytes_DataOffsetAndSpare_CopyDataReturnsOnlyTheData()
    {
        NetBuffer nb = NetBuffer.FromChainBytes([0xEE, 0xEE, 0xEE, 0x11, 0x22, 0x33, 0xFF], [2, 4], dataOffset: 3, dataLength: 3);

        HexAssert.AreEqual("112233", nb.CopyData());
    }

    [Test]
    public void FromChainBytes_CopiesTheInput()
    {
        byte[] input = [1, 2, 3, 4];
        NetBuffer nb = NetBuffer.FromBytes(input, 2);

        input[0] = 9;

        HexAssert.AreEqual("01020304", nb.CopyData());
    }

    [TestCase(new[] { 3, 2 }, "Split position 1 is 2")]
    [TestCase(new[] { 6 }, "Split position 0 is 6")]
    [TestCase(new[] { -1 }, "Split position 0 is -1")]
    public void FromBytes_BadSplitPositions_ThrowWithThePosition(int[] splitAt, string expected)
    {
        Assert.That(() => NetBuffer.FromBytes(new byte[5], splitAt),
            Throws.ArgumentException.With.Message.Contains(expected).And.Message.Contains("within 0..5"));
    }

    [TestCase(0, 6, "DataOffset 0 + DataLength 6 = 6 runs past its MDL chain of 5 bytes in 1 MDLs")]
    [TestCase(3, 3, "DataOffset 3 + DataLength 3 = 6 runs past its MDL chain of 5 bytes in 1 MDLs")]
    [TestCase(-1, 2, "DataOffset -1 and DataLength 2 must both be non-negative")]
    [TestCase(1, -2, "DataOffset 1 and DataLength -2 must both be non-negative")]
    public void Constructor_DataOutsideChain_ThrowsWithTheNumbers(int dataOffset, int dataLength, string expected)
    {
        var mdl = new Mdl(new byte[5]);

        Assert.That(() => new NetBuffer(mdl, dataOffset, dataLength),
            Throws.ArgumentException.With.Message.Contains(expected));
    }

    [Test]
    public void Validate_AfterDataOffsetMovedPastChain_ThrowsWithTheNumbers()
    {
        NetBuffer nb = NetBuffer.FromBytes(new byte[8], 4);
        nb.DataOffset = 2;

        Assert.That(nb.Validate,
            Throws.InvalidOperationException.With.Message.Contains("DataOffset 2 + DataLength 8 = 10 runs past its MDL chain of 8 bytes in 2 MDLs"));
    }

    [Test]
    public void Validate_DataExactlyFillsChain_Passes()
    {
        NetBuffer nb = NetBuffer.FromChainBytes(new byte[8], [4], dataOffset: 3, dataLength: 5);

        Assert.That(nb.Validate, Throws.Nothing);
    }

    [Test]
    public void CopyTo_ShortDestination_ThrowsWithBothLengths()
    {
        NetBuffer nb = NetBuffer.FromBytes(new byte[8]);

        Assert.That(() => nb.CopyTo(new byte[7]),
            Throws.ArgumentException.With.Message.Contains("Destination holds 7 bytes; the NET_BUFFER has 8 bytes of data"));
    }

    [Test]
    public void Validate_LoopingMdlChain_ThrowsInsteadOfHanging()
    {
        var a = new Mdl(new byte[2]);
        var b = new Mdl(Array.Empty<byte>());
        var c = new Mdl(new byte[3]);
        a.Next = b;
        b.Next = c;
        NetBuffer nb = new(a, 0, 5);
        c.Next = b;

        Assert.That(nb.Validate, Throws.InvalidOperationException.With.Message.Contains("Mdl chain loops"));
    }

    [Test]
    public void MdlLink_SequenceInOrder_LinksAndTerminates()
    {
        var a = new Mdl(new byte[1]);
        var b = new Mdl(new byte[2]);
        var c = new Mdl(new byte[3], next: a);

        Mdl? first = Mdl.Link([c, b, a]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.SameAs(c));
            Assert.That(c.EnumerateChain(), Is.EqualTo(new[] { c, b, a }));
            Assert.That(a.Next, Is.Null);
            Assert.That(Mdl.Link([]), Is.Null);
        }
    }

    [Test]
    public void MdlLink_SameMdlTwice_Throws()
    {
        var a = new Mdl(new byte[1]);

        Assert.That(() => Mdl.Link([a, new Mdl(new byte[1]), a]),
            Throws.ArgumentException.With.Message.Contains("element 2 appears earlier"));
    }

    [Test]
    public void Mdl_WritesThroughSpan_ChangeTheMappedMemory()
    {
        byte[] memory = new byte[4];
        var mdl = new Mdl(memory.AsMemory(1, 2));

        mdl.Span[0] = 0xAB;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mdl.ByteCount, Is.EqualTo(2));
            HexAssert.AreEqual("00ab0000", memory);
        }
    }
}
