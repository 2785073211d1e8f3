/* test_procedural_render — the procedural renderer linked directly: anti-aliased coverage,
 * clipping, scene summaries (label 0 never has roadwork, label 1 always does, within
 * objects_max), the scene sentence, and that the committed demo photos are consistent and
 * still what the renderer draws. */
#include "orange.h"
#include "pr_hints.h"
#include "pr_raster.h"
#include "pr_render.h"
#include "../tap.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jpeglib.h>

static proctor_image blank(int w, int h)
{
    proctor_image im = {w, h, 3, w * 3, calloc((size_t)w * h * 3, 1)};
    return im;
}

static void test_raster(void)
{
    proctor_image im = blank(8, 4);
    pr_fill_rect(&im, 1.5f, 0, 3.5f, 4, pr_rgb3(255, 255, 255), 1);
    const uint8_t *row = im.pixels + 2 * im.stride;
    is_int(row[0 * 3], 0, "outside the rect: untouched");
    ok(abs(row[1 * 3] - 128) <= 2, "half-covered edge pixel is ~half white (%d)", row[3]);
    is_int(row[2 * 3], 255, "fully covered pixel is white");
    ok(abs(row[3 * 3] - 128) <= 2, "right edge pixel is ~half white (%d)", row[9]);
    is_int(row[4 * 3], 0, "right of the rect: untouched");
    /* far-off, degenerate and NaN shapes must not write or crash */
    memset(im.pixels, 0, 8 * 4 * 3);
    pr_fill_rect(&im, -1e30f, -1e30f, -1e29f, -1e29f, pr_rgb3(255, 0, 0), 1);
    pr_fill_rect(&im, 1e29f, 1e29f, 1e30f, 1e30f, pr_rgb3(255, 0, 0), 1);
    pr_fill_rect(&im, 2, 2, 2, 3, pr_rgb3(255, 0, 0), 1);
    pr_fill_ellipse(&im, NAN, 2, 3, 3, pr_rgb3(255, 0, 0), 1);
    pr_fill_ellipse(&im, 4, 2, 1e9f, 1e9f, pr_rgb3(0, 0, 255), 0.5f);
    is_int(im.pixels[0], 0, "degenerate and off-screen shapes draw nothing");
    ok(im.pixels[2] >= 126 && im.pixels[2] <= 129, "a huge half-transparent ellipse covers at half strength (%d)", im.pixels[2]);
    free(im.pixels);

    pr_pt a[4] = {{0, 0}, {4, 0}, {4, 4}, {0, 4}}, b[4] = {{2, 2}, {6, 2}, {6, 6}, {2, 6}}, out[8];
    int n = pr_clip_convex(a, 4, b, 4, out);
    double area = 0;
    for (int i = 0; i < n; i++) area += out[i].x * out[(i + 1) % n].y - out[(i + 1) % n].x * out[i].y;
    is_double(fabs(area) / 2, 4.0, 1e-4, "clipping two 4x4 squares offset by 2 leaves a 2x2 square");
    pr_pt far[4] = {{10, 10}, {11, 10}, {11, 11}, {10, 11}};
    is_int(pr_clip_convex(a, 4, far, 4, out), 0, "disjoint polygons clip to nothing");
}

