/* synapse.h — challenge image preparation: source bytes -> decode -> augment -> JPEG ->
 * standard base64, the `image` field of the ImageSynapse body (specs/bittensor.md 1.3).
 * The JSON body itself is built by core/net. */
#ifndef PC_IMAGE_SYNAPSE_H
#define PC_IMAGE_SYNAPSE_H

#include "image/augment.h"
#include "proctor.h"
#include <cjson/cJSON.h>

typedef struct pc_challenge_image {
    char *b64;            /* NUL-terminated standard base64 ('=' padded, no newlines)    */
    size_t b64_len;       /* strlen(b64)                                                 */
    size_t jpeg_len;      /* bytes of the JPEG before base64                             */
    int orig_width, orig_height; /* the source image as stored                           */
    int scale_num;        /* the source was decoded at scale_num/8 (8 = full size): the
                             smallest scale whose crop keeps >= size pixels a side       */
    pc_augment_params params; /* in the coordinates of the decoded image                 */
} pc_challenge_image;

/* mask_xy: the item's mask_center in source pixels, or NULL. jpeg_quality: 75 upstream.
 * On success out->b64 is malloc'd; release with pc_challenge_image_free. */
proctor_status pc_challenge_image_prepare(const void *bytes, size_t len, const pc_augment_opts *o,
                                  uint64_t seed, const int *mask_xy, int jpeg_quality,
                                  pc_challenge_image *out, char *err, size_t errlen);
void pc_challenge_image_free(pc_challenge_image *c);

/* A bound for callers that decode before planning: the smallest short side a w x h source
 * may be decoded at so that no crop of this level, whatever its draws, has fewer than
 * o->size pixels a side (pc_challenge_image_prepare plans first and does better). */
int pc_challenge_decode_min_side(const pc_augment_opts *o, int level, int w, int h);

/* The augmentation params plus the decode facts, for the audit log (new cJSON object). */
cJSON *pc_challenge_image_json(const pc_challenge_image *c);

#endif
