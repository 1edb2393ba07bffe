namespace IpsecOffload.Ndis.Oids;

/// <summary>Checksum members of <c>NDIS_OFFLOAD_PARAMETERS</c> (<c>NDIS_OFFLOAD_PARAMETERS_*</c>; spec digest §5.5).</summary>
public enum OffloadParametersChecksum : byte
{
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_NO_CHANGE</c>.</summary>
    NoChange = 0,
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED</c>.</summary>
    TxRxDisabled = 1,
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED</c>.</summary>
    TxEnabledRxDisabled = 2,
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED</c>.</summary>
    RxEnabledTxDisabled = 3,
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED</c>.</summary>
    TxRxEnabled = 4,
}

/// <summary>LSO members of <c>NDIS_OFFLOAD_PARAMETERS</c> (<c>…_LSOV1_*</c> / <c>…_LSOV2_*</c>, same numbers).</summary>
public enum OffloadParametersLso : byte
{
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_NO_CHANGE</c>.</summary>
    NoChange = 0,
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_LSOV1_DISABLED</c> / <c>…_LSOV2_DISABLED</c>.</summary>
    Disabled = 1,
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_LSOV1_ENABLED</c> / <c>…_LSOV2_ENABLED</c>.</summary>
    Enabled = 2,
}

/// <summary>
/// <c>IPsecV1</c>, <c>IPsecV2</c> and <c>IPsecV2IPv4</c> members of <c>NDIS_OFFLOAD_PARAMETERS</c>
/// (<c>NDIS_OFFLOAD_PARAMETERS_IPSECV1_*</c> and <c>…_IPSECV2_*</c> share the numbers).
/// </summary>
public enum OffloadParametersIpsec : byte
{
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_NO_CHANGE</c>.</summary>
    NoChange = 0,
    /// <summary><c>…_IPSECV1_DISABLED</c> / <c>…_IPSECV2_DISABLED</c>.</summary>
    Disabled = 1,
    /// <summary><c>…_IPSECV1_AH_ENABLED</c> / <c>…_IPSECV2_AH_ENABLED</c>.</summary>
    AhEnabled = 2,
    /// <summary><c>…_IPSECV1_ESP_ENABLED</c> / <c>…_IPSECV2_ESP_ENABLED</c>.</summary>
    EspEnabled = 3,
    /// <summary><c>…_IPSECV1_AH_AND_ESP_ENABLED</c> / <c>…_IPSECV2_AH_AND_ESP_ENABLED</c>.</summary>
    AhAndEspEnabled = 4,
}

