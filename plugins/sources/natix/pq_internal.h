/* pq_internal.h — what the files of the Parquet reader share; not for users of parquet.h. */
#ifndef NATIX_PQ_INTERNAL_H
#define NATIX_PQ_INTERNAL_H

#include "parquet.h"
#include "pq_thrift.h"

#include <stdarg.h>

typedef struct pq_chunk {
    int64_t start, len; /* byte range: dictionary page (if any) + data pages */
    int codec;
    int64_t num_values;
} pq_chunk;

typedef struct pq_rowgroup {
    int64_t num_rows;
    pq_chunk *chunks;
} pq_rowgroup;

struct pq_file {
    int fd;             /* -1 for memory files */
    const uint8_t *mem;
    int64_t size;
    int64_t data_end;   /* where the footer starts: column data lies in [4, data_end) */
    pq_limits lim;
    int64_t num_rows;
    int ncols;
    pq_column *cols;
    int ntop;
    char **top_names;
    int *top_is_group;
    int nrg;
    pq_rowgroup *rgs;
    char *created_by;
    int nkv;
    char **kv_keys, **kv_vals;
    /* scratch for page reading, reused across pages and calls */
    uint8_t *hdr;
    size_t hdr_cap;
    uint8_t *raw;
    size_t raw_cap;
    uint8_t *page;
    size_t page_cap;
    uint8_t *ebuf;      /* one streamed dictionary entry */
    size_t ebuf_cap;
    int64_t mem_now, mem_peak;
};

typedef struct pq_page_header {
    int type; /* 0 DATA_PAGE, 1 INDEX_PAGE, 2 DICTIONARY_PAGE, 3 DATA_PAGE_V2 */
    int32_t usize, csize;
    int32_t num_values;
    int encoding, def_encoding, rep_encoding;
    int32_t num_nulls, num_rows, def_len, rep_len;
    int is_compressed;
    int has_body; /* the header for `type` was present */
} pq_page_header;

enum { PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICT = 2, PQ_PAGE_DATA_V2 = 3 };
enum { PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICT = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
       PQ_ENC_DELTA_BP = 5, PQ_ENC_DELTA_LBA = 6, PQ_ENC_DELTA_BA = 7, PQ_ENC_RLE_DICT = 8 };

/* RLE / bit-packed hybrid decoder over a borrowed buffer; streams, never allocates. */
typedef struct pq_rle {
    const uint8_t *p, *end;
    int width;
    uint32_t left;
    int packed;
    uint32_t value;
    const uint8_t *run;   /* bit-packed run start */
    uint64_t run_bits;    /* bits actually present in the run */
    uint64_t bitpos;
} pq_rle;

/* DELTA_BINARY_PACKED decoder (pq_delta.c); streams, never allocates. */
#define PQ_DELTA_MAX_MINI 256
typedef struct pq_delta {
    const uint8_t *p, *end;
    uint64_t block_size, per_mini, total, done, left;
    uint32_t mini_count, mini;
    int64_t last, min_delta;
    uint8_t widths[PQ_DELTA_MAX_MINI];
    const uint8_t *run;
    uint64_t run_bits, bitpos;
} pq_delta;

int pq_delta_init(pq_delta *d, const uint8_t *p, size_t len, const char **why);
int pq_delta_next(pq_delta *d, int64_t *out, const char **why);
/* Where the stream ends (data of the byte-array encodings follows); NULL if it is cut short. */
const uint8_t *pq_delta_end(const pq_delta *d, const char **why);

void pq_rle_init(pq_rle *r, const uint8_t *p, size_t len, int width);
int pq_rle_next(pq_rle *r, uint32_t *out, const char **why);

int pq_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pq_read_at(pq_file *f, int64_t off, void *dst, size_t n, char *err, size_t errlen);
int pq_grow(pq_file *f, uint8_t **buf, size_t *cap, size_t need);
/* Track bytes held by the reader (for pq_memory_peak). */
void pq_account(pq_file *f, int64_t delta);
int pq_parse_page_header(pq_thrift *t, pq_page_header *h);
/* Decompress exactly `dstlen` bytes; dst must hold dstlen. */
int pq_decompress(int codec, const uint8_t *src, size_t srclen, uint8_t *dst, size_t dstlen,
                  char *err, size_t errlen);
/* Largest uncompressed size believable for `srclen` compressed bytes of this codec. */
uint64_t pq_max_expansion(int codec, uint64_t srclen, uint64_t cap);
const char *pq_encoding_name(int enc);

/* A page payload as a stream (pq_stream.c): compressed bytes [off, off + clen) of the file,
 * usize bytes out. read(NULL, n) skips n bytes. Returns 0, -1 with err, or PQ_STREAM_WINDOW
 * when a snappy copy reaches past the 64 KiB history (decode the page whole instead). */
#define PQ_STREAM_WINDOW 2
typedef struct pq_stream pq_stream;
pq_stream *pq_stream_open(pq_file *f, int codec, int64_t off, int64_t clen, uint64_t usize, char *err,
                          size_t errlen);
int pq_stream_read(pq_stream *s, uint8_t *dst, size_t n);
uint64_t pq_stream_pos(const pq_stream *s);
void pq_stream_close(pq_stream *s);

#endif
