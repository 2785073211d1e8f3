/* sd_ops_cpu.c — the reference CPU backend of sd_ops.h: OpenBLAS sgemm for convolutions
 * (im2col in row bands, so the column buffer stays bounded at any image size), linears and
 * attention; pthreads (sd_par) for everything elementwise. */
#include "sd_ops.h"
#include "sd_par.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void openblas_set_num_threads(int num_threads);

#define BAND_FLOATS (8l << 20) /* im2col / attention-score buffer budget: 32 MiB */
/* below about this many floats of work per thread, spawning threads costs more than it saves */
#define WORK 65536l

static long grain(long per_item) { return per_item >= WORK ? 1 : WORK / (per_item > 0 ? per_item : 1); }

/* A small cache of freed activation buffers: the networks allocate the same few large sizes
 * over and over, and fresh mmap'd blocks cost a page fault and a zeroed page per 4 KiB.
 * Blocks carry their capacity in a 64-byte header; a cached block serves a request of at
 * least half its size. At most CACHE_SLOTS blocks and CACHE_BYTES bytes are kept. */
#if defined(__SANITIZE_ADDRESS__)
#define CACHE_BYTES 0l /* under ASan every buffer is fresh, so use-after-free stays visible */
#else
#define CACHE_BYTES (1l << 30)
#endif
#define CACHE_SLOTS 16
#define HDR 16 /* floats: keeps the payload 64-byte aligned relative to the block */

static pthread_mutex_t g_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static float *g_cache[CACHE_SLOTS];
static long g_cached_bytes;

static size_t cap_of(const float *blk) { size_t c; memcpy(&c, blk, sizeof c); return c; }

static float *cpu_alloc(size_t n)
{
    if (n == 0) n = 1;
    float *best = NULL;
    int bi = -1;
    pthread_mutex_lock(&g_cache_mu);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        size_t c = g_cache[i] ? cap_of(g_cache[i]) : 0;
        if (c >= n && c / 2 <= n && (!best || c < cap_of(best))) best = g_cache[i], bi = i;
    }
    if (best) {
        g_cache[bi] = NULL;
        g_cached_bytes -= (long)(cap_of(best) * sizeof(float));
    }
    pthread_mutex_unlock(&g_cache_mu);
    if (!best) {
        best = malloc((n + HDR) * sizeof(float));
        if (!best) return NULL;
        memcpy(best, &n, sizeof n);
    }
    return best + HDR;
}

static void cpu_free(float *p)
{
    if (!p) return;
    float *blk = p - HDR;
    long bytes = (long)(cap_of(blk) * sizeof(float));
    pthread_mutex_lock(&g_cache_mu);
    int slot = -1;
    for (int i = 0; i < CACHE_SLOTS && slot < 0; i++)
        if (!g_cache[i]) slot = i;
    if (slot >= 0 && g_cached_bytes + bytes <= CACHE_BYTES) {
        g_cache[slot] = blk;
        g_cached_bytes += bytes;
        blk = NULL;
    }
    pthread_mutex_unlock(&g_cache_mu);
    free(blk);
}

/* Release the cached blocks (between generations the process may want its memory back). */
void sd_cpu_trim(void)
{
    pthread_mutex_lock(&g_cache_mu);
    for (int i = 0; i < CACHE_SLOTS; i++) free(g_cache[i]), g_cache[i] = NULL;
    g_cached_bytes = 0;
    pthread_mutex_unlock(&g_cache_mu);
}
static void cpu_copy(float *dst, const float *src, size_t n) { memmove(dst, src, n * sizeof(float)); }
static const float *cpu_weight(const float *host, size_t n) { (void)n; return host; }

/* ---- elementwise --------------------------------------------------------------------- */
typedef struct ew {
    float *y;
    const float *a, *b;
    sd_act kind;
    int C, HW, N;
} ew;

