/* pr_scene.c — t2i: a whole street scene from a seed. Chooses the street (setting, lanes,
 * light), the camera, and paints: backdrop (pr_backdrop.c), then the objects placed by
 * pr_place.c far to near, then sensor grain. The camera model is in pr_street.h. */
#include "pr_street.h"

#include <math.h>
#include <string.h>

static void choose_street(pr_street *st, const pr_options *o, const pr_hints *h, pr_rng *r)
{
    memset(st, 0, sizeof *st);
    double u = pr_unit(r);
    /* a fixed option wins over the prompt, the prompt over chance */
    st->style = o->style != PR_STYLE_AUTO ? o->style : h->style != PR_STYLE_AUTO ? h->style
                : u < 0.5 ? PR_STYLE_DAY : u < 0.8 ? PR_STYLE_OVERCAST : PR_STYLE_DUSK;
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
    pr_street st;
    pr_hints h;
    pr_hints_parse(prompt, &h);
    choose_street(&st, o, &h, &r);
    pr_cam c;
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

    pr_draw_sky(img, &c, &st, &r);
    pr_draw_far(img, &c, &st, &r);
    pr_draw_ground(img, &c, &st, &r);
    pr_draw_markings(img, &c, &st, &r);
    if (st.setting == PR_SETTING_HIGHWAY) {
        pr_draw_guardrail(img, &c, &st, -st.side_w);
        pr_draw_guardrail(img, &c, &st, st.road_w + st.side_w);
    } else {
        pr_draw_side(img, &c, &st, &r, -1);
        pr_draw_side(img, &c, &st, &r, 1);
    }

    pr_items items;
    pr_items *it = &items;
    it->n = 0;
    pr_placer pl = {&c, it};
    float zone[4] = {1e9f, -1e9f, 0, 0};
    if (label == 1) {
        pr_place_roadwork(&pl, &st, o, &h, &r, sum, zone);
        if (sum->dug) {
            float xa = zone[0] + 0.5f, xb = zone[1] - 0.5f, z0 = zone[2] + 3 + 6, z1 = zone[3] - 4;
            if (z1 > z0 + 2) {
                pr_ground_quad(img, &c, &st, xa, xb, z0, z1, pr_shade(pr_rgb3(112, 88, 64), st.light.k), 0.9f);
                pr_ground_quad(img, &c, &st, xa + 0.4f, xb - 0.4f, z0 + 1, z1 - 1, pr_shade(pr_rgb3(80, 64, 50), st.light.k), 0.8f);
            } else {
                sum->dug = 0;
            }
        }
    }
    pr_place_scenery(&pl, &st, &r);
    pr_place_cars(&pl, &st, o, &r, zone);
    pr_items_count(it, sum);
    pr_items_draw(img, it, st.light);
    add_grain(img, seed ^ 0x5eedULL, o->grain);
}
