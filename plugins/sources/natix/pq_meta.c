/* pq_meta.c — open a Parquet file: footer, FileMetaData (Thrift compact), schema tree, row
 * groups and column chunks, each checked against the file before it is used.
 * Field ids are those of apache/parquet-format src/main/thrift/parquet.thrift. */
#include "pq_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SCHEMA_DEPTH 32

int pq_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int pq_read_at(pq_file *f, int64_t off, void *dst, size_t n, char *err, size_t errlen)
{
    if (off < 0 || (uint64_t)off > (uint64_t)f->size || n > (uint64_t)(f->size - off))
        return pq_errf(err, errlen, "read of %zu bytes at %lld is past the end of the file", n,
                       (long long)off);
    if (f->mem) {
        memcpy(dst, f->mem + off, n);
        return 0;
    }
    uint8_t *p = dst;
    while (n) {
        ssize_t r = pread(f->fd, p, n, off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return pq_errf(err, errlen, "read failed at %lld: %s", (long long)off,
                                   r < 0 ? strerror(errno) : "file shrank");
        p += r;
        off += r;
        n -= (size_t)r;
    }
    return 0;
}

void pq_account(pq_file *f, int64_t delta)
{
    f->mem_now += delta;
    if (f->mem_now > f->mem_peak) f->mem_peak = f->mem_now;
}

size_t pq_memory_peak(const pq_file *f) { return (size_t)f->mem_peak; }

int pq_grow(pq_file *f, uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 4096;
    while (n < need) n = n > SIZE_MAX / 2 ? need : n * 2;
    uint8_t *p = realloc(*buf, n);
    if (!p) return -1;
    pq_account(f, (int64_t)n - (int64_t)*cap);
    *buf = p;
    *cap = n;
    return 0;
}

/* ---- raw Thrift structs, before validation --------------------------------------------- */

typedef struct selem {
    int type, type_length, repetition, num_children, converted, is_string;
    const uint8_t *name;
    uint32_t name_len;
} selem;

typedef struct rchunk {
    int has_meta, file_path, encrypted;
    int type, codec;
    int64_t num_values, total_compressed, data_off, dict_off;
    char *path; /* dotted path_in_schema */
    unsigned required;
} rchunk;

typedef struct rgroup {
    int64_t num_rows;
    int has_rows;
    uint32_t ncols;
    rchunk *cols;
} rgroup;

typedef struct meta {
    uint32_t nschema;
    selem *schema;
    int64_t num_rows;
    unsigned required;
    uint32_t nrg;
    rgroup *rgs;
    uint32_t nkv;
    const uint8_t **kv_key, **kv_val;
    uint32_t *kv_klen, *kv_vlen;
    const uint8_t *created_by;
    uint32_t created_by_len;
    int encrypted;
} meta;

static void *calloc_n_(size_t n, size_t size) { return calloc(n ? n : 1, size); }

static void parse_logical_(pq_thrift *t, selem *e)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 || id == 4 || id == 12) e->is_string = 1; /* STRING, ENUM, JSON */
        pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
}

static void parse_selem_(pq_thrift *t, selem *e)
{
    e->type = e->type_length = e->repetition = e->num_children = e->converted = -1;
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) e->type = pq_thrift_i32(t);
        else if (id == 2 && ft == PQ_T_I32) e->type_length = pq_thrift_i32(t);
        else if (id == 3 && ft == PQ_T_I32) e->repetition = pq_thrift_i32(t);
        else if (id == 4 && ft == PQ_T_BINARY) e->name = pq_thrift_binary(t, &e->name_len);
        else if (id == 5 && ft == PQ_T_I32) e->num_children = pq_thrift_i32(t);
        else if (id == 6 && ft == PQ_T_I32) e->converted = pq_thrift_i32(t);
        else if (id == 10 && ft == PQ_T_STRUCT) parse_logical_(t, e);
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
    if (!t->err && !e->name) pq_thrift_fail(t, PQ_TE_CORRUPT, "schema element without a name");
    if (e->converted == 0 || e->converted == 19) e->is_string = 1; /* UTF8, JSON */
}

