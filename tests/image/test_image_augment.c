/* test_image_augment — levels 0..3: output shape, the operations each level records over
 * many seeds, parameter tables, replay from a seed, rotation geometry, flips, mask_center. */
#include "../tap.h"
#include "common.h"
#include "image/augment.h"
#include "image/image.h"

#include <inttypes.h>

#define SEEDS 300

static int in_table_d(double v, const double *t) {
    for (int i = 0; i < 5; i++) if (v == t[i]) return i + 1;
    return 0;
}
static int in_table_i(double v, const int *t) {
    for (int i = 0; i < 5; i++) if (v == t[i]) return i + 1;
    return 0;
}

static void test_options(void)
{
    pc_augment_opts o;
    char err[256];
    pc_augment_defaults(&o);
    is_int(pc_augment_check(&o, err, sizeof err), PROCTOR_OK, "defaults are valid");
    ok(o.size == 224 && o.level_probs[0] == 0.25 && o.rotate_degrees == 20 && o.crop_scale_min == 0.2 &&
           o.hflip_prob == 0 && o.vflip_prob == 0 && o.level2_max == 1 && o.level3_max == 2,
       "defaults are upstream's");
    ok(o.cs[0] == 0.4 && o.cc[4] == 0.35 && o.jpeg[2] == 4 && o.gnc[4] == 0.05 && o.gb[0] == 7,
       "distortion tables are upstream's");
    o.level_probs[0] = 0.5;
    is_int(pc_augment_check(&o, err, sizeof err), PROCTOR_INVALID, "probabilities summing to 1.25 refused");
    ok(strstr(err, "sum") != NULL, "error says why: %s", err);
    pc_augment_defaults(&o);
    o.gb[1] = 8;
    is_int(pc_augment_check(&o, err, sizeof err), PROCTOR_INVALID, "even blur kernel refused: %s", err);
    pc_augment_defaults(&o);
    o.crop_scale_min = 0;
    is_int(pc_augment_check(&o, err, sizeof err), PROCTOR_INVALID, "crop scale 0 refused: %s", err);
}

static void test_levels(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    proctor_image src;
    pattern(&src, 160, 120, 5);
    char err[256];
    int count[4] = {0}, shape_ok = 1, ops_ok = 1, angle_ok = 1, crop_ok = 1, table_ok = 1;
    int seen[PC_DIST_COUNT][3] = {{0}};
    int minside = (int)lrint(sqrt(0.2 * 160 * 120));
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        proctor_image out;
        pc_augment_params p;
        if (pc_augment(&src, &o, seed * 0x9E3779B97F4A7C15ULL, NULL, &out, &p, err, sizeof err) != PROCTOR_OK) {
            diag("seed %" PRIu64 ": %s", seed, err);
            shape_ok = 0;
            continue;
        }
        shape_ok &= out.width == 224 && out.height == 224 && out.channels == 3 && out.stride == 672;
        count[p.level]++;
        if (p.level != pc_augment_pick_level(&o, seed * 0x9E3779B97F4A7C15ULL)) ops_ok = 0;
        if (p.level == 0) {
            crop_ok &= p.crop_x == 20 && p.crop_y == 0 && p.crop_w == 120 && p.crop_h == 120;
            angle_ok &= p.angle == 0;
        } else {
            angle_ok &= p.angle >= -20 && p.angle <= 20;
            crop_ok &= p.crop_w == p.crop_h && p.crop_w >= minside && p.crop_w <= 120 && p.crop_x >= 0 &&
                       p.crop_y >= 0 && p.crop_x + p.crop_w <= 160 && p.crop_y + p.crop_h <= 120;
            ops_ok &= !p.hflip && !p.vflip; /* upstream's flips never fire */
        }
        for (int d = 0; d < PC_DIST_COUNT; d++) {
            int in_level = p.level == 3 || (p.level == 2 && d <= PC_DIST_JPEG);
            int maxl = p.level == 3 ? 2 : 1;
            if (!in_level) {
                ops_ok &= p.dist_level[d] == -1;
                continue;
            }
            int k = p.dist_level[d];
            ops_ok &= k >= 0 && k <= maxl;
            if (k < 0 || k > 2) continue;
            seen[d][k]++;
            if (k == 0) continue;
            switch (d) {
            case PC_DIST_CS: table_ok &= in_table_d(p.dist_param[d], o.cs) == k; break;
            case PC_DIST_CC: table_ok &= in_table_d(p.dist_param[d], o.cc) == k; break;
            case PC_DIST_JPEG: table_ok &= in_table_i(p.dist_param[d], o.jpeg) == k; break;
            case PC_DIST_GNC: table_ok &= in_table_d(p.dist_param[d], o.gnc) == k; break;
            case PC_DIST_GB: table_ok &= in_table_i(p.dist_param[d], o.gb) == k; break;
            }
        }
        pc_image_free(&out);
    }
    ok(shape_ok, "every output is 224x224 RGB (%d seeds)", SEEDS);
    for (int l = 0; l < 4; l++)
        ok(count[l] > SEEDS * 0.18 && count[l] < SEEDS * 0.32, "level %d drawn %d/%d times (p 0.25)", l,
           count[l], SEEDS);
    ok(ops_ok, "each level records exactly its operations; pick_level agrees");
    ok(angle_ok, "angles lie in [-20, 20] (0 at level 0)");
    ok(crop_ok, "level 0 crops the centre square; levels 1-3 crop squares of area >= 0.2");
    ok(table_ok, "distortion parameters come from the tables at the drawn level");
    for (int d = 0; d < PC_DIST_COUNT; d++)
        ok(seen[d][0] > 0 && seen[d][1] > 0 && seen[d][2] > 0,
           "%s drawn at levels 0, 1 and 2 (%d, %d, %d)", pc_distortion_name(d), seen[d][0], seen[d][1],
           seen[d][2]);
    pc_image_free(&src);
}

