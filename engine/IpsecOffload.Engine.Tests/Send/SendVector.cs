using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Send;

/// <summary>One SA of a vector: what to create on a backend and how the transport frames with it.</summary>
public sealed record VectorSa(IpsecProtocol Protocol, uint Spi, ulong SequenceNumber, string Iv, int IcvLength)
{
    public CryptoAlgorithm? Cipher { get; init; }
    public string CipherKey { get; init; } = "";
    public CryptoAlgorithm? Aead { get; init; }
    /// <summary>AES key ‖ 4-byte salt.</summary>
    public string AeadKey { get; init; } = "";
    public CryptoAlgorithm? Integrity { get; init; }
    public string IntegrityKey { get; init; } = "";
    public bool Esn { get; init; }
    public TunnelHeader? Tunnel { get; init; }
    public UdpEspPorts? Udp { get; init; }

    public SaTransform Create(ICryptoBackend backend) => new(Protocol, Spi, Esn, (uint)(SequenceNumber >> 32),
        Cipher is null ? null : backend.CreateCipher(Cipher, Hex.Parse(CipherKey)),
        Aead is null ? null : backend.CreateAead(Aead, Hex.Parse(AeadKey), IcvLength),
        Integrity is null ? null : backend.CreateIntegrity(Integrity, Hex.Parse(IntegrityKey)));

    public FramingSa Framing(SaTransform sa) => FramingSa.For(sa, SequenceNumber, Hex.Parse(Iv), Tunnel, Udp);
}

/// <summary>
/// A published (or §6.7 derived) packet: the plaintext IP packet the transport starts from, the SA
/// bundle, and the packet on the wire. <see cref="CompareFrom"/> &gt; 0 when the source publishes only
/// the ESP part (draft-mcgrew, Linux/Scapy ESP data): the framer then gets a synthetic outer header
/// and the comparison starts at that offset of the output.
/// </summary>
public sealed record SendVector(string Id, byte[] Input, string Expected, VectorSa[] Bundle, int CompareFrom = 0)
{
    public VectorSa[] TunnelBundle { get; init; } = [];

    public override string ToString() => Id;
}

/// <summary>Builders shared by the vector tables.</summary>
internal static class VectorBuild
{
    public static byte[] H(string hex) => Hex.Parse(hex);

    public static string Rep(string hexByte, int count) => string.Concat(Enumerable.Repeat(hexByte, count));

    /// <summary>An IPv4 packet from a 20-byte header template with Protocol, Total Length and checksum set.</summary>
    public static byte[] IPv4(string header20, byte protocol, byte[] payload)
    {
        byte[] header = H(header20);
        var packet = new byte[header.Length + payload.Length];
        header.CopyTo(packet, 0);
        payload.CopyTo(packet, header.Length);
        packet[9] = protocol;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        IPv4Header.WriteChecksum(packet.AsSpan(0, (packet[0] & 0x0F) * 4));
        return packet;
    }

    /// <summary>The synthetic transport-mode carrier for ESP-only vectors: 192.0.2.1 → 192.0.2.2, ID 0, TTL 64.</summary>
    public static byte[] Carrier(byte nextHeader, byte[] payload) =>
        IPv4("45000000" + "00000000" + "40000000" + "c0000201" + "c0000202", nextHeader, payload);

    /// <summary>The payload of a plaintext that ends with an ESP trailer (pad length at [^2]).</summary>
    public static byte[] StripTrailer(byte[] plaintext) => plaintext[..^(plaintext[^2] + 2)];

    public static TunnelHeader V4(uint source, uint destination, ushort id, byte ttl, IPv4Flags flags = IPv4Flags.None) =>
        TunnelHeader.IPv4(source, destination, ttl, id, flags);

    public static TunnelHeader V6(string source, string destination, byte hopLimit) =>
        TunnelHeader.IPv6(H(source), H(destination), hopLimit);
}
