/* fuzz_parquet.c — libFuzzer target for the pq_ reader (footer, Thrift, pages, codecs,
 * levels, dictionaries, streamed dictionaries: every input is read with dictionaries decoded
 * whole and again with every byte-array dictionary streamed). Built and run by `make fuzz-smoke` (plugins/sources/natix/module.mk),
 * seeded with the Parquet fixtures of tests/natix. Any crash, sanitizer report or leak is a bug. */
#include "../parquet.h"

#include <stdlib.h>

static int sink(void *user, int64_t row, const pq_value *v)
{
    (void)row;
    if (!v->is_null && v->bytes && v->len) *(volatile uint8_t *)user ^= v->bytes[v->len - 1];
    return 0;
}

static void read_all(const uint8_t *data, size_t size, const pq_limits *lim);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int pass = 0; pass < 2; pass++) {
        pq_limits lim = {1u << 20, 64u << 20, 1u << 20, pass ? 1 : UINT64_MAX};
        read_all(data, size, &lim);
    }
    return 0;
}

static void read_all(const uint8_t *data, size_t size, const pq_limits *lim)
{
    pq_file *f;
    char err[256];
    if (pq_open_mem(&f, data, size, lim, err, sizeof err)) return;
    enum { MAXROWS = 4096 };
    static int64_t rows[MAXROWS];
    volatile uint8_t acc = 0;
    for (int g = 0; g < pq_num_row_groups(f) && g < 64; g++) {
        int64_t n = pq_row_group_rows(f, g);
        if (n > MAXROWS) n = MAXROWS;
        for (int64_t i = 0; i < n; i++) rows[i] = i;
        for (int c = 0; c < pq_num_columns(f) && c < 64; c++) {
            pq_read_rows(f, g, c, rows, (size_t)n, sink, (void *)&acc, err, sizeof err);
            /* a sparse read takes the page-skipping path */
            if (n > 2) {
                int64_t two[2] = {1, n - 1};
                pq_read_rows(f, g, c, two, 2, sink, (void *)&acc, err, sizeof err);
            }
        }
    }
    pq_close(f);
}
