/* test_natix_parquet — the pq_ reader against files written by an independent writer
 * (parquet-wasm/arrow-rs, tests/natix/fixtures/make_fixtures.js) and the values an independent
 * reader (hyparquet) saw in them (expected.json); then corrupted copies of those files must give
 * clear errors, never crashes or huge allocations (run under ASan/UBSan). */
#include "../../plugins/sources/natix/parquet.h"
#include "../../plugins/sources/natix/pq_internal.h"
#include "../tap.h"

#include <cjson/cJSON.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <sodium.h>
#include <sys/resource.h>
#include <time.h>

#define FIX "tests/natix/fixtures/"

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b) b[n] = 0;
    fclose(fp);
    if (len) *len = (size_t)n;
    return b;
}

/* One column of one file, all rows. */
typedef struct cell {
    int is_null, def;
    int64_t i;
    double d;
    char *s;       /* byte arrays, NUL-terminated copy */
    size_t len;
    char sha[65];
} cell;

typedef struct sink {
    cell *cells;
    int64_t base; /* first row of the row group */
} sink;

static int collect(void *user, int64_t row, const pq_value *v)
{
    sink *s = user;
    cell *c = &s->cells[s->base + row];
    c->is_null = v->is_null;
    c->def = v->def;
    c->i = v->i;
    c->d = v->d;
    if (!v->is_null && v->bytes) {
        c->s = malloc(v->len + 1);
        memcpy(c->s, v->bytes, v->len);
        c->s[v->len] = 0;
        c->len = v->len;
        unsigned char h[32];
        crypto_hash_sha256(h, v->bytes, v->len);
        sodium_bin2hex(c->sha, sizeof c->sha, h, 32);
    }
    return 0;
}

static cell *read_column(pq_file *f, const char *name, char *err, size_t errlen)
{
    int col = pq_find_column(f, name);
    if (col < 0) {
        snprintf(err, errlen, "no column %s", name);
        return NULL;
    }
    cell *cells = calloc((size_t)pq_num_rows(f) + 1, sizeof *cells);
    int64_t base = 0;
    for (int g = 0; g < pq_num_row_groups(f); g++) {
        int64_t n = pq_row_group_rows(f, g);
        int64_t *rows = malloc(sizeof *rows * (size_t)(n + 1));
        for (int64_t i = 0; i < n; i++) rows[i] = i;
        sink s = {cells, base};
        int rc = pq_read_rows(f, g, col, rows, (size_t)n, collect, &s, err, errlen);
        free(rows);
        if (rc) {
            free(cells);
            return NULL;
        }
        base += n;
    }
    return cells;
}

static void free_cells(cell *c, int64_t n)
{
    for (int64_t i = 0; c && i < n; i++) free(c[i].s);
    free(c);
}

static int str_eq(const cell *c, const cJSON *want)
{
    if (cJSON_IsNull(want)) return c->is_null;
    return !c->is_null && cJSON_IsString(want) && c->s && strcmp(c->s, want->valuestring) == 0;
}

/* NULL, or limits that stream every byte-array dictionary (pq_stream.c) */
static const pq_limits *g_lim;

