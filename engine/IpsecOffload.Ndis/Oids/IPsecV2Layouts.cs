namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// Member offsets of <c>IPSEC_OFFLOAD_V2_ADD_SA</c> or <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> for one ABI
/// (spec digest §4.2; x64 ADD_SA cross-checked against PDB dumps). Members a structure lacks are -1.
/// </summary>
/// <param name="Next"><c>Next</c> (ADD_SA only).</param>
/// <param name="NumExtHdrs"><c>NumExtHdrs</c>.</param>
/// <param name="Flags"><c>Flags</c>.</param>
/// <param name="Endpoints">The endpoints union: <c>IPv4Endpoints.SrcAddr</c> / <c>IPv6Endpoints.SrcAddr</c>.</param>
/// <param name="IPv4DestAddr"><c>IPv4Endpoints.DestAddr</c>.</param>
/// <param name="IPv6DestAddr"><c>IPv6Endpoints.DestAddr</c>.</param>
/// <param name="OffloadHandle"><c>OffloadHandle</c>.</param>
/// <param name="UdpEspEncapsulation"><c>UdpEspEncapsulation</c>.</param>
/// <param name="SecAssoc"><c>SecAssoc[0]</c>; <c>SecAssoc[1]</c> follows 48 bytes later.</param>
/// <param name="KeyLength"><c>KeyLength</c>.</param>
/// <param name="KeyData"><c>KeyData</c> (ADD_SA only): where keys start and the fixed part ends.</param>
/// <param name="KeyOffset"><c>KeyOffset</c> (ADD_SA_EX only).</param>
/// <param name="SourceSwitchPortId"><c>SourceSwitchPortId</c> (ADD_SA_EX only).</param>
/// <param name="VlanId"><c>VlanId</c> (ADD_SA_EX only).</param>
/// <param name="SizeofRevision1"><c>NDIS_SIZEOF_…_REVISION_1</c> (<c>RTL_SIZEOF_THROUGH_FIELD</c> KeyData / VlanId).</param>
/// <param name="Size"><c>sizeof</c> the structure.</param>
public sealed record IPsecV2AddSaLayout(
    int Next, int NumExtHdrs, int Flags, int Endpoints, int IPv4DestAddr, int IPv6DestAddr, int OffloadHandle,
    int UdpEspEncapsulation, int SecAssoc, int KeyLength, int KeyData, int KeyOffset, int SourceSwitchPortId, int VlanId,
    int SizeofRevision1, int Size)
{
    // IPSEC_OFFLOAD_V2_ADD_SA            x86   x64
    //   NDIS_OBJECT_HEADER Header          0     0
    //   PIPSEC_OFFLOAD_V2_ADD_SA Next      4     8
    //   ULONG NumExtHdrs                   8    16
    //   ULONG Flags                       12    20
    //   union IPv4/IPv6 Endpoints         16    24   (v4 Dest +4, v6 Dest +16; IPv4 IPAddr network order, AMB-19)
    //   NDIS_HANDLE OffloadHandle         48    56
    //   ULONG UdpEspEncapsulation         52    64
    //   SecAssoc[2]                       56    68   (48 each)
    //   ULONG KeyLength                  152   164
    //   UCHAR KeyData[1]                 156   168   through-field 157 / 169, sizeof 160 / 176
    private static readonly IPsecV2AddSaLayout AddSaX86 = new(4, 8, 12, 16, 20, 32, 48, 52, 56, 152, 156, -1, -1, -1, 157, 160);
    private static readonly IPsecV2AddSaLayout AddSaX64 = new(8, 16, 20, 24, 28, 40, 56, 64, 68, 164, 168, -1, -1, -1, 169, 176);

    // IPSEC_OFFLOAD_V2_ADD_SA_EX         x86   x64
    //   NDIS_OBJECT_HEADER Header          0     0
    //   ULONG NumExtHdrs                   4     4
    //   ULONG Flags                        8     8
    //   union IPv4/IPv6 Endpoints         12    12   (v4 Dest 16, v6 Dest 28; IPv4 IPAddr network order, AMB-19)
    //   NDIS_HANDLE OffloadHandle         44    48
    //   ULONG UdpEspEncapsulation         48    56
    //   SecAssoc[2]                       52    60
    //   ULONG KeyLength                  148   156
    //   ULONG KeyOffset                  152   160
    //   NDIS_SWITCH_PORT_ID SourceSwitchPortId 156 164
    //   USHORT VlanId                    160   168   through-field 162 / 170, sizeof 164 / 176
    private static readonly IPsecV2AddSaLayout AddSaExX86 = new(-1, 4, 8, 12, 16, 28, 44, 48, 52, 148, -1, 152, 156, 160, 162, 164);
    private static readonly IPsecV2AddSaLayout AddSaExX64 = new(-1, 4, 8, 12, 16, 28, 48, 56, 60, 156, -1, 160, 164, 168, 170, 176);

    /// <summary>The <c>IPSEC_OFFLOAD_V2_ADD_SA</c> layout for <paramref name="abi"/>.</summary>
    public static IPsecV2AddSaLayout AddSa(NdisAbi abi) => abi == NdisAbi.X64 ? AddSaX64 : AddSaX86;

    /// <summary>The <c>IPSEC_OFFLOAD_V2_ADD_SA_EX</c> layout for <paramref name="abi"/>.</summary>
    public static IPsecV2AddSaLayout AddSaEx(NdisAbi abi) => abi == NdisAbi.X64 ? AddSaExX64 : AddSaExX86;

    /// <summary>Bytes of the fixed part a decoder needs before it can read the keys' position.</summary>
    public int FixedLength => KeyData >= 0 ? KeyData : SizeofRevision1;
}

