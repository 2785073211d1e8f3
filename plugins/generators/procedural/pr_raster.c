/* pr_raster.c — anti-aliased convex polygon filling on an RGB proctor_image.
 *
 * Every shape is a convex polygon. For each pixel in the polygon's bounding box we take the
 * signed distance of the pixel centre to each edge: farther than half a pixel diagonal inside
 * every edge means full coverage, beyond it outside any edge means none, and only the pixels
 * in between (the edges) are sampled on a 4x4 grid. That keeps large fills cheap and edges
 * smooth. */
#include "pr_raster.h"

#include <math.h>
#include <string.h>

#define PR_SS 4 /* supersampling grid per side on edge pixels */

typedef struct edge {
    float nx, ny, c; /* inside when nx*x + ny*y + c >= 0; (nx, ny) unit length */
} edge;

static int make_edges(const pr_pt *p, int n, edge *e)
{
    double area = 0;
    for (int i = 0; i < n; i++) {
        const pr_pt *a = &p[i], *b = &p[(i + 1) % n];
        area += (double)a->x * b->y - (double)b->x * a->y;
    }
    if (!(fabs(area) > 1e-6)) return 0; /* degenerate (or NaN) */
    float sgn = area > 0 ? 1.0f : -1.0f;
    int m = 0;
    for (int i = 0; i < n; i++) {
        const pr_pt *a = &p[i], *b = &p[(i + 1) % n];
        float dx = b->x - a->x, dy = b->y - a->y, len = sqrtf(dx * dx + dy * dy);
        if (len < 1e-6f) continue;
        /* with y down and positive shoelace area the inside is to the left of a->b, i.e.
         * along (-dy, dx) */
        e[m].nx = -dy / len * sgn;
        e[m].ny = dx / len * sgn;
        e[m].c = -(e[m].nx * a->x + e[m].ny * a->y);
        m++;
    }
    return m;
}

/* v clamped to [0, hi] before the cast (a far-off vertex must not overflow an int) */
static int clampi(float v, int hi)
{
    return v > 0 ? (v < (float)hi ? (int)v : hi) : 0;
}

static inline void blend(uint8_t *px, pr_rgb c, float a)
{
    float v[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; k++) {
        float t = v[k] < 0 ? 0 : v[k] > 255 ? 255 : v[k];
        float o = px[k] + (t - px[k]) * a + 0.5f;
        px[k] = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
    }
}

static float coverage(const edge *e, int m, float x, float y)
{
    const float half_diag = 0.7072f;
    float dmin = 1e30f;
    for (int i = 0; i < m; i++) {
        float d = e[i].nx * x + e[i].ny * y + e[i].c;
        if (d <= -half_diag) return 0;
        if (d < dmin) dmin = d;
    }
    if (dmin >= half_diag) return 1;
    int hits = 0;
    for (int sy = 0; sy < PR_SS; sy++)
        for (int sx = 0; sx < PR_SS; sx++) {
            float qx = x - 0.5f + (sx + 0.5f) / PR_SS, qy = y - 0.5f + (sy + 0.5f) / PR_SS;
            int in = 1;
            for (int i = 0; i < m && in; i++) in = e[i].nx * qx + e[i].ny * qy + e[i].c >= 0;
            hits += in;
        }
    return (float)hits / (PR_SS * PR_SS);
}

void pr_fill_poly_vgrad(proctor_image *img, const pr_pt *p, int n, pr_rgb top, pr_rgb bottom,
                        float y0, float y1, float alpha)
{
    if (n < 3 || n > PR_POLY_MAX || !(alpha > 0)) return;
    edge e[PR_POLY_MAX];
    int m = make_edges(p, n, e);
    if (m < 3) return;
    float minx = p[0].x, maxx = p[0].x, miny = p[0].y, maxy = p[0].y;
    for (int i = 1; i < n; i++) {
        minx = fminf(minx, p[i].x), maxx = fmaxf(maxx, p[i].x);
        miny = fminf(miny, p[i].y), maxy = fmaxf(maxy, p[i].y);
    }
    /* clamp in float first: projected points can be far off screen */
    int x0 = clampi(floorf(minx), img->width), x1 = clampi(ceilf(maxx), img->width);
    int ya = clampi(floorf(miny), img->height), yb = clampi(ceilf(maxy), img->height);
    if (alpha > 1) alpha = 1;
    float span = y1 - y0;
    for (int y = ya; y < yb; y++) {
        float t = span > 1e-6f ? ((y + 0.5f) - y0) / span : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        pr_rgb c = pr_mix(top, bottom, t);
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = x0; x < x1; x++) {
            float cov = coverage(e, m, x + 0.5f, y + 0.5f);
            if (cov > 0) blend(row + (size_t)x * 3, c, cov * alpha);
        }
    }
}

