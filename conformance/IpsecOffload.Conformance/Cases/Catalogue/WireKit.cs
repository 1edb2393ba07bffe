using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// Packets and names for the wire-level cases: IPv4 datagrams with options, IPv6 datagrams with
/// non-IPsec extension headers, TCP packets for LSO, random tunnel outer headers, the algorithm
/// combinations the v2 capability can advertise, and Pascal-case names. All randomness comes from the
/// case's seeded source; multi-byte fields are full range with every byte non-zero where it matters.
/// </summary>
internal static class WireKit
{
    // IPv4 header (RFC 791 §3.1): Version/IHL @0 | TOS @1 | Total Length @2 (2) | Identification @4 (2) |
    // Flags/Fragment Offset @6 (2) | TTL @8 | Protocol @9 | Header Checksum @10 (2) | Source @12 | Destination @16 | Options @20.
    private const int V4Length = 20, V4TotalLength = 2;

    // TCP header (RFC 9293 §3.1): ports @0 | Sequence Number @4 | Ack @8 | Data Offset @12 | Flags @13 | Window @14 | Checksum @16 | Urgent @18; 20 bytes.
    private const int TcpMinimumLength = 20, TcpChecksum = 16;

    // IPv6 header (RFC 8200 §3): Version/TC/Flow @0 (4) | Payload Length @4 (2) | Next Header @6 | Hop Limit @7 | addresses @8.
    // Options header (§4.3/§4.6): Next Header @0 | Hdr Ext Len @1 | options (PadN: type 1, length, zeros).
    private const int V6Length = 40, V6PayloadLength = 4, V6NextHeader = 6;

    /// <summary>Both values of a flag (IPv4 then IPv6, off then on).</summary>
    public static readonly bool[] FalseTrue = [false, true];

    /// <summary>A v2 ESP transform: its display name (Pascal), cipher, MAC and ICV length.</summary>
    internal sealed record EspTransform(string Name, CryptoAlgorithm Cipher, CryptoAlgorithm? Mac, int IcvLength)
    {
        /// <summary>The SA with random keys.</summary>
        public Engine.Transport.SaSpec Sa(Random random, bool esn = false, uint high = 0) =>
            CaseKit.Esp(random, Cipher, Mac, esn, high, IcvLength);

        /// <summary>The capability the transform needs.</summary>
        public Feature Feature => Features.V2Esp(Cipher, Mac);

        /// <summary>Bytes the payload, padding, Pad Length and Next Header align to.</summary>
        public int Block => Math.Max(4, Cipher.EspPadAlignment);
    }

    /// <summary>
    /// Every ESP transform the v2 capability can advertise: AES-CBC-128/192/256, 3DES, DES and ESP-NULL
    /// each with HMAC-MD5/SHA1/SHA256; AES-GCM-128/192/256 with ICV 8/12/16; AES-GMAC-128/192/256 with ESP-NULL.
    /// </summary>
    public static IReadOnlyList<EspTransform> AllEspTransforms { get; } = BuildTransforms();

    private static List<EspTransform> BuildTransforms()
    {
        List<EspTransform> list = [];
        foreach (CryptoAlgorithm cipher in new[] { CryptoAlgorithm.AesCbc128, CryptoAlgorithm.AesCbc192, CryptoAlgorithm.AesCbc256, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.DesCbc, CryptoAlgorithm.EspNull })
        {
            foreach (CryptoAlgorithm mac in new[] { CryptoAlgorithm.HmacMd5, CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256 })
            {
                list.Add(new EspTransform(NameOf(cipher) + NameOf(mac), cipher, mac, mac.DefaultIcvLength));
            }
        }

        foreach (CryptoAlgorithm gcm in new[] { CryptoAlgorithm.AesGcm128, CryptoAlgorithm.AesGcm192, CryptoAlgorithm.AesGcm256 })
        {
            foreach (int icv in gcm.IcvLengths)
            {
                list.Add(new EspTransform(NameOf(gcm) + "Icv" + icv.ToString(CultureInfo.InvariantCulture), gcm, null, icv));
            }
        }

        foreach (CryptoAlgorithm gmac in new[] { CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256 })
        {
            list.Add(new EspTransform(NameOf(gmac), CryptoAlgorithm.EspNull, gmac, gmac.DefaultIcvLength));
        }

        return list;
    }

