/* bench_natix_extract — extraction throughput and memory of the natix source.
 *
 * Input, made here in /tmp (never committed), two ~500 MB Parquet files of JPEGs shaped like a
 * `datasets`/pyarrow image shard (SNAPPY, 100 rows per row group, a row group's image bytes in
 * one dictionary page + an RLE_DICTIONARY index page), written by bench_pqwrite.c in a child:
 *   small     640x480 JPEGs (~80 KB): ~8 MB dictionary pages
 *   pyarrow   phone-size JPEGs (~850 KB): ~85 MB dictionary pages, what NATIX's shards hold
 * Then nx_extract runs on one core (pinned to CPU 0), in two ways side by side:
 *   streamed  the reader's default: big dictionary pages streamed, only the used entries kept
 *   whole     every dictionary page decoded whole first (stream_dict_min = max), the old way
 * and two workloads: all rows, and 100 random rows (the upstream schedule's work per file).
 * Prints the median of 3 runs in images/s and MB/s, the ratio streamed/whole, and the peak
 * resident memory above the process's size before the run (VmHWM after clear_refs).
 * Targets on the pyarrow file, streamed: >= 300 images/s (all rows), >= 150 images/s (100
 * random rows), <= 64 MB beyond idle.
 *
 * The extracted images go to NATIX_BENCH_OUT (default /dev/shm when it exists, else next to the
 * input): on a disk shared with other jobs, 500 MB of fresh writes per run measure the disk's
 * writeback, not the extractor (both readers write the same bytes either way).
 *
 *   make bench  (or build/bench/bench_natix_extract [MB])
 *   NATIX_BENCH_DIR=/somewhere to put the input elsewhere than /tmp. */
#define _GNU_SOURCE /* sched_setaffinity */
#include "../bench.h"
#include "base/clock.h"
#include "../../plugins/sources/natix/extract.h"
#include "bench_pqwrite.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A street-ish JPEG (gradients + noise) of w x h, quality q. */
static uint8_t *make_jpeg(int seed, int w, int h, int q, size_t *len)
{
    uint8_t *rgb = malloc((size_t)w * h * 3);
    uint32_t s = (uint32_t)seed * 2654435761u + 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            s ^= s << 13, s ^= s >> 17, s ^= s << 5;
            uint8_t *p = rgb + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)((x + seed * 40) / 3 + (s & 15));
            p[1] = (uint8_t)((y * 2 + seed * 13) / 3 + ((s >> 4) & 15));
            p[2] = (uint8_t)(((x ^ y) & 64) + ((s >> 8) & 31));
        }
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long outlen = 0;
    jpeg_mem_dest(&c, &out, &outlen);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, q, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = rgb + (size_t)c.next_scanline * w * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(rgb);
    *len = outlen;
    return out;
}

typedef struct outdir {
    char dir[640];
    uint64_t rng;
    size_t bytes;
} outdir;

static int write_atomic(const char *dir, const char *name, const void *b, size_t n)
{
    char tmp[1024], fin[1024];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(fin, sizeof fin, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int okw = write(fd, b, n) == (ssize_t)n;
    okw &= close(fd) == 0;
    return okw && rename(tmp, fin) == 0 ? 0 : -1;
}

/* like the core's cache_put: sidecar first, image last, each via a temporary name */
static proctor_status put(void *u, const char *stem, const void *b, size_t n, const char *side)
{
    outdir *o = u;
    char name[600];
    snprintf(name, sizeof name, "%s.json", stem);
    if (write_atomic(o->dir, name, side, strlen(side))) return PROCTOR_IO;
    snprintf(name, sizeof name, "%s.jpg", stem);
    if (write_atomic(o->dir, name, b, n)) return PROCTOR_IO;
    o->bytes += n;
    return PROCTOR_OK;
}

static uint64_t rnd(void *u)
{
    outdir *o = u;
    o->rng ^= o->rng << 13, o->rng ^= o->rng >> 7, o->rng ^= o->rng << 17;
    return o->rng;
}

static void rm_rf(const char *p)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", p);
}

/* Resident memory now and at peak since the last reset, in kB (Linux /proc). */
static long status_kb(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, key, kl)) v = atol(line + kl);
    if (fp) fclose(fp);
    return v;
}

static void reset_peak(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    if (fp) fputs("5", fp), fclose(fp);
}

typedef struct result {
    double rate, mbs, extra_mb;
    unsigned written;
} result;

/* 3 runs of one (file, workload, reader) combination in a fresh child process; medians of the
 * rates, and the most memory any run held above the child's size before the first run. */
static char outbase[512];

