/*
 * miniport.c - capabilities, SA table, SA OIDs and the send path of the C starter.
 *
 * The starter advertises IPsec offload v2 (ESP and AH, transport mode) but NO
 * algorithms, so every ADD_SA that names an algorithm is refused and the suite
 * reports the crypto cases NotApplicable. Search for "VENDOR:" to find the places
 * a vendor changes first.
 */
#include "miniport.h"

#include <stdio.h>
#include <string.h>

/* VENDOR: advertise the algorithms your crypto implements (spec §4.3 bit values),
 * e.g. IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128 = 0x08 in ADVERTISED_ENCRYPTION. */
#define ADVERTISED_AUTHENTICATION 0x00000000u
#define ADVERTISED_ENCRYPTION     0x00000000u

/* What the IPsecV2 member of NDIS_OFFLOAD claims besides algorithms. */
#define ADVERTISED_IPV6           0
#define ADVERTISED_AH_ESP_COMBINED 0
#define ADVERTISED_ESN            0
#define ADVERTISED_UDP_ESP        0x00000000u

/* v1 (NDIS_IPSEC_OFFLOAD_V1) is not advertised: its member of NDIS_OFFLOAD stays zero.
 * VENDOR: set this to 1 and fill OFFLOAD_IPSECV1 in miniport_offload() to offer v1. */
#define ADVERTISED_V1             0

#define SERVICE_AH  0x1u
#define SERVICE_ESP 0x2u

#define MIN_FRAME 60   /* SEND-23: Ethernet minimum without FCS */
#define MAX_CHAIN 64   /* longest ADD_SA / DELETE_SA chain accepted */

static void diag(const char *what)
{
    fprintf(stderr, "c-starter: %s\n", what);
}

void miniport_init(miniport *m, const ndis_layout *abi)
{
    memset(m, 0, sizeof *m);
    m->abi = abi;
    m->next_handle = 1;
    m->ipsec_v2_services = SERVICE_AH | SERVICE_ESP;
}

void miniport_reset(miniport *m)
{
    /* VENDOR: free your hardware SAs / key schedules here. */
    memset(m->sas, 0, sizeof m->sas);
    m->live = 0;
    m->ipsec_v2_services = SERVICE_AH | SERVICE_ESP;
    /* next_handle is kept so handles stay unique across resets. */
}

/* ------------------------------------------------------------------ capabilities */