    /// <summary>The transform named <paramref name="name"/> (e.g. <c>AesGcm128Icv16</c>).</summary>
    public static EspTransform Transform(string name) => AllEspTransforms.Single(t => t.Name == name);

    /// <summary>An algorithm's name in a case name: its <see cref="CryptoAlgorithmId"/> (<c>AesCbc128</c>, <c>TripleDesCbc</c>, <c>HmacSha256</c>).</summary>
    public static string NameOf(CryptoAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return algorithm.Id.ToString();
    }

    /// <summary>Pascal case of a hyphenated or dotted id: <c>dpdk-esp-aes-gcm128</c> → <c>DpdkEspAesGcm128</c>.</summary>
    public static string Pascal(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var text = new StringBuilder(id.Length);
        bool upper = true;
        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                upper = true;
                continue;
            }

            text.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return text.ToString();
    }

    /// <summary>A UDP datagram over IPv4 or IPv6 (no extension headers).</summary>
    public static byte[] Udp(Random random, bool ipv6, int payload) => ipv6 ? CaseKit.Udp6(random, payload) : CaseKit.Udp4(random, payload);

    /// <summary>
    /// An IPv4 UDP datagram with <paramref name="optionsLength"/> bytes of IPv4 options (NOPs, ending with
    /// End of Option List: immutable options, RFC 4302 Appendix A.1); header checksum correct.
    /// </summary>
    public static byte[] Udp4WithOptions(Random random, int payload, int optionsLength = 8)
    {
        byte[] plain = CaseKit.Udp4(random, payload);
        int header = V4Length + optionsLength;
        byte[] packet = [.. plain.AsSpan(0, V4Length), .. new byte[optionsLength], .. plain.AsSpan(V4Length)];
        packet.AsSpan(V4Length, optionsLength).Fill(1);
        packet[header - 1] = 0;
        packet[0] = (byte)(0x40 | (header / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(V4TotalLength), checked((ushort)packet.Length));
        IPv4Header.WriteChecksum(packet.AsSpan(0, header));
        return packet;
    }

    /// <summary>
    /// An IPv6 UDP datagram with a Hop-by-Hop Options header and a Destination Options header (each 8
    /// bytes of PadN, whose option type is immutable en route, RFC 8200 §4.2) in front of UDP.
    /// </summary>
    public static byte[] Udp6WithExtensions(Random random, int payload)
    {
        byte[] plain = CaseKit.Udp6(random, payload);
        byte[] hopByHop = [IpProtocol.DestinationOptions, 0, 1, 4, 0, 0, 0, 0];
        byte[] destination = [IpProtocol.Udp, 0, 1, 4, 0, 0, 0, 0];
        byte[] packet = [.. plain.AsSpan(0, V6Length), .. hopByHop, .. destination, .. plain.AsSpan(V6Length)];
        packet[V6NextHeader] = IpProtocol.HopByHop;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(V6PayloadLength), checked((ushort)(packet.Length - V6Length)));
        return packet;
    }

    /// <summary>An IPv4 outer header with random full-range addresses, ID, TTL and TOS (DF set).</summary>
    public static TunnelHeader TunnelV4(Random random) =>
        TunnelHeader.IPv4(CaseKit.Spi(random), CaseKit.Spi(random), (byte)random.Next(1, 256), (ushort)random.Next(1, 65536),
            IPv4Flags.DontFragment, (byte)random.Next(256));

    /// <summary>An IPv6 outer header with random addresses, hop limit, traffic class and flow label.</summary>
    public static TunnelHeader TunnelV6(Random random) =>
        TunnelHeader.IPv6(CaseKit.Bytes(random, 16), CaseKit.Bytes(random, 16), (byte)random.Next(1, 256), (byte)random.Next(256),
            (uint)random.Next(1, 1 << 20));

    /// <summary>A full-range 32-bit value with every byte non-zero (ESN high halves).</summary>
    public static uint High(Random random) => CaseKit.Spi(random);

    /// <summary>
    /// A plaintext TCP packet over IPv4 or IPv6 with 12 bytes of TCP options (NOP, NOP, timestamps),
    /// random full-range fields, <paramref name="flags"/>, correct lengths, IPv4 header checksum and TCP checksum.
    /// </summary>
    public static byte[] Tcp(Random random, bool ipv6, int payload, TcpFlags flags)
    {
        const int TcpOptions = 12;
        int tcpHeader = TcpMinimumLength + TcpOptions;
        int ipHeader = ipv6 ? V6Length : V4Length;
        byte[] packet = new byte[ipHeader + tcpHeader + payload];
        Span<byte> tcp = packet.AsSpan(ipHeader);
        byte[] options = [1, 1, 8, 10, .. CaseKit.Bytes(random, 8)];
        new TcpHeader
        {
            SourcePort = (ushort)random.Next(1, 65536),
            DestinationPort = (ushort)random.Next(1, 65536),
            SequenceNumber = CaseKit.Spi(random),
            AcknowledgmentNumber = CaseKit.Spi(random),
            DataOffset = (byte)(tcpHeader / 4),
            Flags = flags,
            Window = (ushort)random.Next(1, 65536),
            UrgentPointer = 0,
            Options = options,
        }.Write(tcp);
        random.NextBytes(tcp[tcpHeader..]);
        uint pseudo;
        if (ipv6)
        {
            new IPv6Header
            {
                Version = 6,
                TrafficClass = (byte)random.Next(256),
                FlowLabel = (uint)random.Next(1 << 20),
                PayloadLength = checked((ushort)(packet.Length - V6Length)),
                NextHeader = IpProtocol.Tcp,
                HopLimit = (byte)random.Next(1, 256),
                Source = CaseKit.Bytes(random, 16),
                Destination = CaseKit.Bytes(random, 16),
            }.Write(packet);
            pseudo = InternetChecksum.PseudoHeaderSumIPv6(packet.AsSpan(8, 16), packet.AsSpan(24, 16), IpProtocol.Tcp, (uint)(tcpHeader + payload));
        }
        else
        {
            new IPv4Header
            {
                Version = 4,
                Ihl = V4Length / 4,
                TypeOfService = (byte)random.Next(256),
                TotalLength = checked((ushort)packet.Length),
                Identification = (ushort)random.Next(1, 65536),
                Flags = IPv4Flags.DontFragment,
                Ttl = (byte)random.Next(1, 256),
                Protocol = IpProtocol.Tcp,
                Source = CaseKit.Spi(random),
                Destination = CaseKit.Spi(random),
                Options = ReadOnlyMemory<byte>.Empty,
            }.Write(packet);
            IPv4Header.WriteChecksum(packet.AsSpan(0, V4Length));
            pseudo = InternetChecksum.PseudoHeaderSumIPv4(
                BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(12)), BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(16)),
                IpProtocol.Tcp, checked((ushort)(tcpHeader + payload)));
        }

        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpChecksum..], TcpHeader.ComputeChecksum(pseudo, tcp));
        return packet;
    }

    /// <summary>UDP payload sizes that hit the padding edges of <paramref name="block"/>: 0, 1, block − 1, block and 1400 bytes.</summary>
    public static int[] PaddingEdgeSizes(int block) => [.. new[] { 0, 1, block - 1, block, 1400 }.Distinct()];

    /// <summary>
    /// Sends each framed packet in its own NBL on <paramref name="handle"/> (and <paramref name="tunnelHandle"/>),
    /// all linked in one chain, and requires every one protected by <paramref name="sas"/> as the oracle judges it.
    /// </summary>
    public static void SendEachProtected(CaseContext c, ulong handle, IReadOnlyList<FramedPacket> packets, IReadOnlyList<Engine.Transport.SaSpec> sas,
        string requirement, string label, ulong tunnelHandle = 0, Oracle.OracleOptions? options = null)
    {
        Ndis.NetBufferList[] nbls = [.. packets.Select((p, i) => c.Nbl(SaApi.V2, [p], handle, tunnelHandle,
            name: string.Create(CultureInfo.InvariantCulture, $"{label}-{i}-{p.Packet.Length}B")))];
        c.Send(nbls);
        for (int i = 0; i < packets.Count; i++)
        {
            c.ExpectProtected(nbls[i], [packets[i]], sas, requirement, options);
        }
    }
}
