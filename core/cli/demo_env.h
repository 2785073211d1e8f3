/* demo_env.h — what `proctor demo` and `proctor exam` share: a scratch directory, local demo
 * miner processes, throw-away hotkeys and wallet files, and per-miner marks. */
#ifndef PC_DEMO_ENV_H
#define PC_DEMO_ENV_H

#include "run/loop.h"
#include "config/pipeline.h"
#include <stddef.h>
#include <sys/types.h>

/* A scratch directory under $TMPDIR (or /tmp); removed by pc_demo_rmtree. */
char *pc_demo_mkdtemp(const char *tag);
void pc_demo_rmtree(const char *path);

/* The committed demo photos: $PROCTOR_DEMO_PHOTOS, <exe>/../demo/photos, <exe>/../../demo/photos,
 * PREFIX/share/proctor/demo/photos. NULL when none exists. */
char *pc_demo_photos_dir(void);

/* A demo miner process on 127.0.0.1 with an ephemeral port. `args` are extra flags (NULL-ended).
 * Returns the pid and sets *port, or -1 with err. */
pid_t pc_demo_miner_start(const char *const *args, int *port, char *err, size_t errlen);
/* The same for a miner serving several ports (--count N): up to max ports into ports[]. */
pid_t pc_demo_miner_start_ports(const char *const *args, int *ports, size_t max, size_t *count,
                                char *err, size_t errlen);
void pc_demo_miner_stop(pid_t pid);

/* A deterministic SS58 hotkey for a name (public key from a hash of it; no secret exists). */
void pc_demo_hotkey(const char *name, char out[49]);
/* A fresh sr25519 hotkey written as a bittensor-style plain keyfile (mode 0600) at path;
 * its address in ss58. 0 or -1 with err. */
int pc_demo_write_keyfile(const char *path, char ss58[49], char *err, size_t errlen);

/* Per-miner running marks for a scoreboard. */
typedef struct pc_marks {
    int uid;
    const char *name;
    size_t asked, answered;
    size_t tp, tn, fp, fn; /* predicted class (>0.5) vs label, answered only */
    double last_reward, score;
    double *latencies;
    size_t nlat, caplat;
} pc_marks;

void pc_marks_add(pc_marks *m, int label, const pc_miner_mark *mark);
double pc_marks_accuracy(const pc_marks *m);
double pc_marks_mcc(const pc_marks *m);
double pc_marks_latency_pct(pc_marks *m, double pct); /* seconds; -1 when none */
void pc_marks_free(pc_marks *m);

/* Fill the pipeline's caches in this process before the first challenge: one refresh of every
 * source, then `synthetic` images from every generator (t2i and i2i alternating). */
int pc_demo_prefill(const pc_pipeline *p, int synthetic, char *err, size_t errlen);

#endif
