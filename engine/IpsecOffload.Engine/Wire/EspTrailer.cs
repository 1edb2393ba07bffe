using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// The ESP trailer: Padding, Pad Length and Next Header (RFC 4303 §2.4–2.6; wire-formats §1.3).
/// It sits at the end of the plaintext, so <see cref="TryRead(ReadOnlySpan{byte}, out EspTrailer)"/>
/// reads it from the end of the span it is given.
/// </summary>
public readonly struct EspTrailer
{
    // RFC 4303 §2 (end of the encrypted part, before the ICV):
    // ~   Payload Data    | Padding (0-255 bytes) | Pad Length | Next Header |
    //                      <------- PadLength ----><--- 1 -----><---- 1 ---->
    // Offsets from the end of the plaintext:
    internal const int PadLengthFromEnd = 2, NextHeaderFromEnd = 1, FixedLength = 2, MaxPadLength = 255;

    /// <summary>The padding bytes (default content 1, 2, 3, …).</summary>
    public ReadOnlyMemory<byte> Padding { get; init; }

    /// <summary>Next Header: the protocol of the payload (4/41 in tunnel mode, 59 for a dummy packet).</summary>
    public byte NextHeader { get; init; }

    /// <summary>Pad Length: the number of padding bytes (excluding itself and Next Header).</summary>
    public byte PadLength => (byte)Padding.Length;

    /// <summary>Trailer length: padding + 2.</summary>
    public int Length => Padding.Length + FixedLength;

    /// <summary>True when the padding is the default 1, 2, 3, … sequence.</summary>
    public bool HasDefaultPadding => FindPaddingMismatch(Padding.Span) < 0;

    /// <summary>Reads the trailer at the end of <paramref name="plaintext"/> (payload ‖ padding ‖ pad length ‖ next header).</summary>
    public static bool TryRead(ReadOnlySpan<byte> plaintext, out EspTrailer trailer) => TryRead(plaintext, out trailer, out _);

    /// <summary>Reads the trailer from the end; fails when fewer than 2 bytes are there or Pad Length runs past the start.</summary>
    public static bool TryRead(ReadOnlySpan<byte> plaintext, out EspTrailer trailer, out WireFault fault)
    {
        trailer = default;
        fault = default;
        if (plaintext.Length < FixedLength)
        {
            fault = WireFault.Truncated("ESP.PadLength", FixedLength, plaintext.Length);
            return false;
        }

        int padLength = plaintext[^PadLengthFromEnd];
        if (padLength + FixedLength > plaintext.Length)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "ESP.PadLength",
                $"says {padLength} padding bytes, only {plaintext.Length - FixedLength} precede it");
            return false;
        }

        int trailerStart = plaintext.Length - FixedLength - padLength;
        trailer = new EspTrailer
        {
            Padding = plaintext.Slice(trailerStart, padLength).ToArray(),
            NextHeader = plaintext[^NextHeaderFromEnd],
        };
        return true;
    }

    /// <summary>Writes <see cref="Length"/> bytes: padding, pad length, next header. Throws on a short destination or more than 255 padding bytes.</summary>
    public void Write(Span<byte> destination)
    {
        if (Padding.Length > MaxPadLength)
        {
            throw new InvalidOperationException($"Pad Length is one byte; {Padding.Length} padding bytes do not fit.");
        }

        WireBits.RequireLength(destination, Length, "ESP trailer");
        Padding.Span.CopyTo(destination);
        destination[Padding.Length] = PadLength;
        destination[Padding.Length + 1] = NextHeader;
    }

    /// <summary>
    /// The effective alignment of Payload + Padding + 2 for a cipher block size (wire-formats §1.2):
    /// the least common multiple of the block size and 4 (1 → 4, 8 → 8, 16 → 16).
    /// </summary>
    public static int Alignment(int cipherBlockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cipherBlockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cipherBlockSize, 256);
        int a = cipherBlockSize, b = 4;
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return cipherBlockSize / a * 4;
    }

    /// <summary>Minimal pad length: <c>(A − ((L + 2) mod A)) mod A</c> (wire-formats §1.3).</summary>
    /// <param name="payloadLength">Payload plus TFC padding, in bytes.</param>
    /// <param name="alignment">From <see cref="Alignment"/>: 4, 8 or 16 in practice (1..256).</param>
    public static int MinimalPadLength(int payloadLength, int alignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(alignment, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alignment, 256);
        long remainder = ((long)payloadLength + FixedLength) % alignment;
        return (int)((alignment - remainder) % alignment);
    }

    /// <summary>The trailer with minimal default padding for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static EspTrailer CreateDefault(int payloadLength, int alignment, byte nextHeader)
    {
        byte[] padding = new byte[MinimalPadLength(payloadLength, alignment)];
        WriteDefaultPadding(padding);
        return new EspTrailer { Padding = padding, NextHeader = nextHeader };
    }

    /// <summary>Fills <paramref name="padding"/> with the RFC 4303 §2.4 default content 1, 2, 3, … (at most 255 bytes).</summary>
    public static void WriteDefaultPadding(Span<byte> padding)
    {
        if (padding.Length > MaxPadLength)
        {
            throw new ArgumentException($"At most 255 padding bytes; got {padding.Length}.", nameof(padding));
        }

        for (int i = 0; i < padding.Length; i++)
        {
            padding[i] = (byte)(i + 1);
        }
    }

    /// <summary>Index of the first padding byte that is not its 1-based position (the default content), or −1 when all are.</summary>
    public static int FindPaddingMismatch(ReadOnlySpan<byte> padding)
    {
        for (int i = 0; i < padding.Length; i++)
        {
            if (padding[i] != i + 1)
            {
                return i;
            }
        }

        return -1;
    }
}