static char *join_path_(pq_thrift *t)
{
    int et;
    uint32_t n;
    if (!pq_thrift_list(t, &et, &n)) return NULL;
    if (et != PQ_T_BINARY) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "path_in_schema is not a list of strings");
        return NULL;
    }
    const uint8_t *start = t->p;
    size_t total = 0;
    for (uint32_t i = 0; i < n && !t->err; i++) {
        uint32_t len;
        pq_thrift_binary(t, &len);
        total += len + 1;
    }
    if (t->err) return NULL;
    char *s = malloc(total + 1), *w = s;
    if (!s) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "out of memory");
        return NULL;
    }
    pq_thrift r = {start, t->p, 0, 0, NULL};
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len;
        const uint8_t *p = pq_thrift_binary(&r, &len);
        if (i) *w++ = '.';
        memcpy(w, p, len);
        w += len;
    }
    *w = 0;
    return s;
}

static void parse_colmeta_(pq_thrift *t, rchunk *c)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) c->type = pq_thrift_i32(t), c->required |= 1;
        else if (id == 3 && ft == PQ_T_LIST && !c->path) c->path = join_path_(t), c->required |= 2;
        else if (id == 4 && ft == PQ_T_I32) c->codec = pq_thrift_i32(t), c->required |= 4;
        else if (id == 5 && ft == PQ_T_I64) c->num_values = pq_thrift_i64(t), c->required |= 8;
        else if (id == 7 && ft == PQ_T_I64) c->total_compressed = pq_thrift_i64(t), c->required |= 16;
        else if (id == 9 && ft == PQ_T_I64) c->data_off = pq_thrift_i64(t), c->required |= 32;
        else if (id == 11 && ft == PQ_T_I64) c->dict_off = pq_thrift_i64(t);
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
}

static void parse_chunk_(pq_thrift *t, rchunk *c)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1) c->file_path = 1, pq_thrift_skip(t, ft);
        else if (id == 3 && ft == PQ_T_STRUCT && !c->has_meta) c->has_meta = 1, parse_colmeta_(t, c);
        else if (id == 8 || id == 9) c->encrypted = 1, pq_thrift_skip(t, ft);
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
}

static void parse_rowgroup_(pq_thrift *t, rgroup *g)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_LIST && !g->cols) {
            int et;
            if (!pq_thrift_list(t, &et, &g->ncols)) break;
            if (et != PQ_T_STRUCT) {
                pq_thrift_fail(t, PQ_TE_CORRUPT, "row group columns are not structs");
                break;
            }
            g->cols = calloc_n_(g->ncols, sizeof *g->cols);
            if (!g->cols) {
                pq_thrift_fail(t, PQ_TE_CORRUPT, "out of memory");
                break;
            }
            for (uint32_t i = 0; i < g->ncols && !t->err; i++) parse_chunk_(t, &g->cols[i]);
        } else if (id == 3 && ft == PQ_T_I64) {
            g->num_rows = pq_thrift_i64(t);
            g->has_rows = 1;
        } else {
            pq_thrift_skip(t, ft);
        }
    }
    pq_thrift_leave(t);
}

static void parse_kv_(pq_thrift *t, meta *m, uint32_t i)
{
    if (!pq_thrift_enter(t)) return;
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_BINARY) m->kv_key[i] = pq_thrift_binary(t, &m->kv_klen[i]);
        else if (id == 2 && ft == PQ_T_BINARY) m->kv_val[i] = pq_thrift_binary(t, &m->kv_vlen[i]);
        else pq_thrift_skip(t, ft);
    }
    pq_thrift_leave(t);
}

static int list_of_structs_(pq_thrift *t, uint32_t *n)
{
    int et;
    if (!pq_thrift_list(t, &et, n)) return 0;
    if (et != PQ_T_STRUCT) {
        pq_thrift_fail(t, PQ_TE_CORRUPT, "expected a list of structs");
        return 0;
    }
    return 1;
}

