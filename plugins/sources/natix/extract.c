/* extract.c — see extract.h. Work is done one row group at a time: first the small scalar
 * columns of the drawn rows (which also decide which rows are worth reading), then the image
 * column, whose values go straight to the sink from the page buffer. */
#define _GNU_SOURCE /* strcasestr */
#include "extract.h"
#include "imginfo.h"
#include "parquet.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct row {
    int64_t index;  /* row number in the file */
    cJSON *meta;    /* scalar columns, in file order */
    int64_t label;  /* -1 when null or not an integer */
    int has_desc;   /* scene_description is a non-empty string */
    int bad_desc;   /* scene_description present but not text (binary, not UTF-8) */
    int keep;
} row;

typedef struct job {
    const nx_sink *sink;
    nx_extract_stats *st;
    const char *path, *stem;
    pq_file *f;
    int image_col;
    row *rows;      /* the drawn rows of the current row group */
    int64_t base;   /* first file row of the row group */
    size_t cur;     /* scan position in rows (callbacks come in ascending order) */
    const pq_column *col;
    proctor_status fail;
    char *err;
    size_t errlen;
} job;

/* Strings go into JSON only when they are UTF-8. */
static int valid_utf8_(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (k == 9 || k >= n - i) return 0;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* A JSON string literal of UTF-8 bytes that may hold U+0000 (cJSON's strings cannot): escaped
 * as Python's json.dump(ensure_ascii=False) does: \" \\ \b \f \n \r \t, other controls \u00XX. */
static cJSON *raw_string_(const uint8_t *b, size_t n)
{
    if (n > (SIZE_MAX - 3) / 6) return NULL;
    char *o = malloc(n * 6 + 3), *w = o;
    if (!o) return NULL;
    *w++ = '"';
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                      : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (e) w += sprintf(w, "%s", e);
        else if (c < 0x20) w += sprintf(w, "\\u%04x", c);
        else *w++ = (char)c;
    }
    *w++ = '"';
    *w = 0;
    cJSON *j = cJSON_CreateRaw(o);
    free(o);
    return j;
}

/* A scalar value as JSON; NULL when it cannot be JSON (binary, INT96): the key is left out. */
static cJSON *to_json_(const pq_column *col, const pq_value *v)
{
    if (v->is_null) return cJSON_CreateNull();
    switch (col->type) {
    case PQ_BOOLEAN: return cJSON_CreateBool((int)v->i);
    case PQ_INT32:
    case PQ_INT64:
        if (v->i > -(1LL << 53) && v->i < (1LL << 53)) return cJSON_CreateNumber((double)v->i);
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)v->i); /* exact beyond 2^53 */
        return cJSON_CreateRaw(num);
    case PQ_FLOAT:
    case PQ_DOUBLE:
        /* JSON has no NaN: Python's json.dump would write the non-standard token, we write null */
        return isfinite(v->d) ? cJSON_CreateNumber(v->d) : cJSON_CreateNull();
    case PQ_BYTE_ARRAY: {
        if (!valid_utf8_(v->bytes, v->len)) return NULL;
        if (memchr(v->bytes, 0, v->len)) return raw_string_(v->bytes, v->len);
        char *s = malloc(v->len + 1);
        if (!s) return NULL;
        memcpy(s, v->bytes, v->len);
        s[v->len] = 0;
        cJSON *j = cJSON_CreateString(s);
        free(s);
        return j;
    }
    default: return NULL;
    }
}

