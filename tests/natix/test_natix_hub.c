/* test_natix_hub — the hf_ client (plugins/common/hf) against a loopback Hub (mock_hub.c): paginated listing,
 * 302 to another host without the token, 429 + Retry-After / RateLimit, 503 backoff, a
 * connection cut mid-download resumed with Range, a 200 to a ranged request restarting from
 * zero, a sha256 that does not match (nothing kept), 404, the listing cache and its TTL. */
#include "../../plugins/common/hf/hf.h"
#include "../tap.h"
#include "mock_hub.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "hf_test_SEKRIT_token_123"

static char logbuf[65536];
static size_t loglen;

static void on_log(void *u, proctor_log_level lv, const char *msg)
{
    (void)u, (void)lv;
    size_t n = strlen(msg);
    if (loglen + n + 2 < sizeof logbuf) {
        memcpy(logbuf + loglen, msg, n);
        loglen += n;
        logbuf[loglen++] = '\n';
        logbuf[loglen] = 0;
    }
}

static int progress_calls;
static void on_progress(void *u, const char *what, uint64_t done, uint64_t total)
{
    (void)u, (void)what;
    if (done <= total) progress_calls++;
}

static uint64_t rng_state = 42;
static uint64_t rnd(void *u)
{
    (void)u;
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return rng_state;
}

static int always(void *u)
{
    (void)u;
    return 1;
}

static unsigned char *make_bytes(size_t n, unsigned seed)
{
    unsigned char *b = malloc(n);
    for (size_t i = 0; i < n; i++) b[i] = (unsigned char)((i * 131 + seed * 7 + (i >> 9)) & 255);
    return b;
}

static int file_equals(const char *path, const unsigned char *want, size_t n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    unsigned char *b = malloc(n + 1);
    size_t got = fread(b, 1, n + 1, fp);
    fclose(fp);
    int eq = got == n && memcmp(b, want, n) == 0;
    free(b);
    return eq;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const hf_file *lfind(const hf_listing *l, const char *path)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->files[i].path, path)) return &l->files[i];
    return NULL;
}

static const hf_file *lfind_path(const mock_file *files, int n, int i)
{
    static hf_file f;
    (void)n;
    f.path = (char *)files[i].path;
    f.size = (int64_t)files[i].len;
    memcpy(f.sha256, files[i].sha256, 65);
    return &f;
}

