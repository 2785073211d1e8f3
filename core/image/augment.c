/* augment.c — levels 0..3 of the challenge augmentation. See augment.h for the semantics.
 *
 * Level 1+ rotates the whole canvas and then crops; only the crop box of the rotated canvas
 * is ever looked at, so we render the rotation directly into the box (same pixels, a
 * fraction of the work on a 12 MP photo). */
/* float arithmetic follows torch's float32 steps: a*b+c stays two roundings (no FMA), by
 * -ffp-contract=off in core/image/module.mk for every compiler */
#include "image/augment.h"
#include "image/distort.h"
#include "image/image.h"
#include "image/resize.h"
#include "image/irng.h"

#include <inttypes.h>
#include <math.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dist_names[PC_DIST_COUNT] = {"CS", "CC", "JPEG", "GNC", "GB"};

const char *pc_distortion_name(int d)
{
    return d >= 0 && d < PC_DIST_COUNT ? dist_names[d] : "?";
}

void pc_augment_defaults(pc_augment_opts *o)
{
    static const pc_augment_opts def = {
        .size = 224,
        .level_probs = {0.25, 0.25, 0.25, 0.25},
        .rotate_degrees = 20.0,
        .crop_scale_min = 0.2,
        .crop_scale_max = 1.0,
        .hflip_prob = 0.0,
        .vflip_prob = 0.0,
        .mask_true_dims = 0,
        .level2_max = 1,
        .level3_max = 2,
        .cs = {0.4, 0.3, 0.2, 0.1, 0.0},
        .cc = {0.85, 0.725, 0.6, 0.475, 0.35},
        .jpeg = {2, 3, 4, 5, 6},
        .gnc = {0.001, 0.002, 0.005, 0.01, 0.05},
        .gb = {7, 9, 13, 17, 21},
    };
    *o = def;
}

proctor_status pc_augment_check(const pc_augment_opts *o, char *err, size_t errlen)
{
    double sum = 0;
    for (int i = 0; i < 4; i++) {
        if (!(o->level_probs[i] >= 0 && o->level_probs[i] <= 1)) {
            snprintf(err, errlen, "level probability %d is %g, not in [0, 1]", i, o->level_probs[i]);
            return PROCTOR_INVALID;
        }
        sum += o->level_probs[i];
    }
    if (fabs(sum - 1.0) > 1e-9) {
        snprintf(err, errlen, "level probabilities sum to %g, not 1", sum);
        return PROCTOR_INVALID;
    }
    if (o->size < 8 || o->size > 4096) {
        snprintf(err, errlen, "output size %d is outside 8..4096", o->size);
        return PROCTOR_INVALID;
    }
    if (!(o->rotate_degrees >= 0 && o->rotate_degrees <= 180)) {
        snprintf(err, errlen, "rotation %g is outside [0, 180] degrees", o->rotate_degrees);
        return PROCTOR_INVALID;
    }
    if (!(o->crop_scale_min > 0 && o->crop_scale_min <= o->crop_scale_max &&
          o->crop_scale_max <= 1)) {
        snprintf(err, errlen, "crop scale [%g, %g] must satisfy 0 < min <= max <= 1",
                 o->crop_scale_min, o->crop_scale_max);
        return PROCTOR_INVALID;
    }
    if (!(o->hflip_prob >= 0 && o->hflip_prob <= 1 && o->vflip_prob >= 0 && o->vflip_prob <= 1)) {
        snprintf(err, errlen, "flip probabilities must be in [0, 1]");
        return PROCTOR_INVALID;
    }
    if (o->level2_max < 0 || o->level2_max > 5 || o->level3_max < 0 || o->level3_max > 5) {
        snprintf(err, errlen, "distortion level maxima must be in 0..5");
        return PROCTOR_INVALID;
    }
    for (int i = 0; i < 5; i++) {
        if (!(o->cs[i] >= 0 && o->cs[i] <= 1) || !(o->cc[i] >= 0 && o->cc[i] <= 1) ||
            !(o->gnc[i] >= 0 && o->gnc[i] <= 1)) {
            snprintf(err, errlen, "CS/CC/GNC table value %d outside [0, 1]", i + 1);
            return PROCTOR_INVALID;
        }
        if (o->jpeg[i] < 1 || o->jpeg[i] > o->size) {
            snprintf(err, errlen, "JPEG factor %d outside 1..%d", o->jpeg[i], o->size);
            return PROCTOR_INVALID;
        }
        if (o->gb[i] < 1 || o->gb[i] > 63 || !(o->gb[i] & 1)) {
            snprintf(err, errlen, "GB kernel %d must be odd and in 1..63", o->gb[i]);
            return PROCTOR_INVALID;
        }
    }
    return PROCTOR_OK;
}

