/* sd_nn.c — see sd_nn.h; formulas in the spec, sections 2.3, 2.4 and 3.3. */
#include "sd_nn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void sd_conv_load(sd_weights *w, sd_conv *c, int cin, int cout, int k, const char *prefix)
{
    c->cin = cin, c->cout = cout, c->k = k;
    c->w = sd_w(w, cout, cin, k, k, "%s.weight", prefix);
    c->b = sd_w(w, cout, 0, 0, 0, "%s.bias", prefix);
}

void sd_resnet_load(sd_weights *w, sd_resnet *r, int cin, int cout, int time_dim, int groups,
                    float eps, const char *p)
{
    char n[512];
    r->cin = cin, r->cout = cout, r->groups = groups, r->eps = eps;
    r->n1g = sd_w(w, cin, 0, 0, 0, "%s.norm1.weight", p);
    r->n1b = sd_w(w, cin, 0, 0, 0, "%s.norm1.bias", p);
    snprintf(n, sizeof n, "%s.conv1", p);
    sd_conv_load(w, &r->c1, cin, cout, 3, n);
    if (time_dim) {
        r->tw = sd_w(w, cout, time_dim, 0, 0, "%s.time_emb_proj.weight", p);
        r->tb = sd_w(w, cout, 0, 0, 0, "%s.time_emb_proj.bias", p);
    }
    r->n2g = sd_w(w, cout, 0, 0, 0, "%s.norm2.weight", p);
    r->n2b = sd_w(w, cout, 0, 0, 0, "%s.norm2.bias", p);
    snprintf(n, sizeof n, "%s.conv2", p);
    sd_conv_load(w, &r->c2, cout, cout, 3, n);
    if (cin != cout) {
        snprintf(n, sizeof n, "%s.conv_shortcut", p);
        sd_conv_load(w, &r->sc, cin, cout, 1, n);
    }
}

void sd_xformer_load(sd_weights *w, sd_xformer *x, int C, int heads, int depth, int ctx_dim,
                     int linear_proj, int groups, const char *p)
{
    x->C = C, x->heads = heads, x->depth = depth, x->ctx_dim = ctx_dim;
    x->linear_proj = linear_proj, x->groups = groups;
    x->ng = sd_w(w, C, 0, 0, 0, "%s.norm.weight", p);
    x->nb = sd_w(w, C, 0, 0, 0, "%s.norm.bias", p);
    /* a Linear [C, C] or a 1x1 conv [C, C, 1, 1]: same numbers, sd_w ignores trailing 1s */
    x->piw = sd_w(w, C, C, 0, 0, "%s.proj_in.weight", p);
    x->pib = sd_w(w, C, 0, 0, 0, "%s.proj_in.bias", p);
    x->pow = sd_w(w, C, C, 0, 0, "%s.proj_out.weight", p);
    x->pob = sd_w(w, C, 0, 0, 0, "%s.proj_out.bias", p);
    x->blocks = calloc((size_t)depth, sizeof *x->blocks);
    for (int i = 0; i < depth; i++) {
        sd_tblock *b = &x->blocks[i];
#define T "%s.transformer_blocks.%d."
        b->n1g = sd_w(w, C, 0, 0, 0, T "norm1.weight", p, i);
        b->n1b = sd_w(w, C, 0, 0, 0, T "norm1.bias", p, i);
        b->q1 = sd_w(w, C, C, 0, 0, T "attn1.to_q.weight", p, i);
        b->k1 = sd_w(w, C, C, 0, 0, T "attn1.to_k.weight", p, i);
        b->v1 = sd_w(w, C, C, 0, 0, T "attn1.to_v.weight", p, i);
        b->o1w = sd_w(w, C, C, 0, 0, T "attn1.to_out.0.weight", p, i);
        b->o1b = sd_w(w, C, 0, 0, 0, T "attn1.to_out.0.bias", p, i);
        b->n2g = sd_w(w, C, 0, 0, 0, T "norm2.weight", p, i);
        b->n2b = sd_w(w, C, 0, 0, 0, T "norm2.bias", p, i);
        b->q2 = sd_w(w, C, C, 0, 0, T "attn2.to_q.weight", p, i);
        b->k2 = sd_w(w, C, ctx_dim, 0, 0, T "attn2.to_k.weight", p, i);
        b->v2 = sd_w(w, C, ctx_dim, 0, 0, T "attn2.to_v.weight", p, i);
        b->o2w = sd_w(w, C, C, 0, 0, T "attn2.to_out.0.weight", p, i);
        b->o2b = sd_w(w, C, 0, 0, 0, T "attn2.to_out.0.bias", p, i);
        b->n3g = sd_w(w, C, 0, 0, 0, T "norm3.weight", p, i);
        b->n3b = sd_w(w, C, 0, 0, 0, T "norm3.bias", p, i);
        b->f1w = sd_w(w, 8 * C, C, 0, 0, T "ff.net.0.proj.weight", p, i);
        b->f1b = sd_w(w, 8 * C, 0, 0, 0, T "ff.net.0.proj.bias", p, i);
        b->f2w = sd_w(w, C, 4 * C, 0, 0, T "ff.net.2.weight", p, i);
        b->f2b = sd_w(w, C, 0, 0, 0, T "ff.net.2.bias", p, i);
#undef T
    }
}

