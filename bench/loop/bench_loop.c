/* bench_loop.c — issue 3 targets for the whole challenge loop:
 *   1. a challenge to 256 loopback demo miners that each answer after 50 ms:
 *      dispatch -> scored (dendrite round + history + scorers + EMA), target <= 70 ms;
 *   2. resident memory of `proctor run` with local_folder, the natix scorer and 256 miners:
 *      target <= 30 MB (peak RSS of the process, ru_maxrss);
 *   3. tick -> dispatch (issue 12): the image prepared at the tick (interval 0: no interval to
 *      prepare in, what every challenge did before) vs during the interval (interval 0.25 s),
 *      side by side in one run. BENCH_LOOP_SIZE=4000x3000 for 12 MP photos (default 1920x1080).
 * Every run is `proctor run` (the real binary) on a generated pipeline, read back from the
 * per-challenge "dispatch_to_scored_ms" / "tick_to_dispatch_ms" of the audit log. Medians. */
#define _GNU_SOURCE
#include "../bench.h"
#include "base/clock.h"
#include "cli/demo_env.h"
#include "base/fsutil.h"
#include "image/image.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MINERS 256
#define STEPS 25

/* A few JPEGs (gradients, 1920x1080 or BENCH_LOOP_SIZE=WxH) so local_folder has something real
 * to import. */
static void make_images(const char *dir, int w, int h)
{
    char path[4400], err[256];
    snprintf(path, sizeof path, "%s/roadwork", dir);
    pc_mkdirs(path);
    snprintf(path, sizeof path, "%s/none", dir);
    pc_mkdirs(path);
    for (int i = 0; i < 8; i++) {
        proctor_image img;
        pc_image_alloc(&img, w, h, 3, err, sizeof err);
        for (int y = 0; y < img.height; y++)
            for (int x = 0; x < img.width; x++) {
                uint8_t *p = img.pixels + y * img.stride + x * 3;
                p[0] = (uint8_t)(x * 255 / w), p[1] = (uint8_t)(y * 255 / h), p[2] = (uint8_t)(i * 30);
            }
        void *jpg;
        size_t len;
        pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 85, &jpg, &len, err, sizeof err);
        snprintf(path, sizeof path, "%s/%s/img_%d.jpg", dir, i % 2 ? "roadwork" : "none", i);
        pc_write_atomic(path, jpg, len, err, sizeof err);
        free(jpg);
        pc_image_free(&img);
    }
}

typedef struct run_stats {
    int n, answered_min, status;
    double scored[STEPS], tick[STEPS];
    long hwm_kb, tree_kb;
} run_stats;

/* One `proctor run -n STEPS` with this challenge interval; 0 or -1 with a message. */
static int run_once(const char *proctor, const char *tmp, const char *images, const int *ports,
                    const char *interval, const char *tag, run_stats *st)
{
    char err[512], yaml_path[4200];
    size_t cap = 1 << 16, len = 0;
    char *y = malloc(cap);
    if (!y) return -1;
    len += (size_t)snprintf(y + len, cap - len,
        "cache: {root: \"%s/cache\"}\n"
        "challenge: {interval: %s, fake_prob: 0, state_dir: \"%s/state-%s\", epoch: 0, seed: 7}\n"
        "miners:\n  sample_size: %d\n  timeout: 2s\n  neurons:\n", tmp, interval, tmp, tag, MINERS);
    for (int i = 0; i < MINERS; i++) {
        char hk[49], name[32];
        snprintf(name, sizeof name, "bench-%d", i);
        pc_demo_hotkey(name, hk);
        len += (size_t)snprintf(y + len, cap - len, "    - {uid: %d, hotkey: %s, ip: 127.0.0.1, port: %d}\n", i, hk,
                                ports[i]);
    }
    len += (size_t)snprintf(y + len, cap - len,
        "sources:\n  - {name: images, plugin: local_folder, path: \"%s\", interval: 1h}\n"
        "scorers:\n  - {plugin: natix}\n", images);
    snprintf(yaml_path, sizeof yaml_path, "%s/pipeline-%s.yaml", tmp, tag);
    pc_write_atomic(yaml_path, y, len, err, sizeof err);
    free(y);

    /* prefill the cache so the first challenge has an image (the second run finds it full) */
    pid_t pid = fork();
    if (pid == 0) {
        execl(proctor, "proctor", "worker", "images", "-c", yaml_path, (char *)NULL);
        _exit(127);
    }
    sleep(2);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);

    char steps[16];
    snprintf(steps, sizeof steps, "%d", STEPS);
    pid = fork();
    if (pid == 0) {
        setenv("PROCTOR_LOG", "warning", 1);
        execl(proctor, "proctor", "run", "-c", yaml_path, "-n", steps, (char *)NULL);
        _exit(127);
    }
    /* peak RSS of the validator process itself (VmHWM), sampled until it exits; the worker
     * processes it supervises are reported by the rusage of the whole tree */
    struct rusage ru;
    memset(st, 0, sizeof *st);
    for (;;) {
        char sp[64], line[256];
        snprintf(sp, sizeof sp, "/proc/%d/status", (int)pid);
        FILE *f = fopen(sp, "r");
        while (f && fgets(line, sizeof line, f))
            if (!strncmp(line, "VmHWM:", 6)) {
                long v = atol(line + 6);
                if (v > st->hwm_kb) st->hwm_kb = v;
            }
        if (f) fclose(f);
        if (wait4(pid, &st->status, WNOHANG, &ru) == pid) break;
        usleep(20000);
    }
    st->tree_kb = ru.ru_maxrss;

    char audit[4200];
    snprintf(audit, sizeof audit, "%s/state-%s/audit.jsonl", tmp, tag);
    size_t alen = 0;
    char *text = pc_read_file(audit, 64u << 20, &alen);
    st->answered_min = MINERS;
    for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l && st->n < STEPS;
         l = strtok_r(NULL, "\n", &save)) {
        cJSON *doc = cJSON_Parse(l);
        const cJSON *d = cJSON_GetObjectItem(doc, "dispatch_to_scored_ms");
        const cJSON *m = cJSON_GetObjectItem(doc, "miners");
        const cJSON *t = cJSON_GetObjectItem(doc, "tick_to_dispatch_ms");
        if (cJSON_IsNumber(d)) {
            st->tick[st->n] = cJSON_IsNumber(t) ? t->valuedouble : -1;
            st->scored[st->n++] = d->valuedouble;
            int answered = 0;
            const cJSON *x;
            cJSON_ArrayForEach(x, m) if (cJSON_GetObjectItem(x, "prediction")->valuedouble >= 0) answered++;
            if (answered < st->answered_min) st->answered_min = answered;
        }
        cJSON_Delete(doc);
    }
    free(text);
    if (!st->n) {
        fprintf(stderr, "bench_loop: no challenge ran (interval %s, exit status %d); see %s\n", interval,
                st->status, tmp);
        return -1;
    }
    bench_sort(st->scored, (size_t)st->n);
    /* the first challenge is prepared at its tick in both runs (nothing came before it) */
    bench_sort(st->tick + 1, (size_t)st->n - 1);
    return 0;
}

