/* cmd_run.c — `proctor run`: the whole validator. Producers run as supervised worker
 * processes; the challenge loop runs here. SIGINT/SIGTERM/SIGHUP stop both cleanly; one state
 * directory has one running validator (state_dir/lock). */
#include "cli/cli.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "run/loop.h"
#include "run/producer.h"
#include "run/supervisor.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pc_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"steps", required_argument, 0, 'n'},
                                         {"no-workers", no_argument, 0, 'W'},
                                         {"no-loop", no_argument, 0, 'L'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = NULL;
    long steps = -1;
    int workers = 1, loop = 1;
    for (int c; (c = getopt_long(argc, argv, "c:n:h", opts, NULL)) != -1;) {
        if (c == 'c') config = optarg;
        else if (c == 'n') {
            char *end = NULL;
            errno = 0;
            steps = strtol(optarg, &end, 10);
            if (end == optarg || *end || errno || steps < 0) {
                fprintf(stderr, "proctor run: -n wants a number of challenges >= 0 (0 = forever), got '%s'\n", optarg);
                return PC_EXIT_USAGE;
            }
        }
        else if (c == 'W') workers = 0;
        else if (c == 'L') loop = 0;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: proctor run [-c pipeline.yaml] [-n STEPS] [--no-workers] [--no-loop]\n"
                    "Runs the validator: one supervised worker process per source/generator (restarted\n"
                    "with backoff when it dies) and the challenge loop. -n stops after STEPS challenges.\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    pc_registry reg;
    pc_pipeline p;
    if (pc_cli_load(config, &reg, &p) != 0) return PC_EXIT_USAGE;
    char err[2048];
    if (loop && pc_config_check_loop(&p, err, sizeof err) != 0) {
        fprintf(stderr, "proctor: %s\n", err);
        pc_cli_unload(&reg, &p);
        return PC_EXIT_USAGE;
    }
    pc_cli_install_signals();
    char *state_dir = pc_pipeline_state_dir(&p);
    char status_path[4096];
    int rc = PC_EXIT_OK, lock_fd = -1;
    if (!state_dir || pc_mkdirs(state_dir) != 0) {
        pc_error("%s: cannot create the state directory: %s", state_dir ? state_dir : "?", strerror(errno));
        rc = PC_EXIT_RUNTIME;
        goto out;
    }
    lock_fd = pc_lock_dir(state_dir, err, sizeof err);
    if (lock_fd < 0) {
        pc_error("%s", err);
        rc = PC_EXIT_RUNTIME;
        goto out;
    }
    if (loop && !p.cfg.wallet.path)
        pc_warn("no wallet configured: requests go out unsigned, which local miners accept and real "
                "axons refuse (401); set wallet.name/hotkey or wallet.path to sign");
    snprintf(status_path, sizeof status_path, "%s/workers.json", state_dir);
    pc_supervisor sup = {0};
    if (workers && pc_supervisor_init(&sup, &p, p.path, status_path, err, sizeof err) != 0) {
        pc_error("%s", err);
        rc = PC_EXIT_RUNTIME;
        goto out;
    }
    pc_loop *lp = NULL;
    if (loop && !(lp = pc_loop_open(&p, err, sizeof err))) {
        pc_error("%s", err);
        rc = PC_EXIT_RUNTIME;
        pc_supervisor_free(&sup);
        goto out;
    }
    if (steps >= 0 && lp) pc_loop_set_steps(lp, steps);
    pc_info("proctor %s running %s: %zu worker(s), challenge loop %s", PROCTOR_VERSION, p.path,
            sup.count, lp ? "on" : "off");
    while (!pc_stop_requested) {
        if (workers) pc_supervisor_tick(&sup);
        if (lp) {
            if (pc_loop_tick(lp, &pc_stop_requested) == PC_LOOP_DONE) break;
        } else {
            pc_sleep_until_stop(0.2, &pc_stop_requested);
        }
    }
    pc_info("stopping");
    if (lp) pc_loop_close(lp);
    if (workers) {
        pc_supervisor_stop(&sup, 10.0);
        pc_supervisor_free(&sup);
    }
out:
    if (lock_fd >= 0) close(lock_fd);
    free(state_dir);
    pc_cli_unload(&reg, &p);
    return rc;
}
