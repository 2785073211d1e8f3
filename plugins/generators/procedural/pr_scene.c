/* pr_scene.c — t2i: a whole street scene from a seed.
 *
 * A pinhole camera 1.3-1.6 m above a flat ground plane looks down the road (+Z). World units
 * are metres: X across the road (0 = the road's left edge), Y up, Z ahead. Ground shapes and
 * building faces are planar quads, so projecting their corners is exact; small objects are
 * camera-facing cut-outs (pr_objects) scaled by f / Z. Everything is painted far to near. */
#include "pr_hints.h"
#include "pr_items.h"
#include "pr_rng.h"

#include <math.h>
#include <string.h>

typedef struct cam {
    float hy, vx, f, camh, camx; /* horizon row, vanishing column, focal (px), height, X */
    int w, h;
} cam;

typedef struct street {
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
} street;

static pr_pt proj(const cam *c, float X, float Y, float Z)
{
    float s = c->f / Z;
    pr_pt p = {c->vx + (X - c->camx) * s, c->hy + (c->camh - Y) * s};
    return p;
}

/* A ground quad X0..X1, Z0..Z1 that fades into the haze toward the horizon. */
static void ground_quad(proctor_image *img, const cam *c, const street *st, float X0, float X1,
                        float Z0, float Z1, pr_rgb col, float alpha)
{
    pr_pt p[4] = {proj(c, X0, 0, Z0), proj(c, X1, 0, Z0), proj(c, X1, 0, Z1), proj(c, X0, 0, Z1)};
    float ybot = c->hy + (c->h - c->hy) * 0.6f;
    pr_fill_poly_vgrad(img, p, 4, pr_mix(col, st->haze, 0.55f), col, c->hy, ybot, alpha);
}

/* A vertical quad in the plane X = x (a facade), Z0..Z1, Y0..Y1. */
static void wall_x(proctor_image *img, const cam *c, float x, float Z0, float Z1, float Y0,
                   float Y1, pr_rgb col, float alpha)
{
    pr_fill_quad(img, proj(c, x, Y0, Z0), proj(c, x, Y0, Z1), proj(c, x, Y1, Z1), proj(c, x, Y1, Z0),
                 col, alpha);
}

/* A vertical quad in the plane Z = z (facing the camera), X0..X1, Y0..Y1. */
static void wall_z(proctor_image *img, const cam *c, float z, float X0, float X1, float Y0,
                   float Y1, pr_rgb col, float alpha)
{
    pr_fill_quad(img, proj(c, X0, Y0, z), proj(c, X1, Y0, z), proj(c, X1, Y1, z), proj(c, X0, Y1, z),
                 col, alpha);
}

static float haze_k(float z) { return fminf(0.85f, z / 260.0f); }

/* ---- sky and horizon -------------------------------------------------------------------- */

static void draw_sky(proctor_image *img, const cam *c, const street *st, pr_rng *r)
{
    int hy = (int)ceilf(c->hy) + 1;
    pr_vgradient_rows(img, 0, hy, st->sky_top, st->sky_horizon);
    int clusters = st->style == PR_STYLE_OVERCAST ? pr_int(r, 6, 10) : pr_int(r, 1, 6);
    for (int i = 0; i < clusters; i++) {
        float cx = (float)pr_uniform(r, -0.1, 1.1) * c->w, cy = (float)pr_uniform(r, 0.05, 0.75) * c->hy;
        float size = (float)pr_uniform(r, 0.04, 0.12) * c->w * (st->style == PR_STYLE_OVERCAST ? 2.0f : 1.0f);
        pr_rgb col = st->style == PR_STYLE_DUSK       ? pr_rgb3(235, 170, 160)
                     : st->style == PR_STYLE_OVERCAST ? pr_rgb3(170, 172, 178)
                                                      : pr_rgb3(248, 248, 250);
        float alpha = st->style == PR_STYLE_DAY ? (float)pr_uniform(r, 0.5, 0.85) : 0.3f;
        int puffs = pr_int(r, 3, 6);
        for (int k = 0; k < puffs; k++)
            pr_fill_ellipse(img, cx + (float)pr_uniform(r, -1.2, 1.2) * size,
                            cy + (float)pr_uniform(r, -0.25, 0.25) * size,
                            size * (float)pr_uniform(r, 0.5, 1.0), size * (float)pr_uniform(r, 0.22, 0.4),
                            col, alpha);
    }
}

