/* sd_vae.c — see sd_vae.h. */
#include "sd_vae.h"
#include "sd_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sd_vae_factor(const sd_vae *v) { return 1 << (v->levels - 1); }

static void load_mid(sd_vae *v, sd_vae_half *hf, int C, const char *side)
{
    char p[256];
    snprintf(p, sizeof p, "%s.mid_block.resnets.0", side);
    sd_resnet_load(&v->w, &hf->mid_res[0], C, C, 0, v->groups, 1e-6f, p);
    if (v->mid_attn) {
        snprintf(p, sizeof p, "%s.mid_block.attentions.0", side);
        sd_vattn_load(&v->w, &hf->mid_attn, C, v->groups, p);
    }
    snprintf(p, sizeof p, "%s.mid_block.resnets.1", side);
    sd_resnet_load(&v->w, &hf->mid_res[1], C, C, 0, v->groups, 1e-6f, p);
}

static int load(sd_vae *v, const sd_ops *ops, const char *dir, const char *variant, uint64_t seed, char *err,
                size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->ops = ops;
    char path[4096], p[256];
    snprintf(path, sizeof path, "%s/config.json", dir);
    cJSON *c = sd_json_load(path, err, errlen);
    if (!c) return -1;
    int rc = -1, boc[SD_VAE_MAX_LEVELS];
    v->levels = sd_json_list_len(c, "block_out_channels");
    v->layers = (int)sd_json_num(c, "layers_per_block", 2);
    v->groups = (int)sd_json_num(c, "norm_num_groups", 32);
    v->in_ch = (int)sd_json_num(c, "in_channels", 3);
    v->out_ch = (int)sd_json_num(c, "out_channels", 3);
    v->latent = (int)sd_json_num(c, "latent_channels", 4);
    v->scaling = (float)sd_json_num(c, "scaling_factor", 0.18215);
    v->shift = (float)sd_json_num(c, "shift_factor", 0.0);
    v->mid_attn = sd_json_bool(c, "mid_block_add_attention", 1);
    v->quant = sd_json_bool(c, "use_quant_conv", 1);
    v->post_quant = sd_json_bool(c, "use_post_quant_conv", 1);
    const char *act = sd_json_str(c, "act_fn");
    if (v->levels < 1 || v->levels > SD_VAE_MAX_LEVELS || sd_json_ints(c, "block_out_channels", v->levels, boc) ||
        v->layers < 1 || v->layers > 3 || v->groups < 1 || v->latent < 1 || v->in_ch < 1 || v->out_ch < 1) {
        snprintf(err, errlen, "%s: bad block_out_channels / layers_per_block / norm_num_groups / channels", path);
        goto out;
    }
    if (act && strcmp(act, "silu") != 0) {
        snprintf(err, errlen, "%s: unsupported act_fn \"%s\"", path, act);
        goto out;
    }
    if (!sd_json_is_null(c, "latents_mean") || !sd_json_is_null(c, "latents_std")) {
        snprintf(err, errlen, "%s: latents_mean/latents_std are not supported", path);
        goto out;
    }
    for (int i = 0; i < v->levels; i++) {
        const cJSON *dt = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "down_block_types"), i);
        const cJSON *ut = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "up_block_types"), i);
        if ((dt && !(cJSON_IsString(dt) && strcmp(dt->valuestring, "DownEncoderBlock2D") == 0)) ||
            (ut && !(cJSON_IsString(ut) && strcmp(ut->valuestring, "UpDecoderBlock2D") == 0))) {
            snprintf(err, errlen, "%s: unsupported VAE block type at level %d", path, i);
            goto out;
        }
        if (boc[i] < 1 || boc[i] % v->groups) {
            snprintf(err, errlen, "%s: %d channels do not split into %d groups", path, boc[i], v->groups);
            goto out;
        }
    }
    sd_weights *w = &v->w;
    if (seed) sd_weights_init_random(w, seed);
    else if (sd_weights_open(w, dir, "diffusion_pytorch_model", variant, err, errlen) != 0) goto out;
    w->place = ops->weight;
    /* encoder */
    sd_conv_load(w, &v->enc.conv_in, v->in_ch, boc[0], 3, "encoder.conv_in");
    int ch = boc[0];
    for (int i = 0; i < v->levels; i++) {
        sd_vblock *b = &v->enc.blocks[i];
        b->nres = v->layers, b->cout = boc[i];
        for (int j = 0; j < b->nres; j++) {
            snprintf(p, sizeof p, "encoder.down_blocks.%d.resnets.%d", i, j);
            sd_resnet_load(w, &b->res[j], ch, boc[i], 0, v->groups, 1e-6f, p);
            ch = boc[i];
        }
        if (i < v->levels - 1) {
            b->has_sample = 1;
            snprintf(p, sizeof p, "encoder.down_blocks.%d.downsamplers.0.conv", i);
            sd_conv_load(w, &b->sample, ch, ch, 3, p);
        }
    }
    load_mid(v, &v->enc, ch, "encoder");
    v->enc.nog = sd_w(w, ch, 0, 0, 0, "encoder.conv_norm_out.weight");
    v->enc.nob = sd_w(w, ch, 0, 0, 0, "encoder.conv_norm_out.bias");
    sd_conv_load(w, &v->enc.conv_out, ch, 2 * v->latent, 3, "encoder.conv_out");
    if (v->quant) sd_conv_load(w, &v->quant_conv, 2 * v->latent, 2 * v->latent, 1, "quant_conv");
    /* decoder */
    if (v->post_quant) sd_conv_load(w, &v->post_quant_conv, v->latent, v->latent, 1, "post_quant_conv");
    ch = boc[v->levels - 1];
    sd_conv_load(w, &v->dec.conv_in, v->latent, ch, 3, "decoder.conv_in");
    load_mid(v, &v->dec, ch, "decoder");
    for (int i = 0; i < v->levels; i++) {
        sd_vblock *b = &v->dec.blocks[i];
        b->nres = v->layers + 1, b->cout = boc[v->levels - 1 - i];
        for (int j = 0; j < b->nres; j++) {
            snprintf(p, sizeof p, "decoder.up_blocks.%d.resnets.%d", i, j);
            sd_resnet_load(w, &b->res[j], ch, b->cout, 0, v->groups, 1e-6f, p);
            ch = b->cout;
        }
        if (i < v->levels - 1) {
            b->has_sample = 1;
            snprintf(p, sizeof p, "decoder.up_blocks.%d.upsamplers.0.conv", i);
            sd_conv_load(w, &b->sample, ch, ch, 3, p);
        }
    }
    v->dec.nog = sd_w(w, ch, 0, 0, 0, "decoder.conv_norm_out.weight");
    v->dec.nob = sd_w(w, ch, 0, 0, 0, "decoder.conv_norm_out.bias");
    sd_conv_load(w, &v->dec.conv_out, ch, v->out_ch, 3, "decoder.conv_out");
    if (w->failed) {
        snprintf(err, errlen, "%s: %s", dir, w->err);
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(c);
    if (rc) sd_vae_free(v);
    return rc;
}

