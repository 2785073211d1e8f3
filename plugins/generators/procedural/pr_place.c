/* pr_place.c — where objects stand in a t2i scene: trees and lamps along the kerbs, the
 * work zone of a label 1 scene, cars in the lanes and along parking strips. */
#include "pr_street.h"

#include <math.h>

/* Add an object standing at (X, Z) when its foot is in the frame; returns 1 when added. */
static int place(pr_placer *pl, pr_kind kind, float X, float Z, float size, int a, int b, pr_rgb col)
{
    const pr_cam *c = pl->c;
    if (Z < 2.5f) return 0;
    pr_pt p = pr_proj(c, X, 0, Z);
    if (p.x < 0.03f * c->w || p.x > 0.97f * c->w || p.y > c->h - 2 || p.y <= c->hy) return 0;
    pr_item o = {kind, Z, p.x, p.y, c->f / Z, size, a, b, col, 0};
    pr_items_add(pl->it, o);
    return 1;
}

/* place, moving the object farther down the road (toward the middle of the frame) until it
 * fits: a named barrier or worker should not vanish because the zone starts off-screen */
static int place_in_view(pr_placer *pl, pr_kind kind, float X, float Z, float size, int a, int b)
{
    for (int k = 0; k < 6; k++)
        if (place(pl, kind, X, Z + 4.0f * k, size, a, b, pr_rgb3(0, 0, 0))) return 1;
    return 0;
}

void pr_place_scenery(pr_placer *pl, const pr_street *st, pr_rng *r)
{
    int trees = st->setting == PR_SETTING_SUBURB || (st->setting == PR_SETTING_CITY && pr_chance(r, 0.45));
    int lamps = st->setting != PR_SETTING_SUBURB || pr_chance(r, 0.3);
    int autumn = pr_chance(r, 0.12);
    for (int dir = -1; dir <= 1; dir += 2) {
        float x = dir < 0 ? -st->side_w * 0.55f : st->road_w + st->side_w * 0.55f;
        if (st->setting == PR_SETTING_HIGHWAY) x += dir * (float)pr_uniform(r, 8, 20);
        if (trees || st->setting == PR_SETTING_HIGHWAY)
            for (float z = (float)pr_uniform(r, 4, 14); z < 180; z += (float)pr_uniform(r, 9, 20)) {
                pr_rgb leaves = autumn && pr_chance(r, 0.5) ? pr_rgb3(190, 120, 45) : pr_rgb3(62, 110, 48);
                float dx = (float)pr_uniform(r, 0, 1.5), size = (float)pr_uniform(r, 0.8, 1.3);
                float k = (float)pr_uniform(r, 0.8, 1.1);
                place(pl, PR_TREE, x + dir * dx, z, size, 0, 0, pr_shade(leaves, k));
            }
        if (lamps)
            for (float z = (float)pr_uniform(r, 6, 20); z < 180; z += (float)pr_uniform(r, 24, 34)) {
                float lx = dir < 0 ? -0.5f : st->road_w + 0.5f;
                if (st->setting == PR_SETTING_HIGHWAY) lx += dir * 1.5f;
                place(pl, PR_LAMP, lx, z, 1, -dir, 0, pr_rgb3(0, 0, 0));
            }
    }
}

/* The work zone: a cone taper into a closed lane (or along the shoulder), a barrier across
 * it, a warning sign ahead of it, workers inside; what the prompt names when it names any. */
void pr_place_roadwork(pr_placer *pl, const pr_street *st, const pr_options *o, const pr_hints *h,
                       pr_rng *r, pr_summary *sum, float zone[4])
{
    int budget = pr_int(r, o->objects_max < 4 ? o->objects_max : 4, o->objects_max);
    /* Where a dashcam meets roadwork: mostly in its own lane or the next one, sometimes on
     * the shoulder or parking strip nearest to it. */
    int cam_lane = (int)floorf((pl->c->camx - st->lane0) / st->lw);
    cam_lane = cam_lane < 0 ? 0 : cam_lane >= st->lanes ? st->lanes - 1 : cam_lane;
    int lane = cam_lane, shoulder = 0;
    double u = pr_unit(r);
    if (u >= 0.5 && u < 0.85 && st->lanes > 1) {
        int left = cam_lane > 0, right = cam_lane < st->lanes - 1;
        lane = cam_lane + (left && (!right || pr_chance(r, 0.5)) ? -1 : 1);
    } else if (u >= 0.85) {
        shoulder = 1;
    }
    /* side: the road edge the zone leans on (the taper starts there) */
    int side = lane * 2 + 1 >= st->lanes ? 1 : -1;
    if (shoulder) {
        int park = side > 0 ? st->park_r : st->park_l;
        if (st->setting != PR_SETTING_HIGHWAY && !park) shoulder = 0; /* no shoulder: the lane */
    }
    float xa, xb; /* the zone across the road */
    if (shoulder && st->setting == PR_SETTING_HIGHWAY)
        xa = side > 0 ? st->road_w : -st->side_w, xb = xa + st->side_w;
    else if (shoulder)
        xa = side > 0 ? st->road_w - 2.4f : 0, xb = xa + 2.4f;
    else
        xa = st->lane0 + st->lw * lane, xb = xa + st->lw;
    float xin = side > 0 ? xa + 0.35f : xb - 0.35f, xout = side > 0 ? xb - 0.35f : xa + 0.35f;
    float zs = (float)pr_uniform(r, 3.5, 7), taper = (float)pr_uniform(r, 3, 7), len = (float)pr_uniform(r, 16, 40);
    zone[0] = xa, zone[1] = xb, zone[2] = zs - 3, zone[3] = zs + len + 3;
    sum->in_lane = !shoulder;
    /* for the description: a middle lane has no side */
    sum->side = shoulder || lane == st->lanes - 1 ? side : lane == 0 ? -1 : 0;

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
        float back = (float)pr_uniform(r, 1, 6);
        int yellow = pr_chance(r, 0.35), glyph = pr_chance(r, 0.3);
        if (!place(pl, PR_SIGN, sx, fmaxf(5, zs - back), 1, yellow, glyph, pr_rgb3(0, 0, 0)))
            place_in_view(pl, PR_SIGN, (xa + xb) * 0.5f, zs + ahead + 1.5f, 1, yellow, 1);
    }
    int red = pr_chance(r, 0.35);
    for (int i = 0; i < barriers; i++) {
        float w = fminf(xb - xa - 0.3f, (float)pr_uniform(r, 1.6, 2.4));
        float z = zs + ahead + 1.0f + i * (float)pr_uniform(r, 6, 12);
        place_in_view(pl, PR_BARRIER, (xa + xb) * 0.5f, z, w, red, 0);
    }
    for (int i = 0; i < workers; i++) {
        /* one draw per statement: C leaves the order of argument evaluation open */
        float x = (float)pr_uniform(r, fminf(xa, xb) + 0.6, fmaxf(xa, xb) - 0.6);
        float z = zs + ahead + (float)pr_uniform(r, 2.0, fmaxf(3, fminf(len - ahead, 9)));
        int vest = pr_chance(r, 0.5), skin = pr_int(r, 0, 2);
        place_in_view(pl, PR_WORKER, x, z, 1, vest, skin);
    }
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
        const pr_cam *c = pl->c;
        for (float z = 9; z < 30 && pl->it->n == 0; z += 3)
            place(pl, PR_CONE, c->camx + side * 1.4f, z, 1, 0, 0, pr_rgb3(0, 0, 0));
    }
}

void pr_place_cars(pr_placer *pl, const pr_street *st, const pr_options *o, pr_rng *r, const float zone[4])
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
