/* pq_page.c — the pieces of a Parquet page: its Thrift header, the codecs, and the
 * RLE/bit-packed hybrid stream that carries levels and dictionary indices (Encodings.md). */
#include "pq_internal.h"

#include <limits.h>
#include <lz4.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* ---- page header -------------------------------------------------------------------------- */

static void parse_data_v1_(pq_thrift *t, pq_page_header *h)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    unsigned req = 0;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) h->num_values = pq_thrift_i32(t), req |= 1;
        else if (id == 2 && ft == PQ_T_I32) h->encoding = pq_thrift_i32(t), req |= 2;
        else if (id == 3 && ft == PQ_T_I32) h->def_encoding = pq_thrift_i32(t);
        else if (id == 4 && ft == PQ_T_I32) h->rep_encoding = pq_thrift_i32(t);
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
    if (!t->err && req != 3) pq_thrift_fail(t, PQ_TE_CORRUPT, "data page header lacks num_values/encoding");
}

static void parse_data_v2_(pq_thrift *t, pq_page_header *h)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    unsigned req = 0;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) h->num_values = pq_thrift_i32(t), req |= 1;
        else if (id == 2 && ft == PQ_T_I32) h->num_nulls = pq_thrift_i32(t), req |= 2;
        else if (id == 3 && ft == PQ_T_I32) h->num_rows = pq_thrift_i32(t), req |= 4;
        else if (id == 4 && ft == PQ_T_I32) h->encoding = pq_thrift_i32(t), req |= 8;
        else if (id == 5 && ft == PQ_T_I32) h->def_len = pq_thrift_i32(t), req |= 16;
        else if (id == 6 && ft == PQ_T_I32) h->rep_len = pq_thrift_i32(t), req |= 32;
        else if (id == 7 && (ft == PQ_T_TRUE || ft == PQ_T_FALSE)) h->is_compressed = ft == PQ_T_TRUE;
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
    if (!t->err && req != 63) pq_thrift_fail(t, PQ_TE_CORRUPT, "data page v2 header incomplete");
}

static void parse_dict_(pq_thrift *t, pq_page_header *h)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    unsigned req = 0;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) h->num_values = pq_thrift_i32(t), req |= 1;
        else if (id == 2 && ft == PQ_T_I32) h->encoding = pq_thrift_i32(t), req |= 2;
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
    if (!t->err && req != 3) pq_thrift_fail(t, PQ_TE_CORRUPT, "dictionary page header incomplete");
}

int pq_parse_page_header(pq_thrift *t, pq_page_header *h)
{
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->is_compressed = 1;
    h->def_encoding = h->rep_encoding = PQ_ENC_RLE;
    int16_t last = 0, id;
    int ft;
    unsigned req = 0;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) h->type = pq_thrift_i32(t), req |= 1;
        else if (id == 2 && ft == PQ_T_I32) h->usize = pq_thrift_i32(t), req |= 2;
        else if (id == 3 && ft == PQ_T_I32) h->csize = pq_thrift_i32(t), req |= 4;
        else if (id == 5 && ft == PQ_T_STRUCT && h->type == PQ_PAGE_DATA) parse_data_v1_(t, h), h->has_body = 1;
        else if (id == 7 && ft == PQ_T_STRUCT && h->type == PQ_PAGE_DICT) parse_dict_(t, h), h->has_body = 1;
        else if (id == 8 && ft == PQ_T_STRUCT && h->type == PQ_PAGE_DATA_V2) parse_data_v2_(t, h), h->has_body = 1;
        else pq_thrift_skip(t, ft);
    }
    if (t->err) return -1;
    if (req != 7) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "page header lacks type or sizes");
        return -1;
    }
    if (h->usize < 0 || h->csize < 0) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "negative page size");
        return -1;
    }
    return 0;
}

/* ---- codecs ------------------------------------------------------------------------------- */

uint64_t pq_max_expansion(int codec, uint64_t srclen, uint64_t cap)
{
    /* The most output a codec can make from srclen bytes: snappy's best op turns 3 bytes into 64;
     * deflate tops out near 1032:1. zstd can go further (RLE blocks), but real Parquet pages do
     * not; below 16 MiB any size is allowed so constant columns still read. */
    uint64_t m;
    switch (codec) {
    case PQ_UNCOMPRESSED: m = srclen; break;
    case PQ_SNAPPY: m = srclen * 22 + 64; break;
    case PQ_GZIP: m = srclen * 1100 + 1024; break;
    default: m = srclen * 4096 + 1024; break;
    }
    if (codec != PQ_UNCOMPRESSED && m < (16u << 20)) m = 16u << 20;
    return m < cap ? m : cap;
}

static int gunzip_(const uint8_t *src, size_t srclen, uint8_t *dst, size_t dstlen, char *err, size_t errlen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) return pq_errf(err, errlen, "zlib init failed");
    size_t in = 0, out = 0;
    int rc = 0;
    while (1) {
        /* feed in slices: avail_in/out are 32-bit */
        z.next_in = (Bytef *)(src + in);
        z.avail_in = (uInt)((srclen - in) > (1u << 30) ? (1u << 30) : (srclen - in));
        z.next_out = dst + out;
        z.avail_out = (uInt)((dstlen - out) > (1u << 30) ? (1u << 30) : (dstlen - out));
        uInt ai = z.avail_in, ao = z.avail_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        in += ai - z.avail_in;
        out += ao - z.avail_out;
        if (zr == Z_STREAM_END) {
            if (in == srclen) break;
            if (inflateReset(&z) != Z_OK) { rc = -1; break; } /* concatenated gzip members */
            continue;
        }
        if (zr != Z_OK || (ai == z.avail_in && ao == z.avail_out)) {
            rc = pq_errf(err, errlen, "gzip data is corrupt or longer than the page (%s)",
                         z.msg ? z.msg : "no progress");
            break;
        }
    }
    inflateEnd(&z);
    if (!rc && out != dstlen)
        rc = pq_errf(err, errlen, "gzip page decompressed to %zu bytes, header says %zu", out, dstlen);
    return rc;
}

