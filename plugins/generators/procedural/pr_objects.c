/* pr_objects.c — cones, drums, barriers, signs, workers, cars, trees and lamps as flat
 * cut-outs built from convex pieces. Sizes are real-world metres (a cone is 0.7 m tall, a car
 * 1.8 m wide) so that the scene's ppm (pixels per metre) puts them in perspective. */
#include "pr_objects.h"

#include <math.h>

/* a point `xm` metres right of the base and `ym` metres above the ground */
#define P(xm, ym) ((pr_pt){bx + (float)(xm) * ppm, by - (float)(ym) * ppm})

static pr_rgb lit(pr_rgb c, pr_light l) { return pr_shade(c, l.k); }

static void rect_m(proctor_image *img, float bx, float by, float ppm, float x0, float y0,
                   float x1, float y1, pr_rgb c, float alpha)
{
    pr_fill_quad(img, P(x0, y0), P(x1, y0), P(x1, y1), P(x0, y1), c, alpha);
}

/* Darken the half of a symmetric shape away from the sun: a quad from the centre line to the
 * shape's side, given the half widths at the bottom (hw0 at y0) and top (hw1 at y1). */
static void shade_side(proctor_image *img, float bx, float by, float ppm, float y0, float y1,
                       float hw0, float hw1, pr_light l, float amount)
{
    float s = l.sun > 0 ? -1.0f : 1.0f; /* the side facing away from the sun */
    if (l.sun == 0) amount *= 0.5f;
    pr_fill_quad(img, P(0.25f * s * hw0, y0), P(s * hw0, y0), P(s * hw1, y1),
                 P(0.25f * s * hw1, y1), pr_rgb3(0, 0, 0), amount);
}

void pr_contact_shadow(proctor_image *img, float bx, float by, float ppm, float w_m, pr_light l)
{
    float alpha = l.sun == 0 ? 0.28f : 0.42f;
    pr_fill_ellipse(img, bx - l.sun * 0.35f * w_m * ppm, by, 0.65f * w_m * ppm,
                    0.13f * w_m * ppm + 0.8f, pr_rgb3(10, 10, 12), alpha);
}

void pr_draw_cone(proctor_image *img, float bx, float by, float ppm, pr_light l)
{
    const float y0 = 0.045f, y1 = 0.70f, hw0 = 0.165f, hw1 = 0.028f;
    pr_rgb orange = lit(pr_rgb3(250, 100, 18), l), white = lit(pr_rgb3(238, 238, 232), l);
    pr_contact_shadow(img, bx, by, ppm, 0.45f, l);
    rect_m(img, bx, by, ppm, -0.22f, 0, 0.22f, y0, lit(pr_rgb3(210, 80, 20), l), 1);
    rect_m(img, bx, by, ppm, -0.22f, 0, 0.22f, 0.012f, lit(pr_rgb3(60, 40, 30), l), 1);
    pr_fill_quad(img, P(-hw0, y0), P(hw0, y0), P(hw1, y1), P(-hw1, y1), orange, 1);
    /* two retro-reflective bands; the half width follows the cone's taper */
    static const float band[2][2] = {{0.29f, 0.40f}, {0.49f, 0.57f}};
    for (int i = 0; i < 2; i++) {
        float ya = band[i][0], yb = band[i][1];
        float wa = hw0 + (hw1 - hw0) * (ya - y0) / (y1 - y0);
        float wb = hw0 + (hw1 - hw0) * (yb - y0) / (y1 - y0);
        pr_fill_quad(img, P(-wa, ya), P(wa, ya), P(wb, yb), P(-wb, yb), white, 1);
    }
    shade_side(img, bx, by, ppm, y0, y1, hw0, hw1, l, 0.22f);
    pr_fill_ellipse(img, bx, by - y1 * ppm, hw1 * ppm, 0.012f * ppm, lit(pr_rgb3(200, 80, 15), l), 1);
}

