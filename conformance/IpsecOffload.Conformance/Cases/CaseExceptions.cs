namespace IpsecOffload.Conformance.Cases;

/// <summary>A conformance check failed; the message is the readable failure (STYLE §5).</summary>
public sealed class CaseFailedException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public CaseFailedException(string message) : base(message)
    {
    }

    /// <summary>An exception without a message.</summary>
    public CaseFailedException()
    {
    }

    /// <summary>An exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public CaseFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>The case does not apply to this adapter or profile; the message is the reason.</summary>
public sealed class NotApplicableException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public NotApplicableException(string message) : base(message)
    {
    }

    /// <summary>An exception without a message.</summary>
    public NotApplicableException()
    {
    }

    /// <summary>An exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public NotApplicableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>The adapter could not be driven (the case is Blocked, not failed); the message is the reason.</summary>
public sealed class CaseBlockedException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public CaseBlockedException(string message) : base(message)
    {
    }

    /// <summary>An exception without a message.</summary>
    public CaseBlockedException()
    {
    }

    /// <summary>An exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public CaseBlockedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
