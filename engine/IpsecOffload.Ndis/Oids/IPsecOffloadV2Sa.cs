namespace IpsecOffload.Ndis.Oids;

/// <summary><c>IPSEC_OFFLOAD_V2_OPERATION</c> (ndis.h; spec digest §4.2).</summary>
public enum IPsecV2Operation : uint
{
    /// <summary><c>IPsecOffloadV2Ah</c> (1): authentication (integrity).</summary>
    Ah = 1,
    /// <summary><c>IPsecOffloadV2Esp</c> (2): encryption/decryption and/or ESP authentication.</summary>
    Esp = 2,
}

/// <summary><c>IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION.Flags</c>.</summary>
[Flags]
public enum IPsecV2SaFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>IPSEC_OFFLOAD_V2_ESN_SA</c> 0x1: the SA uses 64-bit extended sequence numbers (RFC 4304).</summary>
    Esn = 0x0000_0001,
}

/// <summary><c>IPSEC_OFFLOAD_V2_ADD_SA(_EX).Flags</c>.</summary>
[Flags]
public enum IPsecV2AddSaFlags : uint
{
    /// <summary>No flag: an outbound IPv4 SA.</summary>
    None = 0,
    /// <summary><c>IPSEC_OFFLOAD_V2_INBOUND</c> 0x1: set = inbound, clear = outbound.</summary>
    Inbound = 0x0000_0001,
    /// <summary><c>IPSEC_OFFLOAD_V2_IPv6</c> 0x10: the endpoints union holds IPv6 addresses.</summary>
    IPv6 = 0x0000_0010,
}

/// <summary>
/// <c>IPSEC_OFFLOAD_V2_ALGORITHM_INFO</c> (16 bytes). <c>Identifier</c> is one
/// <see cref="IPsecV2Authentication"/> bit in <c>AuthenticationAlgorithm</c> and one
/// <see cref="IPsecV2Encryption"/> bit in <c>EncryptionAlgorithm</c>; all zero = absent.
/// </summary>
/// <param name="Identifier"><c>Identifier</c>, raw.</param>
/// <param name="KeyLength"><c>KeyLength</c>: key bytes.</param>
/// <param name="KeyOffsetBytes"><c>KeyOffsetBytes</c>: offset of the key in the key array.</param>
/// <param name="AdditionalInfo"><c>AdditionalInfo</c> (AES-GCM: ICV length).</param>
public readonly record struct IPsecV2AlgorithmInfo(uint Identifier, uint KeyLength, uint KeyOffsetBytes, uint AdditionalInfo)
{
    /// <summary>An <c>AuthenticationAlgorithm</c> entry.</summary>
    public static IPsecV2AlgorithmInfo ForAuthentication(IPsecV2Authentication algorithm, uint keyLength, uint keyOffsetBytes, uint additionalInfo = 0) =>
        new((uint)algorithm, keyLength, keyOffsetBytes, additionalInfo);

    /// <summary>An <c>EncryptionAlgorithm</c> entry.</summary>
    public static IPsecV2AlgorithmInfo ForEncryption(IPsecV2Encryption algorithm, uint keyLength, uint keyOffsetBytes, uint additionalInfo = 0) =>
        new((uint)algorithm, keyLength, keyOffsetBytes, additionalInfo);
}

