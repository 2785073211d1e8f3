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
    size_t len;
    unsigned char *jpg = make_jpeg(1600, 1200, &len);
    ok(jpg != NULL, "made a 1600x1200 JPEG");
    int levels[4] = {0}, all_ok = 1, scale_ok = 1;
    for (uint64_t seed = 100; seed < 140; seed++) {
        pc_challenge_image c;
        if (pc_challenge_image_prepare(jpg, len, &o, seed, NULL, 75, &c, err, sizeof err) != PROCTOR_OK) {
            diag("seed %d: %s", (int)seed, err);
            all_ok = 0;
            continue;
        }
        levels[c.params.level]++;
        all_ok &= check_b64(&c) && c.orig_width == 1600 && c.orig_height == 1200;
        /* the chosen scale keeps the smallest possible crop >= 224 and is the smallest such */
        int dw = c.params.src_width, dh = c.params.src_height;
        double smallest = c.params.level == 0 ? fmin(dw, dh) : sqrt(0.2 * dw * dh);
        scale_ok &= smallest >= 224 && dw == (1600 * c.scale_num + 7) / 8;
        if (c.scale_num > 1) {
            int pw = (1600 * (c.scale_num - 1) + 7) / 8, ph = (1200 * (c.scale_num - 1) + 7) / 8;
            double prev = c.params.level == 0 ? fmin(pw, ph) : sqrt(0.2 * pw * ph);
            scale_ok &= prev < 225;
        }
        pc_challenge_image_free(&c);
    }
    ok(all_ok, "40 challenges: base64 of a 224x224 JPEG, original size recorded");
    ok(scale_ok, "decode scale is the smallest that keeps the smallest crop >= 224 px");
    ok(levels[0] && levels[1] && levels[2] && levels[3], "all levels occurred (%d %d %d %d)", levels[0],
       levels[1], levels[2], levels[3]);

    pc_challenge_image a, b;
    int mask[2] = {1500, 100};
    is_int(pc_challenge_image_prepare(jpg, len, &o, 4242, mask, 75, &a, err, sizeof err), PROCTOR_OK, "prepare");
    is_int(pc_challenge_image_prepare(jpg, len, &o, 4242, mask, 75, &b, err, sizeof err), PROCTOR_OK, "again");
    ok(a.b64_len == b.b64_len && strcmp(a.b64, b.b64) == 0, "same seed, same base64");
    if (a.params.level >= 1)
        ok(a.params.has_mask && a.params.mask_x == 1500 * a.params.src_width / 1600,
           "mask_center is scaled to the decoded image");
    else
        ok(1, "level 0 ignores mask_center");
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

static void test_photo(void)
{
    const char *dir = photos_dir();
    if (!dir) {
        skip(2, "no ../shared/fixtures/photos (set PROCTOR_SHARED)");
        return;
    }
    char path[1200], err[256];
    snprintf(path, sizeof path, "%s/roadwork_05.png", dir);
    size_t len;
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
    test_photo();
    return done_testing();
}
