/* cmd_demo.c — `proctor demo`: the whole exam on one machine, no chain, no GPU, no internet.
 * Committed demo photos are imported into a scratch cache, the procedural generator makes
 * synthetic ones, four local demo miners (good, random, slow, broken) verify signed requests
 * from a throw-away validator hotkey, and a live scoreboard shows how each one fares. */
#include "cli/cli.h"
#include "cli/demo_env.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "run/supervisor.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct miner_kind {
    const char *name;
    const char *flags[4];
} miner_kind;

static const miner_kind kinds[] = {
    {"good", {NULL}},
    {"random", {"--random", NULL}},
    {"slow", {"--latency", "400", NULL}},
    {"broken", {"--fail-rate", "1", NULL}},
};
#define NMINERS (sizeof kinds / sizeof kinds[0])

typedef struct board {
    pc_marks marks[NMINERS];
    size_t done, total, skipped, by_kind[3];
    int tty, drawn_lines;
} board;

static void draw(board *b, int final)
{
    const char *el = b->tty ? "\033[K" : ""; /* erase to end of line, on a terminal only */
    if (b->tty && b->drawn_lines) printf("\033[%dA", b->drawn_lines);
    int lines = 0;
    printf("challenge %zu/%zu   (real %zu, t2i %zu, i2i %zu, skipped %zu)%s\n", b->done, b->total,
           b->by_kind[0], b->by_kind[1], b->by_kind[2], b->skipped, el);
    printf("  %-8s %3s %9s %9s %7s %12s %8s %12s%s\n", "miner", "uid", "answered", "accuracy", "MCC",
           "last reward", "score", "p50 latency", el);
    lines += 2;
    for (size_t i = 0; i < NMINERS; i++) {
        pc_marks *m = &b->marks[i];
        double p50 = pc_marks_latency_pct(m, 50);
        char lat[32] = "-";
        if (p50 >= 0) snprintf(lat, sizeof lat, "%.0f ms", p50 * 1000);
        printf("  %-8s %3d %4zu/%-4zu %8.1f%% %7.3f %12.3f %8.4f %12s%s\n", m->name, m->uid, m->answered,
               m->asked, 100 * pc_marks_accuracy(m), pc_marks_mcc(m), m->last_reward, m->score, lat, el);
        lines++;
    }
    b->drawn_lines = lines;
    if (final) b->drawn_lines = 0;
    fflush(stdout);
}

static void on_result(void *user, const pc_challenge_result *r)
{
    board *b = user;
    b->done++;
    if (r->skipped) b->skipped++;
    else b->by_kind[!strcmp(r->kind, "real") ? 0 : !strcmp(r->kind, "t2i") ? 1 : 2]++;
    for (size_t i = 0; i < r->count; i++)
        for (size_t k = 0; k < NMINERS; k++)
            if (b->marks[k].uid == r->marks[i].uid) pc_marks_add(&b->marks[k], r->label, &r->marks[i]);
    if (b->tty || b->done % 10 == 0 || b->done == b->total) draw(b, 0);
}