/// <summary><c>IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION</c> (48 bytes; spec digest §4.2).</summary>
/// <param name="Flags"><c>Flags</c>: 0 or ESN.</param>
/// <param name="Operation"><c>Operation</c>.</param>
/// <param name="Spi"><c>Spi</c>, network byte order (AMB-19): the value as on the wire (<c>0x00001001</c> is stored as <c>00 00 10 01</c>).</param>
/// <param name="AuthenticationAlgorithm"><c>AuthenticationAlgorithm</c>.</param>
/// <param name="EncryptionAlgorithm"><c>EncryptionAlgorithm</c>.</param>
/// <param name="SequenceNumberHighOrder"><c>SequenceNumberHighOrder</c>: high 32 bits of the ESN (little-endian ULONG).</param>
public readonly record struct IPsecV2SecurityAssociation(
    IPsecV2SaFlags Flags, IPsecV2Operation Operation, uint Spi,
    IPsecV2AlgorithmInfo AuthenticationAlgorithm, IPsecV2AlgorithmInfo EncryptionAlgorithm, uint SequenceNumberHighOrder)
{
    /// <summary><c>AuthenticationAlgorithm.Identifier</c> as an <see cref="IPsecV2Authentication"/>.</summary>
    public IPsecV2Authentication Authentication => (IPsecV2Authentication)AuthenticationAlgorithm.Identifier;

    /// <summary><c>EncryptionAlgorithm.Identifier</c> as an <see cref="IPsecV2Encryption"/>.</summary>
    public IPsecV2Encryption Encryption => (IPsecV2Encryption)EncryptionAlgorithm.Identifier;
}

/// <summary>
/// The endpoints union of <c>IPSEC_OFFLOAD_V2_ADD_SA(_EX)</c>: <c>IPv4Endpoints</c> (two <c>IPAddr</c>
/// ULONGs in network byte order, AMB-19: each typed value is the host value of the network-order
/// address, <c>0xC0000201</c> = 192.0.2.1, stored as <c>c0 00 02 01</c>) or <c>IPv6Endpoints</c> (two
/// 16-byte arrays, the raw address bytes in wire order). Which view applies is decided by
/// <see cref="IPsecV2AddSaFlags.IPv6"/>. Zero = wildcard.
/// </summary>
public sealed record IPsecV2Endpoints
{
    private IPsecV2Endpoints(bool isIPv6, uint ipv4Src, uint ipv4Dest, EquatableArray<byte> ipv6Src, EquatableArray<byte> ipv6Dest)
    {
        IsIPv6 = isIPv6;
        IPv4SrcAddr = ipv4Src;
        IPv4DestAddr = ipv4Dest;
        IPv6SrcAddr = ipv6Src;
        IPv6DestAddr = ipv6Dest;
    }

    /// <summary>Bytes in one IPv6 address.</summary>
    public const int IPv6AddressLength = 16;

    /// <summary>True for the <c>IPv6Endpoints</c> view.</summary>
    public bool IsIPv6 { get; }

    /// <summary>
    /// <c>IPv4Endpoints.SrcAddr</c> (0 for IPv6), network byte order (AMB-19): the value as on the wire: the host value of the network-order address
    /// (<c>0xC0000201</c> = 192.0.2.1).
    /// </summary>
    public uint IPv4SrcAddr { get; }

    /// <summary>
    /// <c>IPv4Endpoints.DestAddr</c> (0 for IPv6), network byte order (AMB-19): the value as on the wire: the host value of the network-order address
    /// (<c>0xC0000201</c> = 192.0.2.1).
    /// </summary>
    public uint IPv4DestAddr { get; }

    /// <summary><c>IPv6Endpoints.SrcAddr</c>, 16 raw address bytes in wire order (empty for IPv4).</summary>
    public EquatableArray<byte> IPv6SrcAddr { get; }

    /// <summary><c>IPv6Endpoints.DestAddr</c>, 16 raw address bytes in wire order (empty for IPv4).</summary>
    public EquatableArray<byte> IPv6DestAddr { get; }

    /// <summary>The IPv4 view; each address is the host value of the network-order address (<c>0xC0000201</c> = 192.0.2.1).</summary>
    public static IPsecV2Endpoints IPv4(uint srcAddr, uint destAddr) => new(false, srcAddr, destAddr, default, default);

    /// <summary>The IPv6 view; each address must be 16 bytes, in wire order.</summary>
    public static IPsecV2Endpoints IPv6(ReadOnlySpan<byte> srcAddr, ReadOnlySpan<byte> destAddr)
    {
        if (srcAddr.Length != IPv6AddressLength || destAddr.Length != IPv6AddressLength)
        {
            throw new ArgumentException(
                $"IPv6 addresses are {IPv6AddressLength} bytes; got {srcAddr.Length} and {destAddr.Length}", nameof(srcAddr));
        }

        return new(true, 0, 0, new EquatableArray<byte>(srcAddr), new EquatableArray<byte>(destAddr));
    }
}

