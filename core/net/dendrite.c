/* dendrite.c — see dendrite.h. */
#include "net/dendrite.h"
#include "base/clock.h"

#include "base/log.h"
#include "net/wire.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 9.0
#define DEFAULT_MAX_RESPONSE (64u << 10)
#define HEADER_SIZE_TEXT "640" /* Python's sys.getsizeof(headers); axons only int-parse it */

typedef struct req {
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    char *resp;
    size_t resp_len, resp_cap, max;
    int too_big;
    int done;
    CURLcode code;
} req;

struct pc_dendrite {
    CURLM *multi;    /* owns the connection cache that the next query reuses */
    int epfd;        /* the sockets curl asks us to watch (CURLMOPT_SOCKETFUNCTION) */
    double deadline; /* when curl wants its timeout action (monotonic s); < 0 = none */
    req *reqs;       /* one per miner of the largest query so far; easy handles are reused */
    size_t nreqs;
    char uuid[37];
    char hotkey[65];
    char ip[64];
    double timeout_s;
    size_t max_response;
    long long version;
    pc_sign_fn sign;
    void *sign_user;
    char body_hash[65];
};

static int on_socket(CURL *e, curl_socket_t fd, int what, void *user, void *socketp);
static int on_timer(CURLM *m, long timeout_ms, void *user);

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code;
static void curl_init(void) { curl_init_code = curl_global_init(CURL_GLOBAL_DEFAULT); }

uint64_t pc_dendrite_next_nonce(void)
{
    static uint64_t last;
    uint64_t now = pc_wall_ns();
    uint64_t prev = __atomic_load_n(&last, __ATOMIC_RELAXED), next;
    do next = now > prev ? now : prev + 1;
    while (!__atomic_compare_exchange_n(&last, &prev, next, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return next;
}

static int make_uuid4(char out[37])
{
    uint8_t b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) return -1;
    b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
    b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return 0;
}

static int is_ss58ish(const char *s)
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    size_t n = strlen(s);
    return n > 0 && n <= 64 && strspn(s, alphabet) == n;
}

pc_dendrite *pc_dendrite_new(const pc_dendrite_config *cfg, char *err, size_t errlen)
{
    pc_dendrite_config none = {0};
    if (!cfg) cfg = &none;
    pthread_once(&curl_once, curl_init);
    if (curl_init_code != CURLE_OK) {
        snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_code));
        return NULL;
    }
    if (cfg->hotkey && *cfg->hotkey && !is_ss58ish(cfg->hotkey)) {
        snprintf(err, errlen, "dendrite hotkey is not SS58 text");
        return NULL;
    }
    unsigned char addr[16];
    const char *ip = cfg->external_ip ? cfg->external_ip : "0.0.0.0";
    if (strlen(ip) >= 64 || (inet_pton(AF_INET, ip, addr) != 1 && inet_pton(AF_INET6, ip, addr) != 1)) {
        snprintf(err, errlen, "dendrite external ip \"%.64s\" is not an IP address", ip);
        return NULL;
    }
    if (cfg->timeout_s < 0 || cfg->timeout_s > 3600 || isnan(cfg->timeout_s)) {
        snprintf(err, errlen, "dendrite timeout must be in (0, 3600] seconds");
        return NULL;
    }
    pc_dendrite *d = calloc(1, sizeof *d);
    if (d) d->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!d || d->epfd < 0 || !(d->multi = curl_multi_init()) || make_uuid4(d->uuid) != 0) {
        snprintf(err, errlen, "cannot create the dendrite (out of memory, fds or randomness)");
        if (d) {
            curl_multi_cleanup(d->multi);
            if (d->epfd >= 0) close(d->epfd);
        }
        free(d);
        return NULL;
    }
    d->deadline = -1;
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETDATA, d);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERDATA, d);
    snprintf(d->hotkey, sizeof d->hotkey, "%s", cfg->hotkey ? cfg->hotkey : "");
    snprintf(d->ip, sizeof d->ip, "%s", ip);
    d->timeout_s = cfg->timeout_s > 0 ? cfg->timeout_s : DEFAULT_TIMEOUT_S;
    d->max_response = cfg->max_response ? cfg->max_response : DEFAULT_MAX_RESPONSE;
    d->version = cfg->version ? cfg->version : PC_BT_VERSION;
    d->sign = cfg->sign;
    d->sign_user = cfg->sign_user;
    pc_synapse_body_hash(d->body_hash);
    return d;
}

