/* sd_ops.h — the tensor operations the diffusion engine is written against.
 *
 * Model code (sd_clip, sd_unet, sd_vae) never touches activation memory directly: it
 * allocates buffers with `alloc`, moves host data in and out with `upload` / `download`, and
 * calls the ops below. The CPU backend (sd_ops_cpu.c: OpenBLAS sgemm + pthreads) is the
 * reference; a CUDA backend provides the same table with device pointers. Weights are passed
 * through `weight` once at load time (identity on the CPU, a device copy on a GPU).
 *
 * Layouts: images NCHW; token sequences [B, T, C] row-major; Linear weights [out, in]
 * (PyTorch); conv weights [Cout, Cin, kh, kw]. All float32. */
#ifndef SD_OPS_H
#define SD_OPS_H

#include <stddef.h>

typedef enum sd_act { SD_ACT_SILU = 1, SD_ACT_GELU = 2, SD_ACT_QUICK_GELU = 3 } sd_act;

typedef struct sd_ops {
    const char *name;
    float *(*alloc)(size_t n);                /* n floats, uninitialised; NULL on failure */
    void (*free)(float *p);
    void (*upload)(float *dst, const float *host, size_t n);
    void (*download)(float *host, const float *src, size_t n);
    void (*copy)(float *dst, const float *src, size_t n);
    /* Called once per weight tensor at load (sd_weights.place): returns the pointer kernels
     * get. Identity on the CPU; a device backend returns its own copy, which it keeps for the
     * life of the process (a release hook comes with the first such backend). */
    const float *(*weight)(const float *host, size_t n);

    /* y[B, Cout, Ho, Wo] = conv(x[B, Cin, H, W]); zero padding above/left as given, and
     * whatever below/right makes Ho x Wo (taps outside the input read zero). bias may be NULL. */
    void (*conv2d)(const float *x, int B, int Cin, int H, int W, const float *w, const float *bias,
                   int Cout, int k, int stride, int pad_top, int pad_left, int Ho, int Wo, float *y);
    /* y[M, N] = x[M, K] · w[N, K]ᵀ + bias (bias may be NULL) */
    void (*linear)(const float *x, int M, int K, const float *w, const float *bias, int N, float *y);
    /* GroupNorm over (C/G x HW) per sample, affine, optional SiLU after; y may equal x */
    void (*group_norm)(const float *x, int B, int C, int HW, int G, float eps, const float *gamma,
                       const float *beta, int silu, float *y);
    void (*layer_norm)(const float *x, int M, int D, float eps, const float *gamma,
                       const float *beta, float *y);
    void (*act)(float *x, size_t n, sd_act kind);
    /* y[M, N] = x[:, :N] * GELU(x[:, N:]) for x[M, 2N] */
    void (*geglu)(const float *x, int M, int N, float *y);
    /* y = a + b elementwise (y may alias a or b) */
    void (*add)(float *y, const float *a, const float *b, size_t n);
    /* x[b, c, :] += v[b * C + c] */
    void (*add_channel)(float *x, int B, int C, int HW, const float *v);
    /* [B, C, HW] <-> [B, HW, C] */
    void (*to_tokens)(const float *x, int B, int C, int HW, float *y);
    void (*from_tokens)(const float *x, int B, int C, int HW, float *y);
    /* y[B, Ca + Cb, HW] = concat(a[B, Ca, HW], b[B, Cb, HW]) on channels */
    void (*concat_c)(const float *a, int Ca, const float *b, int Cb, int B, int HW, float *y);
    void (*upsample2x)(const float *x, int B, int C, int H, int W, float *y); /* nearest */
    /* Multi-head attention. q rows are Tq tokens with row stride ldq floats, head h uses
     * columns [h*dh, (h+1)*dh); same for k, v (Tk rows). out[B, Tq, heads*dh].
     * Batch b's rows start at q + b*Tq*ldq (k, v: b*Tk*ld). Softmax in fp32; causal masks
     * key j > query i. */
    void (*attention)(const float *q, int ldq, const float *k, int ldk, const float *v, int ldv,
                      int B, int Tq, int Tk, int heads, int dh, float scale, int causal, float *out);
} sd_ops;

const sd_ops *sd_ops_cpu(void);
/* Threads used by the CPU backend (and OpenBLAS); 0 = all online CPUs. */
void sd_cpu_set_threads(int n);
int sd_cpu_threads(void);
/* Free the CPU backend's cache of activation buffers. */
void sd_cpu_trim(void);

#endif
