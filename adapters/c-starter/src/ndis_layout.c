/* ndis_layout.c - the per-ABI offsets of shared/spec/ndis-ipsec-offload.md §3.2 and §4.2. */
#include "ndis.h"

/*
 * IPSEC_OFFLOAD_V2_ADD_SA                 x86   x64
 *   Header                                 0     0
 *   Next                                   4     8
 *   NumExtHdrs                             8    16
 *   Flags                                 12    20
 *   IPv4/IPv6 endpoints (32 bytes)        16    24
 *   OffloadHandle                         48    56
 *   UdpEspEncapsulation                   52    64
 *   SecAssoc[2] (2 x 48)                  56    68
 *   KeyLength                            152   164
 *   KeyData                              156   168   (size through KeyData 157 / 169)
 * IPSEC_OFFLOAD_V2_ADD_SA_EX
 *   Header 0, NumExtHdrs 4, Flags 8, endpoints 12,
 *   OffloadHandle 44/48, UdpEspEncapsulation 48/56, SecAssoc 52/60, KeyLength 148/156,
 *   KeyOffset 152/160, SourceSwitchPortId 156/164, VlanId 160/168  (size through VlanId 162 / 170)
 * IPSEC_OFFLOAD_V2_DELETE_SA   Header 0, Next 4/8, OffloadHandle 8/16, size 12/24
 * IPSEC_OFFLOAD_V2_UPDATE_SA   Header 0, OffloadHandle 4/8, Operation 8/16, Spi 12/20,
 *                              SequenceNumberHighOrder 16/24  (size 20 / 28)
 * OFFLOAD_IPSEC_ADD_SA (v1)    OffloadHandle 168, KeyLen 172/176, KeyMat 176/180
 * OFFLOAD_IPSEC_DELETE_SA (v1) OffloadHandle 0, size 4/8
 */
const ndis_layout NDIS_LAYOUT_X64 = {
    "x64", 8,
    8, 16, 20, 24, 56, 64, 68, 164, 168, 169,
    4, 8, 12, 48, 56, 60, 156, 160, 170,
    8, 16, 24,
    8, 16, 20, 24, 28,
    168, 176, 180,
    8,
};

const ndis_layout NDIS_LAYOUT_X86 = {
    "x86", 4,
    4, 8, 12, 16, 48, 52, 56, 152, 156, 157,
    4, 8, 12, 44, 48, 52, 148, 152, 162,
    4, 8, 12,
    4, 8, 12, 16, 20,
    168, 172, 176,
    4,
};
