using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// Why a header codec refused its input: the field at fault (<c>IPv4.TotalLength</c>) and a message
/// with the numbers in it, relative to the header ("needs 20 bytes, frame has 12"). The frame parser
/// prefixes the header name and its offset in the frame.
/// </summary>
/// <param name="Status">
/// <see cref="NdisStatus.InvalidLength"/> for truncation and length fields that disagree with the
/// buffer; <see cref="NdisStatus.Failure"/> for values a miniport cannot accept (version 6 in an
/// IPv4 header, IHL 3).
/// </param>
/// <param name="Field">The field at fault in <c>Layer.Field</c> form.</param>
/// <param name="Message">The problem, with numbers, without the header's offset.</param>
public readonly record struct WireFault(NdisStatus Status, string Field, string Message)
{
    /// <summary>A truncation fault: the header needs <paramref name="needed"/> bytes and only <paramref name="available"/> are there.</summary>
    public static WireFault Truncated(string field, int needed, int available) =>
        new(NdisStatus.InvalidLength, field, $"needs {needed} bytes, frame has {available}");

    /// <summary>Converts to the <see cref="NdisError"/> a miniport would report for a header named <paramref name="header"/> at <paramref name="offset"/>.</summary>
    public NdisError ToNdisError(string header, int offset) =>
        new(Status, Field, $"{header} at 0x{offset:x2} {Message}");
}
