/*
 * json.h - a small, strict JSON reader and writer for the adapter protocol v1
 * (shared/design/adapter-protocol.md). The reader accepts exactly the shapes the
 * protocol uses: objects, arrays, strings (simple escapes, no \u), and integers.
 * true/false/null, fractions and exponents are rejected on purpose.
 */
#ifndef CSTARTER_JSON_H
#define CSTARTER_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum { JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_INTEGER } json_type;

typedef struct json_node {
    json_type type;
    char *key;              /* member name when the parent is an object, else NULL */
    char *str;              /* JSON_STRING: NUL-terminated text */
    size_t str_len;
    int negative;           /* JSON_INTEGER: sign */
    uint64_t magnitude;     /* JSON_INTEGER: absolute value */
    struct json_node *child;/* first element / member */
    struct json_node *next; /* next sibling */
} json_node;

/* Parses one complete JSON text; NULL on error with a message in err (size errlen). */
json_node *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(json_node *node);

/* Member lookup in an object (NULL when absent or when obj is not an object). */
const json_node *json_get(const json_node *obj, const char *key);
/* Unsigned integer value; returns 0 on success, -1 when not a non-negative integer <= max. */
int json_uint(const json_node *node, uint64_t max, uint64_t *out);
/* Decodes a hex string into a malloc'd buffer (*out may be NULL when empty); -1 on error. */
int json_hex(const json_node *node, uint8_t **out, size_t *len);

/* A growable output string. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} strbuf;

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_raw(strbuf *sb, const char *s);
void sb_u64(strbuf *sb, uint64_t v);
void sb_hex(strbuf *sb, const uint8_t *bytes, size_t len);   /* writes "hex" with quotes */
void sb_string(strbuf *sb, const char *s);                  /* writes a quoted, escaped string */

#endif