static void act_range(void *p, long b, long e)
{
    ew *c = p;
    float *x = c->y;
    switch (c->kind) {
    case SD_ACT_SILU:
        for (long i = b; i < e; i++) x[i] = x[i] / (1.0f + expf(-x[i]));
        break;
    case SD_ACT_GELU:
        for (long i = b; i < e; i++) x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * (float)M_SQRT1_2));
        break;
    case SD_ACT_QUICK_GELU:
        for (long i = b; i < e; i++) x[i] = x[i] / (1.0f + expf(-1.702f * x[i]));
        break;
    }
}

static void cpu_act(float *x, size_t n, sd_act kind)
{
    ew c = {.y = x, .kind = kind};
    sd_par_for((long)n, WORK, act_range, &c);
}

static void add_range(void *p, long b, long e)
{
    ew *c = p;
    for (long i = b; i < e; i++) c->y[i] = c->a[i] + c->b[i];
}

static void cpu_add(float *y, const float *a, const float *b, size_t n)
{
    ew c = {.y = y, .a = a, .b = b};
    sd_par_for((long)n, WORK, add_range, &c);
}

static void addch_range(void *p, long b, long e)
{
    ew *c = p;
    for (long r = b; r < e; r++) { /* r = batch * C + channel */
        float v = c->a[r], *x = c->y + r * (long)c->HW;
        for (int i = 0; i < c->HW; i++) x[i] += v;
    }
}

static void cpu_add_channel(float *x, int B, int C, int HW, const float *v)
{
    ew c = {.y = x, .a = v, .HW = HW};
    sd_par_for((long)B * C, grain(HW), addch_range, &c);
}

static void geglu_range(void *p, long b, long e)
{
    ew *c = p;
    int N = c->N;
    for (long r = b; r < e; r++) {
        const float *x = c->a + r * 2 * N;
        float *y = c->y + r * N;
        for (int i = 0; i < N; i++) {
            float g = x[N + i];
            y[i] = x[i] * (0.5f * g * (1.0f + erff(g * (float)M_SQRT1_2)));
        }
    }
}

static void cpu_geglu(const float *x, int M, int N, float *y)
{
    ew c = {.y = y, .a = x, .N = N};
    sd_par_for(M, grain(2l * N), geglu_range, &c);
}

/* ---- layout ---------------------------------------------------------------------------- */
typedef struct lay {
    const float *x, *x2;
    float *y;
    int B, C, C2, HW, H, W;
} lay;

static void tok_range(void *p, long b, long e)
{
    lay *c = p;
    for (long r = b; r < e; r++) { /* r = batch * HW + position */
        long bi = r / c->HW, i = r % c->HW;
        const float *x = c->x + bi * (long)c->C * c->HW + i;
        float *y = c->y + r * c->C;
        for (int ch = 0; ch < c->C; ch++) y[ch] = x[(long)ch * c->HW];
    }
}

static void cpu_to_tokens(const float *x, int B, int C, int HW, float *y)
{
    lay c = {.x = x, .y = y, .B = B, .C = C, .HW = HW};
    sd_par_for((long)B * HW, grain(C), tok_range, &c);
}

static void untok_range(void *p, long b, long e)
{
    lay *c = p;
    for (long r = b; r < e; r++) { /* r = batch * C + channel */
        long bi = r / c->C, ch = r % c->C;
        const float *x = c->x + bi * (long)c->HW * c->C + ch;
        float *y = c->y + r * c->HW;
        for (int i = 0; i < c->HW; i++) y[i] = x[(long)i * c->C];
    }
}

static void cpu_from_tokens(const float *x, int B, int C, int HW, float *y)
{
    lay c = {.x = x, .y = y, .B = B, .C = C, .HW = HW};
    sd_par_for((long)B * C, grain(HW), untok_range, &c);
}

