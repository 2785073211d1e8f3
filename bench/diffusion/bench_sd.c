/* bench_sd.c — CPU reference path at real size: one UNet evaluation of an SD 1.5-sized UNet
 * (the real SD 1.5 unet/config.json, synthetic weights, 64x64 latent, batch 2 as under CFG)
 * and one VAE decode to 512x512 (SD 1.5 vae/config.json), fp32. Prints the median of
 * SD_BENCH_RUNS runs (default 3) with SD_BENCH_THREADS threads (default 2), and the peak
 * resident memory; SD_BENCH_ONLY=unet|vae runs one of the two. The PyTorch peer for the same shapes is torch_peer.py next to this file. */
#include "../bench.h"
#include "base/clock.h"
#include "sd_unet.h"
#include "sd_vae.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *unet_cfg =
    "{\"_class_name\": \"UNet2DConditionModel\", \"act_fn\": \"silu\", \"attention_head_dim\": 8,"
    " \"block_out_channels\": [320, 640, 1280, 1280], \"center_input_sample\": false,"
    " \"cross_attention_dim\": 768, \"down_block_types\": [\"CrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\","
    " \"CrossAttnDownBlock2D\", \"DownBlock2D\"], \"downsample_padding\": 1, \"flip_sin_to_cos\": true,"
    " \"freq_shift\": 0, \"in_channels\": 4, \"layers_per_block\": 2, \"mid_block_scale_factor\": 1,"
    " \"norm_eps\": 1e-05, \"norm_num_groups\": 32, \"out_channels\": 4, \"sample_size\": 64,"
    " \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\", \"CrossAttnUpBlock2D\", \"CrossAttnUpBlock2D\"]}";

static const char *vae_cfg =
    "{\"_class_name\": \"AutoencoderKL\", \"act_fn\": \"silu\", \"block_out_channels\": [128, 256, 512, 512],"
    " \"down_block_types\": [\"DownEncoderBlock2D\", \"DownEncoderBlock2D\", \"DownEncoderBlock2D\","
    " \"DownEncoderBlock2D\"], \"in_channels\": 3, \"latent_channels\": 4, \"layers_per_block\": 2,"
    " \"norm_num_groups\": 32, \"out_channels\": 3, \"sample_size\": 512, \"scaling_factor\": 0.18215,"
    " \"up_block_types\": [\"UpDecoderBlock2D\", \"UpDecoderBlock2D\", \"UpDecoderBlock2D\", \"UpDecoderBlock2D\"]}";

static void write_cfg(const char *dir, const char *text)
{
    char p[512];
    mkdir(dir, 0700);
    snprintf(p, sizeof p, "%s/config.json", dir);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void fill(float *p, size_t n, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < n; i++) p[i] = (float)rand() / RAND_MAX * 2.0f - 1.0f;
}

static long peak_mib(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_maxrss / 1024;
}

int main(void)
{
    const char *rs = getenv("SD_BENCH_RUNS"), *ts = getenv("SD_BENCH_THREADS"), *only = getenv("SD_BENCH_ONLY");
    int do_unet = !only || strcmp(only, "unet") == 0, do_vae = !only || strcmp(only, "vae") == 0;
    int runs = rs ? atoi(rs) : 3, threads = ts ? atoi(ts) : 2;
    if (runs < 1) runs = 1;
    sd_cpu_set_threads(threads);
    char tmp[] = "/tmp/sd_bench_XXXXXX", ud[512], vd[512], err[1024];
    if (!mkdtemp(tmp)) return 1;
    snprintf(ud, sizeof ud, "%s/unet", tmp);
    snprintf(vd, sizeof vd, "%s/vae", tmp);
    write_cfg(ud, unet_cfg);
    write_cfg(vd, vae_cfg);
    const sd_ops *o = sd_ops_cpu();
    double t[64];
    printf("diffusion CPU reference path, fp32, %d threads, median of %d run(s)\n", sd_cpu_threads(), runs);

    sd_unet u;
    if (!do_unet) goto vae;
    if (sd_unet_load_random(&u, o, ud, 1, err, sizeof err) != 0) {
        fprintf(stderr, "unet: %s\n", err);
        return 1;
    }
    int B = 2, H = 64, W = 64;
    size_t nx = (size_t)B * 4 * H * W, nc = (size_t)B * 77 * 768;
    float *x = o->alloc(nx), *ctx = o->alloc(nc), *out = o->alloc(nx), tv[2] = {999, 999};
    fill(x, nx, 1);
    fill(ctx, nc, 2);
    for (int r = 0; r < runs && r < 64; r++) {
        double t0 = pc_mono_s();
        if (sd_unet_forward(&u, x, B, H, W, tv, ctx, 77, NULL, NULL, out, NULL, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "unet forward: %s\n", err);
            return 1;
        }
        t[r] = pc_mono_s() - t0;
    }
    double mu = bench_median(t, runs < 64 ? runs : 64);
    printf("unet_sd15_64x64_b2   median %8.3f s   %6.1f GFLOP/s   (1.607 TFLOP per call)   peak RSS %ld MiB\n", mu,
           1607.0 / mu, peak_mib());
    o->free(x), o->free(ctx), o->free(out);
    sd_unet_free(&u);
vae:;
    sd_vae v;
    if (!do_vae) goto done;
    if (sd_vae_load_random(&v, o, vd, 2, err, sizeof err) != 0) {
        fprintf(stderr, "vae: %s\n", err);
        return 1;
    }
    size_t nz = (size_t)4 * 64 * 64, ni = (size_t)3 * 512 * 512;
    float *z = o->alloc(nz), *img = o->alloc(ni);
    fill(z, nz, 3);
    for (int r = 0; r < runs && r < 64; r++) {
        double t0 = pc_mono_s();
        if (sd_vae_decode(&v, z, 1, 64, 64, img, NULL, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "vae decode: %s\n", err);
            return 1;
        }
        t[r] = pc_mono_s() - t0;
    }
    double mv = bench_median(t, runs < 64 ? runs : 64);
    printf("vae_decode_512x512   median %8.3f s   %6.1f GFLOP/s   (2.515 TFLOP per call)   peak RSS %ld MiB\n", mv,
           2515.0 / mv, peak_mib());
    o->free(z), o->free(img);
    sd_vae_free(&v);
done:;
    char p[600];
    snprintf(p, sizeof p, "%s/config.json", ud);
    unlink(p);
    snprintf(p, sizeof p, "%s/config.json", vd);
    unlink(p);
    rmdir(ud), rmdir(vd), rmdir(tmp);
    return 0;
}
