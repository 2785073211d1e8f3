/* test_sd_pipe.c — end-to-end t2i and i2i runs of the three tiny pipelines with the
 * reference's recorded noise: every UNet call's input and output, the latents after every
 * step, the final latents and the decoded image must match the goldens (SD 1.x PNDM and
 * Euler linspace, SD 2.x DDIM v-prediction, SDXL Euler with and without negative prompt,
 * Turbo-style Euler ancestral without CFG, img2img, and the NATIX 25-step recipe). */
#include "../tap.h"
#include "golden.h"
#include "sd_json.h"
#include "sd_pipe.h"

typedef struct run {
    const cJSON *c;
    const char *file;
    float *latents; /* t2i: draw 0 */
    const cJSON *draws;
    int i2i, fail;
} run;

static int noise(void *p, int d, float *out, size_t n)
{
    run *r = p;
    const char *name = NULL;
    if (!r->i2i && d == 0) {
        if (!r->latents) return -1;
        memcpy(out, r->latents, n * sizeof(float));
        return 0;
    }
    int k = r->i2i ? d : d - 1;
    const cJSON *it = cJSON_GetArrayItem(r->draws, k);
    name = cJSON_IsString(it) ? it->valuestring : NULL;
    int64_t got = 0;
    float *v = name ? gold_tensor(r->file, name, &got, NULL, NULL) : NULL;
    if (!v || (size_t)got != n) {
        free(v);
        r->fail = 1;
        return -1;
    }
    memcpy(out, v, n * sizeof(float));
    free(v);
    return 0;
}

static int has(const cJSON *c, const char *role)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "outputs"), role) != NULL;
}

static float g_ts[64];
static int g_nts;

static void on_unet(void *p, int call, float t, const float *in, const float *out, size_t n)
{
    run *r = p;
    char role[64];
    if (call < 64) g_ts[call] = t, g_nts = call + 1;
    snprintf(role, sizeof role, "unet_in_%d", call);
    if (has(r->c, role)) gold_check(r->c, role, in, (int64_t)n);
    snprintf(role, sizeof role, "unet_out_%d", call);
    if (has(r->c, role)) gold_check(r->c, role, out, (int64_t)n);
}

static void on_step(void *p, int step, const float *x, size_t n)
{
    run *r = p;
    char role[64];
    snprintf(role, sizeof role, "latents_step_%d", step);
    if (has(r->c, role)) gold_check(r->c, role, x, (int64_t)n);
}

static void run_case(const sd_model *base, const char *id)
{
    const cJSON *c = gold_case(id);
    if (!ok(c != NULL, "case %s", id)) return;
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "inputs");
    sd_model m = *base; /* shallow copy: only the scheduler config changes */
    char err[512];
    if (!ok(sd_sched_cfg_parse(&m.sched, cJSON_GetObjectItemCaseSensitive(in, "scheduler_config"), NULL, err,
                               sizeof err) == 0, "%s scheduler config", id)) {
        diag("%s", err);
        return;
    }
    run r = {.c = c, .file = sd_json_str(c, "file"), .draws = cJSON_GetObjectItemCaseSensitive(in, "noise_draws")};
    sd_gen g = {0};
    g.prompt = sd_json_str(in, "prompt");
    g.negative = sd_json_str(in, "negative_prompt");
    g.width = (int)sd_json_num(in, "width", 0);
    g.height = (int)sd_json_num(in, "height", 0);
    g.steps = (int)sd_json_num(in, "num_inference_steps", 0);
    g.guidance = sd_json_num(in, "guidance_scale", 0);
    g.strength = sd_json_num(in, "strength", 0);
    g.noise = noise, g.noise_ctx = &r;
    g.on_unet = on_unet, g.on_step = on_step, g.hook_ctx = &r;
    uint8_t *rgb = NULL;
    size_t npix = (size_t)g.width * g.height;
    if (sd_json_str(in, "image")) {
        r.i2i = 1;
        /* the preprocessed init image (u8/255*2-1) back to its uint8 pixels */
        int64_t ni = 0;
        float *img = gold_tensor("golden/sd-tiny.vae.safetensors", "image", &ni, NULL, NULL);
        if (!img || (size_t)ni != 3 * npix) {
            free(img);
            return;
        }
        rgb = malloc(3 * npix);
        for (size_t ch = 0; ch < 3; ch++)
            for (size_t i = 0; i < npix; i++) rgb[i * 3 + ch] = (uint8_t)lrintf((img[ch * npix + i] + 1.0f) / 2.0f * 255.0f);
        free(img);
        g.init_rgb = rgb, g.init_stride = g.width * 3;
    } else {
        r.latents = gold_input(c, "latents", NULL);
    }
    size_t nl = (size_t)m.vae.latent * npix / 64;
    float *lat = malloc(nl * sizeof(float)), *im = malloc(3 * npix * sizeof(float));
    g.latents_out = lat, g.image01_out = im;
    g_nts = 0;
    int rc = sd_generate(&m, &g, err, sizeof err);
    if (ok(rc == 0 && !r.fail, "%s runs", id)) {
        gold_check(c, "unet_timesteps", g_ts, g_nts);
        gold_check(c, "latents", lat, (int64_t)nl);
        gold_check(c, "image", im, (int64_t)(3 * npix));
    } else {
        diag("%s", err);
    }
    free(lat), free(im), free(rgb), free(r.latents);
}

static void run_model(const char *model, const char **cases, int n)
{
    char dir[4200], err[512];
    snprintf(dir, sizeof dir, "%s/%s", gold_root(), model);
    sd_model m;
    if (!ok(sd_model_load(&m, sd_ops_cpu(), dir, NULL, err, sizeof err) == 0, "load %s", model)) {
        diag("%s", err);
        return;
    }
    is_str(m.name, model, "model name");
    for (int i = 0; i < n; i++) {
        char id[128];
        snprintf(id, sizeof id, "%s/pipeline/%s", model, cases[i]);
        run_case(&m, id);
    }
    sd_model_free(&m);
}

int main(void)
{
    gold_init();
    sd_cpu_set_threads(2);
    const char *sd1[] = {"t2i_pndm", "t2i_euler_linspace", "i2i_euler_linspace"};
    const char *sd2[] = {"t2i_ddim_v", "i2i_ddim_v"};
    const char *sdxl[] = {"t2i_euler", "t2i_euler_no_negative", "t2i_turbo", "i2i_euler", "t2i_natix", "i2i_natix"};
    run_model("sd-tiny", sd1, 3);
    run_model("sd2-tiny", sd2, 2);
    run_model("sdxl-tiny", sdxl, 6);
    gold_done();
    return done_testing();
}