void pr_fill_poly(proctor_image *img, const pr_pt *p, int n, pr_rgb c, float alpha)
{
    pr_fill_poly_vgrad(img, p, n, c, c, 0, 0, alpha);
}

void pr_fill_quad(proctor_image *img, pr_pt a, pr_pt b, pr_pt c, pr_pt d, pr_rgb col, float alpha)
{
    pr_pt p[4] = {a, b, c, d};
    pr_fill_poly(img, p, 4, col, alpha);
}

void pr_fill_rect(proctor_image *img, float x0, float y0, float x1, float y1, pr_rgb c, float alpha)
{
    pr_pt p[4] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    pr_fill_poly(img, p, 4, c, alpha);
}

void pr_fill_ellipse(proctor_image *img, float cx, float cy, float rx, float ry, pr_rgb c, float alpha)
{
    rx = fabsf(rx), ry = fabsf(ry);
    if (!(rx > 0.05f && ry > 0.05f)) return;
    /* enough segments that the facets stay under about a pixel off the true curve */
    int n = (int)(2.0f * sqrtf(fmaxf(rx, ry))) + 10;
    if (n > 48) n = 48;
    pr_pt p[48];
    for (int i = 0; i < n; i++) {
        float a = 6.2831853f * (float)i / (float)n;
        p[i].x = cx + rx * cosf(a);
        p[i].y = cy + ry * sinf(a);
    }
    pr_fill_poly(img, p, n, c, alpha);
}

void pr_line(proctor_image *img, pr_pt a, pr_pt b, float w, pr_rgb c, float alpha)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    if (len < 1e-6f) return;
    float ox = -dy / len * w * 0.5f, oy = dx / len * w * 0.5f;
    pr_pt p[4] = {{a.x + ox, a.y + oy}, {b.x + ox, b.y + oy}, {b.x - ox, b.y - oy}, {a.x - ox, a.y - oy}};
    pr_fill_poly(img, p, 4, c, alpha);
}

int pr_clip_convex(const pr_pt *in, int n, const pr_pt *clip, int m, pr_pt *out)
{
    pr_pt buf[2][PR_POLY_MAX * 2];
    if (n < 3 || m < 3 || n > PR_POLY_MAX || m > PR_POLY_MAX) return 0;
    double area = 0;
    for (int i = 0; i < m; i++) {
        const pr_pt *a = &clip[i], *b = &clip[(i + 1) % m];
        area += (double)a->x * b->y - (double)b->x * a->y;
    }
    if (!(fabs(area) > 1e-9)) return 0;
    float sgn = area > 0 ? 1.0f : -1.0f;
    memcpy(buf[0], in, sizeof(pr_pt) * (size_t)n);
    int cur = 0, cnt = n;
    /* Sutherland-Hodgman: one pass per clip edge */
    for (int i = 0; i < m && cnt > 0; i++) {
        pr_pt a = clip[i], b = clip[(i + 1) % m];
        float nx = -(b.y - a.y) * sgn, ny = (b.x - a.x) * sgn, c = -(nx * a.x + ny * a.y);
        const pr_pt *src = buf[cur];
        pr_pt *dst = buf[cur ^ 1];
        int k = 0;
        for (int j = 0; j < cnt; j++) {
            pr_pt p = src[j], q = src[(j + 1) % cnt];
            float dp = nx * p.x + ny * p.y + c, dq = nx * q.x + ny * q.y + c;
            if (dp >= 0 && k < PR_POLY_MAX * 2) dst[k++] = p;
            if ((dp >= 0) != (dq >= 0) && k < PR_POLY_MAX * 2) {
                float t = dp / (dp - dq);
                dst[k].x = p.x + (q.x - p.x) * t;
                dst[k].y = p.y + (q.y - p.y) * t;
                k++;
            }
        }
        cur ^= 1;
        cnt = k;
    }
    if (cnt < 3) return 0;
    if (cnt > n + m) cnt = n + m; /* cannot happen for convex inputs; keeps the contract */
    memcpy(out, buf[cur], sizeof(pr_pt) * (size_t)cnt);
    return cnt;
}

void pr_vgradient_rows(proctor_image *img, int y0, int y1, pr_rgb top, pr_rgb bottom)
{
    if (y0 < 0) y0 = 0;
    if (y1 > img->height) y1 = img->height;
    for (int y = y0; y < y1; y++) {
        float t = y1 - y0 > 1 ? (float)(y - y0) / (float)(y1 - y0 - 1) : 0;
        pr_rgb c = pr_mix(top, bottom, t);
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x++) blend(row + (size_t)x * 3, c, 1);
    }
}
