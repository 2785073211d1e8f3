/* common.h — helpers shared by the tests/image programs. */
#ifndef TEST_IMAGE_COMMON_H
#define TEST_IMAGE_COMMON_H

#include "image/image.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The synthetic test picture; make_reference.py computes the same one with numpy. */
static inline void pattern(proctor_image *img, int w, int h, int salt)
{
    char err[128];
    if (pc_image_alloc(img, w, h, 3, err, sizeof err) != PROCTOR_OK) {
        fprintf(stderr, "pattern: %s\n", err);
        exit(1);
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                img->pixels[(size_t)y * img->stride + x * 3 + c] =
                    (uint8_t)((x * 73 + y * 151 + c * 29 + ((x * y + salt) % 17) * 11 + salt * 7) % 256);
}

static inline unsigned long long fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* fnv1a of the pixels row by row (ignores any stride padding) */
static inline unsigned long long image_fnv(const proctor_image *img)
{
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (int y = 0; y < img->height; y++) {
        const unsigned char *r = img->pixels + (size_t)y * img->stride;
        for (int i = 0; i < img->width * img->channels; i++) {
            h ^= r[i];
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}

static inline unsigned char *read_all(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* ../shared/fixtures/photos (PROCTOR_SHARED overrides ../shared); NULL when absent */
static inline const char *photos_dir(void)
{
    static char dir[1024];
    const char *shared = getenv("PROCTOR_SHARED");
    snprintf(dir, sizeof dir, "%s/fixtures/photos", shared && *shared ? shared : "../shared");
    FILE *f;
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/roadwork_01.jpg", dir);
    if (!(f = fopen(probe, "rb"))) return NULL;
    fclose(f);
    return dir;
}

#endif
