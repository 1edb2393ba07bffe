using System.Buffers.Binary;
using System.Net;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Testing;
using IpsecOffload.Testing.Tools;

namespace IpsecOffload.Engine.Tests.Capture;

/// <summary>One published ESP packet with its SA and what tshark 4.0 is expected to report.</summary>
/// <param name="Name">Vector id, also the pcapng comment of its frame.</param>
/// <param name="IpPacket">The complete IP packet (outer header and ESP).</param>
/// <param name="Sa">Its SA.</param>
/// <param name="NextHeader">The trailer's Next Header.</param>
/// <param name="InnerLayers">The first layers tshark must dissect after ESP.</param>
/// <param name="Icv">The ICV verdict tshark must give.</param>
/// <param name="Limitation">Why the verdict is not "Good" for an SA with an ICV (a documented tshark 4.0 limitation), or null.</param>
public sealed record EspInteropVector(string Name, byte[] IpPacket, EspSaDescription Sa, byte NextHeader, string[] InnerLayers,
    TsharkIcvStatus Icv, string? Limitation = null)
{
    /// <summary>The vector id.</summary>
    public override string ToString() => Name;
}

/// <summary>
/// Published ESP packets from /work/shared/spec/wire-formats.md §6.2–6.5, transcribed with their
/// sources. Frames get an Ethernet header (02:00:00:00:00:01 → 02:00:00:00:00:02); the
/// draft-mcgrew GCM cases, published as bare ESP, also get an outer IPv4 header built here.
/// </summary>
internal static class EspInteropVectors
{
    private static readonly byte[] OdpSha256Key = Enumerable.Repeat((byte)0x5A, 32).ToArray();
    private static readonly byte[] DpdkSha256Key = Hex.Parse("de34560000007800001000000000000210304000010203040a0b0c0d05060708");
    private static readonly byte[] DpdkAesKey = Hex.Parse("000405012300000000000a0b0c0f0000");