void sd_xformer_free(sd_xformer *x)
{
    free(x->blocks);
    x->blocks = NULL;
}

void sd_vattn_load(sd_weights *w, sd_vattn *a, int C, int groups, const char *p)
{
    a->C = C, a->groups = groups;
    a->ng = sd_w(w, C, 0, 0, 0, "%s.group_norm.weight", p);
    a->nb = sd_w(w, C, 0, 0, 0, "%s.group_norm.bias", p);
    /* current names, or the pre-2023 query/key/value/proj_attn ones (spec 3.3) */
    int legacy = !sd_w_has(w, "%s.to_q.weight", p) && sd_w_has(w, "%s.query.weight", p);
    const char *nq = legacy ? "query" : "to_q", *nk = legacy ? "key" : "to_k";
    const char *nv = legacy ? "value" : "to_v", *no = legacy ? "proj_attn" : "to_out.0";
    a->qw = sd_w(w, C, C, 0, 0, "%s.%s.weight", p, nq);
    a->qb = sd_w(w, C, 0, 0, 0, "%s.%s.bias", p, nq);
    a->kw = sd_w(w, C, C, 0, 0, "%s.%s.weight", p, nk);
    a->kb = sd_w(w, C, 0, 0, 0, "%s.%s.bias", p, nk);
    a->vw = sd_w(w, C, C, 0, 0, "%s.%s.weight", p, nv);
    a->vb = sd_w(w, C, 0, 0, 0, "%s.%s.bias", p, nv);
    a->ow = sd_w(w, C, C, 0, 0, "%s.%s.weight", p, no);
    a->ob = sd_w(w, C, 0, 0, 0, "%s.%s.bias", p, no);
}

void sd_conv_fwd(const sd_ops *o, const sd_conv *c, const float *x, int B, int H, int W, int stride,
                 int pad, int Ho, int Wo, float *y)
{
    o->conv2d(x, B, c->cin, H, W, c->w, c->b, c->cout, c->k, stride, pad, pad, Ho, Wo, y);
}

float *sd_resnet_fwd(const sd_ops *o, const sd_resnet *r, const float *x, int B, int H, int W,
                     const float *temb, int time_dim)
{
    size_t HW = (size_t)H * W;
    float *t = o->alloc((size_t)B * (r->cin > r->cout ? r->cin : r->cout) * HW);
    float *h = o->alloc((size_t)B * r->cout * HW), *y = o->alloc((size_t)B * r->cout * HW);
    o->group_norm(x, B, r->cin, (int)HW, r->groups, r->eps, r->n1g, r->n1b, 1, t);
    sd_conv_fwd(o, &r->c1, t, B, H, W, 1, 1, H, W, h);
    if (temb && r->tw) {
        float *tp = o->alloc((size_t)B * r->cout);
        o->linear(temb, B, time_dim, r->tw, r->tb, r->cout, tp);
        o->add_channel(h, B, r->cout, (int)HW, tp);
        o->free(tp);
    }
    o->group_norm(h, B, r->cout, (int)HW, r->groups, r->eps, r->n2g, r->n2b, 1, t);
    sd_conv_fwd(o, &r->c2, t, B, H, W, 1, 1, H, W, y);
    if (r->sc.w) {
        sd_conv_fwd(o, &r->sc, x, B, H, W, 1, 0, H, W, h);
        o->add(y, y, h, (size_t)B * r->cout * HW);
    } else {
        o->add(y, y, x, (size_t)B * r->cout * HW);
    }
    o->free(t);
    o->free(h);
    return y;
}

