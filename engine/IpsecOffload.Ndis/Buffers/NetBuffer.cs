using System.Globalization;

namespace IpsecOffload.Ndis;

/// <summary>
/// The model of a <c>NET_BUFFER</c>: one frame's data, <see cref="DataLength"/> bytes that start
/// <see cref="DataOffset"/> bytes into the chain of <see cref="Mdl"/>s that begins at
/// <see cref="FirstMdl"/>. The data offset may skip whole MDLs and part of one; the chain may hold
/// spare bytes after the data and empty MDLs anywhere. Mutable, like the NDIS structure: the
/// members can be changed freely, and <see cref="Validate"/> (which every reader calls) checks that
/// they still describe bytes that exist.
/// </summary>
/// <remarks>
/// Headers, IVs and trailers may straddle MDL boundaries at any byte (spec digest SEND-19, AMB-33);
/// read and write the data through <see cref="NetBufferCursor"/>.
/// </remarks>
public sealed class NetBuffer
{
    /// <summary>Creates a NET_BUFFER over an existing MDL chain.</summary>
    /// <param name="firstMdl">The first MDL of the chain (<c>NET_BUFFER_FIRST_MDL</c>); may be null only when the data is empty and the offset 0.</param>
    /// <param name="dataOffset">Bytes from the start of the chain to the first data byte (<c>NET_BUFFER_DATA_OFFSET</c>).</param>
    /// <param name="dataLength">Bytes of data (<c>NET_BUFFER_DATA_LENGTH</c>).</param>
    /// <exception cref="ArgumentException">The offset or length is negative, or the data runs past the chain.</exception>
    public NetBuffer(Mdl? firstMdl, int dataOffset, int dataLength)
    {
        FirstMdl = firstMdl;
        DataOffset = dataOffset;
        DataLength = dataLength;
        string? problem = FindLayoutProblem();
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }
    }

    /// <summary>The first MDL of the chain (<c>NET_BUFFER_FIRST_MDL</c>), or null for a chain with no MDLs.</summary>
    public Mdl? FirstMdl { get; set; }

    /// <summary>Bytes from the start of the MDL chain to the first data byte (<c>NET_BUFFER_DATA_OFFSET</c>).</summary>
    public int DataOffset { get; set; }

    /// <summary>Bytes of data (<c>NET_BUFFER_DATA_LENGTH</c>).</summary>
    public int DataLength { get; set; }

    /// <summary>The next NET_BUFFER of the same NET_BUFFER_LIST (<c>NET_BUFFER_NEXT_NB</c>), or null for the last.</summary>
    public NetBuffer? Next { get; set; }

    /// <summary>
    /// Total bytes mapped by the whole MDL chain, data and unused bytes alike.
    /// </summary>
    /// <exception cref="InvalidOperationException">The MDL chain loops back on itself.</exception>
    public long MdlChainByteCount
    {
        get
        {
            long total = 0;
            foreach (Mdl mdl in EnumerateMdls())
            {
                total += mdl.ByteCount;
            }

            return total;
        }
    }

    /// <summary>
    /// Creates a NET_BUFFER whose data is a copy of <paramref name="data"/>, with data offset 0 and
    /// no spare bytes, cut into MDLs at the given positions (see
    /// <see cref="FromChainBytes(ReadOnlySpan{byte}, ReadOnlySpan{int}, int, int)"/> for how
    /// positions map to MDLs). No split positions gives a single MDL.
    /// </summary>
    /// <exception cref="ArgumentException">A split position is out of range or smaller than the one before it.</exception>
    public static NetBuffer FromBytes(ReadOnlySpan<byte> data, params ReadOnlySpan<int> splitAt) =>
        FromChainBytes(data, splitAt, 0, data.Length);

    /// <summary>
    /// Creates a NET_BUFFER whose MDL chain holds a copy of <paramref name="chainBytes"/> (leading
    /// unused bytes, data, spare bytes), each MDL in its own array. The chain is cut at the given
    /// positions, counted from the start of <paramref name="chainBytes"/>: n positions give n + 1
    /// MDLs, so a position of 0 or <c>chainBytes.Length</c> gives an empty first or last MDL and a
    /// repeated position gives an empty MDL between two others.
    /// </summary>
    /// <param name="chainBytes">Everything the MDL chain maps, in order.</param>
    /// <param name="splitAt">Non-decreasing cut positions in 0..<c>chainBytes.Length</c>.</param>
    /// <param name="dataOffset">Where the data starts within <paramref name="chainBytes"/>.</param>
    /// <param name="dataLength">How many bytes of data follow; the rest are spare.</param>
    /// <exception cref="ArgumentException">A cut position is out of range or decreasing, or the data runs past the bytes.</exception>
    public static NetBuffer FromChainBytes(ReadOnlySpan<byte> chainBytes, ReadOnlySpan<int> splitAt, int dataOffset, int dataLength)
    {
        var mdls = new List<Mdl>(splitAt.Length + 1);
        int start = 0;
        for (int i = 0; i <= splitAt.Length; i++)
        {
            int end = i < splitAt.Length ? splitAt[i] : chainBytes.Length;
            if (end < start || end > chainBytes.Length)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"Split position {i} is {end}; positions must be non-decreasing and within 0..{chainBytes.Length} (previous {start})."),
                    nameof(splitAt));
            }

            byte[] copy = end == start ? [] : chainBytes[start..end].ToArray();
            mdls.Add(new Mdl(copy));
            start = end;
        }

        return new NetBuffer(Mdl.Link(mdls), dataOffset, dataLength);
    }

    /// <summary>Enumerates the MDL chain from <see cref="FirstMdl"/>, including MDLs before and after the data.</summary>
    /// <exception cref="InvalidOperationException">The chain loops back on itself (thrown when the loop is reached).</exception>
    public IEnumerable<Mdl> EnumerateMdls() => ChainWalk.Walk(FirstMdl, m => m.Next, nameof(Mdl));

    /// <summary>
    /// Checks that <see cref="DataOffset"/> and <see cref="DataLength"/> are non-negative and that
    /// the data lies within the MDL chain.
    /// </summary>
    /// <exception cref="InvalidOperationException">They do not; the message gives the numbers.</exception>
    public void Validate()
    {
        string? problem = FindLayoutProblem();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>Copies the data (not the bytes before or after it) into a new array.</summary>
    /// <exception cref="InvalidOperationException">The NET_BUFFER fails <see cref="Validate"/>.</exception>
    public byte[] CopyData()
    {
        Validate();
        byte[] data = new byte[DataLength];
        new NetBufferCursor(this).Read(data);
        return data;
    }

    /// <summary>Copies the data into the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="DataLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The NET_BUFFER fails <see cref="Validate"/>.</exception>
    public void CopyTo(Span<byte> destination)
    {
        Validate();
        if (destination.Length < DataLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Destination holds {destination.Length} bytes; the NET_BUFFER has {DataLength} bytes of data."),
                nameof(destination));
        }

        // Validated above (the chain does not loop and holds the data), so a plain walk is safe and
        // allocates nothing: this is the send path's gather step.
        int skip = DataOffset, remaining = DataLength, written = 0;
        for (Mdl? mdl = FirstMdl; mdl is not null && remaining > 0; mdl = mdl.Next)
        {
            ReadOnlySpan<byte> bytes = mdl.Span;
            if (skip >= bytes.Length)
            {
                skip -= bytes.Length;
                continue;
            }

            int take = Math.Min(bytes.Length - skip, remaining);
            bytes.Slice(skip, take).CopyTo(destination[written..]);
            written += take;
            remaining -= take;
            skip = 0;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"NET_BUFFER (DataOffset {DataOffset}, DataLength {DataLength})");

    private string? FindLayoutProblem()
    {
        if (DataOffset < 0 || DataLength < 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"NET_BUFFER DataOffset {DataOffset} and DataLength {DataLength} must both be non-negative.");
        }

        long end = (long)DataOffset + DataLength;
        long chain = 0;
        int mdlCount = 0;

        // Brent's cycle check, inline so validation allocates nothing (it runs on every send).
        Mdl? marker = null;
        int power = 1, steps = 0;
        for (Mdl? mdl = FirstMdl; mdl is not null; mdl = mdl.Next)
        {
            if (ReferenceEquals(mdl, marker))
            {
                throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Mdl chain loops: element {mdlCount} repeats an earlier one."));
            }

            chain += mdl.ByteCount;
            mdlCount++;
            if (++steps == power)
            {
                marker = mdl;
                power *= 2;
                steps = 0;
            }
        }

        return end <= chain
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"NET_BUFFER DataOffset {DataOffset} + DataLength {DataLength} = {end} runs past its MDL chain of {chain} bytes in {mdlCount} MDLs.");
    }
}
