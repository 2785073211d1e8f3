/* sd_pipe.c — see sd_pipe.h. */
#include "sd_pipe.h"
#include "sd_json.h"
#include "sd_rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* model_index.json lists a component as [library, class], or [null, null] when absent */
static int component(const cJSON *idx, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(idx, name);
    return cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2 && cJSON_IsString(cJSON_GetArrayItem(v, 1));
}

int sd_model_load(sd_model *m, const sd_ops *ops, const char *dir, const sd_load_opts *opt, char *err,
                  size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->ops = ops;
    const char *variant = opt ? opt->variant : NULL;
    char path[4096], sub[4096];
    snprintf(path, sizeof path, "%s/model_index.json", dir);
    cJSON *idx = sd_json_load(path, err, errlen);
    if (!idx) return -1;
    int rc = -1;
    const char *pc = sd_json_str(idx, "_class_name");
    if (pc && (strcmp(pc, "StableDiffusionXLPipeline") == 0 || strcmp(pc, "StableDiffusionXLImg2ImgPipeline") == 0))
        m->xl = 1;
    else if (!pc || (strcmp(pc, "StableDiffusionPipeline") != 0 && strcmp(pc, "StableDiffusionImg2ImgPipeline") != 0)) {
        snprintf(err, errlen, "%s: unsupported pipeline class \"%s\"", path, pc ? pc : "(none)");
        goto out;
    }
    m->force_zeros = m->xl && sd_json_bool(idx, "force_zeros_for_empty_prompt", 1);
    const char *need[] = {"unet", "vae", "scheduler", "text_encoder", "tokenizer", "text_encoder_2", "tokenizer_2"};
    for (int i = 0; i < (m->xl ? 7 : 5); i++)
        if (!component(idx, need[i])) {
            snprintf(err, errlen, "%s: component \"%s\" is missing or null (needed by %s pipelines)", path, need[i],
                     m->xl ? "SDXL" : "SD");
            goto out;
        }
    char nb[4096];
    snprintf(nb, sizeof nb, "%s", dir);
    for (size_t l = strlen(nb); l > 1 && nb[l - 1] == '/'; l--) nb[l - 1] = 0;
    const char *base = strrchr(nb, '/');
    snprintf(m->name, sizeof m->name, "%.255s", base ? base + 1 : nb);
    m->nte = m->xl ? 2 : 1;
    for (int i = 0; i < m->nte; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, i ? "tokenizer_2" : "tokenizer");
        if (sd_tok_load(&m->tok[i], sub, err, errlen) != 0) goto out;
        snprintf(sub, sizeof sub, "%s/%s", dir, i ? "text_encoder_2" : "text_encoder");
        if (sd_clip_load(&m->te[i], ops, sub, variant, err, errlen) != 0) goto out;
    }
    snprintf(sub, sizeof sub, "%s/unet", dir);
    if (sd_unet_load(&m->unet, ops, sub, variant, err, errlen) != 0) goto out;
    snprintf(sub, sizeof sub, "%s/vae", dir);
    if (sd_vae_load(&m->vae, ops, sub, variant, err, errlen) != 0) goto out;
    snprintf(sub, sizeof sub, "%s/scheduler/scheduler_config.json", dir);
    if (sd_sched_cfg_load(&m->sched, sub, opt ? opt->scheduler : NULL, err, errlen) != 0) goto out;
    /* the components must fit together */
    int ctx = m->te[0].dim + (m->xl ? m->te[1].dim : 0);
    if (m->unet.ctx_dim != ctx) {
        snprintf(err, errlen, "%s: unet cross_attention_dim %d does not match the text encoder width %d", dir,
                 m->unet.ctx_dim, ctx);
        goto out;
    }
    if (m->xl != m->unet.text_time ||
        (m->xl && m->unet.add_in_dim - 6 * m->unet.add_time_dim != m->te[1].proj_dim)) {
        snprintf(err, errlen, "%s: unet added conditioning does not match the pipeline / text_encoder_2 projection", dir);
        goto out;
    }
    if (m->unet.in_ch != m->vae.latent || m->unet.out_ch != m->vae.latent || m->vae.out_ch != 3 || m->vae.in_ch != 3) {
        snprintf(err, errlen, "%s: unet channels (%d in, %d out) do not match the VAE's %d latent channels / RGB", dir,
                 m->unet.in_ch, m->unet.out_ch, m->vae.latent);
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(idx);
    if (rc) sd_model_free(m);
    return rc;
}

void sd_model_free(sd_model *m)
{
    for (int i = 0; i < 2; i++) {
        sd_tok_free(&m->tok[i]);
        sd_clip_free(&m->te[i]);
    }
    sd_unet_free(&m->unet);
    sd_vae_free(&m->vae);
    if (m->ops == sd_ops_cpu()) sd_cpu_trim();
    memset(m, 0, sizeof *m);
}

