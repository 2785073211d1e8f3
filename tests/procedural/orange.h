/* orange.h — the tests' notion of "traffic-cone orange": bright, strongly red-over-green,
 * almost no blue. Yellow taxis, red cars, brick and autumn leaves fall outside it. */
#ifndef TEST_ORANGE_H
#define TEST_ORANGE_H

#include "proctor.h"

static inline int is_cone_orange(const uint8_t *p)
{
    int r = p[0], g = p[1], b = p[2];
    return r >= 150 && g * 100 >= r * 25 && g * 100 <= r * 58 && b * 100 <= r * 30 && r - g >= 70;
}

static inline long count_orange(const proctor_image *im)
{
    long n = 0;
    for (int y = 0; y < im->height; y++)
        for (int x = 0; x < im->width; x++) n += is_cone_orange(im->pixels + (size_t)y * im->stride + (size_t)x * 3);
    return n;
}

/* mean absolute difference per channel value of two same-sized images */
static inline double mean_abs_diff(const proctor_image *a, const proctor_image *b)
{
    double sum = 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width * 3; x++) {
            int d = a->pixels[(size_t)y * a->stride + x] - b->pixels[(size_t)y * b->stride + x];
            sum += d < 0 ? -d : d;
        }
    return sum / ((double)a->width * a->height * 3);
}

#endif
