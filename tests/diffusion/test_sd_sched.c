/* test_sd_sched.c — scheduler goldens: beta / alpha-cumprod / sigma tables; Euler leading,
 * trailing and linspace timesteps, sigmas, init_noise_sigma and input scaling; DDIM and PNDM
 * timestep lists; img2img start for strength 0.7; single steps (Euler eps / v, Euler
 * ancestral with given noise, DDIM eps / v), a 6-call PNDM history and add_noise; plus
 * config errors (unknown class, unknown prediction type). */
#include "../tap.h"
#include "golden.h"
#include "sd_json.h"
#include "sd_sched.h"

#define SF "golden/schedulers.safetensors"

static int make(sd_sched *s, const char *case_id, const char *pred_override, int n)
{
    const cJSON *c = gold_case(case_id);
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "inputs"), "config");
    if (!cfg) {
        ok(0, "config of %s", case_id);
        return -1;
    }
    cJSON *copy = cJSON_Duplicate(cfg, 1);
    if (pred_override) {
        cJSON_DeleteItemFromObject(copy, "prediction_type");
        cJSON_AddStringToObject(copy, "prediction_type", pred_override);
    }
    sd_sched_cfg sc;
    char err[512];
    int rc = sd_sched_cfg_parse(&sc, copy, NULL, err, sizeof err);
    cJSON_Delete(copy);
    if (rc == 0) rc = sd_sched_init(s, &sc, err, sizeof err);
    if (rc == 0) rc = sd_sched_set_timesteps(s, n, err, sizeof err);
    if (!ok(rc == 0, "scheduler from %s (%d steps)", case_id, n)) diag("%s", err);
    return rc;
}

static void tables(void)
{
    sd_sched s;
    if (make(&s, "scheduler/euler_leading_25", NULL, 25)) return;
    const cJSON *c = gold_case("scheduler/tables");
    gold_check(c, "betas", s.betas, 1000);
    gold_check(c, "alphas_cumprod", s.acp, 1000);
    gold_check(c, "sigmas_train", s.sig, 1000);
    sd_sched_free(&s);
}

static void euler_lists(const char *name, int n)
{
    char id[128];
    snprintf(id, sizeof id, "scheduler/%s", name);
    sd_sched s;
    if (make(&s, id, NULL, n)) return;
    const cJSON *c = gold_case(id);
    gold_check(c, "timesteps", s.ts, n);
    gold_check(c, "sigmas", s.sigmas, n + 1);
    gold_check(c, "init_noise_sigma", &s.init_sigma, 1);
    float cin[64];
    for (int i = 0; i < n; i++) cin[i] = sd_sched_c_in(&s, i);
    gold_check(c, "c_in", cin, n);
    sd_sched_free(&s);
}

static void int_lists(void)
{
    sd_sched s;
    if (make(&s, "scheduler/ddim_25", NULL, 25) == 0) {
        const cJSON *c = gold_case("scheduler/ddim_25");
        gold_check(c, "timesteps", s.ts, s.ncalls);
        float fa = s.cfg.set_alpha_to_one ? 1.0f : s.acp[0];
        gold_check(c, "final_alpha_cumprod", &fa, 1);
        sd_sched_free(&s);
    }
    if (make(&s, "scheduler/pndm_25", NULL, 25) == 0) {
        is_int(s.ncalls, 26, "PNDM 25 steps = 26 model calls");
        gold_check(gold_case("scheduler/pndm_25"), "timesteps", s.ts, s.ncalls);
        sd_sched_free(&s);
    }
    const char *i2i[2] = {"scheduler/img2img_euler_25_s0.7", "scheduler/img2img_euler_4_s0.7"};
    int ns[2] = {25, 4};
    for (int k = 0; k < 2; k++) {
        if (make(&s, i2i[k], NULL, ns[k])) continue;
        int st = sd_sched_img2img_start(&s, 0.7);
        const cJSON *c = gold_case(i2i[k]);
        is_int(st, (int)sd_json_num(cJSON_GetObjectItemCaseSensitive(c, "inputs"), "t_start", -1), "%s t_start", i2i[k]);
        gold_check(c, "timesteps_run", s.ts + st, s.ncalls - st);
        gold_check(c, "noise_sigma", &s.sigmas[st], 1);
        sd_sched_free(&s);
    }
}