/* A refused row: one DEBUG line with file, row and reason (the counts go out at INFO). */
static void refuse_(const job *j, int64_t rowno, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse_(const job *j, int64_t rowno, const char *fmt, ...)
{
    if (!j->sink->log) return;
    char why[256], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s row %lld skipped: %s", j->path, (long long)rowno, why);
    j->sink->log(j->sink->user, PROCTOR_LOG_DEBUG, msg);
}

typedef struct colread {
    job *j;
    const pq_column *col;
    size_t pos;
} colread;

static int on_scalar_(void *user, int64_t r, const pq_value *v)
{
    colread *c = user;
    job *j = c->j;
    while (j->rows[c->pos].index - j->base != r) c->pos++; /* rows are ascending, r is one of them */
    row *rw = &j->rows[c->pos];
    cJSON *val = to_json_(c->col, v);
    if (val) cJSON_AddItemToObject(rw->meta, c->col->path, val);
    if (!strcmp(c->col->path, "label")) {
        rw->label = -1;
        if (!v->is_null && (c->col->type == PQ_INT32 || c->col->type == PQ_INT64 || c->col->type == PQ_BOOLEAN))
            rw->label = v->i;
    } else if (!strcmp(c->col->path, "scene_description")) {
        rw->has_desc = !v->is_null && v->len > 0;
        rw->bad_desc = !v->is_null && !val; /* it would be missing from the sidecar */
    }
    return 0;
}

static int on_image_(void *user, int64_t r, const pq_value *v)
{
    job *j = user;
    while (j->rows[j->cur].index - j->base != r || !j->rows[j->cur].keep) j->cur++;
    row *rw = &j->rows[j->cur];
    if (j->sink->cancelled && j->sink->cancelled(j->sink->user)) {
        j->fail = PROCTOR_CANCELLED;
        snprintf(j->err, j->errlen, "cancelled");
        return 1;
    }
    if (v->is_null || !v->bytes || v->len == 0) {
        j->st->null_image++;
        refuse_(j, rw->index, "the image is null");
        return 0;
    }
    nx_imginfo info;
    proctor_image_format fmt = j->sink->sniff ? j->sink->sniff(v->bytes, v->len) : PROCTOR_FORMAT_UNKNOWN;
    if ((j->sink->sniff && fmt != PROCTOR_FORMAT_JPEG && fmt != PROCTOR_FORMAT_PNG) ||
        nx_image_info(v->bytes, v->len, &info) != 0) {
        j->st->not_image++;
        refuse_(j, rw->index, "%zu image bytes are not a whole JPEG or PNG (cut short, or another format)", v->len);
        return 0;
    }
    char stem[512];
    snprintf(stem, sizeof stem, "%s__image_%lld", j->stem, (long long)rw->index);
    if (j->sink->has && j->sink->has(j->sink->user, stem)) {
        j->st->already++;
        return 0;
    }
    char idx[32];
    snprintf(idx, sizeof idx, "%lld", (long long)rw->index);
    cJSON *o = cJSON_CreateObject(), *size = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "source_parquet", j->path);
    cJSON_AddStringToObject(o, "original_index", idx);
    cJSON_AddStringToObject(o, "image_format", info.format);
    cJSON_AddItemToArray(size, cJSON_CreateNumber(info.width));
    cJSON_AddItemToArray(size, cJSON_CreateNumber(info.height));
    cJSON_AddItemToObject(o, "image_size", size);
    cJSON_AddStringToObject(o, "image_mode", info.mode);
    while (rw->meta->child) {
        cJSON *it = cJSON_DetachItemViaPointer(rw->meta, rw->meta->child);
        cJSON_AddItemToObject(o, it->string, it);
    }
    char *json = cJSON_Print(o);
    cJSON_Delete(o);
    if (!json) {
        j->fail = PROCTOR_NOMEM;
        snprintf(j->err, j->errlen, "out of memory");
        return 1;
    }
    proctor_status ps = j->sink->put(j->sink->user, stem, v->bytes, v->len, json);
    free(json);
    if (ps == PROCTOR_OK) j->st->written++;
    else if (ps == PROCTOR_INVALID) {
        j->st->put_failed++;
        refuse_(j, rw->index, "the cache refused it (see the cache's message)");
    } else {
        j->fail = ps;
        snprintf(j->err, j->errlen, "storing %s failed", stem);
        return 1;
    }
    return 0;
}

/* The top-level field `datasets` declared as an Image feature in the footer's "huggingface"
 * metadata ({"info": {"features": {"<name>": {"_type": "Image"}}}}), or -1. */
static int hf_image_field_(pq_file *f)
{
    const char *meta = pq_metadata(f, "huggingface");
    cJSON *root = meta ? cJSON_Parse(meta) : NULL;
    const cJSON *feats = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "info"), "features"), *it;
    int found = -1;
    cJSON_ArrayForEach(it, feats) {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(it, "_type"));
        if (!type || strcmp(type, "Image") || !it->string) continue;
        for (int t = 0; t < pq_num_top_fields(f) && found < 0; t++)
            if (!strcmp(pq_top_field_name(f, t), it->string)) found = t;
        if (found >= 0) break;
    }
    cJSON_Delete(root);
    return found;
}

/* The image column: the Image feature of the huggingface metadata, else (as upstream) the first
 * top-level field whose name contains "image"; a struct's child named like "bytes" (or "image"),
 * or the field itself when it is a BYTE_ARRAY leaf. */
static int find_image_(pq_file *f)
{
    int hf = hf_image_field_(f);
    for (int t = hf >= 0 ? hf : 0; t < pq_num_top_fields(f); t++) {
        const char *name = pq_top_field_name(f, t);
        if (hf < 0 && !strcasestr(name, "image")) continue;
        int fallback = -1;
        for (int c = 0; c < pq_num_columns(f); c++) {
            const pq_column *col = pq_get_column(f, c);
            if (col->top != t || col->type != PQ_BYTE_ARRAY || col->max_rep) continue;
            if (!pq_top_field_is_group(f, t)) return c;
            if (strcasestr(col->name, "bytes")) return c;
            if (fallback < 0 && strcasestr(col->name, "image")) fallback = c;
        }
        return fallback;
    }
    return -1;
}

