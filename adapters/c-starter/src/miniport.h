/*
 * miniport.h - the vendor-facing part of the starter: capabilities, the SA table,
 * the SA OIDs and the send path. main.c only translates the protocol to these calls.
 */
#ifndef CSTARTER_MINIPORT_H
#define CSTARTER_MINIPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ndis.h"

#define SA_TABLE_CAPACITY 64   /* advertised as NDIS_IPSEC_OFFLOAD_V2.SaOffloadCapacity */

typedef struct {
    uint64_t handle;     /* non-zero, unique among live entries */
    int version;         /* 1 or 2 */
    int inbound;
    uint32_t spi[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS];
    uint32_t operation[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS];
    uint32_t seq_high;
    int count;           /* SecAssoc entries in the bundle */
    /* VENDOR: plug your crypto in here - keep your key schedule / hardware SA index with the entry. */
} sa_entry;

typedef struct {
    const ndis_layout *abi;
    sa_entry sas[SA_TABLE_CAPACITY];
    int live;
    uint64_t next_handle;
    uint8_t ipsec_v2_services; /* OID_TCP_OFFLOAD_PARAMETERS: bit 0 AH, bit 1 ESP enabled */
} miniport;

typedef struct {
    uint32_t status;
    uint8_t *buffer;     /* the information buffer after the request (owned by the caller) */
    size_t buffer_len;
    uint32_t bytes_read;
    uint32_t bytes_needed;
} oid_result;

/* One NET_BUFFER of a send: its data, already cut out of the MDL chain. */
typedef struct {
    const uint8_t *data;
    size_t len;
} net_buffer;

/* Called for every frame the miniport puts on the wire. */
typedef void (*emit_frame_fn)(void *ctx, const uint8_t *frame, size_t len);

void miniport_init(miniport *m, const ndis_layout *abi);
void miniport_reset(miniport *m);

/* NDIS_OFFLOAD revision 2 (144 bytes): hardware capabilities or the current configuration. */
void miniport_offload(const miniport *m, int current, uint8_t out[NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2]);

/* One OID request; the result's buffer is `buffer` itself, modified in place. */
oid_result miniport_oid(miniport *m, uint32_t oid, int is_set, uint8_t *buffer, size_t len);

/* One NBL: slots[i] holds slot i (0 when absent). Returns the completion status. */
uint32_t miniport_send_nbl(miniport *m, const uint64_t slots[SLOT_COUNT], const net_buffer *nbs, size_t count,
                           emit_frame_fn emit, void *ctx);

#endif
