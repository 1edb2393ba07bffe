using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>
/// AMB-19 (docs/decisions/amb-19-byte-order.md): SPIs, IPv4 addresses and masks, and the v1 ports are
/// in network byte order (the structure's bytes are the wire bytes); every other member is little-endian.
/// Each test pins literal bytes in both directions: encode typed → literal bytes, and literal bytes
/// patched into a valid buffer → decoded typed value. Offsets are literals from the spec digest (§3.2, §4.2).
/// Addresses are RFC 5737 documentation addresses: 192.0.2.1 = 0xC0000201, 198.51.100.7 = 0xC6336407,
/// 203.0.113.9 = 0xCB007109, 203.0.113.10 = 0xCB00710A.
/// </summary>
public class ByteOrderTests
{
    private const uint Spi1001 = 0x0000_1001;
    private const string Spi1001Bytes = "00 00 10 01";

    // ------------------------------------------------------------ v1 (§3.2)

    private static readonly OffloadSaFilter DocumentationFilter = new(
        SrcAddr: 0xC000_0201, SrcMask: 0xFFFF_FF00, DestAddr: 0xC633_6407, DestMask: 0xFFFF_F000, Protocol: 17,
        SrcPort: 500, DestPort: 4500, SrcTunnelAddr: 0xCB00_7109, DestTunnelAddr: 0xCB00_710A);

    // Offsets 0..35: SrcAddr SrcMask DestAddr DestMask Protocol(LE) SrcPort DestPort SrcTunnelAddr DestTunnelAddr Flags(LE) NumSAs(LE)
    private const string DocumentationFilterBytes =
        "c0 00 02 01  ff ff ff 00  c6 33 64 07  ff ff f0 00  11 00 00 00  01 f4  11 94  cb 00 71 09  cb 00 71 0a  02 00  01 00";

    private static OffloadSecurityAssociation[] OneEspSa(uint spi) =>
    [
        new(OffloadOperation.Encrypt, spi, OffloadAlgoInfo.Integrity(OffloadIntegrityAlgo.Sha, 20), OffloadAlgoInfo.Confidentiality(OffloadConfAlgo.TripleDes, 24)),
    ];

    private static OffloadIpsecAddSa V1AddSa(OffloadSaFilter filter, uint spi) =>
        new(filter, OffloadSaFlags.Outbound, OneEspSa(spi), 0, new byte[44]);

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddSa_Spi_IsStoredInNetworkByteOrder_Amb19(NdisAbi abi)
    {
        byte[] bytes = OffloadIpsecV1Codec.EncodeAddSa(V1AddSa(default, Spi1001), abi);

        // SecAssoc[0] at 36: Operation ENCRYPT (LE), SPI (network order), IntegrityAlgo {2, 20, 0} (LE).
        HexAssert.AreEqual("02 00 00 00  " + Spi1001Bytes + "  02 00 00 00  14 00 00 00  00 00 00 00", bytes.AsSpan(36, 20), "SecAssoc[0] head");

        Hex.Parse("12 34 56 78").CopyTo(bytes, 36 + 4);
        var decoded = OidAssert.Accepted(OffloadIpsecV1Codec.DecodeAddSa(bytes, abi));
        Assert.That(decoded.SecAssoc[0].Spi, Is.EqualTo(0x1234_5678u), "SPI bytes 12 34 56 78 decode as 0x12345678");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void V1AddSa_FilterAddressesMasksAndPorts_AreStoredInNetworkByteOrder_Amb19(NdisAbi abi)
    {
        byte[] bytes = OffloadIpsecV1Codec.EncodeAddSa(V1AddSa(DocumentationFilter, Spi1001), abi);
        HexAssert.AreEqual(DocumentationFilterBytes, bytes.AsSpan(0, 36), "filter, Flags and NumSAs");

        byte[] patched = OffloadIpsecV1Codec.EncodeAddSa(V1AddSa(default, Spi1001), abi);
        Hex.Parse(DocumentationFilterBytes).CopyTo(patched, 0);
        var decoded = OidAssert.Accepted(OffloadIpsecV1Codec.DecodeAddSa(patched, abi));
        Assert.That(decoded.Filter, Is.EqualTo(DocumentationFilter), "literal filter bytes decode to the documentation values");
    }

    [TestCase(NdisAbi.X64, 176)]
    [TestCase(NdisAbi.X86, 172)]
    public void V1AddUdpEspSa_FilterSpiAndDstEncapPort_AreStoredInNetworkByteOrder_Amb19(NdisAbi abi, int encapTypeEntry)
    {
        var sa = new OffloadIpsecAddUdpEspSa(DocumentationFilter, OffloadSaFlags.Outbound, OneEspSa(Spi1001), 0,
            new OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType.Other, 4500), 0, new byte[44]);
        byte[] bytes = OffloadIpsecV1Codec.EncodeAddUdpEspSa(sa, abi);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(DocumentationFilterBytes, bytes.AsSpan(0, 36), "filter, Flags and NumSAs");
            HexAssert.AreEqual(Spi1001Bytes, bytes.AsSpan(36 + 4, 4), "SecAssoc[0].SPI");
            // UdpEncapType OTHER (LE ULONG), DstEncapPort 4500 = 0x1194 (network order), 2 bytes padding.
            HexAssert.AreEqual("01 00 00 00  11 94  00 00", bytes.AsSpan(encapTypeEntry, 8), "EncapTypeEntry");
        }