/* Upstream: r = np.random.random(); the first level whose cumulative probability >= r. */
static int draw_level(const pc_augment_opts *o, pc_irng *rng)
{
    double r = pc_irng_double(rng), cum = 0;
    for (int i = 0; i < 4; i++) {
        cum += o->level_probs[i];
        if (o->level_probs[i] > 0 && r <= cum) return i;
    }
    for (int i = 3; i >= 0; i--)
        if (o->level_probs[i] > 0) return i;
    return 0;
}

int pc_augment_pick_level(const pc_augment_opts *o, uint64_t seed)
{
    pc_irng rng;
    pc_irng_seed(&rng, seed);
    return draw_level(o, &rng);
}

/* Python's round(): half to even */
static long round_half_even(double v) { return lrint(v); }

/* ---- level 0 ------------------------------------------------------------------------- */

/* torchvision CenterCrop(min side) on a PIL image: offsets round half to even */
static void plan_level0(int W, int H, pc_augment_params *p)
{
    int m = W < H ? W : H;
    p->crop_x = (int)round_half_even((W - m) / 2.0);
    p->crop_y = (int)round_half_even((H - m) / 2.0);
    p->crop_w = p->crop_h = m;
}

static proctor_status render_level0(const proctor_image *src, const pc_augment_params *p,
                                    proctor_image *out, char *err, size_t errlen)
{
    proctor_image sq;
    proctor_status st = pc_image_crop(src, p->crop_x, p->crop_y, p->crop_w, p->crop_h, &sq, err, errlen);
    if (st != PROCTOR_OK) return st;
    st = pc_image_resize(&sq, p->size, p->size, out, err, errlen);
    pc_image_free(&sq);
    return st;
}

/* ---- level 1: rotation + random resized crop ----------------------------------------- */

/* torchvision RandomResizedCrop.get_params with ratio (1, 1) */
static void draw_crop(const pc_augment_opts *o, pc_irng *rng, int W, int H, int *ci, int *cj,
                      int *cs)
{
    double area = (double)W * H;
    for (int t = 0; t < 10; t++) {
        /* torch draws the scale as a float32 */
        double target = area * (double)(float)pc_irng_uniform(rng, o->crop_scale_min, o->crop_scale_max);
        long s = round_half_even(sqrt(target));
        if (s > 0 && s <= W && s <= H) {
            *ci = (int)pc_irng_int(rng, 0, H - s);
            *cj = (int)pc_irng_int(rng, 0, W - s);
            *cs = (int)s;
            return;
        }
    }
    int s = W < H ? W : H; /* fallback: centre crop of the largest square */
    *cs = s;
    *ci = (H - s) / 2;
    *cj = (W - s) / 2;
}

/* upstream's include_point shift; see mask_true_dims in augment.h */
static void shift_for_mask(const pc_augment_opts *o, int W, int H, int x, int y, int *ci,
                           int *cj, int s)
{
    int mw = o->mask_true_dims ? W : H, mh = o->mask_true_dims ? H : W;
    int i = *ci, j = *cj;
    if (x < j) j = x - 10 > 0 ? x - 10 : 0;
    else if (x > j + s) j = mw - s < x - s + 10 ? mw - s : x - s + 10;
    if (y < i) i = y - 10 > 0 ? y - 10 : 0;
    else if (y > i + s) i = mh - s < y - s + 10 ? mh - s : y - s + 10;
    *ci = i;
    *cj = j;
}

/* nearbyint (ties to even) as one instruction; libm's lrintf is a call */
static inline long round_even_f(float v)
{
#if defined(__SSE__)
    return _mm_cvt_ss2si(_mm_set_ss(v)); /* out of range -> INT_MIN, refused by the caller */
#else
    return lrintf(v);
#endif
}

