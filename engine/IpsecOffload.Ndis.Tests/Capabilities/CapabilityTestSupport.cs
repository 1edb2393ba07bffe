using System.Buffers.Binary;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Tests.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Capabilities;

/// <summary>Expected-buffer builders and full-range random structures for the capability tests.</summary>
internal static class CapabilityTestSupport
{
    /// <summary>A distinctive ULONG: every byte non-zero and different, little-endian d4 c3 b2 a1.</summary>
    public const uint Distinct = 0xA1B2_C3D4;

    public const string DistinctHex = "d4c3b2a1";

    public static readonly NdisAbi[] Abis = [NdisAbi.X64, NdisAbi.X86];

    /// <summary><paramref name="size"/> zero bytes with <paramref name="hex"/> placed at <paramref name="offset"/>.</summary>
    public static byte[] ZerosWith(int size, int offset, string hex)
    {
        var bytes = new byte[size];
        Hex.Parse(hex).CopyTo(bytes, offset);
        return bytes;
    }

    public static NdisIPsecOffloadV1 RandomV1(Random r) => new()
    {
        Supported = new IPsecV1Supported
        {
            Encapsulation = (NdisEncapsulation)r.NextUInt32(),
            AhEspCombined = r.NextUInt32(),
            TransportTunnelCombined = r.NextUInt32(),
            IPv4Options = r.NextUInt32(),
            Flags = (IPsecV1UdpEspEncapsulationTypes)r.NextUInt32(),
        },
        IPv4Ah = IPsecV1AhCapabilities.FromWord(r.NextUInt32()),
        IPv4Esp = IPsecV1EspCapabilities.FromWord(r.NextUInt32()),
    };

    public static NdisIPsecOffloadV2 RandomV2(Random r) => new()
    {
        Encapsulation = (NdisEncapsulation)r.NextUInt32(),
        IPv6Supported = r.NextBool(),
        IPv4Options = r.NextBool(),
        IPv6NonIPsecExtensionHeaders = r.NextBool(),
        Ah = r.NextBool(),
        Esp = r.NextBool(),
        AhEspCombined = r.NextBool(),
        Transport = r.NextBool(),
        Tunnel = r.NextBool(),
        TransportTunnelCombined = r.NextBool(),
        LsoSupported = r.NextBool(),
        ExtendedSequenceNumbers = r.NextBool(),
        UdpEsp = (IPsecV2UdpEspEncapsulation)r.NextUInt32(),
        AuthenticationAlgorithms = (IPsecV2Authentication)r.NextUInt32(),
        EncryptionAlgorithms = (IPsecV2Encryption)r.NextUInt32(),
        SaOffloadCapacity = r.NextUInt32(),
    };

    public static NdisOffload RandomOffload(Random r, byte revision, NdisAbi abi) => new()
    {
        Header = NdisOffload.CreateHeader(revision, abi),
        Checksum = new NdisTcpIpChecksumOffload
        {
            IPv4TransmitEncapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv4TransmitBits = r.NextUInt32(),
            IPv4ReceiveEncapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv4ReceiveBits = r.NextUInt32(),
            IPv6TransmitEncapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv6TransmitBits = r.NextUInt32(),
            IPv6ReceiveEncapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv6ReceiveBits = r.NextUInt32(),
        },
        LsoV1 = new NdisTcpLargeSendOffloadV1
        {
            IPv4Encapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv4MaxOffLoadSize = r.NextUInt32(),
            IPv4MinSegmentCount = r.NextUInt32(),
            IPv4Bits = r.NextUInt32(),
        },
        IPsecV1 = RandomV1(r),
        LsoV2 = new NdisTcpLargeSendOffloadV2
        {
            IPv4Encapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv4MaxOffLoadSize = r.NextUInt32(),
            IPv4MinSegmentCount = r.NextUInt32(),
            IPv6Encapsulation = (NdisEncapsulation)r.NextUInt32(),
            IPv6MaxOffLoadSize = r.NextUInt32(),
            IPv6MinSegmentCount = r.NextUInt32(),
            IPv6Bits = r.NextUInt32(),
        },
        Flags = (NdisOffloadFlags)r.NextUInt32(),
        IPsecV2 = revision >= NdisOffload.Revision2 ? RandomV2(r) : default,
    };

    /// <summary>
    /// Random bytes in the canonical form the codecs write: undeclared bitfield bits zero
    /// (IPv4AH 12..31, IPv4ESP 16..31), BOOLEANs 0 or 1, the V2 padding byte zero.
    /// </summary>
    public static void CanonicalizeV1(Span<byte> v1)
    {
        Mask(v1[20..], 0x0000_0FFF);
        Mask(v1[24..], 0x0000_FFFF);
    }

    public static void CanonicalizeV2(Span<byte> v2)
    {
        for (int i = 4; i <= 14; i++)
        {
            v2[i] &= 1;
        }

        v2[15] = 0;
    }

    private static void Mask(Span<byte> word, uint mask) =>
        BinaryPrimitives.WriteUInt32LittleEndian(word, BinaryPrimitives.ReadUInt32LittleEndian(word) & mask);
}