static void check_file(const char *name, const cJSON *exp)
{
    char path[512], err[256] = "";
    snprintf(path, sizeof path, FIX "%s", name);
    char shown[300];
    snprintf(shown, sizeof shown, "%.200s%s", name, g_lim ? " [streamed dictionaries]" : "");
    pq_file *f;
    if (!ok(pq_open(&f, path, g_lim, err, sizeof err) == 0, "%s opens (%s)", shown, err)) return;
    const cJSON *rows = cJSON_GetObjectItem(exp, "rows");
    int64_t n = cJSON_GetArraySize(rows);
    is_int(pq_num_rows(f), cJSON_GetObjectItem(exp, "num_rows")->valueint, "%s: num_rows", shown);
    is_int(pq_num_row_groups(f), cJSON_GetObjectItem(exp, "row_groups")->valueint, "%s: row groups", shown);
    int flat = cJSON_IsTrue(cJSON_GetObjectItem(exp, "flat_image"));
    const char *imgcol = cJSON_GetStringValue(cJSON_GetObjectItem(exp, "image_column"));
    ok(imgcol && pq_find_column(f, imgcol) >= 0, "%s: image column %s present", shown, imgcol ? imgcol : "?");
    if (!imgcol) imgcol = "image.bytes";
    const char *hf = pq_metadata(f, "huggingface");
    ok(hf && strstr(hf, "\"Image\""), "%s: footer key/value 'huggingface' read", shown);
    const char *codec = cJSON_GetArrayItem(cJSON_GetObjectItem(exp, "codecs"), 0)->valuestring;
    is_str(pq_codec_name(pq_column_codec(f, 0, 0)), codec, "%s: codec", shown);

    cell *img = read_column(f, imgcol, err, sizeof err);
    ok(img != NULL, "%s: image column reads (%s)", shown, img ? "" : err);
    cell *ipath = flat ? NULL : read_column(f, "image.path", err, sizeof err);
    ok(flat || ipath, "%s: image.path reads (%s)", shown, ipath || flat ? "" : err);
    cell *label = read_column(f, "label", err, sizeof err);
    ok(label != NULL, "%s: label reads (%s)", shown, label ? "" : err);
    cell *desc = read_column(f, "scene_description", err, sizeof err);
    ok(desc != NULL, "%s: scene_description reads (%s)", shown, desc ? "" : err);
    cell *city = read_column(f, "city", err, sizeof err);
    cell *quality = read_column(f, "quality", err, sizeof err);
    cell *verified = read_column(f, "verified", err, sizeof err);
    ok(city && quality && verified, "%s: city, quality, verified read (%s)", shown, err);
    cell *id32 = read_column(f, "id32", err, sizeof err);
    ok(id32 != NULL, "%s: id32 reads", shown);
    if (!img || (!flat && !ipath) || !label || !desc || !city || !quality || !verified || !id32) goto out;

    int bad_img = 0, bad_path = 0, bad_label = 0, bad_desc = 0, bad_city = 0, bad_q = 0, bad_v = 0,
        bad_id = 0, bad_struct = 0;
    for (int64_t i = 0; i < n; i++) {
        const cJSON *r = cJSON_GetArrayItem(rows, (int)i);
        const cJSON *sha = cJSON_GetObjectItem(r, "image_sha256");
        if (cJSON_IsNull(sha) ? !img[i].is_null
                              : (img[i].is_null || strcmp(img[i].sha, sha->valuestring) ||
                                 (double)img[i].len != cJSON_GetObjectItem(r, "image_len")->valuedouble))
            bad_img++;
        /* def 0 = the whole struct is null, def 1 = struct present, bytes null */
        if (!flat && (cJSON_IsTrue(cJSON_GetObjectItem(r, "image_null")) != (img[i].def == 0))) bad_struct++;
        if (!flat && !str_eq(&ipath[i], cJSON_GetObjectItem(r, "image_path"))) bad_path++;
        const cJSON *l = cJSON_GetObjectItem(r, "label");
        if (cJSON_IsNull(l) ? !label[i].is_null : (label[i].is_null || label[i].i != l->valueint)) bad_label++;
        if (!str_eq(&desc[i], cJSON_GetObjectItem(r, "scene_description"))) bad_desc++;
        if (!str_eq(&city[i], cJSON_GetObjectItem(r, "city"))) bad_city++;
        const cJSON *q = cJSON_GetObjectItem(r, "quality");
        if (cJSON_IsNull(q) ? !quality[i].is_null : (quality[i].is_null || quality[i].d != q->valuedouble)) bad_q++;
        const cJSON *v = cJSON_GetObjectItem(r, "verified");
        if (verified[i].is_null || verified[i].i != cJSON_IsTrue(v)) bad_v++;
        if (id32[i].is_null || id32[i].i != cJSON_GetObjectItem(r, "id32")->valueint) bad_id++;
    }
    is_int(bad_img, 0, "%s: image bytes (sha256, length) match hyparquet", shown);
    is_int(bad_struct, 0, "%s: null image struct vs null bytes", shown);
    is_int(bad_path, 0, "%s: image.path matches", shown);
    is_int(bad_label, 0, "%s: label matches", shown);
    is_int(bad_desc, 0, "%s: scene_description (null, empty, text) matches", shown);
    is_int(bad_city, 0, "%s: city matches", shown);
    is_int(bad_q, 0, "%s: quality (double, null) matches", shown);
    is_int(bad_v, 0, "%s: verified (boolean) matches", shown);
    is_int(bad_id, 0, "%s: id32 (negative int32) matches", shown);

    /* sparse read: only some rows of the last row group, must equal the full read */
    int g = pq_num_row_groups(f) - 1;
    int64_t base = pq_num_rows(f) - pq_row_group_rows(f, g);
    int64_t pick[2] = {0, pq_row_group_rows(f, g) - 1};
    cell *sp = calloc((size_t)pq_num_rows(f), sizeof *sp);
    sink s = {sp, base};
    int rc = pq_read_rows(f, g, pq_find_column(f, imgcol), pick, 2, collect, &s, err, sizeof err);
    ok(rc == 0 && strcmp(sp[base].sha, img[base].sha) == 0 && sp[base + pick[1]].is_null == img[base + pick[1]].is_null &&
       strcmp(sp[base + pick[1]].sha, img[base + pick[1]].sha) == 0, "%s: sparse read equals full read", shown);
    free_cells(sp, pq_num_rows(f));
    int64_t bad_rows[2] = {1, 1};
    ok(pq_read_rows(f, 0, 0, bad_rows, 2, collect, &s, err, sizeof err) != 0, "%s: unsorted rows refused (%s)", shown, err);
out:
    free_cells(img, n);
    free_cells(ipath, n);
    free_cells(label, n);
    free_cells(desc, n);
    free_cells(city, n);
    free_cells(quality, n);
    free_cells(verified, n);
    free_cells(id32, n);
    pq_close(f);
}

