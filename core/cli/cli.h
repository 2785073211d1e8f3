/* cli.h — shared pieces of the `proctor` commands (one cmd_*.c file per command). */
#ifndef PC_CLI_H
#define PC_CLI_H

#include "config/pipeline.h"
#include <signal.h>

/* Exit codes (DESIGN.md section 9). */
#define PC_EXIT_OK 0
#define PC_EXIT_RUNTIME 1
#define PC_EXIT_USAGE 2

/* Which pipeline file a command uses: -c FILE, else $PROCTOR_CONFIG, else ./pipeline.yaml. */
const char *pc_cli_config_path(const char *given);
/* Set up the plugin registry and load the pipeline through it; on failure prints the error,
 * leaves nothing to free and returns -1. Release with pc_cli_unload. */
int pc_cli_load(const char *given, pc_registry *reg, pc_pipeline *p);
void pc_cli_unload(pc_registry *reg, pc_pipeline *p);

/* SIGINT/SIGTERM set this flag; a second SIGINT exits at once. */
extern volatile sig_atomic_t pc_stop_requested;
void pc_cli_install_signals(void);

int pc_cmd_run(int argc, char **argv);
int pc_cmd_check(int argc, char **argv);
int pc_cmd_plugins(int argc, char **argv);
int pc_cmd_status(int argc, char **argv);
int pc_cmd_worker(int argc, char **argv);
int pc_cmd_generate(int argc, char **argv);
int pc_cmd_demo(int argc, char **argv);
int pc_cmd_exam(int argc, char **argv);

#endif
