/* test_natix_extract — what extraction accepts and how it writes it down:
 *   - image checks (imginfo.c): a JPEG cut after its frame header or inside its scan, or
 *     without its end marker, is refused (Pillow cannot save it, upstream skips it); a
 *     progressive JPEG is whole; an MPO (APP2 "MPF" with 2 images) is named "mpo" as Pillow
 *     does; a PNG must run to IEND.
 *   - rows (extract.c, on a Parquet file from bench_pqwrite.c): a scene_description holding
 *     U+0000 is kept and written "\u0000" exactly as Python's json.dumps(ensure_ascii=False)
 *     writes it (checked against python3 when it is installed); every refused row is logged at
 *     DEBUG with its file, row and reason. */
#include "../../plugins/sources/natix/extract.h"
#include "../../plugins/sources/natix/imginfo.h"
#include "../../bench/natix/bench_pqwrite.h"
#include "../tap.h"

#include <cjson/cJSON.h>
#include <stdio.h> /* before jpeglib.h */
#include <jpeglib.h>
#include <unistd.h>
#include <zlib.h>

static uint8_t *make_jpeg(int w, int h, int seed, int progressive, size_t *len)
{
    uint8_t *rgb = malloc((size_t)w * h * 3);
    for (int i = 0; i < w * h * 3; i++) rgb[i] = (uint8_t)(i * 7 + seed * 31 + (i / 97));
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long outlen = 0;
    jpeg_mem_dest(&c, &out, &outlen);
    c.image_width = (JDIMENSION)w, c.image_height = (JDIMENSION)h, c.input_components = 3, c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    if (progressive) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = rgb + (size_t)c.next_scanline * w * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(rgb);
    *len = outlen;
    return out;
}

static size_t find2(const uint8_t *b, size_t n, uint8_t a, uint8_t c)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (b[i] == a && b[i + 1] == c) return i;
    return n;
}

/* JPEG a with an APP2 "MPF" segment after SOI announcing `count` images, then JPEG b. */
static uint8_t *make_mpo(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, uint32_t count, size_t *len)
{
    static const uint8_t tiff[] = {'I', 'I', 42, 0, 8, 0, 0, 0, /* IFD at 8: one entry */ 1, 0,
                                   0x01, 0xB0, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, /* next IFD */ 0, 0, 0, 0};
    size_t seg = 2 + 2 + 4 + sizeof tiff;
    uint8_t *o = malloc(an + seg + bn);
    size_t w = 0;
    memcpy(o, a, 2), w = 2;
    o[w++] = 0xFF, o[w++] = 0xE2, o[w++] = (uint8_t)((seg - 2) >> 8), o[w++] = (uint8_t)(seg - 2);
    memcpy(o + w, "MPF\0", 4), w += 4;
    memcpy(o + w, tiff, sizeof tiff);
    memcpy(o + w + 18, &count, 4); /* the LONG value (little-endian host, "II" data) */
    w += sizeof tiff;
    memcpy(o + w, a + 2, an - 2), w += an - 2;
    memcpy(o + w, b, bn), w += bn;
    *len = w;
    return o;
}

static void be32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v; }

static size_t png_chunk(uint8_t *o, const char *type, const uint8_t *data, uint32_t n)
{
    be32(o, n);
    memcpy(o + 4, type, 4);
    if (n) memcpy(o + 8, data, n);
    be32(o + 8 + n, (uint32_t)crc32(0, o + 4, n + 4));
    return 12 + n;
}

static uint8_t *make_png(size_t *len)
{
    uint8_t raw[8 * (1 + 8 * 3)], z[1024], ihdr[13] = {0};
    for (size_t i = 0; i < sizeof raw; i++) raw[i] = i % 25 == 0 ? 0 : (uint8_t)(i * 13);
    uLongf zn = sizeof z;
    compress(z, &zn, raw, sizeof raw);
    be32(ihdr, 8), be32(ihdr + 4, 8);
    ihdr[8] = 8, ihdr[9] = 2;
    uint8_t *o = malloc(2048);
    memcpy(o, "\x89PNG\r\n\x1a\n", 8);
    size_t w = 8;
    w += png_chunk(o + w, "IHDR", ihdr, 13);
    w += png_chunk(o + w, "IDAT", z, (uint32_t)zn);
    w += png_chunk(o + w, "IEND", NULL, 0);
    *len = w;
    return o;
}