/* Distant blocks (city) or hills (elsewhere) standing on the horizon. */
static void draw_far(proctor_image *img, const cam *c, const street *st, pr_rng *r)
{
    if (st->setting == PR_SETTING_CITY) {
        pr_rgb col = pr_mix(st->haze, pr_rgb3(95, 105, 125), 0.45f);
        for (float x = -5; x < c->w;) {
            float bw = (float)pr_uniform(r, 0.02, 0.07) * c->w, bh = (float)pr_uniform(r, 0.02, 0.16) * c->h;
            pr_fill_rect(img, x, c->hy - bh, x + bw, c->hy + 1, pr_shade(col, (float)pr_uniform(r, 0.9, 1.1)), 1);
            x += bw * (float)pr_uniform(r, 0.7, 1.1);
        }
        return;
    }
    pr_rgb col = pr_mix(st->haze, pr_rgb3(70, 95, 70), 0.4f);
    int seg = 24;
    float h0 = (float)pr_uniform(r, 0.01, 0.06) * c->h, ph = (float)pr_uniform(r, 0, 6.28);
    float amp = (float)pr_uniform(r, 0.01, 0.05) * c->h;
    for (int i = 0; i < seg; i++) {
        float xa = (float)c->w * i / seg, xb = (float)c->w * (i + 1) / seg;
        float ha = h0 + amp * (1 + sinf(ph + 7.0f * i / seg)), hb = h0 + amp * (1 + sinf(ph + 7.0f * (i + 1) / seg));
        pr_pt p[4] = {{xa, c->hy + 1}, {xb, c->hy + 1}, {xb, c->hy - hb}, {xa, c->hy - ha}};
        pr_fill_poly(img, p, 4, col, 1);
    }
}

/* ---- ground ------------------------------------------------------------------------------ */

static void draw_ground(proctor_image *img, const cam *c, const street *st, pr_rng *r)
{
    const float zn = 0.6f, zf = 600;
    int hy = (int)floorf(c->hy);
    pr_vgradient_rows(img, hy, c->h, pr_mix(st->ground, st->haze, 0.5f), st->ground);
    pr_rgb pave = pr_shade(pr_rgb3(168, 165, 158), st->light.k), kerb = pr_shade(pr_rgb3(190, 188, 182), st->light.k);
    if (st->setting == PR_SETTING_HIGHWAY) pave = pr_shade(pr_rgb3(128, 122, 112), st->light.k);
    ground_quad(img, c, st, -st->side_w, 0, zn, zf, pave, 1);
    ground_quad(img, c, st, st->road_w, st->road_w + st->side_w, zn, zf, pave, 1);
    if (st->setting != PR_SETTING_HIGHWAY) { /* kerb faces */
        wall_x(img, c, 0, zn, zf, 0, 0.15f, kerb, 1);
        wall_x(img, c, st->road_w, zn, zf, 0, 0.15f, kerb, 1);
    }
    ground_quad(img, c, st, 0, st->road_w, zn, zf, st->asphalt, 1);
    /* repaired patches and tyre tracks keep the asphalt from looking flat */
    int patches = pr_int(r, 2, 6);
    for (int i = 0; i < patches; i++) {
        float x0 = (float)pr_uniform(r, 0, st->road_w - 1), z0 = (float)pr_uniform(r, 4, 60);
        ground_quad(img, c, st, x0, x0 + (float)pr_uniform(r, 0.6, 2.5), z0, z0 + (float)pr_uniform(r, 1, 6),
                    pr_shade(st->asphalt, (float)pr_uniform(r, 0.8, 1.15)), 0.5f);
    }
    for (int l = 0; l < st->lanes; l++) {
        float xc = st->lane0 + st->lw * (l + 0.5f);
        for (int s = -1; s <= 1; s += 2)
            ground_quad(img, c, st, xc + s * 0.85f - 0.3f, xc + s * 0.85f + 0.3f, zn, zf,
                        pr_shade(st->asphalt, 0.88f), 0.35f);
    }
}

