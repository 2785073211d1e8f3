/* pq_thrift.h — a bounds-checked reader for the Thrift compact protocol, the encoding of every
 * Parquet footer and page header. It reads from a borrowed buffer and never allocates: strings
 * come back as pointers into that buffer. The first error sticks (t->err) and every later read
 * returns zeros, so parsers can check once per struct instead of after every field. */
#ifndef PQ_THRIFT_H
#define PQ_THRIFT_H

#include <stddef.h>
#include <stdint.h>

enum {
    PQ_T_STOP = 0, PQ_T_TRUE = 1, PQ_T_FALSE = 2, PQ_T_I8 = 3, PQ_T_I16 = 4, PQ_T_I32 = 5,
    PQ_T_I64 = 6, PQ_T_DOUBLE = 7, PQ_T_BINARY = 8, PQ_T_LIST = 9, PQ_T_SET = 10, PQ_T_MAP = 11,
    PQ_T_STRUCT = 12, PQ_T_UUID = 13
};

/* Error kinds: TRUNCATED means "ran off the end of the buffer", which a caller reading a page
 * header of unknown length treats as "read more"; everything else is corrupt input. */
enum { PQ_TE_OK = 0, PQ_TE_TRUNCATED = 1, PQ_TE_CORRUPT = 2 };

#define PQ_THRIFT_MAX_DEPTH 32
#define PQ_THRIFT_MAX_STRING (100u * 1000u * 1000u)
#define PQ_THRIFT_MAX_LIST 1000000u

typedef struct pq_thrift {
    const uint8_t *p, *end;
    int err;
    int depth;
    const char *why; /* static text: what went wrong */
} pq_thrift;

void pq_thrift_init(pq_thrift *t, const void *buf, size_t len);
void pq_thrift_fail(pq_thrift *t, int kind, const char *why);
uint64_t pq_thrift_varint(pq_thrift *t);
int32_t pq_thrift_i32(pq_thrift *t);
int64_t pq_thrift_i64(pq_thrift *t);
/* A field header: returns 0 at the struct's stop byte (or on error), else 1 with *type and *id.
 * *last is the previous field id of this struct (start at 0). For bool fields the value is the
 * type itself: PQ_T_TRUE or PQ_T_FALSE. */
int pq_thrift_field(pq_thrift *t, int16_t *last, int *type, int16_t *id);
/* List/set header: element type and count (count checked against the bytes left). */
int pq_thrift_list(pq_thrift *t, int *elem_type, uint32_t *count);
const uint8_t *pq_thrift_binary(pq_thrift *t, uint32_t *len);
/* Skip one value of the given type (nested structs/containers included, depth-limited). */
void pq_thrift_skip(pq_thrift *t, int type);
/* Struct nesting guard: call enter before parsing a nested struct and leave after. */
int pq_thrift_enter(pq_thrift *t);
void pq_thrift_leave(pq_thrift *t);

#endif
