using System.Buffers.Binary;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>One ESP transform of the reference miniport's v2 capabilities: cipher or AEAD, integrity, ICV length.</summary>
public sealed record EspAlgorithm(string Name, CryptoAlgorithm? Cipher, CryptoAlgorithm? Mac, int IcvLength)
{
    /// <summary>An SA with this transform, random keys and a full-range SPI.</summary>
    public SaSpec Sa(Random random, bool esn = false, uint high = 0) => CaseKit.Esp(random, Cipher, Mac, esn, high, IcvLength);

    public override string ToString() => Name;
}

/// <summary>Packets, SAs and byte surgery for the oracle's tests; every value comes from a seeded random source.</summary>
internal static class OracleKit
{
    public const int Ethernet = TransportSimulator.EthernetHeaderLength;

    /// <summary>
    /// Every ESP transform of the v2 capabilities: AES-CBC-128/192/256, 3DES and DES each with HMAC-SHA1/SHA-256/MD5,
    /// ESP-NULL with each HMAC, AES-GCM-128/192/256 with ICV 8/12/16, AES-GMAC-128/192/256.
    /// </summary>
    public static readonly EspAlgorithm[] EspAlgorithms = BuildEspAlgorithms();

    /// <summary>Every AH integrity transform: HMAC-SHA1/SHA-256/MD5 and AES-GMAC-128/192/256.</summary>
    public static readonly CryptoAlgorithm[] AhAlgorithms =
    [
        CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256, CryptoAlgorithm.HmacMd5,
        CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256,
    ];

    private static EspAlgorithm[] BuildEspAlgorithms()
    {
        var list = new List<EspAlgorithm>();
        CryptoAlgorithm[] macs = [CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256, CryptoAlgorithm.HmacMd5];
        foreach (CryptoAlgorithm cipher in new[] { CryptoAlgorithm.AesCbc128, CryptoAlgorithm.AesCbc192, CryptoAlgorithm.AesCbc256,
            CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.DesCbc, CryptoAlgorithm.EspNull })
        {
            list.AddRange(macs.Select(mac => new EspAlgorithm($"{cipher.Name}+{mac.Name}", cipher, mac, mac.DefaultIcvLength)));
        }

        foreach (CryptoAlgorithm gcm in new[] { CryptoAlgorithm.AesGcm128, CryptoAlgorithm.AesGcm192, CryptoAlgorithm.AesGcm256 })
        {
            list.AddRange(new[] { 8, 12, 16 }.Select(icv => new EspAlgorithm($"{gcm.Name}-icv{icv}", gcm, null, icv)));
        }

        list.AddRange(new[] { CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256 }
            .Select(gmac => new EspAlgorithm(gmac.Name, null, gmac, 16)));
        return [.. list];
    }

    /// <summary>Frames <paramref name="plain"/> for one SA (random IV) with an optional tunnel header or UDP encapsulation.</summary>
    public static FramedPacket Frame(Random random, byte[] plain, SaSpec sa, ulong sequence, TunnelHeader? tunnel = null, UdpEspPorts? udp = null) =>
        CaseKit.Frame(random, plain, sa, sequence, tunnel, udp);

    /// <summary>The framing of one SA for one packet with a random IV.</summary>
    public static FramingSa Framing(Random random, SaSpec sa, ulong sequence, TunnelHeader? tunnel = null) =>
        TransportSimulator.Framing(sa, sequence, CaseKit.Bytes(random, sa.IvLength), tunnel);

    /// <summary>An outer IPv4 header with random endpoints and identification.</summary>
    public static TunnelHeader OuterV4(Random random) =>
        TunnelHeader.IPv4(CaseKit.Spi(random), CaseKit.Spi(random), ttl: 0x3f, identification: BinaryPrimitives.ReadUInt16BigEndian(CaseKit.Bytes(random, 2)),
            flags: IPv4Flags.DontFragment, typeOfService: 0x28);

    /// <summary>An outer IPv6 header with random endpoints and flow label.</summary>
    public static TunnelHeader OuterV6(Random random) =>
        TunnelHeader.IPv6(CaseKit.Bytes(random, 16), CaseKit.Bytes(random, 16), hopLimit: 0x40, trafficClass: 0x28, flowLabel: 0x5_4321);

    /// <summary>
    /// An IPv4 UDP datagram with 12 option bytes (IHL 8). <paramref name="sourceRoute"/> false: Router Alert
    /// (immutable) and Record Route with one recorded address (mutable). True: a Loose Source Route with two
    /// addresses still to visit (mutable, its last address the final destination the AH ICV uses) and a NOP.
    /// </summary>
    public static byte[] Udp4WithOptions(Random random, int payloadLength, bool sourceRoute = false)
    {
        byte[] options = sourceRoute
            ? [0x83, 11, 4, .. CaseKit.Bytes(random, 8), 0x01]
            : [0x94, 4, 0, 0, 0x07, 7, 8, .. CaseKit.Bytes(random, 4), 0x00];
        byte[] plain = CaseKit.Udp4(random, payloadLength);
        byte[] packet = [.. plain.AsSpan(0, 20), .. options, .. plain.AsSpan(20)];
        packet[0] = 0x48;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        IPv4Header.WriteChecksum(packet.AsSpan(0, 32));
        return packet;
    }

