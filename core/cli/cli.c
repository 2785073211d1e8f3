/* cli.c — see cli.h. */
#include "cli/cli.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t pc_stop_requested;

const char *pc_cli_config_path(const char *given)
{
    if (given) return given;
    const char *env = getenv("PROCTOR_CONFIG");
    return env && *env ? env : "pipeline.yaml";
}

int pc_cli_load(const char *given, pc_registry *reg, pc_pipeline *p)
{
    const char *path = pc_cli_config_path(given);
    char err[2048];
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "proctor: %s: no such pipeline file (use -c FILE, or `proctor demo` to try "
                        "the built-in demo)\n", path);
        return -1;
    }
    pc_registry_init(reg);
    if (pc_pipeline_load_file(p, path, reg, err, sizeof err) != 0) {
        fprintf(stderr, "proctor: %s\n", err);
        pc_registry_free(reg);
        return -1;
    }
    const char *env = getenv("PROCTOR_LOG");
    if (!env || !env[0]) pc_log_set_level(p->cfg.log_level); /* the environment wins over the YAML */
    return 0;
}

void pc_cli_unload(pc_registry *reg, pc_pipeline *p)
{
    pc_pipeline_free(p);
    pc_registry_free(reg);
}

static void on_signal(int sig)
{
    if (sig == SIGINT && pc_stop_requested) _exit(130);
    pc_stop_requested = 1;
}

void pc_cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* a closed terminal or `kill -HUP`: stop cleanly too */
    signal(SIGPIPE, SIG_IGN);
}
