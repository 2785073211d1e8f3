/* bench_pqwrite.c — see bench_pqwrite.h. A Thrift compact writer and just enough Parquet. */
#include "bench_pqwrite.h"

#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    uint8_t *b;
    size_t n, cap;
} buf;

static void put(buf *o, const void *p, size_t n)
{
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + n) cap *= 2;
        o->b = realloc(o->b, cap);
        if (!o->b) abort();
        o->cap = cap;
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
static void byte_(buf *o, uint8_t v) { put(o, &v, 1); }
static void varint_(buf *o, uint64_t v)
{
    while (v >= 0x80) byte_(o, (uint8_t)(v | 0x80)), v >>= 7;
    byte_(o, (uint8_t)v);
}
static void u32_(buf *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(o, b, 4);
}

/* Thrift compact: a stack of "last field id" per open struct */
typedef struct tw {
    buf o;
    int16_t last[16];
    int d;
} tw;
static void field_(tw *t, int type, int16_t id)
{
    int delta = id - t->last[t->d];
    if (delta > 0 && delta <= 15) byte_(&t->o, (uint8_t)(delta << 4 | type));
    else byte_(&t->o, (uint8_t)type), varint_(&t->o, (uint64_t)((id << 1) ^ (id >> 15)));
    t->last[t->d] = id;
}
static void i32_(tw *t, int16_t id, int32_t v) { field_(t, 5, id), varint_(&t->o, (uint32_t)((v << 1) ^ (v >> 31))); }
static void i64_(tw *t, int16_t id, int64_t v) { field_(t, 6, id), varint_(&t->o, (uint64_t)((v << 1) ^ (v >> 63))); }
static void str_(tw *t, int16_t id, const char *s) { field_(t, 8, id), varint_(&t->o, strlen(s)), put(&t->o, s, strlen(s)); }
static void begin_(tw *t, int16_t id) { field_(t, 12, id), t->last[++t->d] = 0; }
static void end_(tw *t) { byte_(&t->o, 0), t->d--; }
static void list_(tw *t, int16_t id, int etype, size_t n)
{
    field_(t, 9, id);
    if (n < 15) byte_(&t->o, (uint8_t)(n << 4 | (size_t)etype));
    else byte_(&t->o, (uint8_t)(0xf0 | etype)), varint_(&t->o, n);
}
static void elem_begin_(tw *t) { t->last[++t->d] = 0; }

typedef struct chunk_meta {
    int type;
    const char *path[2];
    int depth;
    int64_t num_values, usize, csize, data_off, dict_off;
} chunk_meta;

/* One page: header + snappy payload, appended to out. */
static void page_(buf *out, int type, const buf *raw, int num_values, int encoding, int64_t *usize, int64_t *csize)
{
    size_t cap = snappy_max_compressed_length(raw->n);
    char *z = malloc(cap ? cap : 1);
    size_t zn = cap;
    if (snappy_compress((const char *)raw->b, raw->n, z, &zn) != SNAPPY_OK) abort();
    tw h = {0};
    i32_(&h, 1, type);
    i32_(&h, 2, (int32_t)raw->n);
    i32_(&h, 3, (int32_t)zn);
    if (type == 2) {
        begin_(&h, 7);
        i32_(&h, 1, num_values);
        i32_(&h, 2, 0);
        end_(&h);
    } else {
        begin_(&h, 5);
        i32_(&h, 1, num_values);
        i32_(&h, 2, encoding);
        i32_(&h, 3, 3);
        i32_(&h, 4, 3);
        end_(&h);
    }
    byte_(&h.o, 0);
    put(out, h.o.b, h.o.n);
    put(out, z, zn);
    *usize += (int64_t)(h.o.n + raw->n);
    *csize += (int64_t)(h.o.n + zn);
    free(h.o.b);
    free(z);
}

