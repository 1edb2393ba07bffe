using System.Globalization;
using IpsecOffload.Ndis;
using NUnit.Framework;

namespace IpsecOffload.Testing;

/// <summary>
/// MDL layouts for testing any code that walks NET_BUFFER data: the same bytes split at every
/// boundary, with empty MDLs before, between and after, with non-zero data offsets and spare bytes,
/// and pseudo-random layouts from a seed (STYLE.md §3, after Protobuf's
/// <c>ReadOnlySequenceFactory</c>). Descriptions name each layout for test names. Typical use:
/// <code>
/// static IEnumerable&lt;TestCaseData&gt; Layouts() =&gt; BufferGeometry.TestCases(BufferGeometry.All(Frame.Length));
/// [TestCaseSource(nameof(Layouts))]
/// public void Parse_AnyLayout_ReadsHeader(BufferLayout layout) { NetBuffer nb = layout.Build(Frame); ... }
/// </code>
/// Descriptions count positions from the first data byte: <c>split@13</c> cuts before data byte 13,
/// <c>split@-3</c> cuts 3 bytes before the data starts, <c>@end</c> is just after the last data byte.
/// </summary>
public static class BufferGeometry
{
    /// <summary>Leading junk bytes used by the fixed data-offset layouts.</summary>
    public const int StandardOffset = 7;

    /// <summary>Trailing spare bytes used by the fixed data-offset layouts.</summary>
    public const int StandardSpare = 5;

    /// <summary>The data in one MDL, no offset, no spare bytes.</summary>
    public static IEnumerable<BufferLayout> Contiguous(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        yield return new BufferLayout("contiguous", 0, length, 0, [length]);
    }

    /// <summary>Two MDLs, cut before data byte i, for every i in 1..length-1 (<c>split@i</c>).</summary>
    public static IEnumerable<BufferLayout> SplitAtEveryBoundary(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        for (int i = 1; i < length; i++)
        {
            yield return new BufferLayout(Name($"split@{i}"), 0, length, 0, [i, length - i]);
        }
    }

    /// <summary>
    /// Empty MDLs before the data (<c>empty@0</c>), after it (<c>empty@end</c>), several at both
    /// ends, one between the two halves of every split (<c>split@i+empty@i</c>), and every byte in
    /// its own MDL with empty MDLs between all of them (<c>singletons+empties</c>).
    /// </summary>
    public static IEnumerable<BufferLayout> WithEmptyMdls(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        yield return new BufferLayout("empty@0", 0, length, 0, [0, length]);
        yield return new BufferLayout("empty@end", 0, length, 0, [length, 0]);
        yield return new BufferLayout("empty@0x2+empty@endx2", 0, length, 0, [0, 0, length, 0, 0]);
        for (int i = 1; i < length; i++)
        {
            yield return new BufferLayout(Name($"split@{i}+empty@{i}"), 0, length, 0, [i, 0, length - i]);
        }

        var sizes = new List<int> { 0 };
        for (int i = 0; i < length; i++)
        {
            sizes.Add(1);
            sizes.Add(0);
        }

        yield return new BufferLayout("singletons+empties", 0, length, 0, sizes);
    }

    /// <summary>
    /// Non-zero data offsets (junk bytes before the data) and spare bytes after it: inside one MDL,
    /// with the offset landing exactly on an MDL boundary (also behind an empty MDL), skipping whole
    /// MDLs, landing inside a later MDL, spare bytes in their own MDL, and offset plus spare with a
    /// cut before every data byte (<c>offset7+spare5+split@i</c>).
    /// </summary>
    public static IEnumerable<BufferLayout> WithDataOffsets(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        const int O = StandardOffset;
        const int S = StandardSpare;
        yield return new BufferLayout("offset1", 1, length, 0, [1 + length]);
        yield return new BufferLayout(Name($"offset{O}+spare{S}"), O, length, S, [O + length + S]);
        yield return new BufferLayout(Name($"offset{O}+split@0"), O, length, 0, [O, length]);
        yield return new BufferLayout(Name($"offset{O}+split@0+empty@0"), O, length, 0, [O, 0, length]);
        yield return new BufferLayout(Name($"offset{O}+spare{S}+split@-4+split@0"), O, length, S, [O - 4, 4, length + S]);
        yield return new BufferLayout(Name($"offset{O}+split@-2"), O, length, 0, [O - 2, 2 + length]);
        yield return new BufferLayout(Name($"offset{O}+spare{S}+split@end"), O, length, S, [O + length, S]);
        yield return new BufferLayout(Name($"offset{O}+spare{S}+split@end+empty@end"), O, length, S, [O + length, 0, S]);
        for (int i = 1; i < length; i++)
        {
            yield return new BufferLayout(Name($"offset{O}+spare{S}+split@{i}"), O, length, S, [O + i, length - i + S]);
        }
    }

