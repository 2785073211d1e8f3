/* pr_edit.c — i2i: edit an existing photo.
 *
 * We know nothing about the photo's geometry, so we assume what a dashcam-like street photo
 * usually has: a horizon a little above the middle, a vanishing point near the centre, a
 * camera about 1.5 m above the road. Objects go on the lower half at the size that camera
 * would see them (pixels per metre = f / Z). Strength scales how much changes: how many
 * objects, how strong the light/colour shift and the shadow; 0 changes nothing. */
#include "pr_hints.h"
#include "pr_items.h"
#include "pr_rng.h"

#include <math.h>
#include <string.h>

typedef struct geom {
    float hy, vx, f, camh;
    int w, h;
    float zmin, zmax; /* depth range whose foot points fall on rows ~0.55h .. 0.96h */
} geom;

static pr_pt foot(const geom *g, float X, float Z)
{
    pr_pt p = {g->vx + X * g->f / Z, g->hy + g->camh * g->f / Z};
    return p;
}

static int put_item(const geom *g, pr_items *it, pr_kind kind, float X, float Z, float size, int a,
                    int b, pr_rgb col)
{
    pr_pt p = foot(g, X, Z);
    if (p.x < 0.04f * g->w || p.x > 0.96f * g->w || p.y > g->h - 2) return 0;
    pr_item o = {kind, Z, p.x, p.y, g->f / Z, size, a, b, col, 0};
    pr_items_add(it, o);
    return 1;
}

/* Mean luminance of the lower half, so pasted objects are not brighter than the photo. */
static float scene_light(const proctor_image *img)
{
    double sum = 0;
    size_t n = 0;
    for (int y = img->height / 2; y < img->height; y += 2) {
        const uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x += 2, n++)
            sum += 0.299 * row[x * 3] + 0.587 * row[x * 3 + 1] + 0.114 * row[x * 3 + 2];
    }
    float mean = n ? (float)(sum / (double)n) : 128;
    float k = mean / 120.0f;
    return k < 0.55f ? 0.55f : k > 1.05f ? 1.05f : k;
}

/* Per-channel gain and contrast about mid-grey, blended in by `amount` (0..1). */
static void relight(proctor_image *img, const float gain[3], float contrast, float amount)
{
    uint8_t lut[3][256];
    for (int k = 0; k < 3; k++)
        for (int v = 0; v < 256; v++) {
            float t = ((v - 128.0f) * contrast + 128.0f) * gain[k];
            t = v + (t - v) * amount + 0.5f;
            lut[k][v] = (uint8_t)(t < 0 ? 0 : t > 255 ? 255 : t);
        }
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x++)
            for (int k = 0; k < 3; k++) row[x * 3 + k] = lut[k][row[x * 3 + k]];
    }
}

static void light_change(proctor_image *img, pr_rng *r, float amount)
{
    float gain[3] = {1, 1, 1}, warm = (float)pr_uniform(r, -0.12, 0.12), bright = (float)pr_uniform(r, 0.8, 1.15);
    gain[0] = bright * (1 + warm), gain[1] = bright, gain[2] = bright * (1 - warm);
    relight(img, gain, (float)pr_uniform(r, 0.85, 1.15), amount);
}

/* A soft shadow cast across the lower part from one side (a building or a tree out of view). */
static void cast_shadow(proctor_image *img, const geom *g, pr_rng *r, float strength)
{
    int from_left = pr_chance(r, 0.5);
    float w = (float)g->w, h = (float)g->h;
    float reach = (float)pr_uniform(r, 0.3, 0.75) * w, y0 = g->hy + (h - g->hy) * (float)pr_uniform(r, 0.1, 0.5);
    float alpha = (0.2f + 0.3f * strength) / 3;
    for (int i = 0; i < 3; i++) { /* three nested layers make a soft edge */
        float e = reach + (float)(i - 1) * 0.03f * w;
        pr_pt p[4] = {{0, y0}, {e * 0.6f, y0}, {e, h}, {0, h}};
        if (!from_left)
            for (int k = 0; k < 4; k++) p[k].x = w - p[k].x;
        pr_fill_poly(img, p, 4, pr_rgb3(8, 10, 18), alpha);
    }
}

