/* test_sd_load.c — loading diffusers folders: each broken copy of sd-tiny (built here in a
 * temp dir) fails with one clear error — missing weights, missing config, truncated weights,
 * a corrupt header length, a tensor whose shape disagrees with the config, an unknown
 * scheduler, an unsupported config value, a null component — and the two layouts the
 * fixtures lack load correctly: an fp16 variant (F16 weights, widened) and a sharded
 * checkpoint with its index, both checked against the F32 single-file results. */
#include "../tap.h"
#include "sd_pipe.h"
#include "sd_safetensors.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_src[4096];

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    b[*len] = 0;
    fclose(f);
    return b;
}

static int spit(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

static const char *files[] = {
    "model_index.json", "scheduler/scheduler_config.json", "text_encoder/config.json",
    "text_encoder/model.safetensors", "tokenizer/merges.txt", "tokenizer/special_tokens_map.json",
    "tokenizer/tokenizer_config.json", "tokenizer/vocab.json", "unet/config.json",
    "unet/diffusion_pytorch_model.safetensors", "vae/config.json", "vae/diffusion_pytorch_model.safetensors"};
#define NFILES (int)(sizeof files / sizeof files[0])

/* a fresh copy of sd-tiny in a temp dir */
static void copy_model(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/sd_load_XXXXXX");
    if (!mkdtemp(dir)) return;
    const char *subs[] = {"scheduler", "text_encoder", "tokenizer", "unet", "vae"};
    char p[4200], q[4200];
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, subs[i]);
        mkdir(p, 0700);
    }
    for (int i = 0; i < NFILES; i++) {
        size_t n;
        snprintf(p, sizeof p, "%s/%s", g_src, files[i]);
        snprintf(q, sizeof q, "%s/%s", dir, files[i]);
        char *b = slurp(p, &n);
        if (b) spit(q, b, n);
        free(b);
    }
}

static void remove_model(const char *dir)
{
    const char *subs[] = {"scheduler", "text_encoder", "tokenizer", "unet", "vae", ""};
    char p[4200];
    for (int i = 0; i < 6; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, subs[i]);
        DIR *d = opendir(p);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char f[4500];
            snprintf(f, sizeof f, "%s/%s", p, e->d_name);
            unlink(f);
        }
        if (d) closedir(d);
        if (i < 5) rmdir(p);
    }
    rmdir(dir);
}

/* replace the first occurrence of `from` in a text file */
static int patch(const char *dir, const char *file, const char *from, const char *to)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    size_t n;
    char *b = slurp(p, &n);
    char *at = b ? strstr(b, from) : NULL;
    if (!at) {
        free(b);
        return -1;
    }
    size_t lf = strlen(from), lt = strlen(to);
    char *o = malloc(n - lf + lt + 1);
    memcpy(o, b, (size_t)(at - b));
    memcpy(o + (at - b), to, lt);
    memcpy(o + (at - b) + lt, at + lf, n - (size_t)(at - b) - lf);
    int rc = spit(p, o, n - lf + lt);
    free(b), free(o);
    return rc;
}

static void expect_fail(const char *what, void (*mutate)(const char *dir), const char *needle)
{
    char dir[64], err[1024] = "";
    copy_model(dir, sizeof dir);
    mutate(dir);
    sd_model m;
    int rc = sd_model_load(&m, sd_ops_cpu(), dir, NULL, err, sizeof err);
    ok(rc != 0 && strstr(err, needle) != NULL, "%s: refused with \"%s\"", what, err);
    if (rc == 0) sd_model_free(&m);
    remove_model(dir);
}

static void rm_unet_weights(const char *d)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model.safetensors", d);
    unlink(p);
}
static void rm_vae_config(const char *d)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/vae/config.json", d);
    unlink(p);
}
static void truncate_unet(const char *d)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model.safetensors", d);
    struct stat st;
    if (stat(p, &st) == 0) truncate(p, st.st_size * 6 / 10);
}
static void huge_header(const char *d)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/vae/diffusion_pytorch_model.safetensors", d);
    FILE *f = fopen(p, "r+b");
    uint8_t len[8] = {0, 0, 0, 0, 0, 1, 0, 0}; /* 2^40 bytes of header */
    if (f) {
        fwrite(len, 1, 8, f);
        fclose(f);
    }
}
static void wrong_shape(const char *d) { patch(d, "unet/config.json", "\"cross_attention_dim\": 32", "\"cross_attention_dim\": 24"); }
static void bad_sched(const char *d) { patch(d, "scheduler/scheduler_config.json", "PNDMScheduler", "LMSDiscreteScheduler"); }
static void bad_act(const char *d) { patch(d, "unet/config.json", "\"act_fn\": \"silu\"", "\"act_fn\": \"mish\""); }
static void null_vae(const char *d)
{
    patch(d, "model_index.json", "\"vae\": [\n    \"diffusers\",\n    \"AutoencoderKL\"\n  ]", "\"vae\": [null, null]");
}
static void bad_pipeline(const char *d) { patch(d, "model_index.json", "StableDiffusionPipeline", "KandinskyPipeline"); }

