/*
 * main.c - the adapter protocol v1 loop (shared/design/adapter-protocol.md):
 * one JSON request per line on stdin, one JSON response per line on stdout,
 * diagnostics on stderr. Usage: c-starter [--x86]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "miniport.h"

#define MAX_LINE (64u * 1024u * 1024u)   /* longest request line accepted */
#define ADAPTER_NAME "c-starter"
#define ADAPTER_VERSION "0.1"

static miniport g_miniport;

/* ------------------------------------------------------------------ output */

static void send_line(strbuf *sb)
{
    if (sb->failed) {
        fputs("{\"id\":null,\"error\":\"out of memory while writing the response\"}\n", stdout);
    } else {
        fwrite(sb->data, 1, sb->len, stdout);
        fputc('\n', stdout);
    }
    fflush(stdout);
}

static void begin(strbuf *sb, int has_id, uint64_t id)
{
    sb_raw(sb, "{\"id\":");
    if (has_id) {
        sb_u64(sb, id);
    } else {
        sb_raw(sb, "null");
    }
}

static void reply_error(int has_id, uint64_t id, const char *message)
{
    strbuf sb;
    sb_init(&sb);
    begin(&sb, has_id, id);
    sb_raw(&sb, ",\"error\":");
    sb_string(&sb, message);
    sb_raw(&sb, "}");
    send_line(&sb);
    sb_free(&sb);
    fprintf(stderr, "c-starter: error response: %s\n", message);
}

/* ------------------------------------------------------------------ requests */

static int op_hello(const json_node *req, strbuf *sb, char *err, size_t errlen)
{
    uint64_t protocol;
    if (json_uint(json_get(req, "protocol"), UINT32_MAX, &protocol) != 0 || protocol != 1) {
        snprintf(err, errlen, "hello: \"protocol\" must be 1");
        return -1;
    }
    sb_raw(sb, ",\"protocol\":1,\"name\":");
    sb_string(sb, ADAPTER_NAME);
    sb_raw(sb, ",\"version\":");
    sb_string(sb, ADAPTER_VERSION);
    sb_raw(sb, ",\"abi\":");
    sb_string(sb, g_miniport.abi->name);
    return 0;
}

static int op_capabilities(strbuf *sb)
{
    uint8_t offload[NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2];
    miniport_offload(&g_miniport, 0, offload);
    sb_raw(sb, ",\"hardware\":");
    sb_hex(sb, offload, sizeof offload);
    miniport_offload(&g_miniport, 1, offload);
    sb_raw(sb, ",\"current\":");
    sb_hex(sb, offload, sizeof offload);
    return 0;
}

static int op_oid(const json_node *req, strbuf *sb, char *err, size_t errlen)
{
    uint64_t oid;
    if (json_uint(json_get(req, "oid"), UINT32_MAX, &oid) != 0) {
        snprintf(err, errlen, "oid: \"oid\" must be an unsigned 32-bit integer");
        return -1;
    }
    const json_node *type = json_get(req, "type");
    if (type == NULL || type->type != JSON_STRING || (strcmp(type->str, "set") != 0 && strcmp(type->str, "query") != 0)) {
        snprintf(err, errlen, "oid: \"type\" must be \"set\" or \"query\"");
        return -1;
    }
    uint8_t *buffer = NULL;
    size_t len = 0;
    const json_node *b = json_get(req, "buffer");
    if (b != NULL && json_hex(b, &buffer, &len) != 0) {
        snprintf(err, errlen, "oid: \"buffer\" must be a hex string");
        return -1;
    }
    oid_result r = miniport_oid(&g_miniport, (uint32_t)oid, strcmp(type->str, "set") == 0, buffer, len);
    sb_raw(sb, ",\"status\":");
    sb_u64(sb, r.status);
    sb_raw(sb, ",\"buffer\":");
    sb_hex(sb, r.buffer, r.buffer_len);
    sb_raw(sb, ",\"bytesRead\":");
    sb_u64(sb, r.bytes_read);
    sb_raw(sb, ",\"bytesNeeded\":");
    sb_u64(sb, r.bytes_needed);
    free(buffer);
    return 0;
}

typedef struct {
    strbuf *sb;
    size_t nbl;
    int first_event;
} event_sink;

static void event_sep(event_sink *s)
{
    if (!s->first_event) {
        sb_raw(s->sb, ",");
    }
    s->first_event = 0;
}

static void emit_frame(void *ctx, const uint8_t *frame, size_t len)
{
    event_sink *s = ctx;
    event_sep(s);
    sb_raw(s->sb, "{\"frame\":");
    sb_hex(s->sb, frame, len);
    sb_raw(s->sb, ",\"nbl\":");
    sb_u64(s->sb, s->nbl);
    sb_raw(s->sb, "}");
}