/// <summary>
/// <c>NDIS_OFFLOAD_PARAMETERS</c>, the buffer of <c>OID_TCP_OFFLOAD_PARAMETERS</c> (spec digest §5.5).
/// Revision 1 is 20 bytes (through <c>Flags</c>); revision 2 (NDIS 6.1) is 22 bytes and adds
/// <c>IPsecV2</c> and <c>IPsecV2IPv4</c>, which must stay <see cref="OffloadParametersIpsec.NoChange"/>
/// in a revision 1 value.
/// </summary>
/// <param name="Revision">1 or 2: the layout written and understood.</param>
/// <param name="IPv4Checksum">IPv4 header checksum setting.</param>
/// <param name="TcpIPv4Checksum">TCP over IPv4 checksum setting (<c>TCPIPv4Checksum</c>).</param>
/// <param name="UdpIPv4Checksum">UDP over IPv4 checksum setting (<c>UDPIPv4Checksum</c>).</param>
/// <param name="TcpIPv6Checksum">TCP over IPv6 checksum setting (<c>TCPIPv6Checksum</c>).</param>
/// <param name="UdpIPv6Checksum">UDP over IPv6 checksum setting (<c>UDPIPv6Checksum</c>).</param>
/// <param name="LsoV1">LSOv1 setting.</param>
/// <param name="IPsecV1">IPsec offload v1 setting.</param>
/// <param name="LsoV2IPv4">LSOv2 IPv4 setting.</param>
/// <param name="LsoV2IPv6">LSOv2 IPv6 setting.</param>
/// <param name="TcpConnectionIPv4">TCP chimney IPv4 setting, carried as the raw UCHAR (not validated).</param>
/// <param name="TcpConnectionIPv6">TCP chimney IPv6 setting, carried as the raw UCHAR (not validated).</param>
/// <param name="Flags">The raw <c>Flags</c> ULONG (later headers define bits; not validated).</param>
/// <param name="IPsecV2">IPsec offload v2 setting for IPv4 and IPv6 (revision 2).</param>
/// <param name="IPsecV2IPv4">IPsec offload v2 setting for IPv4-only adapters (revision 2, AMB-39).</param>
public sealed record NdisOffloadParameters(
    byte Revision = NdisOffloadParametersCodec.Revision2,
    OffloadParametersChecksum IPv4Checksum = OffloadParametersChecksum.NoChange,
    OffloadParametersChecksum TcpIPv4Checksum = OffloadParametersChecksum.NoChange,
    OffloadParametersChecksum UdpIPv4Checksum = OffloadParametersChecksum.NoChange,
    OffloadParametersChecksum TcpIPv6Checksum = OffloadParametersChecksum.NoChange,
    OffloadParametersChecksum UdpIPv6Checksum = OffloadParametersChecksum.NoChange,
    OffloadParametersLso LsoV1 = OffloadParametersLso.NoChange,
    OffloadParametersIpsec IPsecV1 = OffloadParametersIpsec.NoChange,
    OffloadParametersLso LsoV2IPv4 = OffloadParametersLso.NoChange,
    OffloadParametersLso LsoV2IPv6 = OffloadParametersLso.NoChange,
    byte TcpConnectionIPv4 = 0,
    byte TcpConnectionIPv6 = 0,
    uint Flags = 0,
    OffloadParametersIpsec IPsecV2 = OffloadParametersIpsec.NoChange,
    OffloadParametersIpsec IPsecV2IPv4 = OffloadParametersIpsec.NoChange);

/// <summary>Layout and codec of <see cref="NdisOffloadParameters"/> (identical on x86 and x64: UCHARs and one ULONG).</summary>
public static class NdisOffloadParametersCodec
{
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_REVISION_1</c>.</summary>
    public const byte Revision1 = 1;
    /// <summary><c>NDIS_OFFLOAD_PARAMETERS_REVISION_2</c>.</summary>
    public const byte Revision2 = 2;
    /// <summary><c>NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1</c>: through <c>Flags</c>.</summary>
    public const int SizeRevision1 = 20;
    /// <summary><c>NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2</c>: through <c>IPsecV2IPv4</c>.</summary>
    public const int SizeRevision2 = 22;

