/* sd_safetensors.c — see sd_safetensors.h. */
#include "sd_safetensors.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SD_ST_MAX_HEADER 100000000u /* the reference reader's limit */

static int dtype_of(const char *s, sd_dtype *dt, size_t *elsize)
{
    static const struct { const char *name; sd_dtype dt; size_t size; } tab[] = {
        {"F32", SD_DT_F32, 4}, {"F16", SD_DT_F16, 2}, {"BF16", SD_DT_BF16, 2},
        {"I64", SD_DT_I64, 8}, {"F64", SD_DT_OTHER, 8}, {"I32", SD_DT_OTHER, 4},
        {"U32", SD_DT_OTHER, 4}, {"I16", SD_DT_OTHER, 2}, {"U16", SD_DT_OTHER, 2},
        {"I8", SD_DT_OTHER, 1}, {"U8", SD_DT_OTHER, 1}, {"BOOL", SD_DT_OTHER, 1},
        {"U64", SD_DT_OTHER, 8}, {"F8_E4M3", SD_DT_OTHER, 1}, {"F8_E5M2", SD_DT_OTHER, 1},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(s, tab[i].name) == 0) {
            *dt = tab[i].dt;
            *elsize = tab[i].size;
            return 0;
        }
    return -1;
}

void sd_st_close(sd_st_file *f)
{
    if (!f) return;
    for (int i = 0; i < f->count; i++) free(f->tensors[i].name);
    free(f->tensors);
    if (f->map && f->map != MAP_FAILED) munmap(f->map, f->size);
    free(f->path);
    memset(f, 0, sizeof *f);
}

int sd_st_open(sd_st_file *f, const char *path, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    f->size = (size_t)st.st_size;
    f->path = strdup(path);
    if (f->size < 8) {
        snprintf(err, errlen, "%s: truncated safetensors file (%zu bytes, no header length)", path,
                 f->size);
        close(fd);
        sd_st_close(f);
        return -1;
    }
    f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f->map == MAP_FAILED) {
        f->map = NULL;
        snprintf(err, errlen, "%s: mmap failed: %s", path, strerror(errno));
        sd_st_close(f);
        return -1;
    }
    const uint8_t *b = f->map;
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = (n << 8) | b[i];
    if (n > SD_ST_MAX_HEADER || n > f->size - 8) {
        snprintf(err, errlen,
                 "%s: truncated or corrupt safetensors file (header length %llu, file %zu bytes)",
                 path, (unsigned long long)n, f->size);
        sd_st_close(f);
        return -1;
    }
    const uint8_t *data = b + 8 + n;
    size_t data_len = f->size - 8 - (size_t)n;
    cJSON *root = cJSON_ParseWithLength((const char *)b + 8, (size_t)n);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: safetensors header is not a JSON object", path);
        cJSON_Delete(root);
        sd_st_close(f);
        return -1;
    }
    int cap = cJSON_GetArraySize(root);
    f->tensors = calloc((size_t)(cap ? cap : 1), sizeof *f->tensors);
    int rc = -1;
    cJSON *it;
    cJSON_ArrayForEach(it, root)
    {
        if (strcmp(it->string, "__metadata__") == 0) continue;
        sd_st_tensor *t = &f->tensors[f->count];
        cJSON *dt = cJSON_GetObjectItemCaseSensitive(it, "dtype");
        cJSON *sh = cJSON_GetObjectItemCaseSensitive(it, "shape");
        cJSON *of = cJSON_GetObjectItemCaseSensitive(it, "data_offsets");
        size_t elsize = 0;
        if (!cJSON_IsString(dt) || dtype_of(dt->valuestring, &t->dtype, &elsize) != 0) {
            snprintf(err, errlen, "%s: tensor %s: unknown dtype", path, it->string);
            goto out;
        }
        if (!cJSON_IsArray(sh) || cJSON_GetArraySize(sh) > SD_MAX_DIMS || !cJSON_IsArray(of) ||
            cJSON_GetArraySize(of) != 2) {
            snprintf(err, errlen, "%s: tensor %s: bad shape or data_offsets", path, it->string);
            goto out;
        }
        t->ndim = cJSON_GetArraySize(sh);
        t->numel = 1;
        for (int d = 0; d < t->ndim; d++) {
            double v = cJSON_GetArrayItem(sh, d)->valuedouble;
            if (!cJSON_IsNumber(cJSON_GetArrayItem(sh, d)) || v < 0 || v > 1e12 ||
                (t->numel && v > (double)(INT64_MAX / 8) / (double)t->numel)) {
                snprintf(err, errlen, "%s: tensor %s: bad shape", path, it->string);
                goto out;
            }
            t->shape[d] = (int64_t)v;
            t->numel *= t->shape[d];
        }
        double ob = cJSON_GetArrayItem(of, 0)->valuedouble, oe = cJSON_GetArrayItem(of, 1)->valuedouble;
        if (ob < 0 || oe < ob || oe > (double)data_len) {
            snprintf(err, errlen,
                     "%s: truncated safetensors file: tensor %s needs bytes %.0f..%.0f of a %zu-byte data section",
                     path, it->string, ob, oe, data_len);
            goto out;
        }
        t->nbytes = (size_t)oe - (size_t)ob;
        if (t->nbytes != (size_t)t->numel * elsize) {
            snprintf(err, errlen, "%s: tensor %s: %zu bytes for %lld elements of %zu bytes", path,
                     it->string, t->nbytes, (long long)t->numel, elsize);
            goto out;
        }
        t->data = data + (size_t)ob;
        t->name = strdup(it->string);
        f->count++;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    if (rc) sd_st_close(f);
    return rc;
}

