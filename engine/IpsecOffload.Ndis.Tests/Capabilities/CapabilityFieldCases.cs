using IpsecOffload.Ndis.Capabilities;
using static IpsecOffload.Ndis.Tests.Capabilities.CapabilityTestSupport;

namespace IpsecOffload.Ndis.Tests.Capabilities;

/// <summary>One member set to a distinctive value, the member's offset and its exact bytes there.</summary>
public sealed record FieldCase<T>(string Name, T Value, int Offset, string Hex)
{
    public override string ToString() => Name;
}

/// <summary>
/// Field tables written from the digest (§5.2, §5.3) and the WDK declarations (NDIS_OFFLOAD §5.1,
/// checksum and LSO capability structures), confirmed by layout-check/check.sh on gcc -m32/-m64.
/// </summary>
internal static class CapabilityFieldCases
{
    public static IEnumerable<FieldCase<NdisIPsecOffloadV1>> V1()
    {
        yield return new("Supported.Encapsulation", new() { Supported = new() { Encapsulation = (NdisEncapsulation)Distinct } }, 0, DistinctHex);
        yield return new("Supported.AhEspCombined", new() { Supported = new() { AhEspCombined = Distinct } }, 4, DistinctHex);
        yield return new("Supported.TransportTunnelCombined", new() { Supported = new() { TransportTunnelCombined = Distinct } }, 8, DistinctHex);
        yield return new("Supported.IPv4Options", new() { Supported = new() { IPv4Options = Distinct } }, 12, DistinctHex);
        yield return new("Supported.Flags", new() { Supported = new() { Flags = (IPsecV1UdpEspEncapsulationTypes)Distinct } }, 16, DistinctHex);
        // IPv4AH at +20: Md5 bits 0..1, Sha_1 2..3, Transport 4..5, Tunnel 6..7, Send 8..9, Receive 10..11
        yield return new("IPv4AH.Md5", new() { IPv4Ah = new() { Md5 = 3 } }, 20, "03000000");
        yield return new("IPv4AH.Sha_1", new() { IPv4Ah = new() { Sha1 = 3 } }, 20, "0c000000");
        yield return new("IPv4AH.Transport", new() { IPv4Ah = new() { Transport = 3 } }, 20, "30000000");
        yield return new("IPv4AH.Tunnel", new() { IPv4Ah = new() { Tunnel = 3 } }, 20, "c0000000");
        yield return new("IPv4AH.Send", new() { IPv4Ah = new() { Send = 3 } }, 20, "00030000");
        yield return new("IPv4AH.Receive", new() { IPv4Ah = new() { Receive = 3 } }, 20, "000c0000");
        // IPv4ESP at +24: Des 0..1, Reserved 2..3, TripleDes 4..5, NullEsp 6..7, Transport 8..9, Tunnel 10..11, Send 12..13, Receive 14..15
        yield return new("IPv4ESP.Des", new() { IPv4Esp = new() { Des = 3 } }, 24, "03000000");
        yield return new("IPv4ESP.Reserved", new() { IPv4Esp = new() { Reserved = 3 } }, 24, "0c000000");
        yield return new("IPv4ESP.TripleDes", new() { IPv4Esp = new() { TripleDes = 3 } }, 24, "30000000");
        yield return new("IPv4ESP.NullEsp", new() { IPv4Esp = new() { NullEsp = 3 } }, 24, "c0000000");
        yield return new("IPv4ESP.Transport", new() { IPv4Esp = new() { Transport = 3 } }, 24, "00030000");
        yield return new("IPv4ESP.Tunnel", new() { IPv4Esp = new() { Tunnel = 3 } }, 24, "000c0000");
        yield return new("IPv4ESP.Send", new() { IPv4Esp = new() { Send = 3 } }, 24, "00300000");
        yield return new("IPv4ESP.Receive", new() { IPv4Esp = new() { Receive = 3 } }, 24, "00c00000");
        // Mixed 2-bit values, bytes produced by gcc in layout-check (0x00000939 / 0x00007939).
        yield return new("IPv4AH.Mixed_1_2_3_0_1_2",
            new() { IPv4Ah = new() { Md5 = 1, Sha1 = 2, Transport = 3, Tunnel = 0, Send = 1, Receive = 2 } }, 20, "39090000");
        yield return new("IPv4ESP.Mixed_1_2_3_0_1_2_3_1",
            new() { IPv4Esp = new() { Des = 1, Reserved = 2, TripleDes = 3, NullEsp = 0, Transport = 1, Tunnel = 2, Send = 3, Receive = 1 } },
            24, "39790000");
    }

    public static IEnumerable<FieldCase<NdisIPsecOffloadV2>> V2()
    {
        yield return new("Encapsulation", new() { Encapsulation = (NdisEncapsulation)Distinct }, 0, DistinctHex);
        yield return new("IPv6Supported", new() { IPv6Supported = true }, 4, "01");
        yield return new("IPv4Options", new() { IPv4Options = true }, 5, "01");
        yield return new("IPv6NonIPsecExtensionHeaders", new() { IPv6NonIPsecExtensionHeaders = true }, 6, "01");
        yield return new("Ah", new() { Ah = true }, 7, "01");
        yield return new("Esp", new() { Esp = true }, 8, "01");
        yield return new("AhEspCombined", new() { AhEspCombined = true }, 9, "01");
        yield return new("Transport", new() { Transport = true }, 10, "01");
        yield return new("Tunnel", new() { Tunnel = true }, 11, "01");
        yield return new("TransportTunnelCombined", new() { TransportTunnelCombined = true }, 12, "01");
        yield return new("LsoSupported", new() { LsoSupported = true }, 13, "01");
        yield return new("ExtendedSequenceNumbers", new() { ExtendedSequenceNumbers = true }, 14, "01");
        yield return new("UdpEsp", new() { UdpEsp = (IPsecV2UdpEspEncapsulation)Distinct }, 16, DistinctHex);
        yield return new("AuthenticationAlgorithms", new() { AuthenticationAlgorithms = (IPsecV2Authentication)Distinct }, 20, DistinctHex);
        yield return new("EncryptionAlgorithms", new() { EncryptionAlgorithms = (IPsecV2Encryption)Distinct }, 24, DistinctHex);
        yield return new("SaOffloadCapacity", new() { SaOffloadCapacity = Distinct }, 28, DistinctHex);
    }

