using System.Buffers.Binary;
using System.Globalization;

namespace IpsecOffload.Ndis;

/// <summary>
/// The one way to read and write a <see cref="NetBuffer"/>'s data: a position within the data
/// (0 = the first data byte, <see cref="Length"/> = just past the last) that moves forward as bytes
/// are read or written and crosses MDL boundaries, empty MDLs and a data offset that ends exactly at
/// an MDL boundary without the caller noticing. Multi-byte integers are in wire (big-endian) order.
/// Reads and writes allocate nothing.
/// </summary>
/// <remarks>
/// <para>Failure style: members throw; none returns a partial result. Reading, writing or
/// advancing past the end of the data throws <see cref="EndOfStreamException"/> with the position,
/// the request and the data length in its message, and leaves the cursor (and the data) unchanged.
/// Check <see cref="Remaining"/> first when the input decides whether enough bytes exist, and turn a
/// shortfall into an <see cref="NdisError"/>. Negative counts and seeks outside 0..<see cref="Length"/>
/// throw <see cref="ArgumentOutOfRangeException"/>. The only Try member,
/// <see cref="TryGetContiguous"/>, is a fast-path probe and returns false instead.</para>
/// <para>The cursor takes the NET_BUFFER's offset, length and MDL chain when it is created; create a
/// new one after changing them. Bytes before the data offset and after the data are never touched.</para>
/// </remarks>
public sealed class NetBufferCursor
{
    private readonly Mdl? _startMdl;
    private readonly int _startOffset;
    private Mdl? _mdl;
    private int _offset;

    /// <summary>Creates a cursor at position 0 of <paramref name="netBuffer"/>'s data.</summary>
    /// <exception cref="InvalidOperationException">The NET_BUFFER fails <see cref="NetBuffer.Validate"/>.</exception>
    public NetBufferCursor(NetBuffer netBuffer)
    {
        ArgumentNullException.ThrowIfNull(netBuffer);
        netBuffer.Validate();
        NetBuffer = netBuffer;
        Length = netBuffer.DataLength;

        // Skip whole MDLs that end at or before the data offset; a data offset that lands exactly on
        // a boundary starts at offset 0 of the next MDL (or of an empty one, skipped on first use).
        Mdl? mdl = netBuffer.FirstMdl;
        int offset = netBuffer.DataOffset;
        while (mdl is not null && offset > 0 && offset >= mdl.ByteCount)
        {
            offset -= mdl.ByteCount;
            mdl = mdl.Next;
        }

        _startMdl = _mdl = mdl;
        _startOffset = _offset = offset;
    }

    /// <summary>The NET_BUFFER this cursor walks.</summary>
    public NetBuffer NetBuffer { get; }

    /// <summary>Bytes of data (the NET_BUFFER's <see cref="NetBuffer.DataLength"/> when the cursor was created).</summary>
    public int Length { get; }

    /// <summary>The current position, 0..<see cref="Length"/>, counted from the first data byte.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes from the current position to the end of the data.</summary>
    public int Remaining => Length - Position;

    /// <summary>Moves to the absolute data <paramref name="position"/> (backwards or forwards).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is outside 0..<see cref="Length"/>.</exception>
    public void Seek(int position)
    {
        if (position < 0 || position > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position,
                string.Create(CultureInfo.InvariantCulture,
                    $"Cannot seek to data position {position}; the NET_BUFFER data is {Length} bytes."));
        }

        if (position < Position)
        {
            _mdl = _startMdl;
            _offset = _startOffset;
            Position = 0;
        }