static void steps(void)
{
    int64_t n = 0;
    float *x = gold_tensor(SF, "step.sample", &n, NULL, NULL), *e = gold_tensor(SF, "step.model_output", NULL, NULL, NULL);
    if (!x || !e) return;
    float *y = malloc(sizeof(float) * n);
    sd_sched s;
    const char *ids[3] = {"scheduler/euler_step_eps_k0", "scheduler/euler_step_eps_k12", "scheduler/euler_step_eps_k24"};
    int ks[3] = {0, 12, 24};
    if (make(&s, "scheduler/euler_leading_25", NULL, 25) == 0) {
        for (int i = 0; i < 3; i++) {
            const cJSON *c = gold_case(ids[i]);
            sd_sched_scale_input(&s, ks[i], x, y, (size_t)n);
            gold_check(c, "scaled_input", y, n);
            memcpy(y, x, sizeof(float) * n);
            sd_sched_step(&s, ks[i], e, y, (size_t)n, NULL);
            gold_check(c, "prev_sample", y, n);
        }
        /* add_noise (Euler, begin index 8) */
        float *x0 = malloc(sizeof(float) * n);
        for (int64_t i = 0; i < n; i++) x0[i] = x[i] / 3.0f;
        sd_sched_add_noise(&s, 8, x0, e, y, (size_t)n);
        gold_check(gold_case("scheduler/add_noise"), "euler", y, n);
        sd_sched_free(&s);
        if (make(&s, "scheduler/ddim_25", NULL, 25) == 0) {
            sd_sched_add_noise(&s, 8, x0, e, y, (size_t)n);
            gold_check(gold_case("scheduler/add_noise"), "ddim", y, n);
            sd_sched_free(&s);
        }
        free(x0);
    }
    if (make(&s, "scheduler/euler_leading_25", "v_prediction", 25) == 0) {
        memcpy(y, x, sizeof(float) * n);
        sd_sched_step(&s, 12, e, y, (size_t)n, NULL);
        gold_check(gold_case("scheduler/euler_step_v_k12"), "prev_sample", y, n);
        sd_sched_free(&s);
    }
    if (make(&s, "scheduler/euler_trailing_4", NULL, 4) == 0) {
        const char *aid[2] = {"scheduler/euler_ancestral_k0", "scheduler/euler_ancestral_k2"};
        int ak[2] = {0, 2};
        for (int i = 0; i < 2; i++) {
            const cJSON *c = gold_case(aid[i]);
            float *z = gold_input(c, "noise", NULL);
            memcpy(y, x, sizeof(float) * n);
            sd_sched_step(&s, ak[i], e, y, (size_t)n, z);
            gold_check(c, "prev_sample", y, n);
            free(z);
        }
        sd_sched_free(&s);
    }
    const char *pred[2] = {"epsilon", "v_prediction"}, *did[2] = {"scheduler/ddim_eps_k5", "scheduler/ddim_v_k5"};
    for (int i = 0; i < 2; i++) {
        if (make(&s, "scheduler/ddim_25", pred[i], 25)) continue;
        is_int((int)s.ts[5], 761, "DDIM 25 timestep index 5");
        memcpy(y, x, sizeof(float) * n);
        sd_sched_step(&s, 5, e, y, (size_t)n, NULL);
        gold_check(gold_case(did[i]), "prev_sample", y, n);
        sd_sched_free(&s);
    }
    if (make(&s, "scheduler/pndm_25", NULL, 25) == 0) {
        const cJSON *c = gold_case("scheduler/pndm_sequence");
        const cJSON *mo = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "inputs"), "model_outputs");
        memcpy(y, x, sizeof(float) * n);
        for (int k = 0; k < 6; k++) {
            float *m = gold_tensor(SF, cJSON_GetArrayItem(mo, k)->valuestring, NULL, NULL, NULL);
            if (!m) break;
            sd_sched_step(&s, k, m, y, (size_t)n, NULL);
            char role[32];
            snprintf(role, sizeof role, "after_call_%d", k);
            gold_check(c, role, y, n);
            free(m);
        }
        sd_sched_free(&s);
    }
    free(x), free(e), free(y);
}

static void bad_configs(void)
{
    sd_sched_cfg c;
    char err[512];
    cJSON *j = cJSON_Parse("{\"_class_name\": \"LMSDiscreteScheduler\"}");
    ok(sd_sched_cfg_parse(&c, j, NULL, err, sizeof err) != 0 && strstr(err, "LMSDiscreteScheduler"),
       "unknown scheduler class is refused by name (%s)", err);
    ok(sd_sched_cfg_parse(&c, j, "euler", err, sizeof err) == 0 && c.kind == SD_EULER, "class override");
    cJSON_Delete(j);
    j = cJSON_Parse("{\"_class_name\": \"DDIMScheduler\", \"prediction_type\": \"sample\"}");
    ok(sd_sched_cfg_parse(&c, j, NULL, err, sizeof err) != 0 && strstr(err, "prediction_type"),
       "unsupported prediction type is refused (%s)", err);
    cJSON_Delete(j);
}

int main(void)
{
    gold_init();
    tables();
    euler_lists("euler_leading_25", 25);
    euler_lists("euler_leading_4", 4);
    euler_lists("euler_trailing_1", 1);
    euler_lists("euler_trailing_2", 2);
    euler_lists("euler_trailing_4", 4);
    euler_lists("euler_linspace_3", 3);
    int_lists();
    steps();
    bad_configs();
    gold_done();
    return done_testing();
}