static void draw_markings(proctor_image *img, const cam *c, const street *st, pr_rng *r)
{
    pr_rgb white = pr_shade(pr_rgb3(232, 232, 226), st->light.k);
    pr_rgb yellow = pr_shade(pr_rgb3(235, 190, 40), st->light.k);
    const float zn = 0.6f, zf = 300;
    if (st->setting == PR_SETTING_HIGHWAY || st->park_l || st->park_r) {
        ground_quad(img, c, st, st->lane0 + 0.1f, st->lane0 + 0.25f, zn, zf, white, 1);
        float xr = st->lane0 + st->lanes * st->lw;
        ground_quad(img, c, st, xr - 0.25f, xr - 0.1f, zn, zf, white, 1);
    }
    float dash = st->setting == PR_SETTING_HIGHWAY ? 3.0f : 3.0f, gap = st->setting == PR_SETTING_HIGHWAY ? 9.0f : 5.0f;
    int centre_yellow = st->setting != PR_SETTING_HIGHWAY && pr_chance(r, 0.35);
    float off = (float)pr_uniform(r, 0, dash + gap);
    for (int l = 1; l < st->lanes; l++) {
        float x = st->lane0 + st->lw * l;
        int centre = st->setting != PR_SETTING_HIGHWAY && l == st->lanes / 2;
        if (centre && centre_yellow) {
            ground_quad(img, c, st, x - 0.22f, x - 0.1f, zn, zf, yellow, 1);
            ground_quad(img, c, st, x + 0.1f, x + 0.22f, zn, zf, yellow, 1);
            continue;
        }
        for (float z = zn - off; z < 160; z += dash + gap)
            if (z + dash > zn) ground_quad(img, c, st, x - 0.07f, x + 0.07f, fmaxf(z, zn), z + dash, white, 1);
    }
    if (st->setting == PR_SETTING_CITY && pr_chance(r, 0.4)) { /* a zebra crossing */
        float z0 = (float)pr_uniform(r, 18, 45);
        for (float x = 0.4f; x + 0.5f < st->road_w; x += 1.0f)
            ground_quad(img, c, st, x, x + 0.5f, z0, z0 + 3.5f, white, 0.95f);
    }
}

/* ---- buildings ------------------------------------------------------------------------- */

static pr_rgb wall_color(pr_rng *r, int house)
{
    static const pr_rgb city[] = {{196, 186, 168}, {160, 160, 158}, {150, 84, 62}, {222, 218, 208},
                                  {120, 126, 136}, {176, 150, 120}, {92, 100, 112}, {205, 196, 180}};
    static const pr_rgb homes[] = {{236, 232, 222}, {215, 200, 170}, {170, 190, 205}, {225, 210, 150},
                                   {180, 110, 90},  {200, 205, 190}};
    return house ? homes[pr_int(r, 0, 5)] : city[pr_int(r, 0, 7)];
}

static void draw_windows(proctor_image *img, const cam *c, const street *st, pr_rng *r, float xf,
                         float z0, float z1, float h, int shop)
{
    float colw = (float)pr_uniform(r, 2.6, 3.6), ww = colw * 0.5f, wh = (float)pr_uniform(r, 1.3, 1.9);
    float y0 = shop ? 4.0f : 1.0f;
    pr_rgb glass = pr_mix(pr_rgb3(45, 55, 70), st->sky_horizon, (float)pr_uniform(r, 0.1, 0.45));
    for (float y = y0; y + wh < h - 0.6f; y += 3.2f)
        for (float z = z0 + 0.8f; z + ww < z1 - 0.5f; z += colw) {
            pr_pt a = proj(c, xf, y, z), b = proj(c, xf, y, z + ww);
            if (fabsf(a.x - b.x) < 1.2f) continue; /* too far to read: the haze covers it */
            pr_rgb g = pr_shade(glass, (float)pr_uniform(r, 0.85, 1.15) * st->light.k);
            if (st->style == PR_STYLE_DUSK && pr_chance(r, 0.3)) g = pr_rgb3(245, 205, 140);
            wall_x(img, c, xf, z, z + ww, y, y + wh, pr_mix(g, st->haze, haze_k(z)), 1);
        }
    if (shop) {
        pr_rgb dark = pr_shade(pr_rgb3(40, 46, 54), st->light.k);
        wall_x(img, c, xf, z0 + 0.6f, z1 - 0.6f, 0.4f, 2.8f, pr_mix(dark, st->haze, haze_k(z0)), 1);
        if (pr_chance(r, 0.5)) { /* an awning; sometimes orange, which is not roadwork */
            static const pr_rgb aw[] = {{200, 40, 40}, {40, 110, 60}, {40, 70, 140}, {225, 120, 40}, {230, 225, 215}};
            pr_rgb col = pr_shade(aw[pr_int(r, 0, 4)], st->light.k);
            float out = xf < st->road_w * 0.5f ? 1.3f : -1.3f;
            pr_fill_quad(img, proj(c, xf, 3.2f, z0 + 0.6f), proj(c, xf, 3.2f, z1 - 0.6f),
                         proj(c, xf + out, 2.6f, z1 - 0.6f), proj(c, xf + out, 2.6f, z0 + 0.6f),
                         pr_mix(col, st->haze, haze_k(z0)), 1);
        }
    }
}