static void image_checks(void)
{
    size_t n, pn, mn;
    uint8_t *j = make_jpeg(64, 48, 1, 0, &n);
    nx_imginfo in;
    ok(nx_image_info(j, n, &in) == 0 && !strcmp(in.format, "jpeg") && in.width == 64 && in.height == 48 &&
       !strcmp(in.mode, "RGB"), "a whole JPEG: jpeg 64x48 RGB");
    size_t sos = find2(j, n, 0xFF, 0xDA);
    size_t after_sos = sos + 2 + ((size_t)j[sos + 2] << 8 | j[sos + 3]);
    ok(sos < n && nx_image_info(j, after_sos, &in) != 0, "SOF and SOS present, no scan data: refused");
    ok(nx_image_info(j, after_sos + (n - after_sos) / 2, &in) != 0, "cut inside the scan: refused");
    ok(nx_image_info(j, n - 2, &in) != 0, "no end-of-image marker: refused");
    ok(nx_image_info(j, sos, &in) != 0, "frame header only: refused");
    uint8_t *jp = make_jpeg(64, 48, 2, 1, &pn);
    ok(nx_image_info(jp, pn, &in) == 0 && !strcmp(in.format, "jpeg"), "a progressive JPEG (several scans) is whole");
    size_t last_sos = 0;
    for (size_t i = 0; i + 1 < pn; i++) if (jp[i] == 0xFF && jp[i + 1] == 0xDA) last_sos = i;
    ok(nx_image_info(jp, last_sos + 8, &in) != 0, "a progressive JPEG cut in its last scan: refused");
    uint8_t *mpo = make_mpo(j, n, jp, pn, 2, &mn);
    ok(nx_image_info(mpo, mn, &in) == 0 && !strcmp(in.format, "mpo") && in.width == 64,
       "APP2 MPF with 2 images: format mpo, the first image's size");
    free(mpo);
    mpo = make_mpo(j, n, jp, pn, 1, &mn);
    ok(nx_image_info(mpo, mn, &in) == 0 && !strcmp(in.format, "jpeg"), "APP2 MPF with 1 image: still jpeg");
    free(mpo);
    uint8_t *png = make_png(&pn);
    ok(nx_image_info(png, pn, &in) == 0 && !strcmp(in.format, "png") && !strcmp(in.mode, "RGB"), "a whole PNG");
    ok(nx_image_info(png, pn - 12, &in) != 0, "a PNG without IEND: refused");
    ok(nx_image_info(png, 40, &in) != 0, "a PNG cut after IHDR: refused");
    free(png);
    free(j);
    free(jp);
}

/* ---- extraction ------------------------------------------------------------------------- */

typedef struct rec {
    char stems[16][128];
    char *sides[16];
    int n;
    char log[16384];
    size_t loglen;
    uint64_t rng;
} rec;

static proctor_status put(void *u, const char *stem, const void *b, size_t len, const char *side)
{
    rec *r = u;
    (void)b, (void)len;
    if (r->n < 16) snprintf(r->stems[r->n], 128, "%s", stem), r->sides[r->n++] = strdup(side);
    return PROCTOR_OK;
}
static uint64_t rnd(void *u)
{
    rec *r = u;
    r->rng ^= r->rng << 13, r->rng ^= r->rng >> 7, r->rng ^= r->rng << 17;
    return r->rng;
}
static void on_log(void *u, proctor_log_level lv, const char *msg)
{
    rec *r = u;
    size_t n = strlen(msg);
    if (lv == PROCTOR_LOG_DEBUG && r->loglen + n + 2 < sizeof r->log) {
        memcpy(r->log + r->loglen, msg, n);
        r->loglen += n;
        r->log[r->loglen++] = '\n';
        r->log[r->loglen] = 0;
    }
}

static const char *side_of(const rec *r, int row)
{
    char want[64];
    snprintf(want, sizeof want, "__image_%d", row);
    for (int i = 0; i < r->n; i++) {
        const char *p = strstr(r->stems[i], want);
        if (p && p[strlen(want)] == 0) return r->sides[i];
    }
    return NULL;
}