/* The box (cx, cy, s, s) of `src` rotated by `angle` degrees about its centre, nearest
 * neighbour, zero outside. Follows torchvision's affine grid + grid_sample(nearest,
 * align_corners=False) in float32. */
proctor_status pc_augment_rotate_crop(const proctor_image *src, double angle, int cx, int cy,
                                      int s, proctor_image *out, char *err, size_t errlen)
{
    proctor_status st = pc_image_alloc(out, s, s, 3, err, errlen);
    if (st != PROCTOR_OK) return st;
    int W = src->width, H = src->height;
    double rot = -angle * M_PI / 180.0; /* F.rotate builds the inverse matrix for -angle */
    float hw = 0.5f * (float)W, hh = 0.5f * (float)H;
    float a = (float)cos(rot) / hw, b = (float)sin(rot) / hw;
    float d = (float)-sin(rot) / hh, e = (float)cos(rot) / hh;
    /* the per-column products, hoisted (same values, same sums as per pixel) */
    float *xa = malloc(sizeof(float) * 2 * (size_t)s), *xd = xa + s;
    if (!xa) {
        pc_image_free(out);
        snprintf(err, errlen, "rotate: out of memory");
        return PROCTOR_NOMEM;
    }
    for (int ox = 0; ox < s; ox++) {
        float xc = (float)(cx + ox) - hw + 0.5f;
        xa[ox] = xc * a;
        xd[ox] = xc * d;
    }
    int x0 = cx < 0 ? -cx : 0, x1 = cx + s > W ? W - cx : s; /* columns on the canvas */
    for (int oy = 0; oy < s; oy++) {
        uint8_t *dst = out->pixels + (size_t)oy * out->stride;
        int y = cy + oy;
        if (y < 0 || y >= H) continue; /* outside the canvas: the crop pads with zeros */
        float yc = (float)y - hh + 0.5f, yb = yc * b, ye = yc * e;
        for (int ox = x0; ox < x1; ox++) {
            float gx = xa[ox] + yb, gy = xd[ox] + ye;
            float fx = ((gx + 1.0f) * (float)W - 1.0f) / 2.0f;
            float fy = ((gy + 1.0f) * (float)H - 1.0f) / 2.0f;
            long sx = round_even_f(fx), sy = round_even_f(fy);
            if (sx < 0 || sx >= W || sy < 0 || sy >= H) continue;
            const uint8_t *p = src->pixels + (size_t)sy * src->stride + 3 * sx;
            dst[3 * ox] = p[0], dst[3 * ox + 1] = p[1], dst[3 * ox + 2] = p[2];
        }
    }
    free(xa);
    return PROCTOR_OK;
}

static void flip_h(float *px, int n)
{
    for (int y = 0; y < n; y++) {
        float *row = px + (size_t)y * n * 3;
        for (int x = 0; x < n / 2; x++)
            for (int c = 0; c < 3; c++) {
                float t = row[3 * x + c];
                row[3 * x + c] = row[3 * (n - 1 - x) + c];
                row[3 * (n - 1 - x) + c] = t;
            }
    }
}

static void flip_v(float *px, int n)
{
    size_t rowlen = (size_t)n * 3;
    for (int y = 0; y < n / 2; y++)
        for (size_t i = 0; i < rowlen; i++) {
            float t = px[y * rowlen + i];
            px[y * rowlen + i] = px[(n - 1 - y) * rowlen + i];
            px[(n - 1 - y) * rowlen + i] = t;
        }
}

static proctor_status apply_distortion(proctor_image *img, int d, double param, uint64_t noise_seed)
{
    switch (d) {
    case PC_DIST_CS: pc_distort_cs(img, param); return PROCTOR_OK;
    case PC_DIST_CC: pc_distort_cc(img, param); return PROCTOR_OK;
    case PC_DIST_JPEG: return pc_distort_jpeg(img, (int)param);
    case PC_DIST_GNC: {
        pc_irng nr;
        pc_irng_seed(&nr, noise_seed);
        pc_distort_gnc(img, param, &nr);
        return PROCTOR_OK;
    }
    case PC_DIST_GB: return pc_distort_gb(img, (int)param, param / 6.0);
    }
    return PROCTOR_INVALID;
}

