using System.Globalization;

namespace IpsecOffload.Ndis;

/// <summary>
/// The model of a <c>NET_BUFFER_LIST</c>: an ordered list of <see cref="NetBuffer"/>s that share
/// one set of OOB information (<see cref="Info"/>), a link to the next list of a send chain, and
/// the completion <see cref="Status"/> a miniport sets. Mutable, like the NDIS structure; no crypto
/// and no typed OOB views here.
/// </summary>
public sealed class NetBufferList
{
    /// <summary>Creates a list holding <paramref name="netBuffers"/> in the given order, linked through <see cref="NetBuffer.Next"/>.</summary>
    /// <exception cref="ArgumentException">A NET_BUFFER is null or appears twice.</exception>
    public NetBufferList(params NetBuffer[] netBuffers)
    {
        FirstNetBuffer = LinkHelper.Link(netBuffers, (a, b) => a.Next = b, nameof(NetBuffer));
    }

    /// <summary>A name for diagnostics (messages, reports, transcripts); not part of NDIS.</summary>
    public string Name { get; set; } = "NBL";

    /// <summary>The first NET_BUFFER (<c>NET_BUFFER_LIST_FIRST_NB</c>), or null for a list with none.</summary>
    public NetBuffer? FirstNetBuffer { get; set; }

    /// <summary>The next NET_BUFFER_LIST of the chain (<c>NET_BUFFER_LIST_NEXT_NBL</c>), or null for the last.</summary>
    public NetBufferList? Next { get; set; }

    /// <summary>
    /// The completion status (<c>NET_BUFFER_LIST_STATUS</c>) the miniport sets before completing the
    /// list. Starts as <see cref="NdisStatus.Success"/> (0), as a zeroed structure would.
    /// </summary>
    public NdisStatus Status { get; set; }

    /// <summary>The OOB slots (<c>NET_BUFFER_LIST_INFO</c>), all zero on a new list.</summary>
    public NetBufferListInfo Info { get; } = new();

    /// <summary>
    /// Links <paramref name="lists"/> into a chain in the given order (each one's <see cref="Next"/>
    /// becomes the following element, the last one's null) and returns the head, or null when the
    /// sequence is empty.
    /// </summary>
    /// <exception cref="ArgumentException">An element is null or appears twice (the chain would loop).</exception>
    public static NetBufferList? Link(IEnumerable<NetBufferList> lists) =>
        LinkHelper.Link(lists, (a, b) => a.Next = b, nameof(NetBufferList));

    /// <summary>Enumerates the NET_BUFFERs from <see cref="FirstNetBuffer"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">The NET_BUFFER links loop back (thrown when the loop is reached).</exception>
    public IEnumerable<NetBuffer> EnumerateNetBuffers() =>
        ChainWalk.Walk(FirstNetBuffer, nb => nb.Next, nameof(NetBuffer));

    /// <summary>Number of NET_BUFFERs in this list.</summary>
    /// <exception cref="InvalidOperationException">The NET_BUFFER links loop back.</exception>
    public int CountNetBuffers() => EnumerateNetBuffers().Count();

    /// <summary>Enumerates this list and every list after it through <see cref="Next"/>, in chain order.</summary>
    /// <exception cref="InvalidOperationException">The chain loops back (thrown when the loop is reached).</exception>
    public IEnumerable<NetBufferList> EnumerateChain() =>
        ChainWalk.Walk(this, nbl => nbl.Next, nameof(NetBufferList));

    /// <summary>Number of lists in the chain that starts with this one (at least 1).</summary>
    /// <exception cref="InvalidOperationException">The chain loops back.</exception>
    public int CountChain() => EnumerateChain().Count();

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"NET_BUFFER_LIST '{Name}' (Status {Status.ToNdisName()})");
}
