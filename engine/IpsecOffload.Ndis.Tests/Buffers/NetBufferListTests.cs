using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Buffers;

public class NetBufferListTests
{
    [Test]
    public void Constructor_NetBuffers_KeptInOrderAndLinked()
    {
        NetBuffer[] nbs = [NetBuffer.FromBytes([1]), NetBuffer.FromBytes([2, 2]), NetBuffer.FromBytes([3, 3, 3])];
        nbs[2].Next = nbs[0]; // stale link from an earlier use must be overwritten

        var nbl = new NetBufferList(nbs);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(nbl.FirstNetBuffer, Is.SameAs(nbs[0]));
            Assert.That(nbl.EnumerateNetBuffers(), Is.EqualTo(nbs));
            Assert.That(nbl.CountNetBuffers(), Is.EqualTo(3));
            Assert.That(nbs[2].Next, Is.Null);
            Assert.That(nbl.EnumerateNetBuffers().Select(nb => nb.DataLength), Is.EqualTo(new[] { 1, 2, 3 }));
        }
    }

    [Test]
    public void Constructor_NoNetBuffers_IsEmpty()
    {
        var nbl = new NetBufferList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(nbl.FirstNetBuffer, Is.Null);
            Assert.That(nbl.CountNetBuffers(), Is.Zero);
        }
    }

    [Test]
    public void Constructor_SameNetBufferTwice_Throws()
    {
        NetBuffer nb = NetBuffer.FromBytes([1]);

        Assert.That(() => new NetBufferList(nb, nb), Throws.ArgumentException.With.Message.Contains("NetBuffer element 1"));
    }

    [Test]
    public void Link_Lists_ChainInOrderAndEnumerate()
    {
        NetBufferList[] lists = [.. Enumerable.Range(0, 5).Select(i => new NetBufferList { Name = $"nbl{i}" })];
        lists[4].Next = lists[1]; // stale link must be cleared

        NetBufferList? head = NetBufferList.Link(lists);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(head, Is.SameAs(lists[0]));
            Assert.That(head!.EnumerateChain().Select(l => l.Name), Is.EqualTo(new[] { "nbl0", "nbl1", "nbl2", "nbl3", "nbl4" }));
            Assert.That(head.CountChain(), Is.EqualTo(5));
            Assert.That(lists[2].CountChain(), Is.EqualTo(3));
            Assert.That(lists[4].Next, Is.Null);
            Assert.That(NetBufferList.Link([]), Is.Null);
        }
    }

    [Test]
    public void Link_SameListTwice_Throws()
    {
        var a = new NetBufferList();

        Assert.That(() => NetBufferList.Link([a, new NetBufferList(), a]),
            Throws.ArgumentException.With.Message.Contains("NetBufferList element 2 appears earlier"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    [TestCase(9)]
    public void EnumerateChain_LoopingChain_ThrowsInsteadOfHanging(int loopLength)
    {
        NetBufferList[] lists = [.. Enumerable.Range(0, 10).Select(_ => new NetBufferList())];
        NetBufferList.Link(lists);
        lists[9].Next = lists[10 - loopLength];

        Assert.That(() => lists[0].CountChain(),
            Throws.InvalidOperationException.With.Message.Contains("NetBufferList chain loops"));
    }

    [Test]
    public void EnumerateNetBuffers_LoopingNetBuffers_ThrowsInsteadOfHanging()
    {
        NetBuffer a = NetBuffer.FromBytes([1]);
        NetBuffer b = NetBuffer.FromBytes([2]);
        var nbl = new NetBufferList(a, b);
        b.Next = a;

        Assert.That(nbl.CountNetBuffers, Throws.InvalidOperationException.With.Message.Contains("NetBuffer chain loops"));
    }

    [Test]
    public void Status_NewList_IsSuccessAndSettable()
    {
        var nbl = new NetBufferList();
        Assert.That(nbl.Status, Is.EqualTo(NdisStatus.Success));

        nbl.Status = NdisStatus.SendAborted;

        Assert.That(nbl.Status, Is.EqualTo(NdisStatus.SendAborted));
    }

    [Test]
    public void Info_NewList_EverySlotIsZero()
    {
        var nbl = new NetBufferList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(nbl.Info.AsSpan().Length, Is.EqualTo(NetBufferListInfo.MaxNetBufferListInfo));
            Assert.That(NetBufferListInfo.MaxNetBufferListInfo, Is.GreaterThanOrEqualTo(18));
            for (int i = 0; i < NetBufferListInfo.MaxNetBufferListInfo; i++)
            {
                Assert.That(nbl.Info[i], Is.Zero, $"slot {i}");
            }
        }
    }

    [Test]
    public void Info_EverySlot_HoldsFullSixtyFourBitValuesIndependently()
    {
        var nbl = new NetBufferList();
        Random random = TestSeeds.Create(0x0B20);
        ulong[] values = new ulong[NetBufferListInfo.MaxNetBufferListInfo];
        for (int i = 0; i < values.Length; i++)
        {
            // Every byte non-zero and the top bit set, so a slot cut to 32 bits or a sign slip shows.
            values[i] = BitConverterFree(BufferTestData.NonZeroBytes(random, 8)) | 0x8000_0000_0000_0000;
            nbl.Info[i] = values[i];
        }

        using (Assert.EnterMultipleScope())
        {
            for (int i = 0; i < values.Length; i++)
            {
                Assert.That(nbl.Info[i], Is.EqualTo(values[i]), $"slot {i}: 0x{values[i]:X16}");
            }
        }
    }

    [Test]
    public void Info_ById_IsTheSlotAtThatIndex()
    {
        var nbl = new NetBufferList();
        using (Assert.EnterMultipleScope())
        {
            foreach (NetBufferListInfoId id in Enum.GetValues<NetBufferListInfoId>())
            {
                ulong value = 0xF1E2_D3C4_B5A6_9780 + (ulong)id;
                nbl.Info[id] = value;
                Assert.That(nbl.Info[(int)id], Is.EqualTo(value), $"{id}");
                Assert.That(nbl.Info.AsSpan()[(int)id], Is.EqualTo(value), $"{id} through AsSpan");
            }
        }
    }

    [TestCase(-1)]
    [TestCase(NetBufferListInfo.MaxNetBufferListInfo)]
    public void Info_IndexOutOfRange_ThrowsWithTheRange(int index)
    {
        var nbl = new NetBufferList();

        Assert.That(() => nbl.Info[index] = 1,
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains($"slot {index} does not exist"));
    }

    [Test]
    public void Info_ClearAndCopyFrom_ActOnEverySlot()
    {
        var source = new NetBufferList();
        source.Info[NetBufferListInfoId.IPsecOffload] = 0x1122_3344_5566_7788;
        source.Info[NetBufferListInfo.MaxNetBufferListInfo - 1] = ulong.MaxValue;
        var clone = new NetBufferList();

        clone.Info.CopyFrom(source.Info);
        source.Info.Clear();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(clone.Info[NetBufferListInfoId.IPsecOffload], Is.EqualTo(0x1122_3344_5566_7788));
            Assert.That(clone.Info[NetBufferListInfo.MaxNetBufferListInfo - 1], Is.EqualTo(ulong.MaxValue));
            Assert.That(source.Info.AsSpan().ToArray(), Is.All.Zero);
        }
    }

    private static ulong BitConverterFree(byte[] bytes) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
}
