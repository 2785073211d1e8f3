/* distort.c — CC, JPEG (resize), GB, CS, GNC as upstream runs them. See distort.h.
 *
 * Upstream calls numpy and OpenCV, so the arithmetic here follows theirs: float32 where
 * numpy works on float32 arrays (a Python float scalar does not promote them), OpenCV's
 * fixed-point paths for 8-bit resize and blur, and cvtColor's float formulas, whose chroma
 * offset is 0.5 for float images (not 128). Checked against OpenCV 4.6 in tests/image. */
/* The pixel loops are plain integer/float loops that GCC vectorises at -O3; -O2 (the
 * project default) only does so when no scalar tail is needed. Vectorising changes no
 * result (integer sums are exact, no float sum is reordered). fp-contract=off keeps a*b+c
 * two roundings, as numpy and torch compute it, even when built with -march=native. */
/* The pixel loops are plain integer/float loops that GCC vectorises at -O3; -O2 (the
 * project default) only does so when no scalar tail is needed, so core/image/module.mk
 * builds this file with -ftree-vectorize. Vectorising changes no result (integer sums are
 * exact, no float sum is reordered). It is also built with -ffp-contract=off, which keeps
 * a*b+c two roundings, as numpy and torch compute it, even with -march=native or clang. */
#include "image/distort.h"
#include "image/image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline uint8_t trunc_u8(float v)
{
    /* numpy's astype(uint8) truncates toward zero; out-of-range values (not reachable for
     * CS, reachable only by float noise at the edges) are clamped instead of wrapped */
    if (!(v > 0.0f)) return 0;
    if (v >= 255.0f) return 255;
    return (uint8_t)v;
}

/* ---- CC ---------------------------------------------------------------------------------- */

void pc_distort_cc(proctor_image *img, double p)
{
    float pf = (float)p;
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int i = 0; i < img->width * img->channels; i++) row[i] = trunc_u8((float)row[i] * pf);
    }
}

/* ---- JPEG: OpenCV resize INTER_LINEAR on 8 bits --------------------------------------- */

#define RESIZE_BITS 11
#define RESIZE_ONE (1 << RESIZE_BITS)

static short sat_short_round(float v)
{
    long r = lrintf(v); /* cvRound: nearest, ties to even */
    return (short)(r < -32768 ? -32768 : r > 32767 ? 32767 : r);
}

/* 2x downscale in both directions: OpenCV switches INTER_LINEAR to its fast INTER_AREA */
static void area_half(const proctor_image *in, proctor_image *out)
{
    int c = in->channels;
    for (int y = 0; y < out->height; y++) {
        const uint8_t *s0 = in->pixels + (size_t)(2 * y) * in->stride, *s1 = s0 + in->stride;
        uint8_t *d = out->pixels + (size_t)y * out->stride;
        for (int x = 0; x < out->width; x++)
            for (int b = 0; b < c; b++) {
                int i = 2 * x * c + b;
                d[x * c + b] = (uint8_t)((s0[i] + s0[i + c] + s1[i] + s1[i + c] + 2) >> 2);
            }
    }
}

