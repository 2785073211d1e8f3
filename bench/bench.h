/* bench.h — what every benchmark shares: sorting samples and taking their median.
 * Clocks come from core/clock.h (pc_mono_s). */
#ifndef PROCTOR_BENCH_H
#define PROCTOR_BENCH_H

#include <stdlib.h>

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline void bench_sort(double *v, size_t n) { qsort(v, n, sizeof *v, bench_cmp_double); }

/* Sorts v; the middle value, or the mean of the two middle values. */
static inline double bench_median(double *v, size_t n)
{
    bench_sort(v, n);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