static int discard(void *user, int64_t row, const pq_value *v)
{
    (void)row;
    if (!v->is_null && v->bytes && v->len) (*(size_t *)user) += v->bytes[v->len - 1];
    return 0;
}

static size_t peak_seen; /* largest pq_memory_peak over the corrupted files */

/* Open and read every column; returns 0 when all of it worked. Never crashes (ASan watches). */
static int read_all(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    pq_file *f;
    if (pq_open_mem(&f, buf, len, NULL, err, errlen)) return -1;
    int rc = 0;
    size_t sum = 0;
    for (int g = 0; g < pq_num_row_groups(f) && !rc; g++) {
        int64_t n = pq_row_group_rows(f, g);
        if (n > 1000) { rc = -1; snprintf(err, errlen, "implausible"); break; }
        int64_t rows[1000];
        for (int64_t i = 0; i < n; i++) rows[i] = i;
        for (int c = 0; c < pq_num_columns(f) && !rc; c++)
            rc = pq_read_rows(f, g, c, rows, (size_t)n, discard, &sum, err, errlen);
    }
    if (pq_memory_peak(f) > peak_seen) peak_seen = pq_memory_peak(f);
    pq_close(f);
    return rc;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void corruptions(const char *name)
{
    char path[512], err[256] = "";
    size_t len;
    snprintf(path, sizeof path, FIX "%s", name);
    uint8_t *good = (uint8_t *)slurp(path, &len);
    if (!ok(good != NULL, "%s loads", name)) return;
    ok(read_all(good, len, err, sizeof err) == 0, "%s: the good file reads whole (%s)", name, err);
    uint8_t *b = malloc(len);
    uint32_t flen = (uint32_t)good[len - 8] | (uint32_t)good[len - 7] << 8 | (uint32_t)good[len - 6] << 16 |
                    (uint32_t)good[len - 5] << 24;
    size_t fstart = len - 8 - flen;

    /* truncated: the footer is gone */
    ok(read_all(good, len - 100, err, sizeof err) != 0 && strstr(err, "PAR1"), "%s: truncated -> %s", name, err);
    ok(read_all(good, 7, err, sizeof err) != 0 && strstr(err, "not a Parquet"), "%s: 7 bytes -> %s", name, err);
    /* footer length beyond the file */
    memcpy(b, good, len);
    b[len - 5] = 0x7f;
    ok(read_all(b, len, err, sizeof err) != 0 && strstr(err, "exceeds"), "%s: footer length past the file -> %s", name, err);
    /* footer length pointing into the data: garbage Thrift */
    memcpy(b, good, len);
    uint32_t fl2 = flen + 200;
    memcpy(b + len - 8, &fl2, 4);
    ok(read_all(b, len, err, sizeof err) != 0, "%s: footer length off by 200 -> %s", name, err);
    /* bad Thrift: the footer overwritten with 0xff (unknown types, endless varints) */
    memcpy(b, good, len);
    memset(b + fstart, 0xff, flen);
    ok(read_all(b, len, err, sizeof err) != 0 && strstr(err, "corrupt footer"), "%s: 0xff footer -> %s", name, err);
    /* huge declared size: the schema list (FileMetaData field 2) claims 2^32-1 elements */
    memcpy(b, good, len);
    ok(b[fstart] == 0x15 && b[fstart + 2] == 0x19, "%s: footer starts with version, schema list", name);
    const uint8_t huge[] = {0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f};
    memcpy(b + fstart + 3, huge, sizeof huge);
    long rss0 = maxrss_kb();
    ok(read_all(b, len, err, sizeof err) != 0 && strstr(err, "list"), "%s: schema list of 2^32-1 -> %s", name, err);
    /* every single byte of the footer replaced by three patterns: error or success, no crash */
    int failures = 0, tries = 0;
    const uint8_t pats[3] = {0x00, 0xff, 0x7f};
    for (size_t i = fstart; i < len - 8; i++)
        for (int k = 0; k < 3; k++) {
            memcpy(b, good, len);
            if (b[i] == pats[k]) continue;
            b[i] = pats[k];
            tries++;
            if (read_all(b, len, err, sizeof err)) failures++;
        }
    ok(tries > 0 && failures > 0, "%s: %d footer patches, %d refused cleanly, none crashed", name, tries, failures);
    /* the column data: every byte flipped, each file read whole */
    failures = tries = 0;
    for (size_t i = 4; i < fstart; i++) {
        memcpy(b, good, len);
        b[i] ^= 0x5a;
        tries++;
        if (read_all(b, len, err, sizeof err)) failures++;
    }
    ok(failures > 0, "%s: %d data patches, %d refused cleanly, none crashed", name, tries, failures);
    /* Under ASan freed blocks sit in quarantine, so resident size says little there: the reader's
     * own accounting is the check (a page may claim 16 MiB before its codec proves it wrong). */
    ok(peak_seen <= 40u << 20, "%s: the reader never held more than %zu KiB for a %zu-byte file", name,
       peak_seen >> 10, len);
#if !defined(__SANITIZE_ADDRESS__)
    long grew = maxrss_kb() - rss0;
    ok(grew < 128 * 1024, "%s: resident memory grew %ld KiB over all corruptions", name, grew);
#else
    (void)rss0;
#endif
    peak_seen = 0;
    free(b);
    free(good);
}

/* Worked vectors from the spec (natix-data.md 4.2 and 4.8). */
static void vectors(void)
{
    const uint8_t hdr[] = {0x15, 0x00, 0x15, 0xA0, 0x1F, 0x15, 0xA0, 0x1F, 0x2C, 0x15, 0xC8, 0x01,
                           0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00};
    pq_thrift t;
    pq_thrift_init(&t, hdr, sizeof hdr);
    int16_t last = 0, id;
    int ty, fields = 0;
    int32_t v[3] = {0};
    while (pq_thrift_field(&t, &last, &ty, &id)) {
        if (id <= 3) v[id - 1] = pq_thrift_i32(&t);
        else pq_thrift_skip(&t, ty);
        fields++;
    }
    ok(!t.err && t.p == hdr + sizeof hdr && fields == 4 && v[0] == 0 && v[1] == 2000 && v[2] == 2000,
       "thrift: spec page header vector parses (type 0, sizes 2000, 20 bytes)");
    pq_thrift_init(&t, hdr, 10);
    while (pq_thrift_field(&t, &last, &ty, &id)) pq_thrift_skip(&t, ty);
    ok(t.err == PQ_TE_TRUNCATED, "thrift: a cut header reports truncation");
    const uint8_t longv[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    pq_thrift_init(&t, longv, sizeof longv);
    pq_thrift_varint(&t);
    ok(t.err == PQ_TE_CORRUPT, "thrift: an 11-byte varint is refused");
}


/* ---- hand-made hostile pages ------------------------------------------------------------------
 * The fixtures come from a real writer, which never writes absurd page headers; these files are
 * assembled here byte by byte (Thrift compact) around one REQUIRED BYTE_ARRAY column "x" so each
 * header field can lie on its own. */
typedef struct wbuf { uint8_t b[4096]; size_t n; } wbuf;
static void wb(wbuf *o, const void *p, size_t n) { memcpy(o->b + o->n, p, n), o->n += n; }
static void wbyte(wbuf *o, uint8_t v) { wb(o, &v, 1); }
static void wvar(wbuf *o, uint64_t v) { while (v >= 0x80) wbyte(o, (uint8_t)(v | 0x80)), v >>= 7; wbyte(o, (uint8_t)v); }
static void wzz(wbuf *o, int64_t v) { wvar(o, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }
static void wfi(wbuf *o, int delta, int type) { wbyte(o, (uint8_t)(delta << 4 | type)); }
static void wu32(wbuf *o, uint32_t v) { uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)}; wb(o, b, 4); }

typedef struct page { int type; int64_t usize, csize, nvals; int enc; const uint8_t *body; size_t len; } page;

static void wpage(wbuf *o, const page *pg)
{
    wfi(o, 1, 5), wzz(o, pg->type);
    wfi(o, 1, 5), wzz(o, pg->usize);
    wfi(o, 1, 5), wzz(o, pg->csize);
    wfi(o, pg->type == 2 ? 4 : 2, 12);               /* field 7 (dictionary) or 5 (data v1) */
    wfi(o, 1, 5), wzz(o, pg->nvals);
    wfi(o, 1, 5), wzz(o, pg->enc);
    wbyte(o, 0);
    wbyte(o, 0);
    wb(o, pg->body, pg->len);
}

/* PAR1 | pages | FileMetaData(one row group of `rows`, column x) | len | PAR1 */
static size_t craft(uint8_t *out, int codec, int64_t rows, const page *pages, int npages)
{
    wbuf o = {.n = 0};
    wb(&o, "PAR1", 4);
    int64_t start = (int64_t)o.n, dict = -1, data = -1;
    for (int i = 0; i < npages; i++) {
        if (pages[i].type == 2 && dict < 0) dict = (int64_t)o.n;
        if (pages[i].type == 0 && data < 0) data = (int64_t)o.n;
        wpage(&o, &pages[i]);
    }
    int64_t total = (int64_t)o.n - start;
    size_t fstart = o.n;
    wfi(&o, 1, 5), wzz(&o, 1);                          /* version */
    wfi(&o, 1, 9), wbyte(&o, 2 << 4 | 12);              /* schema: 2 elements */
    wfi(&o, 4, 8), wvar(&o, 6), wb(&o, "schema", 6), wfi(&o, 1, 5), wzz(&o, 1), wbyte(&o, 0);
    wfi(&o, 1, 5), wzz(&o, 6), wfi(&o, 2, 5), wzz(&o, 0), wfi(&o, 1, 8), wvar(&o, 1), wb(&o, "x", 1), wbyte(&o, 0);
    wfi(&o, 1, 6), wzz(&o, rows);                       /* num_rows */
    wfi(&o, 1, 9), wbyte(&o, 1 << 4 | 12);              /* row_groups: 1 */
    wfi(&o, 1, 9), wbyte(&o, 1 << 4 | 12);              /*   columns: 1 */
    wfi(&o, 3, 12);                                     /*     meta_data */
    wfi(&o, 1, 5), wzz(&o, 6);
    wfi(&o, 1, 9), wbyte(&o, 1 << 4 | 5), wzz(&o, 0);
    wfi(&o, 1, 9), wbyte(&o, 1 << 4 | 8), wvar(&o, 1), wb(&o, "x", 1);
    wfi(&o, 1, 5), wzz(&o, codec);
    wfi(&o, 1, 6), wzz(&o, rows);
    wfi(&o, 1, 6), wzz(&o, total);
    wfi(&o, 1, 6), wzz(&o, total);
    wfi(&o, 2, 6), wzz(&o, data >= 0 ? data : start);
    if (dict >= 0) wfi(&o, 2, 6), wzz(&o, dict);
    wbyte(&o, 0);                                       /*     end meta_data */
    wbyte(&o, 0);                                       /*   end column chunk */
    wfi(&o, 2, 6), wzz(&o, rows);                       /*   row group num_rows (id 3) */
    wbyte(&o, 0);                                       /* end row group */
    wbyte(&o, 0);                                       /* end FileMetaData */
    wu32(&o, (uint32_t)(o.n - fstart));
    wb(&o, "PAR1", 4);
    memcpy(out, o.b, o.n);
    return o.n;
}

static int first_value(void *user, int64_t row, const pq_value *v)
{
    (void)row;
    snprintf(user, 64, "%.*s", (int)v->len, (const char *)v->bytes);
    return 0;
}

static int read_x(const uint8_t *b, size_t n, char *got, char *err, size_t errlen, size_t *peak)
{
    pq_file *f;
    got[0] = err[0] = 0;
    *peak = 0;
    if (pq_open_mem(&f, b, n, NULL, err, errlen)) return -1;
    int64_t rows[2] = {0, 1};
    int rc = pq_read_rows(f, 0, 0, rows, pq_row_group_rows(f, 0) < 2 ? 1 : 2, first_value, got, err, errlen);
    *peak = pq_memory_peak(f);
    pq_close(f);
    return rc;
}

static void hostile_pages(void)
{
    uint8_t file[4096], plain[16], body[64];
    char got[64] = "", err[256] = "";
    size_t n, peak;
    memcpy(plain, "\x05\x00\x00\x00" "hello" "\x03\x00\x00\x00" "abc", 16);
    page good = {0, 16, 16, 2, 0, plain, 16};
    n = craft(file, 0, 2, &good, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) == 0 && !strcmp(got, "abc"), "crafted baseline reads (%s%s)", got, err);

    /* a page that claims 1 GiB uncompressed from 20 snappy bytes: refused before allocating */
    size_t zn = sizeof body;
    snappy_compress((const char *)plain, 16, (char *)body, &zn);
    page bomb = {0, 1 << 30, (int64_t)zn, 2, 0, body, zn};
    n = craft(file, 1, 2, &bomb, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "claims"), "1 GiB page from %zu bytes -> %s", zn, err);
    ok(peak < (1u << 20), "  and nothing big was allocated (%zu bytes)", peak);
    /* the same with zstd and gzip: the codec's own ratio caps it */
    page zbomb = {0, 1 << 30, 9, 2, 0, (const uint8_t *)"\x28\xb5\x2f\xfd\x00\x00\x00\x00\x00", 9};
    n = craft(file, 6, 2, &zbomb, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "claims") && peak < (1u << 20), "zstd 1 GiB claim -> %s", err);
    n = craft(file, 2, 2, &zbomb, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "claims") && peak < (1u << 20), "gzip 1 GiB claim -> %s", err);
    /* compressed size past the chunk */
    page past = {0, 16, 1 << 20, 2, 0, plain, 16};
    n = craft(file, 0, 2, &past, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "runs past its chunk"), "page past its chunk -> %s", err);
    /* a byte array whose length runs past the page */
    uint8_t longba[16];
    memcpy(longba, plain, 16);
    memcpy(longba, "\xff\xff\xff\x7f", 4);
    page ba = {0, 16, 16, 2, 0, longba, 16};
    n = craft(file, 0, 2, &ba, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "runs past the page"), "byte array of 2 GiB -> %s", err);
    /* more values than the row group has rows */
    page many = {0, 16, 16, 1000000, 0, plain, 16};
    n = craft(file, 0, 2, &many, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "too many values"), "a page of 10^6 values in 2 rows -> %s", err);
    /* negative sizes */
    page neg = {0, -5, 16, 2, 0, plain, 16};
    n = craft(file, 0, 2, &neg, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "negative"), "negative page size -> %s", err);
    /* dictionary claiming 2^31-1 entries in 16 bytes; and an index beyond the dictionary */
    const uint8_t idx[] = {1, 0x02, 0x00, 0x02, 0x01}; /* width 1: RLE run of 1 x 0, then 1 x 1 */
    page dict[2] = {{2, 16, 16, 0x7fffffff, 0, plain, 16}, {0, 5, 5, 2, 8, idx, 5}};
    n = craft(file, 0, 2, dict, 2);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "dictionary of"), "dictionary of 2^31-1 entries -> %s", err);
    ok(peak < (1u << 20), "  and nothing big was allocated (%zu bytes)", peak);
    dict[0].nvals = 2;
    n = craft(file, 0, 2, dict, 2);
    ok(read_x(file, n, got, err, sizeof err, &peak) == 0 && !strcmp(got, "abc"), "dictionary page + RLE indices read (%s%s)", got, err);
    const uint8_t idx_bad[] = {3, 0x02, 0x00, 0x02, 0x07}; /* index 7 of 2 */
    dict[1].body = idx_bad;
    n = craft(file, 0, 2, dict, 2);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "dictionary index 7"), "index beyond the dictionary -> %s", err);
    /* dictionary-encoded page without a dictionary page; a second dictionary page */
    page nodict = {0, 5, 5, 2, 8, idx, 5};
    n = craft(file, 0, 2, &nodict, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "without a dictionary"), "no dictionary -> %s", err);
    page twodict[3] = {{2, 16, 16, 2, 0, plain, 16}, {2, 16, 16, 2, 0, plain, 16}, {0, 5, 5, 2, 8, idx, 5}};
    n = craft(file, 0, 2, twodict, 3);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "second dictionary"), "two dictionary pages -> %s", err);
    /* unsupported encodings are named */
    page bss = {0, 16, 16, 2, 9, plain, 16};
    n = craft(file, 0, 2, &bss, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "BYTE_STREAM_SPLIT"), "unsupported encoding named -> %s", err);
    /* DELTA_LENGTH_BYTE_ARRAY: lengths 5, 3 (block 128 / 4 miniblocks, first 5, min delta -2, width 0) */
    const uint8_t dlba[] = {0x80, 0x01, 0x04, 0x02, 0x0a, 0x03, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 'a', 'b', 'c'};
    page dl = {0, sizeof dlba, sizeof dlba, 2, 6, dlba, sizeof dlba};
    n = craft(file, 0, 2, &dl, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) == 0 && !strcmp(got, "abc"), "hand-made DELTA_LENGTH_BYTE_ARRAY reads (%s%s)", got, err);
    /* a delta stream claiming 2^40 values in a few bytes: refused quickly, nothing allocated */
    const uint8_t dhuge[] = {0x80, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x0a, 0x03, 0, 0, 0, 0};
    page dh = {0, sizeof dhuge, sizeof dhuge, 2, 6, dhuge, sizeof dhuge};
    n = craft(file, 0, 2, &dh, 1);
    ok(read_x(file, n, got, err, sizeof err, &peak) != 0 && strstr(err, "delta"), "delta stream of 2^40 values -> %s", err);
}