static double table_value(const pc_augment_opts *o, int d, int k)
{
    switch (d) {
    case PC_DIST_CS: return o->cs[k - 1];
    case PC_DIST_CC: return o->cc[k - 1];
    case PC_DIST_JPEG: return o->jpeg[k - 1];
    case PC_DIST_GNC: return o->gnc[k - 1];
    case PC_DIST_GB: return o->gb[k - 1];
    }
    return 0;
}

proctor_status pc_augment_plan(const pc_augment_opts *o, uint64_t seed, int W, int H,
                               const int *mask_xy, pc_augment_params *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    for (int d = 0; d < PC_DIST_COUNT; d++) p->dist_level[d] = -1;
    if (W <= 0 || H <= 0) {
        snprintf(err, errlen, "augment: empty source (%dx%d)", W, H);
        return PROCTOR_INVALID;
    }
    proctor_status st = pc_augment_check(o, err, errlen);
    if (st != PROCTOR_OK) return st;

    pc_irng rng;
    pc_irng_seed(&rng, seed);
    p->seed = seed;
    p->level = draw_level(o, &rng);
    p->src_width = W;
    p->src_height = H;
    p->size = o->size;
    if (p->level == 0) {
        plan_level0(W, H, p);
        return PROCTOR_OK;
    }
    int ci, cj, s;
    /* torch: float(torch.empty(1).uniform_(-d, d)), a float32 draw */
    p->angle = (double)(float)pc_irng_uniform(&rng, -o->rotate_degrees, o->rotate_degrees);
    draw_crop(o, &rng, W, H, &ci, &cj, &s);
    if (mask_xy) {
        p->has_mask = 1;
        p->mask_x = mask_xy[0];
        p->mask_y = mask_xy[1];
        shift_for_mask(o, W, H, mask_xy[0], mask_xy[1], &ci, &cj, s);
    }
    p->crop_x = cj, p->crop_y = ci, p->crop_w = s, p->crop_h = s;
    p->hflip = pc_irng_double(&rng) < o->hflip_prob;
    p->vflip = pc_irng_double(&rng) < o->vflip_prob;
    int maxl = p->level == 2 ? o->level2_max : o->level3_max;
    int ndist = p->level == 2 ? 3 : p->level == 3 ? 5 : 0; /* CS CC JPEG [GNC GB] */
    for (int d = 0; d < ndist; d++) {
        int k = (int)pc_irng_int(&rng, 0, maxl);
        p->dist_level[d] = k;
        p->dist_param[d] = k > 0 ? table_value(o, d, k) : 0;
    }
    p->noise_seed = pc_irng_u64(&rng);
    return PROCTOR_OK;
}

int pc_augment_rows_needed(const pc_augment_params *p)
{
    int H = p->src_height;
    if (p->level == 0) return p->crop_y + p->crop_h;
    /* source rows sampled by the rotated box: src_y = sin(a) xc + cos(a) yc + (H - 1) / 2 is
     * affine, so its maximum over the box is at a corner; +2 covers rounding to nearest */
    double a = p->angle * M_PI / 180.0, sn = sin(a), cs = cos(a), top = -1e300;
    for (int k = 0; k < 4; k++) {
        double x = p->crop_x + (k & 1 ? p->crop_w - 1 : 0), y = p->crop_y + (k & 2 ? p->crop_h - 1 : 0);
        double xc = x - (p->src_width - 1) / 2.0, yc = y - (H - 1) / 2.0;
        double sy = sn * xc + cs * yc + (H - 1) / 2.0;
        if (sy > top) top = sy;
    }
    double rows = ceil(top) + 2;
    return rows < 1 ? 1 : rows > H ? H : (int)rows;
}

