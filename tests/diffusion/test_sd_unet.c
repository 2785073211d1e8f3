/* test_sd_unet.c — UNet2DConditionModel of sd-tiny (conv projections), sd2-tiny (linear
 * projections, per-level heads, upcast attention) and sdxl-tiny (text_time conditioning,
 * transformer depth per level) against the goldens: outputs at t = 999, 1, 499.5, per-sample
 * timesteps, SDXL per-sample time ids, and every stored intermediate at t = 999. */
#include "../tap.h"
#include "golden.h"
#include "sd_json.h"
#include "sd_unet.h"

typedef struct dbg_ctx {
    const cJSON *c;
    const sd_ops *o;
} dbg_ctx;

/* the hook gets device pointers: copy them out and compare with the stored intermediate */
static void on_dbg(void *p, const char *name, const float *dev, size_t n)
{
    dbg_ctx *d = p;
    const cJSON *outs = cJSON_GetObjectItemCaseSensitive(d->c, "outputs");
    if (!cJSON_GetObjectItemCaseSensitive(outs, name)) return;
    float *h = malloc(n * sizeof(float));
    d->o->download(h, dev, n);
    gold_check(d->c, name, h, (int64_t)n);
    free(h);
}

static void run_case(const sd_unet *u, const char *id, int with_dbg)
{
    const cJSON *c = gold_case(id);
    if (!ok(c != NULL, "case %s", id)) return;
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "inputs");
    const char *file = sd_json_str(c, "file");
    int64_t n = 0, nt = 0, nc = 0, shape[8];
    int nd = 0;
    float *x = gold_tensor(file, sd_json_str(in, "sample"), &n, shape, &nd);
    float *t = gold_tensor(file, sd_json_str(in, "timestep"), &nt, NULL, NULL);
    float *ctx = gold_tensor(file, sd_json_str(in, "encoder_hidden_states"), &nc, NULL, NULL);
    float *te = NULL, *ids = NULL;
    if (u->text_time) {
        te = gold_tensor(file, sd_json_str(in, "added_cond_kwargs.text_embeds"), NULL, NULL, NULL);
        ids = gold_tensor(file, sd_json_str(in, "added_cond_kwargs.time_ids"), NULL, NULL, NULL);
    }
    if (!x || !t || !ctx || nd != 4) goto done;
    int B = (int)shape[0], H = (int)shape[2], W = (int)shape[3];
    float tb[16];
    for (int b = 0; b < B && b < 16; b++) tb[b] = t[nt == B ? b : 0];
    const sd_ops *o = sd_ops_cpu();
    float *dx = o->alloc((size_t)n), *dctx = o->alloc((size_t)nc), *out = o->alloc((size_t)n);
    o->upload(dx, x, (size_t)n);
    o->upload(dctx, ctx, (size_t)nc);
    dbg_ctx d = {c, o};
    char err[512];
    int rc = sd_unet_forward(u, dx, B, H, W, tb, dctx, (int)(nc / B / u->ctx_dim), te, ids, out,
                             with_dbg ? on_dbg : NULL, &d, err, sizeof err);
    if (ok(rc == 0, "%s forward", id)) {
        float *h = malloc((size_t)n * sizeof(float));
        o->download(h, out, (size_t)n);
        gold_check(c, "out", h, n);
        free(h);
    } else {
        diag("%s", err);
    }
    o->free(dx), o->free(dctx), o->free(out);
done:
    free(x), free(t), free(ctx), free(te), free(ids);
}

static void run_model(const char *model, int sdxl)
{
    char dir[4200], err[512], id[128];
    snprintf(dir, sizeof dir, "%s/%s/unet", gold_root(), model);
    sd_unet u;
    if (!ok(sd_unet_load(&u, sd_ops_cpu(), dir, NULL, err, sizeof err) == 0, "load %s unet", model)) {
        diag("%s", err);
        return;
    }
    const char *cases[] = {"t999", "t1", "t499_5", "tvec", "t999_mixed_ids"};
    for (int i = 0; i < (sdxl ? 5 : 4); i++) {
        snprintf(id, sizeof id, "%s/unet/%s", model, cases[i]);
        run_case(&u, id, i == 0);
    }
    sd_unet_free(&u);
}

int main(void)
{
    gold_init();
    sd_cpu_set_threads(2);
    run_model("sd-tiny", 0);
    run_model("sd2-tiny", 0);
    run_model("sdxl-tiny", 1);
    gold_done();
    return done_testing();
}