/* pq_stream against the codec libraries: one payload, compressed by each, read back through
 * a random mix of reads and skips; then a snappy copy beyond the window, and cut streams. */
static uint64_t srng;
static uint64_t snext(void)
{
    srng ^= srng << 13, srng ^= srng >> 7, srng ^= srng << 17;
    return srng;
}

static size_t compress_as(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
    switch (codec) {
    case PQ_SNAPPY: {
        size_t z = cap;
        return snappy_compress((const char *)src, n, (char *)dst, &z) == SNAPPY_OK ? z : 0;
    }
    case PQ_LZ4_RAW: return (size_t)LZ4_compress_default((const char *)src, (char *)dst, (int)n, (int)cap);
    case PQ_ZSTD: {
        size_t z = ZSTD_compress(dst, cap, src, n, 3);
        return ZSTD_isError(z) ? 0 : z;
    }
    case PQ_GZIP: {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
        zs.next_in = (Bytef *)src, zs.avail_in = (uInt)n, zs.next_out = dst, zs.avail_out = (uInt)cap;
        int rc = deflate(&zs, Z_FINISH);
        size_t z = zs.total_out;
        deflateEnd(&zs);
        return rc == Z_STREAM_END ? z : 0;
    }
    default: memcpy(dst, src, n); return n;
    }
}