void miniport_offload(const miniport *m, int current, uint8_t out[NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2])
{
    memset(out, 0, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
    out[OFFLOAD_HEADER + HDR_TYPE] = NDIS_OBJECT_TYPE_OFFLOAD;
    out[OFFLOAD_HEADER + HDR_REVISION] = NDIS_OFFLOAD_REVISION_2;
    wr16(out + OFFLOAD_HEADER + HDR_SIZE, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
    /* Checksum, LsoV1, IPsecV1, LsoV2 and Flags stay zero: not offered. */
    uint8_t *v2 = out + OFFLOAD_IPSECV2;
    unsigned services = current ? m->ipsec_v2_services : (SERVICE_AH | SERVICE_ESP);
    wr32(v2 + V2CAP_ENCAPSULATION, NDIS_ENCAPSULATION_IEEE_802_3 | NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q);
    v2[V2CAP_IPV6_SUPPORTED] = ADVERTISED_IPV6;
    v2[V2CAP_IPV4_OPTIONS] = 0;
    v2[V2CAP_IPV6_NON_IPSEC_EXT_HEADERS] = 0;
    v2[V2CAP_AH] = (services & SERVICE_AH) ? 1 : 0;
    v2[V2CAP_ESP] = (services & SERVICE_ESP) ? 1 : 0;
    v2[V2CAP_AH_ESP_COMBINED] = ADVERTISED_AH_ESP_COMBINED;
    v2[V2CAP_TRANSPORT] = 1;
    v2[V2CAP_TUNNEL] = 0;   /* VENDOR: the DDI says Tunnel must be TRUE for IPsec offload; set it when you do tunnel mode */
    v2[V2CAP_TRANSPORT_TUNNEL_COMBINED] = 0;
    v2[V2CAP_LSO_SUPPORTED] = 0;
    v2[V2CAP_EXTENDED_SEQUENCE_NUMBERS] = ADVERTISED_ESN;
    wr32(v2 + V2CAP_UDP_ESP, ADVERTISED_UDP_ESP);
    wr32(v2 + V2CAP_AUTHENTICATION_ALGORITHMS, ADVERTISED_AUTHENTICATION);
    wr32(v2 + V2CAP_ENCRYPTION_ALGORITHMS, ADVERTISED_ENCRYPTION);
    wr32(v2 + V2CAP_SA_OFFLOAD_CAPACITY, SA_TABLE_CAPACITY);
}

/* ------------------------------------------------------------------ SA table */

static sa_entry *sa_find(miniport *m, uint64_t handle)
{
    if (handle == 0) {
        return NULL;
    }
    for (int i = 0; i < SA_TABLE_CAPACITY; i++) {
        if (m->sas[i].handle == handle) {
            return &m->sas[i];
        }
    }
    return NULL;
}

/* A free slot with a fresh handle, or NULL when the table is full. */
static sa_entry *sa_allocate(miniport *m)
{
    if (m->live >= SA_TABLE_CAPACITY) {
        return NULL;
    }
    uint64_t limit = m->abi->ptr == 4 ? 0xFFFFFFFFu : UINT64_MAX;
    uint64_t h = m->next_handle;
    while (h == 0 || sa_find(m, h) != NULL) {
        h = h >= limit ? 1 : h + 1;
    }
    m->next_handle = h >= limit ? 1 : h + 1;
    for (int i = 0; i < SA_TABLE_CAPACITY; i++) {
        if (m->sas[i].handle == 0) {
            memset(&m->sas[i], 0, sizeof m->sas[i]);
            m->sas[i].handle = h;
            m->live++;
            return &m->sas[i];
        }
    }
    return NULL;
}

static void sa_delete(miniport *m, uint64_t handle)
{
    sa_entry *e = sa_find(m, handle);
    if (e != NULL) {
        /* VENDOR: release the hardware SA and wipe its keys here. */
        memset(e, 0, sizeof *e);
        m->live--;
    }
}

/* ------------------------------------------------------------------ OID helpers */

static oid_result result(uint32_t status, uint8_t *buffer, size_t len)
{
    oid_result r = { status, buffer, len, status == NDIS_STATUS_SUCCESS ? (uint32_t)len : 0u, 0u };
    return r;
}

static oid_result too_short(uint8_t *buffer, size_t len, size_t needed, const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s: buffer of %zu bytes, %zu needed -> NDIS_STATUS_INVALID_LENGTH", what, len, needed);
    diag(msg);
    oid_result r = result(NDIS_STATUS_INVALID_LENGTH, buffer, len);
    r.bytes_needed = needed > UINT32_MAX ? UINT32_MAX : (uint32_t)needed;
    return r;
}

static oid_result invalid(uint8_t *buffer, size_t len, const char *what)
{
    char msg[200];
    snprintf(msg, sizeof msg, "%s -> NDIS_STATUS_INVALID_DATA", what);
    diag(msg);
    return result(NDIS_STATUS_INVALID_DATA, buffer, len);
}

/* Checks an NDIS_OBJECT_HEADER at p (caller has checked that min_size bytes are there).
 * Returns 0, or the failure status. */
static uint32_t check_header(const uint8_t *p, size_t min_size, const char *what)
{
    char msg[160];
    if (p[HDR_TYPE] != NDIS_OBJECT_TYPE_DEFAULT || p[HDR_REVISION] < 1) {
        snprintf(msg, sizeof msg, "%s: header type 0x%02x revision %u (expected 0x80, revision >= 1)", what, p[HDR_TYPE], p[HDR_REVISION]);
        diag(msg);
        return NDIS_STATUS_INVALID_DATA;
    }
    if (rd16(p + HDR_SIZE) < min_size) {
        snprintf(msg, sizeof msg, "%s: header size %u below %zu", what, rd16(p + HDR_SIZE), min_size);
        diag(msg);
        return NDIS_STATUS_INVALID_LENGTH;
    }
    return 0;
}

static int single_bit_or_zero(uint32_t v)
{
    return (v & (v - 1u)) == 0;
}

/*
 * Validates one v2 SA bundle (the part ADD_SA and ADD_SA_EX share) and, when it
 * passes, adds it to the table. Returns the status; *handle gets the new handle or 0.
 */
static uint32_t v2_add_bundle(miniport *m, uint32_t num_ext, uint32_t flags, uint32_t udpesp,
                              const uint8_t *secassoc, const uint8_t *keys, uint32_t key_length, uint64_t *handle)
{
    *handle = 0;
    if (num_ext < 1 || num_ext > IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS) {
        diag("ADD_SA: NumExtHdrs is not 1 or 2");
        return NDIS_STATUS_INVALID_DATA;
    }
    for (uint32_t i = 0; i < num_ext; i++) {
        const uint8_t *sa = secassoc + i * SA2_SIZE;
        uint32_t op = rd32(sa + SA2_OPERATION);
        uint32_t auth = rd32(sa + SA2_AUTH_ALGO + ALGO_IDENTIFIER);
        uint32_t enc = rd32(sa + SA2_ENC_ALGO + ALGO_IDENTIFIER);
        if (op != IPSEC_OFFLOAD_V2_OP_AH && op != IPSEC_OFFLOAD_V2_OP_ESP) {
            diag("ADD_SA: SecAssoc.Operation is neither AH (1) nor ESP (2)");
            return NDIS_STATUS_INVALID_DATA;
        }
        if (!single_bit_or_zero(auth) || !single_bit_or_zero(enc)) {
            diag("ADD_SA: an algorithm Identifier names more than one algorithm");
            return NDIS_STATUS_INVALID_DATA;
        }
        if (op == IPSEC_OFFLOAD_V2_OP_AH && (auth == 0 || enc != 0)) {
            diag("ADD_SA: an AH entry needs an AuthenticationAlgorithm and no EncryptionAlgorithm");
            return NDIS_STATUS_INVALID_DATA;
        }
        if (op == IPSEC_OFFLOAD_V2_OP_ESP && auth == 0 && enc == 0) {
            diag("ADD_SA: an ESP entry with neither algorithm");
            return NDIS_STATUS_INVALID_DATA;
        }
        const size_t algos[2] = { SA2_AUTH_ALGO, SA2_ENC_ALGO };
        for (int a = 0; a < 2; a++) {
            uint64_t off = rd32(sa + algos[a] + ALGO_KEY_OFFSET);
            uint64_t len = rd32(sa + algos[a] + ALGO_KEY_LENGTH);
            if (rd32(sa + algos[a] + ALGO_IDENTIFIER) != 0 && off + len > key_length) {
                diag("ADD_SA: an algorithm's key runs past KeyLength");
                return NDIS_STATUS_INVALID_DATA;
            }
        }
        /* Capabilities: refuse what NDIS_IPSEC_OFFLOAD_V2 does not advertise (SA-04). */
        if ((op == IPSEC_OFFLOAD_V2_OP_AH && !(m->ipsec_v2_services & SERVICE_AH))
            || (op == IPSEC_OFFLOAD_V2_OP_ESP && !(m->ipsec_v2_services & SERVICE_ESP))) {
            diag("ADD_SA: AH/ESP offload is not enabled -> NDIS_STATUS_NOT_SUPPORTED");
            return NDIS_STATUS_NOT_SUPPORTED;
        }
        if ((auth & ~ADVERTISED_AUTHENTICATION) != 0 || (enc & ~ADVERTISED_ENCRYPTION) != 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "ADD_SA: algorithm (auth 0x%x, enc 0x%x) not advertised -> NDIS_STATUS_NOT_SUPPORTED", auth, enc);
            diag(msg);
            return NDIS_STATUS_NOT_SUPPORTED;
        }
        if ((rd32(sa + SA2_FLAGS) & IPSEC_OFFLOAD_V2_ESN_SA) && !ADVERTISED_ESN) {
            diag("ADD_SA: ESN SA not advertised -> NDIS_STATUS_NOT_SUPPORTED");
            return NDIS_STATUS_NOT_SUPPORTED;
        }
    }
    if (num_ext == 2 && !ADVERTISED_AH_ESP_COMBINED) {
        diag("ADD_SA: ESP + AH bundle not advertised -> NDIS_STATUS_NOT_SUPPORTED");
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    if ((flags & IPSEC_OFFLOAD_V2_IPV6) && !ADVERTISED_IPV6) {
        diag("ADD_SA: IPv6 SA not advertised -> NDIS_STATUS_NOT_SUPPORTED");
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    if (udpesp != 0 && (udpesp & ~ADVERTISED_UDP_ESP) != 0) {
        diag("ADD_SA: UDP-ESP encapsulation not advertised -> NDIS_STATUS_NOT_SUPPORTED");
        return NDIS_STATUS_NOT_SUPPORTED;
    }

    /* VENDOR: plug your crypto in here - build the key schedule / program the hardware SA
     * from secassoc[i] and keys[KeyOffsetBytes .. +KeyLength]; fail with your status if
     * the hardware refuses. With no advertised algorithm this point is never reached. */
    (void)keys;

    sa_entry *e = sa_allocate(m);
    if (e == NULL) {
        diag("ADD_SA: SA table full -> NDIS_STATUS_RESOURCES");
        return NDIS_STATUS_RESOURCES;
    }
    e->version = 2;
    e->inbound = (flags & IPSEC_OFFLOAD_V2_INBOUND) != 0;
    e->count = (int)num_ext;
    for (uint32_t i = 0; i < num_ext; i++) {
        e->operation[i] = rd32(secassoc + i * SA2_SIZE + SA2_OPERATION);
        e->spi[i] = rd32(secassoc + i * SA2_SIZE + SA2_SPI);
    }
    e->seq_high = rd32(secassoc + SA2_SEQ_HIGH);
    *handle = e->handle;
    return NDIS_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ v2 OIDs */

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA: a chain of IPSEC_OFFLOAD_V2_ADD_SA linked by Next
 * (an offset from the start of the buffer, adapter-protocol.md). */
static oid_result v2_add_sa(miniport *m, uint8_t *buf, size_t len)
{
    const ndis_layout *L = m->abi;
    size_t offsets[MAX_CHAIN];
    size_t count = 0;
    size_t off = 0;
    /* Pass 1: the chain's shape; nothing is added unless the whole buffer is well formed. */
    for (;;) {
        if (count == MAX_CHAIN) {
            return invalid(buf, len, "ADD_SA: chain longer than the starter accepts");
        }
        if (len < L->add_min_size || off > len - L->add_min_size) {
            return too_short(buf, len, off + L->add_min_size, "ADD_SA");
        }
        uint32_t st = check_header(buf + off, L->add_min_size, "ADD_SA");
        if (st != 0) {
            return result(st, buf, len);
        }
        uint64_t end = (uint64_t)off + L->add_key_data + rd32(buf + off + L->add_key_length);
        if (end > len) {
            return too_short(buf, len, (size_t)end, "ADD_SA KeyData");
        }
        offsets[count++] = off;
        uint64_t next = rdptr(buf + off + L->add_next, L->ptr);
        if (next == 0) {
            break;
        }
        if (next < end || next >= len) {
            return invalid(buf, len, "ADD_SA: Next points backwards, into the previous structure or outside the buffer");
        }
        off = (size_t)next;
    }
    /* Pass 2: add each element; a failed element gets a NULL handle (spec §4.4). */
    uint32_t first_failure = 0;
    int any = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t *e = buf + offsets[i];
        uint64_t handle = 0;
        uint32_t st = v2_add_bundle(m, rd32(e + L->add_num_ext), rd32(e + L->add_flags), rd32(e + L->add_udpesp),
                                    e + L->add_secassoc, e + L->add_key_data, rd32(e + L->add_key_length), &handle);
        wrptr(e + L->add_handle, L->ptr, handle);
        if (st == NDIS_STATUS_SUCCESS) {
            any = 1;
        } else if (first_failure == 0) {
            first_failure = st;
        }
    }
    return result(any ? NDIS_STATUS_SUCCESS : first_failure, buf, len);
}

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX: one IPSEC_OFFLOAD_V2_ADD_SA_EX, keys at KeyOffset. */
static oid_result v2_add_sa_ex(miniport *m, uint8_t *buf, size_t len)
{
    const ndis_layout *L = m->abi;
    if (len < L->ex_min_size) {
        return too_short(buf, len, L->ex_min_size, "ADD_SA_EX");
    }
    uint32_t st = check_header(buf, L->ex_min_size, "ADD_SA_EX");
    if (st != 0) {
        return result(st, buf, len);
    }
    uint64_t key_offset = rd32(buf + L->ex_key_offset);
    uint32_t key_length = rd32(buf + L->ex_key_length);
    if (key_offset + key_length > len) {
        return too_short(buf, len, (size_t)(key_offset + key_length), "ADD_SA_EX key array");
    }
    uint64_t handle = 0;
    st = v2_add_bundle(m, rd32(buf + L->ex_num_ext), rd32(buf + L->ex_flags), rd32(buf + L->ex_udpesp),
                       buf + L->ex_secassoc, buf + key_offset, key_length, &handle);
    wrptr(buf + L->ex_handle, L->ptr, handle);
    return result(st, buf, len);
}

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA: a chain of IPSEC_OFFLOAD_V2_DELETE_SA. Unknown handles are ignored. */
static oid_result v2_delete_sa(miniport *m, uint8_t *buf, size_t len)
{
    const ndis_layout *L = m->abi;
    uint64_t handles[MAX_CHAIN];
    size_t count = 0;
    size_t off = 0;
    for (;;) {
        if (count == MAX_CHAIN) {
            return invalid(buf, len, "DELETE_SA: chain longer than the starter accepts");
        }
        if (len < L->del_size || off > len - L->del_size) {
            return too_short(buf, len, off + L->del_size, "DELETE_SA");
        }
        uint32_t st = check_header(buf + off, L->del_size, "DELETE_SA");
        if (st != 0) {
            return result(st, buf, len);
        }
        handles[count++] = rdptr(buf + off + L->del_handle, L->ptr);
        uint64_t next = rdptr(buf + off + L->del_next, L->ptr);
        if (next == 0) {
            break;
        }
        if (next < off + L->del_size || next >= len) {
            return invalid(buf, len, "DELETE_SA: Next points backwards or outside the buffer");
        }
        off = (size_t)next;
    }
    for (size_t i = 0; i < count; i++) {
        sa_delete(m, handles[i]);
    }
    return result(NDIS_STATUS_SUCCESS, buf, len);
}

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA: new high-order ESN bits for an SA. */
static oid_result v2_update_sa(miniport *m, uint8_t *buf, size_t len)
{
    const ndis_layout *L = m->abi;
    if (len < L->upd_min_size) {
        return too_short(buf, len, L->upd_min_size, "UPDATE_SA");
    }
    uint32_t st = check_header(buf, L->upd_min_size, "UPDATE_SA");
    if (st != 0) {
        return result(st, buf, len);
    }
    sa_entry *e = sa_find(m, rdptr(buf + L->upd_handle, L->ptr));
    if (e == NULL || e->version != 2 || !ADVERTISED_ESN) {
        diag("UPDATE_SA: SA not found or ESN not supported -> NDIS_STATUS_INVALID_PARAMETER");
        return result(NDIS_STATUS_INVALID_PARAMETER, buf, len);
    }
    e->seq_high = rd32(buf + L->upd_seq_high);
    /* VENDOR: push the new high-order sequence bits to the hardware SA here. */
    return result(NDIS_STATUS_SUCCESS, buf, len);
}

/* ------------------------------------------------------------------ v1 OIDs */

/* OID_TCP_TASK_IPSEC_ADD_SA: one OFFLOAD_IPSEC_ADD_SA (no object header). */
static oid_result v1_add_sa(miniport *m, uint8_t *buf, size_t len)
{
    const ndis_layout *L = m->abi;
    if (len < L->v1_key_mat) {
        return too_short(buf, len, L->v1_key_mat, "v1 ADD_SA");
    }
    int16_t num = (int16_t)rd16(buf + V1_NUM_SAS);
    if (num < 1 || num > OFFLOAD_MAX_SAS) {
        return invalid(buf, len, "v1 ADD_SA: NumSAs is not 1..3");
    }
    uint64_t key_len = rd32(buf + L->v1_key_len);
    if (L->v1_key_mat + key_len > len) {
        return too_short(buf, len, (size_t)(L->v1_key_mat + key_len), "v1 ADD_SA KeyMat");
    }
    for (int i = 0; i < num; i++) {
        uint32_t op = rd32(buf + V1_SECASSOC + (size_t)i * V1_SA_SIZE + V1_SA_OPERATION);
        if (op != 1 && op != 2) {
            return invalid(buf, len, "v1 ADD_SA: Operation is neither AUTHENTICATE (1) nor ENCRYPT (2)");
        }
    }
    wrptr(buf + L->v1_handle, L->ptr, 0);
    if (!ADVERTISED_V1) {
        /* VENDOR: plug your crypto in here (v1) - check SecAssoc[i].IntegrityAlgo / ConfAlgo
         * against what you advertise in NDIS_IPSEC_OFFLOAD_V1, then add the bundle below. */
        diag("v1 ADD_SA: IPsec offload v1 is not advertised -> NDIS_STATUS_NOT_SUPPORTED");
        return result(NDIS_STATUS_NOT_SUPPORTED, buf, len);
    }
    sa_entry *e = sa_allocate(m);
    if (e == NULL) {
        diag("v1 ADD_SA: SA table full -> NDIS_STATUS_RESOURCES");
        return result(NDIS_STATUS_RESOURCES, buf, len);
    }
    e->version = 1;
    e->inbound = (rd16(buf + V1_FLAGS) & 0x0001u) != 0;
    e->count = num > IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS ? IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS : num;
    wrptr(buf + L->v1_handle, L->ptr, e->handle);
    return result(NDIS_STATUS_SUCCESS, buf, len);
}

/* OID_TCP_TASK_IPSEC_DELETE_SA: OFFLOAD_IPSEC_DELETE_SA { HANDLE OffloadHandle; }. */
static oid_result v1_delete_sa(miniport *m, uint8_t *buf, size_t len)
{
    const ndis_layout *L = m->abi;
    if (len < L->v1_del_size) {
        return too_short(buf, len, L->v1_del_size, "v1 DELETE_SA");
    }
    sa_delete(m, rdptr(buf, L->ptr));
    return result(NDIS_STATUS_SUCCESS, buf, len);
}

/* ------------------------------------------------------------------ OID_TCP_OFFLOAD_PARAMETERS */

static oid_result offload_parameters(miniport *m, uint8_t *buf, size_t len)
{
    if (len < OPARAMS_SIZE_REVISION_1) {
        return too_short(buf, len, OPARAMS_SIZE_REVISION_1, "OFFLOAD_PARAMETERS");
    }
    if (buf[HDR_TYPE] != NDIS_OBJECT_TYPE_DEFAULT || buf[HDR_REVISION] < 1) {
        return invalid(buf, len, "OFFLOAD_PARAMETERS: header type/revision");
    }
    size_t needed = buf[HDR_REVISION] >= 2 ? OPARAMS_SIZE_REVISION_2 : OPARAMS_SIZE_REVISION_1;
    if (rd16(buf + HDR_SIZE) < needed || len < needed) {
        return too_short(buf, len, needed, "OFFLOAD_PARAMETERS");
    }
    if (buf[OPARAMS_IPSECV1] > OPARAMS_IPSEC_AH_AND_ESP) {
        return invalid(buf, len, "OFFLOAD_PARAMETERS: IPsecV1 value out of range");
    }
    if (needed >= OPARAMS_SIZE_REVISION_2) {
        uint8_t v = buf[OPARAMS_IPSECV2];
        if (v > OPARAMS_IPSEC_AH_AND_ESP || buf[OPARAMS_IPSECV2_IPV4] > OPARAMS_IPSEC_AH_AND_ESP) {
            return invalid(buf, len, "OFFLOAD_PARAMETERS: IPsecV2 value out of range");
        }
        static const uint8_t services[] = { 0, 0, SERVICE_AH, SERVICE_ESP, SERVICE_AH | SERVICE_ESP };
        if (v != OPARAMS_IPSEC_NO_CHANGE) {
            m->ipsec_v2_services = services[v];
        }
    }
    /* A real miniport now indicates NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG; the harness
     * reads the new configuration with the "capabilities" request ("current"). */
    return result(NDIS_STATUS_SUCCESS, buf, len);
}

oid_result miniport_oid(miniport *m, uint32_t oid, int is_set, uint8_t *buffer, size_t len)
{
    switch (oid) {
    case OID_TCP_OFFLOAD_PARAMETERS:
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA:
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX:
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA:
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA:
    case OID_TCP_TASK_IPSEC_ADD_SA:
    case OID_TCP_TASK_IPSEC_DELETE_SA:
        if (!is_set) {
            diag("query of a set-only OID -> NDIS_STATUS_NOT_SUPPORTED");
            return result(NDIS_STATUS_NOT_SUPPORTED, buffer, len);
        }
        break;
    default:
        break;
    }
    switch (oid) {
    case OID_TCP_OFFLOAD_PARAMETERS: return offload_parameters(m, buffer, len);
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA: return v2_add_sa(m, buffer, len);
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX: return v2_add_sa_ex(m, buffer, len);
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA: return v2_delete_sa(m, buffer, len);
    case OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA: return v2_update_sa(m, buffer, len);
    case OID_TCP_TASK_IPSEC_ADD_SA: return v1_add_sa(m, buffer, len);
    case OID_TCP_TASK_IPSEC_DELETE_SA: return v1_delete_sa(m, buffer, len);
    default: {
        char msg[80];
        snprintf(msg, sizeof msg, "OID 0x%08x not served -> NDIS_STATUS_NOT_SUPPORTED", oid);
        diag(msg);
        return result(NDIS_STATUS_NOT_SUPPORTED, buffer, len);
    }
    }
}

/* ------------------------------------------------------------------ send path */

static void emit_padded(const net_buffer *nb, emit_frame_fn emit, void *ctx)
{
    if (nb->len >= MIN_FRAME) {
        emit(ctx, nb->data, nb->len);
        return;
    }
    uint8_t frame[MIN_FRAME] = { 0 };   /* SEND-23: pad with zeros */
    if (nb->len > 0) {
        memcpy(frame, nb->data, nb->len);
    }
    emit(ctx, frame, MIN_FRAME);
}

uint32_t miniport_send_nbl(miniport *m, const uint64_t slots[SLOT_COUNT], const net_buffer *nbs, size_t count,
                           emit_frame_fn emit, void *ctx)
{
    uint64_t offload = slots[SLOT_IPSEC];
    uint64_t tunnel = slots[SLOT_IPSEC_TUNNEL];
    if (offload == 0 && tunnel == 0) {
        /* SEND-03: no IPsec offload for this NBL - every NB leaves unchanged, in order (SEND-22). */
        for (size_t i = 0; i < count; i++) {
            emit_padded(&nbs[i], emit, ctx);
        }
        return NDIS_STATUS_SUCCESS;
    }
    sa_entry *sa = offload != 0 ? sa_find(m, offload) : NULL;
    sa_entry *tun = tunnel != 0 ? sa_find(m, tunnel) : NULL;
    if ((offload != 0 && sa == NULL) || (tunnel != 0 && tun == NULL)) {
        /* SEND-04: a non-zero handle that names no offloaded SA fails the NBL, nothing is sent. */
        diag("send: unknown OffloadHandle/TunnelHandle -> NDIS_STATUS_FAILURE");
        return NDIS_STATUS_FAILURE;
    }

    /* VENDOR: plug your crypto in here - for each NB: locate the ESP/AH headers (slot 12
     * header word, SEND-12/13), apply sa (then tun, SEND-06), compute ICVs / encrypt, pad
     * short frames, emit each frame in NB order and return NDIS_STATUS_SUCCESS.
     * The starter has no algorithms, so a live handle cannot occur; fail safely. */
    (void)nbs;
    (void)count;
    (void)emit;
    (void)ctx;
    diag("send: live handle but no crypto in the starter -> NDIS_STATUS_FAILURE");
    return NDIS_STATUS_FAILURE;
}
