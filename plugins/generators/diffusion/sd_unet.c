/* sd_unet.c — see sd_unet.h; op order of spec 2.6. */
#include "sd_unet.h"
#include "sd_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sd_timestep_embedding(const float *t, int n, int dim, int flip, float shift, float *out)
{
    int half = dim / 2;
    for (int b = 0; b < n; b++) {
        float *o = out + (size_t)b * dim;
        for (int i = 0; i < half; i++) {
            float e = expf((float)-9.210340371976184 * (float)i / ((float)half - shift));
            float a = t[b] * e;
            o[flip ? half + i : i] = sinf(a);
            o[flip ? i : half + i] = cosf(a);
        }
        if (dim % 2) o[dim - 1] = 0.0f;
    }
}

static int str_is(const char *s, const char *want) { return s && strcmp(s, want) == 0; }

static int load(sd_unet *u, const sd_ops *ops, const char *dir, const char *variant, uint64_t seed, char *err,
                 size_t errlen)
{
    memset(u, 0, sizeof *u);
    u->ops = ops;
    char path[4096], p[512];
    snprintf(path, sizeof path, "%s/config.json", dir);
    cJSON *c = sd_json_load(path, err, errlen);
    if (!c) return -1;
    int rc = -1;
    int boc[SD_UNET_MAX_LEVELS], heads[SD_UNET_MAX_LEVELS], tl[SD_UNET_MAX_LEVELS], rtl[SD_UNET_MAX_LEVELS];
    u->levels = sd_json_list_len(c, "block_out_channels");
    if (u->levels < 1 || u->levels > SD_UNET_MAX_LEVELS || sd_json_ints(c, "block_out_channels", u->levels, boc)) {
        snprintf(err, errlen, "%s: bad block_out_channels", path);
        goto out;
    }
    /* unsupported variations: say which key */
    struct { const char *key, *want; } strs[] = {
        {"act_fn", "silu"}, {"time_embedding_type", "positional"}, {"resnet_time_scale_shift", "default"},
        {"mid_block_type", "UNetMidBlock2DCrossAttn"}, {"attention_type", "default"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const char *v = sd_json_str(c, strs[i].key);
        if (v && !str_is(v, strs[i].want)) {
            snprintf(err, errlen, "%s: unsupported %s \"%s\" (supported: %s)", path, strs[i].key, v, strs[i].want);
            goto out;
        }
    }
    const char *nulls[] = {"class_embed_type", "encoder_hid_dim", "time_cond_proj_dim", "num_class_embeds",
                           "time_embedding_act_fn", "timestep_post_act", "time_embedding_dim"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (!sd_json_is_null(c, nulls[i])) {
            snprintf(err, errlen, "%s: unsupported %s (must be null)", path, nulls[i]);
            goto out;
        }
    if (sd_json_bool(c, "dual_cross_attention", 0) || sd_json_bool(c, "only_cross_attention", 0) ||
        sd_json_bool(c, "center_input_sample", 0) || sd_json_num(c, "conv_in_kernel", 3) != 3 ||
        sd_json_num(c, "conv_out_kernel", 3) != 3 || sd_json_num(c, "mid_block_scale_factor", 1) != 1 ||
        sd_json_num(c, "resnet_out_scale_factor", 1) != 1 || sd_json_num(c, "downsample_padding", 1) != 1) {
        snprintf(err, errlen, "%s: unsupported UNet option (dual/only cross attention, centre input, "
                 "kernel, scale factors or downsample_padding)", path);
        goto out;
    }
    const char *add = sd_json_str(c, "addition_embed_type");
    if (add && !str_is(add, "text_time")) {
        snprintf(err, errlen, "%s: unsupported addition_embed_type \"%s\"", path, add);
        goto out;
    }
    u->text_time = add != NULL;
    u->in_ch = (int)sd_json_num(c, "in_channels", 4);
    u->out_ch = (int)sd_json_num(c, "out_channels", 4);
    u->layers = (int)sd_json_num(c, "layers_per_block", 2);
    u->groups = (int)sd_json_num(c, "norm_num_groups", 32);
    u->eps = (float)sd_json_num(c, "norm_eps", 1e-5);
    u->ctx_dim = (int)sd_json_num(c, "cross_attention_dim", 0);
    u->flip = sd_json_bool(c, "flip_sin_to_cos", 1);
    u->shift = (int)sd_json_num(c, "freq_shift", 0);
    u->sample_size = (int)sd_json_num(c, "sample_size", 64);
    int linear = sd_json_bool(c, "use_linear_projection", 0);
    /* the attention_head_dim naming trap (spec 2.2): it is the head COUNT */
    const char *hk = sd_json_is_null(c, "num_attention_heads") ? "attention_head_dim" : "num_attention_heads";
    int hr = sd_json_ints(c, hk, u->levels, heads), tr = sd_json_ints(c, "transformer_layers_per_block", u->levels, tl);
    if (hr == -1) for (int i = 0; i < u->levels; i++) heads[i] = 8;
    if (tr == -1) for (int i = 0; i < u->levels; i++) tl[i] = 1;
    int rr = sd_json_ints(c, "reverse_transformer_layers_per_block", u->levels, rtl);
    if (rr == -1) for (int i = 0; i < u->levels; i++) rtl[i] = tl[u->levels - 1 - i];
    if (hr == -2 || tr == -2 || rr == -2 || u->in_ch < 1 || u->out_ch < 1 || u->layers < 1 || u->layers > 3 ||
        u->groups < 1 || u->ctx_dim < 1 || sd_json_list_len(c, "down_block_types") != u->levels ||
        sd_json_list_len(c, "up_block_types") != u->levels) {
        snprintf(err, errlen, "%s: inconsistent UNet config (heads, transformer layers, block types, "
                 "layers_per_block, norm_num_groups or cross_attention_dim)", path);
        goto out;
    }
    for (int i = 0; i < u->levels; i++)
        if (boc[i] < 1 || boc[i] % u->groups || heads[i] < 1 || boc[i] % heads[i] || tl[i] < 1 || rtl[i] < 1) {
            snprintf(err, errlen, "%s: level %d: %d channels do not split into %d groups / %d heads", path, i,
                     boc[i], u->groups, heads[i]);
            goto out;
        }
    u->tproj_dim = boc[0];
    u->time_dim = 4 * boc[0];
    sd_weights *w = &u->w;
    if (seed) sd_weights_init_random(w, seed);
    else if (sd_weights_open(w, dir, "diffusion_pytorch_model", variant, err, errlen) != 0) goto out;
    w->place = ops->weight;
    sd_conv_load(w, &u->conv_in, u->in_ch, boc[0], 3, "conv_in");
    u->t1w = sd_w(w, u->time_dim, u->tproj_dim, 0, 0, "time_embedding.linear_1.weight");
    u->t1b = sd_w(w, u->time_dim, 0, 0, 0, "time_embedding.linear_1.bias");
    u->t2w = sd_w(w, u->time_dim, u->time_dim, 0, 0, "time_embedding.linear_2.weight");
    u->t2b = sd_w(w, u->time_dim, 0, 0, 0, "time_embedding.linear_2.bias");
    if (u->text_time) {
        u->add_time_dim = (int)sd_json_num(c, "addition_time_embed_dim", 0);
        u->add_in_dim = (int)sd_json_num(c, "projection_class_embeddings_input_dim", 0);
        if (u->add_time_dim < 1 || u->add_in_dim <= 6 * u->add_time_dim) {
            snprintf(err, errlen, "%s: text_time needs addition_time_embed_dim and "
                     "projection_class_embeddings_input_dim > 6 x that", path);
            goto out;
        }
        u->a1w = sd_w(w, u->time_dim, u->add_in_dim, 0, 0, "add_embedding.linear_1.weight");
        u->a1b = sd_w(w, u->time_dim, 0, 0, 0, "add_embedding.linear_1.bias");
        u->a2w = sd_w(w, u->time_dim, u->time_dim, 0, 0, "add_embedding.linear_2.weight");
        u->a2b = sd_w(w, u->time_dim, 0, 0, 0, "add_embedding.linear_2.bias");
    }
    /* down path; simulate the skip stack to know each up resnet's input width */
    int stack[64], sp = 0, ch = boc[0];
    stack[sp++] = ch;
    for (int i = 0; i < u->levels; i++) {
        sd_ublock *b = &u->down[i];
        const char *type = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "down_block_types"), i)->valuestring;
        if (str_is(type, "CrossAttnDownBlock2D")) b->cross = 1;
        else if (!str_is(type, "DownBlock2D")) {
            snprintf(err, errlen, "%s: unsupported down block type \"%s\"", path, type ? type : "?");
            goto out;
        }
        b->cout = boc[i];
        b->nres = u->layers;
        for (int j = 0; j < u->layers; j++) {
            snprintf(p, sizeof p, "down_blocks.%d.resnets.%d", i, j);
            sd_resnet_load(w, &b->res[j], ch, boc[i], u->time_dim, u->groups, u->eps, p);
            ch = boc[i];
            if (b->cross) {
                snprintf(p, sizeof p, "down_blocks.%d.attentions.%d", i, j);
                sd_xformer_load(w, &b->attn[j], ch, heads[i], tl[i], u->ctx_dim, linear, u->groups, p);
            }
            stack[sp++] = ch;
        }
        if (i < u->levels - 1) {
            b->has_sample = 1;
            snprintf(p, sizeof p, "down_blocks.%d.downsamplers.0.conv", i);
            sd_conv_load(w, &b->sample, ch, ch, 3, p);
            stack[sp++] = ch;
        }
    }
    sd_resnet_load(w, &u->mid_res[0], ch, ch, u->time_dim, u->groups, u->eps, "mid_block.resnets.0");
    sd_xformer_load(w, &u->mid_attn, ch, heads[u->levels - 1], tl[u->levels - 1], u->ctx_dim, linear, u->groups,
                    "mid_block.attentions.0");
    sd_resnet_load(w, &u->mid_res[1], ch, ch, u->time_dim, u->groups, u->eps, "mid_block.resnets.1");
    for (int i = 0; i < u->levels; i++) {
        sd_ublock *b = &u->up[i];
        int lvl = u->levels - 1 - i;
        const char *type = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "up_block_types"), i)->valuestring;
        if (str_is(type, "CrossAttnUpBlock2D")) b->cross = 1;
        else if (!str_is(type, "UpBlock2D")) {
            snprintf(err, errlen, "%s: unsupported up block type \"%s\"", path, type ? type : "?");
            goto out;
        }
        b->cout = boc[lvl];
        b->nres = u->layers + 1;
        for (int j = 0; j < b->nres; j++) {
            int skip = stack[--sp];
            snprintf(p, sizeof p, "up_blocks.%d.resnets.%d", i, j);
            sd_resnet_load(w, &b->res[j], ch + skip, b->cout, u->time_dim, u->groups, u->eps, p);
            ch = b->cout;
            if (b->cross) {
                snprintf(p, sizeof p, "up_blocks.%d.attentions.%d", i, j);
                sd_xformer_load(w, &b->attn[j], ch, heads[lvl], rtl[i], u->ctx_dim, linear, u->groups, p);
            }
        }
        if (i < u->levels - 1) {
            b->has_sample = 1;
            snprintf(p, sizeof p, "up_blocks.%d.upsamplers.0.conv", i);
            sd_conv_load(w, &b->sample, ch, ch, 3, p);
        }
    }
    u->nog = sd_w(w, ch, 0, 0, 0, "conv_norm_out.weight");
    u->nob = sd_w(w, ch, 0, 0, 0, "conv_norm_out.bias");
    sd_conv_load(w, &u->conv_out, ch, u->out_ch, 3, "conv_out");
    if (w->failed) {
        snprintf(err, errlen, "%s: %s", dir, w->err);
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(c);
    if (rc) sd_unet_free(u);
    return rc;
}