static void test_summaries(void)
{
    proctor_image im = blank(320, 240);
    pr_options o;
    pr_options_default(&o);
    int clean0 = 1, has1 = 1, within = 1, worded = 1, settings[4] = {0}, styles[4] = {0};
    for (int max = 2; max <= 12; max += 10) {
        o.objects_max = max;
        for (uint64_t s = 0; s < 30; s++) {
            pr_summary sum;
            char text[512];
            pr_render_scene(&im, s, 0, &o, NULL, &sum);
            clean0 &= sum.cones + sum.drums + sum.barriers + sum.signs + sum.workers == 0 && sum.side == 0;
            clean0 &= pr_describe(&sum, text, sizeof text) == 0 && text[0] == 0;
            pr_render_scene(&im, s, 1, &o, NULL, &sum);
            int rw = sum.cones + sum.drums + sum.barriers + sum.signs + sum.workers;
            has1 &= rw >= 1;
            within &= rw <= max;
            size_t len = pr_describe(&sum, text, sizeof text);
            worded &= len > 20 && len < sizeof text && text[0] == 'A' && text[len - 1] == '.';
            if (sum.cones > 1) worded &= strstr(text, "traffic cones") != NULL;
            if (sum.barriers) worded &= strstr(text, "barrier") != NULL;
            if (sum.workers) worded &= strstr(text, "vest") != NULL;
            if (!worded) diag("seed %llu: \"%s\"", (unsigned long long)s, text);
            settings[sum.setting]++, styles[sum.style]++;
        }
    }
    ok(clean0, "label 0 scenes never contain roadwork objects nor a description");
    ok(has1, "label 1 scenes always contain at least one roadwork object");
    ok(within, "label 1 scenes respect objects_max (2 and 12)");
    ok(worded, "label 1 descriptions name what was drawn");
    ok(settings[PR_SETTING_CITY] && settings[PR_SETTING_SUBURB] && settings[PR_SETTING_HIGHWAY],
       "auto scene draws city, suburb and highway (%d/%d/%d)", settings[1], settings[2], settings[3]);
    ok(styles[PR_STYLE_DAY] && styles[PR_STYLE_OVERCAST] && styles[PR_STYLE_DUSK], "auto style draws all three lightings");

    /* i2i: label 0 edits never add roadwork; label 1 always does */
    int edit0 = 1, edit1 = 1;
    for (uint64_t s = 0; s < 20; s++) {
        pr_summary sum;
        pr_render_scene(&im, s, 0, &o, NULL, NULL);
        pr_edit_image(&im, s, 0, 0.9, &o, NULL, &sum);
        edit0 &= sum.cones + sum.drums + sum.barriers + sum.signs + sum.workers == 0 && sum.edit_kind != 0;
        pr_edit_image(&im, s, 1, 0.5, &o, NULL, &sum);
        edit1 &= sum.cones + sum.drums + sum.barriers + sum.signs + sum.workers >= 1;
        char text[512];
        edit1 &= pr_describe(&sum, text, sizeof text) > 10;
    }
    ok(edit0, "i2i label 0 applies an edit without roadwork objects");
    ok(edit1, "i2i label 1 pastes roadwork and describes it");
    free(im.pixels);

    pr_summary sum = {0};
    sum.label = 1, sum.setting = PR_SETTING_CITY, sum.style = PR_STYLE_DAY, sum.lanes = 2;
    sum.cones = 3, sum.barriers = 1, sum.barriers_red = 1, sum.side = 1, sum.in_lane = 0;
    char text[512];
    pr_describe(&sum, text, sizeof text);
    is_str(text, "A two-lane city street with three orange traffic cones and a red and white striped "
                 "barrier on the right side of the road.", "sentence for 3 cones + 1 barrier");
    char tiny[8];
    size_t want = pr_describe(&sum, tiny, sizeof tiny);
    ok(want == strlen(text) && strlen(tiny) == 7, "a short buffer truncates and reports the full length");
}

static int roadwork_count(const pr_summary *s)
{
    return s->cones + s->drums + s->barriers + s->signs + s->workers;
}

static void test_hints(void)
{
    pr_hints h;
    pr_hints_parse("Two WORKERS in vests beside a Barricade on the highway at night", &h);
    ok(h.worker && h.barrier && !h.cone && !h.sign && h.setting == PR_SETTING_HIGHWAY && h.style == PR_STYLE_DUSK,
       "prompt words map to workers, barrier, highway, dusk");
    pr_hints_parse("a traffic signal on a cloudy residential street", &h);
    ok(!h.any_object && h.style == PR_STYLE_OVERCAST && h.setting == PR_SETTING_SUBURB,
       "\"signal\" is not a sign; cloudy -> overcast, residential -> suburb");
    pr_hints_parse(NULL, &h);
    ok(!h.any_object && h.style == PR_STYLE_AUTO && h.setting == PR_SETTING_AUTO, "no prompt, no hints");

    proctor_image im = blank(320, 240);
    pr_options o;
    pr_options_default(&o);
    const int n = 12;
    int both = 0, named_only = 1, street = 1, cones_only = 1, clean0 = 1, fixed = 1, i2i_barrier = 0;
    for (uint64_t s = 0; s < (uint64_t)n; s++) {
        pr_summary sum;
        pr_render_scene(&im, s, 1, &o, "Road workers in high-visibility vests and a barrier on a highway at dusk.", &sum);
        both += sum.workers >= 1 && sum.barriers >= 1;
        named_only &= sum.signs == 0 && roadwork_count(&sum) >= 1;
        street &= sum.setting == PR_SETTING_HIGHWAY && sum.style == PR_STYLE_DUSK;
        pr_render_scene(&im, s, 1, &o, "Orange traffic cones on the road.", &sum);
        cones_only &= sum.cones >= 1 && sum.cones == roadwork_count(&sum);
        pr_render_scene(&im, s, 0, &o, "cones, barriers and a road work sign", &sum);
        clean0 &= roadwork_count(&sum) == 0;
        pr_options city = o;
        city.setting = PR_SETTING_CITY;
        pr_render_scene(&im, s, 1, &city, "a highway", &sum);
        fixed &= sum.setting == PR_SETTING_CITY;
        pr_edit_image(&im, s, 1, 0.8, &o, "a striped barrier", &sum);
        i2i_barrier += sum.barriers >= 1;
    }
    ok(both >= n - 2, "prompt naming workers and a barrier gets both (%d of %d)", both, n);
    ok(named_only, "...and no sign, which it did not name");
    ok(street, "...on a highway at dusk");
    ok(cones_only, "prompt naming only cones gets only cones");
    ok(clean0, "label 0 ignores roadwork words in its prompt");
    ok(fixed, "a fixed scene option wins over the prompt");
    ok(i2i_barrier >= n - 2, "i2i label 1 pastes the barrier its prompt names (%d of %d)", i2i_barrier, n);
    free(im.pixels);
}

