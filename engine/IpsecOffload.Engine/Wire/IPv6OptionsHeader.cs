using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// An IPv6 Hop-by-Hop Options (Next Header 0) or Destination Options (60) header (RFC 8200 §4.3,
/// §4.6): the same shape, a sequence of TLV options padded to a multiple of 8 bytes.
/// </summary>
public readonly struct IPv6OptionsHeader
{
    // RFC 8200 §4.3 (https://www.rfc-editor.org/rfc/rfc8200#section-4.3):
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |  Next Header  |  Hdr Ext Len  |                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
    // |                            Options                            |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // Length = (Hdr Ext Len + 1) * 8 bytes.
    internal const int NextHeaderOffset = 0, ExtensionLengthOffset = 1, OptionsOffset = 2, MinimumLength = 8;

    /// <summary>Next Header.</summary>
    public byte NextHeader { get; init; }

    /// <summary>The options area (TLVs and Pad1/PadN), <c>(HdrExtLen + 1)·8 − 2</c> bytes.</summary>
    public ReadOnlyMemory<byte> Options { get; init; }

    /// <summary>Hdr Ext Len as it goes on the wire: 8-byte units beyond the first 8.</summary>
    public byte ExtensionLength => (byte)((Options.Length + OptionsOffset) / 8 - 1);

    /// <summary>Header length in bytes.</summary>
    public int Length => Options.Length + OptionsOffset;

    /// <summary>Reads the header from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6OptionsHeader header) => TryRead(source, out header, out _, "IPv6Options");

    /// <summary>Reads the header; <paramref name="layer"/> names it in the fault (<c>IPv6HopByHop</c>).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6OptionsHeader header, out WireFault fault, string layer)
    {
        header = default;
        fault = default;
        if (source.Length < MinimumLength)
        {
            fault = WireFault.Truncated($"{layer}.HeaderExtLength", MinimumLength, source.Length);
            return false;
        }

        int length = (source[ExtensionLengthOffset] + 1) * 8;
        if (source.Length < length)
        {
            fault = new WireFault(NdisStatus.InvalidLength, $"{layer}.HeaderExtLength",
                $"with Hdr Ext Len {source[ExtensionLengthOffset]} needs {length} bytes, frame has {source.Length}");
            return false;
        }

        header = new IPv6OptionsHeader
        {
            NextHeader = source[NextHeaderOffset],
            Options = source[OptionsOffset..length].ToArray(),
        };
        return true;
    }

    /// <summary>Writes <see cref="Length"/> bytes; throws when the options do not make the header a multiple of 8 bytes (at most 2048).</summary>
    public void Write(Span<byte> destination)
    {
        if (Length % 8 != 0 || Length > 2048)
        {
            throw new InvalidOperationException($"Options of {Options.Length} bytes make a {Length}-byte header; it must be a multiple of 8 up to 2048.");
        }

        WireBits.RequireLength(destination, Length, "IPv6 options header");
        destination[NextHeaderOffset] = NextHeader;
        destination[ExtensionLengthOffset] = ExtensionLength;
        Options.Span.CopyTo(destination[OptionsOffset..]);
    }
}