/* One side of the street: dir -1 left, +1 right. Buildings are boxes with a facade toward the
 * road and a front face toward the camera; drawn far to near. */
static void draw_side(proctor_image *img, const cam *c, const street *st, pr_rng *r, int dir)
{
    typedef struct { float z0, z1, h, xf, depth; int shop; pr_rgb col; } box;
    box b[40];
    int n = 0, house = st->setting == PR_SETTING_SUBURB;
    float edge = dir < 0 ? -st->side_w : st->road_w + st->side_w;
    for (float z = (float)pr_uniform(r, -6, 4); z < 260 && n < 40;) {
        float len = house ? (float)pr_uniform(r, 9, 14) : (float)pr_uniform(r, 8, 26);
        float set = house ? (float)pr_uniform(r, 5, 11) : (float)pr_uniform(r, 0, 0.8);
        box *k = &b[n++];
        k->z0 = fmaxf(z, 0.8f);
        k->z1 = z + len;
        k->h = house ? (float)pr_uniform(r, 4.5, 7) : (float)pr_uniform(r, 7, 32);
        k->xf = edge + dir * set;
        k->depth = 12;
        k->shop = !house && pr_chance(r, 0.55);
        k->col = wall_color(r, house);
        z += len + (house ? (float)pr_uniform(r, 4, 14) : (pr_chance(r, 0.2) ? (float)pr_uniform(r, 2, 8) : 0));
        if (k->z1 <= 0.8f) n--;
    }
    float sun_side = st->light.sun == 0 ? 0.9f : (dir * st->light.sun < 0 ? 1.0f : 0.72f);
    for (int i = n - 1; i >= 0; i--) {
        box *k = &b[i];
        pr_rgb col = pr_shade(k->col, st->light.k);
        pr_rgb facade = pr_mix(pr_shade(col, sun_side), st->haze, haze_k(k->z0));
        pr_rgb front = pr_mix(pr_shade(col, 0.82f), st->haze, haze_k(k->z0));
        wall_z(img, c, k->z0, k->xf, k->xf + dir * k->depth, 0, k->h, front, 1);
        wall_x(img, c, k->xf, k->z0, k->z1, 0, k->h, facade, 1);
        if (house) { /* a gable roof in the facade plane */
            pr_rgb roof = pr_mix(pr_shade(pr_rgb3(110, 60, 50), st->light.k * (float)pr_uniform(r, 0.6, 1.1)), st->haze, haze_k(k->z0));
            pr_fill_quad(img, proj(c, k->xf, k->h, k->z0 - 0.4f), proj(c, k->xf, k->h, k->z1 + 0.4f),
                         proj(c, k->xf, k->h + 2.4f, k->z1 - 2.0f), proj(c, k->xf, k->h + 2.4f, k->z0 + 2.0f), roof, 1);
        }
        draw_windows(img, c, st, r, k->xf, k->z0, k->z1, k->h, k->shop);
    }
}

