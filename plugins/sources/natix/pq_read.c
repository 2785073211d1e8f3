/* pq_read.c — walk one column chunk page by page and hand the wanted rows to a callback.
 * Only pages holding a wanted row are read and decompressed; the dictionary page is decoded
 * the first time a dictionary-encoded page needs it, or, when it is a large one of byte arrays,
 * streamed once the wanted rows' indices are known (flush_), keeping only what they use. Levels, indices and values stream from
 * the page buffer; nothing is allocated per value. */
#include "pq_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct dict {
    int present, loaded;
    int64_t off;       /* payload offset in the file */
    pq_page_header h;
    uint8_t *buf;      /* decoded (uncompressed) dictionary page */
    uint32_t n;
    uint32_t *offs, *lens; /* BYTE_ARRAY entries */
    size_t bytes;          /* accounted to the file */
} dict;

/* A wanted row of a dictionary-encoded page, waiting for a streamed dictionary. */
typedef struct pend {
    int64_t row;
    uint32_t idx;
    int def, is_null;
} pend;

typedef struct reader {
    pq_file *f;
    const pq_column *col;
    const pq_chunk *ch;
    dict d;
    int streaming;    /* the dictionary is streamed: wanted rows wait in `pend` */
    pend *pend;
    size_t npend, pend_cap;
    uint8_t *vbuf[2]; /* DELTA_BYTE_ARRAY: the value being built and the previous one */
    size_t vcap[2];
    char *err;
    size_t errlen;
} reader;

/* DELTA_* value streams of one page */
typedef struct deltas {
    pq_delta a, b;             /* lengths / prefix lengths, suffix lengths */
    const uint8_t *bytes, *end;
    int cur;
    size_t prev_len;
} deltas;

static int delta_init_(reader *r, int enc, const uint8_t *p, size_t n, deltas *ds)
{
    const char *why = NULL;
    const pq_column *col = r->col;
    memset(ds, 0, sizeof *ds);
    ds->end = p + n;
    int ints = col->type == PQ_INT32 || col->type == PQ_INT64;
    int bytes = col->type == PQ_BYTE_ARRAY || (enc == PQ_ENC_DELTA_BA && col->type == PQ_FIXED_LEN_BYTE_ARRAY);
    if ((enc == PQ_ENC_DELTA_BP && !ints) || (enc != PQ_ENC_DELTA_BP && !bytes))
        return pq_errf(r->err, r->errlen, "'%s': %s on a %s column", col->path, pq_encoding_name(enc),
                       pq_type_name(col->type));
    if (pq_delta_init(&ds->a, p, n, &why)) goto bad;
    if (enc == PQ_ENC_DELTA_BP) return 0;
    const uint8_t *q = pq_delta_end(&ds->a, &why);
    if (!q) goto bad;
    if (enc == PQ_ENC_DELTA_BA) {
        if (pq_delta_init(&ds->b, q, (size_t)(ds->end - q), &why)) goto bad;
        q = pq_delta_end(&ds->b, &why);
        if (!q) goto bad;
    }
    ds->bytes = q;
    return 0;
bad:
    return pq_errf(r->err, r->errlen, "'%s': %s", col->path, why);
}

static int delta_value_(reader *r, int enc, deltas *ds, pq_value *v)
{
    const char *why = NULL;
    int64_t x, y;
    if (pq_delta_next(&ds->a, &x, &why)) goto bad;
    if (enc == PQ_ENC_DELTA_BP) {
        v->i = r->col->type == PQ_INT32 ? (int64_t)(int32_t)x : x;
        return 0;
    }
    size_t left = (size_t)(ds->end - ds->bytes);
    if (enc == PQ_ENC_DELTA_LBA) {
        if (x < 0 || (uint64_t)x > left) return pq_errf(r->err, r->errlen, "'%s': value length past the page", r->col->path);
        v->bytes = ds->bytes, v->len = (size_t)x;
        ds->bytes += x;
        return 0;
    }
    if (pq_delta_next(&ds->b, &y, &why)) goto bad;
    if (x < 0 || (uint64_t)x > ds->prev_len || y < 0 || (uint64_t)y > left)
        return pq_errf(r->err, r->errlen, "'%s': bad prefix or suffix length", r->col->path);
    /* value = previous[0, prefix) + suffix; bounded by the page: prefixes only reuse bytes */
    int c = ds->cur;
    size_t len = (size_t)x + (size_t)y;
    if (pq_grow(r->f, &r->vbuf[c], &r->vcap[c], len ? len : 1)) return pq_errf(r->err, r->errlen, "out of memory");
    if (x) memcpy(r->vbuf[c], r->vbuf[!c], (size_t)x);
    memcpy(r->vbuf[c] + x, ds->bytes, (size_t)y);
    ds->bytes += y;
    if (r->col->type == PQ_FIXED_LEN_BYTE_ARRAY && len != (size_t)r->col->type_length)
        return pq_errf(r->err, r->errlen, "'%s': value of the wrong length", r->col->path);
    v->bytes = r->vbuf[c], v->len = len;
    ds->prev_len = len;
    ds->cur = !c;
    return 0;
bad:
    return pq_errf(r->err, r->errlen, "'%s': %s", r->col->path, why);
}