static void cpu_concat_c(const float *a, int Ca, const float *b, int Cb, int B, int HW, float *y)
{
    for (int bi = 0; bi < B; bi++) {
        memcpy(y + (size_t)bi * (Ca + Cb) * HW, a + (size_t)bi * Ca * HW, (size_t)Ca * HW * sizeof(float));
        memcpy(y + ((size_t)bi * (Ca + Cb) + Ca) * HW, b + (size_t)bi * Cb * HW, (size_t)Cb * HW * sizeof(float));
    }
}

static void up_range(void *p, long b, long e)
{
    lay *c = p;
    int W = c->W, H = c->H;
    for (long r = b; r < e; r++) { /* r = plane */
        const float *x = c->x + r * (long)H * W;
        float *y = c->y + r * 4l * H * W;
        for (int oy = 0; oy < 2 * H; oy++) {
            const float *xr = x + (long)(oy / 2) * W;
            float *yr = y + (long)oy * 2 * W;
            for (int ox = 0; ox < 2 * W; ox++) yr[ox] = xr[ox / 2];
        }
    }
}

static void cpu_upsample2x(const float *x, int B, int C, int H, int W, float *y)
{
    lay c = {.x = x, .y = y, .H = H, .W = W};
    sd_par_for((long)B * C, grain(4l * H * W), up_range, &c);
}

/* ---- norms ----------------------------------------------------------------------------- */
typedef struct nrm {
    const float *x, *g, *b;
    float *y;
    int C, HW, G, D, silu;
    float eps;
} nrm;

static void gn_range(void *p, long b, long e)
{
    nrm *c = p;
    int cpg = c->C / c->G;
    long n = (long)cpg * c->HW;
    for (long r = b; r < e; r++) { /* r = batch * G + group */
        long bi = r / c->G, gi = r % c->G;
        const float *x = c->x + (bi * c->C + gi * cpg) * (long)c->HW;
        float *y = c->y + (bi * c->C + gi * cpg) * (long)c->HW;
        double s = 0, ss = 0;
        for (long i = 0; i < n; i++) s += x[i];
        double mean = s / n;
        for (long i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
        float inv = (float)(1.0 / sqrt(ss / n + c->eps)), m = (float)mean;
        for (int ch = 0; ch < cpg; ch++) {
            int cc = (int)gi * cpg + ch;
            float ga = c->g ? c->g[cc] : 1.0f, be = c->b ? c->b[cc] : 0.0f;
            const float *xc = x + (long)ch * c->HW;
            float *yc = y + (long)ch * c->HW;
            for (int i = 0; i < c->HW; i++) {
                float v = (xc[i] - m) * inv * ga + be;
                yc[i] = c->silu ? v / (1.0f + expf(-v)) : v;
            }
        }
    }
}

static void cpu_group_norm(const float *x, int B, int C, int HW, int G, float eps, const float *gamma,
                           const float *beta, int silu, float *y)
{
    nrm c = {.x = x, .g = gamma, .b = beta, .y = y, .C = C, .HW = HW, .G = G, .silu = silu, .eps = eps};
    sd_par_for((long)B * G, grain(3l * C / G * HW), gn_range, &c);
}

static void ln_range(void *p, long b, long e)
{
    nrm *c = p;
    int D = c->D;
    for (long r = b; r < e; r++) {
        const float *x = c->x + r * D;
        float *y = c->y + r * D;
        double s = 0, ss = 0;
        for (int i = 0; i < D; i++) s += x[i];
        double mean = s / D;
        for (int i = 0; i < D; i++) ss += (x[i] - mean) * (x[i] - mean);
        float inv = (float)(1.0 / sqrt(ss / D + c->eps)), m = (float)mean;
        for (int i = 0; i < D; i++) y[i] = (x[i] - m) * inv * c->g[i] + c->b[i];
    }
}

static void cpu_layer_norm(const float *x, int M, int D, float eps, const float *gamma,
                           const float *beta, float *y)
{
    nrm c = {.x = x, .g = gamma, .b = beta, .y = y, .D = D, .eps = eps};
    sd_par_for(M, grain(3l * D), ln_range, &c);
}

/* ---- GEMM-backed ops -------------------------------------------------------------------- */
typedef struct bias_ctx {
    float *y;
    const float *bias;
    int N;
} bias_ctx;

static void bias_rows(void *p, long b, long e)
{
    bias_ctx *c = p;
    for (long r = b; r < e; r++)
        for (int i = 0; i < c->N; i++) c->y[r * c->N + i] += c->bias[i];
}

static void cpu_linear(const float *x, int M, int K, const float *w, const float *bias, int N, float *y)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, x, K, w, K, 0.0f, y, N);
    if (bias) {
        bias_ctx c = {y, bias, N};
        sd_par_for(M, grain(N), bias_rows, &c);
    }
}