void pr_draw_drum(proctor_image *img, float bx, float by, float ppm, pr_light l)
{
    const float hw = 0.29f, top = 0.92f;
    pr_rgb orange = lit(pr_rgb3(245, 95, 15), l), white = lit(pr_rgb3(240, 240, 235), l);
    pr_contact_shadow(img, bx, by, ppm, 0.75f, l);
    rect_m(img, bx, by, ppm, -0.33f, 0, 0.33f, 0.07f, lit(pr_rgb3(30, 30, 30), l), 1);
    rect_m(img, bx, by, ppm, -hw, 0.07f, hw, top, orange, 1);
    pr_fill_ellipse(img, bx, by - top * ppm, hw * ppm, 0.05f * ppm, lit(pr_rgb3(215, 80, 12), l), 1);
    rect_m(img, bx, by, ppm, -hw, 0.27f, hw, 0.39f, white, 1);
    rect_m(img, bx, by, ppm, -hw, 0.56f, hw, 0.68f, white, 1);
    shade_side(img, bx, by, ppm, 0.07f, top, hw, hw, l, 0.25f);
}

void pr_draw_barrier(proctor_image *img, float bx, float by, float ppm, float width_m, int red,
                     pr_light l)
{
    float hw = width_m * 0.5f;
    pr_rgb stripe = red ? lit(pr_rgb3(210, 25, 25), l) : lit(pr_rgb3(250, 110, 15), l);
    pr_rgb white = lit(pr_rgb3(242, 242, 238), l), leg = lit(pr_rgb3(150, 150, 150), l);
    pr_contact_shadow(img, bx, by, ppm, width_m, l);
    for (int s = -1; s <= 1; s += 2) {
        float x = s * (hw - 0.12f);
        rect_m(img, bx, by, ppm, x - 0.035f, 0.02f, x + 0.035f, 1.32f, leg, 1);
        rect_m(img, bx, by, ppm, x - 0.22f, 0, x + 0.22f, 0.05f, lit(pr_rgb3(50, 50, 50), l), 1);
    }
    /* two boards with diagonal stripes, each stripe clipped to its board */
    /* a type III barricade: three striped boards */
    static const float boards[3][2] = {{1.02f, 1.28f}, {0.64f, 0.90f}, {0.26f, 0.52f}};
    for (int b = 0; b < 3; b++) {
        float y0 = boards[b][0], y1 = boards[b][1];
        rect_m(img, bx, by, ppm, -hw - 0.02f, y0 - 0.02f, hw + 0.02f, y1 + 0.02f,
               lit(pr_rgb3(40, 40, 40), l), 1);
        rect_m(img, bx, by, ppm, -hw, y0, hw, y1, white, 1);
        pr_pt board[4] = {P(-hw, y0), P(hw, y0), P(hw, y1), P(-hw, y1)};
        float h = y1 - y0, period = 0.42f;
        for (float x = -hw - h; x < hw; x += period) {
            pr_pt s[4] = {P(x, y0), P(x + period * 0.5f, y0), P(x + period * 0.5f + h, y1), P(x + h, y1)};
            pr_pt out[8];
            int n = pr_clip_convex(s, 4, board, 4, out);
            if (n >= 3) pr_fill_poly(img, out, n, stripe, 1);
        }
        rect_m(img, bx, by, ppm, -hw, y0, hw, y0 + h * 0.25f, pr_rgb3(0, 0, 0), 0.12f);
    }
    /* a warning lamp on top of one leg */
    float lx = (l.sun >= 0 ? -1 : 1) * (hw - 0.12f);
    rect_m(img, bx, by, ppm, lx - 0.02f, 1.28f, lx + 0.02f, 1.42f, lit(pr_rgb3(40, 40, 40), l), 1);
    pr_fill_ellipse(img, bx + lx * ppm, by - 1.48f * ppm, 0.09f * ppm, 0.08f * ppm,
                    lit(pr_rgb3(255, 190, 40), l), 1);
}

