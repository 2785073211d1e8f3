/* bench_loop.c — issue 3 targets for the whole challenge loop:
 *   1. a challenge to 256 loopback demo miners that each answer after 50 ms:
 *      dispatch -> scored (dendrite round + history + scorers + EMA), target <= 70 ms;
 *   2. resident memory of `proctor run` with local_folder, the natix scorer and 256 miners:
 *      target <= 30 MB (peak RSS of the process, ru_maxrss).
 * Both run `proctor run` (the real binary) on a generated pipeline; the first reads the
 * per-challenge "dispatch_to_scored_ms" from the audit log. Prints medians. */
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
    char images[4200], yaml_path[4200];
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
    size_t cap = 1 << 16, len = 0;
    char *y = malloc(cap);
    len += (size_t)snprintf(y + len, cap - len,
        "cache: {root: \"%s/cache\"}\n"
        "challenge: {interval: 0s, fake_prob: 0, state_dir: \"%s/state\", epoch: 0, seed: 7}\n"
        "miners:\n  sample_size: %d\n  timeout: 2s\n  neurons:\n", tmp, tmp, MINERS);
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
    snprintf(yaml_path, sizeof yaml_path, "%s/pipeline.yaml", tmp);
    pc_write_atomic(yaml_path, y, len, err, sizeof err);
    free(y);

    /* prefill the cache so the first challenge has an image */
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
    int status;
    struct rusage ru;
    long hwm_kb = 0;
    for (;;) {
        char sp[64], line[256];
        snprintf(sp, sizeof sp, "/proc/%d/status", (int)pid);
        FILE *st = fopen(sp, "r");
        while (st && fgets(line, sizeof line, st))
            if (!strncmp(line, "VmHWM:", 6)) {
                long v = atol(line + 6);
                if (v > hwm_kb) hwm_kb = v;
            }
        if (st) fclose(st);
        if (wait4(pid, &status, WNOHANG, &ru) == pid) break;
        usleep(20000);
    }
    pc_demo_miner_stop(miner);

    char audit[4200];
    snprintf(audit, sizeof audit, "%s/state/audit.jsonl", tmp);
    size_t alen = 0;
    char *text = pc_read_file(audit, 64u << 20, &alen);
    double ms[STEPS], tick[STEPS];
    int n = 0, answered_min = MINERS;
    for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l && n < STEPS; l = strtok_r(NULL, "\n", &save)) {
        cJSON *doc = cJSON_Parse(l);
        const cJSON *d = cJSON_GetObjectItem(doc, "dispatch_to_scored_ms");
        const cJSON *m = cJSON_GetObjectItem(doc, "miners");
        const cJSON *t = cJSON_GetObjectItem(doc, "tick_to_dispatch_ms");
        if (cJSON_IsNumber(d)) {
            tick[n] = cJSON_IsNumber(t) ? t->valuedouble : -1;
            ms[n++] = d->valuedouble;
            int answered = 0;
            const cJSON *x;
            cJSON_ArrayForEach(x, m) if (cJSON_GetObjectItem(x, "prediction")->valuedouble >= 0) answered++;
            if (answered < answered_min) answered_min = answered;
        }
        cJSON_Delete(doc);
    }
    free(text);
    if (!n) {
        fprintf(stderr, "bench_loop: no challenge ran (exit status %d); see %s\n", status, tmp);
        return 1;
    }
    bench_sort(ms, (size_t)n);
    bench_sort(tick, (size_t)n);
    printf("challenge to %d loopback miners (50 ms each): dispatch->scored median %.1f ms, "
           "min %.1f, max %.1f over %d challenges (target <= 70 ms); fewest answers %d/%d\n",
           MINERS, ms[n / 2], ms[0], ms[n - 1], n, answered_min, MINERS);
    /* the first challenge prepares at its tick (nothing was prepared before it) */
    printf("tick->dispatch (%dx%d photos): median %.2f ms, min %.2f, max %.2f over %d challenges\n", w, h,
           tick[n / 2], tick[0], tick[n - 1], n);
    printf("proctor run (local_folder + natix scorer + %d miners): validator process peak RSS %.1f MB "
           "(target <= 30 MB); largest process of the tree incl. workers %.1f MB\n",
           MINERS, hwm_kb / 1024.0, ru.ru_maxrss / 1024.0);
    if (getenv("BENCH_KEEP")) printf("kept %s\n", tmp);
    else pc_demo_rmtree(tmp);
    free(tmp);
    return 0;
}
