namespace IpsecOffload.Ndis;

/// <summary>
/// One memory buffer of a <see cref="NetBuffer"/>'s chain, the model of an <c>MDL</c>: a block of
/// <see cref="ByteCount"/> bytes and a link to the next buffer. A buffer may hold no bytes at all;
/// every walker in this library accepts empty MDLs anywhere in a chain.
/// </summary>
public sealed class Mdl
{
    /// <summary>Creates an MDL that describes <paramref name="buffer"/> (not copied; writes go through to it).</summary>
    /// <param name="buffer">The memory the MDL maps; may be empty.</param>
    /// <param name="next">The MDL that follows in the chain, or <see langword="null"/> for the last one.</param>
    public Mdl(Memory<byte> buffer, Mdl? next = null)
    {
        Buffer = buffer;
        Next = next;
    }

    /// <summary>The memory this MDL maps (the model of its virtual address and <c>ByteCount</c>).</summary>
    public Memory<byte> Buffer { get; }

    /// <summary>The number of bytes this MDL maps (<c>MmGetMdlByteCount</c>); 0 for an empty MDL.</summary>
    public int ByteCount => Buffer.Length;

    /// <summary>The mapped bytes as a span; writes change the underlying memory.</summary>
    public Span<byte> Span => Buffer.Span;

    /// <summary>The next MDL in the chain (<c>MDL.Next</c>), or <see langword="null"/> at the end.</summary>
    public Mdl? Next { get; set; }

    /// <summary>
    /// Links <paramref name="mdls"/> in the given order (each one's <see cref="Next"/> becomes the
    /// following element, the last one's becomes <see langword="null"/>) and returns the first, or
    /// <see langword="null"/> when there are none.
    /// </summary>
    /// <exception cref="ArgumentException">An element is null or appears twice (the chain would loop).</exception>
    public static Mdl? Link(IEnumerable<Mdl> mdls) => LinkHelper.Link(mdls, (a, b) => a.Next = b, nameof(Mdl));

    /// <summary>
    /// Enumerates this MDL and every MDL after it, in chain order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The chain loops back on itself (thrown when the loop is reached).</exception>
    public IEnumerable<Mdl> EnumerateChain() => ChainWalk.Walk(this, m => m.Next, nameof(Mdl));

    /// <inheritdoc/>
    public override string ToString() => $"MDL ({ByteCount} bytes)";
}