int sd_unet_load(sd_unet *u, const sd_ops *ops, const char *dir, const char *variant, char *err, size_t errlen)
{
    return load(u, ops, dir, variant, 0, err, errlen);
}

int sd_unet_load_random(sd_unet *u, const sd_ops *ops, const char *dir, uint64_t seed, char *err, size_t errlen)
{
    return load(u, ops, dir, NULL, seed ? seed : 1, err, errlen);
}

void sd_unet_free(sd_unet *u)
{
    for (int i = 0; i < SD_UNET_MAX_LEVELS; i++)
        for (int j = 0; j < 4; j++) {
            sd_xformer_free(&u->down[i].attn[j]);
            sd_xformer_free(&u->up[i].attn[j]);
        }
    sd_xformer_free(&u->mid_attn);
    sd_weights_close(&u->w);
    memset(u, 0, sizeof *u);
}

#define DBG(name, p, n) do { if (dbg) dbg(dbg_ctx, name, p, n); } while (0)

int sd_unet_forward(const sd_unet *u, const float *x, int B, int H, int W, const float *t,
                    const float *ctx, int Tc, const float *text_embeds, const float *time_ids,
                    float *out, sd_unet_dbg dbg, void *dbg_ctx, char *err, size_t errlen)
{
    const sd_ops *o = u->ops;
    int f = 1 << (u->levels - 1);
    if (H <= 0 || W <= 0 || H % f || W % f) {
        snprintf(err, errlen, "latent size %dx%d is not a multiple of %d", H, W, f);
        return -1;
    }
    if (u->text_time && (!text_embeds || !time_ids)) {
        snprintf(err, errlen, "this UNet needs pooled text embeddings and time ids (SDXL)");
        return -1;
    }
    /* time embedding (host sinusoid, device MLP) */
    int TD = u->time_dim;
    float *hs = malloc(sizeof(float) * (size_t)B * (u->tproj_dim > u->add_in_dim ? u->tproj_dim : u->add_in_dim));
    sd_timestep_embedding(t, B, u->tproj_dim, u->flip, (float)u->shift, hs);
    float *tp = o->alloc((size_t)B * (u->add_in_dim > u->tproj_dim ? u->add_in_dim : u->tproj_dim));
    float *e1 = o->alloc((size_t)B * TD), *emb = o->alloc((size_t)B * TD);
    o->upload(tp, hs, (size_t)B * u->tproj_dim);
    DBG("time_proj", tp, (size_t)B * u->tproj_dim);
    o->linear(tp, B, u->tproj_dim, u->t1w, u->t1b, TD, e1);
    o->act(e1, (size_t)B * TD, SD_ACT_SILU);
    o->linear(e1, B, TD, u->t2w, u->t2b, TD, emb);
    DBG("time_embedding", emb, (size_t)B * TD);
    if (u->text_time) {
        int P = u->add_in_dim - 6 * u->add_time_dim, A = u->add_time_dim;
        float *ids = malloc(sizeof(float) * 6 * A);
        for (int b = 0; b < B; b++) {
            memcpy(hs + (size_t)b * u->add_in_dim, text_embeds + (size_t)b * P, sizeof(float) * P);
            sd_timestep_embedding(time_ids + 6 * b, 6, A, u->flip, (float)u->shift, ids);
            memcpy(hs + (size_t)b * u->add_in_dim + P, ids, sizeof(float) * 6 * A);
        }
        free(ids);
        if (dbg) { /* the time-id sinusoids alone, [B, 6 * A] */
            float *ht = malloc(sizeof(float) * B * 6 * A), *dt = o->alloc((size_t)B * 6 * A);
            for (int b = 0; b < B; b++) memcpy(ht + (size_t)b * 6 * A, hs + (size_t)b * u->add_in_dim + P, sizeof(float) * 6 * A);
            o->upload(dt, ht, (size_t)B * 6 * A);
            DBG("add_time_proj", dt, (size_t)B * 6 * A);
            free(ht);
            o->free(dt);
        }
        o->upload(tp, hs, (size_t)B * u->add_in_dim);
        float *a2 = o->alloc((size_t)B * TD);
        o->linear(tp, B, u->add_in_dim, u->a1w, u->a1b, TD, e1);
        o->act(e1, (size_t)B * TD, SD_ACT_SILU);
        o->linear(e1, B, TD, u->a2w, u->a2b, TD, a2);
        DBG("add_embedding", a2, (size_t)B * TD);
        o->add(emb, emb, a2, (size_t)B * TD);
        o->free(a2);
    }
    DBG("emb_total", emb, (size_t)B * TD);
    free(hs);
    o->free(tp);
    /* every resnet applies SiLU to emb first: do it once */
    o->copy(e1, emb, (size_t)B * TD);
    o->act(e1, (size_t)B * TD, SD_ACT_SILU);
    float *temb = e1;

    float *skip[64];
    int skc[64], skh[64], sp = 0;
    int ch = u->conv_in.cout, h = H, w = W;
    float *cur = o->alloc((size_t)B * ch * h * w);
    sd_conv_fwd(o, &u->conv_in, x, B, H, W, 1, 1, H, W, cur);
    DBG("conv_in", cur, (size_t)B * ch * h * w);
    skip[sp] = cur, skc[sp] = ch, skh[sp++] = h;
    char name[96];
    for (int i = 0; i < u->levels; i++) {
        const sd_ublock *b = &u->down[i];
        for (int j = 0; j < b->nres; j++) {
            float *n = sd_resnet_fwd(o, &b->res[j], cur, B, h, w, temb, TD);
            ch = b->cout;
            snprintf(name, sizeof name, "down_blocks.%d.resnets.%d", i, j);
            DBG(name, n, (size_t)B * ch * h * w);
            cur = n;
            if (b->cross) {
                n = sd_xformer_fwd(o, &b->attn[j], cur, B, h, w, ctx, Tc);
                o->free(cur);
                cur = n;
                snprintf(name, sizeof name, "down_blocks.%d.attentions.%d", i, j);
                DBG(name, cur, (size_t)B * ch * h * w);
            }
            skip[sp] = cur, skc[sp] = ch, skh[sp++] = h;
        }
        if (b->has_sample) {
            int h2 = (h + 1) / 2, w2 = (w + 1) / 2;
            float *n = o->alloc((size_t)B * ch * h2 * w2);
            sd_conv_fwd(o, &b->sample, cur, B, h, w, 2, 1, h2, w2, n);
            cur = n, h = h2, w = w2;
            skip[sp] = cur, skc[sp] = ch, skh[sp++] = h;
        }
        snprintf(name, sizeof name, "down_blocks.%d", i);
        DBG(name, cur, (size_t)B * ch * h * w);
    }
    /* mid: cur is on the skip stack, so the first op allocates a fresh buffer */
    float *m = sd_resnet_fwd(o, &u->mid_res[0], cur, B, h, w, temb, TD);
    float *m2 = sd_xformer_fwd(o, &u->mid_attn, m, B, h, w, ctx, Tc);
    o->free(m);
    m = sd_resnet_fwd(o, &u->mid_res[1], m2, B, h, w, temb, TD);
    o->free(m2);
    cur = m;
    DBG("mid_block", cur, (size_t)B * ch * h * w);
    for (int i = 0; i < u->levels; i++) {
        const sd_ublock *b = &u->up[i];
        for (int j = 0; j < b->nres; j++) {
            sp--;
            int sc = skc[sp];
            if (skh[sp] != h) {
                snprintf(err, errlen, "internal: skip size mismatch");
                return -1;
            }
            float *cat = o->alloc((size_t)B * (ch + sc) * h * w);
            o->concat_c(cur, ch, skip[sp], sc, B, h * w, cat);
            o->free(cur);
            o->free(skip[sp]);
            cur = sd_resnet_fwd(o, &b->res[j], cat, B, h, w, temb, TD);
            o->free(cat);
            ch = b->cout;
            if (b->cross) {
                float *n = sd_xformer_fwd(o, &b->attn[j], cur, B, h, w, ctx, Tc);
                o->free(cur);
                cur = n;
            }
        }
        if (b->has_sample) {
            float *upb = o->alloc((size_t)B * ch * h * w * 4);
            o->upsample2x(cur, B, ch, h, w, upb);
            o->free(cur);
            h *= 2, w *= 2;
            sd_conv_fwd(o, &b->sample, upb, B, h, w, 1, 1, h, w, cur = o->alloc((size_t)B * ch * h * w));
            o->free(upb);
        }
        snprintf(name, sizeof name, "up_blocks.%d", i);
        DBG(name, cur, (size_t)B * ch * h * w);
    }
    o->group_norm(cur, B, ch, h * w, u->groups, u->eps, u->nog, u->nob, 0, cur);
    DBG("conv_norm_out", cur, (size_t)B * ch * h * w);
    o->act(cur, (size_t)B * ch * h * w, SD_ACT_SILU);
    sd_conv_fwd(o, &u->conv_out, cur, B, h, w, 1, 1, h, w, out);
    o->free(cur);
    o->free(e1);
    o->free(emb);
    return 0;
}
