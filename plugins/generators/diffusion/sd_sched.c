/* sd_sched.c — see sd_sched.h. */
#include "sd_sched.h"
#include "sd_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int class_of(const char *s, sd_sched_kind *k)
{
    static const struct { const char *name; sd_sched_kind k; } tab[] = {
        {"EulerDiscreteScheduler", SD_EULER}, {"euler", SD_EULER},
        {"EulerAncestralDiscreteScheduler", SD_EULER_A}, {"euler_a", SD_EULER_A}, {"euler_ancestral", SD_EULER_A},
        {"DDIMScheduler", SD_DDIM}, {"ddim", SD_DDIM},
        {"PNDMScheduler", SD_PNDM}, {"pndm", SD_PNDM}, {"plms", SD_PNDM},
    };
    for (size_t i = 0; s && i < sizeof tab / sizeof tab[0]; i++)
        if (strcasecmp(s, tab[i].name) == 0) {
            *k = tab[i].k;
            return 0;
        }
    return -1;
}

int sd_sched_cfg_parse(sd_sched_cfg *c, const void *json, const char *class_override, char *err, size_t errlen)
{
    const cJSON *j = json;
    memset(c, 0, sizeof *c);
    const char *cls = class_override && *class_override ? class_override : sd_json_str(j, "_class_name");
    if (class_of(cls, &c->kind) != 0) {
        snprintf(err, errlen, "unknown scheduler \"%s\" (supported: euler, euler_a, ddim, pndm)", cls ? cls : "(none)");
        return -1;
    }
    const char *bs = sd_json_str(j, "beta_schedule");
    if (bs && strcmp(bs, "scaled_linear") != 0) {
        snprintf(err, errlen, "unsupported beta_schedule \"%s\" (supported: scaled_linear)", bs);
        return -1;
    }
    if (!sd_json_is_null(j, "trained_betas") || sd_json_bool(j, "use_karras_sigmas", 0) ||
        sd_json_bool(j, "clip_sample", 0) || sd_json_bool(j, "thresholding", 0) ||
        sd_json_bool(j, "rescale_betas_zero_snr", 0) || sd_json_bool(j, "use_exponential_sigmas", 0) ||
        sd_json_bool(j, "use_beta_sigmas", 0)) {
        snprintf(err, errlen, "unsupported scheduler option (trained_betas, karras/exponential/beta sigmas, "
                 "clip_sample, thresholding or zero-SNR rescaling)");
        return -1;
    }
    const char *it = sd_json_str(j, "interpolation_type");
    if (it && strcmp(it, "linear") != 0) {
        snprintf(err, errlen, "unsupported interpolation_type \"%s\"", it);
        return -1;
    }
    const char *pt = sd_json_str(j, "prediction_type");
    if (!pt || strcmp(pt, "epsilon") == 0) c->pred = SD_PRED_EPS;
    else if (strcmp(pt, "v_prediction") == 0) c->pred = SD_PRED_V;
    else {
        snprintf(err, errlen, "unsupported prediction_type \"%s\" (supported: epsilon, v_prediction)", pt);
        return -1;
    }
    /* each class's default spacing when the key is absent (Euler: linspace, others: leading) */
    const char *sp = sd_json_str(j, "timestep_spacing");
    if (!sp) c->spacing = (c->kind == SD_EULER || c->kind == SD_EULER_A) ? SD_SPACE_LINSPACE : SD_SPACE_LEADING;
    else if (strcmp(sp, "leading") == 0) c->spacing = SD_SPACE_LEADING;
    else if (strcmp(sp, "trailing") == 0) c->spacing = SD_SPACE_TRAILING;
    else if (strcmp(sp, "linspace") == 0) c->spacing = SD_SPACE_LINSPACE;
    else {
        snprintf(err, errlen, "unsupported timestep_spacing \"%s\"", sp);
        return -1;
    }
    if (c->kind == SD_PNDM && !sd_json_bool(j, "skip_prk_steps", 0)) {
        snprintf(err, errlen, "PNDM with Runge-Kutta warm-up steps (skip_prk_steps false) is not supported");
        return -1;
    }
    c->T = (int)sd_json_num(j, "num_train_timesteps", 1000);
    c->steps_offset = (int)sd_json_num(j, "steps_offset", 0);
    c->set_alpha_to_one = sd_json_bool(j, "set_alpha_to_one", c->kind == SD_DDIM || c->kind == SD_PNDM ? 1 : 0);
    c->beta_start = sd_json_num(j, "beta_start", 0.0001);
    c->beta_end = sd_json_num(j, "beta_end", 0.02);
    if (c->T < 2 || c->T > 100000 || c->steps_offset < 0 || c->steps_offset >= c->T || !(c->beta_start > 0) ||
        !(c->beta_end > c->beta_start) || c->beta_end >= 1) {
        snprintf(err, errlen, "bad num_train_timesteps / steps_offset / beta_start / beta_end");
        return -1;
    }
    return 0;
}