proctor_status pc_augment_render(const proctor_image *src, const pc_augment_opts *o,
                                 const pc_augment_params *p, proctor_image *out, char *err,
                                 size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!src || !src->pixels || src->channels != 3 || src->width != p->src_width ||
        src->height != p->src_height || p->size != o->size) {
        snprintf(err, errlen, "augment: the source is not the planned %dx%d RGB image", p->src_width,
                 p->src_height);
        return PROCTOR_INVALID;
    }
    if (p->level == 0) return render_level0(src, p, out, err, errlen);

    proctor_image box;
    proctor_status st = pc_augment_rotate_crop(src, p->angle, p->crop_x, p->crop_y, p->crop_w, &box, err, errlen);
    if (st != PROCTOR_OK) return st;
    int n = o->size;
    float *f = malloc(sizeof(float) * (size_t)n * n * 3);
    if (!f) {
        pc_image_free(&box);
        snprintf(err, errlen, "augment: out of memory");
        return PROCTOR_NOMEM;
    }
    st = pc_resize_u8_to_float(&box, f, n, n);
    pc_image_free(&box);
    if (st != PROCTOR_OK) {
        free(f);
        snprintf(err, errlen, "augment: resize failed");
        return st;
    }
    st = pc_image_alloc(out, n, n, 3, err, errlen);
    if (st != PROCTOR_OK) {
        free(f);
        return st;
    }
    if (p->hflip) flip_h(f, n);
    if (p->vflip) flip_v(f, n);
    /* float -> 8 bit by truncation: what the first distortion and ToPILImage both do */
    for (size_t i = 0; i < (size_t)n * n * 3; i++) {
        float v = f[i] * 255.0f;
        out->pixels[i] = v <= 0.0f ? 0 : v >= 255.0f ? 255 : (uint8_t)v;
    }
    free(f);
    for (int d = 0; d < PC_DIST_COUNT; d++) {
        if (p->dist_level[d] <= 0) continue;
        st = apply_distortion(out, d, p->dist_param[d], p->noise_seed);
        if (st != PROCTOR_OK) {
            pc_image_free(out);
            snprintf(err, errlen, "augment: %s failed", dist_names[d]);
            return st;
        }
    }
    return PROCTOR_OK;
}

proctor_status pc_augment(const proctor_image *src, const pc_augment_opts *o, uint64_t seed,
                          const int *mask_xy, proctor_image *out, pc_augment_params *params,
                          char *err, size_t errlen)
{
    pc_augment_params local, *p = params ? params : &local;
    memset(out, 0, sizeof *out);
    if (!src || !src->pixels || src->channels != 3 || src->width <= 0 || src->height <= 0) {
        memset(p, 0, sizeof *p);
        snprintf(err, errlen, "augment: need an RGB image");
        return PROCTOR_INVALID;
    }
    proctor_status st = pc_augment_plan(o, seed, src->width, src->height, mask_xy, p, err, errlen);
    if (st != PROCTOR_OK) return st;
    return pc_augment_render(src, o, p, out, err, errlen);
}

static cJSON *u64_string(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_CreateString(buf);
}

static cJSON *int_array(const int *v, int n)
{
    return cJSON_CreateIntArray(v, n);
}

cJSON *pc_augment_params_json(const pc_augment_params *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    int src[2] = {p->src_width, p->src_height};
    int crop[4] = {p->crop_x, p->crop_y, p->crop_w, p->crop_h};
    cJSON_AddItemToObject(o, "seed", u64_string(p->seed));
    cJSON_AddNumberToObject(o, "level", p->level);
    cJSON_AddNumberToObject(o, "size", p->size);
    cJSON_AddItemToObject(o, "source", int_array(src, 2));
    cJSON_AddItemToObject(o, "crop", int_array(crop, 4));
    if (p->level >= 1) {
        cJSON_AddNumberToObject(o, "rotation", p->angle);
        if (p->has_mask) {
            int m[2] = {p->mask_x, p->mask_y};
            cJSON_AddItemToObject(o, "mask_center", int_array(m, 2));
        }
        cJSON_AddBoolToObject(o, "hflip", p->hflip);
        cJSON_AddBoolToObject(o, "vflip", p->vflip);
    }
    if (p->level >= 2) {
        cJSON *d = cJSON_AddObjectToObject(o, "distortions");
        for (int i = 0; i < PC_DIST_COUNT; i++) {
            if (p->dist_level[i] < 0) continue;
            cJSON *e = cJSON_AddObjectToObject(d, dist_names[i]);
            cJSON_AddNumberToObject(e, "level", p->dist_level[i]);
            if (p->dist_level[i] > 0) cJSON_AddNumberToObject(e, "param", p->dist_param[i]);
        }
        if (p->dist_level[PC_DIST_GNC] > 0) cJSON_AddItemToObject(o, "noise_seed", u64_string(p->noise_seed));
    }
    return o;
}