/* Plain values, one at a time. */
typedef struct plain {
    const uint8_t *p, *end;
    uint64_t bit; /* BOOLEAN: bit position */
} plain;

static int plain_next_(reader *r, plain *c, pq_value *v)
{
    size_t left = (size_t)(c->end - c->p);
    switch (r->col->type) {
    case PQ_BOOLEAN:
        if ((c->bit >> 3) >= left) return pq_errf(r->err, r->errlen, "'%s': BOOLEAN values end early", r->col->path);
        v->i = (c->p[c->bit >> 3] >> (c->bit & 7)) & 1;
        c->bit++;
        return 0;
    case PQ_INT32:
        if (left < 4) break;
        v->i = (int32_t)((uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24);
        c->p += 4;
        return 0;
    case PQ_INT64: {
        if (left < 8) break;
        uint64_t u = 0;
        for (int i = 0; i < 8; i++) u |= (uint64_t)c->p[i] << (8 * i);
        v->i = (int64_t)u;
        c->p += 8;
        return 0;
    }
    case PQ_FLOAT: {
        if (left < 4) break;
        float fl;
        memcpy(&fl, c->p, 4); /* Parquet is little-endian, like every host we build for */
        v->d = fl;
        c->p += 4;
        return 0;
    }
    case PQ_DOUBLE:
        if (left < 8) break;
        memcpy(&v->d, c->p, 8);
        c->p += 8;
        return 0;
    case PQ_INT96:
        if (left < 12) break;
        v->bytes = c->p, v->len = 12;
        c->p += 12;
        return 0;
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (left < (size_t)r->col->type_length) break;
        v->bytes = c->p, v->len = (size_t)r->col->type_length;
        c->p += v->len;
        return 0;
    case PQ_BYTE_ARRAY: {
        if (left < 4) break;
        uint32_t n = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
        if (n > left - 4)
            return pq_errf(r->err, r->errlen, "'%s': byte array of %u bytes runs past the page", r->col->path, n);
        v->bytes = c->p + 4, v->len = n;
        c->p += 4 + (size_t)n;
        return 0;
    }
    }
    return pq_errf(r->err, r->errlen, "'%s': values end early", r->col->path);
}

/* Read a page's payload and return its uncompressed bytes (in f->page or f->raw). */
static int load_payload_(reader *r, int64_t off, const pq_page_header *h, size_t skip_raw,
                         int compressed, const uint8_t **raw_out, const uint8_t **out, size_t *outlen)
{
    pq_file *f = r->f;
    size_t csize = (size_t)h->csize;
    if (pq_grow(f, &f->raw, &f->raw_cap, csize ? csize : 1))
        return pq_errf(r->err, r->errlen, "out of memory for a %zu-byte page", csize);
    if (pq_read_at(f, off, f->raw, csize, r->err, r->errlen)) return -1;
    *raw_out = f->raw;
    if (skip_raw > csize || skip_raw > (size_t)h->usize)
        return pq_errf(r->err, r->errlen, "'%s': level lengths exceed the page", r->col->path);
    size_t usize = (size_t)h->usize - skip_raw;
    if (!compressed || r->ch->codec == PQ_UNCOMPRESSED) {
        if (csize - skip_raw != usize)
            return pq_errf(r->err, r->errlen, "'%s': page sizes disagree (%zu stored, %zu declared)",
                           r->col->path, csize - skip_raw, usize);
        *out = f->raw + skip_raw;
        *outlen = usize;
        return 0;
    }
    if (usize > pq_max_expansion(r->ch->codec, csize - skip_raw, f->lim.max_page))
        return pq_errf(r->err, r->errlen, "'%s': page claims %zu bytes from %zu compressed (limit)",
                       r->col->path, usize, csize - skip_raw);
    if (pq_grow(f, &f->page, &f->page_cap, usize ? usize : 1))
        return pq_errf(r->err, r->errlen, "out of memory for a %zu-byte page", usize);
    if (pq_decompress(r->ch->codec, f->raw + skip_raw, csize - skip_raw, f->page, usize, r->err, r->errlen))
        return -1;
    *out = f->page;
    *outlen = usize;
    return 0;
}

static int load_dict_(reader *r)
{
    dict *d = &r->d;
    if (!d->present)
        return pq_errf(r->err, r->errlen, "'%s': dictionary-encoded page without a dictionary", r->col->path);
    if (d->loaded) return 0;
    if (d->h.encoding != PQ_ENC_PLAIN && d->h.encoding != PQ_ENC_PLAIN_DICT)
        return pq_errf(r->err, r->errlen, "'%s': dictionary in encoding %s", r->col->path,
                       pq_encoding_name(d->h.encoding));
    if (d->h.num_values < 0) return pq_errf(r->err, r->errlen, "'%s': negative dictionary size", r->col->path);
    const uint8_t *raw, *p;
    size_t n;
    if (load_payload_(r, d->off, &d->h, 0, 1, &raw, &p, &n)) return -1;
    /* take the buffer over instead of copying it (it can hold every image of a row group);
     * the file's scratch buffer is regrown by the next page */
    pq_file *f = r->f;
    if (p == f->page) {
        d->buf = f->page, d->bytes = f->page_cap;
        f->page = NULL, f->page_cap = 0;
    } else {
        d->buf = f->raw, d->bytes = f->raw_cap;
        f->raw = NULL, f->raw_cap = 0;
    }
    uint32_t count = (uint32_t)d->h.num_values;
    if (r->col->type == PQ_BYTE_ARRAY) {
        if (count > n / 4)
            return pq_errf(r->err, r->errlen, "'%s': dictionary of %u entries in %zu bytes", r->col->path, count, n);
        pq_account(f, 8 * (int64_t)count);
        d->bytes += 8 * (size_t)count;
        d->offs = malloc(sizeof(uint32_t) * (count ? count : 1));
        d->lens = malloc(sizeof(uint32_t) * (count ? count : 1));
        if (!d->offs || !d->lens) return pq_errf(r->err, r->errlen, "out of memory");
        plain c = {d->buf, d->buf + n, 0};
        for (uint32_t i = 0; i < count; i++) {
            pq_value v = {0};
            if (plain_next_(r, &c, &v)) return -1;
            d->offs[i] = (uint32_t)(v.bytes - d->buf);
            d->lens[i] = (uint32_t)v.len;
        }
    } else {
        size_t w = r->col->type == PQ_BOOLEAN ? 0 : r->col->type == PQ_INT32 || r->col->type == PQ_FLOAT ? 4
                 : r->col->type == PQ_INT96 ? 12 : r->col->type == PQ_FIXED_LEN_BYTE_ARRAY ? (size_t)r->col->type_length : 8;
        if (w == 0) return pq_errf(r->err, r->errlen, "'%s': BOOLEAN dictionary", r->col->path);
        if ((uint64_t)count * w > n)
            return pq_errf(r->err, r->errlen, "'%s': dictionary of %u entries in %zu bytes", r->col->path, count, n);
    }
    d->n = count;
    d->loaded = 1;
    return 0;
}

static int dict_value_(reader *r, uint32_t idx, pq_value *v)
{
    dict *d = &r->d;
    if (idx >= d->n)
        return pq_errf(r->err, r->errlen, "'%s': dictionary index %u of %u", r->col->path, idx, d->n);
    if (r->col->type == PQ_BYTE_ARRAY) {
        v->bytes = d->buf + d->offs[idx];
        v->len = d->lens[idx];
        return 0;
    }
    size_t w = r->col->type == PQ_INT32 || r->col->type == PQ_FLOAT ? 4 : r->col->type == PQ_INT96 ? 12
             : r->col->type == PQ_FIXED_LEN_BYTE_ARRAY ? (size_t)r->col->type_length : 8;
    plain c = {d->buf + (size_t)idx * w, d->buf + (size_t)idx * w + w, 0};
    return plain_next_(r, &c, v);
}

typedef struct want {
    const int64_t *rows;
    size_t n, i;
    pq_value_fn fn;
    void *user;
} want;

static int cmp_u32_(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Should this chunk's dictionary be streamed rather than decoded whole? */
static int stream_dict_(const reader *r)
{
    const dict *d = &r->d;
    int c = r->ch->codec;
    return d->present && !d->loaded && r->col->type == PQ_BYTE_ARRAY &&
           (d->h.encoding == PQ_ENC_PLAIN || d->h.encoding == PQ_ENC_PLAIN_DICT) &&
           (uint64_t)d->h.usize >= r->f->lim.stream_dict_min &&
           (c == PQ_UNCOMPRESSED || c == PQ_SNAPPY || c == PQ_LZ4_RAW || c == PQ_ZSTD || c == PQ_GZIP);
}

/* Deliver the pending rows: one pass over the dictionary page, in the stream, up to the last
 * entry needed. An entry is kept (copied) only when a later row points back at it; the others
 * are delivered from one reused buffer as they pass. */
static int flush_(reader *r, want *w)
{
    if (!r->npend) return 0;
    dict *d = &r->d;
    pq_file *f = r->f;
    size_t np = r->npend, nkeep = 0, done = 0;
    uint32_t *keep = malloc(sizeof *keep * np);
    uint8_t **kbuf = calloc(np, sizeof *kbuf);
    uint32_t *klen = calloc(np, sizeof *klen);
    int64_t maxseen = -1, kept_bytes = 0;
    int rc = 0;
    pq_stream *s = NULL;
    if (!keep || !kbuf || !klen) {
        rc = pq_errf(r->err, r->errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < np; i++) {
        const pend *p = &r->pend[i];
        if (p->is_null) continue;
        if (p->idx >= (uint32_t)d->h.num_values) {
            rc = pq_errf(r->err, r->errlen, "'%s': dictionary index %u of %d", r->col->path, p->idx, d->h.num_values);
            goto out;
        }
        if ((int64_t)p->idx <= maxseen) keep[nkeep++] = p->idx;
        else maxseen = p->idx;
    }
    qsort(keep, nkeep, sizeof *keep, cmp_u32_);
    size_t u = 0;
    for (size_t i = 0; i < nkeep; i++)
        if (!u || keep[u - 1] != keep[i]) keep[u++] = keep[i];
    nkeep = u;
    s = maxseen >= 0 ? pq_stream_open(f, r->ch->codec, d->off, d->h.csize, (uint64_t)d->h.usize, r->err, r->errlen) : NULL;
    if (maxseen >= 0 && !s) {
        rc = -1;
        goto out;
    }
    uint32_t e = 0, cur_len = 0;
    for (; done < np; done++) {
        const pend *p = &r->pend[done];
        pq_value v = {0};
        v.type = r->col->type, v.def = p->def, v.is_null = p->is_null;
        if (!p->is_null && p->idx < e) {
            /* an entry the stream has passed: it was kept for this row (empty ones have no copy) */
            uint32_t *k = bsearch(&p->idx, keep, nkeep, sizeof *keep, cmp_u32_);
            if (!k) {
                rc = pq_errf(r->err, r->errlen, "'%s': internal error: entry %u was not kept", r->col->path, p->idx);
                goto out;
            }
            v.bytes = kbuf[k - keep] ? kbuf[k - keep] : f->ebuf, v.len = klen[k - keep];
        } else if (!p->is_null) {
            while (e <= p->idx) {
                uint8_t lb[4];
                if ((rc = pq_stream_read(s, lb, 4))) goto out;
                uint32_t len = (uint32_t)lb[0] | (uint32_t)lb[1] << 8 | (uint32_t)lb[2] << 16 | (uint32_t)lb[3] << 24;
                if (len > (uint64_t)d->h.usize - pq_stream_pos(s)) {
                    rc = pq_errf(r->err, r->errlen, "'%s': dictionary entry of %u bytes runs past the page", r->col->path, len);
                    goto out;
                }
                uint32_t *k = nkeep ? bsearch(&e, keep, nkeep, sizeof *keep, cmp_u32_) : NULL;
                if (e == p->idx) {
                    if (pq_grow(f, &f->ebuf, &f->ebuf_cap, len ? len : 1)) {
                        rc = pq_errf(r->err, r->errlen, "out of memory for a %u-byte value", len);
                        goto out;
                    }
                    if ((rc = pq_stream_read(s, f->ebuf, len))) goto out;
                    cur_len = len;
                    if (k && len) {
                        /* needed again later: keep a copy */
                        kbuf[k - keep] = malloc(len);
                        if (!kbuf[k - keep]) { rc = pq_errf(r->err, r->errlen, "out of memory"); goto out; }
                        memcpy(kbuf[k - keep], f->ebuf, len);
                        klen[k - keep] = len;
                        kept_bytes += len;
                        pq_account(f, len);
                    }
                } else if (k) {
                    kbuf[k - keep] = malloc(len ? len : 1);
                    if (!kbuf[k - keep]) { rc = pq_errf(r->err, r->errlen, "out of memory"); goto out; }
                    if ((rc = pq_stream_read(s, kbuf[k - keep], len))) goto out;
                    klen[k - keep] = len;
                    kept_bytes += len;
                    pq_account(f, len);
                } else if ((rc = pq_stream_read(s, NULL, len))) {
                    goto out;
                }
                e++;
            }
            v.bytes = f->ebuf, v.len = cur_len;
        }
        if (w->fn(w->user, p->row, &v)) {
            rc = pq_errf(r->err, r->errlen, "stopped by caller");
            goto out;
        }
    }
out:
    pq_stream_close(s);
    if (rc == PQ_STREAM_WINDOW) {
        /* a writer that looks back further than 64 KiB: decode the page whole, as before */
        rc = load_dict_(r);
        for (; !rc && done < np; done++) {
            const pend *p = &r->pend[done];
            pq_value v = {0};
            v.type = r->col->type, v.def = p->def, v.is_null = p->is_null;
            if (!p->is_null && dict_value_(r, p->idx, &v)) rc = -1;
            else if (w->fn(w->user, p->row, &v)) rc = pq_errf(r->err, r->errlen, "stopped by caller");
        }
        r->streaming = 0;
    }
    for (size_t i = 0; kbuf && i < nkeep; i++) free(kbuf[i]);
    pq_account(f, -kept_bytes);
    free(keep);
    free(kbuf);
    free(klen);
    r->npend = 0;
    return rc;
}


/* Decode one data page whose rows are [row0, row0 + nvals) and deliver the wanted ones. */
static int decode_page_(reader *r, int64_t off, const pq_page_header *h, int64_t row0, want *w)
{
    const pq_column *col = r->col;
    const uint8_t *raw, *p;
    size_t n;
    const uint8_t *defs = NULL;
    size_t defs_len = 0;
    int v2 = h->type == PQ_PAGE_DATA_V2;
    int enc = h->encoding;
    int is_dict = enc == PQ_ENC_PLAIN_DICT || enc == PQ_ENC_RLE_DICT;
    /* the dictionary first: it and the data page share the file's scratch buffers */
    if (is_dict && !r->streaming && load_dict_(r)) return -1;
    int collect = is_dict && r->streaming;
    if (v2) {
        if (h->num_nulls < 0 || h->num_nulls > h->num_values || h->num_rows != h->num_values)
            return pq_errf(r->err, r->errlen, "'%s': inconsistent v2 page counts", col->path);
        if (h->rep_len != 0 || h->def_len < 0)
            return pq_errf(r->err, r->errlen, "'%s': bad v2 level lengths", col->path);
        if (load_payload_(r, off, h, (size_t)h->def_len, h->is_compressed, &raw, &p, &n)) return -1;
        defs = raw;
        defs_len = (size_t)h->def_len;
    } else {
        if (load_payload_(r, off, h, 0, 1, &raw, &p, &n)) return -1;
        if (col->max_def > 0) {
            if (h->def_encoding != PQ_ENC_RLE)
                return pq_errf(r->err, r->errlen, "'%s': definition levels in %s", col->path,
                               pq_encoding_name(h->def_encoding));
            if (n < 4) return pq_errf(r->err, r->errlen, "'%s': page too short for levels", col->path);
            uint32_t l = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            if (l > n - 4) return pq_errf(r->err, r->errlen, "'%s': level length past the page", col->path);
            defs = p + 4;
            defs_len = l;
            p += 4 + l;
            n -= 4 + (size_t)l;
        }
    }
    int bw = 0;
    while ((1 << bw) <= col->max_def) bw++;
    pq_rle lv;
    pq_rle_init(&lv, defs, defs_len, bw);

    plain pc = {p, p + n, 0};
    pq_rle ix;
    deltas ds;
    if (enc == PQ_ENC_PLAIN_DICT || enc == PQ_ENC_RLE_DICT) {
        if (n < 1 || p[0] > 32) return pq_errf(r->err, r->errlen, "'%s': bad dictionary index width", col->path);
        pq_rle_init(&ix, p + 1, n - 1, p[0]);
    } else if (enc == PQ_ENC_RLE && col->type == PQ_BOOLEAN) {
        if (n < 4) return pq_errf(r->err, r->errlen, "'%s': page too short for RLE booleans", col->path);
        uint32_t l = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        if (l > n - 4) return pq_errf(r->err, r->errlen, "'%s': RLE length past the page", col->path);
        pq_rle_init(&ix, p + 4, l, 1);
    } else if (enc == PQ_ENC_DELTA_BP || enc == PQ_ENC_DELTA_LBA || enc == PQ_ENC_DELTA_BA) {
        if (delta_init_(r, enc, p, n, &ds)) return -1;
    } else if (enc != PQ_ENC_PLAIN) {
        return pq_errf(r->err, r->errlen, "'%s': encoding %s is not supported", col->path, pq_encoding_name(enc));
    }

    int64_t end = row0 + h->num_values;
    for (int64_t row = row0; row < end && w->i < w->n && w->rows[w->i] < end; row++) {
        pq_value v = {0};
        v.type = col->type;
        uint32_t def = (uint32_t)col->max_def;
        const char *why = NULL;
        if (col->max_def > 0 && pq_rle_next(&lv, &def, &why))
            return pq_errf(r->err, r->errlen, "'%s' definition levels: %s", col->path, why);
        if (def > (uint32_t)col->max_def)
            return pq_errf(r->err, r->errlen, "'%s': definition level %u above %d", col->path, def, col->max_def);
        v.def = (int)def;
        v.is_null = def < (uint32_t)col->max_def;
        uint32_t idx = 0;
        if (!v.is_null && collect) {
            if (pq_rle_next(&ix, &idx, &why))
                return pq_errf(r->err, r->errlen, "'%s' values: %s", col->path, why);
        } else if (!v.is_null) {
            if (enc == PQ_ENC_PLAIN) {
                if (plain_next_(r, &pc, &v)) return -1;
            } else if (enc == PQ_ENC_DELTA_BP || enc == PQ_ENC_DELTA_LBA || enc == PQ_ENC_DELTA_BA) {
                if (delta_value_(r, enc, &ds, &v)) return -1;
            } else {
                uint32_t x;
                if (pq_rle_next(&ix, &x, &why))
                    return pq_errf(r->err, r->errlen, "'%s' values: %s", col->path, why);
                if (enc == PQ_ENC_RLE) v.i = x;
                else if (dict_value_(r, x, &v)) return -1;
            }
        }
        if (row == w->rows[w->i]) {
            if (collect) {
                if (r->npend == r->pend_cap) {
                    size_t cap = r->pend_cap ? r->pend_cap * 2 : 64;
                    pend *np = realloc(r->pend, cap * sizeof *np);
                    if (!np) return pq_errf(r->err, r->errlen, "out of memory");
                    r->pend = np, r->pend_cap = cap;
                }
                r->pend[r->npend++] = (pend){row, idx, v.def, v.is_null};
            } else if (w->fn(w->user, row, &v)) {
                return pq_errf(r->err, r->errlen, "stopped by caller");
            }
            w->i++;
        }
    }
    return 0;
}

/* Parse the page header at `pos`; headers have no length prefix, so read a window and widen it
 * while the Thrift parser runs off its end. */
static int read_header_(reader *r, int64_t pos, int64_t end, pq_page_header *h, int64_t *hlen)
{
    pq_file *f = r->f;
    size_t win = 64 * 1024;
    while (1) {
        size_t avail = (size_t)(end - pos);
        size_t n = win < avail ? win : avail;
        if (pq_grow(f, &f->hdr, &f->hdr_cap, n ? n : 1)) return pq_errf(r->err, r->errlen, "out of memory");
        if (pq_read_at(f, pos, f->hdr, n, r->err, r->errlen)) return -1;
        pq_thrift t;
        pq_thrift_init(&t, f->hdr, n);
        if (pq_parse_page_header(&t, h) == 0) {
            *hlen = (int64_t)(t.p - f->hdr);
            return 0;
        }
        if (t.err == PQ_TE_TRUNCATED && n < avail && win < f->lim.max_page_header) {
            win *= 4;
            continue;
        }
        return pq_errf(r->err, r->errlen, "'%s': corrupt page header at %lld: %s", r->col->path,
                       (long long)pos, t.why ? t.why : "?");
    }
}

int pq_read_rows(pq_file *f, int rg, int col, const int64_t *rows, size_t nrows, pq_value_fn fn,
                 void *user, char *err, size_t errlen)
{
    if (rg < 0 || rg >= f->nrg || col < 0 || col >= f->ncols)
        return pq_errf(err, errlen, "no row group %d / column %d", rg, col);
    const pq_chunk *ch = &f->rgs[rg].chunks[col];
    reader r = {.f = f, .col = &f->cols[col], .ch = ch, .err = err, .errlen = errlen};
    if (r.col->max_rep > 0) return pq_errf(err, errlen, "'%s': repeated columns are not supported", r.col->path);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i] < 0 || rows[i] >= f->rgs[rg].num_rows || (i && rows[i] <= rows[i - 1]))
            return pq_errf(err, errlen, "rows must be ascending and inside the row group");
    if (nrows == 0) return 0;
    if (ch->codec != PQ_UNCOMPRESSED && ch->codec != PQ_SNAPPY && ch->codec != PQ_GZIP && ch->codec != PQ_ZSTD &&
        ch->codec != PQ_LZ4_RAW)
        return pq_errf(err, errlen, "'%s': codec %s is not supported", r.col->path, pq_codec_name(ch->codec));

    want w = {rows, nrows, 0, fn, user};
    int64_t pos = ch->start, end = ch->start + ch->len, row0 = 0;
    int seen_data = 0, rc = 0;
    while (w.i < nrows && !rc) {
        if (pos >= end) {
            rc = pq_errf(err, errlen, "'%s': chunk ends at row %lld of %lld", r.col->path,
                         (long long)row0, (long long)f->rgs[rg].num_rows);
            break;
        }
        pq_page_header h;
        int64_t hlen = 0;
        if ((rc = read_header_(&r, pos, end, &h, &hlen))) break;
        int64_t body = pos + hlen;
        if (h.csize > end - body) {
            rc = pq_errf(err, errlen, "'%s': page of %d bytes runs past its chunk", r.col->path, h.csize);
            break;
        }
        if ((uint64_t)h.usize > f->lim.max_page) {
            rc = pq_errf(err, errlen, "'%s': page of %d bytes is over the limit", r.col->path, h.usize);
            break;
        }
        if (h.type == PQ_PAGE_DICT) {
            if (seen_data || r.d.present || !h.has_body) {
                rc = pq_errf(err, errlen, "'%s': misplaced or second dictionary page", r.col->path);
                break;
            }
            r.d.present = 1;
            r.d.off = body;
            r.d.h = h;
        } else if (h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2) {
            seen_data = 1;
            if (!h.has_body || h.num_values < 0 || h.num_values > f->rgs[rg].num_rows - row0) {
                rc = pq_errf(err, errlen, "'%s': data page with a bad header or too many values", r.col->path);
                break;
            }
            if (rows[w.i] < row0 + h.num_values) {
                int dict_page = h.encoding == PQ_ENC_PLAIN_DICT || h.encoding == PQ_ENC_RLE_DICT;
                if (dict_page && !r.streaming && stream_dict_(&r)) r.streaming = 1;
                /* rows wait for the dictionary only while pages keep using it: order is kept */
                if (!dict_page && r.npend) rc = flush_(&r, &w);
                if (!rc) rc = decode_page_(&r, body, &h, row0, &w);
            }
            row0 += h.num_values;
        } else if (h.type != PQ_PAGE_INDEX) {
            rc = pq_errf(err, errlen, "'%s': unknown page type %d", r.col->path, h.type);
            break;
        }
        pos = body + h.csize;
    }
    if (!rc && r.npend) rc = flush_(&r, &w);
    free(r.pend);
    pq_account(f, -(int64_t)(r.d.bytes + r.vcap[0] + r.vcap[1]));
    free(r.vbuf[0]);
    free(r.vbuf[1]);
    free(r.d.buf);
    free(r.d.offs);
    free(r.d.lens);
    return rc;
}