static void draw_guardrail(proctor_image *img, const cam *c, const street *st, float x)
{
    pr_rgb grey = pr_shade(pr_rgb3(175, 178, 182), st->light.k);
    for (float z = 2; z < 200; z += 4) wall_x(img, c, x, z, z + 0.12f, 0, 0.6f, pr_shade(grey, 0.6f), 1);
    wall_x(img, c, x, 0.8f, 300, 0.48f, 0.78f, grey, 1);
}

/* ---- objects ------------------------------------------------------------------------------ */

typedef struct placer {
    const cam *c;
    pr_items *it;
} placer;

/* Add an object standing at (X, Z) when its foot is in the frame; returns 1 when added. */
static int place(placer *pl, pr_kind kind, float X, float Z, float size, int a, int b, pr_rgb col)
{
    const cam *c = pl->c;
    if (Z < 2.5f) return 0;
    pr_pt p = proj(c, X, 0, Z);
    if (p.x < 0.03f * c->w || p.x > 0.97f * c->w || p.y > c->h - 2 || p.y <= c->hy) return 0;
    pr_item o = {kind, Z, p.x, p.y, c->f / Z, size, a, b, col, 0};
    pr_items_add(pl->it, o);
    return 1;
}

static void place_scenery(placer *pl, const street *st, pr_rng *r)
{
    int trees = st->setting == PR_SETTING_SUBURB || (st->setting == PR_SETTING_CITY && pr_chance(r, 0.45));
    int lamps = st->setting != PR_SETTING_SUBURB || pr_chance(r, 0.3);
    int autumn = pr_chance(r, 0.2);
    for (int dir = -1; dir <= 1; dir += 2) {
        float x = dir < 0 ? -st->side_w * 0.55f : st->road_w + st->side_w * 0.55f;
        if (st->setting == PR_SETTING_HIGHWAY) x += dir * (float)pr_uniform(r, 8, 20);
        if (trees || st->setting == PR_SETTING_HIGHWAY)
            for (float z = (float)pr_uniform(r, 4, 14); z < 180; z += (float)pr_uniform(r, 9, 20)) {
                pr_rgb leaves = autumn && pr_chance(r, 0.5) ? pr_rgb3(190, 120, 45) : pr_rgb3(62, 110, 48);
                place(pl, PR_TREE, x + dir * (float)pr_uniform(r, 0, 1.5), z,
                      (float)pr_uniform(r, 0.8, 1.3), 0, 0, pr_shade(leaves, (float)pr_uniform(r, 0.8, 1.1)));
            }
        if (lamps)
            for (float z = (float)pr_uniform(r, 6, 20); z < 180; z += (float)pr_uniform(r, 24, 34)) {
                float lx = dir < 0 ? -0.5f : st->road_w + 0.5f;
                if (st->setting == PR_SETTING_HIGHWAY) lx += dir * 1.5f;
                place(pl, PR_LAMP, lx, z, 1, -dir, 0, pr_rgb3(0, 0, 0));
            }
    }
}

/* The work zone of a label 1 scene: a cone taper into a closed lane (or along the shoulder),
 * a barrier across it, a warning sign ahead of it, workers inside. Returns the zone's X
 * range and depth range in zone[] (x0, x1, z0, z1) so that cars keep out of it. */
