/* demo_env.c — see demo_env.h. */
#define _GNU_SOURCE /* nftw */
#include "cli/demo_env.h"
#include "crypto/sr25519.h"
#include "crypto/ss58.h"
#include "base/fsutil.h"
#include "plugin/instance.h"
#include "run/producer.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *pc_demo_mkdtemp(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/proctor-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    return mkdtemp(path) ? strdup(path) : NULL;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

void pc_demo_rmtree(const char *path)
{
    if (path && strncmp(path, "/", 1) == 0 && strstr(path, "/proctor-"))
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *pc_demo_photos_dir(void)
{
    const char *env = getenv("PROCTOR_DEMO_PHOTOS");
    if (env && *env) return strdup(env);
    char dir[PATH_MAX], cand[PATH_MAX + 64];
    if (pc_self_dir(dir, sizeof dir) == 0) {
        const char *rel[] = {"/../demo/photos", "/../../demo/photos", "/../share/proctor/demo/photos"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(cand, sizeof cand, "%s%s", dir, rel[i]);
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) return realpath(cand, NULL);
        }
    }
#ifdef PROCTOR_PREFIX
    snprintf(cand, sizeof cand, "%s/share/proctor/demo/photos", PROCTOR_PREFIX);
    struct stat st;
    if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) return strdup(cand);
#endif
    return NULL;
}

static int miner_exe(char *out, size_t len)
{
    char dir[PATH_MAX];
    if (pc_self_dir(dir, sizeof dir) != 0) return -1;
    const char *names[] = {"/demo_miner", "/../demo_miner", "/proctor-demo_miner"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(out, len, "%s%s", dir, names[i]);
        if (access(out, X_OK) == 0) return 0;
    }
    return -1;
}

pid_t pc_demo_miner_start(const char *const *args, int *port, char *err, size_t errlen)
{
    size_t count = 0;
    *port = 0;
    return pc_demo_miner_start_ports(args, port, 1, &count, err, errlen);
}

pid_t pc_demo_miner_start_ports(const char *const *args, int *ports, size_t max, size_t *count,
                                char *err, size_t errlen)
{
    char exe[PATH_MAX];
    if (miner_exe(exe, sizeof exe) != 0)
        return snprintf(err, errlen, "demo_miner not found next to proctor (build it with make)"), -1;
    int fds[2];
    if (pipe(fds) != 0) return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return snprintf(err, errlen, "fork: %s", strerror(errno)), -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);
        /* the miners' own INFO lines would scroll the scoreboard away */
        if (!getenv("PROCTOR_LOG")) setenv("PROCTOR_LOG", "warning", 1);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        const char *argv[32] = {"demo_miner", "--port", "0", "--bind", "127.0.0.1"};
        int n = 5;
        for (size_t i = 0; args && args[i] && n < 31; i++) argv[n++] = args[i];
        argv[n] = NULL;
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[256];
    *count = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *colon = strrchr(line, ':');
        if (!strncmp(line, "listening on ", 13) && colon && *count < max) ports[(*count)++] = atoi(colon + 1);
        if (!strncmp(line, "ready", 5)) break;
    }
    if (f) fclose(f);
    if (*count == 0 || ports[0] <= 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return snprintf(err, errlen, "demo_miner did not start (see its messages above)"), -1;
    }
    return pid;
}

void pc_demo_miner_stop(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) return;
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

void pc_demo_hotkey(const char *name, char out[49])
{
    uint8_t pub[32];
    crypto_generichash(pub, sizeof pub, (const unsigned char *)name, strlen(name), NULL, 0);
    if (pc_ss58_encode(pub, 42, out, 49) != 0) snprintf(out, 49, "5demo");
}

