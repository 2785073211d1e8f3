/* pr_backdrop.c — everything of a t2i scene that is not an object: sky and clouds, distant
 * blocks or hills, ground, kerbs, asphalt, lane markings, buildings, guard rails. */
#include "pr_street.h"

#include <math.h>

/* A ground quad X0..X1, Z0..Z1 that fades into the haze toward the horizon. */
void pr_ground_quad(proctor_image *img, const pr_cam *c, const pr_street *st, float X0, float X1,
                        float Z0, float Z1, pr_rgb col, float alpha)
{
    pr_pt p[4] = {pr_proj(c, X0, 0, Z0), pr_proj(c, X1, 0, Z0), pr_proj(c, X1, 0, Z1), pr_proj(c, X0, 0, Z1)};
    float ybot = c->hy + (c->h - c->hy) * 0.6f;
    pr_fill_poly_vgrad(img, p, 4, pr_mix(col, st->haze, 0.55f), col, c->hy, ybot, alpha);
}

/* A vertical quad in the plane X = x (a facade), Z0..Z1, Y0..Y1. */
static void wall_x(proctor_image *img, const pr_cam *c, float x, float Z0, float Z1, float Y0,
                   float Y1, pr_rgb col, float alpha)
{
    pr_fill_quad(img, pr_proj(c, x, Y0, Z0), pr_proj(c, x, Y0, Z1), pr_proj(c, x, Y1, Z1), pr_proj(c, x, Y1, Z0),
                 col, alpha);
}

/* A vertical quad in the plane Z = z (facing the camera), X0..X1, Y0..Y1. */
static void wall_z(proctor_image *img, const pr_cam *c, float z, float X0, float X1, float Y0,
                   float Y1, pr_rgb col, float alpha)
{
    pr_fill_quad(img, pr_proj(c, X0, Y0, z), pr_proj(c, X1, Y0, z), pr_proj(c, X1, Y1, z), pr_proj(c, X0, Y1, z),
                 col, alpha);
}

static float haze_k(float z) { return fminf(0.85f, z / 260.0f); }

/* ---- sky and horizon -------------------------------------------------------------------- */

void pr_draw_sky(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r)
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
        for (int k = 0; k < puffs; k++) {
            float dx = (float)pr_uniform(r, -1.2, 1.2), dy = (float)pr_uniform(r, -0.25, 0.25);
            float rx = (float)pr_uniform(r, 0.5, 1.0), ry = (float)pr_uniform(r, 0.22, 0.4);
            pr_fill_ellipse(img, cx + dx * size, cy + dy * size, size * rx, size * ry, col, alpha);
        }
    }
}

/* Distant blocks (city) or hills (elsewhere) standing on the horizon. */
void pr_draw_far(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r)
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

void pr_draw_ground(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r)
{
    const float zn = 0.6f, zf = 600;
    int hy = (int)floorf(c->hy);
    pr_vgradient_rows(img, hy, c->h, pr_mix(st->ground, st->haze, 0.5f), st->ground);
    pr_rgb pave = pr_shade(pr_rgb3(168, 165, 158), st->light.k), kerb = pr_shade(pr_rgb3(190, 188, 182), st->light.k);
    if (st->setting == PR_SETTING_HIGHWAY) pave = pr_shade(pr_rgb3(128, 122, 112), st->light.k);
    pr_ground_quad(img, c, st, -st->side_w, 0, zn, zf, pave, 1);
    pr_ground_quad(img, c, st, st->road_w, st->road_w + st->side_w, zn, zf, pave, 1);
    if (st->setting != PR_SETTING_HIGHWAY) { /* kerb faces */
        wall_x(img, c, 0, zn, zf, 0, 0.15f, kerb, 1);
        wall_x(img, c, st->road_w, zn, zf, 0, 0.15f, kerb, 1);
    }
    pr_ground_quad(img, c, st, 0, st->road_w, zn, zf, st->asphalt, 1);
    /* repaired patches and tyre tracks keep the asphalt from looking flat */
    int patches = pr_int(r, 2, 6);
    for (int i = 0; i < patches; i++) {
        float x0 = (float)pr_uniform(r, 0, st->road_w - 1), z0 = (float)pr_uniform(r, 4, 60);
        float w = (float)pr_uniform(r, 0.6, 2.5), len = (float)pr_uniform(r, 1, 6), k = (float)pr_uniform(r, 0.8, 1.15);
        pr_ground_quad(img, c, st, x0, x0 + w, z0, z0 + len, pr_shade(st->asphalt, k), 0.5f);
    }
    for (int l = 0; l < st->lanes; l++) {
        float xc = st->lane0 + st->lw * (l + 0.5f);
        for (int s = -1; s <= 1; s += 2)
            pr_ground_quad(img, c, st, xc + s * 0.85f - 0.3f, xc + s * 0.85f + 0.3f, zn, zf,
                        pr_shade(st->asphalt, 0.88f), 0.35f);
    }
}