int sd_sched_cfg_load(sd_sched_cfg *c, const char *path, const char *class_override, char *err, size_t errlen)
{
    cJSON *j = sd_json_load(path, err, errlen);
    if (!j) return -1;
    char e2[400];
    int rc = sd_sched_cfg_parse(c, j, class_override, e2, sizeof e2);
    if (rc) snprintf(err, errlen, "%s: %s", path, e2);
    cJSON_Delete(j);
    return rc;
}

int sd_sched_init(sd_sched *s, const sd_sched_cfg *c, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->cfg = *c;
    int T = c->T;
    s->betas = malloc(sizeof(float) * T);
    s->acp = malloc(sizeof(float) * T);
    s->sig = malloc(sizeof(float) * T);
    if (!s->betas || !s->acp || !s->sig) {
        snprintf(err, errlen, "out of memory");
        sd_sched_free(s);
        return -1;
    }
    /* torch.linspace(sqrt(b0), sqrt(b1), T) in float32, squared. torch fills 8-wide vectors
     * as base + k*step with base from the lower end (first half) or the upper end, and a
     * vector straddling the midpoint uses the lower-end base, and its AVX2 build fuses the
     * base computation into an FMA; emulated for bit-equal betas. */
    float a = (float)sqrt(c->beta_start), b = (float)sqrt(c->beta_end), step = (b - a) / (float)(T - 1);
    double prod = 1.0; /* torch.cumprod accumulates float32 in double */
    for (int i = 0; i < T; i++) {
        int i0 = i - i % 8, k = i % 8;
        float base = i0 < T / 2 ? fmaf(step, (float)i0, a) : fmaf(-step, (float)(T - i0 - 1), b);
        float v = (T - i0 >= 8) ? base + (float)k * step
                                : (i < T / 2 ? a + step * (float)i : b - step * (float)(T - 1 - i));
        s->betas[i] = v * v;
        prod *= (double)(1.0f - s->betas[i]);
        s->acp[i] = (float)prod;
        s->sig[i] = sqrtf((1.0f - s->acp[i]) / s->acp[i]);
    }
    return 0;
}

void sd_sched_free(sd_sched *s)
{
    free(s->betas), free(s->acp), free(s->sig), free(s->ts), free(s->sigmas);
    for (int i = 0; i < 4; i++) free(s->ets[i]);
    free(s->cur);
    memset(s, 0, sizeof *s);
}

/* numpy round: half to even */
static double rint_even(double x) { return nearbyint(x); }

/* descending timesteps (float64) for n steps */
static void spaced(const sd_sched_cfg *c, int n, double *t)
{
    int T = c->T;
    for (int i = 0; i < n; i++) {
        int k = n - 1 - i; /* ascending index */
        double v;
        if (c->spacing == SD_SPACE_LEADING) {
            v = rint_even((double)k * (T / n)) + c->steps_offset;
        } else if (c->spacing == SD_SPACE_TRAILING) {
            v = rint_even((double)T - (double)i * ((double)T / n)) - 1.0;
        } else {
            v = n == 1 ? 0.0 : (double)(T - 1) * k / (n - 1);
        }
        t[i] = v;
    }
}