/* ---- the committed demo photos --------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 && n < (8 << 20) ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) free(buf), buf = NULL;
    fclose(f);
    if (buf) buf[n] = 0, *len = (size_t)n;
    return buf;
}

static int decode_jpeg(const char *path, proctor_image *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr err;
    d.err = jpeg_std_error(&err); /* the committed files are ours; a broken one fails loudly */
    jpeg_create_decompress(&d);
    jpeg_stdio_src(&d, f);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    *out = blank((int)d.output_width, (int)d.output_height);
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = out->pixels + (size_t)d.output_scanline * out->stride;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    fclose(f);
    return 0;
}

static void test_demo_photos(void)
{
    const char *root = "demo/photos";
    struct stat st;
    if (stat(root, &st) != 0) {
        skip(4, "no demo/photos (run from the repository root)");
        return;
    }
    int count[2] = {0, 0}, consistent = 1;
    size_t total = 0;
    for (int label = 0; label <= 1; label++) {
        char dir[256];
        snprintf(dir, sizeof dir, "%s/%s", root, label ? "roadwork" : "none");
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 4, ".jpg") != 0) continue;
            char path[600], side[600];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            snprintf(side, sizeof side, "%s/%.*s.json", dir, (int)(n - 4), e->d_name);
            if (stat(path, &st) == 0) total += (size_t)st.st_size;
            size_t len;
            char *txt = slurp(side, &len);
            cJSON *j = txt ? cJSON_Parse(txt) : NULL;
            cJSON *lab = cJSON_GetObjectItemCaseSensitive(j, "label");
            cJSON *desc = cJSON_GetObjectItemCaseSensitive(j, "scene_description");
            int good = cJSON_IsNumber(lab) && lab->valueint == label && cJSON_IsString(desc) &&
                       (label ? strlen(desc->valuestring) > 20 : desc->valuestring[0] == 0);
            if (!good) diag("%s: sidecar missing or inconsistent", path);
            consistent &= good;
            if (side[0] && stat(side, &st) == 0) total += (size_t)st.st_size;
            count[label]++;
            cJSON_Delete(j);
            free(txt);
        }
        if (d) closedir(d);
    }
    ok(count[0] >= 8 && count[1] >= 8, "demo set has both labels (%d none, %d roadwork)", count[0], count[1]);
    ok(consistent, "every demo photo has a sidecar whose label and description agree with its folder");
    ok(total < 1536 * 1024, "demo set is small (%zu bytes)", total);

    /* the first roadwork photo is still what the renderer draws for its seed (the tool uses
     * seed 72 * 1000 + label * 100 + index): regenerate with make_demo_photos when not */
    proctor_image jpg, ref;
    if (decode_jpeg("demo/photos/roadwork/roadwork_01.jpg", &jpg) != 0) {
        ok(0, "decode demo/photos/roadwork/roadwork_01.jpg");
        return;
    }
    ref = blank(jpg.width, jpg.height);
    pr_options o;
    pr_options_default(&o);
    pr_summary sum;
    pr_render_scene(&ref, 72 * 1000 + 100 + 0, 1, &o, NULL, &sum);
    double d = mean_abs_diff(&jpg, &ref);
    ok(d < 4.0, "roadwork_01.jpg matches a fresh render (mean |diff| %.2f); else rerun make_demo_photos", d);
    free(jpg.pixels);
    free(ref.pixels);
}

int main(void)
{
    test_raster();
    test_summaries();
    test_hints();
    test_demo_photos();
    return done_testing();
}
