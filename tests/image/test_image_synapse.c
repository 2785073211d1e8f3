/* test_image_synapse — challenge preparation: decode scale, base64 of a 224x224 JPEG, replay. */
#include "../tap.h"
#include "common.h"
#include "image/image.h"
#include "image/synapse.h"

#include <math.h>
#include <sodium.h>

static unsigned char *make_jpeg(int w, int h, size_t *len)
{
    proctor_image img;
    char err[128];
    void *out = NULL;
    pattern(&img, w, h, 21);
    if (pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 85, &out, len, err, sizeof err) != PROCTOR_OK) out = NULL;
    pc_image_free(&img);
    return out;
}

/* base64 -> JPEG -> image; 1 when it is a 224x224 RGB JPEG */
static int check_b64(const pc_challenge_image *c)
{
    size_t cap = c->b64_len, n = 0;
    unsigned char *bin = malloc(cap);
    int good = sodium_base642bin(bin, cap, c->b64, c->b64_len, NULL, &n, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) == 0 &&
               n == c->jpeg_len && pc_image_sniff(bin, n) == PROCTOR_FORMAT_JPEG;
    proctor_image img;
    char err[128];
    if (good) {
        good = pc_image_decode(bin, n, 0, &img, NULL, err, sizeof err) == PROCTOR_OK && img.width == 224 &&
               img.height == 224 && img.channels == 3;
        pc_image_free(&img);
    }
    free(bin);
    return good && strchr(c->b64, '\n') == NULL && c->b64_len % 4 == 0;
}

static void test_min_short_side(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    is_int(pc_challenge_decode_min_side(&o, 0, 4032, 3024), 225, "level 0 needs a 224 short side (+1)");
    /* 4:3: the smallest crop is sqrt(0.2 * 4/3) = 0.516 of the short side -> 434.0 + 1 */
    int need = pc_challenge_decode_min_side(&o, 3, 4032, 3024);
    is_int(need, (int)ceil(224 / sqrt(0.2 * 4032.0 / 3024.0)) + 1, "level 3 on 4:3 needs %d", need);
    is_int(pc_challenge_decode_min_side(&o, 1, 3000, 600), 225, "a 5:1 panorama needs only 224 (+1)");
    is_int(pc_challenge_decode_min_side(&o, 1, 2786, 692), (int)ceil(224 / sqrt(0.2 * 2786 / 692.0)) + 1,
           "a 4:1 panorama needs a little more");
}

static void test_prepare(void)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    char err[256];
    size_t len = 0;
    unsigned char *jpg = make_jpeg(1600, 1200, &len);
    ok(jpg != NULL, "made a 1600x1200 JPEG");
    int levels[4] = {0}, all_ok = 1, scale_ok = 1, used[9] = {0};
    for (uint64_t seed = 100; seed < 140; seed++) {
        pc_challenge_image c;
        if (pc_challenge_image_prepare(jpg, len, &o, seed, NULL, 75, &c, err, sizeof err) != PROCTOR_OK) {
            diag("seed %d: %s", (int)seed, err);
            all_ok = 0;
            continue;
        }
        levels[c.params.level]++;
        all_ok &= check_b64(&c) && c.orig_width == 1600 && c.orig_height == 1200;
        /* the chosen scale is the smallest whose planned crop has >= 224 pixels a side */
        int n = c.scale_num, dw = c.params.src_width, dh = c.params.src_height;
        scale_ok &= dw == (1600 * n + 7) / 8 && dh == (1200 * n + 7) / 8 && c.params.crop_w >= 224;
        if (n > 1) {
            int pw = (1600 * (n - 1) + 7) / 8, ph = (1200 * (n - 1) + 7) / 8;
            pc_augment_params q;
            if (pw >= 224 && ph >= 224) {
                pc_augment_plan(&o, seed, pw, ph, NULL, &q, err, sizeof err);
                scale_ok &= q.crop_w < 224;
            }
        }
        used[n]++;
        pc_challenge_image_free(&c);
    }
    ok(all_ok, "40 challenges: base64 of a 224x224 JPEG, original size recorded");
    ok(scale_ok, "decode scale is the smallest whose crop keeps >= 224 px (1/8: %d, 2/8: %d, 3/8: %d, "
       "4/8: %d, more: %d)", used[1], used[2], used[3], used[4], used[5] + used[6] + used[7] + used[8]);
    ok(levels[0] && levels[1] && levels[2] && levels[3], "all levels occurred (%d %d %d %d)", levels[0],
       levels[1], levels[2], levels[3]);

    pc_challenge_image a, b;
    int mask[2] = {1500, 100};
    is_int(pc_challenge_image_prepare(jpg, len, &o, 4242, mask, 75, &a, err, sizeof err), PROCTOR_OK, "prepare");
    is_int(pc_challenge_image_prepare(jpg, len, &o, 4242, mask, 75, &b, err, sizeof err), PROCTOR_OK, "again");
    ok(a.b64_len == b.b64_len && strcmp(a.b64, b.b64) == 0, "same seed, same base64");
    /* the mask rule per level, each level forced: 1 scales the mask, 0 ignores it */
    pc_augment_opts forced = o;
    pc_challenge_image m;
    double only1[4] = {0, 1, 0, 0}, only0[4] = {1, 0, 0, 0};
    memcpy(forced.level_probs, only1, sizeof only1);
    is_int(pc_challenge_image_prepare(jpg, len, &forced, 4242, mask, 75, &m, err, sizeof err), PROCTOR_OK,
           "prepare at level 1");
    ok(m.params.level == 1 && m.params.has_mask && m.params.mask_x == 1500 * m.params.src_width / 1600,
       "level 1: mask_center is scaled to the decoded image (level %d, mask %d)", m.params.level, m.params.mask_x);
    pc_challenge_image_free(&m);
    memcpy(forced.level_probs, only0, sizeof only0);
    is_int(pc_challenge_image_prepare(jpg, len, &forced, 4242, mask, 75, &m, err, sizeof err), PROCTOR_OK,
           "prepare at level 0");
    ok(m.params.level == 0 && !m.params.has_mask, "level 0 ignores mask_center (level %d)", m.params.level);
    pc_challenge_image_free(&m);
    cJSON *j = pc_challenge_image_json(&a);
    ok(j && cJSON_GetObjectItem(j, "original") && cJSON_GetObjectItem(j, "decode_scale") &&
           cJSON_GetObjectItem(j, "level"),
       "audit JSON has original size, decode scale and level");
    cJSON_Delete(j);
    pc_challenge_image_free(&a);
    pc_challenge_image_free(&b);

    pc_challenge_image c;
    is_int(pc_challenge_image_prepare(jpg, len / 3, &o, 1, NULL, 75, &c, err, sizeof err), PROCTOR_INVALID,
           "truncated source refused: %s", err);
    ok(c.b64 == NULL, "nothing allocated on error");
    is_int(pc_challenge_image_prepare("nope", 4, &o, 1, NULL, 75, &c, err, sizeof err), PROCTOR_INVALID,
           "non-image refused");
    free(jpg);
}

