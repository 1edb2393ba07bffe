/* json.c - see json.h. C11, libc only. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 16

typedef struct {
    const char *start;
    const char *p;
    const char *end;
    char *err;
    size_t errlen;
} parser;

static void fail(parser *ps, const char *msg)
{
    if (ps->err[0] == '\0') {
        snprintf(ps->err, ps->errlen, "not a protocol request: %s at byte %ld", msg, (long)(ps->p - ps->start));
    }
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')) {
        ps->p++;
    }
}

static json_node *new_node(json_type t)
{
    json_node *n = calloc(1, sizeof *n);
    if (n != NULL) {
        n->type = t;
    }
    return n;
}

void json_free(json_node *node)
{
    while (node != NULL) {
        json_node *next = node->next;
        json_free(node->child);
        free(node->key);
        free(node->str);
        free(node);
        node = next;
    }
}

/* Parses a string starting at the opening quote into a malloc'd buffer. */
static char *parse_string(parser *ps, size_t *out_len)
{
    if (ps->p >= ps->end || *ps->p != '"') {
        fail(ps, "expected a string");
        return NULL;
    }
    ps->p++;
    const char *start = ps->p;
    size_t n = 0;
    /* First pass: find the end and the decoded length. */
    const char *q = start;
    while (q < ps->end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) {
            fail(ps, "control character in string");
            return NULL;
        }
        if (c == '\\') {
            q++;
            if (q >= ps->end || strchr("\"\\/bfnrt", *q) == NULL || *q == '\0') {
                fail(ps, "unsupported escape in string (only \\\" \\\\ \\/ \\b \\f \\n \\r \\t)");
                return NULL;
            }
        }
        q++;
        n++;
    }
    if (q >= ps->end) {
        fail(ps, "unterminated string");
        return NULL;
    }
    char *s = malloc(n + 1);
    if (s == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    size_t i = 0;
    for (const char *r = start; r < q; r++) {
        if (*r == '\\') {
            r++;
            switch (*r) {
            case 'b': s[i++] = '\b'; break;
            case 'f': s[i++] = '\f'; break;
            case 'n': s[i++] = '\n'; break;
            case 'r': s[i++] = '\r'; break;
            case 't': s[i++] = '\t'; break;
            default: s[i++] = *r; break;
            }
        } else {
            s[i++] = *r;
        }
    }
    s[i] = '\0';
    *out_len = i;
    ps->p = q + 1;
    return s;
}

static json_node *parse_value(parser *ps, int depth);

static json_node *parse_integer(parser *ps)
{
    json_node *n = new_node(JSON_INTEGER);
    if (n == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    if (*ps->p == '-') {
        n->negative = 1;
        ps->p++;
    }
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        fail(ps, "expected a digit");
        free(n);
        return NULL;
    }
    if (*ps->p == '0' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9') {
        fail(ps, "leading zero in integer");
        free(n);
        return NULL;
    }
    uint64_t v = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        unsigned d = (unsigned)(*ps->p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            fail(ps, "integer out of range");
            free(n);
            return NULL;
        }
        v = v * 10 + d;
        ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E')) {
        fail(ps, "only integers are accepted (no fractions or exponents)");
        free(n);
        return NULL;
    }
    n->magnitude = v;
    return n;
}