void pr_draw_sign(proctor_image *img, float bx, float by, float ppm, int yellow, int glyph,
                  pr_light l)
{
    const float cy = 1.55f, r = 0.8f; /* a 1.1 m (44 in) diamond */
    pr_rgb face = yellow ? lit(pr_rgb3(250, 205, 20), l) : lit(pr_rgb3(248, 128, 18), l);
    pr_rgb black = lit(pr_rgb3(22, 22, 22), l), frame = lit(pr_rgb3(90, 90, 95), l);
    pr_contact_shadow(img, bx, by, ppm, 0.9f, l);
    pr_line(img, P(-0.5f, 0), P(0, cy), 0.05f * ppm, frame, 1);
    pr_line(img, P(0.5f, 0), P(0, cy), 0.05f * ppm, frame, 1);
    pr_fill_quad(img, P(0, cy - r), P(r, cy), P(0, cy + r), P(-r, cy), black, 1);
    float ri = r - 0.07f;
    pr_fill_quad(img, P(0, cy - ri), P(ri, cy), P(0, cy + ri), P(-ri, cy), face, 1);
    float ri2 = r - 0.10f, w = 0.02f * ppm;
    pr_line(img, P(0, cy - ri2), P(ri2, cy), w, black, 1); /* the inner border line */
    pr_line(img, P(ri2, cy), P(0, cy + ri2), w, black, 1);
    pr_line(img, P(0, cy + ri2), P(-ri2, cy), w, black, 1);
    pr_line(img, P(-ri2, cy), P(0, cy - ri2), w, black, 1);
    /* the glyphs are drawn for a 0.62 m sign and scaled up */
    const float g = r / 0.62f;
    if (glyph == 1) {
        rect_m(img, bx, by, ppm, -0.045f * g, cy - 0.08f * g, 0.045f * g, cy + 0.32f * g, black, 1);
        pr_fill_ellipse(img, bx, by - (cy - 0.2f * g) * ppm, 0.055f * g * ppm, 0.055f * g * ppm, black, 1);
    } else {
        /* the "men at work" pictogram: a digging figure and a pile of earth */
        float t = 0.05f * g * ppm;
        pr_fill_ellipse(img, bx + 0.05f * g * ppm, by - (cy + 0.28f * g) * ppm, 0.065f * g * ppm, 0.065f * g * ppm, black, 1);
        pr_line(img, P(0.02f * g, cy + 0.2f * g), P(-0.1f * g, cy - 0.05f * g), t * 1.3f, black, 1);
        pr_line(img, P(-0.1f * g, cy - 0.05f * g), P(-0.02f * g, cy - 0.3f * g), t, black, 1);
        pr_line(img, P(-0.1f * g, cy - 0.05f * g), P(-0.24f * g, cy - 0.28f * g), t, black, 1);
        pr_line(img, P(0.0f, cy + 0.13f * g), P(0.2f * g, cy - 0.02f * g), t * 0.8f, black, 1);
        pr_line(img, P(0.16f * g, cy + 0.1f * g), P(0.3f * g, cy - 0.25f * g), t * 0.6f, black, 1);
        pr_fill_quad(img, P(0.12f * g, cy - 0.3f * g), P(0.42f * g, cy - 0.3f * g), P(0.34f * g, cy - 0.18f * g),
                     P(0.2f * g, cy - 0.16f * g), black, 1);
    }
}

