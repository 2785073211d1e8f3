/* pq_delta.c — DELTA_BINARY_PACKED (Encodings.md), the base of DELTA_LENGTH_BYTE_ARRAY and
 * DELTA_BYTE_ARRAY, which arrow-rs and DuckDB write in v2 pages. Streams one value at a time;
 * pq_delta_end finds where a stream stops (the byte-array encodings put data after it) by
 * walking whole miniblocks, so a stream that claims billions of values costs only its bytes. */
#include "pq_internal.h"

#include <string.h>

static int uvar_(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return -1;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

static int zvar_(const uint8_t **p, const uint8_t *end, int64_t *out)
{
    uint64_t u;
    if (uvar_(p, end, &u)) return -1;
    *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return 0;
}

int pq_delta_init(pq_delta *d, const uint8_t *p, size_t len, const char **why)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->end = p + len;
    uint64_t bs, mc, total;
    int64_t first;
    if (uvar_(&d->p, d->end, &bs) || uvar_(&d->p, d->end, &mc) || uvar_(&d->p, d->end, &total) ||
        zvar_(&d->p, d->end, &first))
        return *why = "delta header ends early", -1;
    if (mc == 0 || mc > PQ_DELTA_MAX_MINI || bs == 0 || bs > (1u << 20) || bs % mc || (bs / mc) % 8)
        return *why = "delta header: bad block or miniblock size", -1;
    d->block_size = bs;
    d->mini_count = (uint32_t)mc;
    d->per_mini = bs / mc;
    d->total = total;
    d->last = first;
    d->mini = d->mini_count; /* no block read yet */
    return 0;
}

static int block_(pq_delta *d, const char **why)
{
    if (zvar_(&d->p, d->end, &d->min_delta)) return *why = "delta block ends early", -1;
    if ((size_t)(d->end - d->p) < d->mini_count) return *why = "delta bit widths end early", -1;
    memcpy(d->widths, d->p, d->mini_count);
    d->p += d->mini_count;
    d->mini = 0;
    return 0;
}

/* Step to the next miniblock (reading a block header first when the block is used up); its
 * bytes may be cut short at the end of the data, which is checked when a value is read. */
static int mini_(pq_delta *d, const char **why)
{
    if (d->mini + 1 >= d->mini_count) {
        if (block_(d, why)) return -1;
    } else {
        d->mini++;
    }
    uint8_t w = d->widths[d->mini];
    if (w > 64) return *why = "delta bit width above 64", -1;
    uint64_t bytes = d->per_mini * w / 8, have = (uint64_t)(d->end - d->p);
    d->run = d->p;
    d->run_bits = (bytes < have ? bytes : have) * 8;
    d->p += bytes < have ? bytes : have;
    d->bitpos = 0;
    d->left = d->per_mini;
    return 0;
}

int pq_delta_next(pq_delta *d, int64_t *out, const char **why)
{
    if (d->done >= d->total) return *why = "delta stream has fewer values than the page", -1;
    if (d->done++ == 0) {
        *out = d->last;
        return 0;
    }
    if (d->left == 0 && mini_(d, why)) return -1;
    uint8_t w = d->widths[d->mini];
    if (d->bitpos + w > d->run_bits) return *why = "delta miniblock ends early", -1;
    uint64_t v = 0;
    int got = 0;
    while (got < w) {
        uint64_t bit = d->bitpos + (uint64_t)got;
        int off = (int)(bit & 7), take = 8 - off < w - got ? 8 - off : w - got;
        v |= (uint64_t)((d->run[bit >> 3] >> off) & ((1u << take) - 1)) << got;
        got += take;
    }
    d->bitpos += w;
    d->left--;
    /* wrapping arithmetic, as the writers do */
    d->last = (int64_t)((uint64_t)d->last + (uint64_t)d->min_delta + v);
    *out = d->last;
    return 0;
}

const uint8_t *pq_delta_end(const pq_delta *start, const char **why)
{
    pq_delta d = *start;
    if (d.total <= 1) return d.p;
    uint64_t need = d.total - 1; /* deltas after the first value */
    while (need) {
        if (block_(&d, why)) return NULL;
        for (uint32_t m = 0; m < d.mini_count && need; m++) {
            if (d.widths[m] > 64) return *why = "delta bit width above 64", NULL;
            uint64_t bytes = d.per_mini * d.widths[m] / 8;
            if (bytes > (uint64_t)(d.end - d.p)) return *why = "delta miniblock past the data", NULL;
            d.p += bytes;
            need = need > d.per_mini ? need - d.per_mini : 0;
        }
    }
    return d.p;
}