    public static IEnumerable<EspInteropVector> All()
    {
        // §6.2 RFC 3602 §4 cases 5–8 (ODP test_vectors.h): AES-128-CBC, no integrity.
        yield return Cbc("rfc3602-case5-transport-icmp", "192.168.123.3", "192.168.123.100", 0x4321, "90d382b410eeba7ad938c46cec1a82bf", 1, ["icmp"],
            "4500007c08f200004032f9a5c0a87b03c0a87b640000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66" +
            "cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6");
        yield return Cbc("rfc3602-case6-transport-icmp", "192.168.123.3", "192.168.123.100", 0x4321, "90d382b410eeba7ad938c46cec1a82bf", 1, ["icmp"],
            "4500004c08fe00004032f9c9c0a87b03c0a87b64000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379" +
            "d2d750c0d915dca346a89f75");
        yield return Cbc("rfc3602-case7-tunnel-icmp", "192.168.123.3", "192.168.123.200", 0x8765, "0123456789abcdef0123456789abcdef", 4, ["ip", "icmp"],
            "4500008c090500004032f91ec0a87b03c0a87bc80000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96c" +
            "f74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1" +
            "e4dfe9d5a100b842f1c22f0d");
        yield return Cbc("rfc3602-case8-tunnel-icmp", "192.168.123.3", "192.168.123.200", 0x8765, "0123456789abcdef0123456789abcdef", 4, ["ip", "icmp"],
            "4500007c090d00004032f926c0a87b03c0a87bc8000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e1" +
            "1f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892");

        // §6.3 draft-mcgrew-gcm-test-01: bare ESP packets (next header 1 although the payload is an IP packet).
        yield return McgrewGcm("mcgrew-gcm-case2-aes128", 2, CryptoAlgorithm.AesGcm128, "feffe9928665731c6d6a8f9467308308", "cafebabe", 0x0000a5f8, esnHigh: null,
            "0000a5f80000000afacedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642" +
            "cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a");
        yield return McgrewGcm("mcgrew-gcm-case3-aes256", 3, CryptoAlgorithm.AesGcm256, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344", 0x4a2cbfe3, esnHigh: null,
            "4a2cbfe3000000020102030405060708ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99d" +
            "ef842d8eb335f4eecfdbf831824b4c4915956c96");
        yield return McgrewGcm("mcgrew-gcm-case7-aes192", 7, CryptoAlgorithm.AesGcm192, "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabe", 0x0000a5f8, esnHigh: null,
            "0000a5f80000000afacedbaddecaf888a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc7795457b9652037f53" +
            "18027b5b4cd7a636");
        yield return McgrewGcm("mcgrew-gcm-case1-aes128-esn", 1, CryptoAlgorithm.AesGcm128, "4c80cdefbb5d10da906ac73c3613a634", "2e443b68", 0x00004321, esnHigh: 0x8765_4321,
            "00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d" +
            "15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe722fd04796562dfdb4");

        // §6.4 DPDK test_cryptodev_security_ipsec_test_vectors.h, tunnel mode.
        yield return Vector("dpdk-aes-128-gcm-tunnel-udp", V4("192.168.1.2", "192.168.1.1", 0xa5f8, CryptoAlgorithm.AesGcm128, "feffe9928665731c6d6a8f9467308308", salt: "cafebabe"),
            4, ["ip", "udp"], TsharkIcvStatus.Good,
            "45000074698f000080324d75c0a80102c0a801010000a5f800000001facedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d" +
            "114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd429c737579ff19e58cffc607a3bce8994");
        yield return Vector("dpdk-aes-256-gcm-ipv6-tunnel-tcp",
            V6("1234:1221:1745:1134:11fc:8971:df22:5678", "1234:1221:1745:1134:11fc:8971:df22:3456", 0x34, CryptoAlgorithm.AesGcm256,
                "de12be56deadbeefdeadbeefdeadbeef1278be3401020307aabbccf108070605", salt: "11223344"),
            0x29, ["ipv6", "tcp"], TsharkIcvStatus.Good,
            "60000000006c3240123412211745113411fc8971df225678123412211745113411fc8971df223456000000340000000145adfe2378561200e7dfc47e21bdec1b" +
            "745ae47e2e94210a9b0e59be062adab86b487f0b883aa9fd3cfe9fb18c67d2f8afb5ad16dbff8d50d348f56c3c0c27342b65c8ffeb5fb8ff12001c9fb785dd7d" +
            "4019cb18eb15c488e1c291c7b165c32716068ff2");
        yield return Vector("dpdk-aes-128-cbc-hmac-md5-tunnel-udp",
            V4("20.0.0.1", "20.0.0.2", 0x3c, CryptoAlgorithm.AesCbc128, Hex.Format(DpdkAesKey), CryptoAlgorithm.HmacMd5, "00100000000000021030400001020304"),
            4, ["ip", "udp"], TsharkIcvStatus.Good,
            "45000078000100004032525114000001140000020000003c0000000134126745ffff000020bfe8390000000067b5466e7817d35aac626262b0579b09194f0659" +
            "c8b030651f455741721728e9ad50be441d2d9ad048750d1c8d24a86f6b24b65d431e55f0f7141ff261d4e030ffd73fb47c30dbebf395bfcd");
        yield return DpdkCbcSha256();
        yield return Vector("dpdk-aes-128-cbc-hmac-sha256-ipv6-tunnel-tcp",
            V6("1234:1221:1745:1134:11fc:8971:df22:5678", "1234:1221:1745:1134:11fc:8971:df22:3456", 0x34, CryptoAlgorithm.AesCbc128, Hex.Format(DpdkAesKey),
                CryptoAlgorithm.HmacSha256, Hex.Format(DpdkSha256Key)),
            0x29, ["ipv6", "tcp"], TsharkIcvStatus.Good,
            "6000000000783240123412211745113411fc8971df225678123412211745113411fc8971df223456000000340000000145adfe2378561200f0c1053c00000000" +
            "1b1c986e2ace61efc1dd25965cb1b0154725b78b00b6bbe62e29cb4a9400f073db1432d9a2df222f523e7977f317aa401c572712824435b864e0aa5c10c79735" +
            "9c6b1cf7e7bd83337748447da413743b6a91d0d87d4145235dc92d087ad8258e");
        yield return Vector("dpdk-3des-cbc-hmac-sha256-tunnel-udp",
            V4("192.168.1.2", "192.168.1.1", 0x34, CryptoAlgorithm.TripleDesCbc, "e423338a356461e24903ddc6b8ca557a0004050123000000", CryptoAlgorithm.HmacSha256, Hex.Format(DpdkSha256Key)),
            4, ["ip", "udp"], TsharkIcvStatus.Good,
            "4500006c000100004032f70bc0a80102c0a80101000000340000000134126745ffff0000452a7de8968b6e9f8ea887f61241616e42aed4712a7dde4624a7c8d1" +
            "8a785fb8b143ec3b959c547b0c4780fbff18548716228806cffdf60102589434c9bceab8c975f6c48b46693c");
        yield return Vector("dpdk-des-cbc-hmac-sha256-tunnel-udp",
            V4("192.168.1.2", "192.168.1.1", 0x3a, CryptoAlgorithm.DesCbc, "4903ddc6b8ca557a", CryptoAlgorithm.HmacSha256, Hex.Format(DpdkSha256Key)),
            4, ["ip", "udp"], TsharkIcvStatus.Good,
            "4500006c000100004032f70bc0a80102c0a801010000003a0000000134126745ffff0000dd13103ce4b9ce12734c970028f7a45e0217e1c6092090e3b69c256d" +
            "62066090917694d85756cbdd62999998d03a997164cb790c89a2f6121f09f8368f5e31930aa048ee6121b53d");

        // §6.5 OpenDataPlane test_vectors.h (Ethernet header stripped there, added back here).
        yield return Vector("odp-esp-null-sha256-transport-icmp",
            V4("192.168.111.2", "192.168.222.2", 0x7b, CryptoAlgorithm.EspNull, "", CryptoAlgorithm.HmacSha256, Hex.Format(OdpSha256Key)),
            1, ["icmp"], TsharkIcvStatus.Good,
            "4500009c000000004032abdac0a86f02c0a8de020000007b000000010800fb3712340000babe01234567cafe000102030405060708090a0b0c0d0e0f10111213" +
            "1415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515253" +
            "5455565758595a5b01020201e981cd659b250b33e2f383f16d14b41f");
        yield return Vector("odp-esp-null-sha256-tunnel-ipv4-icmp",
            V4("10.0.111.2", "10.0.222.2", 0x7b, CryptoAlgorithm.EspNull, "", CryptoAlgorithm.HmacSha256, Hex.Format(OdpSha256Key)),
            4, ["ip", "icmp"], TsharkIcvStatus.Good,
            "450000b000000000403219180a006f020a00de020000007b0000000145000080000000004001ac27c0a86f02c0a8de020800fb3712340000babe01234567cafe" +
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
            "404142434445464748494a4b4c4d4e4f505152535455565758595a5b01020204738df69a26064da1883765ab0de9953b");
        yield return Vector("odp-esp-udp-nat-t-null-sha256-transport-icmp",
            V4("192.168.111.2", "192.168.222.2", 0x7b, CryptoAlgorithm.EspNull, "", CryptoAlgorithm.HmacSha256, Hex.Format(OdpSha256Key)),
            1, ["icmp"], TsharkIcvStatus.Good,
            "450000a4000000004011abf3c0a86f02c0a8de0211941194009000000000007b000000010800fb3712340000babe01234567cafe000102030405060708090a0b" +
            "0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b" +
            "4c4d4e4f505152535455565758595a5b01020201e981cd659b250b33e2f383f16d14b41f");
        yield return Vector("odp-ipv6-hbh-esp-null-sha256-transport-icmpv6",
            V6("2001:db8::211:43ff:fe4a:d70a", "2001:db8::16", 0x7b, CryptoAlgorithm.EspNull, "", CryptoAlgorithm.HmacSha256, Hex.Format(OdpSha256Key)),
            58, ["icmpv6"], TsharkIcvStatus.Good,
            "600000000090004020010db800000000021143fffe4ad70a20010db800000000000000000000001632000100010001000000007b000000010800fb3712340000" +
            "babe01234567cafe000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637" +
            "38393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b0102023a20a6897b0a525bca9856d1fe56c7a45b");
        yield return Vector("odp-esp-aes-cbc-sha1-transport-icmp",
            V4("192.168.111.2", "192.168.222.2", 0x7b, CryptoAlgorithm.AesCbc128, Hex.Format(Enumerable.Repeat((byte)0xA5, 16).ToArray()),
                CryptoAlgorithm.HmacSha1, Hex.Format(Enumerable.Repeat((byte)0x5A, 20).ToArray())),
            1, ["icmp"], TsharkIcvStatus.Good,
            "450000a8000000004032abcec0a86f02c0a8de020000007b0000000117c3faaf1deb94064ef862b41fa01762baf3fb1086ee806f44ff947feed85062403f7c76" +
            "b465ca32910ebaf2c19d3bcb0fc9c9ae33421636d3c86c23acbf98f2da1095bce838bf4b19d05867d9abd0f559c9dcbb46cc3426e6d6ee5cc8e246c914e998e4" +
            "b9ecf0a71294544e56fde807d883f9785fa61acebbdabc7cd8b67b4f784efebd427f429665e7602f");
        yield return Vector("odp-esp-null-aes-gmac-128-transport-icmp",
            V4("192.168.111.2", "192.168.222.2", 0x7b, CryptoAlgorithm.AesGmac128, Hex.Format(Enumerable.Repeat((byte)0xA5, 16).ToArray()), salt: "cafebabe"),
            1, ["icmp"], TsharkIcvStatus.Unchecked,
            "450000a4000000004032abd2c0a86f02c0a8de020000007b0000000101000000000000000800fb3712340000babe01234567cafe000102030405060708090a0b" +
            "0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b" +
            "4c4d4e4f505152535455565758595a5b01020201160ea68fb3a68c74195972809198775e",
            limitation: "Wireshark 4.0 has no AES-GMAC (RFC 4543) transform: payload shown, ICV not checked");
    }

