/* pq_thrift.c — Thrift compact protocol reader (see pq_thrift.h and the Thrift spec
 * doc/specs/thrift-compact-protocol.md: LEB128 varints, zigzag ints, delta field ids). */
#include "pq_thrift.h"

#include <string.h>

void pq_thrift_init(pq_thrift *t, const void *buf, size_t len)
{
    t->p = buf;
    t->end = t->p + len;
    t->err = PQ_TE_OK;
    t->depth = 0;
    t->why = NULL;
}

void pq_thrift_fail(pq_thrift *t, int kind, const char *why)
{
    if (t->err) return;
    t->err = kind;
    t->why = why;
    t->p = t->end;
}

static int byte_(pq_thrift *t, uint8_t *b)
{
    if (t->err) return 0;
    if (t->p >= t->end) {
        pq_thrift_fail(t, PQ_TE_TRUNCATED, "thrift data ends early");
        return 0;
    }
    *b = *t->p++;
    return 1;
}

uint64_t pq_thrift_varint(pq_thrift *t)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        uint8_t b;
        if (!byte_(t, &b)) return 0;
        if (shift == 63 && (b & 0x7e)) break; /* would overflow 64 bits */
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift varint too long");
    return 0;
}

static int64_t unzigzag_(uint64_t n) { return (int64_t)(n >> 1) ^ -(int64_t)(n & 1); }

int64_t pq_thrift_i64(pq_thrift *t) { return unzigzag_(pq_thrift_varint(t)); }

int32_t pq_thrift_i32(pq_thrift *t)
{
    int64_t v = pq_thrift_i64(t);
    if (v < INT32_MIN || v > INT32_MAX) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift i32 out of range");
        return 0;
    }
    return (int32_t)v;
}

int pq_thrift_field(pq_thrift *t, int16_t *last, int *type, int16_t *id)
{
    uint8_t b;
    if (!byte_(t, &b)) return 0;
    if (b == 0) return 0;
    *type = b & 0x0f;
    int delta = b >> 4;
    if (delta) {
        *id = (int16_t)(*last + delta);
    } else {
        int64_t v = pq_thrift_i64(t);
        if (v < INT16_MIN || v > INT16_MAX) {
            pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift field id out of range");
            return 0;
        }
        *id = (int16_t)v;
    }
    if (*type < PQ_T_TRUE || *type > PQ_T_UUID) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift field of unknown type");
        return 0;
    }
    *last = *id;
    return !t->err;
}

int pq_thrift_list(pq_thrift *t, int *elem_type, uint32_t *count)
{
    uint8_t b;
    if (!byte_(t, &b)) return 0;
    *elem_type = b & 0x0f;
    uint64_t n = b >> 4;
    if (n == 15) n = pq_thrift_varint(t);
    if (t->err) return 0;
    if (*elem_type < PQ_T_TRUE || *elem_type > PQ_T_UUID) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift list of unknown element type");
        return 0;
    }
    if (n > PQ_THRIFT_MAX_LIST) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift list too long");
        return 0;
    }
    /* every element takes at least one byte */
    if (n > (uint64_t)(t->end - t->p)) {
        pq_thrift_fail(t, PQ_TE_TRUNCATED, "thrift list longer than the data");
        return 0;
    }
    *count = (uint32_t)n;
    return 1;
}

const uint8_t *pq_thrift_binary(pq_thrift *t, uint32_t *len)
{
    uint64_t n = pq_thrift_varint(t);
    *len = 0;
    if (t->err) return NULL;
    if (n > PQ_THRIFT_MAX_STRING) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift string too long");
        return NULL;
    }
    if (n > (uint64_t)(t->end - t->p)) {
        pq_thrift_fail(t, PQ_TE_TRUNCATED, "thrift string longer than the data");
        return NULL;
    }
    const uint8_t *s = t->p;
    t->p += n;
    *len = (uint32_t)n;
    return s;
}

int pq_thrift_enter(pq_thrift *t)
{
    if (t->err) return 0;
    if (++t->depth > PQ_THRIFT_MAX_DEPTH) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift nesting too deep");
        return 0;
    }
    return 1;
}

void pq_thrift_leave(pq_thrift *t) { t->depth--; }

static void skip_bytes_(pq_thrift *t, size_t n)
{
    if (t->err) return;
    if ((size_t)(t->end - t->p) < n) {
        pq_thrift_fail(t, PQ_TE_TRUNCATED, "thrift data ends early");
        return;
    }
    t->p += n;
}

void pq_thrift_skip(pq_thrift *t, int type)
{
    uint32_t n;
    int et;
    switch (type) {
    case PQ_T_TRUE: case PQ_T_FALSE: return; /* field bools live in the header */
    case PQ_T_I8: skip_bytes_(t, 1); return;
    case PQ_T_I16: case PQ_T_I32: case PQ_T_I64: (void)pq_thrift_varint(t); return;
    case PQ_T_DOUBLE: skip_bytes_(t, 8); return;
    case PQ_T_UUID: skip_bytes_(t, 16); return;
    case PQ_T_BINARY: (void)pq_thrift_binary(t, &n); return;
    case PQ_T_LIST: case PQ_T_SET:
        if (!pq_thrift_list(t, &et, &n) || !pq_thrift_enter(t)) return;
        for (uint32_t i = 0; i < n && !t->err; i++) {
            if (et == PQ_T_TRUE || et == PQ_T_FALSE) skip_bytes_(t, 1); /* one byte per bool */
            else pq_thrift_skip(t, et);
        }
        pq_thrift_leave(t);
        return;
    case PQ_T_MAP: {
        uint64_t m = pq_thrift_varint(t);
        if (t->err || m == 0) return;
        uint8_t kv;
        if (m > (uint64_t)(t->end - t->p)) {
            pq_thrift_fail(t, PQ_TE_TRUNCATED, "thrift map longer than the data");
            return;
        }
        if (!byte_(t, &kv) || !pq_thrift_enter(t)) return;
        int kt = kv >> 4, vt = kv & 0x0f;
        if (kt < PQ_T_TRUE || kt > PQ_T_UUID || vt < PQ_T_TRUE || vt > PQ_T_UUID) {
            pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift map of unknown type");
            return;
        }
        for (uint64_t i = 0; i < m && !t->err; i++) {
            if (kt <= PQ_T_FALSE) skip_bytes_(t, 1); else pq_thrift_skip(t, kt);
            if (vt <= PQ_T_FALSE) skip_bytes_(t, 1); else pq_thrift_skip(t, vt);
        }
        pq_thrift_leave(t);
        return;
    }
    case PQ_T_STRUCT: {
        if (!pq_thrift_enter(t)) return;
        int16_t last = 0, id;
        int ft;
        while (pq_thrift_field(t, &last, &ft, &id)) pq_thrift_skip(t, ft);
        pq_thrift_leave(t);
        return;
    }
    default:
        pq_thrift_fail(t, PQ_TE_CORRUPT, "thrift value of unknown type");
    }
}
