/* pq_stream.c — a page payload read as a stream: the compressed bytes come from the file in a
 * small window, the uncompressed bytes go out in pieces, so a dictionary page of a few hundred
 * MB (pyarrow puts a whole row group's images in one) is never held in memory, and bytes nobody
 * asked for are only decoded, never kept.
 *
 * SNAPPY and LZ4_RAW are decoded here with a 64 KiB history ring: the snappy library's
 * compressor never looks back further than its 64 KiB block, and LZ4's offsets are 16-bit.
 * A snappy copy that reaches further fails with PQ_STREAM_WINDOW and the caller decodes the
 * page whole instead. ZSTD and GZIP use their libraries' streaming decoders; UNCOMPRESSED is
 * pread (skipping is free). */
#include "pq_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define WIN_MAX (1u << 20) /* compressed bytes read per refill */
#define RING (1u << 16)
#define SCRATCH (1u << 16)

struct pq_stream {
    pq_file *f;
    int codec;
    int64_t off, end;        /* compressed bytes still in the file: [off, end) */
    uint8_t *in;             /* window: in[pos, len) not yet consumed */
    size_t pos, len, win;    /* win: its size, at most WIN_MAX */
    uint64_t usize, out;     /* declared uncompressed size, bytes produced */
    int started;
    /* snappy / lz4 */
    uint8_t *ring;
    uint64_t lit_left, copy_left, copy_off;
    int lz4_need_match;      /* lz4: literals done, the match of this sequence follows */
    /* zstd / gzip */
    ZSTD_DStream *zs;
    z_stream z;
    int z_init, z_end;
    uint8_t *scratch;        /* skipped bytes of the library decoders land here */
    char *err;
    size_t errlen;
};

static int fail_(pq_stream *s, const char *why)
{
    return pq_errf(s->err, s->errlen, "page stream: %s", why);
}

/* Make at least `need` unconsumed bytes available (fewer only at the end of the payload). */
static int fill_(pq_stream *s, size_t need)
{
    if (s->len - s->pos >= need || s->off >= s->end) return 0;
    memmove(s->in, s->in + s->pos, s->len - s->pos);
    s->len -= s->pos;
    s->pos = 0;
    size_t room = s->win - s->len;
    size_t n = (uint64_t)(s->end - s->off) < room ? (size_t)(s->end - s->off) : room;
    if (pq_read_at(s->f, s->off, s->in + s->len, n, s->err, s->errlen)) return -1;
    s->off += (int64_t)n;
    s->len += n;
    return 0;
}

pq_stream *pq_stream_open(pq_file *f, int codec, int64_t off, int64_t clen, uint64_t usize, char *err,
                          size_t errlen)
{
    if (codec != PQ_UNCOMPRESSED && codec != PQ_SNAPPY && codec != PQ_LZ4_RAW && codec != PQ_ZSTD &&
        codec != PQ_GZIP) {
        pq_errf(err, errlen, "codec %s cannot be streamed", pq_codec_name(codec));
        return NULL;
    }
    pq_stream *s = calloc(1, sizeof *s);
    if (!s) return pq_errf(err, errlen, "out of memory"), NULL;
    s->f = f, s->codec = codec, s->off = off, s->end = off + clen, s->usize = usize;
    s->err = err, s->errlen = errlen;
    if (codec == PQ_UNCOMPRESSED) {
        if ((uint64_t)clen != usize) {
            pq_errf(err, errlen, "uncompressed page of %lld bytes, header says %llu", (long long)clen,
                    (unsigned long long)usize);
            free(s);
            return NULL;
        }
        return s;
    }
    s->win = (uint64_t)clen + 16 < WIN_MAX ? (size_t)clen + 16 : WIN_MAX; /* small pages, small window */
    s->in = malloc(s->win);
    if (codec == PQ_SNAPPY || codec == PQ_LZ4_RAW) s->ring = malloc(RING);
    else s->scratch = malloc(SCRATCH);
    int bad = !s->in || (!s->ring && !s->scratch);
    if (!bad && codec == PQ_ZSTD) bad = !(s->zs = ZSTD_createDStream()) || ZSTD_isError(ZSTD_initDStream(s->zs));
    if (!bad && codec == PQ_GZIP) bad = inflateInit2(&s->z, 15 + 32) != Z_OK, s->z_init = !bad;
    if (bad) {
        pq_errf(err, errlen, "out of memory for a page stream");
        pq_stream_close(s);
        return NULL;
    }
    pq_account(f, (int64_t)(s->win + RING));
    return s;
}

