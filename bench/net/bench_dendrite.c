/* bench_dendrite — one challenge to 256 loopback demo miners that each answer 50 ms after the
 * request arrives: time from dispatch to all results (target <= 70 ms). Prints the median over
 * 20 rounds on warm (kept-alive) connections, and the first, cold round on its own.
 *
 *   make bench   or   PROCTOR_BUILD=build build/bench/bench_dendrite [miners] [rounds]
 *
 * BENCH_LATENCY=MS changes the miners' latency; BENCH_RANDOM=1 makes them answer at random
 * instead of decoding the JPEG (the miners share this machine's CPUs with the dendrite, so that
 * shows how much of the time is the miners' own work). */
#include "../bench.h"
#include "base/clock.h"
#include "net/dendrite.h"
#include "../../tests/net/netutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

int main(int argc, char **argv)
{
    int miners = argc > 1 ? atoi(argv[1]) : 256, rounds = argc > 2 ? atoi(argv[2]) : 20;
    const char *build = nt_build_dir();
    char path[512], count[16], err[256];
    if (miners < 1 || miners > 4096 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: bench_dendrite [miners 1..4096] [rounds 1..1000]\n");
        return 2;
    }
    if (!build) {
        fprintf(stderr, "bench_dendrite: set PROCTOR_BUILD to the build directory (make bench does)\n");
        return 2;
    }
    /* one socket per miner here and in the miner process */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    snprintf(path, sizeof path, "%s/demo_miner", build);
    snprintf(count, sizeof count, "%d", miners);
    char *latency = getenv("BENCH_LATENCY") ? getenv("BENCH_LATENCY") : "50";
    char *args[] = {path, "--port", "0", "--count", count, "--latency", latency, "--seed", "1",
                    getenv("BENCH_RANDOM") ? "--random" : NULL, NULL};
    int *ports = calloc((size_t)miners, sizeof *ports), nports = 0;
    pid_t pid = nt_spawn_miner(path, args, ports, miners, &nports);
    if (pid <= 0 || nports != miners) {
        fprintf(stderr, "bench_dendrite: could not start %d demo miners from %s\n", miners, path);
        return 1;
    }
    char *image = nt_jpeg_b64(224, 224, 0.2, 255, 122, 0);
    pc_axon_target *t = calloc((size_t)miners, sizeof *t);
    pc_dendrite_result *r = calloc((size_t)miners, sizeof *r);
    double *wall = calloc((size_t)rounds, sizeof *wall), cold = 0;
    int failures = 0;
    for (int i = 0; i < miners; i++) t[i] = (pc_axon_target){"127.0.0.1", ports[i], NULL};
    pc_dendrite *d = pc_dendrite_new(&(pc_dendrite_config){.timeout_s = 9}, err, sizeof err);
    for (int k = -1; d && k < rounds; k++) {
        double t0 = pc_mono_s();
        if (pc_dendrite_query(d, t, (size_t)miners, image, r, err, sizeof err) != 0) {
            fprintf(stderr, "bench_dendrite: %s\n", err);
            failures = miners;
            break;
        }
        double dt = pc_mono_s() - t0;
        if (k < 0) cold = dt;
        else wall[k] = dt;
        for (int i = 0; i < miners; i++)
            if (r[i].prediction < 0) {
                if (failures++ < 3) fprintf(stderr, "miner %d: %s\n", i, r[i].reason);
            }
    }
    nt_stop_miner(pid);
    /* per-miner latency of the last round: the spread shows dispatch vs answer overhead */
    double *lat = calloc((size_t)miners, sizeof *lat);
    for (int i = 0; i < miners; i++) lat[i] = r[i].latency_s;
    bench_sort(lat, (size_t)miners);
    bench_sort(wall, (size_t)rounds);
    printf("dendrite: %d miners answering after %s ms%s, %d rounds\n", miners, latency,
           getenv("BENCH_RANDOM") ? " (random, no JPEG decode)" : "", rounds);
    printf("  cold round (new connections): %.1f ms\n", cold * 1e3);
    printf("  dispatch -> all results: median %.1f ms, min %.1f ms, max %.1f ms (target <= 70 ms)\n",
           wall[rounds / 2] * 1e3, wall[0] * 1e3, wall[rounds - 1] * 1e3);
    printf("  per-miner latency (last round): min %.1f ms, median %.1f ms, max %.1f ms\n",
           lat[0] * 1e3, lat[miners / 2] * 1e3, lat[miners - 1] * 1e3);
    printf("  failed answers: %d\n", failures);
    free(lat);
    pc_dendrite_free(d);
    free(ports), free(image), free(t), free(r), free(wall);
    return failures ? 1 : 0;
}
