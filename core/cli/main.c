/* main.c — `proctor <command>`: dispatch only; each command lives in its own cmd_*.c. */
#include "cli/cli.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"run", pc_cmd_run, "run the validator: producers under supervision + the challenge loop"},
    {"demo", pc_cmd_demo, "the whole exam on this machine: demo images, demo miners, no chain"},
    {"status", pc_cmd_status, "caches, budgets, workers, last challenges: why is it skipping?"},
    {"check", pc_cmd_check, "validate pipeline.yaml and print the effective configuration"},
    {"plugins", pc_cmd_plugins, "list the plugins found (and the ones refused, with the reason)"},
    {"worker", pc_cmd_worker, "run one source or generator instance (what `run` supervises)"},
    {"exam", pc_cmd_exam, "examine one miner with N challenges and print its marks"},
    {"generate", pc_cmd_generate, "make one synthetic image with a generator plugin"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: proctor <command> [options]   (proctor <command> --help for its options)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nThe pipeline file is -c FILE, else $PROCTOR_CONFIG, else ./pipeline.yaml.\n"
               "Environment: PROCTOR_LOG=debug|info|warning|error, PROCTOR_PLUGIN_PATH=dir:dir\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return PC_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("proctor %s (plugin ABI %d.%d)\n", PROCTOR_VERSION, PROCTOR_ABI_MAJOR, PROCTOR_ABI_MINOR);
        return PC_EXIT_OK;
    }
    const char *env_level = getenv("PROCTOR_LOG");
    proctor_log_level level;
    if (env_level && env_level[0] && pc_log_parse_level(env_level, &level) != 0) {
        fprintf(stderr, "proctor: PROCTOR_LOG=%s is not a log level (trace | debug | info | success | "
                        "warning | error)\n", env_level);
        return PC_EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "proctor: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return PC_EXIT_USAGE;
}