typedef struct im2col_ctx {
    const float *x;
    float *col;
    int Cin, H, W, k, stride, pt, pl, Wo, oy0, rows;
} im2col_ctx;

static void im2col_range(void *p, long b, long e)
{
    im2col_ctx *c = p;
    int k = c->k, Wo = c->Wo;
    long ncol = (long)c->rows * Wo;
    for (long r = b; r < e; r++) { /* r = ci * k * k + ky * k + kx */
        int ci = (int)(r / (k * k)), ky = (int)(r / k % k), kx = (int)(r % k);
        const float *xc = c->x + (long)ci * c->H * c->W;
        float *out = c->col + r * ncol;
        for (int oy = 0; oy < c->rows; oy++) {
            int iy = (c->oy0 + oy) * c->stride - c->pt + ky;
            float *o = out + (long)oy * Wo;
            if (iy < 0 || iy >= c->H) {
                memset(o, 0, (size_t)Wo * sizeof(float));
                continue;
            }
            const float *xr = xc + (long)iy * c->W;
            for (int ox = 0; ox < Wo; ox++) {
                int ix = ox * c->stride - c->pl + kx;
                o[ox] = (ix >= 0 && ix < c->W) ? xr[ix] : 0.0f;
            }
        }
    }
}

/* 3x3, stride 1, pad 1 without im2col: pad the input once to (H+2) x (W+2); then tap (ky, kx)
 * of every output pixel reads the padded plane at a fixed offset, so the convolution is nine
 * GEMMs (K = Cin each) on shifted views, computed on rows of W+2 columns whose last two are
 * discarded. This avoids im2col's 9x copy of the input, which dominates at large images. The
 * output band is kept small (1 MiB) so the nine accumulating GEMMs hit the cache. */
#define SHIFT_BAND_FLOATS (256l << 10)

typedef struct shift_ctx {
    const float *src;
    float *dst;
    int C, H, W, Cin, Cout, rows, r0;
} shift_ctx;

static void relayout_range(void *p, long b, long e) /* w[co][ci][t] -> wt[t][co][ci] */
{
    shift_ctx *c = p;
    for (long co = b; co < e; co++)
        for (int ci = 0; ci < c->Cin; ci++)
            for (int t = 0; t < 9; t++)
                c->dst[((size_t)t * c->Cout + co) * c->Cin + ci] = c->src[((size_t)co * c->Cin + ci) * 9 + t];
}

static void pad_range(void *p, long b, long e) /* x[ci] -> padded plane ci */
{
    shift_ctx *c = p;
    int Wp = c->W + 2;
    for (long ci = b; ci < e; ci++)
        for (int r = 0; r < c->H; r++)
            memcpy(c->dst + ci * (size_t)(c->H + 2) * Wp + (size_t)(r + 1) * Wp + 1,
                   c->src + ((size_t)ci * c->H + r) * c->W, sizeof(float) * c->W);
}