/* the fast path (plan first, decode only the rows needed) gives the same bytes as decoding
 * every row and augmenting: the plan's row bound never cuts a row that is read */
static void test_same_as_full(const unsigned char *src, size_t len, int w, int h, const char *what)
{
    pc_augment_opts o;
    pc_augment_defaults(&o);
    o.hflip_prob = 0.5, o.vflip_prob = 0.5; /* cover the flips too */
    char err[256];
    int same = 1, partial = 0;
    for (uint64_t seed = 1; seed <= 24; seed++) {
        int mask[2] = {(int)(seed * 37 % w), (int)(seed * 91 % h)};
        pc_challenge_image c;
        if (pc_challenge_image_prepare(src, len, &o, seed, seed & 1 ? mask : NULL, 75, &c, err, sizeof err) != PROCTOR_OK) {
            diag("%s seed %d: %s", what, (int)seed, err);
            same = 0;
            continue;
        }
        int n = c.scale_num, scale;
        int min_short = n == 8 ? 0 : (int)((((w < h ? w : h) * (long long)n) + 7) / 8);
        proctor_image img, aug;
        pc_image_decode(src, len, min_short, &img, &scale, err, sizeof err);
        int m2[2] = {(int)floor((double)mask[0] * img.width / w), (int)floor((double)mask[1] * img.height / h)};
        pc_augment(&img, &o, seed, seed & 1 ? m2 : NULL, &aug, NULL, err, sizeof err);
        partial += pc_augment_rows_needed(&c.params) < img.height;
        void *jpg;
        size_t jlen;
        pc_image_encode(&aug, PROCTOR_FORMAT_JPEG, 75, &jpg, &jlen, err, sizeof err);
        size_t cap = sodium_base64_encoded_len(jlen, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(cap);
        sodium_bin2base64(b64, cap, jpg, jlen, sodium_base64_VARIANT_ORIGINAL);
        same &= strcmp(b64, c.b64) == 0 && scale == c.scale_num;
        free(b64);
        free(jpg);
        pc_image_free(&aug);
        pc_image_free(&img);
        pc_challenge_image_free(&c);
    }
    ok(same, "%s: 24 challenges equal full decode + augment + JPEG + base64", what);
    ok(partial > 0, "%s: %d of them stopped decoding early", what, partial);
}

static void test_photo(void)
{
    const char *dir = photos_dir();
    if (!dir) {
        skip(2, "no ../shared/fixtures/photos (set PROCTOR_SHARED)");
        return;
    }
    char path[1200], err[256];
    snprintf(path, sizeof path, "%s/roadwork_05.png", dir);
    size_t len = 0;
    unsigned char *b = read_all(path, &len);
    pc_augment_opts o;
    pc_augment_defaults(&o);
    pc_challenge_image c;
    is_int(pc_challenge_image_prepare(b, len, &o, 9, NULL, 75, &c, err, sizeof err), PROCTOR_OK,
           "RGBA PNG fixture prepares");
    ok(check_b64(&c) && c.scale_num == 8, "PNG decoded at full size, 224x224 JPEG out");
    pc_challenge_image_free(&c);
    free(b);
}

int main(void)
{
    test_min_short_side();
    test_prepare();
    size_t len = 0;
    unsigned char *jpg = make_jpeg(1600, 1200, &len);
    test_same_as_full(jpg, len, 1600, 1200, "1600x1200 landscape");
    free(jpg);
    jpg = make_jpeg(900, 1400, &len);
    test_same_as_full(jpg, len, 900, 1400, "900x1400 portrait");
    free(jpg);
    test_photo();
    return done_testing();
}