int main(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    const char *build = getenv("PROCTOR_BUILD");
    char proctor[4096], err[512];
    snprintf(proctor, sizeof proctor, "%s/proctor", build ? build : "build");
    char *tmp = pc_demo_mkdtemp("bench-loop");
    char images[4200];
    snprintf(images, sizeof images, "%s/images", tmp);
    int w = 1920, h = 1080;
    const char *size = getenv("BENCH_LOOP_SIZE");
    if (size && (sscanf(size, "%dx%d", &w, &h) != 2 || w < 16 || h < 16 || w > 8000 || h > 8000)) {
        fprintf(stderr, "bench_loop: BENCH_LOOP_SIZE=%s: expected WxH, e.g. 4000x3000\n", size);
        return 2;
    }
    make_images(images, w, h);
    /* one demo_miner process serving 256 ports, each answering after 50 ms */
    /* --random: the miners answer without decoding, so the bench measures the validator side */
    const char *args[] = {"--count", "256", "--latency", "50", "--random", NULL};
    int ports[MINERS];
    size_t nports = 0;
    pid_t miner = pc_demo_miner_start_ports(args, ports, MINERS, &nports, err, sizeof err);
    if (miner < 0 || nports != MINERS) {
        if (miner > 0) snprintf(err, sizeof err, "the miner opened %zu ports, not %d", nports, MINERS);
        fprintf(stderr, "bench_loop: %s\n", err);
        return 1;
    }
    run_stats at_tick, ahead;
    int rc = run_once(proctor, tmp, images, ports, "0s", "at-tick", &at_tick);
    if (rc == 0) rc = run_once(proctor, tmp, images, ports, "0.25s", "ahead", &ahead);
    pc_demo_miner_stop(miner);
    if (rc != 0) return 1;

    const run_stats *a = &at_tick;
    printf("challenge to %d loopback miners (50 ms each): dispatch->scored median %.1f ms, "
           "min %.1f, max %.1f over %d challenges (target <= 70 ms); fewest answers %d/%d\n",
           MINERS, a->scored[a->n / 2], a->scored[0], a->scored[a->n - 1], a->n, a->answered_min, MINERS);
    printf("proctor run (local_folder + natix scorer + %d miners): validator process peak RSS %.1f MB "
           "(target <= 30 MB); largest process of the tree incl. workers %.1f MB\n",
           MINERS, a->hwm_kb / 1024.0, a->tree_kb / 1024.0);
    double t_at = a->tick[1 + (a->n - 1) / 2], t_ahead = ahead.tick[1 + (ahead.n - 1) / 2];
    printf("tick->dispatch, %dx%d photos, challenges 2..%d: prepared at the tick (interval 0) median %.2f ms "
           "[%.2f..%.2f]; prepared during the interval (0.25 s) median %.2f ms [%.2f..%.2f]; ratio %.1fx\n",
           w, h, a->n, t_at, a->tick[1], a->tick[a->n - 1], t_ahead, ahead.tick[1], ahead.tick[ahead.n - 1],
           t_ahead > 0 ? t_at / t_ahead : 0.0);
    if (getenv("BENCH_KEEP")) printf("kept %s\n", tmp);
    else pc_demo_rmtree(tmp);
    free(tmp);
    return 0;
}
