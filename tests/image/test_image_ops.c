/* test_image_ops — resizing and the five distortions against the libraries upstream runs:
 * Pillow's BILINEAR resize, OpenCV's resize/GaussianBlur/cvtColor, numpy's float32 casts
 * (checksums from tests/image/make_reference.py), plus hand-computed tiny cases. */
#include "../tap.h"
#include "common.h"
#include "image/distort.h"
#include "image/image.h"
#include "image/resize.h"
#include "reference.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_pil_resize(void)
{
    char err[128];
    for (size_t i = 0; i < N(ref_pil_resize); i++) {
        const ref_resize *r = &ref_pil_resize[i];
        proctor_image in, out;
        pattern(&in, r->w, r->h, r->salt);
        proctor_status st = pc_image_resize(&in, r->ow, r->oh, &out, err, sizeof err);
        ok(st == PROCTOR_OK && out.width == r->ow && out.height == r->oh && image_fnv(&out) == r->fnv,
           "resize %dx%d -> %dx%d equals PIL BILINEAR", r->w, r->h, r->ow, r->oh);
        if (st == PROCTOR_OK) pc_image_free(&out);
        pc_image_free(&in);
    }
    /* by hand: a 4x1 row 0, 100, 200, 250 halved. scale 2, support 2: output 0 covers
     * source centres 0.5 and 1.5 at weight 0.75 and 2.5 at 0.25 -> (0*.75+100*.75+200*.25)/1.75 */
    proctor_image in, out;
    pc_image_alloc(&in, 4, 1, 3, err, sizeof err);
    uint8_t row[4] = {0, 100, 200, 250};
    for (int x = 0; x < 4; x++) memset(in.pixels + 3 * x, row[x], 3);
    pc_image_resize(&in, 2, 1, &out, err, sizeof err);
    is_int(out.pixels[0], 71, "hand case: (75 + 50) / 1.75 = 71.4 -> 71");
    is_int(out.pixels[3], 207, "hand case: (100*.25 + 200*.75 + 250*.75) / 1.75 = 207.1 -> 207");
    pc_image_free(&out);
    pc_image_free(&in);
    is_int(pc_image_resize(&in, 10, 10, &out, err, sizeof err), PROCTOR_INVALID, "no input refused");
}

static void test_float_resize(void)
{
    /* torch antialias on float: same filter, float result (no rounding). 4x1 -> 2x1 as above */
    char err[128];
    proctor_image in;
    pc_image_alloc(&in, 4, 1, 3, err, sizeof err);
    uint8_t row[4] = {0, 100, 200, 250};
    for (int x = 0; x < 4; x++) memset(in.pixels + 3 * x, row[x], 3);
    float out[6];
    is_int(pc_resize_u8_to_float(&in, out, 2, 1), PROCTOR_OK, "float resize runs");
    is_double(out[0] * 255.0, (0 * 0.75 + 100 * 0.75 + 200 * 0.25) / 1.75, 1e-3, "float left pixel");
    is_double(out[3] * 255.0, (100 * 0.25 + 200 * 0.75 + 250 * 0.75) / 1.75, 1e-3, "float right pixel");
    /* upscale 2x1 -> 4x1: centres at 0.25, 0.75 (in source pixels): plain bilinear, clamped */
    pc_image_free(&in);
    pc_image_alloc(&in, 2, 1, 3, err, sizeof err);
    memset(in.pixels, 0, 3);
    memset(in.pixels + 3, 255, 3);
    float up[12];
    pc_resize_u8_to_float(&in, up, 4, 1);
    is_double(up[0], 0.0, 1e-6, "upscale edge pixel is the edge value");
    is_double(up[3], 0.25, 1e-6, "upscale second pixel is 1/4 of the way");
    is_double(up[6], 0.75, 1e-6, "upscale third pixel is 3/4 of the way");
    is_double(up[9], 1.0, 1e-6, "upscale last pixel is the edge value");
    pc_image_free(&in);
    /* a flat image stays flat to float precision when downscaled by a non-integer factor */
    pc_image_alloc(&in, 301, 207, 3, err, sizeof err);
    memset(in.pixels, 77, (size_t)301 * 207 * 3);
    float *f = malloc(sizeof(float) * 224 * 224 * 3);
    pc_resize_u8_to_float(&in, f, 224, 224);
    double worst = 0;
    for (int i = 0; i < 224 * 224 * 3; i++) worst = fmax(worst, fabs(f[i] - 77.0 / 255.0));
    ok(worst < 1e-6, "flat 301x207 -> 224x224 stays flat (max error %g)", worst);
    free(f);
    pc_image_free(&in);
}

static void test_cv_resize(void)
{
    for (size_t i = 0; i < N(ref_cv_resize); i++) {
        const ref_resize *r = &ref_cv_resize[i];
        proctor_image in, out;
        pattern(&in, r->w, r->h, r->salt);
        proctor_status st = pc_cv_resize_linear(&in, &out, r->ow, r->oh);
        ok(st == PROCTOR_OK && image_fnv(&out) == r->fnv, "cv2.resize %dx%d -> %dx%d INTER_LINEAR",
           r->w, r->h, r->ow, r->oh);
        if (st == PROCTOR_OK) pc_image_free(&out);
        pc_image_free(&in);
    }
}

typedef void (*op_fn)(proctor_image *img, double p);

static void gb_op(proctor_image *img, double p) { pc_distort_gb(img, (int)p, p / 6.0); }
static void jpeg_op(proctor_image *img, double p) { pc_distort_jpeg(img, (int)p); }