int pq_decompress(int codec, const uint8_t *src, size_t srclen, uint8_t *dst, size_t dstlen,
                  char *err, size_t errlen)
{
    switch (codec) {
    case PQ_UNCOMPRESSED:
        if (srclen != dstlen)
            return pq_errf(err, errlen, "uncompressed page of %zu bytes, header says %zu", srclen, dstlen);
        memcpy(dst, src, srclen);
        return 0;
    case PQ_SNAPPY: {
        size_t n;
        if (snappy_uncompressed_length((const char *)src, srclen, &n) != SNAPPY_OK || n != dstlen)
            return pq_errf(err, errlen, "snappy page: bad length header");
        if (snappy_uncompress((const char *)src, srclen, (char *)dst, &n) != SNAPPY_OK || n != dstlen)
            return pq_errf(err, errlen, "snappy page is corrupt");
        return 0;
    }
    case PQ_GZIP:
        return gunzip_(src, srclen, dst, dstlen, err, errlen);
    case PQ_ZSTD: {
        size_t n = ZSTD_decompress(dst, dstlen, src, srclen);
        if (ZSTD_isError(n)) return pq_errf(err, errlen, "zstd page: %s", ZSTD_getErrorName(n));
        if (n != dstlen)
            return pq_errf(err, errlen, "zstd page decompressed to %zu bytes, header says %zu", n, dstlen);
        return 0;
    }
    case PQ_LZ4_RAW: {
        /* a bare LZ4 block (what Parquet calls LZ4_RAW; the older framed LZ4 = 5 is refused) */
        if (srclen > INT_MAX || dstlen > INT_MAX) return pq_errf(err, errlen, "LZ4_RAW page too large");
        int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)srclen, (int)dstlen);
        if (n < 0) return pq_errf(err, errlen, "LZ4_RAW page is corrupt");
        if ((size_t)n != dstlen)
            return pq_errf(err, errlen, "LZ4_RAW page decompressed to %d bytes, header says %zu", n, dstlen);
        return 0;
    }
    default:
        return pq_errf(err, errlen, "codec %s is not supported", pq_codec_name(codec));
    }
}

const char *pq_encoding_name(int enc)
{
    static const char *n[] = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
                              "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
                              "RLE_DICTIONARY", "BYTE_STREAM_SPLIT", "ALP"};
    return enc >= 0 && enc < 11 ? n[enc] : "unknown";
}

/* ---- RLE / bit-packed hybrid ---------------------------------------------------------------- */

void pq_rle_init(pq_rle *r, const uint8_t *p, size_t len, int width)
{
    static const uint8_t none[1];
    memset(r, 0, sizeof *r);
    if (!p) p = none, len = 0; /* a column without levels: NULL + 0 is undefined in C */
    r->p = p;
    r->end = p + len;
    r->width = width;
}

int pq_rle_next(pq_rle *r, uint32_t *out, const char **why)
{
    while (r->left == 0) {
        uint64_t h = 0;
        int shift = 0;
        while (1) {
            if (r->p >= r->end) return *why = "RLE stream ends early", -1;
            uint8_t b = *r->p++;
            h |= (uint64_t)(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
            if ((shift += 7) > 28) return *why = "RLE run header too long", -1;
        }
        if (h & 1) {
            uint64_t groups = h >> 1;
            if (groups == 0) return *why = "empty bit-packed run", -1;
            uint64_t bytes = groups * (uint64_t)r->width;
            uint64_t have = (uint64_t)(r->end - r->p);
            /* A last run may claim more groups than the stream holds (writers pad); values past
             * the real bytes are an error only if someone asks for them. */
            if (bytes > have) bytes = have;
            r->run = r->p;
            r->run_bits = bytes * 8;
            r->bitpos = 0;
            r->p += bytes;
            r->packed = 1;
            r->left = groups * 8 > UINT32_MAX ? UINT32_MAX : (uint32_t)(groups * 8);
        } else {
            uint64_t count = h >> 1;
            if (count == 0) return *why = "empty RLE run", -1;
            size_t nb = ((size_t)r->width + 7) / 8;
            if ((size_t)(r->end - r->p) < nb) return *why = "RLE run value past the end", -1;
            uint32_t v = 0;
            for (size_t i = 0; i < nb; i++) v |= (uint32_t)r->p[i] << (8 * i);
            r->p += nb;
            if (r->width < 32 && (v >> r->width)) return *why = "RLE value wider than the bit width", -1;
            r->value = v;
            r->packed = 0;
            r->left = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
        }
    }
    r->left--;
    if (!r->packed) {
        *out = r->value;
        return 0;
    }
    if (r->bitpos + (uint64_t)r->width > r->run_bits) return *why = "bit-packed run ends early", -1;
    uint64_t v = 0;
    uint64_t bit = r->bitpos;
    size_t byte = (size_t)(bit >> 3);
    int shift = (int)(bit & 7);
    int got = 0;
    while (got < r->width + shift) {
        v |= (uint64_t)r->run[byte++] << got;
        got += 8;
    }
    v >>= shift;
    *out = r->width == 32 ? (uint32_t)v : (uint32_t)(v & ((1u << r->width) - 1));
    r->bitpos += (uint64_t)r->width;
    return 0;
}
