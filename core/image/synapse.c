/* synapse.c — see synapse.h.
 *
 * Decode scale. A 12 MP photo ends as 224 x 224, so decoding every pixel is wasted work:
 * libjpeg can run its IDCT at n/8 scale and skip most of it. The scale must not make the
 * result worse than downscaling the full image, i.e. the crop that is resized to 224 must
 * still have at least 224 source pixels on a side. The level is the stream's first draw,
 * so it is known before decoding:
 *   level 0 crops the largest square: the short side s must be >= 224;
 *   levels 1..3 crop a square of area >= crop_scale_min * w * h (0.2), whose side is at
 *   least sqrt(0.2 * s * l) = s * sqrt(0.2 * l / s) (l the long side; when 0.2 * l / s > 1
 *   every draw fails and the centre crop of side s is used). So s >= 224 / sqrt(0.2 * l / s),
 *   and s >= 224 in any case.
 * One extra pixel covers the rounding of the crop side and of the scaled dimensions.
 * The augmentation then draws its crop on the decoded image; its fractions (area scale,
 * position, mask point) are the same as on the full image.
 *
 * Decode rows. The whole plan (angle, crop box, ...) depends only on the seed and the
 * decoded size, so it is drawn before decoding, and the JPEG decoder stops after the last
 * source row the rotated crop box reads (on average a fifth of the entropy decoding saved;
 * the rows above it must be decoded anyway, JPEG has no random access). */
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
    int level = pc_augment_pick_level(o, seed);
    int dw, dh; /* the decoded size: the plan is drawn on it */
    proctor_image_format fmt = pc_image_sniff(bytes, len);
    int min_side = pc_challenge_decode_min_side(o, level, w, h);
    pc_image_decode_scale(fmt, w, h, min_side, &dw, &dh);
    int mask[2], *mp = NULL;
    if (mask_xy) { /* to the decoded image's pixels */
        mask[0] = (int)floor((double)mask_xy[0] * dw / w);
        mask[1] = (int)floor((double)mask_xy[1] * dh / h);
        mp = mask;
    }
    st = pc_augment_plan(o, seed, dw, dh, mp, &out->params, err, errlen);
    if (st != PROCTOR_OK) return st;
    proctor_image img;
    st = pc_image_decode_rows(bytes, len, min_side, pc_augment_rows_needed(&out->params), &img,
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