static void extraction(void)
{
    enum { N = 8 };
    size_t jl, tl, pl, ml;
    uint8_t *good = make_jpeg(40, 30, 3, 0, &jl);
    uint8_t *prog = make_jpeg(40, 30, 4, 1, &pl);
    size_t sos = find2(good, jl, 0xFF, 0xDA);
    tl = sos + 2 + ((size_t)good[sos + 2] << 8 | good[sos + 3]); /* SOF present, no scan data */
    uint8_t *mpo = make_mpo(good, jl, prog, pl, 2, &ml);
    const uint8_t *imgs[N] = {good, good, good, mpo, good, good, good, prog};
    size_t lens[N] = {jl, jl, tl, ml, jl, jl, jl, pl};
    static const char nul_mid[] = "cones\0and a \"barrier\"\n\t", nul_only[] = "\0";
    const char *descs[N] = {"", nul_mid, "", "road crew", NULL, "x", nul_only, "lane closed"};
    size_t dl[N] = {0, sizeof nul_mid - 1, 0, 9, 0, 1, 1, 11};
    int64_t labels[N] = {0, 1, 0, 1, 1, 7, 1, 1};
    char dir[] = "/tmp/natix-extract-XXXXXX";
    if (!mkdtemp(dir)) {
        ok(0, "temporary directory");
        return;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/train-00000-of-00001.parquet", dir);
    bench_pq_rows rows = {labels, descs, dl};
    ok(bench_write_parquet_rows(path, imgs, lens, N, N, 4, &rows) == 0, "input written (%d rows)", N);

    rec r = {.rng = 99};
    nx_sink sink = {put, NULL, NULL, rnd, NULL, &r, NULL, on_log};
    nx_extract_stats st = {0};
    char err[256] = "";
    proctor_status ps = nx_extract(path, 0, &sink, &st, err, sizeof err);
    is_int(ps, PROCTOR_OK, "extraction runs (%s)", err);
    is_int(st.written, 5, "rows 0, 1, 3, 6, 7 written");
    is_int(st.not_image, 1, "the cut JPEG counted as not an image");
    is_int(st.inconsistent, 1, "label 1 without a description counted");
    is_int(st.bad_label, 1, "label 7 counted");

    const char *s1 = side_of(&r, 1);
    ok(s1 && strstr(s1, "\"cones\\u0000and a \\\"barrier\\\"\\n\\t\""),
       "U+0000 written as \\u0000, quotes and controls escaped: %.50s", s1 ? strstr(s1, "scene") : "(row missing)");
    cJSON *doc = s1 ? cJSON_Parse(s1) : NULL;
    ok(doc && cJSON_IsNumber(cJSON_GetObjectItem(doc, "label")) &&
       cJSON_IsString(cJSON_GetObjectItem(doc, "scene_description")), "that sidecar is valid JSON with label and description");
    cJSON_Delete(doc);
    const char *s6 = side_of(&r, 6);
    ok(s6 && strstr(s6, "\"\\u0000\""), "a description that is only U+0000 is kept too");
    const char *s3 = side_of(&r, 3);
    ok(s3 && strstr(s3, "\"image_format\":\t\"mpo\""), "the MPO row says image_format mpo");
    ok(!side_of(&r, 2), "the cut JPEG was not stored");

    /* independent check: Python's json reads our string back and writes it the same way */
    if (system("python3 -c 'import json' 2>/dev/null") != 0) {
        skip(2, "python3 not installed: no cross-check against Python's json");
    } else if (s1) {
        char sp[300], cmd[700], out[600] = "";
        snprintf(sp, sizeof sp, "%s/row1.json", dir);
        FILE *fp = fopen(sp, "w");
        fputs(s1, fp);
        fclose(fp);
        snprintf(cmd, sizeof cmd,
                 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d[\"scene_description\"]; "
                 "print(s == \"cones\\x00and a \\\"barrier\\\"\\n\\t\", json.dumps(s, ensure_ascii=False))' '%s'", sp);
        FILE *pp = popen(cmd, "r");
        size_t got = pp ? fread(out, 1, sizeof out - 1, pp) : 0;
        if (pp) pclose(pp);
        out[got] = 0;
        out[strcspn(out, "\n")] = 0;
        ok(!strncmp(out, "True ", 5), "python3 reads the description back with its U+0000 (%s)", out);
        ok(got > 5 && strstr(s1, out + 5) != NULL, "python3 writes it the same way as we did: %s", got > 5 ? out + 5 : "");
    }

    /* every refused row: one DEBUG line with file, row and reason */
    char want[400];
    snprintf(want, sizeof want, "%s row 2 skipped: ", path);
    ok(strstr(r.log, want) && strstr(r.log, "not a whole JPEG"), "the cut JPEG is logged with file, row, reason");
    snprintf(want, sizeof want, "%s row 4 skipped: label 1 without a scene_description", path);
    ok(strstr(r.log, want) != NULL, "the inconsistent row is logged with its reason");
    snprintf(want, sizeof want, "%s row 5 skipped: label is null or not 0/1", path);
    ok(strstr(r.log, want) != NULL, "the bad label is logged with its reason");
    int lines = 0;
    for (const char *p = r.log; (p = strstr(p, " skipped: ")); p++) lines++;
    if (!ok(lines == 3, "one line per refused row (%d)", lines)) diag("log:\n%s", r.log);

    for (int i = 0; i < r.n; i++) free(r.sides[i]);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) diag("could not remove %s", dir);
    free(good);
    free(prog);
    free(mpo);
}

int main(void)
{
    image_checks();
    extraction();
    return done_testing();
}