int pc_demo_write_keyfile(const char *path, char ss58[49], char *err, size_t errlen)
{
    uint8_t mini[32];
    pc_sr25519_keypair kp;
    if (pc_sr25519_init() != 0) return snprintf(err, errlen, "libsodium failed to initialise"), -1;
    randombytes_buf(mini, sizeof mini);
    if (pc_sr25519_from_mini(mini, &kp) != 0 || pc_ss58_encode(kp.pub, 42, ss58, 49) != 0) {
        sodium_memzero(mini, sizeof mini);
        return snprintf(err, errlen, "cannot derive a demo hotkey"), -1;
    }
    char seed_hex[65], pub_hex[65], json[512];
    sodium_bin2hex(seed_hex, sizeof seed_hex, mini, sizeof mini);
    sodium_bin2hex(pub_hex, sizeof pub_hex, kp.pub, sizeof kp.pub);
    snprintf(json, sizeof json,
             "{\"accountId\": \"0x%s\", \"publicKey\": \"0x%s\", \"secretSeed\": \"0x%s\", "
             "\"ss58Address\": \"%s\"}",
             pub_hex, pub_hex, seed_hex, ss58);
    int rc = pc_write_atomic(path, json, strlen(json), err, errlen);
    if (rc == 0 && chmod(path, 0600) != 0) rc = -1, snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
    sodium_memzero(mini, sizeof mini);
    sodium_memzero(seed_hex, sizeof seed_hex);
    sodium_memzero(json, sizeof json);
    pc_sr25519_keypair_wipe(&kp);
    return rc;
}

void pc_marks_add(pc_marks *m, int label, const pc_miner_mark *mark)
{
    m->asked++;
    m->last_reward = mark->reward;
    m->score = mark->score;
    if (!(mark->prediction >= 0 && mark->prediction <= 1)) return; /* no answer, NaN or out of range */
    m->answered++;
    int pred = mark->prediction > 0.5;
    if (pred && label) m->tp++;
    else if (!pred && !label) m->tn++;
    else if (pred) m->fp++;
    else m->fn++;
    if (m->nlat == m->caplat) {
        size_t cap = m->caplat ? m->caplat * 2 : 64;
        double *l = realloc(m->latencies, cap * sizeof *l);
        if (!l) return;
        m->latencies = l;
        m->caplat = cap;
    }
    m->latencies[m->nlat++] = mark->latency_s;
}

double pc_marks_accuracy(const pc_marks *m)
{
    return m->answered ? (double)(m->tp + m->tn) / (double)m->answered : 0;
}

double pc_marks_mcc(const pc_marks *m)
{
    double tp = (double)m->tp, tn = (double)m->tn, fp = (double)m->fp, fn = (double)m->fn;
    double d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
    return d > 0 ? (tp * tn - fp * fn) / sqrt(d) : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pc_marks_latency_pct(pc_marks *m, double pct)
{
    if (!m->nlat) return -1;
    qsort(m->latencies, m->nlat, sizeof *m->latencies, cmp_double);
    size_t i = (size_t)ceil(pct / 100.0 * (double)m->nlat);
    return m->latencies[i ? i - 1 : 0];
}

void pc_marks_free(pc_marks *m)
{
    free(m->latencies);
    m->latencies = NULL;
    m->nlat = m->caplat = 0;
}

int pc_demo_prefill(const pc_pipeline *p, int synthetic, char *err, size_t errlen)
{
    pc_cache *cache = pc_pipeline_open_cache(p, err, errlen);
    if (!cache) return -1;
    int rc = 0;
    for (size_t i = 0; i < p->instance_count && rc == 0; i++) {
        const pc_instance *in = &p->instances[i];
        if (in->kind == PROCTOR_KIND_SCORER || !pc_settings_bool(&in->core, "enabled")) continue;
        pc_live live;
        if (pc_live_create(&live, in, cache, NULL, err, errlen) != PROCTOR_OK) {
            rc = -1;
            break;
        }
        if (in->kind == PROCTOR_KIND_SOURCE) {
            proctor_status st = pc_live_refresh(&live);
            if (st != PROCTOR_OK) rc = -1, snprintf(err, errlen, "%s: %s", in->name, pc_live_error(&live, st));
        } else {
            pc_rng rng;
            pc_rng_seed(&rng, pc_random_seed());
            for (int k = 0; k < synthetic && rc == 0; k++)
                if (pc_generate_one(&live, cache, &rng, k % 2 ? "i2i" : "t2i", err, errlen) != PROCTOR_OK) rc = -1;
        }
        pc_live_destroy(&live);
    }
    pc_cache_close(cache);
    return rc;
}
