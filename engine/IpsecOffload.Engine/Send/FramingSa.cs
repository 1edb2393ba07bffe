using IpsecOffload.Engine.Sa;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// What the transport knows about one outbound SA when it frames a packet (SEND-10): protocol,
/// mode, SPI, the 64-bit sequence number it assigned, the IV it chose (AMB-01), and the sizes the
/// SA's algorithms imply. The framer writes no key-dependent bytes.
/// </summary>
public sealed record FramingSa
{
    /// <summary>ESP or AH.</summary>
    public required IpsecProtocol Protocol { get; init; }

    /// <summary>The SPI as on the wire.</summary>
    public required uint Spi { get; init; }

    /// <summary>The 64-bit sequence number; only the low 32 bits go on the wire (wire-formats §1.5).</summary>
    public required ulong SequenceNumber { get; init; }

    /// <summary>
    /// The explicit IV written after the sequence number: the cipher's or AEAD's IV, or the 8-byte
    /// AES-GMAC IV (ESP NULL-AUTH, or inside AH before the ICV). Empty when the SA has none.
    /// </summary>
    public ReadOnlyMemory<byte> Iv { get; init; }

    /// <summary>ICV bytes: zeros the framer reserves (ESP placeholder, AH ICV field).</summary>
    public required int IcvLength { get; init; }

    /// <summary>ESP only: the alignment of Payload ‖ Padding ‖ PadLength ‖ NextHeader (4, 8 or 16; wire-formats §1.2).</summary>
    public int EspPadAlignment { get; init; } = 4;

    /// <summary>The outer header for a tunnel-mode SA; null for transport mode.</summary>
    public TunnelHeader? Tunnel { get; init; }

    /// <summary>ESP only: the UDP ports when the SA is UDP-encapsulated (RFC 3948), else null.</summary>
    public UdpEspPorts? UdpEncapsulation { get; init; }

    /// <summary>
    /// The framing parameters of <paramref name="sa"/>: its protocol, SPI, IV and ICV lengths and pad
    /// alignment, with the given sequence number and IV. Throws when the IV length differs from the SA's.
    /// </summary>
    public static FramingSa For(SaTransform sa, ulong sequenceNumber, ReadOnlyMemory<byte> iv,
        TunnelHeader? tunnel = null, UdpEspPorts? udpEncapsulation = null)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (iv.Length != sa.IvLength)
        {
            throw new ArgumentException($"SA {sa} takes a {sa.IvLength}-byte IV; got {iv.Length} bytes.", nameof(iv));
        }

        return new FramingSa
        {
            Protocol = sa.Protocol,
            Spi = sa.Spi,
            SequenceNumber = sequenceNumber,
            Iv = iv,
            IcvLength = sa.IcvLength,
            EspPadAlignment = sa.Protocol == IpsecProtocol.Esp ? sa.EspPadAlignment : 4,
            Tunnel = tunnel,
            UdpEncapsulation = udpEncapsulation,
        };
    }
}
