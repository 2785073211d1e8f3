/* pr_street.h — the t2i scene's camera and street, shared by the files that draw it:
 * pr_backdrop.c (sky, ground, markings, buildings), pr_place.c (objects on the street) and
 * pr_scene.c (choices and order).
 *
 * A pinhole camera 1.3-1.6 m above a flat ground plane looks down the road (+Z). World units
 * are metres: X across the road (0 = the road's left edge), Y up, Z ahead. Ground shapes and
 * building faces are planar quads, so projecting their corners is exact; small objects are
 * camera-facing cut-outs (pr_objects) scaled by f / Z. */
#ifndef PR_STREET_H
#define PR_STREET_H

#include "pr_hints.h"
#include "pr_items.h"
#include "pr_rng.h"

typedef struct pr_cam {
    float hy, vx, f, camh, camx; /* horizon row, vanishing column, focal (px), height, X */
    int w, h;
} pr_cam;

typedef struct pr_street {
    pr_setting setting;
    pr_style style;
    int lanes;
    float lw;              /* lane width                                            */
    float lane0;           /* X where the first traffic lane starts                 */
    float road_w;          /* X of the road's right edge                            */
    int park_l, park_r;    /* parking strips inside the road on either side         */
    float side_w;          /* sidewalk / shoulder width                             */
    pr_rgb sky_top, sky_horizon, haze, asphalt, ground;
    pr_light light;
} pr_street;

static inline pr_pt pr_proj(const pr_cam *c, float X, float Y, float Z)
{
    float s = c->f / Z;
    pr_pt p = {c->vx + (X - c->camx) * s, c->hy + (c->camh - Y) * s};
    return p;
}

/* A ground quad X0..X1, Z0..Z1 that fades into the haze toward the horizon. */
void pr_ground_quad(proctor_image *img, const pr_cam *c, const pr_street *st, float X0, float X1,
                    float Z0, float Z1, pr_rgb col, float alpha);

/* The backdrop, in painting order. */
void pr_draw_sky(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r);
void pr_draw_far(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r);
void pr_draw_ground(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r);
void pr_draw_markings(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r);
/* buildings along one side (dir -1 left, +1 right) */
void pr_draw_side(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r, int dir);
void pr_draw_guardrail(proctor_image *img, const pr_cam *c, const pr_street *st, float x);

/* Objects go into a list first and are painted far to near afterwards. */
typedef struct pr_placer {
    const pr_cam *c;
    pr_items *it;
} pr_placer;

void pr_place_scenery(pr_placer *pl, const pr_street *st, pr_rng *r);
/* The work zone of a label 1 scene; fills the summary's zone fields and zone[] = the zone's
 * X range and depth range (x0, x1, z0, z1) so that cars keep out of it. */
void pr_place_roadwork(pr_placer *pl, const pr_street *st, const pr_options *o, const pr_hints *h,
                       pr_rng *r, pr_summary *sum, float zone[4]);
void pr_place_cars(pr_placer *pl, const pr_street *st, const pr_options *o, pr_rng *r, const float zone[4]);

#endif