static void req_clear(req *r)
{
    curl_slist_free_all(r->headers);
    free(r->body);
    free(r->resp);
    r->headers = NULL;
    r->body = r->resp = NULL;
    r->resp_len = r->resp_cap = 0;
    r->too_big = r->done = 0;
    r->code = CURLE_OK;
}

void pc_dendrite_free(pc_dendrite *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nreqs; i++) {
        req_clear(&d->reqs[i]);
        curl_easy_cleanup(d->reqs[i].easy);
    }
    free(d->reqs);
    curl_multi_cleanup(d->multi);
    close(d->epfd);
    free(d);
}

const char *pc_dendrite_uuid(const pc_dendrite *d) { return d->uuid; }

/* Collect at most r->max bytes; one byte more aborts the transfer (CURLE_WRITE_ERROR). */
static size_t on_data(char *data, size_t size, size_t nmemb, void *user)
{
    req *r = user;
    size_t n = size * nmemb;
    if (n > r->max - r->resp_len) {
        r->too_big = 1;
        return 0;
    }
    if (r->resp_len + n + 1 > r->resp_cap) {
        size_t cap = r->resp_cap ? r->resp_cap : 4096;
        while (cap < r->resp_len + n + 1) cap *= 2;
        if (cap > r->max + 1) cap = r->max + 1;
        char *p = realloc(r->resp, cap);
        if (!p) return 0;
        r->resp = p;
        r->resp_cap = cap;
    }
    memcpy(r->resp + r->resp_len, data, n);
    r->resp_len += n;
    r->resp[r->resp_len] = 0;
    return n;
}

static void fail(pc_dendrite_result *o, const char *why)
{
    o->prediction = -1;
    snprintf(o->reason, sizeof o->reason, "%s", why);
}

static int add_header(struct curl_slist **h, const char *name, const char *value)
{
    char line[512];
    snprintf(line, sizeof line, "%s: %s", name, value);
    struct curl_slist *n = curl_slist_append(*h, line);
    if (!n) return -1;
    *h = n;
    return 0;
}

/* Build headers + body of one request and configure its easy handle. Returns 0; -1 when this
 * target cannot be asked (reason in o); -2 when out of memory. */