static void unband_range(void *p, long b, long e) /* band rows of W+2 -> output rows of W */
{
    shift_ctx *c = p;
    int Wp = c->W + 2;
    for (long co = b; co < e; co++)
        for (int r = 0; r < c->rows; r++)
            memcpy(c->dst + ((size_t)co * c->H + c->r0 + r) * c->W, c->src + (size_t)co * c->rows * Wp + (size_t)r * Wp,
                   sizeof(float) * c->W);
}

static void conv3x3_shifted(const float *x, int B, int Cin, int H, int W, const float *w, int Cout, float *y)
{
    int Wp = W + 2, Hp = H + 2;
    size_t plane = (size_t)Hp * Wp;
    float *wt = malloc(sizeof(float) * 9 * Cout * Cin);
    float *xp = calloc((size_t)Cin * plane + 2 * Wp, sizeof(float)); /* slack: junk columns read past */
    int band = (int)(SHIFT_BAND_FLOATS / ((long)Cout * Wp));
    if (band < 1) band = 1;
    if (band > H) band = H;
    float *tmp = malloc(sizeof(float) * Cout * band * Wp);
    shift_ctx rc = {.src = w, .dst = wt, .Cin = Cin, .Cout = Cout};
    sd_par_for(Cout, grain(9l * Cin), relayout_range, &rc);
    for (int b = 0; b < B; b++) {
        shift_ctx pc = {.src = x + (size_t)b * Cin * H * W, .dst = xp, .H = H, .W = W};
        sd_par_for(Cin, grain((long)H * W), pad_range, &pc);
        for (int r0 = 0; r0 < H; r0 += band) {
            int rows = H - r0 < band ? H - r0 : band, n = rows * Wp;
            for (int t = 0; t < 9; t++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Cout, n, Cin, 1.0f, wt + (size_t)t * Cout * Cin,
                            Cin, xp + (size_t)(r0 + t / 3) * Wp + t % 3, (int)plane, t ? 1.0f : 0.0f, tmp, n);
            shift_ctx uc = {.src = tmp, .dst = y + (size_t)b * Cout * H * W, .H = H, .W = W, .rows = rows, .r0 = r0};
            sd_par_for(Cout, grain((long)rows * W), unband_range, &uc);
        }
    }
    free(wt), free(xp), free(tmp);
}

static void cpu_conv2d(const float *x, int B, int Cin, int H, int W, const float *w, const float *bias,
                       int Cout, int k, int stride, int pad_top, int pad_left, int Ho, int Wo, float *y)
{
    if (k == 3 && stride == 1 && pad_top == 1 && pad_left == 1 && Ho == H && Wo == W && H * W >= 256 &&
        Cout <= H * W) {
        conv3x3_shifted(x, B, Cin, H, W, w, Cout, y);
        if (bias)
            for (int b = 0; b < B; b++) cpu_add_channel(y + (long)b * Cout * H * W, 1, Cout, H * W, bias);
        return;
    }
    long HWo = (long)Ho * Wo, ckk = (long)Cin * k * k;
    int direct = k == 1 && stride == 1 && pad_top == 0 && pad_left == 0 && Ho == H && Wo == W;
    int band = (int)(BAND_FLOATS / (ckk * Wo));
    if (band < 1) band = 1;
    if (band > Ho) band = Ho;
    float *col = direct ? NULL : malloc((size_t)ckk * band * Wo * sizeof(float));
    for (int b = 0; b < B; b++) {
        const float *xb = x + (long)b * Cin * H * W;
        float *yb = y + (long)b * Cout * HWo;
        if (direct) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Cout, (int)HWo, Cin, 1.0f, w, Cin,
                        xb, (int)HWo, 0.0f, yb, (int)HWo);
        } else {
            for (int oy0 = 0; oy0 < Ho; oy0 += band) {
                int rows = Ho - oy0 < band ? Ho - oy0 : band;
                im2col_ctx c = {xb, col, Cin, H, W, k, stride, pad_top, pad_left, Wo, oy0, rows};
                sd_par_for(ckk, grain((long)rows * Wo), im2col_range, &c);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Cout, rows * Wo, (int)ckk, 1.0f,
                            w, (int)ckk, col, rows * Wo, 0.0f, yb + (long)oy0 * Wo, (int)HWo);
            }
        }
    }
    free(col);
    if (bias) {
        for (int b = 0; b < B; b++) cpu_add_channel(y + (long)b * Cout * HWo, 1, Cout, (int)HWo, bias);
    }
}