/* One NBL: reads its slots and NET_BUFFERs, runs the miniport, writes its events. */
static int send_one(const json_node *nbl, event_sink *sink, char *err, size_t errlen)
{
    uint64_t slots[SLOT_COUNT] = { 0 };
    if (nbl->type != JSON_OBJECT) {
        snprintf(err, errlen, "send: NBL %zu is not an object", sink->nbl);
        return -1;
    }
    const json_node *oob = json_get(nbl, "oob");
    if (oob != NULL) {
        if (oob->type != JSON_OBJECT) {
            snprintf(err, errlen, "send: NBL %zu \"oob\" is not an object", sink->nbl);
            return -1;
        }
        for (const json_node *s = oob->child; s != NULL; s = s->next) {
            char *end = NULL;
            unsigned long index = strtoul(s->key, &end, 10);
            uint8_t *bytes = NULL;
            size_t n = 0;
            if (s->key[0] < '0' || s->key[0] > '9' || *end != '\0' || index >= SLOT_COUNT) {
                snprintf(err, errlen, "send: NBL %zu oob key \"%.20s\" is not a slot index below %d", sink->nbl, s->key, SLOT_COUNT);
                return -1;
            }
            if (json_hex(s, &bytes, &n) != 0 || n > 8) {
                free(bytes);
                snprintf(err, errlen, "send: NBL %zu oob slot %lu must be hex of at most 8 bytes", sink->nbl, index);
                return -1;
            }
            slots[index] = rdptr(bytes, n);
            free(bytes);
        }
    }
    const json_node *nbs = json_get(nbl, "netBuffers");
    if (nbs == NULL || nbs->type != JSON_ARRAY) {
        snprintf(err, errlen, "send: NBL %zu has no \"netBuffers\" array", sink->nbl);
        return -1;
    }
    size_t count = 0;
    for (const json_node *nb = nbs->child; nb != NULL; nb = nb->next) {
        count++;
    }
    net_buffer *buffers = calloc(count == 0 ? 1 : count, sizeof *buffers);
    uint8_t **chains = calloc(count == 0 ? 1 : count, sizeof *chains);
    int rc = 0;
    size_t i = 0;
    if (buffers == NULL || chains == NULL) {
        snprintf(err, errlen, "send: out of memory");
        rc = -1;
    }
    for (const json_node *nb = nbs->child; rc == 0 && nb != NULL; nb = nb->next, i++) {
        const json_node *mdls = json_get(nb, "mdls");
        if (mdls == NULL || mdls->type != JSON_ARRAY) {
            snprintf(err, errlen, "send: NBL %zu NB %zu has no \"mdls\" array", sink->nbl, i);
            rc = -1;
            break;
        }
        size_t total = 0;
        for (const json_node *md = mdls->child; md != NULL; md = md->next) {
            if (md->type != JSON_STRING || md->str_len % 2 != 0) {
                snprintf(err, errlen, "send: NBL %zu NB %zu has an MDL that is not hex", sink->nbl, i);
                rc = -1;
                break;
            }
            total += md->str_len / 2;
        }
        if (rc != 0) {
            break;
        }
        chains[i] = malloc(total == 0 ? 1 : total);
        if (chains[i] == NULL) {
            snprintf(err, errlen, "send: out of memory");
            rc = -1;
            break;
        }
        size_t at = 0;
        for (const json_node *md = mdls->child; md != NULL; md = md->next) {
            uint8_t *bytes = NULL;
            size_t n = 0;
            if (json_hex(md, &bytes, &n) != 0) {
                snprintf(err, errlen, "send: NBL %zu NB %zu has an MDL that is not hex", sink->nbl, i);
                rc = -1;
                break;
            }
            if (n > 0) {
                memcpy(chains[i] + at, bytes, n);
            }
            at += n;
            free(bytes);
        }
        if (rc != 0) {
            break;
        }
        uint64_t offset = 0, length;
        const json_node *o = json_get(nb, "dataOffset");
        const json_node *l = json_get(nb, "dataLength");
        if (o != NULL && json_uint(o, total, &offset) != 0) {
            snprintf(err, errlen, "send: NBL %zu NB %zu dataOffset is not an integer within its %zu MDL bytes", sink->nbl, i, total);
            rc = -1;
            break;
        }
        length = total - offset;
        if (l != NULL && json_uint(l, total - offset, &length) != 0) {
            snprintf(err, errlen, "send: NBL %zu NB %zu dataLength runs past its MDL bytes", sink->nbl, i);
            rc = -1;
            break;
        }
        buffers[i].data = chains[i] + offset;
        buffers[i].len = (size_t)length;
    }
    if (rc == 0) {
        uint32_t status = miniport_send_nbl(&g_miniport, slots, buffers, count, emit_frame, sink);
        /* Completion: the OOB slots as the miniport left them (the starter writes none). */
        event_sep(sink);
        sb_raw(sink->sb, "{\"complete\":");
        sb_u64(sink->sb, sink->nbl);
        sb_raw(sink->sb, ",\"status\":");
        sb_u64(sink->sb, status);
        sb_raw(sink->sb, ",\"oob\":{");
        int first = 1;
        for (const json_node *s = oob != NULL ? oob->child : NULL; s != NULL; s = s->next) {
            if (!first) {
                sb_raw(sink->sb, ",");
            }
            first = 0;
            sb_string(sink->sb, s->key);
            sb_raw(sink->sb, ":");
            sb_string(sink->sb, s->str);
        }
        sb_raw(sink->sb, "}}");
    }
    for (size_t k = 0; chains != NULL && k < count; k++) {
        free(chains[k]);
    }
    free(chains);
    free(buffers);
    return rc;
}

