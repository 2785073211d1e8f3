/* test_sd_vae.c — AutoencoderKL encoder (moments, mean, logvar, std, sampled latents with a
 * given eps) and decoder (raw and [0, 1] output) of sd-tiny and sdxl-tiny against the goldens,
 * with the stored intermediates for sdxl-tiny. */
#include "../tap.h"
#include "golden.h"
#include "sd_json.h"
#include "sd_vae.h"

typedef struct dbg_ctx {
    const cJSON *c;
} dbg_ctx;

static void on_dbg(void *p, const char *name, const float *dev, size_t n)
{
    dbg_ctx *d = p;
    char role[128];
    snprintf(role, sizeof role, "dbg.%s", name);
    if (!cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d->c, "outputs"), role)) return;
    float *h = malloc(n * sizeof(float));
    sd_ops_cpu()->download(h, dev, n);
    gold_check(d->c, role, h, (int64_t)n);
    free(h);
}

static void run_model(const char *model)
{
    char dir[4200], err[512], id[128];
    snprintf(dir, sizeof dir, "%s/%s/vae", gold_root(), model);
    sd_vae v;
    const sd_ops *o = sd_ops_cpu();
    if (!ok(sd_vae_load(&v, o, dir, NULL, err, sizeof err) == 0, "load %s vae", model)) {
        diag("%s", err);
        return;
    }
    snprintf(id, sizeof id, "%s/vae/encode", model);
    const cJSON *c = gold_case(id);
    int64_t n = 0, ne = 0, shape[8];
    int nd = 0;
    float *img = c ? gold_tensor(sd_json_str(c, "file"), "image", &n, shape, &nd) : NULL;
    float *eps = c ? gold_input(c, "posterior_eps", &ne) : NULL;
    if (img && eps && nd == 4) {
        int B = (int)shape[0], H = (int)shape[2], W = (int)shape[3], f = sd_vae_factor(&v);
        int hw = (H / f) * (W / f);
        size_t nm = (size_t)B * 2 * v.latent * hw, nl = nm / 2;
        float *dx = o->alloc((size_t)n), *dm = o->alloc(nm);
        o->upload(dx, img, (size_t)n);
        dbg_ctx d = {c};
        if (ok(sd_vae_encode(&v, dx, B, H, W, dm, on_dbg, &d, err, sizeof err) == 0, "%s", id)) {
            float *m = malloc(nm * sizeof(float)), *lat = malloc(nl * sizeof(float)),
                  *mean = malloc(nl * sizeof(float)), *lv = malloc(nl * sizeof(float)),
                  *sd = malloc(nl * sizeof(float));
            o->download(m, dm, nm);
            sd_vae_posterior(&v, m, B, hw, eps, lat, mean, lv, sd);
            gold_check(c, "moments", m, (int64_t)nm);
            gold_check(c, "mean", mean, (int64_t)nl);
            gold_check(c, "logvar", lv, (int64_t)nl);
            gold_check(c, "std", sd, (int64_t)nl);
            gold_check(c, "latents", lat, (int64_t)nl);
            free(m), free(lat), free(mean), free(lv), free(sd);
        } else {
            diag("%s", err);
        }
        o->free(dx), o->free(dm);
    }
    free(img), free(eps);

    snprintf(id, sizeof id, "%s/vae/decode", model);
    c = gold_case(id);
    float *lat = c ? gold_tensor(sd_json_str(c, "file"), sd_json_str(cJSON_GetObjectItemCaseSensitive(c, "inputs"), "latents"), &n, shape, &nd) : NULL;
    if (lat && nd == 4) {
        int B = (int)shape[0], h = (int)shape[2], w = (int)shape[3], f = sd_vae_factor(&v);
        size_t no = (size_t)B * v.out_ch * h * f * w * f;
        for (int64_t i = 0; i < n; i++) lat[i] = lat[i] / v.scaling;
        float *dz = o->alloc((size_t)n), *dout = o->alloc(no);
        o->upload(dz, lat, (size_t)n);
        dbg_ctx d = {c};
        if (ok(sd_vae_decode(&v, dz, B, h, w, dout, on_dbg, &d, err, sizeof err) == 0, "%s", id)) {
            float *raw = malloc(no * sizeof(float));
            o->download(raw, dout, no);
            gold_check(c, "raw", raw, (int64_t)no);
            for (size_t i = 0; i < no; i++) {
                float x = raw[i] / 2 + 0.5f;
                raw[i] = x < 0 ? 0 : x > 1 ? 1 : x;
            }
            gold_check(c, "image01", raw, (int64_t)no);
            free(raw);
        } else {
            diag("%s", err);
        }
        o->free(dz), o->free(dout);
    }
    free(lat);
    sd_vae_free(&v);
}

int main(void)
{
    gold_init();
    sd_cpu_set_threads(2);
    run_model("sd-tiny");
    run_model("sdxl-tiny");
    gold_done();
    return done_testing();
}