void pq_stream_close(pq_stream *s)
{
    if (!s) return;
    if (s->in) pq_account(s->f, -(int64_t)(s->win + RING));
    free(s->in);
    free(s->ring);
    free(s->scratch);
    if (s->zs) ZSTD_freeDStream(s->zs);
    if (s->z_init) inflateEnd(&s->z);
    free(s);
}

uint64_t pq_stream_pos(const pq_stream *s) { return s->out; }

/* ---- snappy / lz4: tags from the window, history in the ring ------------------------------ */

static void ring_put_(pq_stream *s, const uint8_t *p, size_t n)
{
    if (n >= RING) p += n - RING, s->out += n - RING, n = RING; /* only the last 64 KiB matter */
    size_t at = (size_t)(s->out & (RING - 1)), first = RING - at < n ? RING - at : n;
    memcpy(s->ring + at, p, first);
    memcpy(s->ring, p + first, n - first);
    s->out += n;
}

/* Produce up to n bytes of the pending literal or copy into dst (NULL: drop). */
static size_t emit_(pq_stream *s, uint8_t *dst, size_t n)
{
    if (s->lit_left) {
        size_t m = s->len - s->pos;
        if (m > s->lit_left) m = (size_t)s->lit_left;
        if (m > n) m = n;
        if (dst) memcpy(dst, s->in + s->pos, m);
        ring_put_(s, s->in + s->pos, m);
        s->pos += m;
        s->lit_left -= m;
        return m;
    }
    size_t m = s->copy_left < n ? (size_t)s->copy_left : n;
    for (size_t i = 0; i < m; i++) { /* byte by byte: the source may overlap what is written */
        uint8_t b = s->ring[(s->out - s->copy_off) & (RING - 1)];
        s->ring[s->out & (RING - 1)] = b;
        s->out++;
        if (dst) dst[i] = b;
    }
    s->copy_left -= m;
    return m;
}

static int start_copy_(pq_stream *s, uint64_t off, uint64_t len)
{
    if (off == 0 || off > s->out) return fail_(s, "copy offset before the start of the page");
    if (off > RING) return PQ_STREAM_WINDOW;
    if (len > s->usize - s->out) return fail_(s, "copy past the declared page size");
    s->copy_off = off, s->copy_left = len;
    return 0;
}

