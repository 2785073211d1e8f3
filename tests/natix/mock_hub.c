/* mock_hub.c — see mock_hub.h. */
#include "mock_hub.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COMMIT (m->commit ? m->commit : "0123456789abcdef0123456789abcdef01234567")

void mock_file_hash(mock_file *f)
{
    unsigned char h[32];
    crypto_hash_sha256(h, f->data, f->len);
    sodium_bin2hex(f->sha256, sizeof f->sha256, h, 32);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body,
                             const char *h1, const char *v1, const char *h2, const char *v2)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    if (h1) MHD_add_response_header(r, h1, v1);
    if (h2) MHD_add_response_header(r, h2, v2);
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static mock_file *find(mock_hub *m, const char *path)
{
    for (size_t i = 0; i < m->nfiles; i++)
        if (!strcmp(m->files[i].path, path)) return &m->files[i];
    return NULL;
}

static enum MHD_Result listing(mock_hub *m, struct MHD_Connection *c)
{
    const char *cursor = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cursor");
    const char *rec = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "recursive");
    if (!rec || strcmp(rec, "true")) return reply(c, 400, "{\"error\":\"want recursive\"}", NULL, NULL, NULL, NULL);
    int page = cursor && !strcmp(cursor, "p2") ? 2 : 1;
    size_t half = (m->nfiles + 1) / 2, from = page == 1 ? 0 : half, to = page == 1 ? half : m->nfiles;
    size_t cap = 4096 + m->nfiles * 512;
    char *body = malloc(cap);
    size_t w = (size_t)snprintf(body, cap, "[");
    if (page == 1) w += (size_t)snprintf(body + w, cap - w, "{\"type\":\"directory\",\"oid\":\"x\",\"size\":0,\"path\":\"data\"}");
    for (size_t i = from; i < to; i++) {
        const mock_file *f = &m->files[i];
        w += (size_t)snprintf(body + w, cap - w,
                              "%s{\"type\":\"file\",\"oid\":\"%040zu\",\"size\":%zu,\"path\":\"%s\","
                              "\"lfs\":{\"oid\":\"%s\",\"size\":%zu,\"pointerSize\":134}}",
                              (w > 1) ? "," : "", i, f->len, f->path, f->sha256, f->len);
    }
    if (page == 1 && m->extra_entries) {
        size_t need = w + strlen(m->extra_entries) + 8;
        if (need > cap) body = realloc(body, cap = need);
        w += (size_t)snprintf(body + w, cap - w, "%s%s", w > 1 ? "," : "", m->extra_entries);
    }
    snprintf(body + w, cap - w, "]");
    char link[256];
    snprintf(link, sizeof link, "<http://%s:%d/api/%s/%s/tree/main?recursive=true&expand=false&cursor=p2>; rel=\"next\"",
             m->evil_next ? "127.0.0.2" : "127.0.0.1", m->evil_next ? m->cdn_port : m->hub_port,
             m->model ? "models" : "datasets", m->repo);
    enum MHD_Result rc = reply(c, 200, body, "X-Repo-Commit", COMMIT, page == 1 ? "Link" : NULL, link);
    free(body);
    return rc;
}

static enum MHD_Result hub_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                   const char *version, const char *upload, size_t *upload_size, void **state)
{
    mock_hub *m = cls;
    (void)version, (void)upload, (void)upload_size, (void)state;
    if (strcmp(method, "GET")) return reply(c, 405, "", NULL, NULL, NULL, NULL);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    char want[256];
    snprintf(want, sizeof want, "Bearer %s", m->token ? m->token : "");
    pthread_mutex_lock(&m->mu);
    int good = auth && m->token && !strcmp(auth, want);
    if (good) m->hub_auth_ok++;
    else if (auth || m->token) m->hub_auth_bad++;
    pthread_mutex_unlock(&m->mu);
    if (m->need_auth && !good)
        return reply(c, 401, "{\"error\":\"Access to this dataset is restricted\"}", "X-Error-Code", "GatedRepo",
                     NULL, NULL);
    char prefix[256];
    snprintf(prefix, sizeof prefix, "/api/%s/%s/tree/main", m->model ? "models" : "datasets", m->repo);
    if (!strcmp(url, prefix)) {
        pthread_mutex_lock(&m->mu);
        m->listing_requests++;
        pthread_mutex_unlock(&m->mu);
        return listing(m, c);
    }
    snprintf(prefix, sizeof prefix, "%s/%s/resolve/", m->model ? "" : "/datasets", m->repo);
    if (strncmp(url, prefix, strlen(prefix)) == 0) {
        const char *rest = url + strlen(prefix);
        const char *slash = strchr(rest, '/');
        mock_file *f = slash ? find(m, slash + 1) : NULL;
        if (!f || f->gone)
            return reply(c, 404, "Entry not found", "X-Error-Code", "EntryNotFound", "X-Repo-Commit", COMMIT);
        pthread_mutex_lock(&m->mu);
        f->resolves++;
        int limited = f->rate_limit > 0 ? f->rate_limit-- : 0;
        int down = !limited && f->unavailable > 0 ? f->unavailable-- : 0;
        pthread_mutex_unlock(&m->mu);
        if (limited)
            return f->ratelimit_header
                       ? reply(c, 429, "slow down", "RateLimit", "\"api\";r=0;t=0", NULL, NULL)
                       : reply(c, 429, "slow down", "Retry-After", "1", NULL, NULL);
        if (down) return reply(c, 503, "busy", NULL, NULL, NULL, NULL);
        char loc[512], size[32], etag[80];
        snprintf(loc, sizeof loc, "http://127.0.0.2:%d/blob/%s?Expires=1&Signature=x", m->cdn_port, f->path);
        snprintf(size, sizeof size, "%zu", f->len);
        snprintf(etag, sizeof etag, "\"%s\"", f->sha256);
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Location", loc);
        MHD_add_response_header(r, "X-Linked-Size", size);
        MHD_add_response_header(r, "X-Linked-Etag", etag);
        MHD_add_response_header(r, "X-Repo-Commit", COMMIT);
        enum MHD_Result rc = MHD_queue_response(c, 302, r);
        MHD_destroy_response(r);
        return rc;
    }
    return reply(c, 404, "no such endpoint", "X-Error-Code", "RepoNotFound", NULL, NULL);
}

