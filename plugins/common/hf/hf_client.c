/* hf_client.c — the client object, token discovery, URL and path checks, backoff. */
#include "hf_internal.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#ifndef PROCTOR_VERSION
#define PROCTOR_VERSION "0"
#endif

proctor_status hf_fail_(proctor_status s, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return s;
}

void hf_logf_(hf_client *c, proctor_log_level lv, const char *fmt, ...)
{
    if (!c->o.log) return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->o.log(c->o.user, lv, msg);
}

int hf_cancelled_(hf_client *c) { return c->o.cancelled && c->o.cancelled(c->o.user); }

static char *strip_dup_(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    if (!n) return NULL;
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n), d[n] = 0;
    return d;
}

static char *read_token_file_(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    char *t = strip_dup_(buf, n);
    sodium_memzero(buf, sizeof buf);
    return t;
}

int hf_env_true_(const char *name)
{
    const char *v = getenv(name);
    return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

char *hf_token_discover(void)
{
    if (hf_env_true_("HF_HUB_DISABLE_IMPLICIT_TOKEN")) return NULL;
    const char *envs[] = {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"};
    for (int i = 0; i < 2; i++) {
        const char *v = getenv(envs[i]);
        char *t = v ? strip_dup_(v, strlen(v)) : NULL;
        if (t) return t;
    }
    char path[4096];
    const char *p = getenv("HF_TOKEN_PATH");
    if (p && *p) return read_token_file_(p);
    const char *home = getenv("HF_HOME"), *xdg = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (home && *home) snprintf(path, sizeof path, "%s/token", home);
    else if (xdg && *xdg) snprintf(path, sizeof path, "%s/huggingface/token", xdg);
    else if (h && *h) snprintf(path, sizeof path, "%s/.cache/huggingface/token", h);
    else return NULL;
    return read_token_file_(path);
}

/* scheme://host:port, lowercase, of an absolute URL; NULL if it cannot be parsed. */
char *hf_origin_of_(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        size_t n = strlen(scheme) + strlen(host) + strlen(port) + 5;
        out = malloc(n);
        if (out) {
            snprintf(out, n, "%s://%s:%s", scheme, host, port);
            for (char *q = out; *q; q++) *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

/* Resolve a Location (absolute or relative) against the URL it came from. */
char *hf_resolve_url_(const char *base, const char *loc)
{
    CURLU *u = curl_url();
    char *full = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
        out = strdup(full);
    curl_free(full);
    curl_url_cleanup(u);
    return out;
}

/* Percent-encode; keep '/' when keep_slash. */
void hf_pct_(char *out, size_t outlen, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t w = 0;
    for (; *s && w + 4 < outlen; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
            out[w++] = (char)ch;
        } else {
            out[w++] = '%';
            out[w++] = hex[ch >> 4];
            out[w++] = hex[ch & 15];
        }
    }
    out[w] = 0;
}

/* org/name (or a bare name for a model, as the Hub still serves legacy models like "gpt2"). */
int hf_valid_repo_(const hf_repo *r)
{
    const char *repo = r ? r->id : NULL;
    int slashes = 0;
    if (!repo || !*repo || *repo == '/' || strstr(repo, "..") || strlen(repo) > 200) return 0;
    if (r->type != HF_MODEL && r->type != HF_DATASET) return 0;
    for (const char *p = repo; *p; p++) {
        if (*p == '/') slashes++;
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                   *p == '-' || *p == '_' || *p == '.'))
            return 0;
    }
    if (repo[strlen(repo) - 1] == '/') return 0;
    return slashes == 1 || (slashes == 0 && r->type == HF_MODEL);
}

const char *hf_rev_(const hf_repo *r) { return r->revision && *r->revision ? r->revision : "main"; }
const char *hf_kind_(const hf_repo *r) { return r->type == HF_DATASET ? "dataset" : "model"; }

/* Repo paths come from the server: refuse anything that could escape a directory. */
int hf_path_safe(const char *p)
{
    if (!p || !*p || *p == '/' || strchr(p, '\\') || strlen(p) > 1024) return 0;
    for (const unsigned char *q = (const unsigned char *)p; *q; q++)
        if (*q < 0x20 || *q == 0x7f) return 0;
    const char *seg = p;
    while (1) {
        const char *e = strchr(seg, '/');
        size_t n = e ? (size_t)(e - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return 0;
        if (!e) return 1;
        seg = e + 1;
    }
}

hf_opts hf_opts_default(void)
{
    hf_opts o;
    memset(&o, 0, sizeof o);
    o.max_retries = 5;
    o.backoff_base_s = 1;
    o.backoff_max_s = 8;
    o.retry_after_max_s = 300;
    o.connect_timeout_s = 10;
    o.stall_timeout_s = 30;
    return o;
}

hf_client *hf_new(const hf_opts *opts, char *err, size_t errlen)
{
    static int global_done;
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0) {
            hf_fail_(PROCTOR_FAILED, err, errlen, "libcurl/libsodium initialisation failed");
            return NULL;
        }
        global_done = 1;
    }
    hf_client *c = calloc(1, sizeof *c);
    if (!c) {
        hf_fail_(PROCTOR_NOMEM, err, errlen, "out of memory");
        return NULL;
    }
    c->o = opts ? *opts : hf_opts_default();
    if (c->o.max_retries < 0) c->o.max_retries = 0;
    if (c->o.backoff_base_s <= 0) c->o.backoff_base_s = 1;
    if (c->o.backoff_max_s <= 0) c->o.backoff_max_s = 8;
    if (c->o.retry_after_max_s <= 0) c->o.retry_after_max_s = 300;
    if (c->o.connect_timeout_s <= 0) c->o.connect_timeout_s = 10;
    if (c->o.stall_timeout_s <= 0) c->o.stall_timeout_s = 30;
    const char *ep = opts && opts->endpoint && *opts->endpoint ? opts->endpoint : getenv("HF_ENDPOINT");
    if (!ep || !*ep) ep = "https://huggingface.co";
    c->endpoint = strdup(ep);
    if (c->endpoint) {
        size_t n = strlen(c->endpoint);
        while (n && c->endpoint[n - 1] == '/') c->endpoint[--n] = 0;
    }
    c->origin = c->endpoint ? hf_origin_of_(c->endpoint) : NULL;
    if (!c->origin || (strncmp(c->origin, "https://", 8) && strncmp(c->origin, "http://", 7))) {
        hf_fail_(PROCTOR_INVALID, err, errlen, "Hub endpoint '%s' is not an http(s) URL", ep);
        hf_free(c);
        return NULL;
    }
    /* plain http only when the operator pointed us at an http endpoint (a local mirror, tests) */
    c->allow_http = strncmp(c->origin, "http://", 7) == 0;
    if (opts && opts->token) c->token = *opts->token ? strdup(opts->token) : NULL;
    else c->token = hf_token_discover();
    const char *ua = opts && opts->user_agent && *opts->user_agent ? opts->user_agent : "proctor-hf/" PROCTOR_VERSION;
    c->user_agent = strdup(ua);
    if (!c->user_agent) {
        hf_fail_(PROCTOR_NOMEM, err, errlen, "out of memory");
        hf_free(c);
        return NULL;
    }
    return c;
}

