using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Wire;

/// <summary>
/// Published packets transcribed from /work/shared/spec/wire-formats.md (hex concatenated as printed).
/// Sources as named there: RFC 3602 §4 cases (via OpenDataPlane test_vectors.h), OpenDataPlane
/// test_vectors.h snapshot 46217500 (Ethernet header stripped), derived vector D7 (Scapy-checked).
/// </summary>
internal static class KnownPackets
{
    /// <summary>RFC 3602 §4 case 5 plaintext: IPv4 ICMP echo, 84 bytes.</summary>
    public static readonly byte[] Rfc3602Case5Plain = Hex.Parse(
        "4500005408f200004001f9fec0a87b03c0a87b6408000ebda70a00008e9c083d" +
        "b95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223" +
        "2425262728292a2b2c2d2e2f3031323334353637");

    /// <summary>RFC 3602 §4 case 5 wire packet: IPv4 ‖ ESP, AES-128-CBC, SPI 0x4321, SN 1, no ICV, 124 bytes.</summary>
    public static readonly byte[] Rfc3602Case5Wire = Hex.Parse(
        "4500007c08f200004032f9a5c0a87b03c0a87b640000432100000001e96e8c08" +
        "ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66" +
        "cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1" +
        "db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6");

    /// <summary>RFC 3602 §4 case 7 wire packet: tunnel mode, SPI 0x8765, SN 2, 140 bytes.</summary>
    public static readonly byte[] Rfc3602Case7Wire = Hex.Parse(
        "4500008c090500004032f91ec0a87b03c0a87bc80000876500000002f4e76524" +
        "4f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96c" +
        "f74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94" +
        "a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1" +
        "e4dfe9d5a100b842f1c22f0d");

    /// <summary>ODP <c>pkt_ipv4_icmp_0</c>: IPv4 ICMP echo, 128 bytes.</summary>
    public static readonly byte[] OdpIpv4Icmp0 = Hex.Parse(
        "45000080000000004001ac27c0a86f02c0a8de020800fb3712340000babe0123" +
        "4567cafe000102030405060708090a0b0c0d0e0f101112131415161718191a1b" +
        "1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b" +
        "3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b");

