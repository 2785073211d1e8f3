/* sd_nn.h — the building blocks shared by the UNet and the VAE: ResnetBlock2D,
 * Transformer2DModel (+ BasicTransformerBlock), the VAE's single-head mid attention, and
 * 3x3 / 1x1 convolutions. Loading checks every tensor shape against the config-derived one. */
#ifndef SD_NN_H
#define SD_NN_H

#include "sd_ops.h"
#include "sd_safetensors.h"

typedef struct sd_conv {
    int cin, cout, k;
    const float *w, *b;
} sd_conv;

typedef struct sd_resnet {
    int cin, cout, groups;
    float eps;
    const float *n1g, *n1b, *n2g, *n2b, *tw, *tb; /* tw/tb: time_emb_proj (UNet only) */
    sd_conv c1, c2, sc;                            /* sc.w NULL: identity shortcut */
} sd_resnet;

typedef struct sd_tblock {
    const float *n1g, *n1b, *q1, *k1, *v1, *o1w, *o1b;
    const float *n2g, *n2b, *q2, *k2, *v2, *o2w, *o2b;
    const float *n3g, *n3b, *f1w, *f1b, *f2w, *f2b;
} sd_tblock;

typedef struct sd_xformer {
    int C, heads, depth, linear_proj, ctx_dim, groups;
    const float *ng, *nb, *piw, *pib, *pow, *pob;
    sd_tblock *blocks;
} sd_xformer;

typedef struct sd_vattn { /* VAE mid-block attention: one head over all channels */
    int C, groups;
    const float *ng, *nb, *qw, *qb, *kw, *kb, *vw, *vb, *ow, *ob;
} sd_vattn;

void sd_conv_load(sd_weights *w, sd_conv *c, int cin, int cout, int k, const char *prefix);
/* time_dim 0: no time_emb_proj (VAE) */
void sd_resnet_load(sd_weights *w, sd_resnet *r, int cin, int cout, int time_dim, int groups,
                    float eps, const char *prefix);
void sd_xformer_load(sd_weights *w, sd_xformer *x, int C, int heads, int depth, int ctx_dim,
                     int linear_proj, int groups, const char *prefix);
void sd_xformer_free(sd_xformer *x);
void sd_vattn_load(sd_weights *w, sd_vattn *a, int C, int groups, const char *prefix);

/* y[B, cout, Ho, Wo]; pad = k/2 for stride 1; VAE downsampling uses pad 0 + implicit
 * right/bottom zero. */
void sd_conv_fwd(const sd_ops *o, const sd_conv *c, const float *x, int B, int H, int W, int stride,
                 int pad, int Ho, int Wo, float *y);
/* temb: [B, time_dim] already SiLU'd, or NULL. Returns a new buffer [B, cout, H, W]. */
float *sd_resnet_fwd(const sd_ops *o, const sd_resnet *r, const float *x, int B, int H, int W,
                     const float *temb, int time_dim);
/* x[B, C, H, W] -> new buffer; ctx [B, Tc, ctx_dim]. */
float *sd_xformer_fwd(const sd_ops *o, const sd_xformer *t, const float *x, int B, int H, int W,
                      const float *ctx, int Tc);
float *sd_vattn_fwd(const sd_ops *o, const sd_vattn *a, const float *x, int B, int H, int W);

#endif