/* ---- a small safetensors writer for the fp16 / sharded layouts --------------------------- */
static uint16_t to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000, e = (x >> 23) & 0xff, m = x & 0x7fffff;
    int ex = (int)e - 127 + 15;
    if (e == 0xff) return (uint16_t)(sign | 0x7c00 | (m ? 0x200 : 0));
    if (ex >= 31) return (uint16_t)(sign | 0x7c00);
    if (ex <= 0) { /* subnormal or zero */
        if (ex < -10) return (uint16_t)sign;
        m |= 0x800000;
        int shift = 14 - ex;
        uint32_t hm = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (hm & 1))) hm++;
        return (uint16_t)(sign | hm);
    }
    uint32_t hm = m >> 13, rem = m & 0x1fff;
    uint32_t h = sign | ((uint32_t)ex << 10) | hm;
    if (rem > 0x1000 || (rem == 0x1000 && (hm & 1))) h++;
    return (uint16_t)h;
}

/* write tensors [first, last) of f (as F32 or F16) to path */
static int write_st(const char *path, const sd_st_file *f, int first, int last, int f16)
{
    cJSON *h = cJSON_CreateObject();
    size_t off = 0, es = f16 ? 2 : 4;
    for (int i = first; i < last; i++) {
        const sd_st_tensor *t = &f->tensors[i];
        cJSON *o = cJSON_AddObjectToObject(h, t->name);
        cJSON_AddStringToObject(o, "dtype", f16 ? "F16" : "F32");
        cJSON *sh = cJSON_AddArrayToObject(o, "shape");
        for (int d = 0; d < t->ndim; d++) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)t->shape[d]));
        cJSON *of = cJSON_AddArrayToObject(o, "data_offsets");
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)off));
        off += (size_t)t->numel * es;
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)off));
    }
    char *js = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    size_t hl = strlen(js), pad = (8 - (8 + hl) % 8) % 8;
    FILE *o = fopen(path, "wb");
    uint64_t n = hl + pad;
    uint8_t le[8];
    for (int i = 0; i < 8; i++) le[i] = (uint8_t)(n >> (8 * i));
    fwrite(le, 1, 8, o);
    fwrite(js, 1, hl, o);
    for (size_t i = 0; i < pad; i++) fputc(' ', o);
    free(js);
    for (int i = first; i < last; i++) {
        const sd_st_tensor *t = &f->tensors[i];
        float *v = malloc((size_t)t->numel * sizeof(float));
        sd_st_to_f32(t, v);
        for (int64_t k = 0; k < t->numel; k++) {
            if (f16) {
                uint16_t x = to_f16(v[k]);
                fwrite(&x, 2, 1, o);
            } else {
                fwrite(&v[k], 4, 1, o);
            }
        }
        free(v);
    }
    fclose(o);
    return 0;
}

static double rel_diff(const float *a, const float *b, size_t n)
{
    double d = 0, r = 0;
    for (size_t i = 0; i < n; i++) d += ((double)a[i] - b[i]) * ((double)a[i] - b[i]), r += (double)b[i] * b[i];
    return sqrt(d / (r > 0 ? r : 1));
}

