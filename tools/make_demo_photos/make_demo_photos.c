/* make_demo_photos — render the committed demo photo set with the procedural renderer.
 *
 *   make BUILD=build/proc build/proc/make_demo_photos
 *   build/proc/make_demo_photos [--out demo/photos] [--count 16] [--width 640] [--height 480]
 *                               [--quality 85] [--seed 72]
 *
 * Writes <out>/roadwork/roadwork_NN.jpg and <out>/none/none_NN.jpg, each with a sidecar
 * <stem>.json: {"label": 1, "scene_description": "A two-lane ..."} or {"label": 0,
 * "scene_description": ""}. Image i of label L uses seed (seed * 1000 + L * 100 + i), so the
 * set is reproducible byte for byte with the same libjpeg. Files are written under a temporary
 * name and renamed (sidecar first, image last, like the cache). */
#include "pr_render.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <stdlib.h>
#include <jpeglib.h>
#include <string.h>
#include <sys/stat.h>

static int write_jpeg(const char *path, const proctor_image *img, int quality)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return fprintf(stderr, "make_demo_photos: %s: %s\n", tmp, strerror(errno)), -1;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)img->width;
    c.image_height = (JDIMENSION)img->height;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    c.optimize_coding = TRUE;
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = img->pixels + (size_t)c.next_scanline * img->stride;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        return fprintf(stderr, "make_demo_photos: %s: %s\n", path, strerror(errno)), remove(tmp), -1;
    return 0;
}

static int write_sidecar(const char *path, int label, const char *desc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "label", label);
    cJSON_AddStringToObject(o, "scene_description", desc);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) return fprintf(stderr, "make_demo_photos: out of memory\n"), -1;
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        int w = fprintf(f, "%s\n", text) > 0;
        if (fclose(f) == 0 && w && rename(tmp, path) == 0) rc = 0;
        else remove(tmp);
    }
    if (rc) fprintf(stderr, "make_demo_photos: %s: %s\n", path, strerror(errno));
    free(text);
    return rc;
}

static int mkdirs(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int arg_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: make_demo_photos [--out DIR] [--count N] [--width W] [--height H] "
                    "[--quality Q] [--seed S]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = "demo/photos";
    int count = 16, w = 640, h = 480, quality = 85, seed = 72;
    for (int i = 1; i < argc; i += 2) { /* every option takes one value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(), 0;
        if (!v) return usage();
        int bad = 0;
        if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--count")) bad = arg_int(v, 1, 1000, &count);
        else if (!strcmp(a, "--width")) bad = arg_int(v, 8, PR_MAX_SIDE, &w);
        else if (!strcmp(a, "--height")) bad = arg_int(v, 8, PR_MAX_SIDE, &h);
        else if (!strcmp(a, "--quality")) bad = arg_int(v, 1, 100, &quality);
        else if (!strcmp(a, "--seed")) bad = arg_int(v, 0, 1000000, &seed);
        else return usage();
        if (bad) return fprintf(stderr, "make_demo_photos: bad value for %s: %s\n", a, v), 2;
    }
    if (strlen(out) > 3000) return fprintf(stderr, "make_demo_photos: --out too long\n"), 2;
    if ((uint64_t)w * (uint64_t)h > PR_MAX_PIXELS)
        return fprintf(stderr, "make_demo_photos: %dx%d is more than %u pixels\n", w, h, PR_MAX_PIXELS), 2;
    proctor_image img = {w, h, 3, w * 3, malloc((size_t)w * h * 3)};
    if (!img.pixels) return fprintf(stderr, "make_demo_photos: out of memory\n"), 1;
    pr_options opt;
    pr_options_default(&opt);
    int rc = 0;
    for (int label = 1; label >= 0 && rc == 0; label--) {
        const char *sub = label ? "roadwork" : "none";
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", out, sub);
        if (mkdirs(dir) != 0) {
            fprintf(stderr, "make_demo_photos: cannot create %s: %s\n", dir, strerror(errno));
            rc = 1;
            break;
        }
        for (int i = 0; i < count && rc == 0; i++) {
            uint64_t s = (uint64_t)seed * 1000 + (uint64_t)label * 100 + (uint64_t)i;
            memset(img.pixels, 0, (size_t)w * h * 3);
            pr_summary sum;
            pr_render_scene(&img, s, label, &opt, NULL, &sum);
            char desc[512] = "";
            if (label) pr_describe(&sum, desc, sizeof desc);
            char jpg[4200], json[4200];
            snprintf(jpg, sizeof jpg, "%s/%s_%02d.jpg", dir, sub, i + 1);
            snprintf(json, sizeof json, "%s/%s_%02d.json", dir, sub, i + 1);
            if (write_sidecar(json, label, desc) || write_jpeg(jpg, &img, quality)) rc = 1;
            else printf("%s  %s\n", jpg, label ? desc : "(no roadwork)");
        }
    }
    free(img.pixels);
    return rc;
}
