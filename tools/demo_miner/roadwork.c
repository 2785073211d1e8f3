/* roadwork.c — see roadwork.h. */
#include "roadwork.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 20000 /* refuse absurd headers before allocating anything */

/* HSV windows for the two warning colours (h in degrees, s and v in percent), in integers:
 * this runs for every pixel of every request. */
static int is_warning(int r, int g, int b)
{
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    int d = mx - mn;
    if (mx * 100 < 45 * 255 || d * 100 < 55 * mx) return 0; /* too dark or too grey */
    int h;
    if (mx == r) h = (60 * (g - b) / d + 360) % 360;
    else if (mx == g) h = 120 + 60 * (b - r) / d;
    else h = 240 + 60 * (r - g) / d;
    int orange = h >= 8 && h <= 38;                       /* cones, barriers, vests */
    int yellow = h > 38 && h <= 65 && mx * 100 >= 55 * 255; /* signs, beacons, markings */
    return orange || yellow;
}

double dm_warning_share(const uint8_t *rgb, int width, int height, size_t stride)
{
    if (width <= 0 || height <= 0) return 0;
    size_t hits = 0;
    for (int y = 0; y < height; y++) {
        const uint8_t *p = rgb + (size_t)y * stride;
        for (int x = 0; x < width; x++, p += 3) hits += is_warning(p[0], p[1], p[2]);
    }
    return (double)hits / ((double)width * height);
}

double dm_roadwork_probability(double share)
{
    /* 1.5 % of the frame in warning colours already gives ~0.6 */
    return 0.05 + 0.9 * (1.0 - exp(-share / 0.015));
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
    /* colour shares survive downscaling; decode at >= 48 px on the short side, it is much faster */
    unsigned short_side = cinfo.image_width < cinfo.image_height ? cinfo.image_width : cinfo.image_height;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 1;
    while (cinfo.scale_denom < 8 && short_side / (cinfo.scale_denom * 2) >= 48) cinfo.scale_denom *= 2;
    cinfo.out_color_space = JCS_RGB;
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
    double share = dm_warning_share(pixels, (int)cinfo.output_width, (int)cinfo.output_height, stride);
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    *prob = dm_roadwork_probability(share);
    return 0;
}