static void variants(void)
{
    char dir[64], p[4200], err[1024];
    copy_model(dir, sizeof dir);
    /* text encoder as an fp16 variant next to the F32 file; unet sharded in two with an index */
    sd_st_file te, un;
    snprintf(p, sizeof p, "%s/text_encoder/model.safetensors", dir);
    int ok1 = sd_st_open(&te, p, err, sizeof err) == 0;
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model.safetensors", dir);
    int ok2 = sd_st_open(&un, p, err, sizeof err) == 0;
    if (!ok(ok1 && ok2, "read sd-tiny weights")) return;
    snprintf(p, sizeof p, "%s/text_encoder/model.fp16.safetensors", dir);
    write_st(p, &te, 0, te.count, 1);
    int half = un.count / 2;
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model-00001-of-00002.safetensors", dir);
    write_st(p, &un, 0, half, 0);
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model-00002-of-00002.safetensors", dir);
    write_st(p, &un, half, un.count, 0);
    cJSON *idx = cJSON_CreateObject(), *wm = cJSON_AddObjectToObject(idx, "weight_map");
    for (int i = 0; i < un.count; i++)
        cJSON_AddStringToObject(wm, un.tensors[i].name, i < half ? "diffusion_pytorch_model-00001-of-00002.safetensors"
                                                                 : "diffusion_pytorch_model-00002-of-00002.safetensors");
    char *js = cJSON_Print(idx);
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model.safetensors.index.json", dir);
    spit(p, js, strlen(js));
    free(js);
    cJSON_Delete(idx);
    sd_st_close(&te);
    sd_st_close(&un);
    /* reference: the untouched fixture */
    sd_model ref, m16, msh;
    int r0 = sd_model_load(&ref, sd_ops_cpu(), g_src, NULL, err, sizeof err);
    sd_load_opts o16 = {"fp16", NULL};
    int r1 = sd_model_load(&m16, sd_ops_cpu(), dir, &o16, err, sizeof err);
    ok(r1 == 0, "fp16 variant loads (%s)", r1 ? err : "ok");
    snprintf(p, sizeof p, "%s/unet/diffusion_pytorch_model.safetensors", dir);
    unlink(p); /* only the shards remain */
    int r2 = sd_model_load(&msh, sd_ops_cpu(), dir, NULL, err, sizeof err);
    ok(r2 == 0, "sharded unet loads from its index (%s)", r2 ? err : "ok");
    if (r0 == 0 && r1 == 0 && r2 == 0) {
        is_int(msh.unet.w.nfiles, 2, "two shard files open");
        sd_gen g = {.prompt = "a road", .width = 96, .height = 128, .steps = 2, .guidance = 5, .seed = 3};
        size_t nl = 4 * 16 * 12;
        float a[4 * 16 * 12], b[4 * 16 * 12], c[4 * 16 * 12];
        g.latents_out = a;
        sd_generate(&ref, &g, err, sizeof err);
        g.latents_out = b;
        sd_generate(&msh, &g, err, sizeof err);
        g.latents_out = c;
        sd_generate(&m16, &g, err, sizeof err);
        ok(memcmp(a, b, sizeof a) == 0, "sharded checkpoint: identical latents");
        double r = rel_diff(c, a, nl);
        ok(r > 0 && r < 2e-2, "fp16 text encoder: latents within fp16 rounding (rel %.2g)", r);
    }
    if (r0 == 0) sd_model_free(&ref);
    if (r1 == 0) sd_model_free(&m16);
    if (r2 == 0) sd_model_free(&msh);
    remove_model(dir);
}

int main(void)
{
    const char *shared = getenv("PROCTOR_SHARED");
    snprintf(g_src, sizeof g_src, "%s/fixtures/diffusion/sd-tiny", shared && *shared ? shared : "../shared");
    struct stat st;
    if (stat(g_src, &st) != 0) skip_all("diffusion fixtures (sd-tiny) not found; set PROCTOR_SHARED");
    sd_cpu_set_threads(2);
    char dir[64], err[1024];
    copy_model(dir, sizeof dir);
    sd_model m;
    if (ok(sd_model_load(&m, sd_ops_cpu(), dir, NULL, err, sizeof err) == 0, "an intact copy loads")) sd_model_free(&m);
    else diag("%s", err);
    remove_model(dir);
    expect_fail("missing unet weights", rm_unet_weights, "no diffusion_pytorch_model.safetensors");
    expect_fail("missing vae config", rm_vae_config, "vae/config.json");
    expect_fail("truncated unet weights", truncate_unet, "truncated");
    expect_fail("header length beyond the file", huge_header, "truncated or corrupt");
    expect_fail("config and tensor shapes disagree", wrong_shape, "has shape");
    expect_fail("unknown scheduler", bad_sched, "unknown scheduler \"LMSDiscreteScheduler\"");
    expect_fail("unsupported act_fn", bad_act, "unsupported act_fn \"mish\"");
    expect_fail("null vae component", null_vae, "component \"vae\"");
    expect_fail("unknown pipeline class", bad_pipeline, "KandinskyPipeline");
    variants();
    return done_testing();
}