static void parse_filemeta_(pq_thrift *t, meta *m)
{
    int16_t last = 0, id;
    int ft;
    while (pq_thrift_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == PQ_T_I32) {
            pq_thrift_i32(t);
            m->required |= 1;
        } else if (id == 2 && ft == PQ_T_LIST && !m->schema) {
            if (!list_of_structs_(t, &m->nschema)) break;
            m->schema = calloc_n_(m->nschema, sizeof *m->schema);
            if (!m->schema) break;
            for (uint32_t i = 0; i < m->nschema && !t->err; i++) parse_selem_(t, &m->schema[i]);
            m->required |= 2;
        } else if (id == 3 && ft == PQ_T_I64) {
            m->num_rows = pq_thrift_i64(t);
            m->required |= 4;
        } else if (id == 4 && ft == PQ_T_LIST && !m->rgs) {
            if (!list_of_structs_(t, &m->nrg)) break;
            m->rgs = calloc_n_(m->nrg, sizeof *m->rgs);
            if (!m->rgs) break;
            for (uint32_t i = 0; i < m->nrg && !t->err; i++) parse_rowgroup_(t, &m->rgs[i]);
            m->required |= 8;
        } else if (id == 5 && ft == PQ_T_LIST && !m->kv_key) {
            if (!list_of_structs_(t, &m->nkv)) break;
            m->kv_key = calloc_n_(m->nkv, sizeof *m->kv_key);
            m->kv_val = calloc_n_(m->nkv, sizeof *m->kv_val);
            m->kv_klen = calloc_n_(m->nkv, sizeof *m->kv_klen);
            m->kv_vlen = calloc_n_(m->nkv, sizeof *m->kv_vlen);
            if (!m->kv_key || !m->kv_val || !m->kv_klen || !m->kv_vlen) break;
            for (uint32_t i = 0; i < m->nkv && !t->err; i++) parse_kv_(t, m, i);
        } else if (id == 6 && ft == PQ_T_BINARY) {
            m->created_by = pq_thrift_binary(t, &m->created_by_len);
        } else if (id == 8 || id == 9) {
            m->encrypted = 1;
            pq_thrift_skip(t, ft);
        } else {
            pq_thrift_skip(t, ft);
        }
    }
}

static void free_meta_(meta *m)
{
    for (uint32_t i = 0; m->rgs && i < m->nrg; i++) {
        for (uint32_t j = 0; m->rgs[i].cols && j < m->rgs[i].ncols; j++) free(m->rgs[i].cols[j].path);
        free(m->rgs[i].cols);
    }
    free(m->rgs);
    free(m->schema);
    free(m->kv_key);
    free(m->kv_val);
    free(m->kv_klen);
    free(m->kv_vlen);
}

/* ---- schema tree -> columns -------------------------------------------------------------- */

typedef struct walk {
    meta *m;
    pq_file *f;
    uint32_t next; /* next schema element */
    char *err;
    size_t errlen;
} walk;

