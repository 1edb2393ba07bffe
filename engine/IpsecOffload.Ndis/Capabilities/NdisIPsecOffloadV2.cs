using static IpsecOffload.Ndis.Capabilities.CapabilityBits;

namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V2</c> (ntddndis.h; spec digest §5.3): 32 bytes, <c>ULONG</c> and
/// <c>BOOLEAN</c> members only, so the same layout on x86 and x64. A <c>BOOLEAN</c> reads as true
/// when nonzero and is written as 1; the padding byte at +15 is written as zero.
/// </summary>
public readonly record struct NdisIPsecOffloadV2
{
    //  +0  ULONG Encapsulation
    //  +4  BOOLEAN IPv6Supported  +5 IPv4Options  +6 IPv6NonIPsecExtensionHeaders  +7 Ah  +8 Esp
    //  +9  AhEspCombined  +10 Transport  +11 Tunnel  +12 TransportTunnelCombined  +13 LsoSupported
    //  +14 ExtendedSequenceNumbers  (+15 padding)
    //  +16 ULONG UdpEsp  +20 AuthenticationAlgorithms  +24 EncryptionAlgorithms  +28 SaOffloadCapacity
    //  sizeof = 32
    internal const int EncapsulationOffset = 0, IPv6SupportedOffset = 4, IPv4OptionsOffset = 5;
    internal const int IPv6NonIPsecExtensionHeadersOffset = 6, AhOffset = 7, EspOffset = 8, AhEspCombinedOffset = 9;
    internal const int TransportOffset = 10, TunnelOffset = 11, TransportTunnelCombinedOffset = 12;
    internal const int LsoSupportedOffset = 13, ExtendedSequenceNumbersOffset = 14, PaddingOffset = 15;
    internal const int UdpEspOffset = 16, AuthenticationAlgorithmsOffset = 20, EncryptionAlgorithmsOffset = 24;
    internal const int SaOffloadCapacityOffset = 28;

    /// <summary>Bytes of <c>NDIS_IPSEC_OFFLOAD_V2</c> on both ABIs.</summary>
    public const int Size = 32;

    /// <summary><c>Encapsulation</c> (+0): MAC encapsulations supported for IPsec offload.</summary>
    public NdisEncapsulation Encapsulation { get; init; }

    /// <summary><c>IPv6Supported</c> (+4).</summary>
    public bool IPv6Supported { get; init; }

    /// <summary><c>IPv4Options</c> (+5).</summary>
    public bool IPv4Options { get; init; }

    /// <summary><c>IPv6NonIPsecExtensionHeaders</c> (+6): IPv6 extension headers other than AH/ESP.</summary>
    public bool IPv6NonIPsecExtensionHeaders { get; init; }

    /// <summary><c>Ah</c> (+7).</summary>
    public bool Ah { get; init; }

    /// <summary><c>Esp</c> (+8).</summary>
    public bool Esp { get; init; }

    /// <summary><c>AhEspCombined</c> (+9).</summary>
    public bool AhEspCombined { get; init; }

    /// <summary><c>Transport</c> (+10).</summary>
    public bool Transport { get; init; }

    /// <summary><c>Tunnel</c> (+11): must be true to support IPsec task offload.</summary>
    public bool Tunnel { get; init; }

    /// <summary><c>TransportTunnelCombined</c> (+12).</summary>
    public bool TransportTunnelCombined { get; init; }

    /// <summary><c>LsoSupported</c> (+13): the LsoV1/LsoV2 capabilities also hold for IPsec traffic.</summary>
    public bool LsoSupported { get; init; }

    /// <summary><c>ExtendedSequenceNumbers</c> (+14).</summary>
    public bool ExtendedSequenceNumbers { get; init; }

    /// <summary><c>UdpEsp</c> (+16).</summary>
    public IPsecV2UdpEspEncapsulation UdpEsp { get; init; }

    /// <summary><c>AuthenticationAlgorithms</c> (+20).</summary>
    public IPsecV2Authentication AuthenticationAlgorithms { get; init; }

    /// <summary><c>EncryptionAlgorithms</c> (+24).</summary>
    public IPsecV2Encryption EncryptionAlgorithms { get; init; }

    /// <summary><c>SaOffloadCapacity</c> (+28): number of SA bundles (ESP, AH or both).</summary>
    public uint SaOffloadCapacity { get; init; }

    /// <summary>Reads the structure from the first 32 bytes; false when fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NdisIPsecOffloadV2 value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new NdisIPsecOffloadV2
        {
            Encapsulation = (NdisEncapsulation)ReadULong(source, EncapsulationOffset),
            IPv6Supported = source[IPv6SupportedOffset] != 0,
            IPv4Options = source[IPv4OptionsOffset] != 0,
            IPv6NonIPsecExtensionHeaders = source[IPv6NonIPsecExtensionHeadersOffset] != 0,
            Ah = source[AhOffset] != 0,
            Esp = source[EspOffset] != 0,
            AhEspCombined = source[AhEspCombinedOffset] != 0,
            Transport = source[TransportOffset] != 0,
            Tunnel = source[TunnelOffset] != 0,
            TransportTunnelCombined = source[TransportTunnelCombinedOffset] != 0,
            LsoSupported = source[LsoSupportedOffset] != 0,
            ExtendedSequenceNumbers = source[ExtendedSequenceNumbersOffset] != 0,
            UdpEsp = (IPsecV2UdpEspEncapsulation)ReadULong(source, UdpEspOffset),
            AuthenticationAlgorithms = (IPsecV2Authentication)ReadULong(source, AuthenticationAlgorithmsOffset),
            EncryptionAlgorithms = (IPsecV2Encryption)ReadULong(source, EncryptionAlgorithmsOffset),
            SaOffloadCapacity = ReadULong(source, SaOffloadCapacityOffset),
        };
        return true;
    }

    /// <summary>Writes 32 bytes; throws <see cref="ArgumentException"/> when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        RequireLength(destination, Size, "NDIS_IPSEC_OFFLOAD_V2");
        WriteULong(destination, EncapsulationOffset, (uint)Encapsulation);
        destination[IPv6SupportedOffset] = Boolean(IPv6Supported);
        destination[IPv4OptionsOffset] = Boolean(IPv4Options);
        destination[IPv6NonIPsecExtensionHeadersOffset] = Boolean(IPv6NonIPsecExtensionHeaders);
        destination[AhOffset] = Boolean(Ah);
        destination[EspOffset] = Boolean(Esp);
        destination[AhEspCombinedOffset] = Boolean(AhEspCombined);
        destination[TransportOffset] = Boolean(Transport);
        destination[TunnelOffset] = Boolean(Tunnel);
        destination[TransportTunnelCombinedOffset] = Boolean(TransportTunnelCombined);
        destination[LsoSupportedOffset] = Boolean(LsoSupported);
        destination[ExtendedSequenceNumbersOffset] = Boolean(ExtendedSequenceNumbers);
        destination[PaddingOffset] = 0;
        WriteULong(destination, UdpEspOffset, (uint)UdpEsp);
        WriteULong(destination, AuthenticationAlgorithmsOffset, (uint)AuthenticationAlgorithms);
        WriteULong(destination, EncryptionAlgorithmsOffset, (uint)EncryptionAlgorithms);
        WriteULong(destination, SaOffloadCapacityOffset, SaOffloadCapacity);
    }

    // BOOLEAN TRUE is 1 (ntdef.h).
    private static byte Boolean(bool value) => value ? (byte)1 : (byte)0;
}
