/* sd_clip.h — CLIP text encoder (transformers CLIPTextModel / CLIPTextModelWithProjection)
 * from a diffusers component folder (config.json + model[.variant].safetensors). */
#ifndef SD_CLIP_H
#define SD_CLIP_H

#include "sd_ops.h"
#include "sd_safetensors.h"

typedef struct sd_clip_layer {
    const float *ln1_g, *ln1_b, *q_w, *q_b, *k_w, *k_b, *v_w, *v_b, *o_w, *o_b;
    const float *ln2_g, *ln2_b, *fc1_w, *fc1_b, *fc2_w, *fc2_b;
} sd_clip_layer;

typedef struct sd_clip {
    const sd_ops *ops;
    sd_weights w;
    int dim, layers, heads, inter, vocab, npos, proj_dim; /* proj_dim 0: no text_projection */
    sd_act act;
    float eps;
    const float *tok_emb, *pos_emb; /* host pointers (gathered on the host) */
    sd_clip_layer *l;
    const float *lnf_g, *lnf_b, *proj;
} sd_clip;

/* Host outputs; each pointer may be NULL when not wanted. T = npos (77).
 * hidden: [layers + 1, B, T, dim] (index 0 = embeddings); last: final LN output [B, T, dim];
 * penultimate: hidden[layers - 1] [B, T, dim]; pooled: last at the first argmax(id) [B, dim];
 * text_embeds: pooled · projectionᵀ [B, proj_dim]. */
typedef struct sd_clip_out {
    float *hidden, *last, *penultimate, *pooled, *text_embeds;
} sd_clip_out;

int sd_clip_load(sd_clip *c, const sd_ops *ops, const char *dir, const char *variant, char *err,
                 size_t errlen);
void sd_clip_free(sd_clip *c);
/* ids: B rows of npos token ids. */
int sd_clip_encode(const sd_clip *c, const int *ids, int B, const sd_clip_out *out, char *err, size_t errlen);

#endif