typedef struct sm_ctx {
    float *s;
    int Tk, q0;
    int causal;
} sm_ctx;

static void softmax_rows(void *p, long b, long e)
{
    sm_ctx *c = p;
    for (long r = b; r < e; r++) {
        float *s = c->s + r * c->Tk;
        int n = c->causal ? (int)(c->q0 + r + 1) : c->Tk;
        if (n > c->Tk) n = c->Tk;
        float m = -INFINITY;
        for (int j = 0; j < n; j++) m = s[j] > m ? s[j] : m;
        float sum = 0;
        for (int j = 0; j < n; j++) {
            s[j] = expf(s[j] - m);
            sum += s[j];
        }
        float inv = 1.0f / sum;
        for (int j = 0; j < n; j++) s[j] *= inv;
        for (int j = n; j < c->Tk; j++) s[j] = 0.0f;
    }
}

static void cpu_attention(const float *q, int ldq, const float *k, int ldk, const float *v, int ldv,
                          int B, int Tq, int Tk, int heads, int dh, float scale, int causal, float *out)
{
    int qc = (int)(BAND_FLOATS / Tk);
    if (qc < 1) qc = 1;
    if (qc > Tq) qc = Tq;
    float *s = malloc((size_t)qc * Tk * sizeof(float));
    int ldo = heads * dh;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < heads; h++) {
            const float *qb = q + (long)b * Tq * ldq + h * dh;
            const float *kb = k + (long)b * Tk * ldk + h * dh;
            const float *vb = v + (long)b * Tk * ldv + h * dh;
            float *ob = out + (long)b * Tq * ldo + h * dh;
            for (int q0 = 0; q0 < Tq; q0 += qc) {
                int rows = Tq - q0 < qc ? Tq - q0 : qc;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, Tk, dh, scale,
                            qb + (long)q0 * ldq, ldq, kb, ldk, 0.0f, s, Tk);
                sm_ctx c = {s, Tk, q0, causal};
                sd_par_for(rows, grain(3l * Tk), softmax_rows, &c);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, dh, Tk, 1.0f, s, Tk, vb,
                            ldv, 0.0f, ob + (long)q0 * ldo, ldo);
            }
        }
    free(s);
}

static void cpu_upload(float *dst, const float *host, size_t n) { memcpy(dst, host, n * sizeof(float)); }

static const sd_ops g_cpu = {
    .name = "cpu",
    .alloc = cpu_alloc,
    .free = cpu_free,
    .upload = cpu_upload,
    .download = cpu_upload,
    .copy = cpu_copy,
    .weight = cpu_weight,
    .conv2d = cpu_conv2d,
    .linear = cpu_linear,
    .group_norm = cpu_group_norm,
    .layer_norm = cpu_layer_norm,
    .act = cpu_act,
    .geglu = cpu_geglu,
    .add = cpu_add,
    .add_channel = cpu_add_channel,
    .to_tokens = cpu_to_tokens,
    .from_tokens = cpu_from_tokens,
    .concat_c = cpu_concat_c,
    .upsample2x = cpu_upsample2x,
    .attention = cpu_attention,
};

const sd_ops *sd_ops_cpu(void) { return &g_cpu; }

void sd_cpu_set_threads(int n)
{
    sd_par_set_threads(n);
    openblas_set_num_threads(sd_par_threads());
}

int sd_cpu_threads(void) { return sd_par_threads(); }