static void check_ops(const char *name, const ref_op *refs, size_t n, int w, int h, int salt, op_fn fn)
{
    for (size_t i = 0; i < n; i++) {
        proctor_image img;
        pattern(&img, w, h, salt);
        fn(&img, refs[i].p);
        ok(image_fnv(&img) == refs[i].fnv, "%s %g on %dx%d equals upstream (OpenCV/numpy)", name,
           refs[i].p, w, h);
        pc_image_free(&img);
    }
}

static void test_distortions(void)
{
    check_ops("GB", ref_gb, N(ref_gb), 64, 48, 9, gb_op);
    check_ops("CS", ref_cs, N(ref_cs), 64, 48, 11, pc_distort_cs);
    check_ops("CC", ref_cc, N(ref_cc), 64, 48, 12, pc_distort_cc);
    check_ops("JPEG", ref_jpeg, N(ref_jpeg), 224, 224, 13, jpeg_op);

    proctor_image img;
    pattern(&img, 9, 12, 10);
    pc_distort_gb(&img, 21, 21 / 6.0);
    ok(image_fnv(&img) == ref_gb21_tiny, "GB 21 on a 9x12 image (reflect-101 folds twice)");
    pc_image_free(&img);
    is_int(pc_distort_gb(&img, 8, 1.0), PROCTOR_INVALID, "even GB kernel refused");

    /* CC by hand: numpy float32 (20 * 0.85f = 17.0000005 -> 17; in double it would be 16) */
    char err[64];
    pc_image_alloc(&img, 1, 1, 3, err, sizeof err);
    img.pixels[0] = 20, img.pixels[1] = 255, img.pixels[2] = 1;
    pc_distort_cc(&img, 0.85);
    ok(img.pixels[0] == 17 && img.pixels[1] == 216 && img.pixels[2] == 0,
       "CC 0.85: 20 -> 17, 255 -> 216, 1 -> 0 (got %d %d %d)", img.pixels[0], img.pixels[1], img.pixels[2]);
    /* CS 0: grey stays grey (chroma is centred on 0.5 for float cvtColor); colour greys out */
    img.pixels[0] = 200, img.pixels[1] = 40, img.pixels[2] = 90;
    pc_distort_cs(&img, 0.0);
    ok(abs(img.pixels[0] - img.pixels[1]) <= 1 && abs(img.pixels[1] - img.pixels[2]) <= 1,
       "CS 0 makes a colour grey (got %d %d %d)", img.pixels[0], img.pixels[1], img.pixels[2]);
    pc_image_free(&img);
}

/* GNC on flat grey: the noise is N(0, p) on the mapped Y'CbCr / 255 scale; the inverse
 * mapping multiplies by 255 * 255 / 219 (Y) and 255 * 255 / 224 (chroma), so R's standard
 * deviation is sqrt(p) * 255^2 * sqrt(1/219^2 + (1.403/224)^2). */
static void test_gnc(void)
{
    char err[64];
    proctor_image a, b;
    pc_image_alloc(&a, 128, 128, 3, err, sizeof err);
    pc_image_alloc(&b, 128, 128, 3, err, sizeof err);
    memset(a.pixels, 128, (size_t)128 * 128 * 3);
    memset(b.pixels, 128, (size_t)128 * 128 * 3);
    pc_irng r1, r2;
    pc_irng_seed(&r1, 99);
    pc_irng_seed(&r2, 99);
    pc_distort_gnc(&a, 0.001, &r1);
    pc_distort_gnc(&b, 0.001, &r2);
    ok(memcmp(a.pixels, b.pixels, (size_t)128 * 128 * 3) == 0, "GNC with the same noise seed is identical");
    double sum = 0, sq = 0, n = 128 * 128;
    for (int i = 0; i < 128 * 128; i++) {
        double v = a.pixels[3 * i];
        sum += v;
        sq += v * v;
    }
    double mean = sum / n, sd = sqrt(sq / n - mean * mean);
    double want = sqrt(0.001) * 255.0 * 255.0 * sqrt(1.0 / (219.0 * 219.0) + pow(1.403 / 224.0, 2));
    ok(fabs(sd - want) < 0.08 * want, "GNC 0.001: R noise sd %.2f ~ %.2f", sd, want);
    ok(fabs(mean - 127.5) < 1.5, "GNC keeps the mean (%.2f; truncation lowers it by ~0.5)", mean);
    pc_image_free(&a);
    pc_image_free(&b);
}

/* the ziggurat's moments and tails: mean 0, variance 1, P(|z| > 2) = 0.0455,
 * P(|z| > 3.4426) = 0.000576 (samples from the tail layer) */
static void test_normal(void)
{
    pc_irng r;
    pc_irng_seed(&r, 2024);
    int n = 400000, over2 = 0, tail = 0;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) {
        double z = pc_irng_normal(&r);
        sum += z;
        sq += z * z;
        over2 += fabs(z) > 2.0;
        tail += fabs(z) > 3.442619855899;
    }
    double mean = sum / n, var = sq / n - mean * mean;
    ok(fabs(mean) < 0.01, "normal mean %.4f ~ 0", mean);
    ok(fabs(var - 1.0) < 0.01, "normal variance %.4f ~ 1", var);
    ok(fabs((double)over2 / n - 0.0455) < 0.002, "P(|z| > 2) = %.4f ~ 0.0455", (double)over2 / n);
    ok(tail > 150 && tail < 320, "tail beyond 3.44: %d of %d (expect ~230)", tail, n);
}

int main(void)
{
    test_normal();
    test_pil_resize();
    test_float_resize();
    test_cv_resize();
    test_distortions();
    test_gnc();
    return done_testing();
}
