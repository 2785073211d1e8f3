/* pr_render.h — the procedural renderer's public face, used by the plugin (procedural.c),
 * the demo-photo tool (tools/make_demo_photos) and the tests. No host services: everything is
 * a pure function of (image size, seed, label, options), so renders are reproducible. */
#ifndef PR_RENDER_H
#define PR_RENDER_H

#include "proctor.h"

#include <stddef.h>
#include <stdint.h>

#define PR_MODEL_NAME "procedural-1"
#define PR_MAX_SIDE 8192          /* largest width or height accepted */
#define PR_MAX_PIXELS (40u << 20) /* largest width * height accepted (40 Mpx) */
#define PR_OBJECTS_LIMIT 64       /* upper bound of objects_max */

typedef enum pr_style { PR_STYLE_AUTO = 0, PR_STYLE_DAY, PR_STYLE_OVERCAST, PR_STYLE_DUSK } pr_style;
typedef enum pr_setting {
    PR_SETTING_AUTO = 0,
    PR_SETTING_CITY,
    PR_SETTING_SUBURB,
    PR_SETTING_HIGHWAY
} pr_setting;

typedef struct pr_options {
    pr_style style;     /* lighting; AUTO draws one per seed                       */
    pr_setting setting; /* kind of street; AUTO draws one per seed                 */
    int objects_max;    /* most roadwork objects in one image (1..PR_OBJECTS_LIMIT) */
    int cars_max;       /* most cars in a t2i scene (0..PR_OBJECTS_LIMIT)          */
    double grain;       /* per-pixel noise amplitude in 8-bit levels (0..32)      */
} pr_options;

/* What ended up in an image; the source of the scene description. */
typedef struct pr_summary {
    int label;
    pr_style style;     /* resolved (never AUTO for t2i; AUTO for i2i: unknown)     */
    pr_setting setting; /* resolved (never AUTO for t2i; AUTO for i2i)              */
    int lanes;          /* 0 when unknown (i2i)                                     */
    int cones, drums, barriers, signs, workers; /* roadwork objects drawn          */
    int barriers_red, signs_yellow; /* how many of those are red / yellow             */
    int cars;
    int side;      /* work zone side: -1 left, +1 right, 0 none or a middle lane   */
    int in_lane;   /* 1: the zone closes a lane, 0: it sits on the shoulder/kerb  */
    int dug;       /* 1: a patch of torn-up road in the zone                       */
    int edit_kind; /* i2i label 0: PR_EDIT_* bits applied                          */
} pr_summary;

enum { PR_EDIT_CAR = 1, PR_EDIT_SHADOW = 2, PR_EDIT_LIGHT = 4 };

void pr_options_default(pr_options *o);
/* "auto" | "day" | "overcast" | "dusk"; returns 0 on success, -1 for an unknown name */
int pr_style_parse(const char *s, pr_style *out);
/* "auto" | "city" | "suburb" | "highway" */
int pr_setting_parse(const char *s, pr_setting *out);
/* NULL when the options are usable, else a static message naming the bad field. */
const char *pr_options_check(const pr_options *o);

/* t2i: draw a whole street scene into img (RGB, channels 3, any size >= 8x8). label 1 adds a
 * work zone; label 0 never draws a roadwork object. prompt (may be NULL) steers the choices:
 * roadwork objects it names (label 1 only), "highway", "at dusk", ... (see pr_hints.c); options
 * that are not "auto" win over it. sum may be NULL. */
void pr_render_scene(proctor_image *img, uint64_t seed, int label, const pr_options *o,
                     const char *prompt, pr_summary *sum);

/* i2i: edit img in place (it holds the init image). strength 0 leaves it unchanged; larger
 * strengths change more. label 1 pastes roadwork objects on the lower half in perspective
 * (those the prompt names, when it names any); label 0 applies a roadwork-free edit (a car, a
 * shadow, a light/colour change). */
void pr_edit_image(proctor_image *img, uint64_t seed, int label, double strength,
                   const pr_options *o, const char *prompt, pr_summary *sum);

/* One plain English sentence about what the summary says was drawn ("" for label 0 and
 * nothing added). Always NUL-terminates when n > 0; returns the length it wanted. */
size_t pr_describe(const pr_summary *sum, char *buf, size_t n);

#endif