const sd_st_tensor *sd_st_find(const sd_st_file *f, const char *name)
{
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->tensors[i].name, name) == 0) return &f->tensors[i];
    return NULL;
}

static float f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: renormalise */
            exp = 127 - 15 + 1;
            while (!(man & 0x400)) {
                man <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

void sd_st_to_f32(const sd_st_tensor *t, float *out)
{
    const uint8_t *p = t->data;
    for (int64_t i = 0; i < t->numel; i++) {
        switch (t->dtype) {
        case SD_DT_F32: memcpy(&out[i], p + 4 * i, 4); break;
        case SD_DT_F16: {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            out[i] = f16_to_f32(h);
            break;
        }
        case SD_DT_BF16: {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            uint32_t bits = (uint32_t)h << 16;
            memcpy(&out[i], &bits, 4);
            break;
        }
        case SD_DT_I64: {
            int64_t v;
            memcpy(&v, p + 8 * i, 8);
            out[i] = (float)v;
            break;
        }
        default: out[i] = 0; break;
        }
    }
}

/* ---- weight sets ----------------------------------------------------------------------- */

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static int open_index(sd_weights *w, const char *dir, const char *index_path, char *err, size_t errlen)
{
    FILE *fp = fopen(index_path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", index_path, strerror(errno));
        return -1;
    }
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    if (len < 0 || len > (64 << 20)) {
        fclose(fp);
        snprintf(err, errlen, "%s: unreasonable size", index_path);
        return -1;
    }
    char *buf = malloc((size_t)len + 1);
    size_t got = fread(buf, 1, (size_t)len, fp);
    fclose(fp);
    buf[got] = 0;
    cJSON *root = cJSON_Parse(buf);
    free(buf);
    cJSON *map = cJSON_GetObjectItemCaseSensitive(root, "weight_map");
    if (!cJSON_IsObject(map)) {
        snprintf(err, errlen, "%s: no weight_map object", index_path);
        cJSON_Delete(root);
        return -1;
    }
    /* distinct shard names, in first-seen order */
    int n = cJSON_GetArraySize(map);
    const char **names = calloc((size_t)n + 1, sizeof *names);
    int nn = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, map)
    {
        if (!cJSON_IsString(it) || strchr(it->valuestring, '/')) {
            snprintf(err, errlen, "%s: bad shard name for %s", index_path, it->string);
            free(names);
            cJSON_Delete(root);
            return -1;
        }
        int seen = 0;
        for (int i = 0; i < nn; i++) seen |= strcmp(names[i], it->valuestring) == 0;
        if (!seen) names[nn++] = it->valuestring;
    }
    w->files = calloc((size_t)nn + 1, sizeof *w->files);
    int rc = 0;
    for (int i = 0; i < nn && rc == 0; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        rc = sd_st_open(&w->files[i], p, err, errlen);
        if (rc == 0) w->nfiles++;
    }
    free(names);
    cJSON_Delete(root);
    return rc;
}

int sd_weights_open(sd_weights *w, const char *dir, const char *stem, const char *variant,
                    char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    char p[4096];
    const char *variants[2] = {variant, NULL};
    for (int v = variant ? 0 : 1; v < 2; v++) {
        const char *var = variants[v];
        if (var) snprintf(p, sizeof p, "%s/%s.%s.safetensors", dir, stem, var);
        else snprintf(p, sizeof p, "%s/%s.safetensors", dir, stem);
        if (exists(p)) {
            w->files = calloc(1, sizeof *w->files);
            if (sd_st_open(&w->files[0], p, err, errlen) != 0) {
                sd_weights_close(w);
                return -1;
            }
            w->nfiles = 1;
            return 0;
        }
        if (var) snprintf(p, sizeof p, "%s/%s.safetensors.index.%s.json", dir, stem, var);
        else snprintf(p, sizeof p, "%s/%s.safetensors.index.json", dir, stem);
        if (exists(p)) {
            if (open_index(w, dir, p, err, errlen) != 0) {
                sd_weights_close(w);
                return -1;
            }
            return 0;
        }
    }
    snprintf(err, errlen, "%s: no %s.safetensors (or sharded index) found", dir, stem);
    return -1;
}