int sd_model_size_multiple(const sd_model *m)
{
    return sd_vae_factor(&m->vae) * (1 << (m->unet.levels - 1));
}

/* Text conditioning for a batch of prompts (host): ctx [B, 77, ctx_dim], pooled [B, P] (SDXL).
 * zero[b]: that row is all zeros (SDXL's empty negative). */
static int encode(const sd_model *m, const char **prompts, const int *zero, int B, float *ctx, float *pooled,
                  char *err, size_t errlen)
{
    int T = SD_TOK_LEN, D0 = m->te[0].dim, CD = m->unet.ctx_dim;
    int *ids = malloc(sizeof(int) * T * B);
    int rc = 0;
    for (int e = 0; e < m->nte && rc == 0; e++) {
        const sd_clip *c = &m->te[e];
        for (int b = 0; b < B; b++) sd_tok_encode77(&m->tok[e], prompts[b] ? prompts[b] : "", ids + b * T);
        size_t MD = (size_t)B * T * c->dim;
        float *h = malloc(MD * sizeof(float));
        sd_clip_out o = {0};
        if (m->xl) o.penultimate = h, o.text_embeds = e == 1 ? pooled : NULL;
        else o.last = h;
        rc = sd_clip_encode(c, ids, B, &o, err, errlen);
        int off = e == 0 ? 0 : D0;
        for (int r = 0; r < B * T && rc == 0; r++)
            memcpy(ctx + (size_t)r * CD + off, h + (size_t)r * c->dim, sizeof(float) * c->dim);
        free(h);
    }
    for (int b = 0; b < B && rc == 0; b++)
        if (zero[b]) {
            memset(ctx + (size_t)b * T * CD, 0, sizeof(float) * T * CD);
            if (pooled) memset(pooled + (size_t)b * m->te[1].proj_dim, 0, sizeof(float) * m->te[1].proj_dim);
        }
    free(ids);
    return rc;
}

static int draw(const sd_gen *g, int d, float *out, size_t n)
{
    if (g->noise) return g->noise(g->noise_ctx, d, out, n);
    sd_rng r;
    sd_rng_seed(&r, g->seed + (uint64_t)d);
    sd_rng_normal(&r, out, n);
    return 0;
}