int sd_vae_load(sd_vae *v, const sd_ops *ops, const char *dir, const char *variant, char *err, size_t errlen)
{
    return load(v, ops, dir, variant, 0, err, errlen);
}

int sd_vae_load_random(sd_vae *v, const sd_ops *ops, const char *dir, uint64_t seed, char *err, size_t errlen)
{
    return load(v, ops, dir, NULL, seed ? seed : 1, err, errlen);
}

void sd_vae_free(sd_vae *v)
{
    sd_weights_close(&v->w);
    memset(v, 0, sizeof *v);
}

#define DBG(name, p, n) do { if (dbg) dbg(dbg_ctx, name, p, n); } while (0)

static float *mid_fwd(const sd_vae *v, const sd_vae_half *hf, float *x, int B, int h, int w)
{
    const sd_ops *o = v->ops;
    float *a = sd_resnet_fwd(o, &hf->mid_res[0], x, B, h, w, NULL, 0);
    o->free(x);
    if (v->mid_attn) {
        float *b = sd_vattn_fwd(o, &hf->mid_attn, a, B, h, w);
        o->free(a);
        a = b;
    }
    float *c = sd_resnet_fwd(o, &hf->mid_res[1], a, B, h, w, NULL, 0);
    o->free(a);
    return c;
}

