using System.Diagnostics.CodeAnalysis;

namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// The outcome of decoding an OID information buffer: the typed value, or the
/// <see cref="NdisError"/> a miniport would fail the request with. Decoders never throw for bad
/// input.
/// </summary>
/// <typeparam name="T">The decoded type.</typeparam>
public sealed class OidDecodeResult<T>
{
    internal OidDecodeResult(T value, int bytesRead)
    {
        Value = value;
        BytesRead = bytesRead;
    }

    internal OidDecodeResult(NdisError error, int bytesNeeded)
    {
        Error = error;
        BytesNeeded = bytesNeeded;
        Value = default;
    }

    /// <summary>True when the buffer decoded and passed validation.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>The decoded value; meaningful only when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>Why the buffer was rejected, or null on success.</summary>
    public NdisError? Error { get; }

    /// <summary>On success: bytes of the buffer the structure(s) occupy (the end of the last one).</summary>
    public int BytesRead { get; }

    /// <summary>
    /// On <c>NDIS_STATUS_INVALID_LENGTH</c>: the buffer length the request needs (as far as the
    /// decoder could tell); 0 for other failures.
    /// </summary>
    public int BytesNeeded { get; }

    /// <summary>The decoded value, or an <see cref="InvalidOperationException"/> naming the error.</summary>
    public T GetValueOrThrow() =>
        Succeeded ? Value! : throw new InvalidOperationException($"OID buffer rejected: {Error}");

    /// <inheritdoc/>
    public override string ToString() =>
        Succeeded ? $"decoded {BytesRead} bytes: {Value}" : $"{Error} (bytes needed {BytesNeeded})";
}

/// <summary>Which <c>NDIS_OBJECT_HEADER.Size</c> an encoder writes into v2 SA structures (AMB-38).</summary>
public enum NdisHeaderSizeConvention
{
    /// <summary><c>NDIS_SIZEOF_…_REVISION_1</c> (<c>RTL_SIZEOF_THROUGH_FIELD</c>), as the DDI pages say.</summary>
    RevisionSize,
    /// <summary><c>sizeof(…)</c>, as the header comments say.</summary>
    StructureSize,
}
