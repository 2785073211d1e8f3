/* synapse.c — see synapse.h.
 *
 * Decode scale. A 12 MP photo ends as 224 x 224, so decoding every pixel is wasted work:
 * libjpeg can run its IDCT at n/8 scale and skip most of it. The scale must not make the
 * result worse than downscaling the full image: the square that is resized to 224 must
 * still have at least 224 source pixels on a side (no upsampling that the full image would
 * not need). The whole augmentation plan (level, angle, crop box, ...) depends only on the
 * seed and the source size, never on pixels, so it is drawn before decoding: for n = 1..8
 * we plan on the n/8-scaled size and take the first n whose crop side is >= 224 (level 0
 * crops the short side; levels 1..3 a square of area U(0.2, 1) of the image, 0.47 of it on
 * average, so most 12 MP challenges decode at 1/8 and the smallest crops at 2/8). The crop
 * fractions (area, position, mask point) are the same at every scale; the plan drawn on
 * the chosen size is the one rendered and recorded, so a seed replays exactly.
 * pc_challenge_decode_min_side gives the bound over all draws (for callers without a plan).
 *
 * Decode rows. With the plan known, the JPEG decoder stops after the last source row the
 * rotated crop box reads (the rows above it must be decoded anyway: JPEG has no random
 * access). */
#include "image/synapse.h"
#include "image/image.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pc_challenge_decode_min_side(const pc_augment_opts *o, int level, int w, int h)
{
    double s = w < h ? w : h, l = w < h ? h : w;
    double need = o->size;
    if (level >= 1) {
        double f = sqrt(o->crop_scale_min * l / s);
        if (f < 1.0) need = o->size / f;
    }
    return (int)ceil(need) + 1;
}

proctor_status pc_challenge_image_prepare(const void *bytes, size_t len, const pc_augment_opts *o,
                                  uint64_t seed, const int *mask_xy, int jpeg_quality,
                                  pc_challenge_image *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    proctor_status st = pc_augment_check(o, err, errlen);
    if (st != PROCTOR_OK) return st;
    int w, h;
    st = pc_image_info(bytes, len, &w, &h, err, errlen);
    if (st != PROCTOR_OK) return st;
    /* the smallest scale whose plan crops >= size pixels (any scale for non-JPEG: 8/8) */
    proctor_image_format fmt = pc_image_sniff(bytes, len);
    int dw = w, dh = h, n = fmt == PROCTOR_FORMAT_JPEG ? 1 : 8;
    for (; n <= 8; n++) {
        dw = (int)(((long long)w * n + 7) / 8), dh = (int)(((long long)h * n + 7) / 8);
        if (n < 8 && (dw < o->size || dh < o->size)) continue;
        int mask[2], *mp = NULL;
        if (mask_xy) { /* to the decoded image's pixels */
            mask[0] = (int)floor((double)mask_xy[0] * dw / w);
            mask[1] = (int)floor((double)mask_xy[1] * dh / h);
            mp = mask;
        }
        st = pc_augment_plan(o, seed, dw, dh, mp, &out->params, err, errlen);
        if (st != PROCTOR_OK) return st;
        if (out->params.crop_w >= o->size) break;
    }
    if (n > 8) n = 8;
    /* for n < 8 the short side is >= size, so libjpeg's scale for it is exactly n */
    int min_short = n == 8 ? 0 : (dw < dh ? dw : dh);
    proctor_image img;
    st = pc_image_decode_rows(bytes, len, min_short, pc_augment_rows_needed(&out->params), &img,
                              &out->scale_num, err, errlen);
    if (st != PROCTOR_OK) return st;
    out->orig_width = w;
    out->orig_height = h;
    proctor_image aug;
    st = pc_augment_render(&img, o, &out->params, &aug, err, errlen);
    pc_image_free(&img);
    if (st != PROCTOR_OK) return st;

    void *jpg = NULL;
    size_t jlen = 0;
    st = pc_image_encode(&aug, PROCTOR_FORMAT_JPEG, jpeg_quality, &jpg, &jlen, err, errlen);
    pc_image_free(&aug);
    if (st != PROCTOR_OK) return st;
    size_t cap = sodium_base64_encoded_len(jlen, sodium_base64_VARIANT_ORIGINAL);
    out->b64 = malloc(cap);
    if (!out->b64) {
        free(jpg);
        snprintf(err, errlen, "out of memory for base64");
        return PROCTOR_NOMEM;
    }
    sodium_bin2base64(out->b64, cap, jpg, jlen, sodium_base64_VARIANT_ORIGINAL);
    free(jpg);
    out->jpeg_len = jlen;
    out->b64_len = strlen(out->b64);
    return PROCTOR_OK;
}

void pc_challenge_image_free(pc_challenge_image *c)
{
    if (!c) return;
    free(c->b64);
    memset(c, 0, sizeof *c);
}

cJSON *pc_challenge_image_json(const pc_challenge_image *c)
{
    cJSON *o = pc_augment_params_json(&c->params);
    if (!o) return NULL;
    int orig[2] = {c->orig_width, c->orig_height};
    cJSON_AddItemToObject(o, "original", cJSON_CreateIntArray(orig, 2));
    cJSON_AddNumberToObject(o, "decode_scale", c->scale_num / 8.0);
    cJSON_AddNumberToObject(o, "jpeg_bytes", (double)c->jpeg_len);
    return o;
}
