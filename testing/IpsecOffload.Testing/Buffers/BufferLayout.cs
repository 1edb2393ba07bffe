using System.Globalization;
using IpsecOffload.Ndis;
using NUnit.Framework;

namespace IpsecOffload.Testing;

/// <summary>
/// One way to lay a frame out in an MDL chain: <see cref="DataOffset"/> leading junk bytes, the
/// data, <see cref="SpareBytes"/> trailing junk bytes, all cut into MDLs of <see cref="MdlSizes"/>
/// bytes (0 = an empty MDL). Depends only on the data length, so one layout serves any codec's
/// bytes; <see cref="Build"/> makes a fresh NET_BUFFER each time. Made by <see cref="BufferGeometry"/>.
/// </summary>
public sealed class BufferLayout
{
    private readonly int[] _mdlSizes;

    /// <summary>Creates a layout; the MDL sizes must add up to offset + data + spare.</summary>
    /// <exception cref="ArgumentException">A size is negative or the sizes do not add up.</exception>
    public BufferLayout(string description, int dataOffset, int dataLength, int spareBytes, IEnumerable<int> mdlSizes)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(mdlSizes);
        ArgumentOutOfRangeException.ThrowIfNegative(dataOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        ArgumentOutOfRangeException.ThrowIfNegative(spareBytes);
        _mdlSizes = [.. mdlSizes];
        int total = dataOffset + dataLength + spareBytes;
        if (_mdlSizes.Any(s => s < 0) || _mdlSizes.Sum() != total)
        {
            throw new ArgumentException(
                $"Layout '{description}': MDL sizes {FormatSizes(_mdlSizes)} must be non-negative and add up to " +
                $"offset {dataOffset} + data {dataLength} + spare {spareBytes} = {total}.", nameof(mdlSizes));
        }

        Description = description;
        DataOffset = dataOffset;
        DataLength = dataLength;
        SpareBytes = spareBytes;
    }

    /// <summary>A short name for test names and messages, e.g. <c>offset7+split@0+empty@0</c>.</summary>
    public string Description { get; }

    /// <summary>Junk bytes before the data (the NET_BUFFER's data offset).</summary>
    public int DataOffset { get; }

    /// <summary>Bytes of data.</summary>
    public int DataLength { get; }

    /// <summary>Junk bytes after the data, inside the MDL chain.</summary>
    public int SpareBytes { get; }

    /// <summary>Total bytes the MDL chain maps.</summary>
    public int ChainLength => DataOffset + DataLength + SpareBytes;

    /// <summary>The byte count of each MDL in chain order; zeros are empty MDLs.</summary>
    public IReadOnlyList<int> MdlSizes => _mdlSizes;

    /// <summary>The junk value at <paramref name="chainIndex"/> in the prefix or spare area (never all one value, so a shifted write shows).</summary>
    public static byte JunkByte(int chainIndex) => unchecked((byte)(0xA5 + (37 * chainIndex)));

    /// <summary>
    /// Builds a new NET_BUFFER holding a copy of <paramref name="data"/> in this layout, with
    /// <see cref="JunkByte"/> values in the prefix and spare areas. Each MDL has its own array.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not <see cref="DataLength"/> bytes.</exception>
    public NetBuffer Build(ReadOnlySpan<byte> data)
    {
        if (data.Length != DataLength)
        {
            throw new ArgumentException(
                $"Layout '{Description}' is for {DataLength} bytes of data, got {data.Length}.", nameof(data));
        }

        byte[] chain = ExpectedChain(data);
        int[] cuts = new int[_mdlSizes.Length - 1];
        int position = 0;
        for (int i = 0; i < cuts.Length; i++)
        {
            position += _mdlSizes[i];
            cuts[i] = position;
        }

        return NetBuffer.FromChainBytes(chain, cuts, DataOffset, DataLength);
    }

    /// <summary>Everything the MDL chain of <see cref="Build"/> maps: junk prefix, <paramref name="data"/>, junk spare.</summary>
    public byte[] ExpectedChain(ReadOnlySpan<byte> data)
    {
        byte[] chain = new byte[DataOffset + data.Length + SpareBytes];
        for (int i = 0; i < chain.Length; i++)
        {
            chain[i] = JunkByte(i);
        }

        data.CopyTo(chain.AsSpan(DataOffset));
        return chain;
    }

    /// <summary>
    /// Asserts that <paramref name="netBuffer"/> (built from this layout) still has this layout's
    /// MDL sizes, and that its junk prefix and spare bytes hold their original values: code under
    /// test must touch only the data.
    /// </summary>
    public void AssertOutsideDataUntouched(NetBuffer netBuffer)
    {
        ArgumentNullException.ThrowIfNull(netBuffer);
        int[] sizes = [.. netBuffer.EnumerateMdls().Select(m => m.ByteCount)];
        Assert.That(FormatSizes(sizes), Is.EqualTo(FormatSizes(_mdlSizes)), $"{Description}: MDL sizes");
        byte[] chain = BufferGeometry.CopyChain(netBuffer);
        byte[] expected = ExpectedChain(new byte[DataLength]);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(expected.AsSpan(0, DataOffset), chain.AsSpan(0, DataOffset),
                $"{Description}: {DataOffset} bytes before the data offset");
            HexAssert.AreEqual(expected.AsSpan(DataOffset + DataLength), chain.AsSpan(DataOffset + DataLength),
                $"{Description}: {SpareBytes} spare bytes after the data");
        }
    }

    /// <summary>The description followed by the MDL sizes, e.g. <c>split@3 mdls=3/5</c>.</summary>
    public string Details => $"{Description} mdls={FormatSizes(_mdlSizes)} offset={DataOffset} spare={SpareBytes}";

    /// <inheritdoc/>
    public override string ToString() => Description;

    internal static string FormatSizes(IEnumerable<int> sizes) =>
        string.Join('/', sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}
