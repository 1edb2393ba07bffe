using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>What a UDP payload on the NAT-T port is (RFC 3948 §2; wire-formats §4.1).</summary>
public enum UdpEncapsulatedKind
{
    /// <summary>Neither ESP, IKE nor a keepalive: an empty payload, or 1–3 bytes that are not a keepalive.</summary>
    Unknown = 0,
    /// <summary>ESP: the first 4 bytes (the SPI) are not zero.</summary>
    Esp,
    /// <summary>IKE: a 4-byte zero Non-ESP Marker precedes the IKE header.</summary>
    Ike,
    /// <summary>NAT-keepalive: exactly one byte, 0xFF.</summary>
    NatKeepalive,
}

/// <summary>UDP encapsulation of ESP (RFC 3948): classification of the UDP payload and the fixed formats.</summary>
public static class UdpEncapsulation
{
    // RFC 3948 §2.1–2.3 (https://www.rfc-editor.org/rfc/rfc3948#section-2):
    //   ESP:  | UDP header (8) | SPI != 0 (4) | Sequence Number (4) | ...
    //   IKE:  | UDP header (8) | Non-ESP Marker 00 00 00 00 (4) | IKE header ...
    //   NAT-keepalive: | UDP header (8) | 0xFF |
    internal const int NonEspMarkerOffset = 0, NonEspMarkerLength = 4, KeepaliveLength = 1;

    /// <summary>The IKE NAT-T / ESP-in-UDP port.</summary>
    public const ushort Port = 4500;

    /// <summary>The one payload byte of a NAT-keepalive.</summary>
    public const byte KeepaliveByte = 0xFF;

    /// <summary>Classifies a UDP payload (the bytes after the UDP header, up to the UDP length).</summary>
    public static UdpEncapsulatedKind Classify(ReadOnlySpan<byte> udpPayload)
    {
        if (udpPayload.Length == KeepaliveLength && udpPayload[0] == KeepaliveByte)
        {
            return UdpEncapsulatedKind.NatKeepalive;
        }

        if (udpPayload.Length < NonEspMarkerLength)
        {
            return UdpEncapsulatedKind.Unknown;
        }

        return BinaryPrimitives.ReadUInt32BigEndian(udpPayload[NonEspMarkerOffset..]) == 0
            ? UdpEncapsulatedKind.Ike
            : UdpEncapsulatedKind.Esp;
    }

    /// <summary>True when either port is <see cref="Port"/>.</summary>
    public static bool IsNatTraversalPort(UdpHeader header) =>
        header.SourcePort == Port || header.DestinationPort == Port;

    /// <summary>Writes the 4-byte Non-ESP Marker; throws when the destination is shorter.</summary>
    public static void WriteNonEspMarker(Span<byte> destination)
    {
        WireBits.RequireLength(destination, NonEspMarkerLength, "Non-ESP marker");
        destination[..NonEspMarkerLength].Clear();
    }

    /// <summary>Writes the one-byte NAT-keepalive payload; throws when the destination is empty.</summary>
    public static void WriteKeepalive(Span<byte> destination)
    {
        WireBits.RequireLength(destination, KeepaliveLength, "NAT-keepalive");
        destination[0] = KeepaliveByte;
    }
}