int sd_sched_set_timesteps(sd_sched *s, int n, char *err, size_t errlen)
{
    if (n < 1 || n > s->cfg.T) {
        snprintf(err, errlen, "steps must be in 1..%d (got %d)", s->cfg.T, n);
        return -1;
    }
    free(s->ts), free(s->sigmas);
    for (int i = 0; i < 4; i++) free(s->ets[i]), s->ets[i] = NULL;
    free(s->cur);
    s->cur = NULL, s->nets = 0, s->counter = 0, s->len = 0;
    s->n = n;
    double *t = malloc(sizeof(double) * (n + 1));
    spaced(&s->cfg, n, t);
    s->ncalls = s->cfg.kind == SD_PNDM && n > 1 ? n + 1 : n;
    s->ts = malloc(sizeof(float) * (s->ncalls + 1));
    s->sigmas = calloc((size_t)n + 1, sizeof(float));
    if (s->cfg.kind == SD_EULER || s->cfg.kind == SD_EULER_A) {
        float mx = 0;
        for (int i = 0; i < n; i++) {
            /* leading/trailing timesteps are float32 integers, linspace keeps float64 here */
            double tv = s->cfg.spacing == SD_SPACE_LINSPACE ? t[i] : (double)(float)t[i];
            s->ts[i] = (float)tv;
            double lo = floor(tv);
            int i0 = (int)lo;
            if (i0 < 0) i0 = 0;
            if (i0 > s->cfg.T - 1) i0 = s->cfg.T - 1;
            int i1 = i0 + 1 < s->cfg.T ? i0 + 1 : i0;
            double f = tv - i0;
            s->sigmas[i] = (float)((double)s->sig[i0] + f * ((double)s->sig[i1] - (double)s->sig[i0]));
            if (s->sigmas[i] > mx) mx = s->sigmas[i];
        }
        s->sigmas[n] = 0.0f;
        s->init_sigma = s->cfg.spacing == SD_SPACE_LEADING ? sqrtf(mx * mx + 1.0f) : mx;
    } else {
        /* DDIM / PNDM: integer timesteps (linspace rounds) */
        for (int i = 0; i < n; i++) {
            double v = s->cfg.spacing == SD_SPACE_LINSPACE ? rint_even(t[i]) : t[i];
            t[i] = v;
        }
        if (s->cfg.kind == SD_PNDM && n > 1) { /* PLMS: t0, t1, t1, t2, ... */
            s->ts[0] = (float)t[0];
            for (int i = 1; i < n; i++) s->ts[i + 1] = (float)t[i];
            s->ts[1] = (float)t[1];
        } else {
            for (int i = 0; i < n; i++) s->ts[i] = (float)t[i];
        }
        s->init_sigma = 1.0f;
    }
    free(t);
    for (int i = 0; i < s->ncalls; i++)
        if (s->ts[i] < 0 || s->ts[i] > s->cfg.T - 1) {
            snprintf(err, errlen, "timestep %g outside 0..%d (steps_offset too large?)", s->ts[i], s->cfg.T - 1);
            return -1;
        }
    return 0;
}

int sd_sched_img2img_start(const sd_sched *s, double strength)
{
    int init = (int)(s->n * strength);
    if (init > s->n) init = s->n;
    if (init < 0) init = 0;
    int start = s->n - init;
    return start < 0 ? 0 : start;
}

float sd_sched_c_in(const sd_sched *s, int k)
{
    if (s->cfg.kind != SD_EULER && s->cfg.kind != SD_EULER_A) return 1.0f;
    float sg = s->sigmas[k];
    return 1.0f / sqrtf(sg * sg + 1.0f);
}

void sd_sched_scale_input(const sd_sched *s, int k, const float *x, float *out, size_t len)
{
    if (s->cfg.kind != SD_EULER && s->cfg.kind != SD_EULER_A) {
        memmove(out, x, len * sizeof(float));
        return;
    }
    float sg = s->sigmas[k], d = sqrtf(sg * sg + 1.0f);
    for (size_t i = 0; i < len; i++) out[i] = x[i] / d;
}

int sd_sched_needs_noise(const sd_sched *s) { return s->cfg.kind == SD_EULER_A; }

static float acp_at(const sd_sched *s, int t)
{
    if (t < 0) return s->cfg.set_alpha_to_one ? 1.0f : s->acp[0];
    return s->acp[t];
}

static void euler_step(sd_sched *s, int k, const float *e, float *x, size_t len, const float *noise)
{
    float sg = s->sigmas[k], next = s->sigmas[k + 1];
    float vs = -sg / sqrtf(sg * sg + 1.0f), vx = sg * sg + 1.0f;
    float up = 0, down = next;
    if (s->cfg.kind == SD_EULER_A) {
        up = sqrtf(next * next * (sg * sg - next * next) / (sg * sg));
        down = sqrtf(next * next - up * up);
    }
    float dt = down - sg;
    for (size_t i = 0; i < len; i++) {
        float x0 = s->cfg.pred == SD_PRED_EPS ? x[i] - sg * e[i] : e[i] * vs + x[i] / vx;
        float d = (x[i] - x0) / sg;
        float p = x[i] + d * dt;
        if (s->cfg.kind == SD_EULER_A && noise) p = p + noise[i] * up;
        x[i] = p;
    }
}