typedef struct cut_body {
    const unsigned char *data;
    size_t start, cut_at; /* serve [start, cut_at) then fail */
} cut_body;

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    cut_body *b = cls;
    size_t at = b->start + (size_t)pos;
    if (at >= b->cut_at) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = b->cut_at - at < max ? b->cut_at - at : max;
    memcpy(buf, b->data + at, n);
    return (ssize_t)n;
}

static enum MHD_Result cdn_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                   const char *version, const char *upload, size_t *upload_size, void **state)
{
    mock_hub *m = cls;
    (void)version, (void)upload, (void)upload_size, (void)state;
    if (strcmp(method, "GET")) return reply(c, 405, "", NULL, NULL, NULL, NULL);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    pthread_mutex_lock(&m->mu);
    if (auth) m->cdn_auth_seen++;
    pthread_mutex_unlock(&m->mu);
    if (strncmp(url, "/blob/", 6)) return reply(c, 404, "", NULL, NULL, NULL, NULL);
    mock_file *f = find(m, url + 6);
    if (!f) return reply(c, 404, "", NULL, NULL, NULL, NULL);
    const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
    long long start = 0;
    if (range && sscanf(range, "bytes=%lld-", &start) != 1) start = 0;
    pthread_mutex_lock(&m->mu);
    f->cdn_gets++;
    f->last_range = range ? start : -1;
    if (range) f->ranged_gets++;
    int ignore = range && f->ignore_range > 0 ? f->ignore_range-- : 0;
    int cut = f->cut > 0 ? f->cut-- : 0;
    pthread_mutex_unlock(&m->mu);
    if (ignore) start = 0;
    if (start > (long long)f->len) {
        char cr[64];
        snprintf(cr, sizeof cr, "bytes */%zu", f->len);
        return reply(c, 416, "", "Content-Range", cr, NULL, NULL);
    }
    struct MHD_Response *r;
    if (cut) {
        cut_body *b = malloc(sizeof *b);
        b->data = f->data;
        b->start = (size_t)start;
        b->cut_at = (size_t)start + (f->len - (size_t)start) / 2;
        r = MHD_create_response_from_callback(f->len - (size_t)start, 4096, cut_reader, b, free);
    } else {
        r = MHD_create_response_from_buffer(f->len - (size_t)start, f->data + start, MHD_RESPMEM_PERSISTENT);
    }
    unsigned status = 200;
    if (range && !ignore) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %lld-%zu/%zu", start, f->len - 1, f->len);
        MHD_add_response_header(r, "Content-Range", cr);
        status = 206;
    }
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static struct MHD_Daemon *start_on(const char *ip, MHD_AccessHandlerCallback h, void *cls, int *port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = 0;
    inet_pton(AF_INET, ip, &a.sin_addr);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, h, cls,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_END);
    if (!d) return NULL;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return d;
}

int mock_hub_start(mock_hub *m)
{
    if (sodium_init() < 0) return -1;
    pthread_mutex_init(&m->mu, NULL);
    for (size_t i = 0; i < m->nfiles; i++) m->files[i].last_range = -1;
    m->hub = start_on("127.0.0.1", hub_handler, m, &m->hub_port);
    m->cdn = start_on("127.0.0.2", cdn_handler, m, &m->cdn_port);
    if (!m->hub || !m->cdn || !m->hub_port || !m->cdn_port) {
        fprintf(stderr, "# cannot listen on 127.0.0.1 and 127.0.0.2\n");
        mock_hub_stop(m);
        return -1;
    }
    snprintf(m->endpoint, sizeof m->endpoint, "http://127.0.0.1:%d", m->hub_port);
    return 0;
}

void mock_hub_stop(mock_hub *m)
{
    if (m->hub) MHD_stop_daemon(m->hub);
    if (m->cdn) MHD_stop_daemon(m->cdn);
    m->hub = m->cdn = NULL;
}