        Hex.Parse("01 f4").CopyTo(bytes, encapTypeEntry + 4);
        var decoded = OidAssert.Accepted(OffloadIpsecV1Codec.DecodeAddUdpEspSa(bytes, abi));
        Assert.That(decoded.EncapTypeEntry.DstEncapPort, Is.EqualTo((ushort)500), "DstEncapPort bytes 01 f4 decode as 500");
    }

    // ------------------------------------------------------------ v2 (§4.2)

    private static IPsecV2SecurityAssociation V2EspSa(uint spi) => new(
        IPsecV2SaFlags.Esn, IPsecV2Operation.Esp, spi,
        IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha256, 32, 0),
        IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.TripleDesCbc, 24, 32),
        SequenceNumberHighOrder: 0x0A0B_0C0D);

    // Flags ESN, Operation ESP, Spi (network order), Authentication {4, 32, 0, 0}, Encryption {4, 24, 32, 0},
    // SequenceNumberHighOrder 0x0A0B0C0D (LE).
    private const string V2EspSaBytes =
        "01 00 00 00  02 00 00 00  " + Spi1001Bytes + "  04 00 00 00 20 00 00 00 00 00 00 00 00 00 00 00" +
        "  04 00 00 00 18 00 00 00 20 00 00 00 00 00 00 00  0d 0c 0b 0a";

    private static IPsecV2AddSa V2AddSa(IPsecV2Endpoints endpoints, uint spi) =>
        new(IPsecV2AddSaFlags.None, endpoints, 0, IPsecV2UdpEspEncapsulation.None, new[] { V2EspSa(spi) }, new byte[56]);

    [TestCase(NdisAbi.X64, 68)]
    [TestCase(NdisAbi.X86, 56)]
    public void V2AddSa_Spi_IsStoredInNetworkByteOrder_Amb19(NdisAbi abi, int secAssoc)
    {
        byte[] bytes = IPsecV2Codec.EncodeAddSaChain([V2AddSa(IPsecV2Endpoints.IPv4(0, 0), Spi1001)], abi);
        HexAssert.AreEqual(V2EspSaBytes, bytes.AsSpan(secAssoc, 48), "SecAssoc[0]");

        Hex.Parse("12 34 56 78").CopyTo(bytes, secAssoc + 8);
        var decoded = OidAssert.Accepted(IPsecV2Codec.DecodeAddSaChain(bytes, abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded[0].SecAssoc[0].Spi, Is.EqualTo(0x1234_5678u), "Spi bytes 12 34 56 78 decode as 0x12345678");
            Assert.That(decoded[0].SecAssoc[0].SequenceNumberHighOrder, Is.EqualTo(0x0A0B_0C0Du), "SequenceNumberHighOrder stays little-endian");
        }
    }

    [TestCase(NdisAbi.X64, 24)]
    [TestCase(NdisAbi.X86, 16)]
    public void V2AddSa_IPv4Endpoints_AreStoredInNetworkByteOrder_Amb19(NdisAbi abi, int endpoints)
    {
        byte[] bytes = IPsecV2Codec.EncodeAddSaChain([V2AddSa(IPsecV2Endpoints.IPv4(0xC000_0201, 0xC633_6407), Spi1001)], abi);
        HexAssert.AreEqual("c0 00 02 01  c6 33 64 07", bytes.AsSpan(endpoints, 8), "IPv4Endpoints 192.0.2.1 → 198.51.100.7");

        Hex.Parse("cb 00 71 09  cb 00 71 0a").CopyTo(bytes, endpoints);
        var decoded = OidAssert.Accepted(IPsecV2Codec.DecodeAddSaChain(bytes, abi));
        Assert.That(decoded[0].Endpoints, Is.EqualTo(IPsecV2Endpoints.IPv4(0xCB00_7109, 0xCB00_710A)), "203.0.113.9 → 203.0.113.10");
    }

    [TestCase(NdisAbi.X64, 24)]
    [TestCase(NdisAbi.X86, 16)]
    public void V2AddSa_IPv6Endpoints_AreTheRawWireBytes_Amb19(NdisAbi abi, int endpoints)
    {
        // 2001:db8::1 → 2001:db8::2 (RFC 3849 documentation prefix), byte for byte.
        byte[] src = Hex.Parse("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01");
        byte[] dest = Hex.Parse("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02");
        var sa = V2AddSa(IPsecV2Endpoints.IPv6(src, dest), Spi1001) with { Flags = IPsecV2AddSaFlags.IPv6 };
        byte[] bytes = IPsecV2Codec.EncodeAddSaChain([sa], abi);
        HexAssert.AreEqual([.. src, .. dest], bytes.AsSpan(endpoints, 32), "IPv6Endpoints");
        Assert.That(OidAssert.Accepted(IPsecV2Codec.DecodeAddSaChain(bytes, abi))[0], Is.EqualTo(sa));
    }

    [TestCase(NdisAbi.X64, 60)]
    [TestCase(NdisAbi.X86, 52)]
    public void V2AddSaEx_SpiAndIPv4Endpoints_AreStoredInNetworkByteOrder_Amb19(NdisAbi abi, int secAssoc)
    {
        var sa = new IPsecV2AddSaEx(IPsecV2AddSaFlags.None, IPsecV2Endpoints.IPv4(0xC000_0201, 0xC633_6407), 0,
            IPsecV2UdpEspEncapsulation.None, new[] { V2EspSa(Spi1001) }, new byte[56]);
        byte[] bytes = IPsecV2Codec.EncodeAddSaEx(sa, abi);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual("c0 00 02 01  c6 33 64 07", bytes.AsSpan(12, 8), "IPv4Endpoints");
            HexAssert.AreEqual(V2EspSaBytes, bytes.AsSpan(secAssoc, 48), "SecAssoc[0]");
        }

        Hex.Parse("cb 00 71 09  cb 00 71 0a").CopyTo(bytes, 12);
        Hex.Parse("12 34 56 78").CopyTo(bytes, secAssoc + 8);
        var decoded = OidAssert.Accepted(IPsecV2Codec.DecodeAddSaEx(bytes, abi));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded.Endpoints, Is.EqualTo(IPsecV2Endpoints.IPv4(0xCB00_7109, 0xCB00_710A)), "endpoints");
            Assert.That(decoded.SecAssoc[0].Spi, Is.EqualTo(0x1234_5678u), "Spi");
        }
    }

    // Header {0x80, 1, Size}, OffloadHandle (LE pointer), Operation ESP (LE), Spi (network order),
    // SequenceNumberHighOrder 0x0A0B0C0D (LE); x64 pads to 8.
    [TestCase(NdisAbi.X64, 0x1122_3344_5566_7788ul,
        "80 01 1c 00 00 00 00 00  88 77 66 55 44 33 22 11  02 00 00 00  00 00 10 01  0d 0c 0b 0a  00 00 00 00")]
    [TestCase(NdisAbi.X86, 0x5566_7788ul,
        "80 01 14 00  88 77 66 55  02 00 00 00  00 00 10 01  0d 0c 0b 0a")]
    public void V2UpdateSa_Spi_IsStoredInNetworkByteOrder_Amb19(NdisAbi abi, ulong handle, string expected)
    {
        var sa = new IPsecV2UpdateSa(handle, IPsecV2Operation.Esp, Spi1001, 0x0A0B_0C0D);
        HexAssert.AreEqual(expected, IPsecV2Codec.EncodeUpdateSa(sa, abi), "IPSEC_OFFLOAD_V2_UPDATE_SA");
        Assert.That(OidAssert.Accepted(IPsecV2Codec.DecodeUpdateSa(Hex.Parse(expected), abi)), Is.EqualTo(sa), "literal bytes decode");
    }
}