float *sd_xformer_fwd(const sd_ops *o, const sd_xformer *t, const float *x, int B, int H, int W,
                      const float *ctx, int Tc)
{
    int C = t->C, HW = H * W, M = B * HW, dh = C / t->heads, Mc = B * Tc;
    size_t n = (size_t)M * C;
    float scale = 1.0f / sqrtf((float)dh);
    float *a = o->alloc(n), *y = o->alloc(n), *nrm = o->alloc(n), *q = o->alloc(n), *k = o->alloc(n),
          *v = o->alloc(n), *att = o->alloc(n), *f = o->alloc(n * 8), *gg = o->alloc(n * 4);
    float *kc = o->alloc((size_t)Mc * C), *vc = o->alloc((size_t)Mc * C);
    o->group_norm(x, B, C, HW, t->groups, 1e-6f, t->ng, t->nb, 0, a);
    if (t->linear_proj) {
        o->to_tokens(a, B, C, HW, nrm);
        o->linear(nrm, M, C, t->piw, t->pib, C, y);
    } else {
        o->conv2d(a, B, C, H, W, t->piw, t->pib, C, 1, 1, 0, 0, H, W, nrm);
        o->to_tokens(nrm, B, C, HW, y);
    }
    for (int i = 0; i < t->depth; i++) {
        const sd_tblock *b = &t->blocks[i];
        o->layer_norm(y, M, C, 1e-5f, b->n1g, b->n1b, nrm);
        o->linear(nrm, M, C, b->q1, NULL, C, q);
        o->linear(nrm, M, C, b->k1, NULL, C, k);
        o->linear(nrm, M, C, b->v1, NULL, C, v);
        o->attention(q, C, k, C, v, C, B, HW, HW, t->heads, dh, scale, 0, att);
        o->linear(att, M, C, b->o1w, b->o1b, C, q);
        o->add(y, y, q, n);
        o->layer_norm(y, M, C, 1e-5f, b->n2g, b->n2b, nrm);
        o->linear(nrm, M, C, b->q2, NULL, C, q);
        o->linear(ctx, Mc, t->ctx_dim, b->k2, NULL, C, kc);
        o->linear(ctx, Mc, t->ctx_dim, b->v2, NULL, C, vc);
        o->attention(q, C, kc, C, vc, C, B, HW, Tc, t->heads, dh, scale, 0, att);
        o->linear(att, M, C, b->o2w, b->o2b, C, q);
        o->add(y, y, q, n);
        o->layer_norm(y, M, C, 1e-5f, b->n3g, b->n3b, nrm);
        o->linear(nrm, M, C, b->f1w, b->f1b, 8 * C, f);
        o->geglu(f, M, 4 * C, gg);
        o->linear(gg, M, 4 * C, b->f2w, b->f2b, C, q);
        o->add(y, y, q, n);
    }
    if (t->linear_proj) {
        o->linear(y, M, C, t->pow, t->pob, C, nrm);
        o->from_tokens(nrm, B, C, HW, a);
    } else {
        o->from_tokens(y, B, C, HW, nrm);
        o->conv2d(nrm, B, C, H, W, t->pow, t->pob, C, 1, 1, 0, 0, H, W, a);
    }
    o->add(a, a, x, n);
    o->free(y), o->free(nrm), o->free(q), o->free(k), o->free(v), o->free(att), o->free(f), o->free(gg);
    o->free(kc), o->free(vc);
    return a;
}

float *sd_vattn_fwd(const sd_ops *o, const sd_vattn *a, const float *x, int B, int H, int W)
{
    int C = a->C, HW = H * W, M = B * HW;
    size_t n = (size_t)M * C;
    float *g = o->alloc(n), *t = o->alloc(n), *q = o->alloc(n), *k = o->alloc(n), *v = o->alloc(n),
          *att = o->alloc(n);
    o->group_norm(x, B, C, HW, a->groups, 1e-6f, a->ng, a->nb, 0, g);
    o->to_tokens(g, B, C, HW, t);
    o->linear(t, M, C, a->qw, a->qb, C, q);
    o->linear(t, M, C, a->kw, a->kb, C, k);
    o->linear(t, M, C, a->vw, a->vb, C, v);
    o->attention(q, C, k, C, v, C, B, HW, HW, 1, C, 1.0f / sqrtf((float)C), 0, att);
    o->linear(att, M, C, a->ow, a->ob, C, t);
    o->from_tokens(t, B, C, HW, g);
    o->add(g, g, x, n);
    o->free(t), o->free(q), o->free(k), o->free(v), o->free(att);
    return g;
}