static void place_roadwork(placer *pl, const street *st, const pr_options *o, const pr_hints *h,
                           pr_rng *r, pr_summary *sum, float zone[4])
{
    int budget = pr_int(r, o->objects_max < 3 ? o->objects_max : 3, o->objects_max);
    int side = pr_chance(r, 0.65) ? 1 : -1;
    int shoulder = st->setting == PR_SETTING_HIGHWAY ? pr_chance(r, 0.4)
                   : (side > 0 ? st->park_r : st->park_l) ? pr_chance(r, 0.6) : 0;
    float xa, xb; /* the zone across the road */
    if (shoulder) {
        if (st->setting == PR_SETTING_HIGHWAY) xa = side > 0 ? st->road_w : -st->side_w, xb = xa + st->side_w;
        else xa = side > 0 ? st->road_w - 2.4f : 0, xb = xa + 2.4f;
    } else {
        int lane = side > 0 ? st->lanes - 1 : 0;
        xa = st->lane0 + st->lw * lane, xb = xa + st->lw;
    }
    float xin = side > 0 ? xa + 0.35f : xb - 0.35f, xout = side > 0 ? xb - 0.35f : xa + 0.35f;
    float zs = (float)pr_uniform(r, 5.5, 12), taper = (float)pr_uniform(r, 5, 10), len = (float)pr_uniform(r, 16, 40);
    zone[0] = xa, zone[1] = xb, zone[2] = zs - 3, zone[3] = zs + len + 3;
    sum->side = side, sum->in_lane = !shoulder;

    sum->dug = pr_chance(r, 0.45); /* torn-up asphalt inside the zone, drawn by the caller */
    int signs = budget >= 3 && pr_chance(r, 0.75);
    int barriers = budget - signs >= 3 && pr_chance(r, 0.65) ? (budget >= 8 && pr_chance(r, 0.4) ? 2 : 1) : 0;
    int workers = budget - signs - barriers >= 4 && pr_chance(r, 0.45) ? pr_int(r, 1, 2) : 0;
    int cones = budget - signs - barriers - workers;
    int drums = st->setting == PR_SETTING_HIGHWAY && pr_chance(r, 0.5);
    if (h->any_object) { /* the prompt becomes the description: draw what it names */
        pr_zone_mix m;
        pr_hints_mix(h, budget, r, &m);
        signs = m.signs, barriers = m.barriers, workers = m.workers, cones = m.cones, drums = m.drums;
    }
    float ahead = cones > 0 ? taper : 0; /* barrier and workers stand where the taper ends */
    if (signs) {
        float sx = side > 0 ? st->road_w + fminf(0.9f, st->side_w * 0.4f) : -fminf(0.9f, st->side_w * 0.4f);
        if (!place(pl, PR_SIGN, sx, fmaxf(5, zs - (float)pr_uniform(r, 1, 6)), 1, pr_chance(r, 0.35), pr_chance(r, 0.3), pr_rgb3(0, 0, 0)))
            place(pl, PR_SIGN, (xa + xb) * 0.5f, zs + ahead + 1.5f, 1, pr_chance(r, 0.35), 1, pr_rgb3(0, 0, 0));
    }
    int red = pr_chance(r, 0.5);
    for (int i = 0; i < barriers; i++) {
        float w = fminf(xb - xa - 0.3f, (float)pr_uniform(r, 1.6, 2.4));
        float z = zs + ahead + 1.0f + i * (float)pr_uniform(r, 6, 12);
        place(pl, PR_BARRIER, (xa + xb) * 0.5f, z, w, red, 0, pr_rgb3(0, 0, 0));
    }
    for (int i = 0; i < workers; i++)
        place(pl, PR_WORKER, (float)pr_uniform(r, fminf(xa, xb) + 0.6, fmaxf(xa, xb) - 0.6),
              zs + ahead + (float)pr_uniform(r, 2.0, fmaxf(3, fminf(len - ahead, 9))), 1, pr_chance(r, 0.5), pr_int(r, 0, 2), pr_rgb3(0, 0, 0));
    /* the taper: from the zone's outer edge diagonally to its inner edge, then along it */
    float path = sqrtf(taper * taper + (xin - xout) * (xin - xout)) + (len - taper);
    float step = cones > 1 ? fmaxf(1.6f, fminf(path / (cones - 1), 5.0f)) : 0;
    for (int i = 0; i < cones; i++) {
        float d = step * i, X, Z;
        float diag = sqrtf(taper * taper + (xin - xout) * (xin - xout));
        if (d < diag) X = xout + (xin - xout) * d / diag, Z = zs + taper * d / diag;
        else X = xin, Z = zs + taper + (d - diag);
        place(pl, drums ? PR_DRUM : PR_CONE, X, Z, 1, 0, 0, pr_rgb3(0, 0, 0));
    }
    /* a label 1 image must show roadwork: when the zone fell outside the frame, put a cone
     * just ahead of the camera on the zone's side */
    if (pl->it->n == 0) {
        const cam *c = pl->c;
        for (float z = 9; z < 30 && pl->it->n == 0; z += 3)
            place(pl, PR_CONE, c->camx + side * 1.4f, z, 1, 0, 0, pr_rgb3(0, 0, 0));
    }
}