static char *dupn_(const uint8_t *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static int walk_(walk *w, const char *prefix, int top, int depth, int def, int rep)
{
    if (depth > MAX_SCHEMA_DEPTH) return pq_errf(w->err, w->errlen, "schema nested too deeply");
    if (w->next >= w->m->nschema)
        return pq_errf(w->err, w->errlen, "schema has fewer elements than its groups declare");
    const selem *e = &w->m->schema[w->next++];
    if (memchr(e->name, 0, e->name_len) || memchr(e->name, '.', e->name_len))
        return pq_errf(w->err, w->errlen, "schema name with a NUL or a dot");
    if (e->repetition < -1 || e->repetition > 2)
        return pq_errf(w->err, w->errlen, "schema element with repetition %d", e->repetition);
    if (e->repetition == 1 || e->repetition == 2) def++;
    if (e->repetition == 2) rep++;
    size_t plen = strlen(prefix);
    char *path = malloc(plen + e->name_len + 2);
    if (!path) return pq_errf(w->err, w->errlen, "out of memory");
    snprintf(path, plen + e->name_len + 2, "%s%s%.*s", prefix, plen ? "." : "", (int)e->name_len,
             (const char *)e->name);
    int rc = 0;
    if (e->num_children > 0) {
        if (e->type >= 0) rc = pq_errf(w->err, w->errlen, "schema group '%s' has a type", path);
        for (int i = 0; !rc && i < e->num_children; i++)
            rc = walk_(w, path, top, depth + 1, def, rep);
        free(path);
        return rc;
    }
    if (e->type < 0 || e->type > PQ_FIXED_LEN_BYTE_ARRAY) {
        rc = pq_errf(w->err, w->errlen, "schema leaf '%s' has no valid type", path);
    } else if (e->type == PQ_FIXED_LEN_BYTE_ARRAY && e->type_length <= 0) {
        rc = pq_errf(w->err, w->errlen, "FIXED_LEN_BYTE_ARRAY '%s' without a length", path);
    } else {
        pq_file *f = w->f;
        pq_column *c = &f->cols[f->ncols++];
        c->path = path;
        const char *dot = strrchr(path, '.');
        c->name = dot ? dot + 1 : path;
        c->top = top;
        c->type = e->type;
        c->type_length = e->type_length;
        c->is_string = e->is_string;
        c->max_def = def;
        c->max_rep = rep;
        return 0;
    }
    free(path);
    return rc;
}

static int build_schema_(pq_file *f, meta *m, char *err, size_t errlen)
{
    if (m->nschema < 1) return pq_errf(err, errlen, "empty schema");
    const selem *root = &m->schema[0];
    if (root->num_children < 0 || (uint32_t)root->num_children > m->nschema - 1)
        return pq_errf(err, errlen, "schema root declares %d children", root->num_children);
    f->cols = calloc_n_(m->nschema, sizeof *f->cols);
    f->top_names = calloc_n_((size_t)root->num_children, sizeof *f->top_names);
    f->top_is_group = calloc_n_((size_t)root->num_children, sizeof *f->top_is_group);
    if (!f->cols || !f->top_names || !f->top_is_group) return pq_errf(err, errlen, "out of memory");
    walk w = {m, f, 1, err, errlen};
    for (int i = 0; i < root->num_children; i++) {
        const selem *e = &m->schema[w.next < m->nschema ? w.next : 0];
        if (w.next >= m->nschema)
            return pq_errf(err, errlen, "schema has fewer elements than the root declares");
        f->top_names[i] = dupn_(e->name, e->name_len);
        f->top_is_group[i] = e->num_children > 0;
        f->ntop = i + 1;
        if (!f->top_names[i]) return pq_errf(err, errlen, "out of memory");
        if (walk_(&w, "", i, 1, 0, 0)) return -1;
    }
    if (w.next != m->nschema)
        return pq_errf(err, errlen, "schema has %u elements but its groups hold %u",
                       m->nschema, w.next);
    if (f->ncols == 0) return pq_errf(err, errlen, "schema has no columns");
    return 0;
}

static int build_rowgroups_(pq_file *f, meta *m, char *err, size_t errlen)
{
    f->rgs = calloc_n_(m->nrg, sizeof *f->rgs);
    if (!f->rgs) return pq_errf(err, errlen, "out of memory");
    int64_t total = 0;
    for (uint32_t g = 0; g < m->nrg; g++) {
        rgroup *rg = &m->rgs[g];
        if (!rg->has_rows || !rg->cols) return pq_errf(err, errlen, "row group %u lacks columns or num_rows", g);
        if (rg->num_rows < 0 || rg->num_rows > INT64_MAX - total)
            return pq_errf(err, errlen, "row group %u has %lld rows", g, (long long)rg->num_rows);
        total += rg->num_rows;
        if ((int)rg->ncols != f->ncols)
            return pq_errf(err, errlen, "row group %u has %u columns, the schema %d", g, rg->ncols, f->ncols);
        pq_rowgroup *out = &f->rgs[g];
        f->nrg = (int)g + 1;
        out->num_rows = rg->num_rows;
        out->chunks = calloc_n_(rg->ncols, sizeof *out->chunks);
        if (!out->chunks) return pq_errf(err, errlen, "out of memory");
        for (int c = 0; c < f->ncols; c++) {
            rchunk *rc = &rg->cols[c];
            const pq_column *col = &f->cols[c];
            if (rc->file_path) return pq_errf(err, errlen, "column chunk in an external file (file_path)");
            if (rc->encrypted) return pq_errf(err, errlen, "encrypted column chunk");
            if (!rc->has_meta || (rc->required & 63) != 63)
                return pq_errf(err, errlen, "row group %u column %d: metadata incomplete", g, c);
            if (strcmp(rc->path, col->path) != 0)
                return pq_errf(err, errlen, "row group %u column %d is '%s', the schema says '%s'",
                               g, c, rc->path, col->path);
            if (rc->type != col->type)
                return pq_errf(err, errlen, "column '%s': chunk type differs from the schema", col->path);
            if (rc->codec < 0 || rc->codec > PQ_LZ4_RAW)
                return pq_errf(err, errlen, "column '%s': unknown codec %d", col->path, rc->codec);
            if (rc->num_values < 0)
                return pq_errf(err, errlen, "column '%s': negative num_values", col->path);
            if (col->max_rep == 0 && rc->num_values != rg->num_rows)
                return pq_errf(err, errlen, "column '%s': %lld values in a row group of %lld rows",
                               col->path, (long long)rc->num_values, (long long)rg->num_rows);
            int64_t start = rc->data_off;
            if (rc->dict_off > 0 && rc->dict_off < start) start = rc->dict_off;
            if (start < 4 || start >= f->data_end || rc->total_compressed <= 0 ||
                rc->total_compressed > f->data_end - start)
                return pq_errf(err, errlen, "column '%s': chunk [%lld, +%lld) outside the data [4, %lld)",
                               col->path, (long long)start, (long long)rc->total_compressed,
                               (long long)f->data_end);
            out->chunks[c].start = start;
            out->chunks[c].len = rc->total_compressed;
            out->chunks[c].codec = rc->codec;
            out->chunks[c].num_values = rc->num_values;
        }
    }
    if (total != m->num_rows)
        return pq_errf(err, errlen, "row groups hold %lld rows, the footer says %lld",
                       (long long)total, (long long)m->num_rows);
    return 0;
}

static int parse_footer_(pq_file *f, char *err, size_t errlen)
{
    uint8_t tail[8], head[4];
    if (f->size < 12) return pq_errf(err, errlen, "not a Parquet file (%lld bytes)", (long long)f->size);
    if (pq_read_at(f, f->size - 8, tail, 8, err, errlen) || pq_read_at(f, 0, head, 4, err, errlen))
        return -1;
    if (memcmp(tail + 4, "PARE", 4) == 0) return pq_errf(err, errlen, "encrypted Parquet footer");
    if (memcmp(head, "PAR1", 4) || memcmp(tail + 4, "PAR1", 4))
        return pq_errf(err, errlen, "not a Parquet file (no PAR1 magic)");
    uint64_t flen = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
                    (uint64_t)tail[3] << 24;
    if (flen > (uint64_t)f->size - 12)
        return pq_errf(err, errlen, "footer length %llu exceeds the file", (unsigned long long)flen);
    if (flen > f->lim.max_footer)
        return pq_errf(err, errlen, "footer of %llu bytes is over the limit", (unsigned long long)flen);
    if (flen < 2) return pq_errf(err, errlen, "footer too short");
    f->data_end = f->size - 8 - (int64_t)flen;
    uint8_t *buf = malloc(flen);
    pq_account(f, (int64_t)flen);
    if (!buf) return pq_errf(err, errlen, "out of memory for a %llu-byte footer", (unsigned long long)flen);
    if (pq_read_at(f, f->data_end, buf, flen, err, errlen)) {
        free(buf);
        return -1;
    }
    meta m = {0};
    pq_thrift t;
    pq_thrift_init(&t, buf, flen);
    parse_filemeta_(&t, &m);
    int rc = 0;
    if (t.err) rc = pq_errf(err, errlen, "corrupt footer: %s", t.why ? t.why : "out of memory");
    else if (m.encrypted) rc = pq_errf(err, errlen, "encrypted Parquet file");
    else if ((m.required & 15) != 15) rc = pq_errf(err, errlen, "footer lacks a required field");
    else if (m.num_rows < 0) rc = pq_errf(err, errlen, "negative row count");
    if (!rc) rc = build_schema_(f, &m, err, errlen);
    if (!rc) rc = build_rowgroups_(f, &m, err, errlen);
    if (!rc) {
        f->num_rows = m.num_rows;
        f->created_by = dupn_(m.created_by ? m.created_by : (const uint8_t *)"", m.created_by_len);
        f->kv_keys = calloc_n_(m.nkv, sizeof(char *));
        f->kv_vals = calloc_n_(m.nkv, sizeof(char *));
        if (!f->created_by || !f->kv_keys || !f->kv_vals) rc = pq_errf(err, errlen, "out of memory");
        for (uint32_t i = 0; !rc && i < m.nkv; i++) {
            if (!m.kv_key[i]) continue;
            f->kv_keys[f->nkv] = dupn_(m.kv_key[i], m.kv_klen[i]);
            f->kv_vals[f->nkv] = m.kv_val[i] ? dupn_(m.kv_val[i], m.kv_vlen[i]) : NULL;
            f->nkv++;
            if (!f->kv_keys[f->nkv - 1]) rc = pq_errf(err, errlen, "out of memory");
        }
    }
    free_meta_(&m);
    free(buf);
    pq_account(f, -(int64_t)flen);
    return rc;
}

static int open_common_(pq_file **out, pq_file *f, const pq_limits *limits, char *err, size_t errlen)
{
    f->lim.max_footer = 64u << 20;
    f->lim.max_page = 1u << 30;
    f->lim.max_page_header = 16u << 20;
    f->lim.stream_dict_min = 4u << 20;
    if (limits) {
        if (limits->max_footer) f->lim.max_footer = limits->max_footer;
        if (limits->max_page) f->lim.max_page = limits->max_page;
        if (limits->max_page_header) f->lim.max_page_header = limits->max_page_header;
        if (limits->stream_dict_min) f->lim.stream_dict_min = limits->stream_dict_min;
    }
    if (parse_footer_(f, err, errlen)) {
        pq_close(f);
        *out = NULL;
        return -1;
    }
    *out = f;
    return 0;
}

int pq_open(pq_file **out, const char *path, const pq_limits *limits, char *err, size_t errlen)
{
    *out = NULL;
    pq_file *f = calloc(1, sizeof *f);
    if (!f) return pq_errf(err, errlen, "out of memory");
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        pq_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        pq_close(f);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        pq_errf(err, errlen, "%s is not a regular file", path);
        pq_close(f);
        return -1;
    }
    f->size = st.st_size;
    return open_common_(out, f, limits, err, errlen);
}

