namespace IpsecOffload.Engine.Wire;

/// <summary>
/// What the SA says about ESP packets in a frame, which the wire alone does not: IV and ICV lengths,
/// whether the payload travels in clear (ENCR_NULL, NULL_AUTH_AES_GMAC) and, for encrypted packets, the
/// pad length the sender used.
/// </summary>
/// <param name="IvLength">IV bytes after the sequence number (0 for ENCR_NULL, 8 for GCM/CTR/GMAC, 16 for AES-CBC).</param>
/// <param name="IcvLength">ICV bytes at the end (0 without integrity).</param>
/// <param name="PayloadIsCleartext">True when payload and trailer are not encrypted: the parser then reads the trailer and parses the payload.</param>
/// <param name="PadLength">For an encrypted payload: the pad length, which places the trailer fields; null when unknown.</param>
public readonly record struct EspLayoutHint(int IvLength, int IcvLength, bool PayloadIsCleartext = false, int? PadLength = null);

/// <summary>How the bytes after the AH sequence number split (wire-formats §2.1).</summary>
/// <param name="IvLength">IV bytes before the ICV (8 for AES-GMAC, else 0).</param>
/// <param name="IcvLength">ICV bytes; the rest up to the AH length is padding.</param>
public readonly record struct AhLayoutHint(int IvLength, int IcvLength);

/// <summary>SA knowledge handed to <see cref="FrameParser"/> and <see cref="FieldLayout"/>; every member optional.</summary>
/// <param name="Esp">Applies to every ESP header in the frame.</param>
/// <param name="Ah">Applies to every AH in the frame.</param>
public sealed record LayoutHints(EspLayoutHint? Esp = null, AhLayoutHint? Ah = null)
{
    /// <summary>No SA knowledge.</summary>
    public static LayoutHints None { get; } = new();
}
