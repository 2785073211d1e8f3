/* bench_natix_extract — extraction throughput and memory of the natix source.
 *
 * Input, made here in /tmp (never committed): a ~500 MB Parquet file of JPEGs shaped like a
 * `datasets` image shard (SNAPPY, 100 rows per row group, image bytes in dictionary pages),
 * written by bench_pqwrite.c in a child process. Then nx_extract runs on one core:
 *   all rows       every row extracted to a cache directory (sidecar + image via temp + rename)
 *   100 random     the upstream schedule's work per file (images_per_file = 100)
 * Prints the median of 3 runs in images/s and MB/s, and the extra resident memory of the
 * process during extraction (getrusage ru_maxrss). Targets: >= 300 images/s, <= 64 MB.
 *
 *   make BUILD=build/natix bench  (or build/natix/bench/bench_natix_extract [MB])
 *   NATIX_BENCH_DIR=/somewhere to put the input and output elsewhere than /tmp. */
#include "../bench.h"
#include "base/clock.h"
#include "../../plugins/sources/natix/extract.h"
#include "bench_pqwrite.h"

#include <errno.h>
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

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A 640x480 street-ish JPEG (gradients + noise), quality 90: ~60-100 KB like phone crops. */
static uint8_t *make_jpeg(int seed, size_t *len)
{
    const int w = 640, h = 480;
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
    jpeg_set_quality(&c, 90, TRUE);
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

int main(int argc, char **argv)
{
    double mb = argc > 1 ? atof(argv[1]) : 500;
    const char *base = getenv("NATIX_BENCH_DIR") ? getenv("NATIX_BENCH_DIR") : "/tmp";
    char work[512], path[600];
    snprintf(work, sizeof work, "%s/natix-bench-XXXXXX", base);
    if (!mkdtemp(work)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/train-00000-of-00001.parquet", work);

    /* the input, written by a child so the writer's memory is not counted below */
    double t0 = pc_mono_s();
    pid_t pid = fork();
    if (pid == 0) {
        enum { NIMG = 16 };
        uint8_t *imgs[NIMG];
        size_t lens[NIMG], total = 0;
        for (int i = 0; i < NIMG; i++) imgs[i] = make_jpeg(i, &lens[i]), total += lens[i];
        int64_t rows = (int64_t)(mb * 1e6 / ((double)total / NIMG));
        _exit(bench_write_parquet(path, (const uint8_t *const *)imgs, lens, NIMG, rows, 100) ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    struct stat st;
    if (!WIFEXITED(status) || WEXITSTATUS(status) || stat(path, &st)) {
        fprintf(stderr, "could not write the input\n");
        rm_rf(work);
        return 1;
    }
    printf("input: %s, %.1f MB, written in %.1f s\n", path, st.st_size / 1e6, pc_mono_s() - t0);

    long rss0 = maxrss_kb();
    const struct { const char *name; size_t want; } modes[2] = {{"all rows", 0}, {"100 random rows", 100}};
    int fail = 0;
    for (int m = 0; m < 2; m++) {
        double rate[3], mbs[3];
        unsigned written = 0;
        for (int run = 0; run < 3; run++) {
            outdir o = {.rng = 0x12345678u + (uint64_t)run};
            snprintf(o.dir, sizeof o.dir, "%s/out", work);
            rm_rf(o.dir);
            mkdir(o.dir, 0755);
            nx_sink sink = {put, NULL, NULL, rnd, NULL, &o};
            nx_extract_stats es = {0};
            char err[512];
            double t = pc_mono_s();
            proctor_status ps = nx_extract(path, modes[m].want, &sink, &es, err, sizeof err);
            t = pc_mono_s() - t;
            if (ps != PROCTOR_OK) {
                fprintf(stderr, "extract failed: %s\n", err);
                fail = 1;
                break;
            }
            written = es.written;
            rate[run] = es.written / t;
            mbs[run] = o.bytes / 1e6 / t;
        }
        if (fail) break;
        bench_sort(rate, 3);
        bench_sort(mbs, 3);
        printf("extract %-16s %6u images: median %8.1f images/s, %7.1f MB/s (3 runs)\n", modes[m].name,
               written, rate[1], mbs[1]);
        if (m == 0 && rate[1] < 300) printf("  below the 300 images/s target\n");
    }
    long extra = maxrss_kb() - rss0;
    printf("extra resident memory during extraction: %.1f MB (ru_maxrss; target <= 64 MB)\n", extra / 1024.0);
    rm_rf(work);
    return fail;
}