static int stream_back(pq_file *pf, int codec, int64_t clen, const uint8_t *want, size_t n, char *err, size_t errlen)
{
    pq_stream *st = pq_stream_open(pf, codec, 0, clen, n, err, errlen);
    if (!st) return -1;
    uint8_t *got = malloc(300000);
    size_t at = 0;
    int rc = 0;
    while (at < n && !rc) {
        size_t k = (size_t)(snext() % 300000);
        if (k > n - at) k = n - at;
        int skip = snext() % 3 == 0;
        rc = pq_stream_read(st, skip ? NULL : got, k);
        if (!rc && !skip && memcmp(got, want + at, k)) rc = pq_errf(err, errlen, "bytes differ at %zu", at);
        at += k;
    }
    if (!rc && pq_stream_pos(st) != n) rc = pq_errf(err, errlen, "position %llu", (unsigned long long)pq_stream_pos(st));
    if (!rc && pq_stream_read(st, got, 1) == 0) rc = pq_errf(err, errlen, "read past the end allowed");
    free(got);
    pq_stream_close(st);
    return rc;
}

static void stream_codecs(void)
{
    srng = (uint64_t)time(NULL) | 1;
    diag("stream_codecs seed %llu", (unsigned long long)srng);
    size_t n = 5u << 20;
    uint8_t *src = malloc(n), *z = malloc(n + n / 2 + 4096);
    /* runs of noise (literals) and repeats near and far (copies, overlapping ones too) */
    for (size_t i = 0; i < n;) {
        size_t run = 1 + (size_t)(snext() % 5000);
        int kind = (int)(snext() % 3);
        for (size_t j = 0; j < run && i < n; j++, i++)
            src[i] = kind == 0 || i < 70000 ? (uint8_t)snext() : kind == 1 ? src[i - 1 - (i % 7)] : src[i - 60000];
    }
    const int codecs[] = {PQ_UNCOMPRESSED, PQ_SNAPPY, PQ_LZ4_RAW, PQ_ZSTD, PQ_GZIP};
    char err[256];
    for (int c = 0; c < 5; c++) {
        size_t zn = compress_as(codecs[c], src, n, z, n + n / 2 + 4096);
        pq_file pf = {.fd = -1, .mem = z, .size = (int64_t)zn};
        err[0] = 0;
        ok(zn > 0 && stream_back(&pf, codecs[c], (int64_t)zn, src, n, err, sizeof err) == 0,
           "stream %s: %zu -> %zu bytes read back through reads and skips (%s)", pq_codec_name(codecs[c]), n, zn, err);
        /* cut short: an error, never a crash or a read past the buffer */
        pq_file cut = {.fd = -1, .mem = z, .size = (int64_t)(zn / 2)};
        pq_stream *st = pq_stream_open(&cut, codecs[c], 0, (int64_t)(zn / 2), n, err, sizeof err);
        int rc = st ? pq_stream_read(st, NULL, n) : -1;
        pq_stream_close(st);
        ok(rc != 0, "stream %s cut in half -> %s", pq_codec_name(codecs[c]), err);
    }
    /* snappy: 70000 literal bytes, then a copy from 70000 back: beyond the 64 KiB window */
    size_t w = 0;
    uint64_t total = 70000 + 4; /* varint: 3 bytes */
    z[w++] = (uint8_t)(0x80 | (total & 0x7f)), z[w++] = (uint8_t)(0x80 | ((total >> 7) & 0x7f)), z[w++] = (uint8_t)(total >> 14);
    z[w++] = 62 << 2, z[w++] = (uint8_t)((70000 - 1) & 255), z[w++] = (uint8_t)(((70000 - 1) >> 8) & 255),
    z[w++] = (uint8_t)((70000 - 1) >> 16);
    memcpy(z + w, src, 70000), w += 70000;
    z[w++] = (uint8_t)((4 - 1) << 2 | 3), z[w++] = (uint8_t)(70000 & 255), z[w++] = (uint8_t)((70000 >> 8) & 255),
    z[w++] = (uint8_t)(70000 >> 16), z[w++] = 0;
    uint8_t *dec = malloc(total);
    size_t dn = total;
    int lib_ok = snappy_uncompress((const char *)z, w, (char *)dec, &dn) == SNAPPY_OK && dn == total;
    pq_file pf = {.fd = -1, .mem = z, .size = (int64_t)w};
    pq_stream *st = pq_stream_open(&pf, PQ_SNAPPY, 0, (int64_t)w, total, err, sizeof err);
    int rc = st ? pq_stream_read(st, NULL, total) : -1;
    pq_stream_close(st);
    ok(lib_ok && rc == PQ_STREAM_WINDOW, "a snappy copy from 70000 bytes back (valid for libsnappy) asks for a whole decode (%d, libsnappy %d: %s)", rc, lib_ok, rc < 0 ? err : "");
    free(dec);
    free(src);
    free(z);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    vectors();
    hostile_pages();
    char *js = slurp(FIX "expected.json", NULL);
    if (!js) skip_all("tests/natix/fixtures/expected.json missing (run from the repository root)");
    cJSON *root = cJSON_Parse(js);
    ok(root != NULL, "expected.json parses");
    const cJSON *files = cJSON_GetObjectItem(root, "files");
    const cJSON *it;
    int nfiles = 0;
    cJSON_ArrayForEach(it, files) {
        check_file(it->string, it);
        nfiles++;
    }
    /* the same files again, every byte-array dictionary streamed instead of decoded whole */
    pq_limits streamed = {.stream_dict_min = 1};
    g_lim = &streamed;
    cJSON_ArrayForEach(it, files) check_file(it->string, it);
    g_lim = NULL;
    stream_codecs();
    ok(nfiles >= 5, "%d fixture files checked", nfiles);
    corruptions("snappy_v1_dict.parquet");
    corruptions("gzip_v2_plain.parquet");
    cJSON_Delete(root);
    free(js);
    return done_testing();
}