int sd_generate(const sd_model *m, const sd_gen *g, char *err, size_t errlen)
{
    const sd_ops *o = m->ops;
    int mult = sd_model_size_multiple(m), f = sd_vae_factor(&m->vae);
    if (g->width <= 0 || g->height <= 0 || g->width % mult || g->height % mult || g->width > 2048 ||
        g->height > 2048) {
        snprintf(err, errlen, "size %dx%d: width and height must be multiples of %d, at most 2048", g->width,
                 g->height, mult);
        return -1;
    }
    if (g->init_rgb && !(g->strength > 0 && g->strength <= 1)) {
        snprintf(err, errlen, "strength %g outside (0, 1]", g->strength);
        return -1;
    }
    sd_sched s;
    if (sd_sched_init(&s, &m->sched, err, errlen) != 0) return -1;
    if (sd_sched_set_timesteps(&s, g->steps, err, errlen) != 0) {
        sd_sched_free(&s);
        return -1;
    }
    int start = g->init_rgb ? sd_sched_img2img_start(&s, g->strength) : 0;
    if (start >= s.ncalls) {
        snprintf(err, errlen, "strength %g with %d steps leaves no step to run", g->strength, g->steps);
        sd_sched_free(&s);
        return -1;
    }
    int cfg = g->guidance > 1.0, B = cfg ? 2 : 1, H = g->height, W = g->width, h = H / f, w = W / f;
    int L = m->vae.latent, T = SD_TOK_LEN, CD = m->unet.ctx_dim, P = m->xl ? m->te[1].proj_dim : 0;
    size_t n = (size_t)L * h * w;
    float *ctx = malloc(sizeof(float) * B * T * CD), *pooled = m->xl ? malloc(sizeof(float) * B * P) : NULL;
    float *x = malloc(sizeof(float) * n), *xin = malloc(sizeof(float) * n * B), *e = malloc(sizeof(float) * n * B);
    float *noise = malloc(sizeof(float) * n);
    float *dctx = o->alloc((size_t)B * T * CD), *dx = o->alloc(n * B), *de = o->alloc(n * B);
    float ids[12], tb[2];
    int rc = -1, di = 0;
    if (!ctx || !x || !xin || !e || !noise || !dctx || !dx || !de) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* 1. text: [negative; positive] */
    const char *prompts[2] = {g->negative ? g->negative : "", g->prompt ? g->prompt : ""};
    int zero[2] = {m->force_zeros && !g->negative, 0};
    if (encode(m, cfg ? prompts : prompts + 1, cfg ? zero : zero + 1, B, ctx, pooled, err, errlen) != 0) goto out;
    o->upload(dctx, ctx, (size_t)B * T * CD);
    for (int b = 0; b < B; b++) {
        float v[6] = {(float)H, (float)W, 0, 0, (float)H, (float)W};
        memcpy(ids + 6 * b, v, sizeof v);
    }
    /* 2. initial latents */
    if (!g->init_rgb) {
        if (draw(g, di++, x, n) != 0) goto noise_fail;
        for (size_t i = 0; i < n; i++) x[i] = x[i] * s.init_sigma;
    } else {
        size_t ni = (size_t)3 * H * W, nm = (size_t)2 * L * h * w;
        float *img = malloc(sizeof(float) * ni), *mom = malloc(sizeof(float) * nm), *z = malloc(sizeof(float) * n);
        float *dimg = o->alloc(ni), *dm = o->alloc(nm);
        for (int c = 0; c < 3; c++)
            for (int yy = 0; yy < H; yy++)
                for (int xx = 0; xx < W; xx++) {
                    float v = (float)g->init_rgb[(size_t)yy * g->init_stride + (size_t)xx * 3 + c] / 255.0f;
                    img[((size_t)c * H + yy) * W + xx] = 2.0f * v - 1.0f;
                }
        o->upload(dimg, img, ni);
        int r = sd_vae_encode(&m->vae, dimg, 1, H, W, dm, NULL, NULL, err, errlen);
        if (r == 0) {
            o->download(mom, dm, nm);
            r = draw(g, di++, noise, n);
            if (r == 0) {
                sd_vae_posterior(&m->vae, mom, 1, h * w, noise, z, NULL, NULL, NULL);
                r = draw(g, di++, noise, n);
                if (r == 0) sd_sched_add_noise(&s, start, z, noise, x, n);
            }
            if (r) snprintf(err, errlen, "noise source failed");
        }
        free(img), free(mom), free(z);
        o->free(dimg), o->free(dm);
        if (r) goto out;
    }
    /* 3. denoising loop */
    for (int k = start; k < s.ncalls; k++) {
        for (int b = 0; b < B; b++) sd_sched_scale_input(&s, k, x, xin + n * b, n);
        o->upload(dx, xin, n * B);
        tb[0] = tb[1] = s.ts[k];
        if (sd_unet_forward(&m->unet, dx, B, h, w, tb, dctx, T, pooled, m->xl ? ids : NULL, de, NULL, NULL, err,
                            errlen) != 0)
            goto out;
        o->download(e, de, n * B);
        if (g->on_unet) g->on_unet(g->hook_ctx, k - start, s.ts[k], xin, e, n * B);
        if (cfg) {
            float gs = (float)g->guidance;
            for (size_t i = 0; i < n; i++) e[i] = e[i] + gs * (e[n + i] - e[i]);
        }
        if (sd_sched_needs_noise(&s) && draw(g, di++, noise, n) != 0) goto noise_fail;
        sd_sched_step(&s, k, e, x, n, sd_sched_needs_noise(&s) ? noise : NULL);
        if (g->on_step) g->on_step(g->hook_ctx, k - start, x, n);
        if (g->progress && g->progress(g->progress_ctx, k - start + 1, s.ncalls - start)) {
            rc = 1;
            snprintf(err, errlen, "cancelled");
            goto out;
        }
    }
    if (g->latents_out) memcpy(g->latents_out, x, sizeof(float) * n);
    /* 4. decode */
    if (g->rgb_out || g->image01_out) {
        size_t no = (size_t)3 * H * W;
        float *img = malloc(sizeof(float) * no), *dimg = o->alloc(no);
        for (size_t i = 0; i < n; i++) x[i] = x[i] / m->vae.scaling + m->vae.shift;
        o->upload(dx, x, n);
        int r = sd_vae_decode(&m->vae, dx, 1, h, w, dimg, NULL, NULL, err, errlen);
        if (r == 0) {
            o->download(img, dimg, no);
            for (int yy = 0; yy < H; yy++)
                for (int xx = 0; xx < W; xx++)
                    for (int c = 0; c < 3; c++) {
                        float v = img[((size_t)c * H + yy) * W + xx] / 2.0f + 0.5f;
                        v = v < 0 ? 0 : v > 1 ? 1 : v;
                        if (g->image01_out) g->image01_out[((size_t)yy * W + xx) * 3 + c] = v;
                        if (g->rgb_out)
                            g->rgb_out[(size_t)yy * g->out_stride + (size_t)xx * 3 + c] = (uint8_t)nearbyintf(v * 255.0f);
                    }
        }
        free(img);
        o->free(dimg);
        if (r) goto out;
    }
    rc = 0;
    goto out;
noise_fail:
    snprintf(err, errlen, "noise source failed");
out:
    free(ctx), free(pooled), free(x), free(xin), free(e), free(noise);
    o->free(dctx), o->free(dx), o->free(de);
    sd_sched_free(&s);
    return rc;
}
