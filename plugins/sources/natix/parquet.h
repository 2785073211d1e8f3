/* parquet.h — pq_, a small Parquet reader: just what a dataset of images needs.
 *
 * Supported: footer + Thrift compact metadata, flat and nested (struct) columns without
 * repetition, definition levels, PLAIN / PLAIN_DICTIONARY / RLE_DICTIONARY values (RLE for
 * BOOLEAN; DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY as arrow-rs and DuckDB
 * write them in v2 pages), RLE/bit-packed hybrid levels and indices, data pages v1 and v2, codecs
 * UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW. Anything else is refused with a clear message.
 *
 * Memory: the footer is read once; column data is read one page at a time with pread, so a
 * 1 GB file never needs 1 GB of memory. A large dictionary page of byte arrays (pyarrow puts a
 * row group's images in one) is streamed: decoded in a small window, and only the entries the
 * wanted rows point at are kept, one at a time unless a later row needs an earlier entry again. Every length and offset is checked against the file and
 * against caps before anything is allocated: a corrupt or hostile file is an error, never a
 * crash or a huge allocation.
 *
 *   pq_file *f; char err[256];
 *   if (pq_open(&f, path, NULL, err, sizeof err)) fail(err);
 *   int col = pq_find_column(f, "image.bytes");
 *   int64_t rows[] = {0, 3};                        // row-group relative, ascending
 *   pq_read_rows(f, 0, col, rows, 2, on_value, user, err, sizeof err);
 *   pq_close(f);
 */
#ifndef NATIX_PARQUET_H
#define NATIX_PARQUET_H

#include <stddef.h>
#include <stdint.h>

enum { PQ_BOOLEAN = 0, PQ_INT32 = 1, PQ_INT64 = 2, PQ_INT96 = 3, PQ_FLOAT = 4, PQ_DOUBLE = 5,
       PQ_BYTE_ARRAY = 6, PQ_FIXED_LEN_BYTE_ARRAY = 7 };
enum { PQ_UNCOMPRESSED = 0, PQ_SNAPPY = 1, PQ_GZIP = 2, PQ_LZO = 3, PQ_BROTLI = 4, PQ_LZ4 = 5,
       PQ_ZSTD = 6, PQ_LZ4_RAW = 7 };

typedef struct pq_limits {
    uint64_t max_footer;     /* default 64 MiB */
    uint64_t max_page;       /* largest uncompressed page, default 1 GiB */
    uint64_t max_page_header;/* default 16 MiB (statistics can be large) */
    uint64_t stream_dict_min;/* byte-array dictionary pages from this size (default 4 MiB) are
                                streamed: only the entries the wanted rows use are kept */
} pq_limits;

typedef struct pq_column {
    char *path;       /* dotted path from the root, e.g. "image.bytes" */
    const char *name; /* the leaf name (points into path) */
    int top;          /* index of the top-level field this leaf belongs to */
    int type;         /* PQ_BOOLEAN .. PQ_FIXED_LEN_BYTE_ARRAY */
    int type_length;  /* FIXED_LEN_BYTE_ARRAY only */
    int is_string;    /* UTF8 converted type or STRING/JSON/ENUM logical type */
    int max_def, max_rep;
} pq_column;

/* One value handed to a pq_read_rows callback. Pointers are valid during the callback only. */
typedef struct pq_value {
    int is_null;      /* some level of the path is null */
    int def;          /* the definition level (max_def when not null) */
    int type;
    int64_t i;        /* BOOLEAN (0/1), INT32, INT64 */
    double d;         /* FLOAT, DOUBLE */
    const uint8_t *bytes; /* BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96 */
    size_t len;
} pq_value;

/* Return nonzero to stop reading (pq_read_rows then fails with "stopped by caller"). */
typedef int (*pq_value_fn)(void *user, int64_t row, const pq_value *v);

typedef struct pq_file pq_file;

/* limits NULL = defaults. Returns 0, or -1 with one line in err. */
int pq_open(pq_file **out, const char *path, const pq_limits *limits, char *err, size_t errlen);
/* Same, on a memory buffer (borrowed until pq_close; used by the fuzzer and tests). */
int pq_open_mem(pq_file **out, const void *buf, size_t len, const pq_limits *limits, char *err,
                size_t errlen);
void pq_close(pq_file *f);

int64_t pq_num_rows(const pq_file *f);
int pq_num_row_groups(const pq_file *f);
int64_t pq_row_group_rows(const pq_file *f, int rg);
int pq_num_columns(const pq_file *f);
const pq_column *pq_get_column(const pq_file *f, int col);
int pq_find_column(const pq_file *f, const char *dotted_path); /* -1 when absent */
int pq_num_top_fields(const pq_file *f);
const char *pq_top_field_name(const pq_file *f, int top);
int pq_top_field_is_group(const pq_file *f, int top);
const char *pq_created_by(const pq_file *f); /* "" when absent */
/* The value of a footer key/value entry, NULL when absent (e.g. "huggingface"). */
const char *pq_metadata(const pq_file *f, const char *key);
int pq_column_codec(const pq_file *f, int rg, int col);

/* Calls fn for each of `rows` (row-group relative, strictly ascending) of column `col` in row
 * group `rg`, in order. Pages holding none of the rows are skipped without decompressing.
 * Returns 0, or -1 with one line in err. */
int pq_read_rows(pq_file *f, int rg, int col, const int64_t *rows, size_t nrows, pq_value_fn fn,
                 void *user, char *err, size_t errlen);

/* Most bytes the reader held at once for this file (footer, page buffers, dictionaries). */
size_t pq_memory_peak(const pq_file *f);

const char *pq_type_name(int type);
const char *pq_codec_name(int codec);

#endif
