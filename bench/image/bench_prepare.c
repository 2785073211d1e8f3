/* bench_prepare — challenge image preparation on one core: decode (DCT-scaled) + level-3
 * augmentation + JPEG q75 + base64, for a 4032x3024 (12 MP phone) and a 1920x1080 source.
 * Targets: <= 15 ms and <= 5 ms. The sources are made here: a synthetic street-like picture
 * (gradients, edges, fine texture) encoded as a baseline 4:2:0 JPEG at quality 92, which
 * gives a camera-like 2-3 bits per pixel, so the bench needs no fixture.
 * Prints medians over RUNS preparations (different seeds). */
#include "../bench.h"
#include "base/clock.h"
#include "image/image.h"
#include "image/synapse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 31

/* CPU time of this thread: on a shared machine, time spent descheduled does not count */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A street-like picture: sky gradient, a road of patches with edges, luminance texture
 * (+-6, shared by the channels like sensor noise after demosaicing) and some per-channel
 * grain. At quality 92 this is about 2 bits per pixel, like a phone photo. */
static void *make_source(int w, int h, size_t *len)
{
    proctor_image img;
    char err[128];
    if (pc_image_alloc(&img, w, h, 3, err, sizeof err) != PROCTOR_OK) return NULL;
    uint32_t r = 12345;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            r = r * 1664525u + 1013904223u;
            int luma = (int)(r >> 28) - 8 + (int)((r >> 20) & 3);
            int sky = y < h / 3, patch = ((x * 8 / w) * 37 + (y * 6 / h) * 53) % 90;
            for (int c = 0; c < 3; c++) {
                int v = sky ? 150 + c * 30 - y * 60 / h : 50 + patch + (x / 7 + y / 5 + c * 11) % 24;
                v += luma + (int)((r >> (2 * c + 8)) & 3);
                img.pixels[(size_t)y * img.stride + 3 * x + c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    void *out = NULL;
    if (pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 92, &out, len, err, sizeof err) != PROCTOR_OK) out = NULL;
    pc_image_free(&img);
    return out;
}

/* *scale: the decode scale (n/8) used most often */
static double median_prepare(const void *src, size_t len, const pc_augment_opts *o, int *scale,
                             double *wall_median)
{
    double t[RUNS], wall[RUNS];
    char err[256];
    int used[9] = {0};
    for (int i = 0; i < RUNS; i++) {
        pc_challenge_image c;
        double w0 = (pc_mono_s() * 1e3), t0 = now_ms();
        if (pc_challenge_image_prepare(src, len, o, 1000 + (uint64_t)i, NULL, 75, &c, err, sizeof err) != PROCTOR_OK) {
            fprintf(stderr, "prepare failed: %s\n", err);
            exit(1);
        }
        t[i] = now_ms() - t0;
        wall[i] = (pc_mono_s() * 1e3) - w0;
        used[c.scale_num]++;
        pc_challenge_image_free(&c);
    }
    bench_sort(t, RUNS);
    bench_sort(wall, RUNS);
    *wall_median = wall[RUNS / 2];
    *scale = 1;
    for (int n = 2; n <= 8; n++)
        if (used[n] > used[*scale]) *scale = n;
    return t[RUNS / 2];
}

static double median_decode(const void *src, size_t len, int min_short)
{
    double t[RUNS];
    char err[256];
    for (int i = 0; i < RUNS; i++) {
        proctor_image img;
        double t0 = now_ms();
        if (pc_image_decode(src, len, min_short, &img, NULL, err, sizeof err) != PROCTOR_OK) exit(1);
        t[i] = now_ms() - t0;
        pc_image_free(&img);
    }
    bench_sort(t, RUNS);
    return t[RUNS / 2];
}

int main(void)
{
    int sizes[2][2] = {{4032, 3024}, {1920, 1080}};
    double targets[2] = {15.0, 5.0};
    int fail = 0;
    for (int s = 0; s < 2; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        size_t len;
        void *src = make_source(w, h, &len);
        if (!src) return 1;
        pc_augment_opts o;
        pc_augment_defaults(&o);
        o.level_probs[0] = 0, o.level_probs[1] = 0, o.level_probs[2] = 0, o.level_probs[3] = 1;
        int scale = 8, scale0 = 8;
        double l3wall, l0wall;
        double l3 = median_prepare(src, len, &o, &scale, &l3wall);
        int short_side = w < h ? w : h; /* decode alone, all rows, at the usual scale */
        double dec = median_decode(src, len, scale == 8 ? 0 : (short_side * scale + 7) / 8);
        pc_augment_defaults(&o);
        o.level_probs[0] = 1, o.level_probs[1] = 0, o.level_probs[2] = 0, o.level_probs[3] = 0;
        double l0 = median_prepare(src, len, &o, &scale0, &l0wall);
        printf("prepare %dx%d (%.2f MB JPEG, %.2f bits/px), CPU-time medians of %d runs:\n"
               "  level 3: %.2f ms (wall %.2f ms; target <= %.0f ms); mostly decoded at %d/8, which alone "
               "(all rows) takes %.2f ms\n"
               "  level 0: %.2f ms (wall %.2f ms); decode at %d/8\n",
               w, h, len / 1e6, len * 8.0 / ((double)w * h), RUNS, l3, l3wall, targets[s], scale, dec,
               l0, l0wall, scale0);
        fail |= l3 > targets[s];
        free(src);
    }
    /* real photos too, when the shared fixtures are there (not needed for the bench) */
    const char *shared = getenv("PROCTOR_SHARED");
    const char *names[2] = {"indoor_cones_01.jpg", "street_05.jpg"};
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/fixtures/photos/%s", shared && *shared ? shared : "../shared", names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        unsigned char *b = n > 0 ? malloc((size_t)n) : NULL;
        if (b && fread(b, 1, (size_t)n, f) == (size_t)n) {
            pc_augment_opts o;
            pc_augment_defaults(&o);
            o.level_probs[0] = 0, o.level_probs[1] = 0, o.level_probs[2] = 0, o.level_probs[3] = 1;
            int scale = 8;
            double wall, t = median_prepare(b, (size_t)n, &o, &scale, &wall);
            printf("prepare %s (%.2f MB): level 3: %.2f ms (wall %.2f ms), decode at %d/8\n", names[i],
                   n / 1e6, t, wall, scale);
        }
        free(b);
        fclose(f);
    }
    if (fail) printf("note: above target on this machine\n");
    return 0;
}