void pr_draw_worker(proctor_image *img, float bx, float by, float ppm, int vest_orange, int skin,
                    pr_light l)
{
    static const pr_rgb skins[3] = {{224, 180, 150}, {180, 130, 95}, {110, 75, 55}};
    pr_rgb vest = vest_orange ? lit(pr_rgb3(255, 112, 20), l) : lit(pr_rgb3(205, 235, 45), l);
    pr_rgb trousers = lit(pr_rgb3(42, 48, 72), l), shirt = lit(pr_rgb3(70, 75, 85), l);
    pr_rgb refl = lit(pr_rgb3(205, 208, 210), l), face = lit(skins[skin % 3], l);
    pr_rgb hat = vest_orange ? lit(pr_rgb3(245, 245, 240), l) : lit(pr_rgb3(250, 200, 20), l);
    pr_contact_shadow(img, bx, by, ppm, 0.6f, l);
    /* legs and boots */
    pr_fill_quad(img, P(-0.19f, 0.07f), P(-0.04f, 0.07f), P(-0.01f, 0.92f), P(-0.17f, 0.92f), trousers, 1);
    pr_fill_quad(img, P(0.04f, 0.07f), P(0.19f, 0.07f), P(0.17f, 0.92f), P(0.01f, 0.92f), trousers, 1);
    rect_m(img, bx, by, ppm, -0.22f, 0, -0.03f, 0.08f, lit(pr_rgb3(35, 28, 22), l), 1);
    rect_m(img, bx, by, ppm, 0.03f, 0, 0.22f, 0.08f, lit(pr_rgb3(35, 28, 22), l), 1);
    /* arms, then the vest over the torso */
    pr_fill_quad(img, P(-0.25f, 1.44f), P(-0.17f, 1.44f), P(-0.24f, 0.86f), P(-0.33f, 0.88f), shirt, 1);
    pr_fill_quad(img, P(0.17f, 1.44f), P(0.25f, 1.44f), P(0.33f, 0.88f), P(0.24f, 0.86f), shirt, 1);
    pr_fill_ellipse(img, bx - 0.29f * ppm, by - 0.84f * ppm, 0.045f * ppm, 0.05f * ppm, face, 1);
    pr_fill_ellipse(img, bx + 0.29f * ppm, by - 0.84f * ppm, 0.045f * ppm, 0.05f * ppm, face, 1);
    pr_fill_quad(img, P(-0.21f, 0.86f), P(0.21f, 0.86f), P(0.24f, 1.46f), P(-0.24f, 1.46f), vest, 1);
    rect_m(img, bx, by, ppm, -0.215f, 1.0f, 0.215f, 1.055f, refl, 1);
    rect_m(img, bx, by, ppm, -0.225f, 1.17f, 0.225f, 1.225f, refl, 1);
    rect_m(img, bx, by, ppm, -0.15f, 1.225f, -0.1f, 1.46f, refl, 1);
    rect_m(img, bx, by, ppm, 0.1f, 1.225f, 0.15f, 1.46f, refl, 1);
    shade_side(img, bx, by, ppm, 0.86f, 1.46f, 0.21f, 0.24f, l, 0.18f);
    /* neck, head, hard hat */
    rect_m(img, bx, by, ppm, -0.045f, 1.44f, 0.045f, 1.52f, face, 1);
    pr_fill_ellipse(img, bx, by - 1.595f * ppm, 0.095f * ppm, 0.115f * ppm, face, 1);
    pr_pt dome[13];
    for (int i = 0; i <= 12; i++) {
        float a = 3.14159265f * (float)i / 12.0f;
        dome[i] = P(0.12f * cosf(a), 1.655f + 0.11f * sinf(a));
    }
    pr_fill_poly(img, dome, 13, hat, 1);
    rect_m(img, bx, by, ppm, -0.15f, 1.64f, 0.15f, 1.67f, pr_shade(hat, 0.85f), 1);
}

