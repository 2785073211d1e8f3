/* hf_download.c — one file: resolve, redirects by hand, Range resume, integrity, atomic rename. */
#include "hf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sha256_file_(int fd, char hex[65])
{
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    enum { BUF = 1 << 20 };
    unsigned char *buf = malloc(BUF);
    if (!buf) return -1;
    off_t off = 0;
    while (1) {
        ssize_t n = pread(fd, buf, BUF, off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            free(buf);
            return -1;
        }
        if (n == 0) break;
        crypto_hash_sha256_update(&s, buf, (unsigned long long)n);
        off += n;
    }
    free(buf);
    unsigned char h[32];
    crypto_hash_sha256_final(&s, h);
    sodium_bin2hex(hex, 65, h, 32);
    return 0;
}

static void normalise_etag_(char *e)
{
    char *p = e;
    if (!strncmp(p, "W/", 2)) p += 2;
    if (*p == '"') p++;
    size_t n = strlen(p);
    if (n && p[n - 1] == '"') n--;
    memmove(e, p, n);
    e[n] = 0;
}

proctor_status hf_download(hf_client *c, const hf_repo *repo, const hf_listing *l, const hf_file *f,
                           const char *dest, char *err, size_t errlen)
{
    if (!hf_valid_repo_(repo)) return hf_fail_(PROCTOR_INVALID, err, errlen, "bad repo id");
    if (!f || !hf_path_safe(f->path)) return hf_fail_(PROCTOR_INVALID, err, errlen, "unsafe path");
    if (hf_env_true_("HF_HUB_OFFLINE")) return hf_fail_(PROCTOR_NOT_READY, err, errlen, "HF_HUB_OFFLINE is set");
    char rev[512], path[3072], start_url[4096], tmp[4096];
    hf_pct_(rev, sizeof rev, l && l->commit ? l->commit : hf_rev_(repo), 0);
    hf_pct_(path, sizeof path, f->path, 1);
    snprintf(start_url, sizeof start_url, "%s%s/%s/resolve/%s/%s", c->endpoint,
             repo->type == HF_DATASET ? "/datasets" : "", repo->id, rev, path);
    /* hidden temp name: never matches a served suffix nor "*.parquet" */
    const char *slash = strrchr(dest, '/');
    if (slash) snprintf(tmp, sizeof tmp, "%.*s/.%s.incomplete", (int)(slash - dest), dest, slash + 1);
    else snprintf(tmp, sizeof tmp, ".%s.incomplete", dest);
    int fd = open(tmp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return hf_fail_(PROCTOR_IO, err, errlen, "cannot create %s: %s", tmp, strerror(errno));
    int64_t size = f->size; /* < 0: unknown until the Hub or the CDN says */
    struct stat sb;
    int64_t have = fstat(fd, &sb) == 0 ? (int64_t)sb.st_size : 0;
    if (size >= 0 && have > size) {
        if (ftruncate(fd, 0) != 0) have = -1;
        else have = 0;
    }
    if (have > 0) {
        c->stats.resumed++;
        hf_logf_(c, PROCTOR_LOG_DEBUG, "%s: resuming at %lld of %lld bytes", f->path, (long long)have, (long long)size);
    }
    proctor_status st = PROCTOR_OK;
    char *url = strdup(start_url);
    int hops = 0, attempt = 0, gone = 0;
    hf_resp r;
    while (st == PROCTOR_OK && have >= 0) {
        if (size >= 0 && have == size) break;
        if (!url) { st = hf_fail_(PROCTOR_NOMEM, err, errlen, "out of memory"); break; }
        if (hf_cancelled_(c)) { st = hf_fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        hf_xfer x = {.c = c, .r = &r, .fd = fd, .pos = have, .expected = size, .start = have, .what = f->path};
        CURLcode cc = hf_perform_(c, url, &x, have);
        int64_t before = have;
        if (x.restarted) c->stats.restarted++;
        if (r.status == 200 || r.status == 206) have = x.pos;
        free(x.mem);
        if (x.io_error) { st = hf_fail_(PROCTOR_IO, err, errlen, "writing %s: %s", tmp, strerror(errno)); break; }
        if (x.too_long) { st = hf_fail_(PROCTOR_FAILED, err, errlen, "%s: server sent more than the listed %lld bytes", f->path, (long long)size); break; }
        if (cc == CURLE_ABORTED_BY_CALLBACK && hf_cancelled_(c)) { st = hf_fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        if (cc == CURLE_OK && hf_is_redirect_(r.status)) {
            if (++hops > HF_MAX_HOPS) { st = hf_fail_(PROCTOR_FAILED, err, errlen, "%s: too many redirects", f->path); break; }
            if (r.linked_size >= 0 && size >= 0 && r.linked_size != size) {
                st = hf_fail_(PROCTOR_FAILED, err, errlen, "%s changed since it was listed (size %lld, listed %lld)",
                              f->path, (long long)r.linked_size, (long long)size);
                break;
            }
            if (r.linked_size >= 0 && size < 0) size = r.linked_size;
            if (r.linked_etag[0] && f->sha256[0]) {
                normalise_etag_(r.linked_etag);
                if (strcmp(r.linked_etag, f->sha256)) {
                    st = hf_fail_(PROCTOR_FAILED, err, errlen, "%s changed since it was listed (etag)", f->path);
                    break;
                }
            }
            char *next = r.location[0] ? hf_resolve_url_(url, r.location) : NULL;
            if (!next || !hf_scheme_ok_(c, next)) {
                free(next);
                st = hf_fail_(PROCTOR_FAILED, err, errlen, "%s: redirect to a refused URL", f->path);
                break;
            }
            c->stats.redirects++;
            free(url);
            url = next;
            continue;
        }
        if (cc == CURLE_OK && r.status == 416) {
            /* our start is at or past the end: complete if the size is right, else start over */
            if (size < 0 && r.range_total >= 0 && have == r.range_total) size = have;
            if (have == size) break;
            if (ftruncate(fd, 0) != 0) { st = hf_fail_(PROCTOR_IO, err, errlen, "truncate %s", tmp); break; }
            have = 0;
            c->stats.restarted++;
        } else if (cc == CURLE_OK && (r.status == 200 || r.status == 206)) {
            /* curl checked the body against Content-Length: a clean end of an unsized file is its end */
            if (size < 0) size = r.status == 206 && r.range_total >= 0 ? r.range_total : have;
            if (have == size) break;
            /* body ended short without an error: resume */
        } else if (cc == CURLE_OK && !hf_retryable_status_(r.status)) {
            gone = r.status == 404 || r.status == 410;
            st = hf_http_error_(c, repo, &r, f->path, err, errlen);
            break;
        } else if (x.bad_range) {
            if (ftruncate(fd, 0) != 0) { st = hf_fail_(PROCTOR_IO, err, errlen, "truncate %s", tmp); break; }
            have = 0;
            c->stats.restarted++;
        }
        /* retry: a transfer that made progress resets the attempt counter (huggingface_hub does) */
        if (have > before) attempt = 0;
        if (attempt >= c->o.max_retries) {
            if (cc != CURLE_OK) st = hf_fail_(PROCTOR_NETWORK, err, errlen, "%s: %s", f->path, curl_easy_strerror(cc));
            else st = hf_http_error_(c, repo, &r, f->path, err, errlen);
            break;
        }
        double w = cc == CURLE_OK ? hf_wait_for_(c, &r, attempt) : (have > before ? 0 : hf_backoff_(c, attempt));
        attempt++;
        c->stats.retries++;
        hf_logf_(c, PROCTOR_LOG_DEBUG, "%s: %s at %lld bytes, retrying in %.1f s", f->path,
                 cc != CURLE_OK ? curl_easy_strerror(cc) : "HTTP error", (long long)have, w);
        if (hf_nap_(c, w)) { st = hf_fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        /* signed CDN URLs expire: go back through /resolve/ */
        free(url);
        url = strdup(start_url);
        hops = 0;
    }
    free(url);
    int drop = gone; /* a file the Hub no longer has is not worth resuming */
    if (st == PROCTOR_OK && have < 0) st = hf_fail_(PROCTOR_IO, err, errlen, "truncate %s", tmp);
    if (st == PROCTOR_OK && f->sha256[0]) {
        char hex[65];
        if (sha256_file_(fd, hex)) st = hf_fail_(PROCTOR_IO, err, errlen, "reading %s back", tmp);
        else if (strcmp(hex, f->sha256)) {
            st = hf_fail_(PROCTOR_FAILED, err, errlen, "%s: sha256 %.12s... does not match the listing's %.12s...",
                          f->path, hex, f->sha256);
            drop = 1; /* a wrong file is not worth resuming */
        }
    }
    if (st == PROCTOR_OK && fsync(fd) != 0) st = hf_fail_(PROCTOR_IO, err, errlen, "fsync %s: %s", tmp, strerror(errno));
    /* nothing received: leave no empty temp file behind */
    if (st != PROCTOR_OK && fstat(fd, &sb) == 0 && sb.st_size == 0) drop = 1;
    close(fd);
    if (st == PROCTOR_OK && rename(tmp, dest) != 0)
        st = hf_fail_(PROCTOR_IO, err, errlen, "rename to %s: %s", dest, strerror(errno));
    if (st == PROCTOR_FAILED && err && strstr(err, "changed since")) drop = 1;
    if (drop) unlink(tmp);
    return st;
}
