using System.Buffers.Binary;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>The Authentication Header (RFC 4302 §2; wire-formats §2.1), ICV and its padding included.</summary>
public readonly struct AhHeader
{
    // RFC 4302 §2 (https://www.rfc-editor.org/rfc/rfc4302#section-2):
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Header   |  Payload Len  |          RESERVED             |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                 Security Parameters Index (SPI)               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                    Sequence Number Field                      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                Integrity Check Value-ICV (variable)           |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // Payload Len = (AH length in 32-bit words) - 2.
    internal const int NextHeaderOffset = 0, PayloadLengthOffset = 1, ReservedOffset = 2, SpiOffset = 4,
        SequenceNumberOffset = 8, IcvOffset = 12, FixedLength = 12;

    /// <summary>Next Header: what follows AH.</summary>
    public byte NextHeader { get; init; }

    /// <summary>Reserved; must be 0 and is covered by the ICV.</summary>
    public ushort Reserved { get; init; }

    /// <summary>SPI.</summary>
    public uint Spi { get; init; }

    /// <summary>Sequence Number (low 32 bits).</summary>
    public uint SequenceNumber { get; init; }

    /// <summary>
    /// Everything after the sequence number: (for AES-GMAC an 8-byte IV,) the ICV, then zero
    /// padding to the IPv4 4-byte / IPv6 8-byte alignment.
    /// </summary>
    public ReadOnlyMemory<byte> IcvAndPadding { get; init; }

    /// <summary>Total AH length in bytes.</summary>
    public int Length => FixedLength + IcvAndPadding.Length;

    /// <summary>The Payload Len byte: <c>Length / 4 − 2</c>.</summary>
    public byte PayloadLength => (byte)(Length / 4 - 2);

    /// <summary>Reads the header, ICV and padding from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out AhHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the header; fails when fewer than 12 bytes are there, Payload Len is 0, or the length it gives runs past the buffer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out AhHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < FixedLength)
        {
            fault = WireFault.Truncated("AH.SequenceNumber", FixedLength, source.Length);
            return false;
        }

        int payloadLength = source[PayloadLengthOffset];
        int length = (payloadLength + 2) * 4;
        if (length < FixedLength)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "AH.PayloadLength",
                $"has Payload Len {payloadLength} ({length} bytes), below the 12-byte fixed part");
            return false;
        }

        if (source.Length < length)
        {
            fault = new WireFault(NdisStatus.InvalidLength, "AH.PayloadLength",
                $"with Payload Len {payloadLength} needs {length} bytes, frame has {source.Length}");
            return false;
        }

        header = new AhHeader
        {
            NextHeader = source[NextHeaderOffset],
            Reserved = BinaryPrimitives.ReadUInt16BigEndian(source[ReservedOffset..]),
            Spi = BinaryPrimitives.ReadUInt32BigEndian(source[SpiOffset..]),
            SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(source[SequenceNumberOffset..]),
            IcvAndPadding = source[IcvOffset..length].ToArray(),
        };
        return true;
    }

    /// <summary>Writes <see cref="Length"/> bytes; throws on a short destination or when the length is not a multiple of 4 (at most 1028).</summary>
    public void Write(Span<byte> destination)
    {
        if (Length % 4 != 0 || Length > (byte.MaxValue + 2) * 4)
        {
            throw new InvalidOperationException($"AH of {Length} bytes cannot be expressed in 32-bit words by Payload Len.");
        }

        WireBits.RequireLength(destination, Length, "AH");
        destination[NextHeaderOffset] = NextHeader;
        destination[PayloadLengthOffset] = PayloadLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination[ReservedOffset..], Reserved);
        BinaryPrimitives.WriteUInt32BigEndian(destination[SpiOffset..], Spi);
        BinaryPrimitives.WriteUInt32BigEndian(destination[SequenceNumberOffset..], SequenceNumber);
        IcvAndPadding.Span.CopyTo(destination[IcvOffset..]);
    }

    /// <summary>
    /// Total AH length for an ICV (and an AES-GMAC IV), padded to 4 bytes for IPv4 or 8 bytes for
    /// IPv6, with only the minimum padding (wire-formats §2.1: SHA-256-128 → 28 / 32).
    /// </summary>
    public static int LengthFor(int icvLength, int ivLength, bool ipv6)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(icvLength);
        ArgumentOutOfRangeException.ThrowIfNegative(ivLength);
        int alignment = ipv6 ? 8 : 4;
        int raw = FixedLength + ivLength + icvLength;
        int length = (raw + alignment - 1) / alignment * alignment;
        if (length > (byte.MaxValue + 2) * 4)
        {
            throw new ArgumentOutOfRangeException(nameof(icvLength), $"AH of {length} bytes exceeds what Payload Len can express.");
        }

        return length;
    }

    /// <summary>Zero padding bytes after the ICV for the given alignment (0 or 4 for the ICVs in use).</summary>
    public static int PaddingLengthFor(int icvLength, int ivLength, bool ipv6) =>
        LengthFor(icvLength, ivLength, ipv6) - FixedLength - ivLength - icvLength;
}