static int prepare(pc_dendrite *d, req *r, const pc_axon_target *t, const char *image,
                   size_t image_len, pc_dendrite_result *o)
{
    unsigned char addr[16];
    char host[64], url[96], port[8], nonce[24], version[24], total[24], timeout[32], sig[131];
    const char *ip = t->ip ? t->ip : "";
    size_t iplen = strlen(ip);
    if (iplen >= 2 && ip[0] == '[' && ip[iplen - 1] == ']') ip++, iplen -= 2;
    int v6 = 0;
    if (iplen == 0 || iplen >= sizeof host) return fail(o, "bad target ip"), -1;
    memcpy(host, ip, iplen);
    host[iplen] = 0;
    if (inet_pton(AF_INET, host, addr) != 1) {
        if (inet_pton(AF_INET6, host, addr) != 1) return fail(o, "bad target ip"), -1;
        v6 = 1;
    }
    if (t->port < 1 || t->port > 65535) return fail(o, "bad target port"), -1;
    if (t->hotkey && *t->hotkey && !is_ss58ish(t->hotkey)) return fail(o, "bad target hotkey"), -1;
    const char *axon_hotkey = t->hotkey && *t->hotkey ? t->hotkey : NULL;
    const char *my_hotkey = *d->hotkey ? d->hotkey : NULL;

    snprintf(url, sizeof url, v6 ? "http://[%s]:%d/%s" : "http://%s:%d/%s", host, t->port,
             PC_SYNAPSE_NAME);
    snprintf(port, sizeof port, "%d", t->port);
    snprintf(nonce, sizeof nonce, "%llu", (unsigned long long)pc_dendrite_next_nonce());
    snprintf(version, sizeof version, "%lld", d->version);
    snprintf(total, sizeof total, "%zu", image_len); /* stands in for Python's object size */
    pc_py_float_repr(d->timeout_s, timeout);

    const char *signature = NULL;
    if (d->sign) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s.%s.%s.%s.%s", nonce, my_hotkey ? my_hotkey : "",
                 axon_hotkey ? axon_hotkey : "", d->uuid, d->body_hash);
        memset(sig, 0, sizeof sig);
        if (d->sign(d->sign_user, msg, sig) != 0 || strncmp(sig, "0x", 2) != 0 ||
            strlen(sig) != 130 || strspn(sig + 2, "0123456789abcdef") != 128)
            return fail(o, "signing failed"), -1;
        signature = sig;
    }

    pc_synapse s = {
        .timeout = d->timeout_s,
        .total_size = (long long)image_len,
        .header_size = 0,
        .dendrite = {.ip = d->ip, .version = version, .nonce = nonce, .uuid = d->uuid,
                     .hotkey = my_hotkey, .signature = signature},
        .axon = {.ip = host, .port = port, .hotkey = axon_hotkey},
        .computed_body_hash = "",
        .testnet_label = -1,
        .image = image,
        .prediction = -1.0,
    };
    size_t body_len;
    if (!(r->body = pc_synapse_json(&s, &body_len))) return -2;

    /* Python's insertion order: name, timeout, axon, dendrite, sizes, hash */
    struct curl_slist **h = &r->headers;
    int bad = add_header(h, "name", PC_SYNAPSE_NAME) | add_header(h, "timeout", timeout) |
              add_header(h, "bt_header_axon_ip", host) | add_header(h, "bt_header_axon_port", port);
    if (axon_hotkey) bad |= add_header(h, "bt_header_axon_hotkey", axon_hotkey);
    bad |= add_header(h, "bt_header_dendrite_ip", d->ip) |
           add_header(h, "bt_header_dendrite_version", version) |
           add_header(h, "bt_header_dendrite_nonce", nonce) |
           add_header(h, "bt_header_dendrite_uuid", d->uuid);
    if (my_hotkey) bad |= add_header(h, "bt_header_dendrite_hotkey", my_hotkey);
    if (signature) bad |= add_header(h, "bt_header_dendrite_signature", signature);
    bad |= add_header(h, "header_size", HEADER_SIZE_TEXT) | add_header(h, "total_size", total) |
           add_header(h, "computed_body_hash", d->body_hash) |
           add_header(h, "Content-Type", "application/json");
    /* no "Expect: 100-continue" round trip (aiohttp does not send it either) */
    struct curl_slist *n = curl_slist_append(*h, "Expect:");
    if (bad || !n) return -2;
    *h = n;

    CURL *e = r->easy; /* the fixed options were set in grow_pool */
    r->max = d->max_response + image_len; /* the echo of the image is expected */
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max); /* by Content-Length */
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    return 0;
}

/* The answer as upstream reads it: ImageSynapse(**json) validates "prediction" as a pydantic
 * float in lax mode, so numbers, numeric strings (pc_pydantic_float) and booleans are answers,
 * NaN and infinities included (the scorer decides what they are worth); null, lists and
 * objects are not. */
/* Python's json (which reads the answer upstream) also takes the bare tokens NaN, Infinity and
 * -Infinity as numbers; cJSON does not. Outside strings they become the strings "nan", "inf",
 * "-inf", which the prediction's lax float reading turns back into NaN and infinities. NULL when
 * there is none (or out of memory). */
static char *python_tokens(const char *text, size_t len, size_t *out_len)
{
    static const struct { const char *token, *as; } map[] = {
        {"-Infinity", "\"-inf\""}, {"Infinity", "\"inf\""}, {"NaN", "\"nan\""}};
    char *out = malloc(len * 2 + 1);
    size_t n = 0;
    int in_string = 0, replaced = 0;
    for (size_t i = 0; out && i < len;) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\' && i + 1 < len) out[n++] = text[i++];
            else if (ch == '"') in_string = 0;
            out[n++] = text[i++];
            continue;
        }
        size_t k = 0;
        while (k < 3 && !(len - i >= strlen(map[k].token) && !memcmp(text + i, map[k].token, strlen(map[k].token))))
            k++;
        if (k < 3) {
            memcpy(out + n, map[k].as, strlen(map[k].as));
            n += strlen(map[k].as);
            i += strlen(map[k].token);
            replaced = 1;
            continue;
        }
        if (ch == '"') in_string = 1;
        out[n++] = text[i++];
    }
    if (!out || !replaced) {
        free(out);
        return NULL;
    }
    out[n] = 0;
    *out_len = n;
    return out;
}