static int cmp_i64_(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* k distinct rows out of n, uniformly (Floyd's algorithm), sorted. */
static int64_t *draw_(const nx_sink *s, int64_t n, size_t k)
{
    int64_t *out = malloc(sizeof *out * (k ? k : 1));
    if (!out) return NULL;
    size_t m = 0;
    for (int64_t jx = n - (int64_t)k; jx < n; jx++) {
        int64_t t = (int64_t)(s->random(s->user) % (uint64_t)(jx + 1));
        int dup = 0;
        for (size_t i = 0; i < m && !dup; i++) dup = out[i] == t;
        out[m++] = dup ? jx : t;
    }
    qsort(out, m, sizeof *out, cmp_i64_);
    return out;
}

proctor_status nx_extract(const char *parquet_path, size_t want, const nx_sink *sink,
                          nx_extract_stats *st, char *err, size_t errlen)
{
    pq_file *f;
    char perr[256];
    if (pq_open(&f, parquet_path, sink->limits, perr, sizeof perr)) {
        snprintf(err, errlen, "%s: %s", parquet_path, perr);
        return PROCTOR_INVALID;
    }
    proctor_status rc = PROCTOR_OK;
    int img = find_image_(f);
    if (img < 0) {
        pq_close(f);
        snprintf(err, errlen, "%s: no image column", parquet_path);
        return PROCTOR_INVALID;
    }
    /* stem of the file name, as upstream: Path(parquet).stem */
    const char *base = strrchr(parquet_path, '/');
    base = base ? base + 1 : parquet_path;
    char stem[256];
    snprintf(stem, sizeof stem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = 0;
    for (char *p = stem; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') *p = '_';

    int64_t n = pq_num_rows(f);
    size_t k = want == 0 || (int64_t)want > n ? (size_t)n : want;
    int64_t *picks = k ? draw_(sink, n, k) : NULL;
    if (k && !picks) {
        pq_close(f);
        snprintf(err, errlen, "out of memory");
        return PROCTOR_NOMEM;
    }
    st->picked += (unsigned)k;
    job j = {sink, st, parquet_path, stem, f, img, NULL, 0, 0, pq_get_column(f, img), PROCTOR_OK, err, errlen};
    size_t pi = 0;
    int64_t base_row = 0;
    for (int g = 0; g < pq_num_row_groups(f) && rc == PROCTOR_OK; g++) {
        int64_t gn = pq_row_group_rows(f, g);
        size_t first = pi;
        while (pi < k && picks[pi] < base_row + gn) pi++;
        size_t cnt = pi - first;
        if (cnt == 0) {
            base_row += gn;
            continue;
        }
        row *rows = calloc(cnt, sizeof *rows);
        int64_t *rel = malloc(sizeof *rel * cnt);
        if (!rows || !rel) rc = PROCTOR_NOMEM;
        for (size_t i = 0; rc == PROCTOR_OK && i < cnt; i++) {
            rows[i].index = picks[first + i];
            rows[i].meta = cJSON_CreateObject();
            rows[i].label = -1;
            rel[i] = picks[first + i] - base_row;
        }
        j.rows = rows;
        j.base = base_row;
        /* scalar columns of the drawn rows */
        for (int c = 0; rc == PROCTOR_OK && c < pq_num_columns(f); c++) {
            const pq_column *col = pq_get_column(f, c);
            if (c == img || col->max_rep || strchr(col->path, '.') || !strncmp(col->path, "__index_level_", 14))
                continue;
            colread cr = {&j, col, 0};
            if (pq_read_rows(f, g, c, rel, cnt, on_scalar_, &cr, perr, sizeof perr)) {
                snprintf(err, errlen, "%s: %s", parquet_path, perr);
                rc = PROCTOR_INVALID;
            }
        }
        /* keep only rows worth their image bytes */
        size_t nkeep = 0;
        for (size_t i = 0; rc == PROCTOR_OK && i < cnt; i++) {
            row *rw = &rows[i];
            if (rw->label != 0 && rw->label != 1) {
                st->bad_label++;
                refuse_(&j, rw->index, "label is null or not 0/1");
            } else if (rw->bad_desc) {
                st->bad_label++;
                refuse_(&j, rw->index, "scene_description is not UTF-8 text");
            } else if ((rw->label == 1) != rw->has_desc) {
                st->inconsistent++;
                refuse_(&j, rw->index, "label %lld %s a scene_description", (long long)rw->label,
                        rw->has_desc ? "with" : "without");
            } else {
                rel[nkeep++] = rw->index - base_row, rw->keep = 1;
            }
        }
        j.cur = 0;
        if (rc == PROCTOR_OK && nkeep &&
            pq_read_rows(f, g, img, rel, nkeep, on_image_, &j, perr, sizeof perr)) {
            if (j.fail != PROCTOR_OK) rc = j.fail;
            else {
                snprintf(err, errlen, "%s: %s", parquet_path, perr);
                rc = PROCTOR_INVALID;
            }
        }
        for (size_t i = 0; rows && i < cnt; i++) cJSON_Delete(rows[i].meta);
        free(rows);
        free(rel);
        base_row += gn;
    }
    free(picks);
    pq_close(f);
    return rc;
}