int main(void)
{
    enum { NF = 9 };
    mock_file files[NF] = {
        {.path = "data/train-00000-of-00003.parquet"},          /* plain */
        {.path = "data/train-00001-of-00003.parquet", .rate_limit = 1},
        {.path = "data/train-00002-of-00003.parquet", .cut = 1},
        {.path = "data/test-00000-of-00001.parquet", .ignore_range = 1},
        {.path = "data/bad-sha.parquet"},
        {.path = "data/busy.parquet", .unavailable = 2},
        {.path = "data/gone.parquet", .gone = 1},
        {.path = "data/ratelimit-header.parquet", .rate_limit = 1, .ratelimit_header = 1},
        {.path = "data/ratelimit-capped.parquet", .rate_limit = 1},
    };
    for (int i = 0; i < NF; i++) {
        files[i].len = 150000 + (size_t)i * 1000;
        files[i].data = make_bytes(files[i].len, (unsigned)i);
        mock_file_hash(&files[i]);
    }
    files[4].sha256[0] = files[4].sha256[0] == 'a' ? 'b' : 'a'; /* the listing lies */
    mock_hub m = {.repo = "natix-test/roadwork", .token = TOKEN, .files = files, .nfiles = NF};
    if (mock_hub_start(&m)) skip_all("no loopback sockets on 127.0.0.1/127.0.0.2");

    char dir[] = "/tmp/natix-hub-XXXXXX";
    if (!mkdtemp(dir)) skip_all("no temporary directory");
    setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1", 1);

    const hf_repo R = {HF_DATASET, m.repo, "main"}, RO = {HF_DATASET, m.repo, "other"},
                  BAD = {HF_DATASET, "../etc", "main"};
    hf_opts o = {.endpoint = m.endpoint, .token = TOKEN, .backoff_base_s = 0.01, .backoff_max_s = 0.05,
                  .retry_after_max_s = 3, .max_retries = 4, .random = rnd, .progress = on_progress,
                  .log = on_log};
    char err[512] = "";
    hf_client *c = hf_new(&o, err, sizeof err);
    ok(c != NULL, "client created (%s)", err);
    ok(hf_has_token(c), "client holds the token");

    /* listing: two pages, directory entry skipped, commit pinned */
    hf_listing l;
    proctor_status st = hf_list(c, &R, &l, err, sizeof err);
    is_int(st, PROCTOR_OK, "listing succeeds (%s)", err);
    is_int(l.count, NF, "both pages listed, the directory left out");
    is_int(m.listing_requests, 2, "the Link header was followed once");
    is_str(l.commit, "0123456789abcdef0123456789abcdef01234567", "X-Repo-Commit pinned");
    const hf_file *f0 = lfind(&l, files[0].path);
    ok(f0 && f0->size == (int64_t)files[0].len && !strcmp(f0->sha256, files[0].sha256),
       "size and LFS sha256 taken from the listing");
    ok(m.hub_auth_ok >= 2 && m.hub_auth_bad == 0, "the token went to the Hub host (%d ok, %d bad)",
       m.hub_auth_ok, m.hub_auth_bad);

    /* plain download through a 302 to the other host */
    char dest[512];
    snprintf(dest, sizeof dest, "%s/a.parquet", dir);
    st = hf_download(c, &R, &l, f0, dest, err, sizeof err);
    is_int(st, PROCTOR_OK, "download via 302 (%s)", err);
    ok(file_equals(dest, files[0].data, files[0].len), "downloaded bytes are the file's");
    is_int(m.cdn_auth_seen, 0, "no Authorization header reached the redirect host");
    ok(hf_get_stats(c)->redirects >= 1, "a redirect was followed by hand");
    ok(progress_calls > 0, "progress was reported (%d calls)", progress_calls);

    /* 429 with Retry-After: 1 */
    double t0 = now_s();
    snprintf(dest, sizeof dest, "%s/b.parquet", dir);
    st = hf_download(c, &R, &l, lfind(&l, files[1].path), dest, err, sizeof err);
    double waited = now_s() - t0;
    is_int(st, PROCTOR_OK, "429 then success (%s)", err);
    ok(waited >= 0.9, "waited what Retry-After said (%.2f s)", waited);
    is_int(files[1].resolves, 2, "resolved twice (429, then 302)");
    ok(file_equals(dest, files[1].data, files[1].len), "bytes after a 429 are right");

    /* 429 with RateLimit r=0;t=0 -> waits t+1 = 1 s */
    t0 = now_s();
    snprintf(dest, sizeof dest, "%s/h.parquet", dir);
    st = hf_download(c, &R, &l, lfind(&l, files[7].path), dest, err, sizeof err);
    waited = now_s() - t0;
    ok(st == PROCTOR_OK && waited >= 0.9, "RateLimit header honoured (%.2f s)", waited);

    /* Retry-After above the cap: the cap wins */
    hf_opts oc = o;
    oc.retry_after_max_s = 0.2;
    hf_client *capped = hf_new(&oc, err, sizeof err);
    t0 = now_s();
    snprintf(dest, sizeof dest, "%s/i.parquet", dir);
    st = hf_download(capped, &R, &l, lfind(&l, files[8].path), dest, err, sizeof err);
    waited = now_s() - t0;
    ok(st == PROCTOR_OK && waited < 0.8 && files[8].resolves == 2, "Retry-After: 1 capped at 0.2 s (%.2f s)", waited);
    hf_free(capped);

    /* a connection cut half way, resumed with Range */
    snprintf(dest, sizeof dest, "%s/c.parquet", dir);
    unsigned retries0 = hf_get_stats(c)->retries;
    st = hf_download(c, &R, &l, lfind(&l, files[2].path), dest, err, sizeof err);
    is_int(st, PROCTOR_OK, "cut download completes (%s)", err);
    is_int(files[2].cdn_gets, 2, "two CDN requests: the cut one and the resumed one");
    is_int(files[2].last_range, (long long)(files[2].len / 2), "the second asked for Range: bytes=<half>-");
    ok(hf_get_stats(c)->retries > retries0, "counted as a retry");
    ok(file_equals(dest, files[2].data, files[2].len), "resumed file is byte-exact");

    /* a partial file on disk, and the server answers 200 to the ranged request: restart */
    char tmp[600];
    snprintf(dest, sizeof dest, "%s/d.parquet", dir);
    snprintf(tmp, sizeof tmp, "%s/.d.parquet.incomplete", dir);
    FILE *fp = fopen(tmp, "wb");
    fwrite(files[3].data, 1, 1000, fp);
    fclose(fp);
    unsigned restarted0 = hf_get_stats(c)->restarted;
    st = hf_download(c, &R, &l, lfind(&l, files[3].path), dest, err, sizeof err);
    is_int(st, PROCTOR_OK, "200 to a ranged request (%s)", err);
    is_int(files[3].last_range, 1000, "the request asked to resume at 1000");
    is_int(hf_get_stats(c)->restarted, restarted0 + 1, "the 200 restarted the file from zero");
    ok(file_equals(dest, files[3].data, files[3].len), "restarted file is byte-exact");
    ok(!exists(tmp), "no temporary left behind");

    /* sha256 mismatch: refused, nothing kept */
    snprintf(dest, sizeof dest, "%s/e.parquet", dir);
    snprintf(tmp, sizeof tmp, "%s/.e.parquet.incomplete", dir);
    st = hf_download(c, &R, &l, lfind(&l, files[4].path), dest, err, sizeof err);
    ok(st != PROCTOR_OK && strstr(err, "sha256"), "wrong sha256 refused: %s", err);
    ok(!exists(dest) && !exists(tmp), "neither the file nor its temporary is kept");

    /* 503 twice, then success after backoff */
    snprintf(dest, sizeof dest, "%s/f.parquet", dir);
    st = hf_download(c, &R, &l, lfind(&l, files[5].path), dest, err, sizeof err);
    ok(st == PROCTOR_OK && files[5].resolves == 3, "503 twice then success (%d resolves, %s)", files[5].resolves, err);

    /* 404 */
    snprintf(dest, sizeof dest, "%s/g.parquet", dir);
    st = hf_download(c, &R, &l, lfind(&l, files[6].path), dest, err, sizeof err);
    ok(st == PROCTOR_FAILED && strstr(err, "404") && strstr(err, "EntryNotFound"), "404 -> %s", err);
    ok(!exists(dest), "nothing stored for a 404");

    is_int(m.cdn_auth_seen, 0, "after all downloads: the token never reached the CDN host");
    ok(strstr(logbuf, TOKEN) == NULL, "the token never appears in the log (%zu bytes logged)", loglen);

    /* listing cache */
    char cache[600];
    snprintf(cache, sizeof cache, "%s/.listing.json", dir);
    ok(hf_listing_save(&l, &R, cache) == 0, "listing saved");
    hf_listing l2;
    ok(hf_listing_load(&l2, &R, 60, cache) == 0 && l2.count == l.count &&
       !strcmp(l2.commit, l.commit) && !strcmp(l2.files[0].sha256, l.files[0].sha256) &&
       l2.files[0].size == l.files[0].size, "listing loads back equal");
    hf_listing_free(&l2);
    ok(hf_listing_load(&l2, &R, 0, cache) != 0, "a listing older than the TTL is refused");
    ok(hf_listing_load(&l2, &RO, 60, cache) != 0, "a listing of another revision is refused");
    hf_listing_free(&l);

    /* a next page on another host is refused, the whole listing fails */
    m.evil_next = 1;
    st = hf_list(c, &R, &l, err, sizeof err);
    ok(st != PROCTOR_OK && l.count == 0 && strstr(err, "another host"), "cross-host next page refused: %s", err);
    m.evil_next = 0;
    hf_free(c);

    /* no token: nothing sent anywhere; bad endpoint refused */
    int ok0 = m.hub_auth_ok;
    hf_opts o2 = o;
    o2.token = "";
    c = hf_new(&o2, err, sizeof err);
    m.token = NULL;
    st = hf_list(c, &R, &l, err, sizeof err);
    ok(st == PROCTOR_OK && m.hub_auth_ok == ok0 && m.hub_auth_bad == 0, "without a token no header is sent");
    hf_listing_free(&l);
    ok(hf_list(c, &BAD, &l, err, sizeof err) == PROCTOR_INVALID, "a bad repo id is refused: %s", err);
    hf_free(c);
    o2.endpoint = "ftp://example.org";
    ok(hf_new(&o2, err, sizeof err) == NULL, "a non-http endpoint is refused: %s", err);

    /* HF_ENDPOINT is honoured when no endpoint is configured */
    setenv("HF_ENDPOINT", "http://127.0.0.1:9/mirror/", 1);
    o2.endpoint = NULL;
    c = hf_new(&o2, err, sizeof err);
    is_str(c ? hf_endpoint(c) : NULL, "http://127.0.0.1:9/mirror", "HF_ENDPOINT used, trailing slash dropped");
    hf_free(c);
    unsetenv("HF_ENDPOINT");

    /* cancellation: the hook stops a download and the wait of a 429 */
    o2.endpoint = m.endpoint;
    o2.cancelled = always;
    c = hf_new(&o2, err, sizeof err);
    snprintf(dest, sizeof dest, "%s/j.parquet", dir);
    st = hf_download(c, &R, NULL, &(hf_file){.path = (char *)files[0].path, .size = (int64_t)files[0].len},
                      dest, err, sizeof err);
    ok(st == PROCTOR_CANCELLED && !exists(dest), "a cancelled download stops and stores nothing (%s)", err);
    hf_free(c);

    /* one unsafe entry does not hide the safe ones: skipped, counted and logged */
    hf_opts o3 = o;
    o3.token = "";
    c = hf_new(&o3, err, sizeof err);
    m.extra_entries = "{\"type\":\"file\",\"size\":3,\"path\":\"../evil.parquet\"},"
                      "{\"type\":\"file\",\"size\":3,\"path\":\"data/a\\u0001b.parquet\"},"
                      "{\"type\":\"file\",\"size\":3,\"path\":\"data//x.parquet\"}";
    loglen = 0;
    logbuf[0] = 0;
    st = hf_list(c, &R, &l, err, sizeof err);
    ok(st == PROCTOR_OK && l.count == NF && l.skipped == 3, "unsafe entries skipped, %zu safe kept, %zu skipped (%s)",
       l.count, l.skipped, err);
    ok(strstr(logbuf, "unsafe path '../evil.parquet'") && strstr(logbuf, "data/a?b.parquet"),
       "each skipped entry is logged, control characters masked");
    ok(hf_listing_find(&l, files[0].path) != NULL && hf_listing_find(&l, "../evil.parquet") == NULL,
       "hf_listing_find finds listed paths only");
    hf_listing_free(&l);
    m.extra_entries = NULL;

    /* a 404 leaves no empty .incomplete behind */
    snprintf(dest, sizeof dest, "%s/gone2.parquet", dir);
    snprintf(tmp, sizeof tmp, "%s/.gone2.parquet.incomplete", dir);
    st = hf_download(c, &R, NULL, &(hf_file){.path = (char *)files[6].path, .size = 10}, dest, err, sizeof err);
    ok(st == PROCTOR_FAILED && !exists(tmp) && !exists(dest), "404: no temporary left (%s)", err);

    /* a file of unknown size (no listing): size learnt from the Hub, sha256 still checked */
    snprintf(dest, sizeof dest, "%s/unsized.parquet", dir);
    hf_file uf = {.path = (char *)files[0].path, .size = -1};
    memcpy(uf.sha256, files[0].sha256, 65);
    st = hf_download(c, &R, NULL, &uf, dest, err, sizeof err);
    ok(st == PROCTOR_OK && file_equals(dest, files[0].data, files[0].len), "unsized download is byte-exact (%s)", err);
    hf_free(c);

    /* max_retries 0 means one attempt */
    o3.max_retries = 0;
    c = hf_new(&o3, err, sizeof err);
    files[5].unavailable = 1;
    int res0 = files[5].resolves;
    snprintf(dest, sizeof dest, "%s/once.parquet", dir);
    st = hf_download(c, &R, NULL, lfind_path(files, NF, 5), dest, err, sizeof err);
    ok(st == PROCTOR_NETWORK && files[5].resolves == res0 + 1, "max_retries 0: one request, no retry (%d, %s)",
       files[5].resolves - res0, err);
    ok(proctor_status_retryable(st), "a 503 is retryable for the caller");
    hf_free(c);

    /* a gated repo without a token: a retryable status and a message that says what to do */
    o3.max_retries = 2;
    c = hf_new(&o3, err, sizeof err);
    m.need_auth = 1;
    st = hf_list(c, &R, &l, err, sizeof err);
    ok(proctor_status_retryable(st) && strstr(err, "HTTP 401: the dataset needs a token: set HF_TOKEN"),
       "401 listing -> retryable %d: %s", st, err);
    snprintf(dest, sizeof dest, "%s/gated.parquet", dir);
    snprintf(tmp, sizeof tmp, "%s/.gated.parquet.incomplete", dir);
    st = hf_download(c, &R, NULL, lfind_path(files, NF, 0), dest, err, sizeof err);
    ok(proctor_status_retryable(st) && strstr(err, "HTTP 401: the dataset needs a token: set HF_TOKEN") && !exists(tmp),
       "401 download -> retryable %d: %s", st, err);
    m.need_auth = 0;
    hf_free(c);

    /* a model repo: /api/models/<repo>/tree and /<repo>/resolve/ */
    m.model = 1;
    const hf_repo MR = {HF_MODEL, m.repo, NULL};
    c = hf_new(&o3, err, sizeof err);
    st = hf_list(c, &MR, &l, err, sizeof err);
    ok(st == PROCTOR_OK && l.count == NF && l.commit, "model repo listed (%s)", err);
    snprintf(dest, sizeof dest, "%s/model.bin", dir);
    st = hf_download(c, &MR, &l, hf_listing_find(&l, files[3].path), dest, err, sizeof err);
    ok(st == PROCTOR_OK && file_equals(dest, files[3].data, files[3].len), "model file downloaded (%s)", err);
    hf_listing_free(&l);
    st = hf_list(c, &R, &l, err, sizeof err);
    ok(st == PROCTOR_FAILED, "the dataset path is not the model path (%s)", err);
    hf_free(c);
    m.model = 0;
    ok(hf_listing_load(&l, &MR, 60, cache) != 0, "a dataset's cached listing is not taken for a model's");

    /* token discovery order */
    unsetenv("HF_HUB_DISABLE_IMPLICIT_TOKEN");
    setenv("HF_TOKEN", "  from-env \n", 1);
    char *t = hf_token_discover();
    is_str(t, "from-env", "HF_TOKEN wins, whitespace stripped");
    free(t);
    unsetenv("HF_TOKEN");
    unsetenv("HUGGING_FACE_HUB_TOKEN");
    char tokpath[600];
    snprintf(tokpath, sizeof tokpath, "%s/token", dir);
    fp = fopen(tokpath, "w");
    fputs("from-file\n", fp);
    fclose(fp);
    setenv("HF_TOKEN_PATH", tokpath, 1);
    t = hf_token_discover();
    is_str(t, "from-file", "HF_TOKEN_PATH file read");
    free(t);
    setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1", 1);
    t = hf_token_discover();
    ok(t == NULL, "HF_HUB_DISABLE_IMPLICIT_TOKEN disables it");
    free(t);

    mock_hub_stop(&m);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) diag("could not remove %s", dir);
    for (int i = 0; i < NF; i++) free(files[i].data);
    return done_testing();
}
