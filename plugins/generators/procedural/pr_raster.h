/* pr_raster.h — anti-aliased drawing on an RGB proctor_image: convex polygons (coverage
 * sampled at the edges only), ellipses as polygons, convex clipping, vertical gradients.
 * Coordinates are pixels, float, y down; (0,0) is the top-left corner of the top-left pixel. */
#ifndef PR_RASTER_H
#define PR_RASTER_H

#include "proctor.h"

#define PR_POLY_MAX 72 /* most vertices a polygon may have (ellipses use up to 48) */

typedef struct pr_pt {
    float x, y;
} pr_pt;

typedef struct pr_rgb {
    float r, g, b; /* 0..255 */
} pr_rgb;

static inline pr_rgb pr_rgb3(float r, float g, float b)
{
    pr_rgb c = {r, g, b};
    return c;
}
/* c * k, per channel (shading) */
static inline pr_rgb pr_shade(pr_rgb c, float k)
{
    return pr_rgb3(c.r * k, c.g * k, c.b * k);
}
static inline pr_rgb pr_mix(pr_rgb a, pr_rgb b, float t)
{
    return pr_rgb3(a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t);
}

/* Fill a convex polygon (either winding) with colour c at opacity alpha (0..1).
 * Pixels fully inside get full coverage; pixels on an edge are sampled 4x4. */
void pr_fill_poly(proctor_image *img, const pr_pt *p, int n, pr_rgb c, float alpha);
/* Same with a vertical gradient: colour `top` at y0 to `bottom` at y1 (clamped outside). */
void pr_fill_poly_vgrad(proctor_image *img, const pr_pt *p, int n, pr_rgb top, pr_rgb bottom,
                        float y0, float y1, float alpha);
void pr_fill_rect(proctor_image *img, float x0, float y0, float x1, float y1, pr_rgb c, float alpha);
void pr_fill_quad(proctor_image *img, pr_pt a, pr_pt b, pr_pt c, pr_pt d, pr_rgb col, float alpha);
void pr_fill_ellipse(proctor_image *img, float cx, float cy, float rx, float ry, pr_rgb c, float alpha);
/* A straight stroke of width w from a to b (a thin quad). */
void pr_line(proctor_image *img, pr_pt a, pr_pt b, float w, pr_rgb c, float alpha);

/* Clip convex polygon `in` (n points) by convex polygon `clip` (m points, either winding).
 * Writes at most n + m points to out; returns the count (0 when they do not overlap). */
int pr_clip_convex(const pr_pt *in, int n, const pr_pt *clip, int m, pr_pt *out);

/* Fill rows [y0, y1) with a vertical gradient from `top` (row y0) to `bottom` (row y1 - 1). */
void pr_vgradient_rows(proctor_image *img, int y0, int y1, pr_rgb top, pr_rgb bottom);

#endif