static void place_cars(placer *pl, const street *st, const pr_options *o, pr_rng *r, const float zone[4])
{
    int n = pr_int(r, 0, o->cars_max);
    float zs[PR_OBJECTS_LIMIT + 8];
    float xs[PR_OBJECTS_LIMIT + 8];
    int placed = 0, taxis = st->setting == PR_SETTING_CITY;
    for (int i = 0; i < n * 4 && placed < n; i++) {
        int lane = pr_int(r, 0, st->lanes - 1);
        float x = st->lane0 + st->lw * (lane + 0.5f) + (float)pr_uniform(r, -0.3, 0.3);
        float z = (float)pr_uniform(r, 9, 90);
        if (x > zone[0] - 1 && x < zone[1] + 1 && z > zone[2] - 6 && z < zone[3]) continue;
        int clash = 0;
        for (int k = 0; k < placed; k++) clash |= fabsf(xs[k] - x) < 2.5f && fabsf(zs[k] - z) < 8;
        if (clash) continue;
        int taxi;
        pr_rgb col = pr_car_color(r, taxis, &taxi);
        if (place(pl, PR_CAR, x, z, 1, taxi, 0, col)) xs[placed] = x, zs[placed] = z, placed++;
    }
    /* parked cars along a parking strip */
    for (int dir = -1; dir <= 1; dir += 2) {
        if (!(dir < 0 ? st->park_l : st->park_r)) continue;
        float x = dir < 0 ? 1.2f : st->road_w - 1.2f;
        for (float z = (float)pr_uniform(r, 6, 12); z < 70; z += (float)pr_uniform(r, 5.5, 14)) {
            if (x > zone[0] - 1 && x < zone[1] + 1 && z > zone[2] - 6 && z < zone[3]) continue;
            if (pr_chance(r, 0.3)) continue;
            int taxi;
            pr_rgb col = pr_car_color(r, taxis, &taxi);
            place(pl, PR_CAR, x, z, 1, taxi, 0, col);
        }
    }
}

/* ---- the scene ------------------------------------------------------------------------- */

static void choose_street(street *st, const pr_options *o, const pr_hints *h, pr_rng *r)
{
    memset(st, 0, sizeof *st);
    double u = pr_unit(r);
    /* a fixed option wins over the prompt, the prompt over chance */
    st->style = o->style != PR_STYLE_AUTO ? o->style : h->style != PR_STYLE_AUTO ? h->style : u < 0.5 ? PR_STYLE_DAY : u < 0.8 ? PR_STYLE_OVERCAST : PR_STYLE_DUSK;
    u = pr_unit(r);
    st->setting = o->setting != PR_SETTING_AUTO ? o->setting : h->setting != PR_SETTING_AUTO ? h->setting
                  : u < 0.45 ? PR_SETTING_CITY : u < 0.8 ? PR_SETTING_SUBURB : PR_SETTING_HIGHWAY;
    st->lanes = st->setting == PR_SETTING_HIGHWAY ? pr_int(r, 2, 4) : pr_chance(r, 0.25) ? 3 : 2;
    st->lw = (float)pr_uniform(r, 3.2, 3.7);
    st->park_l = st->setting == PR_SETTING_CITY && pr_chance(r, 0.4);
    st->park_r = st->setting != PR_SETTING_HIGHWAY && pr_chance(r, st->setting == PR_SETTING_CITY ? 0.6 : 0.3);
    st->lane0 = st->park_l ? 2.4f : 0;
    st->road_w = st->lane0 + st->lanes * st->lw + (st->park_r ? 2.4f : 0);
    st->side_w = st->setting == PR_SETTING_HIGHWAY ? (float)pr_uniform(r, 2.5, 3.5) : (float)pr_uniform(r, 2.2, 4.5);
    switch (st->style) {
    case PR_STYLE_OVERCAST:
        st->sky_top = pr_rgb3(150, 156, 166), st->sky_horizon = pr_rgb3(206, 209, 214);
        st->light.k = 0.86f, st->light.sun = 0;
        break;
    case PR_STYLE_DUSK:
        st->sky_top = pr_rgb3(58, 70, 125), st->sky_horizon = pr_rgb3(238, 168, 120);
        st->light.k = 0.72f, st->light.sun = pr_chance(r, 0.5) ? 1.0f : -1.0f;
        break;
    default:
        st->sky_top = pr_rgb3(62, 124, 205), st->sky_horizon = pr_rgb3(188, 212, 236);
        st->light.k = (float)pr_uniform(r, 0.95, 1.05), st->light.sun = pr_chance(r, 0.5) ? 1.0f : -1.0f;
        break;
    }
    st->haze = pr_mix(st->sky_horizon, pr_rgb3(160, 160, 160), 0.3f);
    float g = (float)pr_uniform(r, 62, 90);
    st->asphalt = pr_shade(pr_rgb3(g, g + 1, g + 4), st->light.k);
    st->ground = st->setting == PR_SETTING_CITY ? pr_shade(pr_rgb3(150, 148, 142), st->light.k)
                                                : pr_shade(pr_rgb3(92, 124, 60), st->light.k);
}