        Move(position - Position);
    }

    /// <summary>Moves forward by <paramref name="count"/> bytes without reading them.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="EndOfStreamException">Fewer than <paramref name="count"/> bytes remain.</exception>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EnsureRemaining(count, "skip");
        Move(count);
    }

    /// <summary>Reads one byte.</summary>
    /// <exception cref="EndOfStreamException">No bytes remain.</exception>
    public byte ReadByte()
    {
        EnsureRemaining(1, "read");
        byte value = CurrentRun()[0];
        Step(1);
        return value;
    }

    /// <summary>Writes one byte.</summary>
    /// <exception cref="EndOfStreamException">No bytes remain.</exception>
    public void WriteByte(byte value)
    {
        EnsureRemaining(1, "write");
        CurrentRun()[0] = value;
        Step(1);
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes, across MDL boundaries.</summary>
    /// <exception cref="EndOfStreamException">Fewer than <c>destination.Length</c> bytes remain.</exception>
    public void Read(Span<byte> destination)
    {
        EnsureRemaining(destination.Length, "read");
        while (!destination.IsEmpty)
        {
            Span<byte> run = CurrentRun();
            int take = Math.Min(run.Length, destination.Length);
            run[..take].CopyTo(destination);
            destination = destination[take..];
            Step(take);
        }
    }

    /// <summary>Writes <paramref name="source"/> over the next bytes, across MDL boundaries.</summary>
    /// <exception cref="EndOfStreamException">Fewer than <c>source.Length</c> bytes remain (nothing is written).</exception>
    public void Write(ReadOnlySpan<byte> source)
    {
        EnsureRemaining(source.Length, "write");
        while (!source.IsEmpty)
        {
            Span<byte> run = CurrentRun();
            int take = Math.Min(run.Length, source.Length);
            source[..take].CopyTo(run);
            source = source[take..];
            Step(take);
        }
    }

    /// <summary>Reads a 16-bit big-endian (network order) value.</summary>
    /// <exception cref="EndOfStreamException">Fewer than 2 bytes remain.</exception>
    public ushort ReadUInt16BigEndian()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ushort)];
        ReadFixed(bytes, out ReadOnlySpan<byte> source);
        return BinaryPrimitives.ReadUInt16BigEndian(source);
    }

    /// <summary>Reads a 32-bit big-endian (network order) value.</summary>
    /// <exception cref="EndOfStreamException">Fewer than 4 bytes remain.</exception>
    public uint ReadUInt32BigEndian()
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        ReadFixed(bytes, out ReadOnlySpan<byte> source);
        return BinaryPrimitives.ReadUInt32BigEndian(source);
    }

    /// <summary>Reads a 64-bit big-endian (network order) value.</summary>
    /// <exception cref="EndOfStreamException">Fewer than 8 bytes remain.</exception>
    public ulong ReadUInt64BigEndian()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        ReadFixed(bytes, out ReadOnlySpan<byte> source);
        return BinaryPrimitives.ReadUInt64BigEndian(source);
    }

    /// <summary>Writes a 16-bit value in big-endian (network) order.</summary>
    /// <exception cref="EndOfStreamException">Fewer than 2 bytes remain (nothing is written).</exception>
    public void WriteUInt16BigEndian(ushort value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        Write(bytes);
    }

    /// <summary>Writes a 32-bit value in big-endian (network) order.</summary>
    /// <exception cref="EndOfStreamException">Fewer than 4 bytes remain (nothing is written).</exception>
    public void WriteUInt32BigEndian(uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        Write(bytes);
    }

    /// <summary>Writes a 64-bit value in big-endian (network) order.</summary>
    /// <exception cref="EndOfStreamException">Fewer than 8 bytes remain (nothing is written).</exception>
    public void WriteUInt64BigEndian(ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        Write(bytes);
    }

    /// <summary>
    /// Fast-path probe: when the next <paramref name="length"/> bytes lie in a single MDL, returns
    /// true and a span over them (live memory: writes change the data). Returns false when they
    /// straddle an MDL boundary or fewer bytes remain; the caller then uses <see cref="Read"/> or
    /// <see cref="Write"/>, which work everywhere. Never moves the cursor.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public bool TryGetContiguous(int length, out Span<byte> span)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            span = [];
            return true;
        }

        if (length > Remaining)
        {
            span = default;
            return false;
        }

        Span<byte> run = CurrentRun();
        if (run.Length < length)
        {
            span = default;
            return false;
        }

        span = run[..length];
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"NetBufferCursor at {Position} of {Length}");

    private void ReadFixed(Span<byte> scratch, out ReadOnlySpan<byte> source)
    {
        if (TryGetContiguous(scratch.Length, out Span<byte> direct))
        {
            source = direct;
            Step(scratch.Length);
        }
        else
        {
            Read(scratch);
            source = scratch;
        }
    }

    private void EnsureRemaining(int count, string verb)
    {
        if (count > Remaining)
        {
            throw new EndOfStreamException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot {verb} {count} bytes at data position {Position}: the NET_BUFFER data is {Length} bytes, {Remaining} remain."));
        }
    }

    /// <summary>
    /// The bytes from the current position to the end of the current MDL or of the data, whichever
    /// comes first, after stepping over exhausted and empty MDLs. Only called with bytes remaining,
    /// so a later non-empty MDL exists (the NET_BUFFER was validated).
    /// </summary>
    private Span<byte> CurrentRun()
    {
        while (_offset == _mdl!.ByteCount)
        {
            _mdl = _mdl.Next;
            _offset = 0;
        }

        int available = Math.Min(_mdl.ByteCount - _offset, Remaining);
        return _mdl.Span.Slice(_offset, available);
    }

    /// <summary>Moves within the current run (the caller took <paramref name="count"/> bytes of it).</summary>
    private void Step(int count)
    {
        _offset += count;
        Position += count;
    }

    private void Move(int count)
    {
        while (count > 0)
        {
            int take = Math.Min(CurrentRun().Length, count);
            Step(take);
            count -= take;
        }
    }
}
