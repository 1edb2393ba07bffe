using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Buffers;

/// <summary>Cursor edge cases that need no layout sweep: empty data, bad arguments, allocation.</summary>
public partial class NetBufferCursorTests
{
    [Test]
    public void Cursor_EmptyDataInEmptyMdls_HasNothingToRead()
    {
        NetBuffer nb = NetBuffer.FromBytes([], 0, 0);
        var cursor = new NetBufferCursor(nb);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cursor.Length, Is.Zero);
            Assert.That(cursor.Remaining, Is.Zero);
            Assert.That(cursor.TryGetContiguous(0, out Span<byte> span), Is.True);
            Assert.That(span.Length, Is.Zero);
            Assert.That(() => cursor.ReadByte(), Throws.TypeOf<EndOfStreamException>());
            Assert.That(nb.CopyData(), Is.Empty);
        }
    }

    [Test]
    public void Cursor_NoMdlsAtAll_HasNothingToRead()
    {
        var cursor = new NetBufferCursor(new NetBuffer(null, 0, 0));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cursor.Remaining, Is.Zero);
            Assert.That(() => cursor.ReadByte(), Throws.TypeOf<EndOfStreamException>());
        }
    }

    [Test]
    public void Cursor_DataOffsetAtEndOfChain_HasNothingToRead()
    {
        NetBuffer nb = NetBuffer.FromChainBytes([1, 2, 3], [1, 3], dataOffset: 3, dataLength: 0);
        var cursor = new NetBufferCursor(nb);

        Assert.That(() => cursor.ReadByte(), Throws.TypeOf<EndOfStreamException>());
    }

    [Test]
    public void Cursor_DataOffsetSkipsWholeMdlsAndEmptyOnes_StartsAtFirstDataByte()
    {
        // MDLs: [10 11] [] [12] [] [] [13 14 15]; data offset 3 ends exactly where MDL 3 starts.
        NetBuffer nb = NetBuffer.FromChainBytes([10, 11, 12, 13, 14, 15], [2, 2, 3, 3, 3], dataOffset: 3, dataLength: 2);

        var cursor = new NetBufferCursor(nb);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cursor.ReadUInt16BigEndian(), Is.EqualTo(0x0D0E));
            Assert.That(cursor.Remaining, Is.Zero);
        }
    }

    [Test]
    public void ReadPastEnd_Message_GivesRequestPositionAndLength()
    {
        var cursor = new NetBufferCursor(NetBuffer.FromBytes(new byte[10], 4));
        cursor.Seek(8);

        Assert.That(() => cursor.ReadUInt32BigEndian(),
            Throws.TypeOf<EndOfStreamException>().With.Message.EqualTo(
                "Cannot read 4 bytes at data position 8: the NET_BUFFER data is 10 bytes, 2 remain."));
    }

    [TestCase(-1)]
    [TestCase(11)]
    public void Seek_OutsideData_ThrowsArgumentOutOfRange(int position)
    {
        var cursor = new NetBufferCursor(NetBuffer.FromBytes(new byte[10]));

        Assert.That(() => cursor.Seek(position),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains($"data position {position}"));
    }

    [Test]
    public void NegativeCounts_ThrowArgumentOutOfRange()
    {
        var cursor = new NetBufferCursor(NetBuffer.FromBytes(new byte[10]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => cursor.Advance(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => cursor.TryGetContiguous(-1, out _), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
    }

    [Test]
    public void Cursor_InvalidNetBuffer_ThrowsWithNumbers()
    {
        NetBuffer nb = NetBuffer.FromBytes(new byte[10], 3);
        nb.DataLength = 11;

        Assert.That(() => new NetBufferCursor(nb),
            Throws.InvalidOperationException.With.Message.Contains("DataOffset 0 + DataLength 11 = 11")
                .And.Message.Contains("10 bytes in 2 MDLs"));
    }

    [Test]
    public void ReadsAndWrites_AcrossBoundaries_AllocateNothing()
    {
        NetBuffer nb = NetBuffer.FromChainBytes(new byte[64], [5, 5, 9, 10, 11, 30], dataOffset: 3, dataLength: 58);
        var cursor = new NetBufferCursor(nb);
        byte[] buffer = new byte[20];
        ExerciseCursor(cursor, buffer); // warm up (JIT, static initialisation)

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            ExerciseCursor(cursor, buffer);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, "bytes allocated by 100 rounds of cursor reads and writes");
    }

    private static void ExerciseCursor(NetBufferCursor cursor, byte[] buffer)
    {
        cursor.Seek(0);
        cursor.WriteUInt64BigEndian(0x0102_0304_0506_0708);
        cursor.Seek(1);
        _ = cursor.ReadUInt32BigEndian();
        _ = cursor.ReadUInt16BigEndian();
        _ = cursor.ReadUInt64BigEndian();
        cursor.Read(buffer);
        cursor.Seek(4);
        cursor.Write(buffer);
        _ = cursor.ReadByte();
        cursor.WriteByte(7);
        _ = cursor.TryGetContiguous(2, out _);
        cursor.Advance(3);
    }
}