static void add_grain(proctor_image *img, uint64_t seed, double grain)
{
    if (grain <= 0) return;
    int g = (int)grain;
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x++) {
            /* the same offset on all three channels: luminance grain, like a sensor */
            int d = (int)(pr_hash3(seed, (uint32_t)x, (uint32_t)y) % (uint32_t)(2 * g + 1)) - g;
            for (int k = 0; k < 3; k++) {
                int v = row[x * 3 + k] + d;
                row[x * 3 + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    }
}

void pr_render_scene(proctor_image *img, uint64_t seed, int label, const pr_options *o,
                     const char *prompt, pr_summary *sum)
{
    pr_summary local;
    if (!sum) sum = &local;
    memset(sum, 0, sizeof *sum);
    pr_rng r;
    pr_rng_seed(&r, seed);
    street st;
    pr_hints h;
    pr_hints_parse(prompt, &h);
    choose_street(&st, o, &h, &r);
    cam c;
    c.w = img->width, c.h = img->height;
    c.hy = c.h * (float)pr_uniform(&r, 0.40, 0.50);
    c.vx = c.w * (float)pr_uniform(&r, 0.42, 0.58);
    c.f = c.w * (float)pr_uniform(&r, 0.62, 0.82);
    c.camh = (float)pr_uniform(&r, 1.3, 1.6);
    {
        int lane = st.setting == PR_SETTING_HIGHWAY ? pr_int(&r, 0, st.lanes - 1) : st.lanes - 1;
        c.camx = st.lane0 + st.lw * (lane + 0.5f) + (float)pr_uniform(&r, -0.3, 0.3);
    }
    sum->label = label, sum->style = st.style, sum->setting = st.setting, sum->lanes = st.lanes;

    draw_sky(img, &c, &st, &r);
    draw_far(img, &c, &st, &r);
    draw_ground(img, &c, &st, &r);
    draw_markings(img, &c, &st, &r);
    if (st.setting == PR_SETTING_HIGHWAY) {
        draw_guardrail(img, &c, &st, -st.side_w);
        draw_guardrail(img, &c, &st, st.road_w + st.side_w);
    } else {
        draw_side(img, &c, &st, &r, -1);
        draw_side(img, &c, &st, &r, 1);
    }

    pr_items items;
    pr_items *it = &items;
    it->n = 0;
    placer pl = {&c, it};
    float zone[4] = {1e9f, -1e9f, 0, 0};
    if (label == 1) {
        place_roadwork(&pl, &st, o, &h, &r, sum, zone);
        if (sum->dug) {
            float xa = zone[0] + 0.5f, xb = zone[1] - 0.5f, z0 = zone[2] + 3 + 6, z1 = zone[3] - 4;
            if (z1 > z0 + 2) {
                ground_quad(img, &c, &st, xa, xb, z0, z1, pr_shade(pr_rgb3(112, 88, 64), st.light.k), 0.9f);
                ground_quad(img, &c, &st, xa + 0.4f, xb - 0.4f, z0 + 1, z1 - 1, pr_shade(pr_rgb3(80, 64, 50), st.light.k), 0.8f);
            } else {
                sum->dug = 0;
            }
        }
    }
    place_scenery(&pl, &st, &r);
    place_cars(&pl, &st, o, &r, zone);
    pr_items_count(it, sum);
    pr_items_draw(img, it, st.light);
    add_grain(img, seed ^ 0x5eedULL, o->grain);
}