proctor_status pc_cv_resize_linear(const proctor_image *in, proctor_image *out, int w, int h)
{
    char err[64];
    proctor_status st = pc_image_alloc(out, w, h, in->channels, err, sizeof err);
    if (st != PROCTOR_OK) return st;
    int c = in->channels, iw = in->width, ih = in->height;
    if (iw == 2 * w && ih == 2 * h) {
        area_half(in, out);
        return PROCTOR_OK;
    }
    double scale_x = 1.0 / ((double)w / iw), scale_y = 1.0 / ((double)h / ih);
    int *xofs = malloc(sizeof(int) * (size_t)w);
    short *alpha = malloc(sizeof(short) * 2 * (size_t)w);
    int *rows = malloc(sizeof(int) * 2 * (size_t)w * c);
    if (!xofs || !alpha || !rows) {
        free(xofs);
        free(alpha);
        free(rows);
        pc_image_free(out);
        return PROCTOR_NOMEM;
    }
    for (int dx = 0; dx < w; dx++) {
        float fx = (float)((dx + 0.5) * scale_x - 0.5);
        int sx = (int)floorf(fx);
        fx -= (float)sx;
        if (sx < 0) fx = 0, sx = 0;
        if (sx >= iw - 1) fx = 0, sx = iw - 1;
        xofs[dx] = sx;
        alpha[2 * dx] = sat_short_round((1.f - fx) * RESIZE_ONE);
        alpha[2 * dx + 1] = sat_short_round(fx * RESIZE_ONE);
    }
    int width = w * c;
    for (int dy = 0; dy < h; dy++) {
        float fy = (float)((dy + 0.5) * scale_y - 0.5);
        int sy = (int)floorf(fy);
        fy -= (float)sy;
        short b0 = sat_short_round((1.f - fy) * RESIZE_ONE), b1 = sat_short_round(fy * RESIZE_ONE);
        for (int k = 0; k < 2; k++) { /* horizontal pass of the two source rows */
            int r = sy + k;
            r = r < 0 ? 0 : r >= ih ? ih - 1 : r;
            const uint8_t *s = in->pixels + (size_t)r * in->stride;
            int *d = rows + (size_t)k * width;
            for (int dx = 0; dx < w; dx++) {
                int sx = xofs[dx], a0 = alpha[2 * dx], a1 = alpha[2 * dx + 1];
                for (int b = 0; b < c; b++) {
                    int v = s[sx * c + b] * a0;
                    if (a1) v += s[(sx + 1) * c + b] * a1;
                    d[dx * c + b] = v;
                }
            }
        }
        const int *S0 = rows, *S1 = rows + width;
        uint8_t *dst = out->pixels + (size_t)dy * out->stride;
        for (int x = 0; x < width; x++) {
            /* OpenCV's vectorised rounding: (S >> 4) * beta, high 16 bits, +2 >> 2 (its
             * scalar formula rounds differently; OpenCV 4.6 gives this one on every pixel) */
            int v = ((((S0[x] >> 4) * b0) >> 16) + (((S1[x] >> 4) * b1) >> 16) + 2) >> 2;
            dst[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    free(xofs);
    free(alpha);
    free(rows);
    return PROCTOR_OK;
}

proctor_status pc_distort_jpeg(proctor_image *img, int p)
{
    int sw = img->width / p, sh = img->height / p;
    if (p < 1 || sw < 1 || sh < 1) return PROCTOR_INVALID;
    proctor_image small, back;
    proctor_status st = pc_cv_resize_linear(img, &small, sw, sh);
    if (st != PROCTOR_OK) return st;
    st = pc_cv_resize_linear(&small, &back, img->width, img->height);
    pc_image_free(&small);
    if (st != PROCTOR_OK) return st;
    for (int y = 0; y < img->height; y++)
        memcpy(img->pixels + (size_t)y * img->stride, back.pixels + (size_t)y * back.stride,
               (size_t)img->width * img->channels);
    pc_image_free(&back);
    return PROCTOR_OK;
}

/* ---- GB: OpenCV's bit-exact 8-bit GaussianBlur ------------------------------------------ */

/* OpenCV's kernel (getGaussianKernelBitExact) rounded to 8 fractional bits with error
 * diffusion from the outside in; the centre takes what is left so the sum is exactly 256. */
static void gauss_kernel_fixed(int n, double sigma, int *k)
{
    double scale2 = -0.125 / (sigma * sigma), sum = 0.0, vals[64];
    int n2 = (n - 1) / 2;
    for (int i = 0, x = 1 - n; i < n2; i++, x += 2) {
        vals[i] = exp((double)(x * x) * scale2);
        sum += vals[i];
    }
    sum = sum * 2.0 + 1.0;
    double mul = 1.0 / sum, err = 0.0;
    int total = 0;
    for (int i = 0; i < n2; i++) {
        double adj = vals[i] * mul * 256.0 + err;
        long v = lrint(adj);
        err = adj - (double)v;
        k[i] = k[n - 1 - i] = (int)v;
        total += (int)v;
    }
    k[n2] = 256 - 2 * total;
}

static int reflect101(int p, int len)
{
    if (len == 1) return 0;
    while (p < 0 || p >= len) p = p < 0 ? -p : 2 * len - 2 - p;
    return p;
}

proctor_status pc_distort_gb(proctor_image *img, int n, double sigma)
{
    if (n < 1 || n > 63 || !(n & 1) || !(sigma > 0) || img->channels != 3) return PROCTOR_INVALID;
    int k[64], r = n / 2, w = img->width, h = img->height, rowlen = w * 3;
    gauss_kernel_fixed(n, sigma, k);
    /* horizontal results keep 8 fractional bits (uint16), like ufixedpoint16 */
    uint16_t *tmp = malloc(sizeof(uint16_t) * (size_t)rowlen * h);
    uint32_t *acc = malloc(sizeof(uint32_t) * (size_t)rowlen);
    uint16_t *pad = malloc(sizeof(uint16_t) * (size_t)(w + 2 * r) * 3);
    int *yi = malloc(sizeof(int) * (size_t)(h + 2 * r));
    if (!tmp || !acc || !pad || !yi) {
        free(tmp);
        free(acc);
        free(pad);
        free(yi);
        return PROCTOR_NOMEM;
    }
    for (int y = -r; y < h + r; y++) yi[y + r] = reflect101(y, h);
    for (int y = 0; y < h; y++) {
        /* the row extended by r pixels each side (reflect-101), then one flat pass per tap */
        const uint8_t *s = img->pixels + (size_t)y * img->stride;
        for (int x = -r; x < w + r; x++) {
            const uint8_t *p = s + 3 * reflect101(x, w);
            uint16_t *q = pad + 3 * (x + r);
            q[0] = p[0], q[1] = p[1], q[2] = p[2];
        }
        memset(acc, 0, sizeof(uint32_t) * (size_t)rowlen);
        for (int j = 0; j < n; j++) {
            const uint16_t *p = pad + 3 * j;
            uint32_t kj = (uint32_t)k[j];
            for (int i = 0; i < rowlen; i++) acc[i] += kj * p[i];
        }
        uint16_t *d = tmp + (size_t)y * rowlen;
        for (int i = 0; i < rowlen; i++) d[i] = (uint16_t)acc[i]; /* <= 255 * 256 */
    }
    /* vertical: 16 fractional bits (at most 65280 * 256: fits 32 bits), rounded to 8 */
    for (int y = 0; y < h; y++) {
        memset(acc, 0, sizeof(uint32_t) * (size_t)rowlen);
        for (int j = 0; j < n; j++) {
            const uint16_t *t = tmp + (size_t)yi[y + j] * rowlen;
            uint32_t kj = (uint32_t)k[j];
            for (int i = 0; i < rowlen; i++) acc[i] += kj * t[i];
        }
        uint8_t *d = img->pixels + (size_t)y * img->stride;
        for (int i = 0; i < rowlen; i++) {
            uint32_t v = (acc[i] + 0x8000) >> 16;
            d[i] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
    free(tmp);
    free(acc);
    free(pad);
    free(yi);
    return PROCTOR_OK;
}

/* ---- CS and GNC: cvtColor(BGR2YCrCb) on float + the DeeperForensics mapping -------------- */
/* cvtColor's float kernels, in the operation order (fused multiply-adds) that OpenCV 4.x's
 * AVX2 code runs on current x86 machines; numpy's own float32 steps are not fused. */

typedef struct ycc {
    float y, cb, cr;
} ycc;

/* OpenCV RGB2YCrCb_f for BGR input, then reorder to Y,Cb,Cr and map (bgr2ycbcr upstream) */
static ycc to_mapped_ycc(float r, float g, float b)
{
    float Y = fmaf(b, 0.114f, fmaf(g, 0.587f, r * 0.299f));
    float Cr = fmaf(r - Y, 0.713f, 0.5f), Cb = fmaf(b - Y, 0.564f, 0.5f);
    ycc o;
    o.y = (Y * 219.0f + 16.0f) / 255.0f;
    o.cb = (Cb * 224.0f + 16.0f) / 255.0f;
    o.cr = (Cr * 224.0f + 16.0f) / 255.0f;
    return o;
}

/* ycbcr2bgr upstream: undo the mapping, then OpenCV YCrCb2RGB_f */
static void from_mapped_ycc(ycc v, float *r, float *g, float *b)
{
    float Y = (v.y * 255.0f - 16.0f) / 219.0f;
    float Cb = (v.cb * 255.0f - 16.0f) / 224.0f, Cr = (v.cr * 255.0f - 16.0f) / 224.0f;
    *b = fmaf(Cb - 0.5f, 1.773f, Y);
    *g = fmaf(Cr - 0.5f, -0.714f, fmaf(Cb - 0.5f, -0.344f, Y));
    *r = fmaf(Cr - 0.5f, 1.403f, Y);
}

void pc_distort_cs(proctor_image *img, double p)
{
    float pf = (float)p;
    for (int y = 0; y < img->height; y++) {
        uint8_t *px = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x++, px += img->channels) {
            ycc v = to_mapped_ycc(px[0], px[1], px[2]);
            v.cb = 0.5f + (v.cb - 0.5f) * pf;
            v.cr = 0.5f + (v.cr - 0.5f) * pf;
            float r, g, b;
            from_mapped_ycc(v, &r, &g, &b);
            px[0] = trunc_u8(r);
            px[1] = trunc_u8(g);
            px[2] = trunc_u8(b);
        }
    }
}

void pc_distort_gnc(proctor_image *img, double p, pc_irng *rng)
{
    double sd = sqrt(p);
    for (int y = 0; y < img->height; y++) {
        uint8_t *px = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x++, px += img->channels) {
            ycc v = to_mapped_ycc(px[0], px[1], px[2]);
            /* (ycbcr / 255 + noise) * 255 in float64 (randn is float64), back to float32 */
            v.y = (float)(((double)(v.y / 255.0f) + sd * pc_irng_normal(rng)) * 255.0);
            v.cb = (float)(((double)(v.cb / 255.0f) + sd * pc_irng_normal(rng)) * 255.0);
            v.cr = (float)(((double)(v.cr / 255.0f) + sd * pc_irng_normal(rng)) * 255.0);
            float r, g, b;
            from_mapped_ycc(v, &r, &g, &b);
            px[0] = trunc_u8(r);
            px[1] = trunc_u8(g);
            px[2] = trunc_u8(b);
        }
    }
}
