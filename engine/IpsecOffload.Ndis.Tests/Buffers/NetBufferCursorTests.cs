using System.Buffers.Binary;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Buffers;

/// <summary>
/// The cursor over every standard layout of the same 37 data bytes (all non-zero): split at every
/// boundary, empty MDLs, data offsets with junk before and spare bytes after, random layouts. Each
/// layout is its own case; loops over positions report the position in their messages.
/// </summary>
public partial class NetBufferCursorTests
{
    // 37 bytes: an odd length, so 2-, 4- and 8-byte fields straddle every cut at every alignment.
    private static readonly byte[] Data = BufferTestData.NonZeroBytes(TestSeeds.Create(0x0B0F), 37);

    private static IEnumerable<TestCaseData> Layouts() => BufferGeometry.TestCases(BufferGeometry.All(Data.Length));

    [TestCaseSource(nameof(Layouts))]
    public void Read_WholeData_ReturnsOriginalBytesAndLeavesNothing(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        var cursor = new NetBufferCursor(nb);
        byte[] read = new byte[Data.Length];

        cursor.Read(read);

        HexAssert.AreEqual(Data, read, $"{layout.Details}: Read");
        HexAssert.AreEqual(Data, nb.CopyData(), $"{layout.Details}: CopyData");
        Assert.That(cursor.Remaining, Is.Zero);
    }

    [TestCaseSource(nameof(Layouts))]
    public void CopyTo_LongerDestination_FillsDataAndLeavesTheRest(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        byte[] destination = new byte[Data.Length + 3];
        destination.AsSpan().Fill(0xEE);

        nb.CopyTo(destination);

        HexAssert.AreEqual([.. Data, 0xEE, 0xEE, 0xEE], destination, layout.Details);
    }

    [TestCaseSource(nameof(Layouts))]
    public void ReadByte_EveryPosition_ReturnsDataByte(BufferLayout layout)
    {
        var cursor = new NetBufferCursor(layout.Build(Data));
        byte[] read = new byte[Data.Length];
        for (int i = 0; i < read.Length; i++)
        {
            read[i] = cursor.ReadByte();
        }

        HexAssert.AreEqual(Data, read, $"{layout.Details}: ReadByte sequence");
    }