    // ntddndis.h (spec digest §5.5):
    //   +0 NDIS_OBJECT_HEADER Header   +4 IPv4Checksum  +5 TCPIPv4Checksum  +6 UDPIPv4Checksum
    //   +7 TCPIPv6Checksum  +8 UDPIPv6Checksum  +9 LsoV1  +10 IPsecV1  +11 LsoV2IPv4  +12 LsoV2IPv6
    //   +13 TcpConnectionIPv4  +14 TcpConnectionIPv6  (+15 pad)  +16 ULONG Flags
    //   revision 2: +20 IPsecV2  +21 IPsecV2IPv4
    /// <summary>Offset of <c>IPv4Checksum</c>.</summary>
    public const int IPv4ChecksumOffset = 4;
    /// <summary>Offset of <c>TCPIPv4Checksum</c>.</summary>
    public const int TcpIPv4ChecksumOffset = 5;
    /// <summary>Offset of <c>UDPIPv4Checksum</c>.</summary>
    public const int UdpIPv4ChecksumOffset = 6;
    /// <summary>Offset of <c>TCPIPv6Checksum</c>.</summary>
    public const int TcpIPv6ChecksumOffset = 7;
    /// <summary>Offset of <c>UDPIPv6Checksum</c>.</summary>
    public const int UdpIPv6ChecksumOffset = 8;
    /// <summary>Offset of <c>LsoV1</c>.</summary>
    public const int LsoV1Offset = 9;
    /// <summary>Offset of <c>IPsecV1</c>.</summary>
    public const int IPsecV1Offset = 10;
    /// <summary>Offset of <c>LsoV2IPv4</c>.</summary>
    public const int LsoV2IPv4Offset = 11;
    /// <summary>Offset of <c>LsoV2IPv6</c>.</summary>
    public const int LsoV2IPv6Offset = 12;
    /// <summary>Offset of <c>TcpConnectionIPv4</c>.</summary>
    public const int TcpConnectionIPv4Offset = 13;
    /// <summary>Offset of <c>TcpConnectionIPv6</c>.</summary>
    public const int TcpConnectionIPv6Offset = 14;
    /// <summary>Offset of <c>Flags</c>.</summary>
    public const int FlagsOffset = 16;
    /// <summary>Offset of <c>IPsecV2</c> (revision 2).</summary>
    public const int IPsecV2Offset = 20;
    /// <summary>Offset of <c>IPsecV2IPv4</c> (revision 2).</summary>
    public const int IPsecV2IPv4Offset = 21;

    private const string Name = "NDIS_OFFLOAD_PARAMETERS";

    /// <summary>
    /// Encodes 20 bytes (revision 1) or 22 bytes (revision 2) with <c>Header = {0x80, Revision, size}</c>.
    /// Throws for a revision other than 1 or 2, or for revision 1 with IPsecV2 members set.
    /// </summary>
    public static byte[] Encode(NdisOffloadParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int size = parameters.Revision switch
        {
            Revision1 => SizeRevision1,
            Revision2 => SizeRevision2,
            _ => throw new ArgumentOutOfRangeException(nameof(parameters), parameters.Revision, "Revision must be 1 or 2"),
        };
        if (size == SizeRevision1 && (parameters.IPsecV2 != 0 || parameters.IPsecV2IPv4 != 0))
        {
            throw new ArgumentException("IPsecV2 and IPsecV2IPv4 need revision 2", nameof(parameters));
        }

        byte[] buffer = new byte[size];
        new NdisObjectHeader(NdisObjectType.Default, parameters.Revision, (ushort)size).Write(buffer);
        buffer[IPv4ChecksumOffset] = (byte)parameters.IPv4Checksum;
        buffer[TcpIPv4ChecksumOffset] = (byte)parameters.TcpIPv4Checksum;
        buffer[UdpIPv4ChecksumOffset] = (byte)parameters.UdpIPv4Checksum;
        buffer[TcpIPv6ChecksumOffset] = (byte)parameters.TcpIPv6Checksum;
        buffer[UdpIPv6ChecksumOffset] = (byte)parameters.UdpIPv6Checksum;
        buffer[LsoV1Offset] = (byte)parameters.LsoV1;
        buffer[IPsecV1Offset] = (byte)parameters.IPsecV1;
        buffer[LsoV2IPv4Offset] = (byte)parameters.LsoV2IPv4;
        buffer[LsoV2IPv6Offset] = (byte)parameters.LsoV2IPv6;
        buffer[TcpConnectionIPv4Offset] = parameters.TcpConnectionIPv4;
        buffer[TcpConnectionIPv6Offset] = parameters.TcpConnectionIPv6;
        NativeFields.WriteULong(buffer, FlagsOffset, parameters.Flags);
        if (size == SizeRevision2)
        {
            buffer[IPsecV2Offset] = (byte)parameters.IPsecV2;
            buffer[IPsecV2IPv4Offset] = (byte)parameters.IPsecV2IPv4;
        }

        return buffer;
    }