static void parse_answer(req *r, pc_dendrite_result *o)
{
    cJSON *root = cJSON_ParseWithLength(r->resp ? r->resp : "", r->resp_len);
    size_t alt_len = 0;
    char *alt = root || !r->resp ? NULL : python_tokens(r->resp, r->resp_len, &alt_len);
    if (alt) root = cJSON_ParseWithLength(alt, alt_len);
    free(alt);
    const cJSON *p = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "prediction") : NULL;
    double v = 0;
    int ok = 0;
    if (cJSON_IsNumber(p)) v = p->valuedouble, ok = 1;
    else if (cJSON_IsBool(p)) v = cJSON_IsTrue(p) ? 1.0 : 0.0, ok = 1;
    else if (cJSON_IsString(p)) ok = pc_pydantic_float(p->valuestring, strlen(p->valuestring), &v) == 0;
    if (!cJSON_IsObject(root)) fail(o, "invalid JSON");
    else if (!p) fail(o, "no prediction");
    else if (!ok) fail(o, "prediction not a number");
    else {
        o->prediction = v;
        snprintf(o->reason, sizeof o->reason, "ok");
    }
    cJSON_Delete(root);
}

/* libcurl refuses a header line over CURL_MAX_HTTP_HEADER (100 KiB) with its out-of-memory code
 * (CURLE_TOO_LARGE from 8.6); nothing else in a transfer runs out of memory that way. */
static int header_too_large(CURLcode code)
{
#if LIBCURL_VERSION_NUM >= 0x080600
    if (code == CURLE_TOO_LARGE) return 1;
#endif
    return code == CURLE_OUT_OF_MEMORY;
}

/* status: the HTTP status of a response that arrived in full (whatever its body says), 0 when
 * the transfer failed (timeout, connection, size caps), even after a status line came in. */
static void finish(req *r, pc_dendrite_result *o)
{
    long status = 0, connects = 0;
    curl_off_t total_us = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects);
    curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total_us);
    o->status = r->too_big || r->code != CURLE_OK ? 0 : (int)status;
    o->new_connection = connects > 0;
    o->latency_s = (double)total_us / 1e6;
    if (r->code == CURLE_OPERATION_TIMEDOUT) fail(o, "timeout");
    else if (r->too_big || r->code == CURLE_FILESIZE_EXCEEDED) fail(o, "response too large");
    else if (header_too_large(r->code)) fail(o, "response header too large");
    else if (r->code == CURLE_COULDNT_CONNECT) fail(o, "connection refused");
    else if (r->code != CURLE_OK) fail(o, curl_easy_strerror(r->code));
    else if (status != 200) {
        char why[32];
        snprintf(why, sizeof why, "http %ld", status);
        fail(o, why);
    } else parse_answer(r, o);
    if (strcmp(o->reason, "ok") != 0) {
        char *url = NULL;
        curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
        pc_debug("dendrite: %s: %s after %.3f s", url ? url : "?", o->reason, o->latency_s);
    }
}

static int grow_pool(pc_dendrite *d, size_t n)
{
    if (n <= d->nreqs) return 0;
    req *p = realloc(d->reqs, n * sizeof *p);
    if (!p) return -1;
    d->reqs = p;
    long ms = (long)ceil(d->timeout_s * 1000);
    for (; d->nreqs < n; d->nreqs++) {
        memset(&p[d->nreqs], 0, sizeof *p);
        CURL *e = p[d->nreqs].easy = curl_easy_init();
        if (!e) return -1;
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never route miners through an env proxy */
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "proctor/" PROCTOR_VERSION);
        /* each handle keeps its receive buffer (16 KiB by default) for its whole life: with
         * hundreds of miners that is megabytes; answers read in 4 KiB pieces just as well */
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 4096L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
        /* aiohttp's Accept-Encoding; on_data counts decoded bytes, so the cap also bounds what
         * a compressed answer (or a gzip bomb) expands to */
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
    }
    return 0;
}

