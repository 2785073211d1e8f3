/* cmd_check.c — `proctor check` and `proctor plugins`. */
#include "cli/cli.h"
#include "loader/loader.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int pc_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = NULL;
    int quiet = 0;
    for (int c; (c = getopt_long(argc, argv, "c:qh", opts, NULL)) != -1;) {
        if (c == 'c') config = optarg;
        else if (c == 'q') quiet = 1;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: proctor check [-c pipeline.yaml] [-q]\n"
                    "Validates the pipeline (types, unknown keys, plugins) and prints the effective\n"
                    "configuration with defaults filled in and secrets masked. Exit 2 on an error.\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    pc_registry reg;
    pc_pipeline p;
    if (pc_cli_load(config, &reg, &p) != 0) return PC_EXIT_USAGE;
    char err[1024];
    if (pc_config_check_loop(&p, err, sizeof err) != 0) { /* what `run` would refuse */
        fprintf(stderr, "proctor: %s\n", err);
        pc_cli_unload(&reg, &p);
        return PC_EXIT_USAGE;
    }
    if (!quiet) pc_pipeline_print(&p, stdout);
    fprintf(stderr, "%s: ok (%zu plugin instance%s)\n", p.path, p.instance_count,
            p.instance_count == 1 ? "" : "s");
    pc_cli_unload(&reg, &p);
    return PC_EXIT_OK;
}

int pc_cmd_plugins(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = NULL;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1;) {
        if (c == 'c') config = optarg;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: proctor plugins [-c pipeline.yaml]\nLists every plugin in the plugin path with "
                    "kind, version, ABI and config keys,\nand every refused shared object with the reason. "
                    "With -c, the plugins that file names\nby path are listed too.\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "proctor plugins: unexpected argument '%s' (see --help)\n", argv[optind]);
        return PC_EXIT_USAGE;
    }
    pc_registry reg;
    pc_pipeline p;
    memset(&p, 0, sizeof p);
    if (config) {
        if (pc_cli_load(config, &reg, &p) != 0) return PC_EXIT_USAGE;
    } else {
        pc_registry_init(&reg);
    }
    pc_registry_scan(&reg);
    printf("plugin path:\n");
    for (size_t i = 0; i < reg.dir_count; i++) printf("  %s\n", reg.dirs[i]);
    printf("\n");
    for (size_t i = 0; i < reg.count; i++) {
        const proctor_plugin *d = reg.plugins[i]->desc;
        printf("%-10s %-14s %-8s ABI %u.%u  %s\n", pc_kind_name(d->kind), d->name, d->version,
               (unsigned)d->abi_major, (unsigned)d->abi_minor, reg.plugins[i]->path);
        printf("           %s\n", d->description);
        for (const proctor_config_key *k = d->config; k && k->name; k++)
            printf("             %-20s %-8s %-14s %s\n", k->name, pc_config_type_name(k->type),
                   k->default_value ? (k->default_value[0] ? k->default_value : "\"\"") : "(required)",
                   k->help ? k->help : "");
    }
    if (!reg.count) printf("no plugins found\n");
    for (size_t i = 0; i < reg.refused_count; i++)
        printf("refused    %s: %s\n", reg.refused[i].path, reg.refused[i].reason);
    if (config) pc_cli_unload(&reg, &p);
    else pc_registry_free(&reg);
    return PC_EXIT_OK;
}
