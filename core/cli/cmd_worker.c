/* cmd_worker.c — `proctor worker NAME`: one producer instance in this process. */
#include "cli/cli.h"
#include "base/log.h"
#include "run/producer.h"

#include <getopt.h>
#include <stdio.h>

int pc_cmd_worker(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = NULL;
    for (int c; (c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1;) {
        if (c == 'c') config = optarg;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: proctor worker NAME [-c pipeline.yaml]\n"
                    "Runs the source or generator instance NAME until SIGTERM/SIGINT. `proctor run`\n"
                    "starts one per instance; run it yourself under pm2/systemd if you prefer.\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: proctor worker NAME [-c pipeline.yaml]\n");
        return PC_EXIT_USAGE;
    }
    const char *name = argv[optind];
    pc_registry reg;
    pc_pipeline p;
    if (pc_cli_load(config, &reg, &p) != 0) return PC_EXIT_USAGE;
    pc_log_set_prefix(name);
    pc_cli_install_signals();
    int rc = pc_producer_run(&p, name, &pc_stop_requested);
    pc_cli_unload(&reg, &p);
    return rc;
}