static int measure_child(const char *work, const char *path, size_t want, const pq_limits *lim, result *out)
{
    double rate[3], mbs[3];
    long idle = status_kb("VmRSS:"), peak = 0;
    for (int run = 0; run < 3; run++) {
        outdir o = {.rng = 0x12345678u + (uint64_t)run};
        snprintf(o.dir, sizeof o.dir, "%s/out", outbase[0] ? outbase : work);
        rm_rf(o.dir);
        mkdir(o.dir, 0755);
        nx_sink sink = {put, NULL, NULL, rnd, NULL, &o, lim, NULL};
        nx_extract_stats es = {0};
        char err[512];
        reset_peak();
        double t = pc_mono_s();
        proctor_status ps = nx_extract(path, want, &sink, &es, err, sizeof err);
        t = pc_mono_s() - t;
        long hwm = status_kb("VmHWM:");
        if (hwm > peak) peak = hwm;
        if (ps != PROCTOR_OK) {
            fprintf(stderr, "extract failed: %s\n", err);
            return -1;
        }
        out->written = es.written;
        rate[run] = es.written / t;
        mbs[run] = o.bytes / 1e6 / t;
    }
    out->rate = bench_median(rate, 3);
    out->mbs = bench_median(mbs, 3);
    out->extra_mb = (peak - idle) / 1024.0;
    return 0;
}

static int measure(const char *work, const char *path, size_t want, const pq_limits *lim, result *out)
{
    int fds[2];
    if (pipe(fds)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        result r;
        int rc = measure_child(work, path, want, lim, &r);
        if (!rc && write(fds[1], &r, sizeof r) != (ssize_t)sizeof r) rc = -1;
        _exit(rc ? 1 : 0);
    }
    close(fds[1]);
    ssize_t n = pid > 0 ? read(fds[0], out, sizeof *out) : -1;
    close(fds[0]);
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
    return n == (ssize_t)sizeof *out && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int write_input(const char *path, double mb, int w, int h, int q)
{
    pid_t pid = fork(); /* the writer's memory is not counted below */
    if (pid == 0) {
        enum { NIMG = 16 };
        uint8_t *imgs[NIMG];
        size_t lens[NIMG], total = 0;
        for (int i = 0; i < NIMG; i++) imgs[i] = make_jpeg(i, w, h, q, &lens[i]), total += lens[i];
        int64_t rows = (int64_t)(mb * 1e6 / ((double)total / NIMG));
        _exit(bench_write_parquet(path, (const uint8_t *const *)imgs, lens, NIMG, rows, 100) ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    struct stat st;
    return WIFEXITED(status) && !WEXITSTATUS(status) && stat(path, &st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    double mb = argc > 1 ? atof(argv[1]) : 500;
    const char *base = getenv("NATIX_BENCH_DIR") ? getenv("NATIX_BENCH_DIR") : "/tmp";
    char work[512];
    snprintf(work, sizeof work, "%s/natix-bench-XXXXXX", base);
    if (!mkdtemp(work)) {
        perror("mkdtemp");
        return 1;
    }
    const char *ob = getenv("NATIX_BENCH_OUT");
    struct stat shm;
    if (!ob && stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode)) ob = "/dev/shm";
    if (ob) {
        snprintf(outbase, sizeof outbase, "%s/natix-bench-out-XXXXXX", ob);
        if (!mkdtemp(outbase)) outbase[0] = 0;
    }
    printf("input in %s, output in %s\n", work, outbase[0] ? outbase : work);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) printf("(could not pin to CPU 0)\n");

    const struct { const char *name; int w, h, q; } layouts[2] = {
        {"small (8 MB dict pages)", 640, 480, 90}, {"pyarrow (85 MB dict pages)", 1920, 1440, 92}};
    const struct { const char *name; size_t want; } modes[2] = {{"all rows", 0}, {"100 random rows", 100}};
    pq_limits whole = {.stream_dict_min = UINT64_MAX};
    int fail = 0;
    printf("command: %s %.0f  (one core; median of 3 runs)\n", argv[0], mb);
    for (int l = 0; l < 2 && !fail; l++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s.parquet", work, l ? "pyarrow" : "small");
        double t0 = pc_mono_s();
        if (write_input(path, mb, layouts[l].w, layouts[l].h, layouts[l].q)) {
            fprintf(stderr, "could not write the input\n");
            fail = 1;
            break;
        }
        struct stat st;
        stat(path, &st);
        printf("\ninput %-28s %.1f MB, written in %.1f s\n", layouts[l].name, st.st_size / 1e6, pc_mono_s() - t0);
        for (int m = 0; m < 2 && !fail; m++) {
            result rs, rw;
            if (measure(work, path, modes[m].want, NULL, &rs) || measure(work, path, modes[m].want, &whole, &rw)) {
                fail = 1;
                break;
            }
            printf("  %-16s %4u images  streamed %7.1f images/s %6.1f MB/s %6.1f MB extra | whole %7.1f images/s "
                   "%6.1f MB extra | ratio %.2fx\n", modes[m].name, rs.written, rs.rate, rs.mbs, rs.extra_mb, rw.rate,
                   rw.extra_mb, rw.rate > 0 ? rs.rate / rw.rate : 0);
            if (l == 1) {
                double target = m == 0 ? 300 : 150;
                if (rs.rate < target) printf("    below the %.0f images/s target\n", target);
                if (rs.extra_mb > 64) printf("    above the 64 MB memory target\n");
            }
        }
        unlink(path);
    }
    rm_rf(work);
    if (outbase[0]) rm_rf(outbase);
    return fail;
}