/// <summary>
/// <c>IPSEC_OFFLOAD_V2_ADD_SA</c> (x86 160 / x64 176 bytes; spec digest §4.2), one element of the
/// <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c> chain. <c>Header</c> and <c>Next</c> are written by the
/// chain encoder; <c>NumExtHdrs</c> is <c>SecAssoc.Count</c>; <c>KeyLength</c> is <c>KeyData.Count</c>.
/// <c>Flags</c> is written as given (keep <see cref="IPsecV2AddSaFlags.IPv6"/> consistent with
/// <see cref="Endpoints"/>; the decoder picks the union view from the flag).
/// </summary>
/// <param name="Flags"><c>Flags</c>.</param>
/// <param name="Endpoints">The endpoints union.</param>
/// <param name="OffloadHandle"><c>OffloadHandle</c>: output, 0 on input.</param>
/// <param name="UdpEspEncapsulation"><c>UdpEspEncapsulation</c>.</param>
/// <param name="SecAssoc">The used <c>SecAssoc[]</c> entries (1 or 2), in processing order.</param>
/// <param name="KeyData">The key array at <c>KeyData</c>.</param>
public sealed record IPsecV2AddSa(
    IPsecV2AddSaFlags Flags, IPsecV2Endpoints Endpoints, ulong OffloadHandle, IPsecV2UdpEspEncapsulation UdpEspEncapsulation,
    EquatableArray<IPsecV2SecurityAssociation> SecAssoc, EquatableArray<byte> KeyData);

/// <summary>
/// <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> (x86 164 / x64 176 bytes; NDIS 6.30+), the single structure of
/// <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX</c>. The encoder places <see cref="Keys"/> right after the
/// structure (<c>KeyOffset = sizeof</c>); <c>KeyOffsetBytes</c> are relative to that array (AMB-12).
/// </summary>
/// <param name="Flags"><c>Flags</c>.</param>
/// <param name="Endpoints">The endpoints union.</param>
/// <param name="OffloadHandle"><c>OffloadHandle</c>: output, 0 on input.</param>
/// <param name="UdpEspEncapsulation"><c>UdpEspEncapsulation</c>.</param>
/// <param name="SecAssoc">The used <c>SecAssoc[]</c> entries (1 or 2).</param>
/// <param name="Keys">The key array found through <c>KeyOffset</c> / <c>KeyLength</c>.</param>
/// <param name="SourceSwitchPortId"><c>SourceSwitchPortId</c> (reserved).</param>
/// <param name="VlanId"><c>VlanId</c> (reserved).</param>
public sealed record IPsecV2AddSaEx(
    IPsecV2AddSaFlags Flags, IPsecV2Endpoints Endpoints, ulong OffloadHandle, IPsecV2UdpEspEncapsulation UdpEspEncapsulation,
    EquatableArray<IPsecV2SecurityAssociation> SecAssoc, EquatableArray<byte> Keys, uint SourceSwitchPortId = 0, ushort VlanId = 0);

/// <summary><c>IPSEC_OFFLOAD_V2_DELETE_SA</c> (x86 12 / x64 24 bytes), one element of the DELETE_SA chain.</summary>
/// <param name="OffloadHandle">The SA bundle to delete.</param>
public readonly record struct IPsecV2DeleteSa(ulong OffloadHandle);

/// <summary><c>IPSEC_OFFLOAD_V2_UPDATE_SA</c> (x86 20 / x64 32 bytes).</summary>
/// <param name="OffloadHandle">The SA to update.</param>
/// <param name="Operation"><c>Operation</c>.</param>
/// <param name="Spi"><c>Spi</c>, network byte order (AMB-19): the value as on the wire.</param>
/// <param name="SequenceNumberHighOrder">New high-order 32 bits of the ESN (little-endian ULONG).</param>
public readonly record struct IPsecV2UpdateSa(ulong OffloadHandle, IPsecV2Operation Operation, uint Spi, uint SequenceNumberHighOrder);