void pr_draw_markings(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r)
{
    pr_rgb white = pr_shade(pr_rgb3(232, 232, 226), st->light.k);
    pr_rgb yellow = pr_shade(pr_rgb3(222, 200, 112), st->light.k); /* weathered paint */
    const float zn = 0.6f, zf = 300;
    if (st->setting == PR_SETTING_HIGHWAY || st->park_l || st->park_r) {
        pr_ground_quad(img, c, st, st->lane0 + 0.1f, st->lane0 + 0.25f, zn, zf, white, 1);
        float xr = st->lane0 + st->lanes * st->lw;
        pr_ground_quad(img, c, st, xr - 0.25f, xr - 0.1f, zn, zf, white, 1);
    }
    float dash = 3.0f, gap = st->setting == PR_SETTING_HIGHWAY ? 9.0f : 5.0f;
    int centre_yellow = st->setting != PR_SETTING_HIGHWAY && pr_chance(r, 0.35);
    float off = (float)pr_uniform(r, 0, dash + gap);
    for (int l = 1; l < st->lanes; l++) {
        float x = st->lane0 + st->lw * l;
        int centre = st->setting != PR_SETTING_HIGHWAY && l == st->lanes / 2;
        if (centre && centre_yellow) {
            pr_ground_quad(img, c, st, x - 0.22f, x - 0.1f, zn, zf, yellow, 1);
            pr_ground_quad(img, c, st, x + 0.1f, x + 0.22f, zn, zf, yellow, 1);
            continue;
        }
        for (float z = zn - off; z < 160; z += dash + gap)
            if (z + dash > zn) pr_ground_quad(img, c, st, x - 0.07f, x + 0.07f, fmaxf(z, zn), z + dash, white, 1);
    }
    if (st->setting == PR_SETTING_CITY && pr_chance(r, 0.4)) { /* a zebra crossing */
        float z0 = (float)pr_uniform(r, 18, 45);
        for (float x = 0.4f; x + 0.5f < st->road_w; x += 1.0f)
            pr_ground_quad(img, c, st, x, x + 0.5f, z0, z0 + 3.5f, white, 0.95f);
    }
}

/* ---- buildings ------------------------------------------------------------------------- */

static pr_rgb wall_color(pr_rng *r, int house)
{
    static const pr_rgb city[] = {{196, 186, 168}, {160, 160, 158}, {146, 94, 80}, {222, 218, 208},
                                  {120, 126, 136}, {176, 150, 120}, {92, 100, 112}, {205, 196, 180}};
    static const pr_rgb homes[] = {{236, 232, 222}, {215, 200, 170}, {170, 190, 205}, {225, 210, 150},
                                   {178, 116, 98},  {200, 205, 190}};
    return house ? homes[pr_int(r, 0, 5)] : city[pr_int(r, 0, 7)];
}

static void draw_windows(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r, float xf,
                         float z0, float z1, float h, int shop)
{
    float colw = (float)pr_uniform(r, 2.6, 3.6), ww = colw * 0.5f, wh = (float)pr_uniform(r, 1.3, 1.9);
    float y0 = shop ? 4.0f : 1.0f;
    pr_rgb glass = pr_mix(pr_rgb3(45, 55, 70), st->sky_horizon, (float)pr_uniform(r, 0.1, 0.45));
    for (float y = y0; y + wh < h - 0.6f; y += 3.2f)
        for (float z = z0 + 0.8f; z + ww < z1 - 0.5f; z += colw) {
            pr_pt a = pr_proj(c, xf, y, z), b = pr_proj(c, xf, y, z + ww);
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
            pr_fill_quad(img, pr_proj(c, xf, 3.2f, z0 + 0.6f), pr_proj(c, xf, 3.2f, z1 - 0.6f),
                         pr_proj(c, xf + out, 2.6f, z1 - 0.6f), pr_proj(c, xf + out, 2.6f, z0 + 0.6f),
                         pr_mix(col, st->haze, haze_k(z0)), 1);
        }
    }
}

/* One side of the street: dir -1 left, +1 right. Buildings are boxes with a facade toward the
 * road and a front face toward the camera; drawn far to near. */
void pr_draw_side(proctor_image *img, const pr_cam *c, const pr_street *st, pr_rng *r, int dir)
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
            pr_rgb roof = pr_mix(pr_shade(pr_rgb3(110, 68, 60), st->light.k * (float)pr_uniform(r, 0.6, 1.1)), st->haze, haze_k(k->z0));
            pr_fill_quad(img, pr_proj(c, k->xf, k->h, k->z0 - 0.4f), pr_proj(c, k->xf, k->h, k->z1 + 0.4f),
                         pr_proj(c, k->xf, k->h + 2.4f, k->z1 - 2.0f), pr_proj(c, k->xf, k->h + 2.4f, k->z0 + 2.0f), roof, 1);
        }
        draw_windows(img, c, st, r, k->xf, k->z0, k->z1, k->h, k->shop);
    }
}

void pr_draw_guardrail(proctor_image *img, const pr_cam *c, const pr_street *st, float x)
{
    pr_rgb grey = pr_shade(pr_rgb3(175, 178, 182), st->light.k);
    for (float z = 2; z < 200; z += 4) wall_x(img, c, x, z, z + 0.12f, 0, 0.6f, pr_shade(grey, 0.6f), 1);
    wall_x(img, c, x, 0.8f, 300, 0.48f, 0.78f, grey, 1);
}