int pq_open_mem(pq_file **out, const void *buf, size_t len, const pq_limits *limits, char *err,
                size_t errlen)
{
    *out = NULL;
    pq_file *f = calloc(1, sizeof *f);
    if (!f) return pq_errf(err, errlen, "out of memory");
    f->fd = -1;
    f->mem = buf ? buf : (const uint8_t *)"";
    f->size = (int64_t)len;
    return open_common_(out, f, limits, err, errlen);
}

void pq_close(pq_file *f)
{
    if (!f) return;
    if (f->fd >= 0) close(f->fd);
    for (int i = 0; i < f->ncols; i++) free(f->cols[i].path);
    free(f->cols);
    for (int i = 0; i < f->ntop; i++) free(f->top_names[i]);
    free(f->top_names);
    free(f->top_is_group);
    for (int i = 0; i < f->nrg; i++) free(f->rgs[i].chunks);
    free(f->rgs);
    for (int i = 0; i < f->nkv; i++) {
        free(f->kv_keys[i]);
        free(f->kv_vals[i]);
    }
    free(f->kv_keys);
    free(f->kv_vals);
    free(f->created_by);
    free(f->hdr);
    free(f->raw);
    free(f->page);
    free(f->ebuf);
    free(f);
}

int64_t pq_num_rows(const pq_file *f) { return f->num_rows; }
int pq_num_row_groups(const pq_file *f) { return f->nrg; }
int64_t pq_row_group_rows(const pq_file *f, int rg)
{
    return rg >= 0 && rg < f->nrg ? f->rgs[rg].num_rows : -1;
}
int pq_num_columns(const pq_file *f) { return f->ncols; }
const pq_column *pq_get_column(const pq_file *f, int col)
{
    return col >= 0 && col < f->ncols ? &f->cols[col] : NULL;
}
int pq_find_column(const pq_file *f, const char *dotted)
{
    for (int i = 0; i < f->ncols; i++)
        if (strcmp(f->cols[i].path, dotted) == 0) return i;
    return -1;
}
int pq_num_top_fields(const pq_file *f) { return f->ntop; }
const char *pq_top_field_name(const pq_file *f, int top)
{
    return top >= 0 && top < f->ntop ? f->top_names[top] : NULL;
}
int pq_top_field_is_group(const pq_file *f, int top)
{
    return top >= 0 && top < f->ntop ? f->top_is_group[top] : 0;
}
const char *pq_created_by(const pq_file *f) { return f->created_by ? f->created_by : ""; }
const char *pq_metadata(const pq_file *f, const char *key)
{
    for (int i = 0; i < f->nkv; i++)
        if (strcmp(f->kv_keys[i], key) == 0) return f->kv_vals[i];
    return NULL;
}
int pq_column_codec(const pq_file *f, int rg, int col)
{
    if (rg < 0 || rg >= f->nrg || col < 0 || col >= f->ncols) return -1;
    return f->rgs[rg].chunks[col].codec;
}

const char *pq_type_name(int type)
{
    static const char *n[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE",
                              "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return type >= 0 && type < 8 ? n[type] : "?";
}

const char *pq_codec_name(int codec)
{
    static const char *n[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec < 8 ? n[codec] : "?";
}