static void ddim_step(sd_sched *s, int k, const float *e, float *x, size_t len)
{
    int t = (int)s->ts[k], prev = t - s->cfg.T / s->n;
    float a = s->acp[t], ap = acp_at(s, prev), bt = 1.0f - a;
    float sa = sqrtf(a), sb = sqrtf(bt), sap = sqrtf(ap), dir = sqrtf(1.0f - ap);
    for (size_t i = 0; i < len; i++) {
        float x0, eps;
        if (s->cfg.pred == SD_PRED_EPS) {
            x0 = (x[i] - sb * e[i]) / sa;
            eps = e[i];
        } else {
            x0 = sa * x[i] - sb * e[i];
            eps = sa * e[i] + sb * x[i];
        }
        x[i] = sap * x0 + dir * eps;
    }
}

/* PNDM's _get_prev_sample */
static void pndm_transfer(const sd_sched *s, const float *x, int t, int prev, const float *e, float *out, size_t len)
{
    float a = s->acp[t], ap = acp_at(s, prev), bt = 1.0f - a, bp = 1.0f - ap;
    float sc = sqrtf(ap / a), den = a * sqrtf(bp) + sqrtf(a * bt * ap), diff = ap - a;
    for (size_t i = 0; i < len; i++) {
        float m = e[i];
        if (s->cfg.pred == SD_PRED_V) m = sqrtf(a) * m + sqrtf(bt) * x[i];
        out[i] = sc * x[i] - diff * m / den;
    }
}

static void pndm_step(sd_sched *s, int k, const float *e, float *x, size_t len)
{
    int ratio = s->cfg.T / s->n, t = (int)s->ts[k], prev = t - ratio;
    if (s->len != len) { /* first use (or size change): fresh history */
        for (int i = 0; i < 4; i++) free(s->ets[i]), s->ets[i] = NULL;
        free(s->cur);
        s->cur = NULL, s->nets = 0, s->counter = 0, s->len = len;
    }
    if (s->counter != 1) {
        if (s->nets == 4) { /* keep the last 3, then append */
            float *old = s->ets[0];
            memmove(s->ets, s->ets + 1, 3 * sizeof *s->ets);
            s->ets[3] = old;
            s->nets = 3;
        }
        if (!s->ets[s->nets]) s->ets[s->nets] = malloc(len * sizeof(float));
        memcpy(s->ets[s->nets++], e, len * sizeof(float));
    } else {
        prev = t;
        t = t + ratio;
    }
    float *m = malloc(len * sizeof(float));
    float *const *E = s->ets;
    int n = s->nets;
    const float *sample = x;
    if (n == 1 && s->counter == 0) {
        memcpy(m, e, len * sizeof(float));
        if (!s->cur) s->cur = malloc(len * sizeof(float));
        memcpy(s->cur, x, len * sizeof(float));
    } else if (n == 1 && s->counter == 1) {
        for (size_t i = 0; i < len; i++) m[i] = (e[i] + E[0][i]) / 2.0f;
        sample = s->cur;
    } else if (n == 2) {
        for (size_t i = 0; i < len; i++) m[i] = (3.0f * E[1][i] - E[0][i]) / 2.0f;
    } else if (n == 3) {
        for (size_t i = 0; i < len; i++) m[i] = (23.0f * E[2][i] - 16.0f * E[1][i] + 5.0f * E[0][i]) / 12.0f;
    } else {
        for (size_t i = 0; i < len; i++)
            m[i] = (1.0f / 24.0f) * (55.0f * E[3][i] - 59.0f * E[2][i] + 37.0f * E[1][i] - 9.0f * E[0][i]);
    }
    pndm_transfer(s, sample, t, prev, m, x, len);
    free(m);
    s->counter++;
}

void sd_sched_step(sd_sched *s, int k, const float *model_out, float *x, size_t len, const float *noise)
{
    switch (s->cfg.kind) {
    case SD_EULER:
    case SD_EULER_A: euler_step(s, k, model_out, x, len, noise); break;
    case SD_DDIM: ddim_step(s, k, model_out, x, len); break;
    case SD_PNDM: pndm_step(s, k, model_out, x, len); break;
    }
}

void sd_sched_add_noise(const sd_sched *s, int k, const float *x0, const float *noise, float *out, size_t len)
{
    if (s->cfg.kind == SD_EULER || s->cfg.kind == SD_EULER_A) {
        float sg = s->sigmas[k];
        for (size_t i = 0; i < len; i++) out[i] = x0[i] + noise[i] * sg;
    } else {
        float a = s->acp[(int)s->ts[k]], sa = sqrtf(a), sb = sqrtf(1.0f - a);
        for (size_t i = 0; i < len; i++) out[i] = sa * x0[i] + sb * noise[i];
    }
}