    /// <summary>
    /// <paramref name="count"/> pseudo-random layouts drawn from <paramref name="seed"/>: offsets
    /// and spare bytes of 0–9, a few cuts anywhere in the chain, runs of one-byte MDLs and empty
    /// MDLs. The description carries the seed, the index and the MDL sizes, so a failure names its
    /// replay.
    /// </summary>
    public static IEnumerable<BufferLayout> Random(int length, int seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        for (int k = 0; k < count; k++)
        {
            int offset = random.Next(3) == 0 ? 0 : random.Next(1, 10);
            int spare = random.Next(3) == 0 ? 0 : random.Next(1, 10);
            int total = offset + length + spare;
            var cuts = new List<int>();
            int plain = random.Next(1, 6);
            for (int c = 0; c < plain; c++)
            {
                cuts.Add(random.Next(total + 1));
            }

            if (random.Next(2) == 0)
            {
                // A run of one-byte MDLs: cuts at s, s+1, ..., s+n.
                int start = random.Next(total + 1);
                int run = random.Next(1, 6);
                for (int c = 0; c <= run && start + c <= total; c++)
                {
                    cuts.Add(start + c);
                }
            }

            int empties = random.Next(3);
            for (int c = 0; c < empties; c++)
            {
                // A repeated cut is an empty MDL between its neighbours.
                cuts.Add(cuts[random.Next(cuts.Count)]);
            }

            cuts.Sort();
            var sizes = new List<int>(cuts.Count + 1);
            int previous = 0;
            foreach (int cut in cuts)
            {
                sizes.Add(cut - previous);
                previous = cut;
            }

            sizes.Add(total - previous);
            string name = string.Create(CultureInfo.InvariantCulture,
                $"random(seed {seed} #{k})+offset{offset}+spare{spare}+mdls={BufferLayout.FormatSizes(sizes)}");
            yield return new BufferLayout(name, offset, length, spare, sizes);
        }
    }

    /// <summary>
    /// The standard set for a codec test: <see cref="Contiguous"/>, <see cref="SplitAtEveryBoundary"/>,
    /// <see cref="WithEmptyMdls"/>, <see cref="WithDataOffsets"/> and 8 <see cref="Random"/> layouts
    /// from <see cref="TestSeeds.Current"/>.
    /// </summary>
    public static IEnumerable<BufferLayout> All(int length) =>
        Contiguous(length)
            .Concat(SplitAtEveryBoundary(length))
            .Concat(WithEmptyMdls(length))
            .Concat(WithDataOffsets(length))
            .Concat(Random(length, TestSeeds.Current, 8));

    /// <summary>One NUnit case per layout, named by its description, with the layout as the only argument.</summary>
    public static IEnumerable<TestCaseData> TestCases(IEnumerable<BufferLayout> layouts)
    {
        ArgumentNullException.ThrowIfNull(layouts);
        return layouts.Select(l => new TestCaseData(l).SetArgDisplayNames(l.Description));
    }

    /// <summary>Every byte the NET_BUFFER's MDL chain maps, in order (junk before and after the data included).</summary>
    public static byte[] CopyChain(NetBuffer netBuffer)
    {
        ArgumentNullException.ThrowIfNull(netBuffer);
        var chain = new List<byte>();
        foreach (Mdl mdl in netBuffer.EnumerateMdls())
        {
            chain.AddRange(mdl.Span);
        }

        return [.. chain];
    }

    private static string Name(FormattableString name) => name.ToString(CultureInfo.InvariantCulture);
}