/// <summary>
/// Member offsets of <c>IPSEC_OFFLOAD_V2_DELETE_SA</c> and <c>IPSEC_OFFLOAD_V2_UPDATE_SA</c> for one ABI
/// (spec digest §4.2).
/// </summary>
/// <param name="Next"><c>Next</c> (DELETE_SA only, else -1).</param>
/// <param name="OffloadHandle"><c>OffloadHandle</c>.</param>
/// <param name="Operation"><c>Operation</c> (UPDATE_SA only, else -1).</param>
/// <param name="Spi"><c>Spi</c> (UPDATE_SA only, else -1).</param>
/// <param name="SequenceNumberHighOrder"><c>SequenceNumberHighOrder</c> (UPDATE_SA only, else -1).</param>
/// <param name="SizeofRevision1"><c>NDIS_SIZEOF_…_REVISION_1</c>.</param>
/// <param name="Size"><c>sizeof</c> the structure.</param>
public sealed record IPsecV2SmallLayout(int Next, int OffloadHandle, int Operation, int Spi, int SequenceNumberHighOrder, int SizeofRevision1, int Size)
{
    // IPSEC_OFFLOAD_V2_DELETE_SA: Header 0/0, Next 4/8, OffloadHandle 8/16; sizeof 12/24 (= REVISION_1 size)
    private static readonly IPsecV2SmallLayout DeleteX86 = new(4, 8, -1, -1, -1, 12, 12);
    private static readonly IPsecV2SmallLayout DeleteX64 = new(8, 16, -1, -1, -1, 24, 24);

    // IPSEC_OFFLOAD_V2_UPDATE_SA: Header 0/0, OffloadHandle 4/8, Operation 8/16, Spi 12/20,
    // SequenceNumberHighOrder 16/24; through-field 20/28, sizeof 20/32 (Spi network order, AMB-19)
    private static readonly IPsecV2SmallLayout UpdateX86 = new(-1, 4, 8, 12, 16, 20, 20);
    private static readonly IPsecV2SmallLayout UpdateX64 = new(-1, 8, 16, 20, 24, 28, 32);

    /// <summary>The <c>IPSEC_OFFLOAD_V2_DELETE_SA</c> layout for <paramref name="abi"/>.</summary>
    public static IPsecV2SmallLayout DeleteSa(NdisAbi abi) => abi == NdisAbi.X64 ? DeleteX64 : DeleteX86;

    /// <summary>The <c>IPSEC_OFFLOAD_V2_UPDATE_SA</c> layout for <paramref name="abi"/>.</summary>
    public static IPsecV2SmallLayout UpdateSa(NdisAbi abi) => abi == NdisAbi.X64 ? UpdateX64 : UpdateX86;
}