static void test_replay(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    o.level_probs[0] = 0, o.level_probs[1] = 0, o.level_probs[2] = 0, o.level_probs[3] = 1;
    proctor_image src, a, b, c;
    pattern(&src, 500, 333, 6);
    char err[256];
    pc_augment_params pa, pb;
    is_int(pc_augment(&src, &o, 12345, NULL, &a, &pa, err, sizeof err), PROCTOR_OK, "level 3 run");
    is_int(pc_augment(&src, &o, 12345, NULL, &b, &pb, err, sizeof err), PROCTOR_OK, "same seed again");
    ok(memcmp(a.pixels, b.pixels, (size_t)224 * 224 * 3) == 0, "same seed, same bytes");
    ok(memcmp(&pa, &pb, sizeof pa) == 0, "same seed, same params");
    is_int(pc_augment(&src, &o, 12346, NULL, &c, NULL, err, sizeof err), PROCTOR_OK, "next seed");
    ok(memcmp(a.pixels, c.pixels, (size_t)224 * 224 * 3) != 0, "another seed, other bytes");
    cJSON *j = pc_augment_params_json(&pa);
    char *txt = cJSON_PrintUnformatted(j);
    diag("params: %s", txt);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "seed")), "12345", "JSON seed is a decimal string");
    is_int(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "level")), 3, "JSON level 3");
    cJSON *d = cJSON_GetObjectItem(j, "distortions");
    is_int(cJSON_GetArraySize(d), 5, "JSON lists the five distortions");
    ok(cJSON_GetObjectItem(d, "GB") && cJSON_GetObjectItem(cJSON_GetObjectItem(d, "GB"), "level"),
       "JSON GB has its level");
    ok(cJSON_IsNumber(cJSON_GetObjectItem(j, "rotation")) && cJSON_IsArray(cJSON_GetObjectItem(j, "crop")),
       "JSON has rotation and crop");
    free(txt);
    cJSON_Delete(j);
    pc_image_free(&a);
    pc_image_free(&b);
    pc_image_free(&c);
    pc_image_free(&src);
}

