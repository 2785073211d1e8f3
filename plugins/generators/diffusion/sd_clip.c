/* sd_clip.c — pre-LN CLIP text transformer with causal self-attention (spec 4.2). */
#include "sd_clip.h"
#include "sd_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sd_clip_load(sd_clip *c, const sd_ops *ops, const char *dir, const char *variant, char *err,
                 size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->ops = ops;
    char path[4096];
    snprintf(path, sizeof path, "%s/config.json", dir);
    cJSON *cfg = sd_json_load(path, err, errlen);
    if (!cfg) return -1;
    c->dim = (int)sd_json_num(cfg, "hidden_size", 0);
    c->layers = (int)sd_json_num(cfg, "num_hidden_layers", 0);
    c->heads = (int)sd_json_num(cfg, "num_attention_heads", 0);
    c->inter = (int)sd_json_num(cfg, "intermediate_size", 0);
    c->vocab = (int)sd_json_num(cfg, "vocab_size", 49408);
    c->npos = (int)sd_json_num(cfg, "max_position_embeddings", 77);
    c->eps = (float)sd_json_num(cfg, "layer_norm_eps", 1e-5);
    const char *act = sd_json_str(cfg, "hidden_act");
    const char *arch = NULL;
    cJSON *archs = cJSON_GetObjectItemCaseSensitive(cfg, "architectures");
    if (cJSON_IsArray(archs) && cJSON_IsString(cJSON_GetArrayItem(archs, 0)))
        arch = cJSON_GetArrayItem(archs, 0)->valuestring;
    int rc = -1;
    if (c->dim <= 0 || c->layers <= 0 || c->heads <= 0 || c->inter <= 0 || c->dim % c->heads ||
        c->npos != 77 || c->vocab <= 0 || c->dim > 65536 || c->layers > 1000 || c->inter > 1 << 20) {
        snprintf(err, errlen, "%s: bad or missing hidden_size/num_hidden_layers/num_attention_heads/"
                 "intermediate_size/max_position_embeddings", path);
        goto out;
    }
    if (act && strcmp(act, "quick_gelu") == 0) c->act = SD_ACT_QUICK_GELU;
    else if (act && strcmp(act, "gelu") == 0) c->act = SD_ACT_GELU;
    else {
        snprintf(err, errlen, "%s: unsupported hidden_act \"%s\"", path, act ? act : "(none)");
        goto out;
    }
    if (arch && strcmp(arch, "CLIPTextModelWithProjection") == 0)
        c->proj_dim = (int)sd_json_num(cfg, "projection_dim", 0);
    else if (arch && strcmp(arch, "CLIPTextModel") != 0) {
        snprintf(err, errlen, "%s: unsupported architecture \"%s\"", path, arch);
        goto out;
    }
    if (sd_weights_open(&c->w, dir, "model", variant, err, errlen) != 0) goto out;
    sd_weights *w = &c->w;
    int D = c->dim, I = c->inter;
    /* embeddings and the projection are used on the host; everything else by the backend */
    c->tok_emb = sd_w(w, c->vocab, D, 0, 0, "text_model.embeddings.token_embedding.weight");
    c->pos_emb = sd_w(w, c->npos, D, 0, 0, "text_model.embeddings.position_embedding.weight");
    if (c->proj_dim > 0) c->proj = sd_w(w, c->proj_dim, D, 0, 0, "text_projection.weight");
    w->place = ops->weight;
    c->l = calloc((size_t)c->layers, sizeof *c->l);
    for (int i = 0; i < c->layers; i++) {
        sd_clip_layer *L = &c->l[i];
#define P "text_model.encoder.layers.%d."
        L->ln1_g = sd_w(w, D, 0, 0, 0, P "layer_norm1.weight", i);
        L->ln1_b = sd_w(w, D, 0, 0, 0, P "layer_norm1.bias", i);
        L->q_w = sd_w(w, D, D, 0, 0, P "self_attn.q_proj.weight", i);
        L->q_b = sd_w(w, D, 0, 0, 0, P "self_attn.q_proj.bias", i);
        L->k_w = sd_w(w, D, D, 0, 0, P "self_attn.k_proj.weight", i);
        L->k_b = sd_w(w, D, 0, 0, 0, P "self_attn.k_proj.bias", i);
        L->v_w = sd_w(w, D, D, 0, 0, P "self_attn.v_proj.weight", i);
        L->v_b = sd_w(w, D, 0, 0, 0, P "self_attn.v_proj.bias", i);
        L->o_w = sd_w(w, D, D, 0, 0, P "self_attn.out_proj.weight", i);
        L->o_b = sd_w(w, D, 0, 0, 0, P "self_attn.out_proj.bias", i);
        L->ln2_g = sd_w(w, D, 0, 0, 0, P "layer_norm2.weight", i);
        L->ln2_b = sd_w(w, D, 0, 0, 0, P "layer_norm2.bias", i);
        L->fc1_w = sd_w(w, I, D, 0, 0, P "mlp.fc1.weight", i);
        L->fc1_b = sd_w(w, I, 0, 0, 0, P "mlp.fc1.bias", i);
        L->fc2_w = sd_w(w, D, I, 0, 0, P "mlp.fc2.weight", i);
        L->fc2_b = sd_w(w, D, 0, 0, 0, P "mlp.fc2.bias", i);
#undef P
    }
    c->lnf_g = sd_w(w, D, 0, 0, 0, "text_model.final_layer_norm.weight");
    c->lnf_b = sd_w(w, D, 0, 0, 0, "text_model.final_layer_norm.bias");
    if (w->failed) {
        snprintf(err, errlen, "%s: %s", dir, w->err);
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(cfg);
    if (rc) sd_clip_free(c);
    return rc;
}