    public static IEnumerable<FieldCase<NdisTcpIpChecksumOffload>> Checksum()
    {
        yield return new("IPv4Transmit.Encapsulation", new() { IPv4TransmitEncapsulation = (NdisEncapsulation)Distinct }, 0, DistinctHex);
        yield return new("IPv4Transmit.Bits", new() { IPv4TransmitBits = Distinct }, 4, DistinctHex);
        yield return new("IPv4Receive.Encapsulation", new() { IPv4ReceiveEncapsulation = (NdisEncapsulation)Distinct }, 8, DistinctHex);
        yield return new("IPv4Receive.Bits", new() { IPv4ReceiveBits = Distinct }, 12, DistinctHex);
        yield return new("IPv6Transmit.Encapsulation", new() { IPv6TransmitEncapsulation = (NdisEncapsulation)Distinct }, 16, DistinctHex);
        yield return new("IPv6Transmit.Bits", new() { IPv6TransmitBits = Distinct }, 20, DistinctHex);
        yield return new("IPv6Receive.Encapsulation", new() { IPv6ReceiveEncapsulation = (NdisEncapsulation)Distinct }, 24, DistinctHex);
        yield return new("IPv6Receive.Bits", new() { IPv6ReceiveBits = Distinct }, 28, DistinctHex);
    }

    public static IEnumerable<FieldCase<NdisTcpLargeSendOffloadV1>> LsoV1()
    {
        yield return new("IPv4.Encapsulation", new() { IPv4Encapsulation = (NdisEncapsulation)Distinct }, 0, DistinctHex);
        yield return new("IPv4.MaxOffLoadSize", new() { IPv4MaxOffLoadSize = Distinct }, 4, DistinctHex);
        yield return new("IPv4.MinSegmentCount", new() { IPv4MinSegmentCount = Distinct }, 8, DistinctHex);
        yield return new("IPv4.Bits", new() { IPv4Bits = Distinct }, 12, DistinctHex);
    }

    public static IEnumerable<FieldCase<NdisTcpLargeSendOffloadV2>> LsoV2()
    {
        yield return new("IPv4.Encapsulation", new() { IPv4Encapsulation = (NdisEncapsulation)Distinct }, 0, DistinctHex);
        yield return new("IPv4.MaxOffLoadSize", new() { IPv4MaxOffLoadSize = Distinct }, 4, DistinctHex);
        yield return new("IPv4.MinSegmentCount", new() { IPv4MinSegmentCount = Distinct }, 8, DistinctHex);
        yield return new("IPv6.Encapsulation", new() { IPv6Encapsulation = (NdisEncapsulation)Distinct }, 12, DistinctHex);
        yield return new("IPv6.MaxOffLoadSize", new() { IPv6MaxOffLoadSize = Distinct }, 16, DistinctHex);
        yield return new("IPv6.MinSegmentCount", new() { IPv6MinSegmentCount = Distinct }, 20, DistinctHex);
        yield return new("IPv6.Bits", new() { IPv6Bits = Distinct }, 24, DistinctHex);
    }

    /// <summary>
    /// Every member of every sub-structure at its absolute NDIS_OFFLOAD offset (revision 2 header):
    /// Checksum +4, LsoV1 +36, IPsecV1 +52, LsoV2 +80, Flags +108, IPsecV2 +112.
    /// </summary>
    public static IEnumerable<FieldCase<NdisOffload>> Offload(NdisAbi abi)
    {
        NdisOffload rev2 = new() { Header = NdisOffload.CreateHeader(NdisOffload.Revision2, abi) };
        foreach (var c in Checksum())
        {
            yield return new("Checksum." + c.Name, rev2 with { Checksum = c.Value }, 4 + c.Offset, c.Hex);
        }

        foreach (var c in LsoV1())
        {
            yield return new("LsoV1." + c.Name, rev2 with { LsoV1 = c.Value }, 36 + c.Offset, c.Hex);
        }

        foreach (var c in V1())
        {
            yield return new("IPsecV1." + c.Name, rev2 with { IPsecV1 = c.Value }, 52 + c.Offset, c.Hex);
        }

        foreach (var c in LsoV2())
        {
            yield return new("LsoV2." + c.Name, rev2 with { LsoV2 = c.Value }, 80 + c.Offset, c.Hex);
        }

        yield return new("Flags", rev2 with { Flags = (NdisOffloadFlags)Distinct }, 108, DistinctHex);
        foreach (var c in V2())
        {
            yield return new("IPsecV2." + c.Name, rev2 with { IPsecV2 = c.Value }, 112 + c.Offset, c.Hex);
        }
    }
}
