/* cmd_exam.c — `proctor exam --miner URL -n N`: the local test a miner developer wants before
 * going to testnet. The miner gets N challenges prepared exactly as the validator prepares them
 * (real photos and synthetic images, augmented, JPEG, base64, axon headers) and a report card. */
#include "cli/cli.h"
#include "cli/demo_env.h"
#include "base/fsutil.h"
#include "base/log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct exam {
    pc_marks marks;
    size_t done;
    char reasons[16][64];
    size_t reason_count[16], nreasons;
} exam;

static void on_result(void *user, const pc_challenge_result *r)
{
    exam *e = user;
    e->done++;
    for (size_t i = 0; i < r->count; i++) {
        pc_marks_add(&e->marks, r->label, &r->marks[i]);
        if (r->marks[i].prediction >= 0 && r->marks[i].prediction <= 1) continue; /* a valid answer */
        size_t k = 0;
        while (k < e->nreasons && strcmp(e->reasons[k], r->marks[i].reason)) k++;
        if (k == e->nreasons && e->nreasons < 16) snprintf(e->reasons[e->nreasons++], 64, "%s", r->marks[i].reason);
        if (k < 16) e->reason_count[k]++;
    }
}

/* http://host:port[/...] or host:port; IPv6 as [::1]:port. */
static int parse_url(const char *url, char *host, size_t hlen, int *port)
{
    const char *p = strstr(url, "://") ? strstr(url, "://") + 3 : url;
    const char *colon;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close || close[1] != ':') return -1;
        snprintf(host, hlen, "%.*s", (int)(close - p - 1), p + 1);
        colon = close + 1;
    } else {
        colon = strchr(p, ':');
        if (!colon) return -1;
        snprintf(host, hlen, "%.*s", (int)(colon - p), p);
    }
    *port = atoi(colon + 1);
    return *port > 0 && *port < 65536 && host[0] ? 0 : -1;
}

int pc_cmd_exam(int argc, char **argv)
{
    static const struct option opts[] = {{"miner", required_argument, 0, 'm'},
                                         {"challenges", required_argument, 0, 'n'},
                                         {"images", required_argument, 0, 'i'},
                                         {"hotkey", required_argument, 0, 'k'},
                                         {"wallet", required_argument, 0, 'w'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"seed", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *url = NULL, *images = NULL, *hotkey = NULL, *wallet = NULL, *timeout = "9s";
    long n = 20;
    unsigned long long seed = 0;
    for (int c; (c = getopt_long(argc, argv, "m:n:i:h", opts, NULL)) != -1;) {
        if (c == 'm') url = optarg;
        else if (c == 'n') n = strtol(optarg, NULL, 10);
        else if (c == 'i') images = optarg;
        else if (c == 'k') hotkey = optarg;
        else if (c == 'w') wallet = optarg;
        else if (c == 't') timeout = optarg;
        else if (c == 's') seed = strtoull(optarg, NULL, 10);
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: proctor exam --miner http://HOST:PORT [-n N] [--images DIR] [--hotkey SS58]\n"
                    "                    [--wallet KEYFILE] [--timeout 9s] [--seed N]\n"
                    "Sends N challenges to one miner (images from DIR, default the demo photos, plus\n"
                    "procedural synthetic ones) and prints accuracy, MCC, reward, latency and failures.\n"
                    "--hotkey is the miner's own hotkey; --wallet signs requests like a real validator.\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    char host[256];
    int port = 0;
    if (!url || parse_url(url, host, sizeof host, &port) != 0 || n < 1) {
        fprintf(stderr, "proctor exam: --miner http://HOST:PORT is required (and -n >= 1)\n");
        return PC_EXIT_USAGE;
    }
    if (!getenv("PROCTOR_LOG")) pc_log_set_level(PROCTOR_LOG_WARNING);
    char *photos = images ? strdup(images) : pc_demo_photos_dir();
    char *tmp = pc_demo_mkdtemp("exam");
    if (!photos || !tmp) {
        fprintf(stderr, "proctor exam: %s\n", photos ? "cannot create a scratch directory" : "no images (use --images DIR)");
        free(photos);
        free(tmp);
        return PC_EXIT_RUNTIME;
    }
    char mhot[49], text[4096], path[4200], err[2048] = "";
    if (hotkey) snprintf(mhot, sizeof mhot, "%s", hotkey);
    else pc_demo_hotkey("exam-miner", mhot);
    int len = snprintf(text, sizeof text,
        "cache: {root: \"%s/cache\"}\n"
        "challenge: {interval: 0s, steps: %ld, seed: %llu, state_dir: \"%s/state\", epoch: 0}\n"
        "wallet: {path: \"%s\"}\n"
        "miners:\n  sample_size: 1\n  timeout: \"%s\"\n  neurons:\n"
        "    - {uid: 0, hotkey: %s, ip: \"%s\", port: %d}\n"
        "sources:\n  - {name: images, plugin: local_folder, path: \"%s\"}\n"
        "generators:\n  - {name: procedural, plugin: procedural, width: 320, height: 240}\n"
        "scorers:\n  - {plugin: natix}\n",
        tmp, n, seed, tmp, wallet ? wallet : "", timeout, mhot, host, port, photos);
    snprintf(path, sizeof path, "%s/pipeline.yaml", tmp);
    int rc = PC_EXIT_RUNTIME;
    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    memset(&p, 0, sizeof p);
    if (pc_write_atomic(path, text, (size_t)len, err, sizeof err) != 0 ||
        pc_pipeline_load_file(&p, path, &reg, err, sizeof err) != 0 ||
        pc_demo_prefill(&p, 8, err, sizeof err) != 0) {
        fprintf(stderr, "proctor exam: %s\n", err);
        goto out;
    }
    pc_loop *lp = pc_loop_open(&p, err, sizeof err);
    if (!lp) {
        fprintf(stderr, "proctor exam: %s\n", err);
        goto out;
    }
    pc_cli_install_signals();
    exam e = {.marks = {.uid = 0, .name = "miner"}};
    pc_loop_on_result(lp, on_result, &e);
    printf("examining %s with %ld challenges...\n", url, n);
    while (!pc_stop_requested && pc_loop_tick(lp, &pc_stop_requested) != PC_LOOP_DONE) {}
    pc_marks *m = &e.marks;
    printf("\nreport card for %s (%zu challenges)\n", url, e.done);
    printf("  answered     %zu/%zu\n", m->answered, m->asked);
    printf("  accuracy     %.1f%% (of answered; prediction > 0.5 means roadwork)\n", 100 * pc_marks_accuracy(m));
    printf("  MCC          %.3f\n", pc_marks_mcc(m));
    printf("  reward       %.4f (last natix reward)   score %.4f\n", m->last_reward, m->score);
    if (m->nlat)
        printf("  latency      p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms\n", 1000 * pc_marks_latency_pct(m, 50),
               1000 * pc_marks_latency_pct(m, 90), 1000 * pc_marks_latency_pct(m, 99), 1000 * pc_marks_latency_pct(m, 100));
    for (size_t k = 0; k < e.nreasons; k++) printf("  failures     %zu x %s\n", e.reason_count[k], e.reasons[k]);
    pc_marks_free(m);
    pc_loop_close(lp);
    rc = m->answered ? PC_EXIT_OK : PC_EXIT_RUNTIME;
out:
    pc_pipeline_free(&p);
    pc_registry_free(&reg);
    pc_demo_rmtree(tmp);
    free(tmp);
    free(photos);
    return rc;
}
