/*
 * ndis.h - the NDIS numbers and structure layouts the starter needs, from
 * shared/spec/ndis-ipsec-offload.md (section numbers below refer to it).
 * Every multi-byte field is little-endian; pointer-sized fields are 8 bytes on
 * x64 and 4 on x86. Offsets are named constants, never magic numbers in code.
 */
#ifndef CSTARTER_NDIS_H
#define CSTARTER_NDIS_H

#include <stddef.h>
#include <stdint.h>

/* ---- §9.1 NDIS_STATUS ------------------------------------------------------ */
#define NDIS_STATUS_SUCCESS           0x00000000u
#define NDIS_STATUS_FAILURE           0xC0000001u
#define NDIS_STATUS_INVALID_PARAMETER 0xC000000Du
#define NDIS_STATUS_RESOURCES         0xC000009Au
#define NDIS_STATUS_NOT_SUPPORTED     0xC00000BBu
#define NDIS_STATUS_INVALID_LENGTH    0xC0010014u
#define NDIS_STATUS_INVALID_DATA      0xC0010015u

/* ---- §9.2 OIDs ------------------------------------------------------------- */
#define OID_TCP_TASK_IPSEC_ADD_SA                 0xFC010202u
#define OID_TCP_TASK_IPSEC_DELETE_SA              0xFC010203u
#define OID_TCP_OFFLOAD_PARAMETERS                0xFC01020Cu
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA      0xFC030202u
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA   0xFC030203u
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA   0xFC030204u
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX   0xFC030205u

/* ---- NDIS_OBJECT_HEADER { UCHAR Type; UCHAR Revision; USHORT Size; } -------- */
#define HDR_TYPE     0
#define HDR_REVISION 1
#define HDR_SIZE     2
#define HDR_LENGTH   4
#define NDIS_OBJECT_TYPE_DEFAULT 0x80u
#define NDIS_OBJECT_TYPE_OFFLOAD 0xA7u

/* ---- §2.1 NET_BUFFER_LIST info slots used on send ------------------------- */
#define SLOT_CHECKSUM        0
#define SLOT_IPSEC           1   /* v1/v2 OffloadHandle (pointer-sized) */
#define SLOT_LSO             2
#define SLOT_IPSEC_TUNNEL    11  /* v2 TunnelHandle (pointer-sized) */
#define SLOT_IPSEC_HEADER    12  /* v2 header word (NextHeader, PadLength, offsets) */
#define SLOT_COUNT           32  /* slots the starter keeps per NBL */

/* ---- §5.1 NDIS_OFFLOAD (same layout on x86 and x64) ----------------------- */
/*  +0 Header  +4 Checksum (32)  +36 LsoV1 (16)  +52 IPsecV1 (28)  +80 LsoV2 (28)
 *  +108 Flags  +112 IPsecV2 (32)  -> revision 2 size 144                      */
#define OFFLOAD_HEADER      0
#define OFFLOAD_CHECKSUM    4
#define OFFLOAD_LSOV1       36
#define OFFLOAD_IPSECV1     52
#define OFFLOAD_LSOV2       80
#define OFFLOAD_FLAGS       108
#define OFFLOAD_IPSECV2     112
#define NDIS_OFFLOAD_REVISION_2 2
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 144

/* §5.3 NDIS_IPSEC_OFFLOAD_V2, relative to OFFLOAD_IPSECV2 */
#define V2CAP_ENCAPSULATION                 0
#define V2CAP_IPV6_SUPPORTED                4
#define V2CAP_IPV4_OPTIONS                  5
#define V2CAP_IPV6_NON_IPSEC_EXT_HEADERS    6
#define V2CAP_AH                            7
#define V2CAP_ESP                           8
#define V2CAP_AH_ESP_COMBINED               9
#define V2CAP_TRANSPORT                     10
#define V2CAP_TUNNEL                        11
#define V2CAP_TRANSPORT_TUNNEL_COMBINED     12
#define V2CAP_LSO_SUPPORTED                 13
#define V2CAP_EXTENDED_SEQUENCE_NUMBERS     14
#define V2CAP_UDP_ESP                       16
#define V2CAP_AUTHENTICATION_ALGORITHMS     20
#define V2CAP_ENCRYPTION_ALGORITHMS         24
#define V2CAP_SA_OFFLOAD_CAPACITY           28