static json_node *parse_container(parser *ps, int depth, int is_object)
{
    json_node *n = new_node(is_object ? JSON_OBJECT : JSON_ARRAY);
    if (n == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    ps->p++; /* '{' or '[' */
    json_node **tail = &n->child;
    skip_ws(ps);
    char close = is_object ? '}' : ']';
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return n;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (is_object) {
            size_t klen;
            key = parse_string(ps, &klen);
            if (key == NULL) {
                json_free(n);
                return NULL;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail(ps, "expected ':'");
                free(key);
                json_free(n);
                return NULL;
            }
            ps->p++;
        }
        json_node *v = parse_value(ps, depth + 1);
        if (v == NULL) {
            free(key);
            json_free(n);
            return NULL;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return n;
        }
        fail(ps, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        json_free(n);
        return NULL;
    }
}

static json_node *parse_value(parser *ps, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nesting too deep");
        return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of input");
        return NULL;
    }
    char c = *ps->p;
    if (c == '{' || c == '[') {
        return parse_container(ps, depth, c == '{');
    }
    if (c == '"') {
        json_node *n = new_node(JSON_STRING);
        if (n == NULL) {
            fail(ps, "out of memory");
            return NULL;
        }
        n->str = parse_string(ps, &n->str_len);
        if (n->str == NULL) {
            free(n);
            return NULL;
        }
        return n;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        return parse_integer(ps);
    }
    fail(ps, "unsupported value (only objects, arrays, strings and integers are accepted)");
    return NULL;
}

json_node *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    parser ps = { text, text, text + len, err, errlen };
    err[0] = '\0';
    json_node *n = parse_value(&ps, 0);
    if (n == NULL) {
        return NULL;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "trailing characters after the JSON value");
        json_free(n);
        return NULL;
    }
    return n;
}

const json_node *json_get(const json_node *obj, const char *key)
{
    if (obj == NULL || obj->type != JSON_OBJECT) {
        return NULL;
    }
    for (const json_node *m = obj->child; m != NULL; m = m->next) {
        if (strcmp(m->key, key) == 0) {
            return m;
        }
    }
    return NULL;
}

int json_uint(const json_node *node, uint64_t max, uint64_t *out)
{
    if (node == NULL || node->type != JSON_INTEGER || (node->negative && node->magnitude != 0) || node->magnitude > max) {
        return -1;
    }
    *out = node->magnitude;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int json_hex(const json_node *node, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (node == NULL || node->type != JSON_STRING || node->str_len % 2 != 0) {
        return -1;
    }
    size_t n = node->str_len / 2;
    if (n == 0) {
        return 0;
    }
    uint8_t *b = malloc(n);
    if (b == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(node->str[2 * i]);
        int lo = hex_digit(node->str[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return -1;
        }
        b[i] = (uint8_t)((hi << 4) | lo);
    }
    *out = b;
    *len = n;
    return 0;
}

/* ------------------------------------------------------------------ writer */

void sb_init(strbuf *sb)
{
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->failed = 0;
}

void sb_free(strbuf *sb)
{
    free(sb->data);
    sb_init(sb);
}

static void sb_reserve(strbuf *sb, size_t extra)
{
    if (sb->failed) {
        return;
    }
    if (sb->len + extra + 1 > sb->cap) {
        size_t cap = sb->cap == 0 ? 256 : sb->cap;
        while (cap < sb->len + extra + 1) {
            cap *= 2;
        }
        char *d = realloc(sb->data, cap);
        if (d == NULL) {
            sb->failed = 1;
            return;
        }
        sb->data = d;
        sb->cap = cap;
    }
}

static void sb_bytes(strbuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    if (sb->failed) {
        return;
    }
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_raw(strbuf *sb, const char *s)
{
    sb_bytes(sb, s, strlen(s));
}

void sb_u64(strbuf *sb, uint64_t v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    sb_raw(sb, tmp);
}

void sb_hex(strbuf *sb, const uint8_t *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    sb_reserve(sb, 2 * len + 2);
    if (sb->failed) {
        return;
    }
    char *d = sb->data + sb->len;
    *d++ = '"';
    for (size_t i = 0; i < len; i++) {
        *d++ = digits[bytes[i] >> 4];
        *d++ = digits[bytes[i] & 0x0F];
    }
    *d++ = '"';
    sb->len += 2 * len + 2;
    sb->data[sb->len] = '\0';
}

void sb_string(strbuf *sb, const char *s)
{
    sb_raw(sb, "\"");
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char tmp[8];
        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            sb_bytes(sb, tmp, 2);
        } else if (c < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
            sb_raw(sb, tmp);
        } else {
            sb_bytes(sb, (const char *)&c, 1);
        }
    }
    sb_raw(sb, "\"");
}