    /// <summary>
    /// Decodes and validates. Header: Type 0x80, Revision ≥ 1, Size ≥ 20 (≥ 22 when Revision ≥ 2);
    /// revisions above 2 decode as revision 2 (later members are ignored). Every enumerated member
    /// must hold a defined constant (INVALID_DATA, [S-OIDPARAMS]).
    /// </summary>
    public static OidDecodeResult<NdisOffloadParameters> Decode(ReadOnlySpan<byte> buffer)
    {
        if (NativeFields.CheckFixedLength(buffer.Length, 0, SizeRevision1, Name, out int needed) is { } shortError)
        {
            return new(shortError, needed);
        }

        if (NativeFields.CheckHeader(buffer, Name, Revision1, SizeRevision1, out NdisObjectHeader header) is { } headerError)
        {
            return new(headerError, 0);
        }

        byte revision = header.Revision >= Revision2 ? Revision2 : Revision1;
        if (revision == Revision2)
        {
            if (header.Size < SizeRevision2)
            {
                return new(NativeFields.InvalidData($"{Name}.Header.Size",
                    $"Header.Size {header.Size} is below NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2 = {SizeRevision2} for Revision {header.Revision}"), 0);
            }

            if (NativeFields.CheckFixedLength(buffer.Length, 0, SizeRevision2, Name, out needed) is { } shortError2)
            {
                return new(shortError2, needed);
            }
        }

        NdisError? error = null;
        var result = new NdisOffloadParameters(
            revision,
            Checksum(buffer, IPv4ChecksumOffset, "IPv4Checksum", ref error),
            Checksum(buffer, TcpIPv4ChecksumOffset, "TCPIPv4Checksum", ref error),
            Checksum(buffer, UdpIPv4ChecksumOffset, "UDPIPv4Checksum", ref error),
            Checksum(buffer, TcpIPv6ChecksumOffset, "TCPIPv6Checksum", ref error),
            Checksum(buffer, UdpIPv6ChecksumOffset, "UDPIPv6Checksum", ref error),
            Lso(buffer, LsoV1Offset, "LsoV1", ref error),
            Ipsec(buffer, IPsecV1Offset, "IPsecV1", ref error),
            Lso(buffer, LsoV2IPv4Offset, "LsoV2IPv4", ref error),
            Lso(buffer, LsoV2IPv6Offset, "LsoV2IPv6", ref error),
            buffer[TcpConnectionIPv4Offset],
            buffer[TcpConnectionIPv6Offset],
            NativeFields.ReadULong(buffer, FlagsOffset),
            revision == Revision2 ? Ipsec(buffer, IPsecV2Offset, "IPsecV2", ref error) : OffloadParametersIpsec.NoChange,
            revision == Revision2 ? Ipsec(buffer, IPsecV2IPv4Offset, "IPsecV2IPv4", ref error) : OffloadParametersIpsec.NoChange);
        return error is null ? new(result, revision == Revision2 ? SizeRevision2 : SizeRevision1) : new(error, 0);
    }

    private static OffloadParametersChecksum Checksum(ReadOnlySpan<byte> buffer, int offset, string member, ref NdisError? error) =>
        (OffloadParametersChecksum)Ranged(buffer, offset, member, (byte)OffloadParametersChecksum.TxRxEnabled, ref error);

    private static OffloadParametersLso Lso(ReadOnlySpan<byte> buffer, int offset, string member, ref NdisError? error) =>
        (OffloadParametersLso)Ranged(buffer, offset, member, (byte)OffloadParametersLso.Enabled, ref error);

    private static OffloadParametersIpsec Ipsec(ReadOnlySpan<byte> buffer, int offset, string member, ref NdisError? error) =>
        (OffloadParametersIpsec)Ranged(buffer, offset, member, (byte)OffloadParametersIpsec.AhAndEspEnabled, ref error);

    private static byte Ranged(ReadOnlySpan<byte> buffer, int offset, string member, byte max, ref NdisError? error)
    {
        byte value = buffer[offset];
        if (value > max && error is null)
        {
            error = NativeFields.InvalidData($"{Name}.{member}",
                $"{member} {value} (at offset {offset}) is not a defined value 0..{max}");
        }

        return value;
    }
}