/* §5.4 encapsulation flags */
#define NDIS_ENCAPSULATION_IEEE_802_3         0x02u
#define NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q 0x04u

/* ---- §5.5 NDIS_OFFLOAD_PARAMETERS (same layout on x86 and x64) ------------ */
#define OPARAMS_IPSECV1          10
#define OPARAMS_IPSECV2          20
#define OPARAMS_IPSECV2_IPV4     21
#define OPARAMS_SIZE_REVISION_1  20
#define OPARAMS_SIZE_REVISION_2  22
#define OPARAMS_IPSEC_NO_CHANGE     0
#define OPARAMS_IPSEC_DISABLED      1
#define OPARAMS_IPSEC_AH            2
#define OPARAMS_IPSEC_ESP           3
#define OPARAMS_IPSEC_AH_AND_ESP    4

/* ---- §4.2 v2 SA structures ------------------------------------------------- */
/* IPSEC_OFFLOAD_V2_ALGORITHM_INFO (16 bytes) */
#define ALGO_IDENTIFIER     0
#define ALGO_KEY_LENGTH     4
#define ALGO_KEY_OFFSET     8
#define ALGO_ADDITIONAL     12
/* IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION (48 bytes) */
#define SA2_FLAGS           0
#define SA2_OPERATION       4
#define SA2_SPI             8
#define SA2_AUTH_ALGO       12
#define SA2_ENC_ALGO        28
#define SA2_SEQ_HIGH        44
#define SA2_SIZE            48
#define IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS 2
#define IPSEC_OFFLOAD_V2_ESN_SA   0x1u
#define IPSEC_OFFLOAD_V2_INBOUND  0x1u
#define IPSEC_OFFLOAD_V2_IPV6     0x10u
#define IPSEC_OFFLOAD_V2_OP_AH    1u
#define IPSEC_OFFLOAD_V2_OP_ESP   2u

/* The layouts that depend on the pointer size, one table per ABI. */
typedef struct {
    const char *name;       /* "x64" / "x86" */
    size_t ptr;             /* pointer size */
    /* IPSEC_OFFLOAD_V2_ADD_SA */
    size_t add_next, add_num_ext, add_flags, add_endpoints, add_handle, add_udpesp, add_secassoc, add_key_length, add_key_data;
    size_t add_min_size;    /* NDIS_SIZEOF_..._ADD_SA_REVISION_1: through KeyData[0] */
    /* IPSEC_OFFLOAD_V2_ADD_SA_EX */
    size_t ex_num_ext, ex_flags, ex_endpoints, ex_handle, ex_udpesp, ex_secassoc, ex_key_length, ex_key_offset, ex_min_size;
    /* IPSEC_OFFLOAD_V2_DELETE_SA */
    size_t del_next, del_handle, del_size;
    /* IPSEC_OFFLOAD_V2_UPDATE_SA */
    size_t upd_handle, upd_operation, upd_spi, upd_seq_high, upd_min_size;
    /* §3.2 v1 OFFLOAD_IPSEC_ADD_SA / OFFLOAD_IPSEC_DELETE_SA */
    size_t v1_handle, v1_key_len, v1_key_mat;
    size_t v1_del_size;
} ndis_layout;

/* v1 OFFLOAD_IPSEC_ADD_SA fields before the handle (same on both ABIs) */
#define V1_FLAGS       32
#define V1_NUM_SAS     34
#define V1_SECASSOC    36
#define V1_SA_SIZE     44
#define V1_SA_OPERATION 0
#define V1_SA_INTEGRITY 8   /* OFFLOAD_ALGO_INFO { algoIdentifier, algoKeylen, algoRounds } */
#define V1_SA_CONF      20
#define OFFLOAD_MAX_SAS 3

extern const ndis_layout NDIS_LAYOUT_X64;
extern const ndis_layout NDIS_LAYOUT_X86;

/* Little-endian helpers (callers check bounds first). */
static inline uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline void wr32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
/* Pointer-sized little-endian value of n (4 or 8) bytes. */
static inline uint64_t rdptr(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--) v = (v << 8) | p[i - 1];
    return v;
}
static inline void wrptr(uint8_t *p, size_t n, uint64_t v)
{
    for (size_t i = 0; i < n; i++) { p[i] = (uint8_t)v; v >>= 8; }
}

#endif