static void test_level0(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    o.level_probs[0] = 1, o.level_probs[1] = 0, o.level_probs[2] = 0, o.level_probs[3] = 0;
    char err[256];
    proctor_image src, out, sq, want;
    pc_augment_params p;
    /* Python's round((227 - 224) / 2) = round(1.5) = 2, round((225 - 224) / 2) = round(0.5) = 0 */
    int widths[2] = {227, 225}, offs[2] = {2, 0};
    for (int i = 0; i < 2; i++) {
        pattern(&src, widths[i], 224, 7);
        pc_augment(&src, &o, 1, NULL, &out, &p, err, sizeof err);
        is_int(p.crop_x, offs[i], "level 0 on %dx224 crops at x = %d (round half to even)", widths[i], offs[i]);
        pc_image_free(&out);
        pc_image_free(&src);
    }
    pattern(&src, 400, 300, 8);
    pc_augment(&src, &o, 7, NULL, &out, &p, err, sizeof err);
    pc_image_crop(&src, 50, 0, 300, 300, &sq, err, sizeof err);
    pc_image_resize(&sq, 224, 224, &want, err, sizeof err);
    ok(memcmp(out.pixels, want.pixels, (size_t)224 * 224 * 3) == 0,
       "level 0 = PIL centre crop + BILINEAR resize");
    pc_image_free(&out);
    pc_image_free(&sq);
    pc_image_free(&want);
    pc_image_free(&src);
}

static void test_rotation(void)
{
    char err[256];
    proctor_image src, out;
    pattern(&src, 4, 4, 3);
    is_int(pc_augment_rotate_crop(&src, 90.0, 0, 0, 4, &out, err, sizeof err), PROCTOR_OK, "rotate 90");
    int same = 1;
    for (int y = 0; y < 4; y++) /* counter-clockwise: out(x, y) = src(3 - y, x) */
        for (int x = 0; x < 4; x++)
            same &= memcmp(out.pixels + y * out.stride + 3 * x, src.pixels + x * src.stride + 3 * (3 - y), 3) == 0;
    ok(same, "90 degrees counter-clockwise about the centre");
    pc_image_free(&out);
    pc_augment_rotate_crop(&src, 0.0, 1, 1, 2, &out, err, sizeof err);
    ok(memcmp(out.pixels, src.pixels + src.stride + 3, 6) == 0 &&
           memcmp(out.pixels + out.stride, src.pixels + 2 * src.stride + 3, 6) == 0,
       "0 degrees is a plain crop");
    pc_image_free(&out);
    pc_image_free(&src);

    pc_image_alloc(&src, 20, 20, 3, err, sizeof err);
    memset(src.pixels, 200, (size_t)20 * 20 * 3);
    pc_augment_rotate_crop(&src, 45.0, 0, 0, 20, &out, err, sizeof err);
    ok(out.pixels[0] == 0 && out.pixels[19 * 3] == 0 && out.pixels[19 * out.stride] == 0,
       "45 degrees leaves black corners");
    ok(out.pixels[10 * out.stride + 10 * 3] == 200, "and keeps the centre");
    pc_image_free(&out);
    pc_augment_rotate_crop(&src, 10.0, 15, 15, 10, &out, err, sizeof err);
    ok(out.pixels[9 * out.stride + 9 * 3] == 0, "a box past the canvas is padded black");
    pc_image_free(&out);
    pc_image_free(&src);
}

static void test_flips(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    o.level_probs[0] = 0, o.level_probs[1] = 1, o.level_probs[2] = 0, o.level_probs[3] = 0;
    char err[256];
    proctor_image src, a, b;
    pc_augment_params pa, pb;
    pattern(&src, 300, 260, 9);
    pc_augment(&src, &o, 77, NULL, &a, &pa, err, sizeof err);
    o.hflip_prob = 1.0;
    pc_augment(&src, &o, 77, NULL, &b, &pb, err, sizeof err);
    ok(!pa.hflip && pb.hflip && pa.crop_x == pb.crop_x && pa.angle == pb.angle, "hflip 1 flips, same draws");
    int mirror = 1;
    for (int y = 0; y < 224 && mirror; y++)
        for (int x = 0; x < 224; x++)
            mirror &= memcmp(a.pixels + y * a.stride + 3 * x, b.pixels + y * b.stride + 3 * (223 - x), 3) == 0;
    ok(mirror, "the flipped output is the mirror image");
    pc_image_free(&b);
    o.hflip_prob = 0;
    o.vflip_prob = 1;
    pc_augment(&src, &o, 77, NULL, &b, &pb, err, sizeof err);
    ok(pb.vflip && memcmp(a.pixels, b.pixels + 223 * b.stride, 672) == 0, "vflip puts the top row at the bottom");
    pc_image_free(&a);
    pc_image_free(&b);
    pc_image_free(&src);
}

