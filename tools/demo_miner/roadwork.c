/* roadwork.c — see roadwork.h. Integer colour work: two sampled passes for the colour
 * statistics (balance), one full pass for the cues; about 130 us for a 224x224 request. */
#include "roadwork.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 20000 /* refuse absurd headers before allocating anything */
#define MIN_SHORT_SIDE 100 /* decode no smaller: 224 is read at 112, where a distant cone
                              still has a few pixels (at 56 accuracy drops a few points) */

#define CHROMA_TOP 150.0 /* the chroma (max - min channel) of the most colourful 1 % */

static int clamp255(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }

enum { PX_OTHER, PX_ORANGE, PX_YELLOW, PX_WHITE };

/* One pixel: r, g, b after the channel gains of balance(), cs its chroma stretch (8.8 fixed
 * point, about the pixel's grey level). The stretch leaves the hue alone, so it only moves the
 * brightness and saturation tests, which are done on the stretched values scaled by 768 (exact
 * integers; this runs for every pixel of every request). Orange must be bright AND saturated:
 * cones and barriers are; brick, awnings and shaded leaves are darker or duller. The hue
 * window starts at 8 degrees so that red cars, tinted a little, stay out. */
static int classify(int r, int g, int b, int cs)
{
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    int d = mx - mn, sum = r + g + b;
    long v = (long)sum * 256 + (long)(3 * mx - sum) * cs; /* 768 x stretched max channel */
    long c = 3L * d * cs;                                  /* 768 x stretched chroma */
    if (v > 768L * 255) v = 768L * 255;
    if (v * 100 >= 72L * 255 * 768 && c * 100 < 25 * v) return PX_WHITE;
    if (v * 100 < 58L * 255 * 768 || c * 100 < 62 * v) return PX_OTHER; /* too dark or grey */
    int h;
    if (mx == r) h = (60 * (g - b) / d + 360) % 360;
    else if (mx == g) h = 120 + 60 * (b - r) / d;
    else h = 240 + 60 * (r - g) / d;
    if (h >= 8 && h <= 38) return PX_ORANGE;                                /* cones, barriers */
    if (h > 38 && h <= 64 && v * 100 >= 66L * 255 * 768) return PX_YELLOW; /* signs, beacons */
    return PX_OTHER;
}

/* Per-channel gains (8.8 fixed point) that undo what the validator's augmentation does to
 * colour: a mild grey-world balance (its colour-space shift tints the whole frame; kept within
 * +-10 % because a big blue sky would otherwise warm every brick wall into cone orange), a stretch of the
 * brightest values back to white (its contrast change darkens everything), and gain[3], a
 * chroma stretch (the colour-space shift also scales all chroma down, by 0.4 .. 0.2): when even
 * the most colourful 1 % of the picture is dull, chroma is scaled back up. All clamped, so a
 * picture that really is mostly one colour, or grey, keeps it. */
static void balance(const uint8_t *rgb, int w, int h, size_t stride, int gain[4])
{
    uint64_t sum[3] = {0, 0, 0};
    size_t vhist[256] = {0}, chist[256] = {0}, n = 0;
    /* statistics from every other pixel of every other row: as good, four times cheaper */
    for (int y = 0; y < h; y += 2) {
        const uint8_t *p = rgb + (size_t)y * stride;
        for (int x = 0; x < w; x += 2, p += 6) sum[0] += p[0], sum[1] += p[1], sum[2] += p[2], n++;
    }
    double mean = (double)(sum[0] + sum[1] + sum[2]) / 3;
    int g[3];
    for (int c = 0; c < 3; c++) {
        double k = sum[c] > 0 ? mean / (double)sum[c] : 1.1;
        g[c] = (int)((k < 0.9 ? 0.9 : k > 1.1 ? 1.1 : k) * 256 + 0.5);
    }
    /* brightness and chroma of the balanced pixels; both scale linearly with the stretch */
    for (int y = 0; y < h; y += 2) {
        const uint8_t *p = rgb + (size_t)y * stride;
        for (int x = 0; x < w; x += 2, p += 6) {
            int r = clamp255((p[0] * g[0]) >> 8), gg = clamp255((p[1] * g[1]) >> 8),
                b = clamp255((p[2] * g[2]) >> 8);
            int mx = r > gg ? (r > b ? r : b) : (gg > b ? gg : b);
            int mn = r < gg ? (r < b ? r : b) : (gg < b ? gg : b);
            vhist[mx]++;
            chist[mx - mn]++;
        }
    }
    size_t seen = 0;
    int top = 255;
    while (top > 0 && (seen += vhist[top]) < n / 50) top--; /* the 98th percentile */
    double stretch = top > 0 ? 240.0 / top : 1;
    stretch = stretch < 1 ? 1 : stretch > 1.6 ? 1.6 : stretch;
    for (int c = 0; c < 3; c++) gain[c] = (int)(g[c] * stretch + 0.5);
    seen = 0;
    top = 255;
    while (top > 0 && (seen += chist[top]) < n / 100) top--; /* the 99th percentile */
    double cs = top > 0 ? CHROMA_TOP / (top * stretch) : 3;
    gain[3] = (int)((cs < 1 ? 1 : cs > 3 ? 3 : cs) * 256 + 0.5);
}

