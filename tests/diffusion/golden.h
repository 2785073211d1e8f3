/* golden.h — access to the diffusion golden fixtures (shared/fixtures/diffusion): the case
 * index, golden tensors, and the comparison rule of the fixture README:
 *   pass when max|a - r| <= tolerance.max_abs and ||a - r|| / ||r|| <= tolerance.rel_l2. */
#ifndef TEST_DIFFUSION_GOLDEN_H
#define TEST_DIFFUSION_GOLDEN_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tap.h"
#include "sd_json.h"
#include "sd_safetensors.h"

/* Header-only (static): it reports through tap.h's per-program counters. */

static char g_root[4096];
static cJSON *g_index;
static struct {
    char name[256];
    sd_st_file f;
} g_files[16];
static int g_nfiles;

static inline void gold_init(void)
{
    const char *shared = getenv("PROCTOR_SHARED");
    snprintf(g_root, sizeof g_root, "%s/fixtures/diffusion", shared && *shared ? shared : "../shared");
    char p[4200], err[512];
    snprintf(p, sizeof p, "%s/golden/index.json", g_root);
    struct stat st;
    if (stat(p, &st) != 0) {
        char why[4400];
        snprintf(why, sizeof why, "diffusion fixtures not found at %s (set PROCTOR_SHARED)", g_root);
        skip_all(why);
    }
    g_index = sd_json_load(p, err, sizeof err);
    if (!g_index) skip_all("golden/index.json unreadable");
}

static inline void gold_done(void)
{
    for (int i = 0; i < g_nfiles; i++) sd_st_close(&g_files[i].f);
    g_nfiles = 0;
    cJSON_Delete(g_index);
    g_index = NULL;
}

static inline const char *gold_root(void) { return g_root; }

static inline const cJSON *gold_case(const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(g_index, "cases"))
    {
        const char *cid = sd_json_str(c, "id");
        if (cid && strcmp(cid, id) == 0) return c;
    }
    return NULL;
}

static inline sd_st_file *file_of(const char *file)
{
    for (int i = 0; i < g_nfiles; i++)
        if (strcmp(g_files[i].name, file) == 0) return &g_files[i].f;
    if (g_nfiles == 16) return NULL;
    char p[4400], err[512];
    snprintf(p, sizeof p, "%s/%s", g_root, file);
    if (sd_st_open(&g_files[g_nfiles].f, p, err, sizeof err) != 0) {
        diag("%s", err);
        return NULL;
    }
    snprintf(g_files[g_nfiles].name, sizeof g_files[g_nfiles].name, "%s", file);
    return &g_files[g_nfiles++].f;
}

static inline float *gold_tensor(const char *file, const char *name, int64_t *numel, int64_t shape[8], int *ndim)
{
    sd_st_file *f = file_of(file);
    const sd_st_tensor *t = f ? sd_st_find(f, name) : NULL;
    if (!t) {
        ok(0, "golden tensor %s in %s", name, file);
        return NULL;
    }
    float *v = malloc((size_t)t->numel * sizeof(float) + 4);
    sd_st_to_f32(t, v);
    if (numel) *numel = t->numel;
    if (shape) memcpy(shape, t->shape, sizeof t->shape);
    if (ndim) *ndim = t->ndim;
    return v;
}

static inline float *gold_input(const cJSON *c, const char *key, int64_t *numel)
{
    const char *name = sd_json_str(cJSON_GetObjectItemCaseSensitive(c, "inputs"), key);
    if (!name) {
        ok(0, "%s: input %s", sd_json_str(c, "id"), key);
        return NULL;
    }
    return gold_tensor(sd_json_str(c, "file"), name, numel, NULL, NULL);
}

static inline int gold_check_t(const char *what, const char *file, const char *tensor, const float *got, int64_t n,
                 double max_abs, double rel_l2)
{
    int64_t rn = 0;
    float *ref = gold_tensor(file, tensor, &rn, NULL, NULL);
    if (!ref) return 0;
    if (rn != n || !got) {
        ok(0, "%s: %lld values, golden has %lld", what, (long long)n, (long long)rn);
        free(ref);
        return 0;
    }
    double ma = 0, d2 = 0, r2 = 0;
    int finite = 1;
    for (int64_t i = 0; i < n; i++) {
        double d = (double)got[i] - ref[i];
        if (!(d == d)) finite = 0;
        if (fabs(d) > ma) ma = fabs(d);
        d2 += d * d;
        r2 += (double)ref[i] * ref[i];
    }
    double rel = r2 > 0 ? sqrt(d2 / r2) : sqrt(d2);
    int pass = finite && ma <= max_abs && rel <= rel_l2;
    ok(pass, "%s: max_abs %.3g (tol %.3g), rel_l2 %.3g (tol %.3g)", what, ma, max_abs, rel, rel_l2);
    free(ref);
    return pass;
}

static inline int gold_check(const cJSON *c, const char *role, const float *got, int64_t n)
{
    const char *id = sd_json_str(c, "id");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "outputs"), role);
    const cJSON *tol = cJSON_GetObjectItemCaseSensitive(o, "tolerance");
    const char *tensor = sd_json_str(o, "tensor");
    if (!tensor || !tol) {
        ok(0, "%s: no output %s in the index", id, role);
        return 0;
    }
    char what[512];
    snprintf(what, sizeof what, "%s %s", id, role);
    return gold_check_t(what, sd_json_str(c, "file"), tensor, got, n, sd_json_num(tol, "max_abs", 0),
                        sd_json_num(tol, "rel_l2", 0));
}

#endif
