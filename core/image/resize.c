/* resize.c — PIL-exact 8-bit bilinear resize and torch-style float resize. See resize.h.
 *
 * The filter (PIL's "support scaling"): for output pixel i the source centre is
 * (i + 0.5) * scale with scale = in/out; the triangle filter is stretched by max(scale, 1)
 * so a downscale averages over all the source pixels it covers (antialiasing); weights are
 * normalised over the source pixels that exist, which handles the borders. */
/* Built with -ftree-vectorize and -ffp-contract=off (core/image/module.mk): vectorising
 * changes no result (integer sums are exact, no float sum is reordered), and a*b+c stays two
 * roundings, as numpy and torch compute it, even with -march=native or clang. */
#include "image/image.h"
#include "image/resize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 8-bit, Pillow's Resample.c --------------------------------------------------------- */

#define PREC_BITS (32 - 8 - 2) /* Pillow's PRECISION_BITS for 8-bit images */

typedef struct coeffs8 {
    int ksize;
    int *bounds; /* per output pixel: first source index, count */
    int *k;      /* per output pixel: ksize fixed-point weights */
} coeffs8;

static double tri(double x)
{
    if (x < 0.0) x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

static int coeffs8_make(int in_size, int out_size, coeffs8 *c)
{
    double scale = (double)in_size / out_size, filterscale = scale < 1.0 ? 1.0 : scale;
    double support = 1.0 * filterscale;
    int ksize = (int)ceil(support) * 2 + 1;
    c->ksize = ksize;
    c->bounds = malloc(sizeof(int) * 2 * (size_t)out_size);
    c->k = malloc(sizeof(int) * (size_t)ksize * out_size);
    double *w = malloc(sizeof(double) * (size_t)ksize);
    if (!c->bounds || !c->k || !w) {
        free(c->bounds);
        free(c->k);
        free(w);
        return 0;
    }
    for (int xx = 0; xx < out_size; xx++) {
        double center = (xx + 0.5) * scale, ww = 0.0, ss = 1.0 / filterscale;
        int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
        if (xmin < 0) xmin = 0;
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;
        int x = 0;
        for (; x < xmax; x++) {
            w[x] = tri((x + xmin - center + 0.5) * ss);
            ww += w[x];
        }
        int *k = c->k + (size_t)xx * ksize;
        for (x = 0; x < xmax; x++) {
            double v = ww != 0.0 ? w[x] / ww : w[x];
            k[x] = v < 0 ? (int)(-0.5 + v * (1 << PREC_BITS)) : (int)(0.5 + v * (1 << PREC_BITS));
        }
        for (; x < ksize; x++) k[x] = 0;
        c->bounds[2 * xx] = xmin;
        c->bounds[2 * xx + 1] = xmax;
    }
    free(w);
    return 1;
}

static void coeffs8_free(coeffs8 *c)
{
    free(c->bounds);
    free(c->k);
}

static inline uint8_t clip8(int v)
{
    v >>= PREC_BITS;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* rows [y0, y0 + rows) of in -> rows [0, rows) of out */
static void pass_h8(const proctor_image *in, int y0, int rows, proctor_image *out,
                    const coeffs8 *c)
{
    int ch = in->channels;
    for (int y = 0; y < rows; y++) {
        const uint8_t *src = in->pixels + (size_t)(y + y0) * in->stride;
        uint8_t *dst = out->pixels + (size_t)y * out->stride;
        for (int xx = 0; xx < out->width; xx++) {
            int xmin = c->bounds[2 * xx], n = c->bounds[2 * xx + 1];
            const int *k = c->k + (size_t)xx * c->ksize;
            for (int b = 0; b < ch; b++) {
                int ss = 1 << (PREC_BITS - 1);
                for (int x = 0; x < n; x++) ss += src[(x + xmin) * ch + b] * k[x];
                dst[xx * ch + b] = clip8(ss);
            }
        }
    }
}

static void pass_v8(const proctor_image *in, proctor_image *out, const coeffs8 *c, int shift)
{
    int ch = in->channels, rowlen = out->width * ch;
    for (int yy = 0; yy < out->height; yy++) {
        int ymin = c->bounds[2 * yy] - shift, n = c->bounds[2 * yy + 1];
        const int *k = c->k + (size_t)yy * c->ksize;
        uint8_t *dst = out->pixels + (size_t)yy * out->stride;
        for (int i = 0; i < rowlen; i++) {
            int ss = 1 << (PREC_BITS - 1);
            for (int y = 0; y < n; y++) ss += in->pixels[(size_t)(y + ymin) * in->stride + i] * k[y];
            dst[i] = clip8(ss);
        }
    }
}

proctor_status pc_image_resize(const proctor_image *in, int width, int height,
                               proctor_image *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!in || !in->pixels || in->width <= 0 || in->height <= 0) {
        snprintf(err, errlen, "resize: no input image");
        return PROCTOR_INVALID;
    }
    proctor_status st = pc_image_alloc(out, width, height, in->channels, err, errlen);
    if (st != PROCTOR_OK) return st;
    int need_h = width != in->width, need_v = height != in->height;
    if (!need_h && !need_v) {
        for (int y = 0; y < height; y++)
            memcpy(out->pixels + (size_t)y * out->stride, in->pixels + (size_t)y * in->stride,
                   (size_t)width * in->channels);
        return PROCTOR_OK;
    }
    coeffs8 ch = {0}, cv = {0};
    if (!coeffs8_make(in->width, width, &ch) || !coeffs8_make(in->height, height, &cv)) {
        coeffs8_free(&ch);
        coeffs8_free(&cv);
        pc_image_free(out);
        snprintf(err, errlen, "resize: out of memory");
        return PROCTOR_NOMEM;
    }
    /* only the source rows the vertical pass reads go through the horizontal pass */
    int yfirst = cv.bounds[0];
    int ylast = cv.bounds[2 * height - 2] + cv.bounds[2 * height - 1];
    if (need_h && need_v) {
        proctor_image tmp;
        st = pc_image_alloc(&tmp, width, ylast - yfirst, in->channels, err, errlen);
        if (st == PROCTOR_OK) {
            pass_h8(in, yfirst, ylast - yfirst, &tmp, &ch);
            pass_v8(&tmp, out, &cv, yfirst);
            pc_image_free(&tmp);
        }
    } else if (need_h) {
        pass_h8(in, 0, height, out, &ch);
    } else {
        pass_v8(in, out, &cv, 0);
    }
    coeffs8_free(&ch);
    coeffs8_free(&cv);
    if (st != PROCTOR_OK) pc_image_free(out);
    return st;
}

/* ---- float, torch's _upsample_bilinear2d_aa --------------------------------------------- */

typedef struct coeffsf {
    int ksize;
    int *bounds;
    float *k;
} coeffsf;

static float trif(float x)
{
    if (x < 0.0f) x = -x;
    return x < 1.0f ? 1.0f - x : 0.0f;
}

static int coeffsf_make(int in_size, int out_size, coeffsf *c)
{
    float scale = (float)in_size / (float)out_size;
    float support = scale >= 1.0f ? 1.0f * scale : 1.0f; /* interp_size 2 * 0.5 */
    float invscale = scale >= 1.0f ? 1.0f / scale : 1.0f;
    int ksize = (int)ceilf(support) * 2 + 1;
    c->ksize = ksize;
    c->bounds = malloc(sizeof(int) * 2 * (size_t)out_size);
    c->k = malloc(sizeof(float) * (size_t)ksize * out_size);
    if (!c->bounds || !c->k) {
        free(c->bounds);
        free(c->k);
        return 0;
    }
    for (int i = 0; i < out_size; i++) {
        float center = scale * ((float)i + 0.5f), total = 0.0f;
        long xmin = (long)(center - support + 0.5f);
        if (xmin < 0) xmin = 0;
        long xend = (long)(center + support + 0.5f);
        if (xend > in_size) xend = in_size;
        int n = (int)(xend - xmin);
        if (n > ksize) n = ksize;
        float *k = c->k + (size_t)i * ksize;
        int j = 0;
        for (; j < n; j++) {
            k[j] = trif(((float)(j + xmin) - center + 0.5f) * invscale);
            total += k[j];
        }
        if (total != 0.0f)
            for (j = 0; j < n; j++) k[j] /= total;
        for (j = n; j < ksize; j++) k[j] = 0.0f;
        c->bounds[2 * i] = (int)xmin;
        c->bounds[2 * i + 1] = n;
    }
    return 1;
}

static void coeffsf_free(coeffsf *c)
{
    free(c->bounds);
    free(c->k);
}

proctor_status pc_resize_u8_to_float(const proctor_image *in, float *out, int ow, int oh)
{
    if (!in || !in->pixels || in->channels != 3 || ow <= 0 || oh <= 0) return PROCTOR_INVALID;
    int iw = in->width, ih = in->height;
    float *tmp = malloc(sizeof(float) * (size_t)ow * ih * 3);
    coeffsf ch = {0}, cv = {0};
    int ok = tmp && coeffsf_make(iw, ow, &ch) && coeffsf_make(ih, oh, &cv);
    if (!ok) {
        free(tmp);
        coeffsf_free(&ch);
        coeffsf_free(&cv);
        return PROCTOR_NOMEM;
    }
    float lut[256]; /* ToTensor: v / 255 in float32 */
    for (int v = 0; v < 256; v++) lut[v] = (float)v / 255.0f;
    /* horizontal: in (iw x ih) -> tmp (ow x ih) */
    for (int y = 0; y < ih; y++) {
        const uint8_t *s = in->pixels + (size_t)y * in->stride;
        float *d = tmp + (size_t)y * ow * 3;
        if (ow == iw) {
            for (int i = 0; i < iw * 3; i++) d[i] = lut[s[i]];
            continue;
        }
        for (int x = 0; x < ow; x++) {
            int xmin = ch.bounds[2 * x], n = ch.bounds[2 * x + 1];
            const float *k = ch.k + (size_t)x * ch.ksize;
            for (int b = 0; b < 3; b++) {
                float t = lut[s[xmin * 3 + b]] * k[0];
                for (int j = 1; j < n; j++) t += lut[s[(xmin + j) * 3 + b]] * k[j];
                d[x * 3 + b] = t;
            }
        }
    }
    /* vertical: tmp (ow x ih) -> out (ow x oh) */
    if (oh != ih) {
        int rowlen = ow * 3;
        for (int y = 0; y < oh; y++) {
            int ymin = cv.bounds[2 * y], n = cv.bounds[2 * y + 1];
            const float *k = cv.k + (size_t)y * cv.ksize;
            float *d = out + (size_t)y * rowlen;
            const float *r0 = tmp + (size_t)ymin * rowlen;
            for (int i = 0; i < rowlen; i++) d[i] = r0[i] * k[0];
            for (int j = 1; j < n; j++) { /* same order of sums as one pixel at a time */
                const float *r = tmp + (size_t)(ymin + j) * rowlen;
                for (int i = 0; i < rowlen; i++) d[i] += r[i] * k[j];
            }
        }
    } else {
        memcpy(out, tmp, sizeof(float) * (size_t)ow * oh * 3);
    }
    free(tmp);
    coeffsf_free(&ch);
    coeffsf_free(&cv);
    return PROCTOR_OK;
}