int pc_cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"challenges", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"keep", no_argument, 0, 'k'},
                                         {"no-wallet", no_argument, 0, 'W'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    long n = 40;
    unsigned long long seed = 0;
    int keep = 0, wallet = 1, verbose = 0;
    for (int c; (c = getopt_long(argc, argv, "n:s:kvh", opts, NULL)) != -1;) {
        if (c == 'n') n = strtol(optarg, NULL, 10);
        else if (c == 's') seed = strtoull(optarg, NULL, 10);
        else if (c == 'k') keep = 1;
        else if (c == 'W') wallet = 0;
        else if (c == 'v') verbose = 1;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: proctor demo [-n CHALLENGES] [--seed N] [--keep] [--no-wallet] [-v]\n"
                    "Runs the validator on this machine against four local demo miners (good, random,\n"
                    "slow, broken) with the committed demo photos and procedural synthetic images.\n"
                    "Requests are signed with a throw-away hotkey and verified by the miners.\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    if (n < 1) n = 1;
    if (!verbose && !getenv("PROCTOR_LOG")) pc_log_set_level(PROCTOR_LOG_WARNING);
    char *photos = pc_demo_photos_dir();
    if (!photos) {
        fprintf(stderr, "proctor demo: the demo photos were not found (set PROCTOR_DEMO_PHOTOS)\n");
        return PC_EXIT_RUNTIME;
    }
    char *tmp = pc_demo_mkdtemp("demo");
    if (!tmp) {
        perror("proctor demo: mkdtemp");
        free(photos);
        return PC_EXIT_RUNTIME;
    }
    int rc = PC_EXIT_RUNTIME;
    pid_t pids[NMINERS] = {0};
    int ports[NMINERS] = {0};
    char hotkeys[NMINERS][49], vkey[49] = "", err[2048], path[4096], text[8192];
    char keyfile[4096], validators[4096];
    err[0] = 0;
    snprintf(keyfile, sizeof keyfile, "%s/validator-hotkey.json", tmp);
    snprintf(validators, sizeof validators, "%s/validators.yaml", tmp);
    if (wallet && pc_demo_write_keyfile(keyfile, vkey, err, sizeof err) != 0) goto out;
    if (!wallet) pc_demo_hotkey("demo-validator", vkey);
    /* the miners learn from this file which hotkeys are registered validators */
    snprintf(text, sizeof text,
             "- {uid: 4, hotkey: %s, ip: 0.0.0.0, port: 0, stake: 50000, validator_permit: true}\n", vkey);
    if (pc_write_atomic(validators, text, strlen(text), err, sizeof err) != 0) goto out;
    for (size_t i = 0; i < NMINERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "demo-miner-%s", kinds[i].name);
        pc_demo_hotkey(name, hotkeys[i]);
        const char *args[12];
        size_t a = 0;
        args[a++] = "--hotkey";
        args[a++] = hotkeys[i];
        if (wallet) { /* verifying miners refuse unsigned requests */
            args[a++] = "--metagraph";
            args[a++] = validators;
        }
        for (size_t f = 0; kinds[i].flags[f]; f++) args[a++] = kinds[i].flags[f];
        args[a] = NULL;
        pids[i] = pc_demo_miner_start(args, &ports[i], err, sizeof err);
        if (pids[i] < 0) goto out;
    }
    int len = snprintf(text, sizeof text,
        "# generated by `proctor demo`\n"
        "cache: {root: \"%s/cache\", real_budget: 200MB, t2i_budget: 50MB, i2i_budget: 50MB}\n"
        "challenge: {interval: 0s, steps: %ld, seed: %llu, state_dir: \"%s/state\", epoch: 10}\n"
        "wallet: {path: \"%s\"}\n"
        "miners:\n  sample_size: %zu\n  timeout: 2s\n  validator_hotkey: \"%s\"\n  neurons:\n",
        tmp, n, seed, tmp, wallet ? keyfile : "", NMINERS, vkey);
    for (size_t i = 0; i < NMINERS; i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "    - {uid: %zu, hotkey: %s, ip: 127.0.0.1, port: %d, stake: 10}\n", i, hotkeys[i], ports[i]);
    len += snprintf(text + len, sizeof text - (size_t)len,
        "    - {uid: 4, hotkey: %s, ip: 0.0.0.0, port: 0, stake: 50000, validator_permit: true}\n"
        "sources:\n  - {name: demo-photos, plugin: local_folder, path: \"%s\", interval: 1h}\n"
        "generators:\n  - {name: procedural, plugin: procedural, width: 320, height: 240, batch: 4,\n"
        "     interval: 1s, max_images: 60}\n"
        "scorers:\n  - {plugin: natix}\n",
        vkey, photos);
    snprintf(path, sizeof path, "%s/pipeline.yaml", tmp);
    if (pc_write_atomic(path, text, (size_t)len, err, sizeof err) != 0) goto out;

    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    if (pc_pipeline_load_file(&p, path, &reg, err, sizeof err) != 0) {
        pc_registry_free(&reg);
        goto out;
    }
    printf("proctor demo: %s\n  photos %s\n  miners: ", tmp, photos);
    for (size_t i = 0; i < NMINERS; i++) printf("%s%s on 127.0.0.1:%d", i ? ", " : "", kinds[i].name, ports[i]);
    printf("\n  validator hotkey %s (%s)\n\n", vkey, wallet ? "requests signed, miners verify" : "unsigned");
    if (pc_demo_prefill(&p, 8, err, sizeof err) != 0) {
        pc_pipeline_free(&p);
        pc_registry_free(&reg);
        goto out;
    }
    pc_cli_install_signals();
    pc_supervisor sup;
    char status_path[4200];
    snprintf(status_path, sizeof status_path, "%s/state/workers.json", tmp);
    int sup_ok = pc_supervisor_init(&sup, &p, path, status_path, err, sizeof err) == 0;
    pc_loop *lp = pc_loop_open(&p, err, sizeof err);
    if (lp) {
        board b = {.total = (size_t)n, .tty = isatty(STDOUT_FILENO)};
        for (size_t i = 0; i < NMINERS; i++) b.marks[i] = (pc_marks){.uid = (int)i, .name = kinds[i].name};
        pc_loop_on_result(lp, on_result, &b);
        while (!pc_stop_requested) {
            if (sup_ok) pc_supervisor_tick(&sup);
            if (pc_loop_tick(lp, &pc_stop_requested) == PC_LOOP_DONE) break;
        }
        if (b.tty || (b.done % 10 != 0 && b.done != b.total)) draw(&b, 1);
        printf("\nverdict: good miner score %.4f vs random miner %.4f (%s); audit log %s/state/audit.jsonl%s\n",
               b.marks[0].score, b.marks[1].score,
               b.marks[0].score > b.marks[1].score ? "the exam tells them apart" : "NOT separated: look at the audit log",
               tmp, keep ? "" : " (removed; --keep keeps it)");
        for (size_t i = 0; i < NMINERS; i++) pc_marks_free(&b.marks[i]);
        pc_loop_close(lp);
        rc = PC_EXIT_OK;
    }
    if (sup_ok) {
        pc_supervisor_stop(&sup, 5.0);
        pc_supervisor_free(&sup);
    }
    pc_pipeline_free(&p);
    pc_registry_free(&reg);
out:
    if (rc != PC_EXIT_OK) fprintf(stderr, "proctor demo: %s\n", err);
    for (size_t i = 0; i < NMINERS; i++) pc_demo_miner_stop(pids[i]);
    if (!keep) pc_demo_rmtree(tmp);
    free(tmp);
    free(photos);
    return rc;
}