static void test_mask(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    o.level_probs[0] = 0, o.level_probs[1] = 1, o.level_probs[2] = 0, o.level_probs[3] = 0;
    char err[256];
    proctor_image src, out;
    pattern(&src, 320, 180, 4);
    /* with the real dimensions the point is always inside the box, the box on the canvas */
    o.mask_true_dims = 1;
    int inside = 1, shifted = 0;
    for (uint64_t seed = 1; seed <= 100; seed++) {
        int m[2] = {(int)((seed * 7919) % 320), (int)((seed * 104729) % 180)};
        pc_augment_params p, q;
        pc_augment(&src, &o, seed, m, &out, &p, err, sizeof err);
        pc_image_free(&out);
        pc_augment(&src, &o, seed, NULL, &out, &q, err, sizeof err);
        pc_image_free(&out);
        shifted += p.crop_x != q.crop_x || p.crop_y != q.crop_y;
        inside &= m[0] >= p.crop_x && m[0] <= p.crop_x + p.crop_w && m[1] >= p.crop_y &&
                  m[1] <= p.crop_y + p.crop_h && p.crop_x >= 0 && p.crop_y >= 0 &&
                  p.crop_x + p.crop_w <= 320 && p.crop_y + p.crop_h <= 180 && p.has_mask;
    }
    ok(inside, "mask_center stays in view, crop on the canvas (100 seeds)");
    ok(shifted > 10, "the mask moved the crop for %d of 100 seeds", shifted);

    /* upstream's arithmetic: `width, height = img.shape[1:]` is (H, W), so the right-hand
     * clamp uses H - side and the bottom one W - side */
    o.mask_true_dims = 0;
    int match = 1, outside = 0;
    for (uint64_t seed = 1; seed <= 100; seed++) {
        int m[2] = {315, 175};
        pc_augment_params p, q;
        pc_augment(&src, &o, seed, m, &out, &p, err, sizeof err);
        pc_image_free(&out);
        pc_augment(&src, &o, seed, NULL, &out, &q, err, sizeof err);
        pc_image_free(&out);
        int s = q.crop_w, j = q.crop_x, i = q.crop_y;
        if (m[0] > j + s) j = 180 - s < m[0] - s + 10 ? 180 - s : m[0] - s + 10;
        if (m[1] > i + s) i = 320 - s < m[1] - s + 10 ? 320 - s : m[1] - s + 10;
        match &= p.crop_x == j && p.crop_y == i;
        outside += m[0] > p.crop_x + p.crop_w;
    }
    ok(match, "default follows upstream's swapped-dimension clamp");
    ok(outside > 0, "which can leave a right-edge point out of view (%d of 100)", outside);
    pc_image_free(&src);
}

/* degenerate sources: every level still gives 224x224 (crops fall back, resizes upscale) */
static void test_tiny(void)
{
    int sizes[4][2] = {{1, 1}, {2, 3}, {7, 5}, {300, 2}};
    pc_augment_opts o;
    pc_augment_defaults(&o);
    char err[256];
    for (int i = 0; i < 4; i++) {
        proctor_image src;
        pattern(&src, sizes[i][0], sizes[i][1], 2);
        int good = 1;
        for (int level = 0; level < 4; level++) {
            for (int l = 0; l < 4; l++) o.level_probs[l] = l == level;
            for (uint64_t seed = 0; seed < 5; seed++) {
                proctor_image out;
                pc_augment_params p;
                proctor_status st = pc_augment(&src, &o, seed, NULL, &out, &p, err, sizeof err);
                good &= st == PROCTOR_OK && out.width == 224 && out.height == 224 && p.level == level;
                if (st == PROCTOR_OK) pc_image_free(&out);
                else diag("%dx%d level %d: %s", sizes[i][0], sizes[i][1], level, err);
            }
        }
        ok(good, "a %dx%d source gives 224x224 at every level", sizes[i][0], sizes[i][1]);
        pc_image_free(&src);
    }
    proctor_image out;
    pc_augment_defaults(&o);
    is_int(pc_augment(NULL, &o, 1, NULL, &out, NULL, err, sizeof err), PROCTOR_INVALID, "no source refused");
}

int main(void)
{
    test_tiny();
    test_options();
    test_levels();
    test_replay();
    test_level0();
    test_rotation();
    test_flips();
    test_mask();
    return done_testing();
}
