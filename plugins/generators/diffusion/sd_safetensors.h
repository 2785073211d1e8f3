/* sd_safetensors.h — read-only, memory-mapped safetensors files and sets of them (sharded
 * checkpoints), with every header offset checked against the file size before use.
 *
 * Format: 8-byte little-endian header length N, N bytes of JSON ({name: {dtype, shape,
 * data_offsets}}, optional "__metadata__"), then the data section. */
#ifndef SD_SAFETENSORS_H
#define SD_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

typedef enum sd_dtype { SD_DT_OTHER = 0, SD_DT_F32, SD_DT_F16, SD_DT_BF16, SD_DT_I64 } sd_dtype;

#define SD_MAX_DIMS 8

typedef struct sd_st_tensor {
    char *name;
    sd_dtype dtype;
    int ndim;
    int64_t shape[SD_MAX_DIMS];
    int64_t numel;
    const uint8_t *data; /* into the mapping */
    size_t nbytes;
} sd_st_tensor;

typedef struct sd_st_file {
    char *path;
    void *map;
    size_t size;
    sd_st_tensor *tensors;
    int count;
} sd_st_file;

/* 0 on success; on failure fills err with one line naming the file and the problem. */
int sd_st_open(sd_st_file *f, const char *path, char *err, size_t errlen);
void sd_st_close(sd_st_file *f);
const sd_st_tensor *sd_st_find(const sd_st_file *f, const char *name);

/* Copy any float tensor (F32/F16/BF16) or I64 into float32. */
void sd_st_to_f32(const sd_st_tensor *t, float *out);

/* ---- a model component's weights: one file or a sharded set ---------------------------- */
typedef struct sd_weights {
    sd_st_file *files;
    int nfiles;
    void **owned; /* converted copies (F16/BF16, misaligned F32) */
    int nowned, capowned;
    int failed;
    char err[512]; /* the first error */
    int random;    /* synthetic weights (benchmarks): sd_w makes each tensor up */
    /* where sd_w's results live: NULL = host memory; set to the backend's sd_ops.weight so a
     * device backend receives each tensor once at load time and kernels get its copy */
    const float *(*place)(const float *host, size_t n);
    uint64_t rng;
} sd_weights;

/* Open the weights in `dir` named `stem` (e.g. "diffusion_pytorch_model" or "model"):
 * stem[.variant].safetensors, or stem.safetensors.index[.variant].json with its shards.
 * variant may be NULL; a missing variant falls back to the plain file. */
int sd_weights_open(sd_weights *w, const char *dir, const char *stem, const char *variant,
                    char *err, size_t errlen);
void sd_weights_close(sd_weights *w);
/* Synthetic weights for benchmarking real architectures without downloads: every sd_w call
 * returns a fresh tensor of the requested shape — matrices uniform with variance 1/fan_in,
 * norm gains 1, everything else 0. */
void sd_weights_init_random(sd_weights *w, uint64_t seed);
const sd_st_tensor *sd_weights_find(const sd_weights *w, const char *name);

/* Fetch a float32 view of tensor `name` whose shape must be (d0, d1, d2, d3) with trailing
 * zero dims absent; trailing 1-sized dims are ignored on both sides, so a [C, C, 1, 1]
 * 1x1-conv weight also serves a [C, C] linear. On any problem records the first error in
 * w->err, sets w->failed and returns NULL. */
const float *sd_w(sd_weights *w, int64_t d0, int64_t d1, int64_t d2, int64_t d3,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int sd_w_has(const sd_weights *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