static int snappy_tag_(pq_stream *s)
{
    if (!s->started) {
        if (fill_(s, 10)) return -1;
        uint64_t v = 0;
        int shift = 0;
        while (1) {
            if (s->pos >= s->len || shift > 28) return fail_(s, "bad snappy length header");
            uint8_t b = s->in[s->pos++];
            v |= (uint64_t)(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
            shift += 7;
        }
        if (v != s->usize) return fail_(s, "snappy length header disagrees with the page header");
        s->started = 1;
    }
    if (fill_(s, 5)) return -1;
    if (s->pos >= s->len) return fail_(s, "snappy data ends early");
    uint8_t tag = s->in[s->pos++];
    size_t have = s->len - s->pos;
    switch (tag & 3) {
    case 0: {
        uint64_t n = tag >> 2;
        if (n >= 60) {
            size_t k = n - 59;
            if (have < k) return fail_(s, "snappy literal length cut");
            n = 0;
            for (size_t i = 0; i < k; i++) n |= (uint64_t)s->in[s->pos + i] << (8 * i);
            s->pos += k;
        }
        n += 1;
        if (n > s->usize - s->out) return fail_(s, "literal past the declared page size");
        s->lit_left = n;
        return 0;
    }
    case 1:
        if (have < 1) return fail_(s, "snappy copy cut");
        return start_copy_(s, (uint64_t)(tag >> 5) << 8 | s->in[s->pos++], ((tag >> 2) & 7) + 4);
    case 2: {
        if (have < 2) return fail_(s, "snappy copy cut");
        uint64_t off = (uint64_t)s->in[s->pos] | (uint64_t)s->in[s->pos + 1] << 8;
        s->pos += 2;
        return start_copy_(s, off, (tag >> 2) + 1);
    }
    default: {
        if (have < 4) return fail_(s, "snappy copy cut");
        uint64_t off = 0;
        for (int i = 0; i < 4; i++) off |= (uint64_t)s->in[s->pos + i] << (8 * i);
        s->pos += 4;
        return start_copy_(s, off, (tag >> 2) + 1);
    }
    }
}

/* LZ4 block: token, [literal length bytes], literals, offset (2), [match length bytes]. */
static int lz4_len_(pq_stream *s, uint64_t *n)
{
    while (1) {
        if (fill_(s, 1)) return -1;
        if (s->pos >= s->len) return fail_(s, "LZ4 length cut");
        uint8_t b = s->in[s->pos++];
        *n += b;
        if (*n > s->usize) return fail_(s, "LZ4 length past the page");
        if (b != 255) return 0;
    }
}

static int lz4_tag_(pq_stream *s)
{
    if (s->lz4_need_match) {
        /* the last sequence has literals only: it ends exactly at the end of the page */
        if (s->out == s->usize) return fail_(s, "LZ4 data after the end of the page");
        if (fill_(s, 2)) return -1;
        if (s->len - s->pos < 2) return fail_(s, "LZ4 offset cut");
        uint64_t off = (uint64_t)s->in[s->pos] | (uint64_t)s->in[s->pos + 1] << 8;
        s->pos += 2;
        uint64_t ml = s->copy_off; /* the token's match nibble, parked here */
        if (ml == 15 && lz4_len_(s, &ml)) return -1;
        s->lz4_need_match = 0;
        return start_copy_(s, off, ml + 4);
    }
    if (fill_(s, 1)) return -1;
    if (s->pos >= s->len) return fail_(s, "LZ4 data ends early");
    uint8_t tok = s->in[s->pos++];
    uint64_t ll = tok >> 4;
    if (ll == 15 && lz4_len_(s, &ll)) return -1;
    if (ll > s->usize - s->out) return fail_(s, "LZ4 literals past the page");
    s->lit_left = ll;
    s->copy_off = tok & 15;
    s->lz4_need_match = 1;
    return 0;
}

/* ---- zstd / gzip ------------------------------------------------------------------------- */

static int lib_read_(pq_stream *s, uint8_t *dst, size_t n)
{
    while (n) {
        uint8_t *o = dst ? dst : s->scratch;
        size_t want = dst ? n : (n < SCRATCH ? n : SCRATCH), made = 0;
        if (fill_(s, 1)) return -1;
        if (s->codec == PQ_ZSTD) {
            ZSTD_inBuffer ib = {s->in, s->len, s->pos};
            ZSTD_outBuffer ob = {o, want, 0};
            size_t r = ZSTD_decompressStream(s->zs, &ob, &ib);
            if (ZSTD_isError(r)) return pq_errf(s->err, s->errlen, "zstd page: %s", ZSTD_getErrorName(r));
            int stuck = ib.pos == s->pos && ob.pos == 0;
            s->pos = ib.pos;
            made = ob.pos;
            if (stuck && s->pos >= s->len) return fail_(s, "zstd data ends early");
        } else {
            if (s->z_end) {
                /* concatenated gzip members */
                if (s->pos >= s->len) return fail_(s, "gzip data ends early");
                if (inflateReset(&s->z) != Z_OK) return fail_(s, "gzip reset failed");
                s->z_end = 0;
            }
            size_t avail = s->len - s->pos;
            s->z.next_in = s->in + s->pos;
            s->z.avail_in = (uInt)avail;
            s->z.next_out = o;
            s->z.avail_out = (uInt)(want > (1u << 30) ? (1u << 30) : want);
            uInt ao = s->z.avail_out;
            int zr = inflate(&s->z, Z_NO_FLUSH);
            s->pos += avail - s->z.avail_in;
            made = ao - s->z.avail_out;
            if (zr == Z_STREAM_END) s->z_end = 1;
            else if (zr != Z_OK && !(zr == Z_BUF_ERROR && made)) return fail_(s, "gzip data is corrupt");
            if (!made && zr != Z_STREAM_END && s->pos >= s->len) return fail_(s, "gzip data ends early");
        }
        if (made > s->usize - s->out) return fail_(s, "page decompresses past its declared size");
        s->out += made;
        n -= made;
        if (dst) dst += made;
    }
    return 0;
}

/* ---- the one entry point ----------------------------------------------------------------- */

int pq_stream_read(pq_stream *s, uint8_t *dst, size_t n)
{
    if (n > s->usize - s->out) return fail_(s, "read past the declared page size");
    if (s->codec == PQ_UNCOMPRESSED) {
        if (dst && pq_read_at(s->f, s->off, dst, n, s->err, s->errlen)) return -1;
        s->off += (int64_t)n;
        s->out += n;
        return 0;
    }
    if (s->codec == PQ_ZSTD || s->codec == PQ_GZIP) return lib_read_(s, dst, n);
    while (n) {
        if (!s->lit_left && !s->copy_left) {
            int rc = s->codec == PQ_SNAPPY ? snappy_tag_(s) : lz4_tag_(s);
            if (rc) return rc;
            continue;
        }
        if (s->lit_left && s->pos >= s->len) {
            if (fill_(s, 1)) return -1;
            if (s->pos >= s->len) return fail_(s, "literal cut by the end of the page");
        }
        size_t m = emit_(s, dst, n);
        n -= m;
        if (dst) dst += m;
    }
    return 0;
}
