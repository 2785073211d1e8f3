/* sd_sched.h — the diffusers schedulers the SD family ships with (spec section 5):
 * Euler, Euler ancestral, DDIM (eta 0) and PNDM in PLMS mode, with leading / trailing /
 * linspace timestep spacing and epsilon / v prediction. Arithmetic is float32 in the same
 * order as diffusers so the goldens match to rounding. All buffers are host memory. */
#ifndef SD_SCHED_H
#define SD_SCHED_H

#include <stddef.h>

typedef enum sd_sched_kind { SD_EULER = 1, SD_EULER_A, SD_DDIM, SD_PNDM } sd_sched_kind;
typedef enum sd_pred { SD_PRED_EPS = 1, SD_PRED_V } sd_pred;
typedef enum sd_spacing { SD_SPACE_LEADING = 1, SD_SPACE_TRAILING, SD_SPACE_LINSPACE } sd_spacing;

typedef struct sd_sched_cfg {
    sd_sched_kind kind;
    sd_pred pred;
    sd_spacing spacing;
    int T, steps_offset, set_alpha_to_one;
    double beta_start, beta_end;
} sd_sched_cfg;

typedef struct sd_sched {
    sd_sched_cfg cfg;
    float *betas, *acp, *sig; /* [T] tables */
    int n;                    /* num_inference_steps */
    int ncalls;               /* model calls: n, or n + 1 for PNDM */
    float *ts;                /* [ncalls] timestep of each call (what the UNet gets) */
    float *sigmas;            /* Euler: [n + 1], last 0 */
    float init_sigma;
    /* PNDM state */
    float *ets[4], *cur;
    int nets, counter;
    size_t len;
} sd_sched;

/* Parse scheduler_config.json. class_override (e.g. "euler", "EulerDiscreteScheduler",
 * "euler_a", "ddim", "pndm") replaces _class_name; unknown classes or values are errors. */
int sd_sched_cfg_load(sd_sched_cfg *c, const char *path, const char *class_override, char *err,
                      size_t errlen);
/* The same from an already-parsed cJSON object (const void * keeps cJSON out of this header). */
int sd_sched_cfg_parse(sd_sched_cfg *c, const void *json, const char *class_override, char *err,
                       size_t errlen);
int sd_sched_init(sd_sched *s, const sd_sched_cfg *c, char *err, size_t errlen);
void sd_sched_free(sd_sched *s);
/* Timesteps for n steps; resets the multistep state. */
int sd_sched_set_timesteps(sd_sched *s, int n, char *err, size_t errlen);
/* First call index for img2img: N - min(int(N * strength), N). */
int sd_sched_img2img_start(const sd_sched *s, double strength);
/* Multiplier of scale_model_input at call k (1 for DDIM / PNDM). */
float sd_sched_c_in(const sd_sched *s, int k);
/* scale_model_input at call k: out = x / sqrt(sigma_k^2 + 1) (a copy for DDIM / PNDM). */
void sd_sched_scale_input(const sd_sched *s, int k, const float *x, float *out, size_t len);
/* One update in place: x <- step(model_out, ts[k], x). noise: [len] N(0,1) (Euler ancestral
 * only; may be NULL otherwise). */
void sd_sched_step(sd_sched *s, int k, const float *model_out, float *x, size_t len, const float *noise);
/* img2img noising at call k: Euler x0 + sigma_k * noise; DDIM / PNDM sqrt(acp) x0 + sqrt(1-acp) noise. */
void sd_sched_add_noise(const sd_sched *s, int k, const float *x0, const float *noise, float *out, size_t len);
int sd_sched_needs_noise(const sd_sched *s);

#endif