void pr_draw_car(proctor_image *img, float bx, float by, float ppm, pr_rgb body, int taxi,
                 pr_light l)
{
    pr_rgb b = lit(body, l), dark = lit(pr_shade(body, 0.62f), l);
    pr_rgb tyre = lit(pr_rgb3(22, 22, 24), l);
    /* shadow under the car */
    pr_fill_quad(img, P(-0.98f, -0.06f), P(0.98f, -0.06f), P(0.9f, 0.1f), P(-0.9f, 0.1f),
                 pr_rgb3(8, 8, 10), 0.6f);
    pr_contact_shadow(img, bx, by, ppm, 1.9f, l);
    rect_m(img, bx, by, ppm, -0.86f, 0, -0.6f, 0.38f, tyre, 1);
    rect_m(img, bx, by, ppm, 0.6f, 0, 0.86f, 0.38f, tyre, 1);
    /* body: an octagon (cut corners) */
    pr_pt oct[8] = {P(-0.82f, 0.2f), P(0.82f, 0.2f), P(0.9f, 0.3f), P(0.9f, 0.86f),
                    P(0.84f, 0.96f), P(-0.84f, 0.96f), P(-0.9f, 0.86f), P(-0.9f, 0.3f)};
    pr_fill_poly(img, oct, 8, b, 1);
    rect_m(img, bx, by, ppm, -0.88f, 0.2f, 0.88f, 0.38f, dark, 1);
    /* cabin and rear window */
    pr_fill_quad(img, P(-0.8f, 0.95f), P(0.8f, 0.95f), P(0.62f, 1.45f), P(-0.62f, 1.45f),
                 pr_shade(b, 0.9f), 1);
    pr_pt win[4] = {P(-0.69f, 1.0f), P(0.69f, 1.0f), P(0.55f, 1.39f), P(-0.55f, 1.39f)};
    pr_fill_poly_vgrad(img, win, 4, lit(pr_rgb3(95, 108, 120), l), lit(pr_rgb3(32, 38, 46), l),
                       by - 1.39f * ppm, by - 1.0f * ppm, 1);
    /* tail lights, plate, a highlight along the top of the boot */
    rect_m(img, bx, by, ppm, -0.86f, 0.7f, -0.6f, 0.85f, lit(pr_rgb3(185, 18, 22), l), 1);
    rect_m(img, bx, by, ppm, 0.6f, 0.7f, 0.86f, 0.85f, lit(pr_rgb3(185, 18, 22), l), 1);
    rect_m(img, bx, by, ppm, -0.82f, 0.74f, -0.7f, 0.81f, lit(pr_rgb3(250, 90, 80), l), 1);
    rect_m(img, bx, by, ppm, 0.7f, 0.74f, 0.82f, 0.81f, lit(pr_rgb3(250, 90, 80), l), 1);
    rect_m(img, bx, by, ppm, -0.2f, 0.44f, 0.2f, 0.57f, lit(pr_rgb3(230, 230, 222), l), 1);
    rect_m(img, bx, by, ppm, -0.84f, 0.92f, 0.84f, 0.95f, pr_rgb3(255, 255, 255), 0.25f);
    if (taxi) {
        rect_m(img, bx, by, ppm, -0.18f, 1.45f, 0.18f, 1.58f, lit(pr_rgb3(245, 245, 235), l), 1);
        rect_m(img, bx, by, ppm, -0.12f, 1.49f, 0.12f, 1.54f, lit(pr_rgb3(30, 30, 30), l), 1);
    }
    shade_side(img, bx, by, ppm, 0.2f, 0.96f, 0.9f, 0.9f, l, 0.15f);
}

void pr_draw_tree(proctor_image *img, float bx, float by, float ppm, pr_rgb leaves, float size,
                  pr_light l)
{
    float s = size;
    pr_contact_shadow(img, bx, by, ppm, 2.2f * s, l);
    pr_fill_quad(img, P(-0.14f * s, 0), P(0.14f * s, 0), P(0.09f * s, 2.6f * s),
                 P(-0.09f * s, 2.6f * s), lit(pr_rgb3(88, 64, 44), l), 1);
    /* the canopy: overlapping blobs, darker low, lighter on the sunny side */
    static const float blob[6][4] = {
        {0.0f, 3.1f, 1.45f, 0.78f}, {-0.95f, 2.9f, 1.0f, 0.72f}, {0.95f, 3.0f, 1.05f, 0.8f},
        {0.35f, 3.95f, 1.05f, 0.95f}, {-0.45f, 3.8f, 1.0f, 0.9f}, {0.0f, 4.5f, 0.75f, 1.05f}};
    for (int i = 0; i < 6; i++) {
        float k = blob[i][3];
        if (l.sun != 0 && blob[i][0] * l.sun > 0) k *= 1.08f;
        pr_fill_ellipse(img, bx + blob[i][0] * s * ppm, by - blob[i][1] * s * ppm,
                        blob[i][2] * s * ppm, blob[i][2] * s * ppm * 0.9f, lit(pr_shade(leaves, k), l), 1);
    }
}

void pr_draw_lamp(proctor_image *img, float bx, float by, float ppm, int arm_dir, pr_light l)
{
    pr_rgb grey = lit(pr_rgb3(105, 108, 112), l);
    float d = arm_dir < 0 ? -1.0f : 1.0f;
    rect_m(img, bx, by, ppm, -0.09f, 0, 0.09f, 0.5f, grey, 1);
    pr_fill_quad(img, P(-0.06f, 0.5f), P(0.06f, 0.5f), P(0.04f, 7.0f), P(-0.04f, 7.0f), grey, 1);
    pr_line(img, P(0, 6.9f), P(d * 1.5f, 7.15f), 0.07f * ppm, grey, 1);
    pr_fill_ellipse(img, bx + d * 1.65f * ppm, by - 7.1f * ppm, 0.32f * ppm, 0.09f * ppm,
                    lit(pr_rgb3(70, 72, 76), l), 1);
}