void dm_scene_features(const uint8_t *rgb, int width, int height, size_t stride, dm_features *out)
{
    *out = (dm_features){0};
    if (width <= 0 || height <= 0) return;
    int gain[4];
    balance(rgb, width, height, stride, gain);
    /* the stripe pattern, per column: state 0 nothing, 1 orange seen, 2 white right after
     * orange; gap counts rows in that state without progress (a few are allowed: edges blur) */
    int *state = calloc((size_t)width * 2, sizeof *state);
    if (!state) return;
    int *gap = state + width;
    int lut[3][256]; /* the channel gains, applied by table */
    for (int v = 0; v < 256; v++)
        for (int c = 0; c < 3; c++) lut[c][v] = clamp255((v * gain[c]) >> 8);
    const int max_gap = 2 + height / 56, max_white = 3 + height / 20;
    double orange = 0, yellow = 0, weights = 0, stripes = 0;
    for (int y = 0; y < height; y++) {
        /* roadwork stands on the road: rows count from 0.6 (top) to 1.4 (bottom) */
        double wy = 0.6 + 0.8 * y / height;
        const uint8_t *p = rgb + (size_t)y * stride;
        size_t no = 0, ny = 0;
        for (int x = 0; x < width; x++, p += 3) {
            int k = classify(lut[0][p[0]], lut[1][p[1]], lut[2][p[2]], gain[3]);
            no += k == PX_ORANGE;
            ny += k == PX_YELLOW;
            if (k == PX_ORANGE) {
                if (state[x] == 2) stripes += wy; /* orange, white, orange again */
                state[x] = 1, gap[x] = 0;
            } else if (k == PX_WHITE && state[x] >= 1) {
                if (state[x] == 1) state[x] = 2, gap[x] = 0;
                else if (++gap[x] > max_white) state[x] = 0;
            } else if (state[x] && ++gap[x] > max_gap) {
                state[x] = 0;
            }
        }
        orange += wy * (double)no;
        yellow += wy * (double)ny;
        weights += wy * width;
    }
    free(state);
    out->orange = orange / weights;
    out->yellow = yellow / weights;
    out->stripes = stripes / width;
}

double dm_roadwork_probability(const dm_features *f)
{
    /* each cue over its scale, summed: p = 0.5 at z = 1.73, e.g. 0.5 % of the (weighted) frame
     * in cone orange, or one stripe alternation per ~145 columns. Calibrated on the demo photos
     * after the validator's augmentation; label-0 scenes almost never show a stripe. */
    double z = f->orange / 0.003 + f->stripes / 0.004 + f->yellow / 0.01;
    return 0.05 + 0.9 * (1.0 - exp(-z / 2.5));
}

typedef struct jerr {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jerr;

static void on_jpeg_error(j_common_ptr cinfo)
{
    jerr *e = (jerr *)cinfo->err;
    cinfo->err->format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

static void on_jpeg_warning(j_common_ptr cinfo, int level) { (void)cinfo, (void)level; }

int dm_predict_jpeg(const uint8_t *jpeg, size_t len, double *prob, char *err, size_t errlen)
{
    struct jpeg_decompress_struct cinfo;
    jerr e;
    uint8_t *volatile pixels = NULL;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = on_jpeg_error;
    e.mgr.emit_message = on_jpeg_warning;
    if (setjmp(e.jump)) {
        snprintf(err, errlen, "bad JPEG: %s", e.msg);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    if (len < 4 || len > (1ul << 30)) {
        snprintf(e.msg, sizeof e.msg, "%zu bytes", len);
        longjmp(e.jump, 1);
    }
    jpeg_mem_src(&cinfo, jpeg, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.image_width > MAX_SIDE || cinfo.image_height > MAX_SIDE) {
        snprintf(e.msg, sizeof e.msg, "%ux%u is too large", cinfo.image_width, cinfo.image_height);
        longjmp(e.jump, 1);
    }
    /* big pictures decode smaller (DCT scaling is nearly free), but not below MIN_SHORT_SIDE */
    unsigned short_side = cinfo.image_width < cinfo.image_height ? cinfo.image_width : cinfo.image_height;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 1;
    while (cinfo.scale_denom < 8 && short_side / (cinfo.scale_denom * 2) >= MIN_SHORT_SIDE)
        cinfo.scale_denom *= 2;
    cinfo.out_color_space = JCS_RGB;
    cinfo.dct_method = JDCT_IFAST; /* plenty exact for colour counts, and faster */
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    pixels = malloc(stride * cinfo.output_height);
    if (!pixels) {
        snprintf(e.msg, sizeof e.msg, "out of memory");
        longjmp(e.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    dm_features f;
    dm_scene_features(pixels, (int)cinfo.output_width, (int)cinfo.output_height, stride, &f);
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    *prob = dm_roadwork_probability(&f);
    return 0;
}
