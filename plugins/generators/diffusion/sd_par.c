/* sd_par.c — see sd_par.h. */
#include "sd_par.h"

#include <pthread.h>
#include <unistd.h>

#define SD_PAR_MAX 64

static int g_threads;

void sd_par_set_threads(int n)
{
    if (n <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (int)c : 1;
    }
    g_threads = n > SD_PAR_MAX ? SD_PAR_MAX : n;
}

int sd_par_threads(void)
{
    if (g_threads <= 0) sd_par_set_threads(0);
    return g_threads;
}

typedef struct job {
    sd_par_fn fn;
    void *ctx;
    long b, e;
} job;

static void *run(void *p)
{
    job *j = p;
    j->fn(j->ctx, j->b, j->e);
    return NULL;
}

void sd_par_for(long n, long grain, sd_par_fn fn, void *ctx)
{
    if (n <= 0) return;
    if (grain < 1) grain = 1;
    long t = sd_par_threads();
    if (t > n / grain) t = n / grain;
    if (t <= 1) {
        fn(ctx, 0, n);
        return;
    }
    job jobs[SD_PAR_MAX];
    pthread_t th[SD_PAR_MAX];
    int started[SD_PAR_MAX] = {0};
    for (long i = 0; i < t; i++) {
        jobs[i] = (job){fn, ctx, n * i / t, n * (i + 1) / t};
        if (i > 0) started[i] = pthread_create(&th[i], NULL, run, &jobs[i]) == 0;
    }
    run(&jobs[0]);
    for (long i = 1; i < t; i++) {
        if (started[i]) pthread_join(th[i], NULL);
        else run(&jobs[i]); /* could not start a thread: do its share here */
    }
}
