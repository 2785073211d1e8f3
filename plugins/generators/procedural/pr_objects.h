/* pr_objects.h — street objects drawn as camera-facing cut-outs ("billboards").
 *
 * Each object stands on the ground at screen point (bx, by) — the middle of its footprint —
 * and is drawn at `ppm` pixels per metre, so the scene's perspective decides its size.
 * `light` scales all colours (dusk, overcast); `sun` (-1 left, +1 right, 0 diffuse) picks the
 * shaded side and the direction of the contact shadow. */
#ifndef PR_OBJECTS_H
#define PR_OBJECTS_H

#include "pr_raster.h"

typedef struct pr_light {
    float k;   /* overall brightness multiplier, ~0.55 (dusk) .. 1.05 (bright day) */
    float sun; /* -1 sun from the left, +1 from the right, 0 overcast */
} pr_light;

/* Roadwork objects. */
void pr_draw_cone(proctor_image *img, float bx, float by, float ppm, pr_light l);
void pr_draw_drum(proctor_image *img, float bx, float by, float ppm, pr_light l);
/* width_m: board length in metres; red: red/white stripes, else orange/white */
void pr_draw_barrier(proctor_image *img, float bx, float by, float ppm, float width_m, int red,
                     pr_light l);
/* yellow: yellow diamond, else orange; glyph 0 = digging worker, 1 = '!' */
void pr_draw_sign(proctor_image *img, float bx, float by, float ppm, int yellow, int glyph,
                  pr_light l);
/* vest_orange: orange vest, else fluorescent yellow-green; skin 0..2 */
void pr_draw_worker(proctor_image *img, float bx, float by, float ppm, int vest_orange, int skin,
                    pr_light l);

/* Everything else. */
void pr_draw_car(proctor_image *img, float bx, float by, float ppm, pr_rgb body, int taxi,
                 pr_light l);
void pr_draw_tree(proctor_image *img, float bx, float by, float ppm, pr_rgb leaves, float size,
                  pr_light l);
/* arm_dir: -1 arm reaches left, +1 right */
void pr_draw_lamp(proctor_image *img, float bx, float by, float ppm, int arm_dir, pr_light l);
/* a soft dark ellipse on the ground under an object, pushed away from the sun */
void pr_contact_shadow(proctor_image *img, float bx, float by, float ppm, float w_m, pr_light l);

#endif
