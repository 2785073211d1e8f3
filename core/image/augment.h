/* augment.h — the challenge image augmentation, levels 0..3 (DESIGN.md section 6).
 *
 * What upstream's validator code does (natix/utils/image_transforms.py), step by step:
 *   level 0: center crop to the largest square (PIL, 8-bit), PIL bilinear resize to 224.
 *   level 1: on the float image: rotation by U(-20, 20) degrees about the centre, nearest
 *            neighbour, same canvas, black corners; RandomResizedCrop (area U(0.2, 1), 1:1,
 *            10 tries then a centre crop; zero padding where a mask_center shift pushes the
 *            box off the canvas), bilinear antialiased float resize to 224; flips (upstream's
 *            never fire: probability 0 by default).
 *   level 2: level 1, then CS, CC, JPEG, each at a level drawn from {0, 1}.
 *   level 3: level 1, then CS, CC, JPEG, GNC, GB, each at a level drawn from {0, 1, 2}.
 *   Distortions run on the image truncated to 8 bits (x*255 cast), and the final float image
 *   is truncated the same way, so levels 1..3 end as 8-bit RGB.
 * All random draws come from one xoshiro256** stream seeded by `seed`, in a fixed order
 * (level, angle, crop, flips, distortion levels, noise seed): the same seed and source image
 * give the same bytes. */
#ifndef PC_IMAGE_AUGMENT_H
#define PC_IMAGE_AUGMENT_H

#include "proctor.h"
#include <cjson/cJSON.h>
#include <stdint.h>

enum { PC_DIST_CS, PC_DIST_CC, PC_DIST_JPEG, PC_DIST_GNC, PC_DIST_GB, PC_DIST_COUNT };

typedef struct pc_augment_opts {
    int size;                 /* output side, 224 (upstream TARGET_IMAGE_SIZE)              */
    double level_probs[4];    /* 0.25 each                                                  */
    double rotate_degrees;    /* 20: angle uniform in [-20, 20]                             */
    double crop_scale_min;    /* 0.2                                                        */
    double crop_scale_max;    /* 1.0                                                        */
    double hflip_prob;        /* 0 (upstream's flips never fire; 0.5 is what it meant)      */
    double vflip_prob;        /* 0                                                          */
    int mask_true_dims;       /* 0: upstream clamps the mask shift with height and width
                                 swapped (it unpacks a CxHxW shape as width, height);
                                 1: clamp with the real dimensions                          */
    int level2_max;           /* 1: level 2 draws each distortion level from {0..1}         */
    int level3_max;           /* 2: level 3 draws from {0..2}                               */
    double cs[5];             /* 0.4 0.3 0.2 0.1 0.0                                        */
    double cc[5];             /* 0.85 0.725 0.6 0.475 0.35                                  */
    int jpeg[5];              /* 2 3 4 5 6                                                  */
    double gnc[5];            /* 0.001 0.002 0.005 0.01 0.05                                */
    int gb[5];                /* 7 9 13 17 21 (kernel; sigma = kernel / 6)                  */
} pc_augment_opts;

/* What was done, for the audit log and for replay. */
typedef struct pc_augment_params {
    uint64_t seed;
    int level;
    int src_width, src_height; /* the image the augmentation worked on                   */
    int size;
    double angle;              /* degrees, counter-clockwise (levels 1..3)               */
    int crop_x, crop_y, crop_w, crop_h; /* box on the (rotated) source canvas            */
    int has_mask;
    int mask_x, mask_y;
    int hflip, vflip;
    int dist_level[PC_DIST_COUNT]; /* -1: not part of this level; 0: skipped; 1..5       */
    double dist_param[PC_DIST_COUNT];
    uint64_t noise_seed;       /* GNC's own stream                                       */
} pc_augment_params;

void pc_augment_defaults(pc_augment_opts *o);
/* PROCTOR_OK or PROCTOR_INVALID with the reason (probabilities, tables, ranges). */
proctor_status pc_augment_check(const pc_augment_opts *o, char *err, size_t errlen);

/* The level a given seed selects (the first draw of the stream). */
int pc_augment_pick_level(const pc_augment_opts *o, uint64_t seed);

/* src: RGB. mask_xy: the item's mask_center (x, y) in src pixels, or NULL. out: a new
 * o->size x o->size RGB image (free with pc_image_free). params may be NULL.
 * Same as pc_augment_plan on src's size followed by pc_augment_render. */
proctor_status pc_augment(const proctor_image *src, const pc_augment_opts *o, uint64_t seed,
                          const int *mask_xy, proctor_image *out, pc_augment_params *params,
                          char *err, size_t errlen);

/* Every random draw for a w x h source, without pixels: the decoder can then be told how
 * much of the source the augmentation will look at. */
proctor_status pc_augment_plan(const pc_augment_opts *o, uint64_t seed, int w, int h,
                               const int *mask_xy, pc_augment_params *p, char *err, size_t errlen);
/* Source rows [0, n) that rendering p reads (rows below may be left undecoded). */
int pc_augment_rows_needed(const pc_augment_params *p);
/* Apply a plan to its source (same size as planned). */
proctor_status pc_augment_render(const proctor_image *src, const pc_augment_opts *o,
                                 const pc_augment_params *p, proctor_image *out, char *err,
                                 size_t errlen);

/* The s x s box at (x, y) of src rotated by angle degrees (counter-clockwise) about its
 * centre: nearest neighbour, black outside (used by pc_augment; public for tests). */
proctor_status pc_augment_rotate_crop(const proctor_image *src, double angle, int x, int y,
                                      int s, proctor_image *out, char *err, size_t errlen);

const char *pc_distortion_name(int d);
/* A new cJSON object describing params (seeds as decimal strings: they exceed 2^53). */
cJSON *pc_augment_params_json(const pc_augment_params *p);

#endif