void hf_free(hf_client *c)
{
    if (!c) return;
    free(c->endpoint);
    free(c->origin);
    if (c->token) sodium_memzero(c->token, strlen(c->token));
    free(c->token);
    free(c->user_agent);
    free(c);
}

const char *hf_endpoint(const hf_client *c) { return c->endpoint; }
int hf_has_token(const hf_client *c) { return c->token != NULL; }
const hf_stats *hf_get_stats(const hf_client *c) { return &c->stats; }

/* Sleep in small slices so a cancel request is seen quickly. Returns -1 when cancelled. */
int hf_nap_(hf_client *c, double seconds)
{
    while (seconds > 0) {
        if (hf_cancelled_(c)) return -1;
        double s = seconds < 0.05 ? seconds : 0.05;
        struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
        nanosleep(&ts, NULL);
        seconds -= s;
    }
    return hf_cancelled_(c) ? -1 : 0;
}

double hf_backoff_(hf_client *c, int attempt)
{
    double d = c->o.backoff_base_s * pow(2.0, attempt);
    if (d > c->o.backoff_max_s) d = c->o.backoff_max_s;
    /* jitter: 75%..125%, so many validators do not retry in lockstep */
    uint64_t r = c->o.random ? c->o.random(c->o.user) : (uint64_t)randombytes_random();
    return d * (0.75 + 0.5 * (double)(r % 1000) / 1000.0);
}