/* curl tells us which sockets to watch for what; we keep them in an epoll set, so each wake-up
 * costs O(ready sockets), not O(all miners) as a poll() over every socket would. */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *user, void *socketp)
{
    pc_dendrite *d = user;
    (void)e, (void)socketp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL); /* may already be gone with the fd */
        return 0;
    }
    struct epoll_event ev = {.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) |
                                       (what & CURL_POLL_OUT ? EPOLLOUT : 0u),
                             .data.fd = fd};
    if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT &&
        epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return -1;
    return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *user)
{
    pc_dendrite *d = user;
    (void)m;
    d->deadline = timeout_ms < 0 ? -1 : pc_mono_s() + timeout_ms / 1e3;
    return 0;
}

/* Let curl act on one socket (or on its timers), then collect the finished transfers. */
static CURLMcode act(pc_dendrite *d, curl_socket_t fd, int flags, int *running,
                     pc_dendrite_result *out)
{
    /* the timer is one-shot: once it has fired, curl sets the next one through on_timer */
    if (fd == CURL_SOCKET_TIMEOUT && d->deadline >= 0 && d->deadline <= pc_mono_s()) d->deadline = -1;
    CURLMcode mc = curl_multi_socket_action(d->multi, fd, flags, running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(d->multi, &left)))
        if (m->msg == CURLMSG_DONE) {
            req *r;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
            r->code = m->data.result;
            r->done = 1;
            finish(r, &out[r - d->reqs]);
            /* a finished transfer needs neither body again: free them now, not at the end of
             * the round, so a round's peak holds only the transfers still in flight */
            free(r->body);
            free(r->resp);
            r->body = r->resp = NULL;
            r->resp_len = r->resp_cap = 0;
        }
    return mc;
}

int pc_dendrite_query(pc_dendrite *d, const pc_axon_target *targets, size_t n,
                      const char *image_b64, pc_dendrite_result *out, char *err, size_t errlen)
{
    size_t image_len = image_b64 ? strlen(image_b64) : 0;
    if (image_len == 0 || strspn(image_b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789+/=") != image_len) {
        snprintf(err, errlen, "image is not base64 text");
        return -1;
    }
    if (grow_pool(d, n) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0, running = 0;
    CURLMcode mc = CURLM_OK;
    for (size_t i = 0; i < n; i++) {
        req *r = &d->reqs[i];
        memset(&out[i], 0, sizeof out[i]);
        out[i].prediction = -1;
        req_clear(r);
        r->done = 1; /* not in flight unless added below */
    }
    /* each request leaves as soon as it is built, so the first miners start working while the
     * later requests are still being prepared */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        req *r = &d->reqs[i];
        int p = prepare(d, r, &targets[i], image_b64, image_len, &out[i]);
        if (p == -2) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        } else if (p == 0) {
            if ((mc = curl_multi_add_handle(d->multi, r->easy)) == CURLM_OK) {
                r->done = 0;
                mc = act(d, CURL_SOCKET_TIMEOUT, 0, &running, out);
            }
            if (mc != CURLM_OK) rc = -1;
        }
    }
    struct epoll_event ev[64];
    while (rc == 0 && running) {
        int wait = 1000;
        if (d->deadline >= 0) {
            double left = d->deadline - pc_mono_s();
            wait = left <= 0 ? 0 : left < 1 ? (int)ceil(left * 1e3) : 1000;
        }
        int k = epoll_wait(d->epfd, ev, 64, wait);
        if (k < 0 && errno != EINTR) {
            snprintf(err, errlen, "epoll_wait: %s", strerror(errno));
            rc = -1;
            break;
        }
        for (int j = 0; j < k && mc == CURLM_OK; j++) {
            int flags = (ev[j].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                        (ev[j].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                        (ev[j].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
            mc = act(d, ev[j].data.fd, flags, &running, out);
        }
        if (mc == CURLM_OK && d->deadline >= 0 && d->deadline <= pc_mono_s())
            mc = act(d, CURL_SOCKET_TIMEOUT, 0, &running, out);
        if (mc != CURLM_OK) rc = -1;
    }
    if (mc != CURLM_OK) snprintf(err, errlen, "curl multi: %s", curl_multi_strerror(mc));
    /* detach everything (still-running ones only on a fatal error); connections stay cached */
    for (size_t i = 0; i < n; i++) {
        req *r = &d->reqs[i];
        if (r->easy) curl_multi_remove_handle(d->multi, r->easy);
        if (!r->done) fail(&out[i], "aborted");
        free(r->body);
        free(r->resp);
        r->body = r->resp = NULL;
        r->resp_len = r->resp_cap = 0;
    }
    return rc;
}