    /// <summary>DPDK pkt_aes_128_cbc_hmac_sha256 (also the negative test's base).</summary>
    public static EspInteropVector DpdkCbcSha256() => Vector("dpdk-aes-128-cbc-hmac-sha256-tunnel-udp",
        V4("20.0.0.1", "20.0.0.2", 0x34, CryptoAlgorithm.AesCbc128, Hex.Format(DpdkAesKey), CryptoAlgorithm.HmacSha256, Hex.Format(DpdkSha256Key)),
        4, ["ip", "udp"], TsharkIcvStatus.Good,
        "4500007c000100004032524d1400000114000002000000340000000134126745ffff000020bfe8390000000067b5466e7817d35aac626262b0579b09194f0659" +
        "c8b030651f455741721728e9ad50be441d2d9ad048750d1c8d24a86f6b24b65d431e55f0f7141ff261d4e03016be1b5cccb7661c47ad076cd5cbce6c");

    /// <summary>An Ethernet II frame around <paramref name="ipPacket"/> (EtherType from the IP version nibble).</summary>
    public static byte[] EthernetFrame(byte[] ipPacket)
    {
        // Ethernet II: destination (6) | source (6) | EtherType (2) | payload.
        const int EtherTypeOffset = 12, HeaderLength = 14;
        var frame = new byte[HeaderLength + ipPacket.Length];
        Hex.Parse("020000000002" + "020000000001").CopyTo(frame, 0);
        ushort etherType = (ipPacket[0] >> 4) == 6 ? EthernetHeader.EtherTypeIPv6 : EthernetHeader.EtherTypeIPv4;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(EtherTypeOffset), etherType);
        ipPacket.CopyTo(frame, HeaderLength);
        return frame;
    }

    private static EspInteropVector Vector(string name, EspSaDescription sa, byte nextHeader, string[] inner, TsharkIcvStatus icv, string packetHex, string? limitation = null) =>
        new(name, Hex.Parse(packetHex), sa, nextHeader, inner, icv, limitation);

    private static EspInteropVector Cbc(string name, string source, string destination, uint spi, string key, byte nextHeader, string[] inner, string packetHex) =>
        Vector(name, V4(source, destination, spi, CryptoAlgorithm.AesCbc128, key), nextHeader, inner, TsharkIcvStatus.Unchecked, packetHex);

    private static EspInteropVector McgrewGcm(string name, int caseNumber, CryptoAlgorithm algorithm, string key, string salt, uint spi, uint? esnHigh, string espHex)
    {
        // Outer IPv4 header for the bare ESP packet: 10.0.<case>.1 -> 10.0.<case>.2, protocol 50, TTL 64.
        byte[] esp = Hex.Parse(espHex);
        uint source = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse($"10.0.{caseNumber}.1").GetAddressBytes());
        uint destination = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse($"10.0.{caseNumber}.2").GetAddressBytes());
        var header = new IPv4Header
        {
            Version = 4,
            Ihl = 5,
            TotalLength = checked((ushort)(IPv4Header.MinimumLength + esp.Length)),
            Ttl = 64,
            Protocol = 50,
            Source = source,
            Destination = destination,
        };
        var packet = new byte[IPv4Header.MinimumLength + esp.Length];
        header.Write(packet);
        IPv4Header.WriteChecksum(packet.AsSpan(0, IPv4Header.MinimumLength));
        esp.CopyTo(packet, IPv4Header.MinimumLength);
        EspSaDescription sa = V4($"10.0.{caseNumber}.1", $"10.0.{caseNumber}.2", spi, algorithm, key, salt: salt, esnHigh: esnHigh);
        return esnHigh is null
            ? new(name, packet, sa, 1, ["icmp"], TsharkIcvStatus.Good)
            : new(name, packet, sa, 1, ["icmp"], TsharkIcvStatus.Bad,
                "Wireshark 4.0 has no ESN: it decrypts but checks the GCM tag over the 8-byte AAD, so a correct ICV is reported bad");
    }

    private static EspSaDescription V4(string source, string destination, uint spi, CryptoAlgorithm encryption, string key,
        CryptoAlgorithm? integrity = null, string integrityKey = "", string salt = "", uint? esnHigh = null) =>
        Sa(EspSaIpVersion.IPv4, source, destination, spi, encryption, key, integrity, integrityKey, salt, esnHigh);

    private static EspSaDescription V6(string source, string destination, uint spi, CryptoAlgorithm encryption, string key,
        CryptoAlgorithm? integrity = null, string integrityKey = "", string salt = "") =>
        Sa(EspSaIpVersion.IPv6, source, destination, spi, encryption, key, integrity, integrityKey, salt, null);

    private static EspSaDescription Sa(EspSaIpVersion version, string source, string destination, uint spi, CryptoAlgorithm encryption, string key,
        CryptoAlgorithm? integrity, string integrityKey, string salt, uint? esnHigh) => new()
        {
            IpVersion = version,
            Source = source,
            Destination = destination,
            Spi = spi,
            Encryption = encryption,
            EncryptionKey = Hex.Parse(key),
            Salt = Hex.Parse(salt),
            Integrity = integrity,
            IntegrityKey = Hex.Parse(integrityKey),
            ExtendedSequenceNumbers = esnHigh is not null,
            SequenceHigh = esnHigh ?? 0,
        };
}
