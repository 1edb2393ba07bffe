using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>The ESP header: SPI and the low 32 bits of the sequence number (RFC 4303 §2; wire-formats §1.1).</summary>
public readonly struct EspHeader
{
    // RFC 4303 §2 (https://www.rfc-editor.org/rfc/rfc4303#section-2):
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |               Security Parameters Index (SPI)                 |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                      Sequence Number                          |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |          IV, Payload Data, Padding, Pad Length, Next Header   ~
    // ~          ICV                                                  |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int SpiOffset = 0, SequenceNumberOffset = 4, Length = 8;

    /// <summary>Security Parameters Index; 0 is never sent (and marks IKE on port 4500).</summary>
    public uint Spi { get; init; }

    /// <summary>Sequence Number: the low 32 bits of the SA counter (the ESN high word is never on the wire).</summary>
    public uint SequenceNumber { get; init; }

    /// <summary>Reads the 8 bytes from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EspHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the 8 bytes; fails only when fewer are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EspHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < Length)
        {
            fault = WireFault.Truncated("ESP.SequenceNumber", Length, source.Length);
            return false;
        }

        header = new EspHeader
        {
            Spi = BinaryPrimitives.ReadUInt32BigEndian(source[SpiOffset..]),
            SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(source[SequenceNumberOffset..]),
        };
        return true;
    }

    /// <summary>Writes the 8 bytes; throws when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        WireBits.RequireLength(destination, Length, "ESP header");
        BinaryPrimitives.WriteUInt32BigEndian(destination[SpiOffset..], Spi);
        BinaryPrimitives.WriteUInt32BigEndian(destination[SequenceNumberOffset..], SequenceNumber);
    }
}