    [TestCaseSource(nameof(Layouts))]
    public void ReadBigEndian_AtEveryPosition_MatchesWireOrder(BufferLayout layout)
    {
        var cursor = new NetBufferCursor(layout.Build(Data));
        using (Assert.EnterMultipleScope())
        {
            for (int p = 0; p + 2 <= Data.Length; p++)
            {
                cursor.Seek(p);
                Assert.That(cursor.ReadUInt16BigEndian(), Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(Data.AsSpan(p))),
                    $"{layout.Details}: UInt16 at {p}");
                Assert.That(cursor.Position, Is.EqualTo(p + 2), $"{layout.Details}: position after UInt16 at {p}");
            }

            for (int p = 0; p + 4 <= Data.Length; p++)
            {
                cursor.Seek(p);
                Assert.That(cursor.ReadUInt32BigEndian(), Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(p))),
                    $"{layout.Details}: UInt32 at {p}");
                Assert.That(cursor.Position, Is.EqualTo(p + 4), $"{layout.Details}: position after UInt32 at {p}");
            }

            for (int p = 0; p + 8 <= Data.Length; p++)
            {
                cursor.Seek(p);
                Assert.That(cursor.ReadUInt64BigEndian(), Is.EqualTo(BinaryPrimitives.ReadUInt64BigEndian(Data.AsSpan(p))),
                    $"{layout.Details}: UInt64 at {p}");
                Assert.That(cursor.Position, Is.EqualTo(p + 8), $"{layout.Details}: position after UInt64 at {p}");
            }
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void Read_EverySpanAtEveryPosition_MatchesData(BufferLayout layout)
    {
        var cursor = new NetBufferCursor(layout.Build(Data));
        byte[] buffer = new byte[Data.Length];
        for (int p = 0; p <= Data.Length; p++)
        {
            for (int n = 0; p + n <= Data.Length; n++)
            {
                cursor.Seek(p);
                cursor.Read(buffer.AsSpan(0, n));
                HexAssert.AreEqual(Data.AsSpan(p, n), buffer.AsSpan(0, n), $"{layout.Details}: Read({n}) at {p}");
            }
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void Write_WholeData_ReadsBackAndLeavesOffsetAndSpareUntouched(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        byte[] replacement = BufferTestData.NonZeroBytes(TestSeeds.Create(0x0B10), Data.Length);

        var cursor = new NetBufferCursor(nb);
        cursor.Write(replacement);

        Assert.That(cursor.Remaining, Is.Zero);
        HexAssert.AreEqual(replacement, nb.CopyData(), $"{layout.Details}: data after Write");
        layout.AssertOutsideDataUntouched(nb);
    }

    [TestCaseSource(nameof(Layouts))]
    public void WriteByte_EveryPosition_ReadsBackAndLeavesOffsetAndSpareUntouched(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        byte[] replacement = BufferTestData.NonZeroBytes(TestSeeds.Create(0x0B11), Data.Length);

        var cursor = new NetBufferCursor(nb);
        foreach (byte b in replacement)
        {
            cursor.WriteByte(b);
        }

        HexAssert.AreEqual(replacement, nb.CopyData(), $"{layout.Details}: data after WriteByte");
        layout.AssertOutsideDataUntouched(nb);
    }

    [TestCaseSource(nameof(Layouts))]
    public void WriteBigEndian_AtEveryPosition_ChangesOnlyThoseBytesInWireOrder(BufferLayout layout)
    {
        Random random = TestSeeds.Create(0x0B12);
        for (int width = 2; width <= 8; width *= 2)
        {
            for (int p = 0; p + width <= Data.Length; p++)
            {
                // Every byte of the value non-zero and different from the data, so a byte written
                // at the wrong place or in the wrong order shows.
                byte[] valueBytes = BufferTestData.NonZeroBytes(random, 8);
                ulong value = BinaryPrimitives.ReadUInt64BigEndian(valueBytes);
                byte[] expected = [.. Data];
                NetBuffer nb = layout.Build(Data);
                var cursor = new NetBufferCursor(nb);
                cursor.Seek(p);
                switch (width)
                {
                    case 2:
                        cursor.WriteUInt16BigEndian(unchecked((ushort)value));
                        BinaryPrimitives.WriteUInt16BigEndian(expected.AsSpan(p), unchecked((ushort)value));
                        break;
                    case 4:
                        cursor.WriteUInt32BigEndian(unchecked((uint)value));
                        BinaryPrimitives.WriteUInt32BigEndian(expected.AsSpan(p), unchecked((uint)value));
                        break;
                    default:
                        cursor.WriteUInt64BigEndian(value);
                        BinaryPrimitives.WriteUInt64BigEndian(expected.AsSpan(p), value);
                        break;
                }

                Assert.That(cursor.Position, Is.EqualTo(p + width), $"{layout.Details}: position after {width}-byte write at {p}");
                HexAssert.AreEqual(expected, nb.CopyData(), $"{layout.Details}: data after {width}-byte write at {p}");
                layout.AssertOutsideDataUntouched(nb);
            }
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void Write_EverySpanAtEveryPosition_ChangesOnlyThoseBytes(BufferLayout layout)
    {
        byte[] replacement = BufferTestData.NonZeroBytes(TestSeeds.Create(0x0B13), Data.Length);
        for (int p = 0; p < Data.Length; p++)
        {
            foreach (int n in new[] { 1, 3, 9, Data.Length - p })
            {
                if (p + n > Data.Length)
                {
                    continue;
                }

                NetBuffer nb = layout.Build(Data);
                var cursor = new NetBufferCursor(nb);
                cursor.Seek(p);
                cursor.Write(replacement.AsSpan(p, n));
                byte[] expected = [.. Data];
                replacement.AsSpan(p, n).CopyTo(expected.AsSpan(p));
                HexAssert.AreEqual(expected, nb.CopyData(), $"{layout.Details}: Write({n}) at {p}");
                layout.AssertOutsideDataUntouched(nb);
            }
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void Seek_BackwardsAndForwardsInAnyOrder_LandsOnDataByte(BufferLayout layout)
    {
        var cursor = new NetBufferCursor(layout.Build(Data));
        Random random = TestSeeds.Create(0x0B14);
        for (int step = 0; step < 200; step++)
        {
            int target = random.Next(Data.Length);
            cursor.Seek(target);
            Assert.That(cursor.Remaining, Is.EqualTo(Data.Length - target), $"{layout.Details}: Remaining after Seek({target})");
            Assert.That(cursor.ReadByte(), Is.EqualTo(Data[target]), $"{layout.Details}: byte after Seek({target}) (step {step})");
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void Advance_EveryDistance_LandsOnDataByte(BufferLayout layout)
    {
        var cursor = new NetBufferCursor(layout.Build(Data));
        for (int start = 0; start < Data.Length; start++)
        {
            for (int distance = 0; start + distance < Data.Length; distance++)
            {
                cursor.Seek(start);
                cursor.Advance(distance);
                Assert.That(cursor.ReadByte(), Is.EqualTo(Data[start + distance]),
                    $"{layout.Details}: byte after Seek({start}) + Advance({distance})");
            }
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void Seek_ToEnd_LeavesNothingRemaining(BufferLayout layout)
    {
        var cursor = new NetBufferCursor(layout.Build(Data));

        cursor.Seek(Data.Length);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cursor.Position, Is.EqualTo(Data.Length));
            Assert.That(cursor.Remaining, Is.Zero);
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void TryGetContiguous_EveryRange_TrueExactlyWhenInsideOneMdl(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        var cursor = new NetBufferCursor(nb);
        using (Assert.EnterMultipleScope())
        {
            for (int p = 0; p < Data.Length; p++)
            {
                for (int n = 1; p + n <= Data.Length; n++)
                {
                    cursor.Seek(p);
                    bool expected = BufferTestData.LiesInOneMdl(layout, layout.DataOffset + p, n);

                    bool actual = cursor.TryGetContiguous(n, out Span<byte> span);

                    Assert.That(actual, Is.EqualTo(expected), $"{layout.Details}: TryGetContiguous({n}) at {p}");
                    Assert.That(cursor.Position, Is.EqualTo(p), $"{layout.Details}: TryGetContiguous({n}) at {p} moved the cursor");
                    if (actual)
                    {
                        HexAssert.AreEqual(Data.AsSpan(p, n), span, $"{layout.Details}: contiguous span ({n}) at {p}");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void TryGetContiguous_WriteThroughSpan_ChangesTheData(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        var cursor = new NetBufferCursor(nb);
        byte[] expected = [.. Data];
        for (int p = 0; p < Data.Length; p++)
        {
            cursor.Seek(p);
            if (cursor.TryGetContiguous(1, out Span<byte> span))
            {
                span[0] = unchecked((byte)~span[0]);
                expected[p] = unchecked((byte)~expected[p]);
            }
        }

        HexAssert.AreEqual(expected, nb.CopyData(), layout.Details);
        layout.AssertOutsideDataUntouched(nb);
    }

    [TestCaseSource(nameof(Layouts))]
    public void ReadOrWritePastEnd_AtEveryPosition_ThrowsAndChangesNothing(BufferLayout layout)
    {
        NetBuffer nb = layout.Build(Data);
        var cursor = new NetBufferCursor(nb);
        using (Assert.EnterMultipleScope())
        {
            for (int p = 0; p <= Data.Length; p++)
            {
                int tooMany = Data.Length - p + 1;
                string at = $"{layout.Details}: at {p} with {tooMany - 1} remaining";
                cursor.Seek(p);
                Assert.That(() => cursor.Read(new byte[tooMany]), Throws.TypeOf<EndOfStreamException>(), $"{at}: Read({tooMany})");
                Assert.That(() => cursor.Write(new byte[tooMany]), Throws.TypeOf<EndOfStreamException>(), $"{at}: Write({tooMany})");
                Assert.That(() => cursor.Advance(tooMany), Throws.TypeOf<EndOfStreamException>(), $"{at}: Advance({tooMany})");
                Assert.That(cursor.TryGetContiguous(tooMany, out _), Is.False, $"{at}: TryGetContiguous({tooMany})");
                if (tooMany <= 8)
                {
                    Assert.That(() => cursor.ReadUInt64BigEndian(), Throws.TypeOf<EndOfStreamException>(), $"{at}: ReadUInt64");
                    Assert.That(() => cursor.WriteUInt64BigEndian(ulong.MaxValue), Throws.TypeOf<EndOfStreamException>(), $"{at}: WriteUInt64");
                }

                if (tooMany <= 4)
                {
                    Assert.That(() => cursor.ReadUInt32BigEndian(), Throws.TypeOf<EndOfStreamException>(), $"{at}: ReadUInt32");
                    Assert.That(() => cursor.WriteUInt32BigEndian(uint.MaxValue), Throws.TypeOf<EndOfStreamException>(), $"{at}: WriteUInt32");
                }

                if (tooMany <= 2)
                {
                    Assert.That(() => cursor.ReadUInt16BigEndian(), Throws.TypeOf<EndOfStreamException>(), $"{at}: ReadUInt16");
                    Assert.That(() => cursor.WriteUInt16BigEndian(ushort.MaxValue), Throws.TypeOf<EndOfStreamException>(), $"{at}: WriteUInt16");
                }

                if (tooMany == 1)
                {
                    Assert.That(() => cursor.ReadByte(), Throws.TypeOf<EndOfStreamException>(), $"{at}: ReadByte");
                    Assert.That(() => cursor.WriteByte(0xFF), Throws.TypeOf<EndOfStreamException>(), $"{at}: WriteByte");
                }

                Assert.That(cursor.Position, Is.EqualTo(p), $"{at}: position after the failures");
            }
        }

        HexAssert.AreEqual(Data, nb.CopyData(), $"{layout.Details}: data after failed writes");
        layout.AssertOutsideDataUntouched(nb);
    }
}