void sd_weights_close(sd_weights *w)
{
    for (int i = 0; i < w->nfiles; i++) sd_st_close(&w->files[i]);
    free(w->files);
    for (int i = 0; i < w->nowned; i++) free(w->owned[i]);
    free(w->owned);
    memset(w, 0, sizeof *w);
}

const sd_st_tensor *sd_weights_find(const sd_weights *w, const char *name)
{
    for (int i = 0; i < w->nfiles; i++) {
        const sd_st_tensor *t = sd_st_find(&w->files[i], name);
        if (t) return t;
    }
    return NULL;
}

static void fail(sd_weights *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(sd_weights *w, const char *fmt, ...)
{
    if (w->failed) return;
    w->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
}

static int squeeze(const int64_t *s, int n)
{
    while (n > 0 && s[n - 1] == 1) n--;
    return n;
}

void sd_weights_init_random(sd_weights *w, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->random = 1;
    w->rng = seed ? seed : 1;
}

static void own(sd_weights *w, float *p)
{
    if (w->nowned == w->capowned) {
        w->capowned = w->capowned ? 2 * w->capowned : 64;
        w->owned = realloc(w->owned, (size_t)w->capowned * sizeof *w->owned);
    }
    w->owned[w->nowned++] = p;
}

static const float *synth(sd_weights *w, const char *name, const int64_t *d, int nd)
{
    int64_t numel = 1, fan_in = 1;
    for (int i = 0; i < nd; i++) numel *= d[i];
    for (int i = 1; i < nd; i++) fan_in *= d[i];
    float *p = malloc((size_t)numel * sizeof(float) + 1);
    if (!p) {
        fail(w, "tensor %s: out of memory", name);
        return NULL;
    }
    size_t nl = strlen(name);
    int gain = nd == 1 && nl > 7 && strcmp(name + nl - 7, ".weight") == 0 && strstr(name, "norm");
    float a = sqrtf(3.0f / (float)fan_in);
    for (int64_t i = 0; i < numel; i++) {
        if (nd < 2) {
            p[i] = gain ? 1.0f : 0.0f;
            continue;
        }
        uint64_t x = (w->rng += 0x9e3779b97f4a7c15ull); /* splitmix64 */
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        x ^= x >> 31;
        p[i] = a * (2.0f * (float)((x >> 40) * 0x1.0p-24) - 1.0f);
    }
    own(w, p);
    return p;
}

static const float *w_get(sd_weights *w, int64_t d0, int64_t d1, int64_t d2, int64_t d3, const char *name)
{
    if (w->failed) return NULL;
    int64_t want[4] = {d0, d1, d2, d3};
    int nw = 0;
    while (nw < 4 && want[nw] > 0) nw++;
    if (w->random) return synth(w, name, want, nw);
    const sd_st_tensor *t = sd_weights_find(w, name);
    if (!t) {
        fail(w, "%s: missing tensor %s", w->nfiles ? w->files[0].path : "?", name);
        return NULL;
    }
    int a = squeeze(want, nw), b = squeeze(t->shape, t->ndim);
    int same = a == b;
    for (int i = 0; same && i < a; i++) same = want[i] == t->shape[i];
    if (!same) {
        char gs[128] = "", ws[128] = "";
        for (int i = 0; i < t->ndim; i++)
            snprintf(gs + strlen(gs), sizeof gs - strlen(gs), "%s%lld", i ? ", " : "", (long long)t->shape[i]);
        for (int i = 0; i < nw; i++)
            snprintf(ws + strlen(ws), sizeof ws - strlen(ws), "%s%lld", i ? ", " : "", (long long)want[i]);
        fail(w, "tensor %s has shape [%s], the config implies [%s]", name, gs, ws);
        return NULL;
    }
    if (t->dtype == SD_DT_F32 && ((uintptr_t)t->data & 3) == 0) return (const float *)t->data;
    if (t->dtype != SD_DT_F32 && t->dtype != SD_DT_F16 && t->dtype != SD_DT_BF16) {
        fail(w, "tensor %s: unsupported dtype for weights", name);
        return NULL;
    }
    float *copy = malloc((size_t)t->numel * sizeof(float) + 1);
    if (!copy) {
        fail(w, "tensor %s: out of memory", name);
        return NULL;
    }
    sd_st_to_f32(t, copy);
    own(w, copy);
    return copy;
}

int sd_w_has(const sd_weights *w, const char *fmt, ...)
{
    char name[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    return sd_weights_find(w, name) != NULL;
}

const float *sd_w(sd_weights *w, int64_t d0, int64_t d1, int64_t d2, int64_t d3, const char *fmt, ...)
{
    char name[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    const float *p = w_get(w, d0, d1, d2, d3, name);
    if (!p || !w->place) return p;
    int64_t n = 1, d[4] = {d0, d1, d2, d3};
    for (int i = 0; i < 4 && d[i] > 0; i++) n *= d[i];
    return w->place(p, (size_t)n);
}
