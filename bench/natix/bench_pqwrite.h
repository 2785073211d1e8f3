/* bench_pqwrite.h — writes the benchmark's input: a Parquet file shaped like a `datasets` 3.x
 * image shard (pyarrow defaults: SNAPPY, data page v1, 100 rows per row group, the image bytes
 * of a row group in one dictionary page + an RLE_DICTIONARY index page). Only for the bench:
 * the reader's correctness is proven against files from independent writers (tests/natix). */
#ifndef NATIX_BENCH_PQWRITE_H
#define NATIX_BENCH_PQWRITE_H

#include <stddef.h>
#include <stdint.h>

/* images[i % nimages] is row i's image; label = i % 2 (label 1 rows get a description).
 * Returns 0, or -1 with errno. */
int bench_write_parquet(const char *path, const uint8_t *const *images, const size_t *lens,
                        size_t nimages, int64_t rows, int rows_per_group);

/* The same with chosen rows (the extraction tests use it): labels[i] and descs[i] (desc_lens[i]
 * bytes, may hold NUL; NULL entry = null) for row i; NULL arrays = the defaults above. */
typedef struct bench_pq_rows {
    const int64_t *labels;
    const char *const *descs;
    const size_t *desc_lens;
} bench_pq_rows;
int bench_write_parquet_rows(const char *path, const uint8_t *const *images, const size_t *lens,
                             size_t nimages, int64_t rows, int rows_per_group, const bench_pq_rows *r);

#endif