/* definition levels, all equal to `level`, as a v1 length-prefixed RLE run */
static void levels_(buf *o, int n, int level)
{
    buf r = {0};
    varint_(&r, (uint64_t)n << 1);
    byte_(&r, (uint8_t)level);
    u32_(o, (uint32_t)r.n);
    put(o, r.b, r.n);
    free(r.b);
}

int bench_write_parquet(const char *path, const uint8_t *const *images, const size_t *lens,
                        size_t nimages, int64_t rows, int per)
{
    return bench_write_parquet_rows(path, images, lens, nimages, rows, per, NULL);
}

/* definition levels of an optional column: 1 for a value, 0 for null */
static void levels_mixed_(buf *o, const int *present, int n)
{
    buf r = {0};
    for (int i = 0; i < n; i++) {
        varint_(&r, 1u << 1);
        byte_(&r, (uint8_t)(present[i] ? 1 : 0));
    }
    u32_(o, (uint32_t)r.n);
    put(o, r.b, r.n);
    free(r.b);
}

int bench_write_parquet_rows(const char *path, const uint8_t *const *images, const size_t *lens,
                             size_t nimages, int64_t rows, int per, const bench_pq_rows *rr)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    fwrite("PAR1", 1, 4, fp);
    int64_t off = 4;
    int ngroups = (int)((rows + per - 1) / per);
    chunk_meta *metas = calloc((size_t)ngroups * 4, sizeof *metas);
    int64_t *grows = calloc((size_t)ngroups, sizeof *grows);
    for (int g = 0; g < ngroups; g++) {
        int64_t r0 = (int64_t)g * per;
        int n = (int)(rows - r0 < per ? rows - r0 : per);
        grows[g] = n;
        chunk_meta *m = &metas[g * 4];
        buf out = {0}, raw = {0};
        /* image.bytes: dictionary page with every image of the group, then the indices */
        m[0] = (chunk_meta){6, {"image", "bytes"}, 2, n, 0, 0, 0, 0};
        m[0].dict_off = off;
        for (int i = 0; i < n; i++) {
            size_t k = (size_t)(r0 + i) % nimages;
            u32_(&raw, (uint32_t)lens[k]);
            put(&raw, images[k], lens[k]);
        }
        page_(&out, 2, &raw, n, 0, &m[0].usize, &m[0].csize);
        m[0].data_off = off + (int64_t)out.n;
        raw.n = 0;
        levels_(&raw, n, 2);
        int width = 0;
        while ((1 << width) < n) width++;
        byte_(&raw, (uint8_t)width);
        int groups8 = (n + 7) / 8;
        varint_(&raw, (uint64_t)groups8 << 1 | 1);
        size_t at = raw.n, nbytes = (size_t)groups8 * (size_t)width;
        for (size_t i = 0; i < nbytes; i++) byte_(&raw, 0);
        for (int i = 0; i < n; i++)
            for (int b = 0; b < width; b++)
                if ((i >> b) & 1) raw.b[at + (size_t)(i * width + b) / 8] |= (uint8_t)(1 << ((i * width + b) % 8));
        page_(&out, 0, &raw, n, 8, &m[0].usize, &m[0].csize);
        /* image.path, label, scene_description: PLAIN pages */
        for (int c = 1; c < 4; c++) {
            raw.n = 0;
            m[c].num_values = n;
            m[c].data_off = off + (int64_t)out.n;
            if (c == 3 && rr && rr->descs) {
                int present[1024];
                for (int i = 0; i < n && i < 1024; i++) present[i] = rr->descs[r0 + i] != NULL;
                levels_mixed_(&raw, present, n);
            } else {
                levels_(&raw, n, c == 1 ? 2 : 1);
            }
            for (int i = 0; i < n; i++) {
                int64_t row = r0 + i;
                char s[64];
                const char *sp = s;
                size_t sl;
                if (c == 1) snprintf(s, sizeof s, "img_%lld.jpg", (long long)row);
                else if (c == 3) snprintf(s, sizeof s, "%s", row % 2 ? "cones and a barrier" : "");
                sl = strlen(s);
                if (c == 3 && rr && rr->descs) {
                    if (!rr->descs[row]) continue; /* null: no value */
                    sp = rr->descs[row], sl = rr->desc_lens[row];
                }
                if (c == 2) {
                    uint64_t v = rr && rr->labels ? (uint64_t)rr->labels[row] : (uint64_t)(row % 2);
                    for (int b = 0; b < 8; b++) byte_(&raw, (uint8_t)(v >> (8 * b)));
                } else {
                    u32_(&raw, (uint32_t)sl);
                    put(&raw, sp, sl);
                }
            }
            page_(&out, 0, &raw, n, 0, &m[c].usize, &m[c].csize);
        }
        m[1] = (chunk_meta){6, {"image", "path"}, 2, n, m[1].usize, m[1].csize, m[1].data_off, 0};
        m[2] = (chunk_meta){2, {"label"}, 1, n, m[2].usize, m[2].csize, m[2].data_off, 0};
        m[3] = (chunk_meta){6, {"scene_description"}, 1, n, m[3].usize, m[3].csize, m[3].data_off, 0};
        if (fwrite(out.b, 1, out.n, fp) != out.n) return fclose(fp), -1;
        off += (int64_t)out.n;
        free(out.b);
        free(raw.b);
    }
    tw t = {0};
    i32_(&t, 1, 1);
    list_(&t, 2, 12, 6);
    const struct { const char *name; int type, nchild, conv; } sch[6] = {
        {"schema", -1, 3, -1}, {"image", -1, 2, -1}, {"bytes", 6, 0, -1},
        {"path", 6, 0, 0}, {"label", 2, 0, -1}, {"scene_description", 6, 0, 0}};
    for (int i = 0; i < 6; i++) {
        elem_begin_(&t);
        if (sch[i].type >= 0) i32_(&t, 1, sch[i].type);
        if (i) i32_(&t, 3, 1);
        str_(&t, 4, sch[i].name);
        if (sch[i].nchild) i32_(&t, 5, sch[i].nchild);
        if (sch[i].conv >= 0) i32_(&t, 6, sch[i].conv);
        end_(&t);
    }
    i64_(&t, 3, rows);
    list_(&t, 4, 12, (size_t)ngroups);
    for (int g = 0; g < ngroups; g++) {
        elem_begin_(&t);
        list_(&t, 1, 12, 4);
        int64_t total = 0;
        for (int c = 0; c < 4; c++) {
            chunk_meta *m = &metas[g * 4 + c];
            elem_begin_(&t);
            i64_(&t, 2, m->dict_off ? m->dict_off : m->data_off);
            begin_(&t, 3);
            i32_(&t, 1, m->type);
            list_(&t, 2, 5, 3);
            varint_(&t.o, 0), varint_(&t.o, 6), varint_(&t.o, c == 0 ? 16 : 0);
            list_(&t, 3, 8, (size_t)m->depth);
            for (int k = 0; k < m->depth; k++) varint_(&t.o, strlen(m->path[k])), put(&t.o, m->path[k], strlen(m->path[k]));
            i32_(&t, 4, 1);
            i64_(&t, 5, m->num_values);
            i64_(&t, 6, m->usize);
            i64_(&t, 7, m->csize);
            i64_(&t, 9, m->data_off);
            if (m->dict_off) i64_(&t, 11, m->dict_off);
            end_(&t);
            end_(&t);
            total += m->usize;
        }
        i64_(&t, 2, total);
        i64_(&t, 3, grows[g]);
        end_(&t);
    }
    str_(&t, 6, "proctor bench_pqwrite");
    byte_(&t.o, 0);
    fwrite(t.o.b, 1, t.o.n, fp);
    uint8_t tail[8] = {(uint8_t)t.o.n, (uint8_t)(t.o.n >> 8), (uint8_t)(t.o.n >> 16), (uint8_t)(t.o.n >> 24), 'P', 'A', 'R', '1'};
    fwrite(tail, 1, 8, fp);
    free(t.o.b);
    free(metas);
    free(grows);
    return fclose(fp);
}