    /// <summary>
    /// An IPv6 UDP datagram with Hop-by-Hop (one option whose data may change en route, 0x3E), Destination Options
    /// (immutable option 0x1E), a Routing header and a Destination Options header for the final destination.
    /// <paramref name="pendingSegment"/> false: routing type 0 with Segments Left 0; true: type 2 (RFC 6275) with
    /// one address still to visit, which the AH ICV takes in its final-destination form.
    /// </summary>
    public static byte[] Udp6WithExtensions(Random random, int payloadLength, bool pendingSegment = false)
    {
        byte[] plain = CaseKit.Udp6(random, payloadLength);
        byte[] hopByHop = [IpProtocol.DestinationOptions, 0, 0x3E, 4, .. CaseKit.Bytes(random, 4)];
        byte[] destination = [IpProtocol.Routing, 0, 0x1E, 4, .. CaseKit.Bytes(random, 4)];
        byte[] routing = [IpProtocol.DestinationOptions, 2, (byte)(pendingSegment ? 2 : 0), (byte)(pendingSegment ? 1 : 0), 0, 0, 0, 0, .. CaseKit.Bytes(random, 16)];
        byte[] finalDestination = [IpProtocol.Udp, 0, 0x1D, 4, .. CaseKit.Bytes(random, 4)];
        byte[] packet = [.. plain.AsSpan(0, 40), .. hopByHop, .. destination, .. routing, .. finalDestination, .. plain.AsSpan(40)];
        packet[6] = IpProtocol.HopByHop;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(packet.Length - 40));
        return packet;
    }

    /// <summary>
    /// An IPv4 or IPv6 TCP packet for LSO: random addresses, ports, sequence and acknowledgment numbers, a
    /// 12-byte timestamp option, ACK|PSH, <paramref name="payloadLength"/> random bytes; lengths and checksums right.
    /// </summary>
    public static byte[] Tcp(Random random, int payloadLength, bool ipv6)
    {
        const int TcpLength = 32;
        int ipLength = ipv6 ? 40 : 20;
        byte[] packet = new byte[ipLength + TcpLength + payloadLength];
        Span<byte> tcp = packet.AsSpan(ipLength);
        CaseKit.Bytes(random, 12).CopyTo(tcp); // ports, sequence, acknowledgment
        tcp[12] = (TcpLength / 4) << 4;
        tcp[13] = 0x18; // ACK | PSH
        CaseKit.Bytes(random, 2).CopyTo(tcp[14..]);
        tcp[20] = 1;
        tcp[21] = 1;
        tcp[22] = 8;
        tcp[23] = 10; // NOP, NOP, timestamps (RFC 7323)
        CaseKit.Bytes(random, 8).CopyTo(tcp[24..]);
        CaseKit.Bytes(random, payloadLength).CopyTo(tcp[TcpLength..]);
        uint pseudo;
        if (ipv6)
        {
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(TcpLength + payloadLength));
            packet[6] = IpProtocol.Tcp;
            packet[7] = 64;
            CaseKit.Bytes(random, 32).CopyTo(packet, 8);
            pseudo = InternetChecksum.PseudoHeaderSumIPv6(packet.AsSpan(8, 16), packet.AsSpan(24, 16), IpProtocol.Tcp, (uint)(TcpLength + payloadLength));
        }
        else
        {
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            CaseKit.Bytes(random, 2).CopyTo(packet, 4);
            packet[6] = 0x40;
            packet[8] = 64;
            packet[9] = IpProtocol.Tcp;
            CaseKit.Bytes(random, 8).CopyTo(packet, 12);
            IPv4Header.WriteChecksum(packet.AsSpan(0, 20));
            pseudo = InternetChecksum.PseudoHeaderSumIPv4(BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(12)),
                BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(16)), IpProtocol.Tcp, (ushort)(TcpLength + payloadLength));
        }

        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.ComputeExcludingField(pseudo, tcp, 16));
        return packet;
    }

    /// <summary>A copy of <paramref name="frame"/> with the byte at IP offset <paramref name="ipOffset"/> XORed with 0x5A.</summary>
    public static byte[] Flip(byte[] frame, int ipOffset)
    {
        byte[] copy = [.. frame];
        copy[Ethernet + ipOffset] ^= 0x5A;
        return copy;
    }

    /// <summary>
    /// Recomputes the HMAC ICV of the ESP header <paramref name="header"/> (framer's record) in
    /// <paramref name="frame"/> with BouncyCastle (no ESN), as a NIC that wrote the wrong bytes but signed them would.
    /// </summary>
    public static void Resign(byte[] frame, FramedHeader header, SaSpec sa)
    {
        using IIntegrityTransform mac = BouncyCastleCryptoBackend.Instance.CreateIntegrity(sa.Integrity!, sa.IntegrityKey);
        mac.Start([]);
        mac.Append(frame.AsSpan(Ethernet + header.Offset, header.IcvOffset - header.Offset));
        mac.Finish(frame.AsSpan(Ethernet + header.IcvOffset, header.IcvLength));
    }

    /// <summary>Every key of <paramref name="sas"/> in upper- and lower-case hex (non-empty keys only).</summary>
    public static IEnumerable<string> KeyHex(IEnumerable<SaSpec> sas) =>
        sas.SelectMany(s => new[] { s.EncryptionKey, s.IntegrityKey }).Where(k => k.Length > 0)
            .SelectMany(k => new[] { Convert.ToHexString(k), Convert.ToHexStringLower(k), string.Join(' ', k.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) });
}