void sd_clip_free(sd_clip *c)
{
    sd_weights_close(&c->w);
    free(c->l);
    memset(c, 0, sizeof *c);
}

int sd_clip_encode(const sd_clip *c, const int *ids, int B, const sd_clip_out *out, char *err, size_t errlen)
{
    const sd_ops *o = c->ops;
    int T = c->npos, D = c->dim, M = B * T, dh = D / c->heads;
    size_t MD = (size_t)M * D;
    for (int i = 0; i < M; i++)
        if (ids[i] < 0 || ids[i] >= c->vocab) {
            snprintf(err, errlen, "token id %d outside the vocabulary (%d)", ids[i], c->vocab);
            return -1;
        }
    float *host = malloc(MD * sizeof(float));
    float *h = o->alloc(MD), *t = o->alloc(MD), *q = o->alloc(MD), *k = o->alloc(MD), *v = o->alloc(MD),
          *a = o->alloc(MD), *f = o->alloc((size_t)M * c->inter);
    if (!host || !h || !t || !q || !k || !v || !a || !f) {
        snprintf(err, errlen, "out of memory in the text encoder");
        free(host);
        o->free(h), o->free(t), o->free(q), o->free(k), o->free(v), o->free(a), o->free(f);
        return -1;
    }
    for (int i = 0; i < M; i++)
        for (int d = 0; d < D; d++)
            host[(size_t)i * D + d] = c->tok_emb[(size_t)ids[i] * D + d] + c->pos_emb[(size_t)(i % T) * D + d];
    o->upload(h, host, MD);
    if (out->hidden) memcpy(out->hidden, host, MD * sizeof(float));
    if (out->penultimate && c->layers == 1) memcpy(out->penultimate, host, MD * sizeof(float));
    for (int l = 0; l < c->layers; l++) {
        const sd_clip_layer *L = &c->l[l];
        o->layer_norm(h, M, D, c->eps, L->ln1_g, L->ln1_b, t);
        o->linear(t, M, D, L->q_w, L->q_b, D, q);
        o->linear(t, M, D, L->k_w, L->k_b, D, k);
        o->linear(t, M, D, L->v_w, L->v_b, D, v);
        o->attention(q, D, k, D, v, D, B, T, T, c->heads, dh, 1.0f / sqrtf((float)dh), 1, a);
        o->linear(a, M, D, L->o_w, L->o_b, D, t);
        o->add(h, h, t, MD);
        o->layer_norm(h, M, D, c->eps, L->ln2_g, L->ln2_b, t);
        o->linear(t, M, D, L->fc1_w, L->fc1_b, c->inter, f);
        o->act(f, (size_t)M * c->inter, c->act);
        o->linear(f, M, c->inter, L->fc2_w, L->fc2_b, D, t);
        o->add(h, h, t, MD);
        if (out->hidden) o->download(out->hidden + (size_t)(l + 1) * MD, h, MD);
        if (out->penultimate && l == c->layers - 2) o->download(out->penultimate, h, MD);
    }
    o->layer_norm(h, M, D, c->eps, c->lnf_g, c->lnf_b, t);
    o->download(host, t, MD);
    if (out->last) memcpy(out->last, host, MD * sizeof(float));
    for (int b = 0; b < B; b++) {
        int pos = 0; /* first occurrence of the largest id (transformers' argmax) */
        for (int i = 1; i < T; i++)
            if (ids[b * T + i] > ids[b * T + pos]) pos = i;
        const float *row = host + ((size_t)b * T + pos) * D;
        if (out->pooled) memcpy(out->pooled + (size_t)b * D, row, (size_t)D * sizeof(float));
        if (out->text_embeds && c->proj)
            for (int p = 0; p < c->proj_dim; p++) {
                double s = 0;
                for (int d = 0; d < D; d++) s += (double)row[d] * c->proj[(size_t)p * D + d];
                out->text_embeds[(size_t)b * c->proj_dim + p] = (float)s;
            }
    }
    free(host);
    o->free(h), o->free(t), o->free(q), o->free(k), o->free(v), o->free(a), o->free(f);
    return 0;
}