int sd_vae_encode(const sd_vae *v, const float *x, int B, int H, int W, float *moments, sd_vae_dbg dbg,
                  void *dbg_ctx, char *err, size_t errlen)
{
    const sd_ops *o = v->ops;
    int f = sd_vae_factor(v);
    if (H <= 0 || W <= 0 || H % f || W % f) {
        snprintf(err, errlen, "image size %dx%d is not a multiple of %d", W, H, f);
        return -1;
    }
    int h = H, w = W, ch = v->enc.conv_in.cout;
    float *cur = o->alloc((size_t)B * ch * h * w);
    sd_conv_fwd(o, &v->enc.conv_in, x, B, H, W, 1, 1, H, W, cur);
    char name[96];
    for (int i = 0; i < v->levels; i++) {
        const sd_vblock *b = &v->enc.blocks[i];
        for (int j = 0; j < b->nres; j++) {
            float *n = sd_resnet_fwd(o, &b->res[j], cur, B, h, w, NULL, 0);
            o->free(cur);
            cur = n, ch = b->cout;
        }
        if (b->has_sample) { /* pad right/bottom by one, 3x3 stride 2, no other padding */
            int h2 = h / 2, w2 = w / 2;
            float *n = o->alloc((size_t)B * ch * h2 * w2);
            o->conv2d(cur, B, ch, h, w, b->sample.w, b->sample.b, ch, 3, 2, 0, 0, h2, w2, n);
            o->free(cur);
            cur = n, h = h2, w = w2;
        }
        snprintf(name, sizeof name, "encoder.down_blocks.%d", i);
        DBG(name, cur, (size_t)B * ch * h * w);
    }
    cur = mid_fwd(v, &v->enc, cur, B, h, w);
    DBG("encoder.mid_block", cur, (size_t)B * ch * h * w);
    o->group_norm(cur, B, ch, h * w, v->groups, 1e-6f, v->enc.nog, v->enc.nob, 0, cur);
    DBG("encoder.conv_norm_out", cur, (size_t)B * ch * h * w);
    o->act(cur, (size_t)B * ch * h * w, SD_ACT_SILU);
    int L2 = 2 * v->latent;
    float *mo = v->quant ? o->alloc((size_t)B * L2 * h * w) : moments;
    sd_conv_fwd(o, &v->enc.conv_out, cur, B, h, w, 1, 1, h, w, mo);
    DBG("encoder.conv_out", mo, (size_t)B * L2 * h * w);
    if (v->quant) {
        sd_conv_fwd(o, &v->quant_conv, mo, B, h, w, 1, 0, h, w, moments);
        o->free(mo);
    }
    o->free(cur);
    return 0;
}

int sd_vae_decode(const sd_vae *v, const float *z, int B, int h, int w, float *out, sd_vae_dbg dbg,
                  void *dbg_ctx, char *err, size_t errlen)
{
    const sd_ops *o = v->ops;
    if (h <= 0 || w <= 0 || (long)h * w > (1l << 24)) {
        snprintf(err, errlen, "bad latent size %dx%d", w, h);
        return -1;
    }
    float *zz = o->alloc((size_t)B * v->latent * h * w);
    if (v->post_quant) sd_conv_fwd(o, &v->post_quant_conv, z, B, h, w, 1, 0, h, w, zz);
    else o->copy(zz, z, (size_t)B * v->latent * h * w);
    DBG("post_quant_conv", zz, (size_t)B * v->latent * h * w);
    int ch = v->dec.conv_in.cout;
    float *cur = o->alloc((size_t)B * ch * h * w);
    sd_conv_fwd(o, &v->dec.conv_in, zz, B, h, w, 1, 1, h, w, cur);
    o->free(zz);
    DBG("decoder.conv_in", cur, (size_t)B * ch * h * w);
    cur = mid_fwd(v, &v->dec, cur, B, h, w);
    DBG("decoder.mid_block", cur, (size_t)B * ch * h * w);
    char name[96];
    for (int i = 0; i < v->levels; i++) {
        const sd_vblock *b = &v->dec.blocks[i];
        for (int j = 0; j < b->nres; j++) {
            float *n = sd_resnet_fwd(o, &b->res[j], cur, B, h, w, NULL, 0);
            o->free(cur);
            cur = n, ch = b->cout;
        }
        if (b->has_sample) {
            float *up = o->alloc((size_t)B * ch * h * w * 4);
            o->upsample2x(cur, B, ch, h, w, up);
            o->free(cur);
            h *= 2, w *= 2;
            cur = o->alloc((size_t)B * ch * h * w);
            sd_conv_fwd(o, &b->sample, up, B, h, w, 1, 1, h, w, cur);
            o->free(up);
        }
        snprintf(name, sizeof name, "decoder.up_blocks.%d", i);
        DBG(name, cur, (size_t)B * ch * h * w);
    }
    o->group_norm(cur, B, ch, h * w, v->groups, 1e-6f, v->dec.nog, v->dec.nob, 1, cur);
    sd_conv_fwd(o, &v->dec.conv_out, cur, B, h, w, 1, 1, h, w, out);
    o->free(cur);
    return 0;
}

void sd_vae_posterior(const sd_vae *v, const float *moments, int B, int hw, const float *eps,
                      float *latents, float *mean, float *logvar, float *std)
{
    int L = v->latent;
    for (int b = 0; b < B; b++)
        for (int c = 0; c < L; c++)
            for (int i = 0; i < hw; i++) {
                size_t k = ((size_t)b * L + c) * hw + i;
                float m = moments[((size_t)b * 2 * L + c) * hw + i];
                float lv = moments[((size_t)b * 2 * L + L + c) * hw + i];
                lv = lv < -30.0f ? -30.0f : lv > 20.0f ? 20.0f : lv;
                float s = expf(0.5f * lv);
                if (mean) mean[k] = m;
                if (logvar) logvar[k] = lv;
                if (std) std[k] = s;
                if (latents) latents[k] = v->scaling * (m + s * eps[k] - v->shift);
            }
}
