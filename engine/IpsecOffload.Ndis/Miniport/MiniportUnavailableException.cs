namespace IpsecOffload.Ndis.Miniport;

/// <summary>
/// Thrown by an adapter that can no longer be driven: an out-of-process adapter died, timed out, wrote a
/// line that is not a protocol response, answered with the wrong id or left an NBL out of a send response.
/// Not a conformance failure of the miniport's NDIS behaviour: the conformance case becomes Blocked with
/// <see cref="Exception.Message"/> (which carries the reason and, where there is one, the adapter's stderr tail).
/// </summary>
public sealed class MiniportUnavailableException : Exception
{
    /// <summary>An adapter that cannot be driven, for the reason in <paramref name="message"/>.</summary>
    public MiniportUnavailableException(string message) : base(message)
    {
    }

    /// <summary>An adapter that cannot be driven, with no reason given.</summary>
    public MiniportUnavailableException()
    {
    }

    /// <summary>An adapter that cannot be driven, for the reason in <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public MiniportUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