    /// <summary>ODP <c>pkt_ipv6_icmp_0</c>: IPv6 with an 8-byte Hop-by-Hop header, then ICMPv6, 156 bytes.</summary>
    public static readonly byte[] OdpIpv6Icmp0 = Hex.Parse(
        "600000000074004020010db800000000021143fffe4ad70a20010db800000000" +
        "00000000000000163a000100010001000800fb3712340000babe01234567cafe" +
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b");

    /// <summary>ODP <c>pkt_ipv4_icmp_0_ah_sha256_1</c>: AH transport, HMAC-SHA-256-128, 156 bytes.</summary>
    public static readonly byte[] OdpIpv4AhSha256 = Hex.Parse(
        "4500009c000000004033abd9c0a86f02c0a8de02010500000000007b00000001" +
        "6c2ef71f7c7039a34a7701479e4573510800fb3712340000babe01234567cafe" +
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b");

    /// <summary>ODP <c>pkt_ipv4_icmp_0_ah_tun_ipv6_sha256_1</c>: AH tunnel, outer IPv6, 32-byte AH with 4 pad bytes, 200 bytes.</summary>
    public static readonly byte[] OdpAhTunnelIpv6 = Hex.Parse(
        "6000000000a0334020010db800000000021143fffe4ad70a20010db800000000" +
        "0000000000000016040600000000007b000000012b45bed29c9c3e0de032afa0" +
        "2d26e1910000000045000080000000004001ac27c0a86f02c0a8de020800fb37" +
        "12340000babe01234567cafe000102030405060708090a0b0c0d0e0f10111213" +
        "1415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233" +
        "3435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515253" +
        "5455565758595a5b");

    /// <summary>ODP <c>pkt_ipv6_icmp_0_ah_sha256_1</c>: AH transport after a Hop-by-Hop header, 188 bytes.</summary>
    public static readonly byte[] OdpIpv6AhSha256 = Hex.Parse(
        "600000000094004020010db800000000021143fffe4ad70a20010db800000000" +
        "000000000000001633000100010001003a0600000000007b00000001d9148727" +
        "201ac266c1ca992b8aae2f27000000000800fb3712340000babe01234567cafe" +
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b");

    /// <summary>ODP <c>pkt_ipv4_icmp_0_esp_null_sha256_1</c>: ESP-NULL + HMAC-SHA-256-128 transport, pad 2, NH 1, 156 bytes.</summary>
    public static readonly byte[] OdpIpv4EspNullSha256 = Hex.Parse(
        "4500009c000000004032abdac0a86f02c0a8de020000007b000000010800fb37" +
        "12340000babe01234567cafe000102030405060708090a0b0c0d0e0f10111213" +
        "1415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233" +
        "3435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515253" +
        "5455565758595a5b01020201e981cd659b250b33e2f383f16d14b41f");

    /// <summary>ODP <c>pkt_ipv4_icmp_0_esp_tun_ipv4_null_sha256_1</c>: ESP-NULL tunnel, NH 4, 176 bytes.</summary>
    public static readonly byte[] OdpIpv4EspTunnelNull = Hex.Parse(
        "450000b000000000403219180a006f020a00de020000007b0000000145000080" +
        "000000004001ac27c0a86f02c0a8de020800fb3712340000babe01234567cafe" +
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b01020204" +
        "738df69a26064da1883765ab0de9953b");

    /// <summary>ODP <c>pkt_ipv4_icmp_0_esp_udp_null_sha256_1</c>: UDP-encapsulated ESP-NULL, 4500→4500, UDP length 0x90, 164 bytes.</summary>
    public static readonly byte[] OdpIpv4EspUdp = Hex.Parse(
        "450000a4000000004011abf3c0a86f02c0a8de0211941194009000000000007b" +
        "000000010800fb3712340000babe01234567cafe000102030405060708090a0b" +
        "0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b" +
        "2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b" +
        "4c4d4e4f505152535455565758595a5b01020201e981cd659b250b33e2f383f1" +
        "6d14b41f");

    /// <summary>ODP <c>pkt_ipv6_icmp_0_esp_null_sha256_1</c>: ESP after a Hop-by-Hop header, trailer NH 58, 184 bytes.</summary>
    public static readonly byte[] OdpIpv6EspNullSha256 = Hex.Parse(
        "600000000090004020010db800000000021143fffe4ad70a20010db800000000" +
        "000000000000001632000100010001000000007b000000010800fb3712340000" +
        "babe01234567cafe000102030405060708090a0b0c0d0e0f1011121314151617" +
        "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637" +
        "38393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f5051525354555657" +
        "58595a5b0102023a20a6897b0a525bca9856d1fe56c7a45b");

    /// <summary>
    /// ODP <c>pkt_ipv6_icmp_0_esp_udp_null_sha256_1</c>: IPv6 NAT-T with UDP checksum 0x0000, 192
    /// bytes. wire-formats §6.5 notes a Linux sender would put 0xeb49 there.
    /// </summary>
    public static readonly byte[] OdpIpv6EspUdp = Hex.Parse(
        "600000000098004020010db800000000021143fffe4ad70a20010db800000000" +
        "0000000000000016110001000100010011941194009000000000007b00000001" +
        "0800fb3712340000babe01234567cafe000102030405060708090a0b0c0d0e0f" +
        "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f" +
        "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f" +
        "505152535455565758595a5b0102023a20a6897b0a525bca9856d1fe56c7a45b");

    /// <summary>ODP <c>pkt_ipv4_udp_esp_null_sha256</c>: ESP-NULL transport of a UDP (DNS) packet, pad 0, NH 17, 88 bytes.</summary>
    public static readonly byte[] OdpIpv4UdpEspNull = Hex.Parse(
        "45000058698f000080324d91c0a80102c0a801010000007b000000010a980035" +
        "002a2343b2d00100000100000000000003736970096379626572636974790264" +
        "6b000001000100112d4a069f97cfa305ea907af66b0a3fc7");

    /// <summary>Derived D3 (Scapy-checked, not published): AH on IPv4 with Router Alert + Record Route options, 84 bytes.</summary>
    public static readonly byte[] D3AhIpv4Options = Hex.Parse(
        "49b80054123440004033b51bc0a86f02c0a8de0294040000070b040a00000100" +
        "00000000010400000000100000000001202ef2fa7492438141c0a3bd0800ad8a" +
        "12340001000102030405060708090a0b0c0d0e0f");

    /// <summary>Derived D7 frame 0 plaintext segment (Scapy-checked): IPv4 TCP, 168 bytes, TCP checksum 0x88a7.</summary>
    public static readonly byte[] D7Frame0Plain = Hex.Parse(
        "450000a8100040004006a6fcc0a80102c0a801019c4013890100000002000000" +
        "5090200088a70000000102030405060708090a0b0c0d0e0f1011121314151617" +
        "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637" +
        "38393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f5051525354555657" +
        "58595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f7071727374757677" +
        "78797a7b7c7d7e7f");

    /// <summary>All of the above, by name, for tests that apply to every packet.</summary>
    public static IEnumerable<TestCaseData> All()
    {
        yield return Named(nameof(Rfc3602Case5Plain), Rfc3602Case5Plain);
        yield return Named(nameof(Rfc3602Case5Wire), Rfc3602Case5Wire);
        yield return Named(nameof(Rfc3602Case7Wire), Rfc3602Case7Wire);
        yield return Named(nameof(OdpIpv4Icmp0), OdpIpv4Icmp0);
        yield return Named(nameof(OdpIpv6Icmp0), OdpIpv6Icmp0);
        yield return Named(nameof(OdpIpv4AhSha256), OdpIpv4AhSha256);
        yield return Named(nameof(OdpAhTunnelIpv6), OdpAhTunnelIpv6);
        yield return Named(nameof(OdpIpv6AhSha256), OdpIpv6AhSha256);
        yield return Named(nameof(OdpIpv4EspNullSha256), OdpIpv4EspNullSha256);
        yield return Named(nameof(OdpIpv4EspTunnelNull), OdpIpv4EspTunnelNull);
        yield return Named(nameof(OdpIpv4EspUdp), OdpIpv4EspUdp);
        yield return Named(nameof(OdpIpv6EspNullSha256), OdpIpv6EspNullSha256);
        yield return Named(nameof(OdpIpv6EspUdp), OdpIpv6EspUdp);
        yield return Named(nameof(OdpIpv4UdpEspNull), OdpIpv4UdpEspNull);
        yield return Named(nameof(D3AhIpv4Options), D3AhIpv4Options);
        yield return Named(nameof(D7Frame0Plain), D7Frame0Plain);
    }

    /// <summary>The IPv4 packets of <see cref="All"/>.</summary>
    public static IEnumerable<TestCaseData> AllIPv4() =>
        All().Where(c => ((byte[])c.Arguments[0]!)[0] >> 4 == 4);

    /// <summary>Wraps an IP packet in an Ethernet II header with the given 802.1Q tags (TPID 0x8100, VLAN ids as given).</summary>
    public static byte[] WithEthernet(byte[] ipPacket, params ushort[] vlanIds)
    {
        ushort etherType = ipPacket[0] >> 4 == 6 ? (ushort)0x86DD : (ushort)0x0800;
        var header = new IpsecOffload.Engine.Wire.EthernetHeader
        {
            Destination = 0x0200_0000_0001,
            Source = 0x0200_0000_0002,
            EtherType = etherType,
            Tags = [.. vlanIds.Select(id => new IpsecOffload.Engine.Wire.VlanTag { Tpid = 0x8100, Priority = 5, VlanId = id })],
        };
        byte[] frame = new byte[header.Length + ipPacket.Length];
        header.Write(frame);
        ipPacket.CopyTo(frame, header.Length);
        return frame;
    }

    private static TestCaseData Named(string name, byte[] packet) =>
        new TestCaseData(packet).SetArgDisplayNames(name);
}
