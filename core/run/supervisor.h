/* supervisor.h — `proctor run` keeps one worker process per enabled source/generator
 * (`proctor worker NAME`), restarting it with exponential backoff when it dies, so a crashing
 * producer can never stop the challenge loop. Health goes to <state_dir>/workers.json. */
#ifndef PC_SUPERVISOR_H
#define PC_SUPERVISOR_H

#include "config/pipeline.h"
#include <sys/types.h>

typedef struct pc_child {
    char *name;
    pid_t pid;          /* 0 while waiting to restart */
    int starts;
    int last_status;    /* raw waitpid status of the last exit; -1 none */
    double started_at;  /* monotonic seconds */
    double next_start;  /* monotonic seconds */
    double backoff;     /* seconds before the next restart */
} pc_child;

typedef struct pc_supervisor {
    pc_child *children;
    size_t count;
    char *exe;
    char *config_path;
    char *status_path;
    int dirty;
    int stopped; /* pc_supervisor_stop ran: the status file says so */
} pc_supervisor;

int pc_supervisor_init(pc_supervisor *s, const pc_pipeline *p, const char *config_path,
                       const char *status_path, char *err, size_t errlen);
/* Reap exited workers, start those that are due, write the status file when something changed. */
void pc_supervisor_tick(pc_supervisor *s);
/* SIGTERM every worker, wait up to `grace` seconds, then SIGKILL. */
void pc_supervisor_stop(pc_supervisor *s, double grace);
void pc_supervisor_free(pc_supervisor *s);

#endif