static int op_send(const json_node *req, strbuf *sb, char *err, size_t errlen)
{
    const json_node *nbls = json_get(req, "nbls");
    if (nbls == NULL || nbls->type != JSON_ARRAY) {
        snprintf(err, errlen, "send: \"nbls\" must be an array");
        return -1;
    }
    event_sink sink = { sb, 0, 1 };
    sb_raw(sb, ",\"events\":[");
    for (const json_node *nbl = nbls->child; nbl != NULL; nbl = nbl->next, sink.nbl++) {
        if (send_one(nbl, &sink, err, errlen) != 0) {
            return -1;
        }
    }
    sb_raw(sb, "]");
    return 0;
}

/* Handles one request line; returns 1 when the adapter should exit. */
static int handle_line(const char *line, size_t len)
{
    char err[256];
    json_node *req = json_parse(line, len, err, sizeof err);
    if (req == NULL) {
        reply_error(0, 0, err);
        return 0;
    }
    uint64_t id = 0;
    int has_id = json_uint(json_get(req, "id"), UINT64_MAX, &id) == 0;
    const json_node *op = json_get(req, "op");
    if (req->type != JSON_OBJECT || !has_id || op == NULL || op->type != JSON_STRING) {
        reply_error(has_id, id, "a request is an object with an integer \"id\" and a string \"op\"");
        json_free(req);
        return 0;
    }
    strbuf sb;
    sb_init(&sb);
    begin(&sb, 1, id);
    int rc = 0, quit = 0;
    err[0] = '\0';
    if (strcmp(op->str, "hello") == 0) {
        rc = op_hello(req, &sb, err, sizeof err);
    } else if (strcmp(op->str, "capabilities") == 0) {
        rc = op_capabilities(&sb);
    } else if (strcmp(op->str, "oid") == 0) {
        rc = op_oid(req, &sb, err, sizeof err);
    } else if (strcmp(op->str, "send") == 0) {
        rc = op_send(req, &sb, err, sizeof err);
    } else if (strcmp(op->str, "reset") == 0) {
        miniport_reset(&g_miniport);
        sb_raw(&sb, ",\"status\":0");
    } else if (strcmp(op->str, "bye") == 0) {
        quit = 1;
    } else {
        snprintf(err, sizeof err, "unknown op \"%.40s\"", op->str);
        rc = -1;
    }
    if (rc != 0) {
        reply_error(1, id, err);
    } else {
        sb_raw(&sb, "}");
        send_line(&sb);
    }
    sb_free(&sb);
    json_free(req);
    return quit;
}

int main(int argc, char **argv)
{
    const ndis_layout *abi = &NDIS_LAYOUT_X64;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--x86") == 0) {
            abi = &NDIS_LAYOUT_X86;
        } else if (strcmp(argv[i], "--x64") == 0) {
            abi = &NDIS_LAYOUT_X64;
        } else {
            fprintf(stderr, "usage: c-starter [--x86|--x64]\n");
            return 2;
        }
    }
    miniport_init(&g_miniport, abi);

    size_t cap = 64 * 1024;
    char *line = malloc(cap);
    if (line == NULL) {
        return 1;
    }
    for (;;) {
        size_t len = 0;
        int too_long = 0, eof = 0;
        for (;;) {
            if (len + 2 > cap && !too_long) {
                if (cap >= MAX_LINE) {
                    too_long = 1;
                } else {
                    char *bigger = realloc(line, cap * 2);
                    if (bigger == NULL) {
                        too_long = 1;
                    } else {
                        line = bigger;
                        cap *= 2;
                    }
                }
            }
            if (too_long) {
                len = 0; /* discard and keep reading up to the newline */
            }
            if (fgets(line + len, (int)(cap - len > 1u << 30 ? 1u << 30 : cap - len), stdin) == NULL) {
                eof = 1;
                break;
            }
            size_t got = strlen(line + len);
            len += got;
            if (len > 0 && line[len - 1] == '\n') {
                break;
            }
        }
        if (too_long) {
            reply_error(0, 0, "request line longer than the adapter accepts (64 MiB)");
            if (eof) {
                break;
            }
            continue;
        }
        if (eof && len == 0) {
            break;
        }
        if (len > 0 && line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        if (len > 0 && line[len - 1] == '\r') {
            line[--len] = '\0';
        }
        if (strlen(line) != len) {
            reply_error(0, 0, "NUL byte in request line");
        } else if (len > 0 && handle_line(line, len)) {
            break;
        }
        if (eof) {
            break;
        }
    }
    free(line);
    miniport_reset(&g_miniport);
    return 0;
}