static void add_roadwork(const geom *g, pr_items *it, pr_rng *r, int n, const pr_hints *h, pr_summary *sum)
{
    int side = pr_chance(r, 0.6) ? 1 : -1;
    pr_zone_mix m;
    m.signs = n >= 3 && pr_chance(r, 0.6);
    m.barriers = n - m.signs >= 4 && pr_chance(r, 0.5);
    m.workers = n - m.signs - m.barriers >= 5 && pr_chance(r, 0.4);
    m.cones = n - m.signs - m.barriers - m.workers, m.drums = pr_chance(r, 0.2);
    if (h->any_object) pr_hints_mix(h, n, r, &m);
    float x_out = side * (float)pr_uniform(r, 2.2, 3.6), x_in = side * (float)pr_uniform(r, 0.6, 1.6);
    float z0 = g->zmin * (float)pr_uniform(r, 1.05, 1.6), z1 = fminf(g->zmax, z0 + (float)pr_uniform(r, 8, 25));
    sum->side = side, sum->in_lane = pr_chance(r, 0.5);
    for (int i = 0; i < m.cones; i++) { /* a taper from the outside toward the middle */
        float t = m.cones > 1 ? (float)i / (float)(m.cones - 1) : 0.5f;
        put_item(g, it, m.drums ? PR_DRUM : PR_CONE, x_out + (x_in - x_out) * t, z0 + (z1 - z0) * t, 1, 0, 0, pr_rgb3(0, 0, 0));
    }
    int red = pr_chance(r, 0.35);
    for (int i = 0; i < m.barriers; i++)
        put_item(g, it, PR_BARRIER, x_in + side * 1.0f, z1 + 1.5f + 5.0f * i, (float)pr_uniform(r, 1.5, 2.2), red, 0, pr_rgb3(0, 0, 0));
    if (m.signs) {
        int yellow = pr_chance(r, 0.35), glyph = pr_chance(r, 0.3);
        put_item(g, it, PR_SIGN, x_out + side * 0.6f, fmaxf(g->zmin * 1.1f, z0 - 2), 1, yellow, glyph, pr_rgb3(0, 0, 0));
    }
    for (int i = 0; i < m.workers; i++) {
        int vest = pr_chance(r, 0.5), skin = pr_int(r, 0, 2);
        put_item(g, it, PR_WORKER, (x_in + x_out) * 0.5f + side * (0.5f - 1.2f * i), (z0 + z1) * 0.5f + 2 + 3.0f * i, 1,
                 vest, skin, pr_rgb3(0, 0, 0));
    }
    if (it->n == 0) /* everything fell outside the frame: one cone near the middle */
        put_item(g, it, PR_CONE, side * 0.5f, (g->zmin + g->zmax) * 0.4f, 1, 0, 0, pr_rgb3(0, 0, 0));
}

void pr_edit_image(proctor_image *img, uint64_t seed, int label, double strength,
                   const pr_options *o, const char *prompt, pr_summary *sum)
{
    pr_summary local;
    if (!sum) sum = &local;
    memset(sum, 0, sizeof *sum);
    sum->label = label;
    if (!(strength > 0.004)) return; /* 0 (or NaN): the init image unchanged */
    float s = strength > 1 ? 1.0f : (float)strength;
    pr_rng r;
    pr_rng_seed(&r, seed);
    geom g;
    g.w = img->width, g.h = img->height;
    g.hy = g.h * (float)pr_uniform(&r, 0.42, 0.5);
    g.vx = g.w * (float)pr_uniform(&r, 0.42, 0.58);
    g.f = g.w * (float)pr_uniform(&r, 0.7, 0.9);
    g.camh = 1.5f;
    g.zmin = g.camh * g.f / (0.96f * g.h - g.hy);
    g.zmax = g.camh * g.f / (fmaxf(0.56f * g.h, g.hy + 0.06f * g.h) - g.hy);
    pr_light l = {scene_light(img), pr_chance(&r, 0.3) ? 0.0f : pr_chance(&r, 0.5) ? 1.0f : -1.0f};

    pr_items items;
    items.n = 0;
    if (label == 1) {
        light_change(img, &r, 0.35f * s);
        int n = (int)lroundf(s * o->objects_max * (float)pr_uniform(&r, 0.6, 1.0));
        pr_hints h;
        pr_hints_parse(prompt, &h);
        add_roadwork(&g, &items, &r, n < 1 ? 1 : n > o->objects_max ? o->objects_max : n, &h, sum);
    } else {
        /* one edit at low strength, up to all three at high strength; never roadwork */
        int want = 1 + (s > 0.45f) + (s > 0.8f), bits = 0;
        while (__builtin_popcount((unsigned)bits) < want) bits |= 1 << pr_int(&r, 0, 2);
        sum->edit_kind = bits;
        if (bits & PR_EDIT_LIGHT) light_change(img, &r, s);
        if (bits & PR_EDIT_SHADOW) cast_shadow(img, &g, &r, s);
        if (bits & PR_EDIT_CAR) {
            int cars = 1 + (int)(s * 2.0f * (float)pr_unit(&r));
            for (int i = 0; i < cars * 4 && items.n < cars; i++) {
                int taxi;
                pr_rgb col = pr_car_color(&r, 1, &taxi);
                float x = (float)pr_uniform(&r, -2.8, 2.8), z = (float)pr_uniform(&r, g.zmin * 1.3, g.zmax);
                put_item(&g, &items, PR_CAR, x, z, 1, taxi, 0, col);
            }
        }
    }
    pr_items_count(&items, sum);
    pr_items_draw(img, &items, l);
}
