using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Conformance.Cases;

/// <summary>
/// Values for cases, drawn from the case's seeded random source: full-range SPIs and sequence numbers
/// with every byte non-zero (a field read at the wrong offset shows), SAs with random keys, and plaintext
/// IPv4/IPv6 UDP datagrams with correct lengths and checksums.
/// </summary>
public static class CaseKit
{
    private const int Ipv4Length = 20, Ipv6Length = 40, UdpLength = 8, UdpLengthOffset = 4;

    /// <summary>Random bytes, none of them zero.</summary>
    public static byte[] Bytes(Random random, int length)
    {
        ArgumentNullException.ThrowIfNull(random);
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = bytes[i] == 0 ? (byte)0xA7 : bytes[i];
        }

        return bytes;
    }

    /// <summary>A full-range SPI with every byte non-zero.</summary>
    public static uint Spi(Random random) => BinaryPrimitives.ReadUInt32BigEndian(Bytes(random, 4));

    /// <summary>A full-range 32-bit sequence number with every byte non-zero, below 2^32 − 64 so successors fit.</summary>
    public static ulong Sequence(Random random) => Math.Min(BinaryPrimitives.ReadUInt32BigEndian(Bytes(random, 4)), uint.MaxValue - 64);

    /// <summary>An ESP SA: <paramref name="cipher"/> (null: none) and <paramref name="mac"/> (null: none, e.g. AES-GCM) with random keys.</summary>
    public static SaSpec Esp(Random random, CryptoAlgorithm? cipher, CryptoAlgorithm? mac, bool esn = false, uint high = 0, int? icvLength = null) => new()
    {
        Protocol = IpsecProtocol.Esp,
        Spi = Spi(random),
        Encryption = cipher,
        EncryptionKey = cipher is null ? [] : Bytes(random, cipher.KeyMaterialLength),
        Integrity = mac,
        IntegrityKey = mac is null ? [] : Bytes(random, mac.KeyMaterialLength),
        IcvLength = icvLength ?? (cipher is { Kind: CryptoAlgorithmKind.Aead } ? 16 : mac?.DefaultIcvLength ?? 0),
        Esn = esn,
        SequenceNumberHigh = high,
    };

    /// <summary>An AH SA with <paramref name="mac"/> and a random key.</summary>
    public static SaSpec Ah(Random random, CryptoAlgorithm mac, bool esn = false, uint high = 0)
    {
        ArgumentNullException.ThrowIfNull(mac);
        return new SaSpec
        {
            Protocol = IpsecProtocol.Ah,
            Spi = Spi(random),
            Integrity = mac,
            IntegrityKey = Bytes(random, mac.KeyMaterialLength),
            IcvLength = mac.DefaultIcvLength,
            Esn = esn,
            SequenceNumberHigh = high,
        };
    }

    /// <summary>The plain ESP SA of each API: v1 3DES + HMAC-SHA1, v2 AES-CBC-256 + HMAC-SHA-256, v2 EX AES-GCM-128.</summary>
    public static SaSpec EspFor(SaApi api, Random random) => api switch
    {
        SaApi.V1 => Esp(random, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1),
        SaApi.V2 => Esp(random, CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256),
        _ => Esp(random, CryptoAlgorithm.AesGcm128, null),
    };

    /// <summary>The feature of <see cref="EspFor"/>.</summary>
    public static Feature EspFeatureFor(SaApi api) => api switch
    {
        SaApi.V1 => Features.V1Esp(),
        SaApi.V2 => Features.V2Esp(CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256),
        _ => Features.V2Esp(CryptoAlgorithm.AesGcm128, null),
    };

    /// <summary>An IPv4 UDP datagram: random addresses, ID, TTL, ports and payload; lengths and header checksum correct; DF set.</summary>
    public static byte[] Udp4(Random random, int payloadLength)
    {
        byte[] packet = Bytes(random, Ipv4Length + UdpLength + payloadLength);
        packet[0] = 0x45;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40;
        packet[7] = 0;
        packet[9] = IpProtocol.Udp;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(Ipv4Length + UdpLengthOffset), (ushort)(UdpLength + payloadLength));
        IPv4Header.WriteChecksum(packet.AsSpan(0, Ipv4Length));
        return packet;
    }

    /// <summary>An IPv6 UDP datagram without extension headers: random addresses, flow label and payload.</summary>
    public static byte[] Udp6(Random random, int payloadLength)
    {
        byte[] packet = Bytes(random, Ipv6Length + UdpLength + payloadLength);
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(UdpLength + payloadLength));
        packet[6] = IpProtocol.Udp;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(Ipv6Length + UdpLengthOffset), (ushort)(UdpLength + payloadLength));
        return packet;
    }

    /// <summary>Frames <paramref name="plain"/> for one SA with sequence number <paramref name="sequence"/> and a random IV.</summary>
    public static FramedPacket Frame(Random random, byte[] plain, SaSpec sa, ulong sequence, TunnelHeader? tunnel = null, UdpEspPorts? udp = null)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return TransportSimulator.Frame(plain, [TransportSimulator.Framing(sa, sequence, Bytes(random, sa.IvLength), tunnel, udp)]);
    }

    /// <summary>An outer IPv4 tunnel header with random addresses and identification (TTL 63).</summary>
    public static TunnelHeader Tunnel4(Random random) =>
        TunnelHeader.IPv4(BinaryPrimitives.ReadUInt32BigEndian(Bytes(random, 4)), BinaryPrimitives.ReadUInt32BigEndian(Bytes(random, 4)),
            ttl: 0x3f, identification: BinaryPrimitives.ReadUInt16BigEndian(Bytes(random, 2)));

    /// <summary>
    /// The first <paramref name="length"/> bytes of an IPv4 packet with Total Length and header checksum fixed, so
    /// the cut is consistent at IP level and only the IPsec headers inside are incomplete.
    /// </summary>
    public static byte[] TruncateIpv4(byte[] packet, int length)
    {
        ArgumentNullException.ThrowIfNull(packet);
        byte[] cut = packet[..length];
        BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(2), (ushort)length);
        IPv4Header.WriteChecksum(cut.AsSpan(0, (cut[0] & 0x0F) * 4));
        return cut;
    }

    /// <summary>The Ethernet frame of a framed packet.</summary>
    public static byte[] EthernetFrame(FramedPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return TransportSimulator.EthernetFrame(packet.Packet);
    }
}
