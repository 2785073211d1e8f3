/* test_net_dendrite — the dendrite against real loopback servers.
 *
 * In-test libmicrohttpd servers play good and hostile miners: a 100 MB answer (declared and
 * chunked), one byte per second, invalid JSON, "NaN" as string and bare token, inf, a missing
 * or null prediction, a redirect, a 503, a closed port. One query to all of them at once must
 * give -1 for each within the timeout, and the next query must still work. The good server
 * records what it received: headers and body are checked byte for byte against
 * specs/bittensor.md 1.2-1.5. Then demo_miner processes (built next to this test) answer real
 * JPEGs through the same dendrite, including its 413 / 400 / 500 paths. */
#include "../tap.h"
#include "crypto/keccak.h"
#include "net/dendrite.h"
#include "net/wire.h"
#include "netutil.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <zlib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HK_VALI "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
#define HK_MINER "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
#define HUNDRED_MB (100ull << 20)

typedef enum {
    K_GOOD, K_SLOW, K_INT, K_BIG_DECLARED, K_BIG_CHUNKED, K_DRIP, K_BAD_JSON, K_NAN_STRING,
    K_NAN_BARE, K_INF, K_MISSING, K_NULL, K_STRING_NUM, K_ARRAY, K_REDIRECT, K_NOT200, K_ECHO,
    K_BOOL, K_STRING_SPACE, K_STRING_BAD, K_GZIP, K_DEFLATE, K_GZIP_BOMB, K_BIG_HEADER, K_NEG_INF_BARE, K_COUNT
} kind;

static const char *const answers[K_COUNT] = {
    [K_GOOD] = "{\"name\": \"ImageSynapse\", \"prediction\": 0.73}",
    [K_SLOW] = "{\"prediction\": 0.25}",
    [K_INT] = "{\"prediction\": 1}",
    [K_BAD_JSON] = "{\"prediction\": 0.5",
    [K_NAN_STRING] = "{\"prediction\": \"NaN\"}",
    [K_NAN_BARE] = "{\"prediction\": NaN}",
    [K_INF] = "{\"prediction\": 1e999}",
    [K_MISSING] = "{\"name\": \"ImageSynapse\"}",
    [K_NULL] = "{\"prediction\": null}",
    [K_STRING_NUM] = "{\"prediction\": \"0.5\"}",
    [K_ARRAY] = "[0.5]",
    [K_REDIRECT] = "{\"prediction\": 0.9}",
    [K_NOT200] = "{\"prediction\": 0.9}",
    [K_BOOL] = "{\"prediction\": true}",
    /* U+3000 and a newline around it: pydantic reads 1.05 */
    [K_STRING_SPACE] = "{\"prediction\": \"\\u3000 0.105e1\\n\"}",
    [K_STRING_BAD] = "{\"prediction\": \"0.7a\"}",
    [K_GZIP] = "{\"prediction\": 0.42}",
    [K_DEFLATE] = "{\"prediction\": 0.43}",
    [K_BIG_HEADER] = "{\"prediction\": 0.5}",
    /* the tokens inside the string stay text; the bare one is a number to Python's json */
    [K_NEG_INF_BARE] = "{\"name\": \"NaN \\\" Infinity\", \"prediction\": -Infinity}",
};

/* Compressed bodies, made once in main: gzip and zlib ("deflate" in HTTP) of the answers, and a
 * gzip bomb (16 MiB of spaces in ~16 KiB) */
static unsigned char *packed[K_COUNT];
static size_t packed_len[K_COUNT];

static int pack(kind k, const void *text, size_t len, int gzip)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    size_t cap = deflateBound(&z, len);
    packed[k] = malloc(cap);
    z.next_in = (unsigned char *)text;
    z.avail_in = (uInt)len;
    z.next_out = packed[k];
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    packed_len[k] = cap - z.avail_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

typedef struct server {
    kind k;
    int port;
    struct MHD_Daemon *d;
    pthread_mutex_t mu;
    int requests;
    unsigned long long sent; /* bytes produced by the streaming answers */
    char headers[4096];      /* "name: value\n" in arrival order, of the last request */
    char *body;              /* body of the last request */
} server;

static server servers[K_COUNT];
static const char *header_value(const char *block, const char *name, char *out, size_t cap);
static int good_port;
static volatile int stopping;

typedef struct upload {
    char *p;
    size_t n;
} upload;

static enum MHD_Result add_header_line(void *cls, enum MHD_ValueKind kind_, const char *k, const char *v)
{
    char *h = cls;
    size_t used = strlen(h);
    (void)kind_;
    snprintf(h + used, 4096 - used, "%s: %s\n", k, v ? v : "");
    return MHD_YES;
}

static ssize_t big_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    server *s = cls;
    if (stopping) return MHD_CONTENT_READER_END_WITH_ERROR;
    if (pos >= HUNDRED_MB) return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = max < HUNDRED_MB - pos ? max : (size_t)(HUNDRED_MB - pos);
    memset(buf, ' ', n);
    __atomic_add_fetch(&s->sent, n, __ATOMIC_RELAXED);
    return (ssize_t)n;
}

static ssize_t drip_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls, (void)max;
    for (int i = 0; i < 100; i++) { /* one byte a second, but quick to stop */
        if (stopping) return MHD_CONTENT_READER_END_WITH_ERROR;
        usleep(10000);
    }
    buf[0] = "{\"prediction\": 0.5}"[pos % 19];
    return 1;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *data, size_t *size, void **con_cls)
{
    server *s = cls;
    upload *u = *con_cls;
    (void)url, (void)method, (void)version;
    if (!u) {
        *con_cls = calloc(1, sizeof(upload));
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*size) {
        char *p = realloc(u->p, u->n + *size + 1);
        if (!p) return MHD_NO;
        memcpy(p + u->n, data, *size);
        u->p = p;
        u->n += *size;
        p[u->n] = 0;
        *size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->mu);
    s->requests++;
    s->headers[0] = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_line, s->headers);
    free(s->body);
    s->body = u->p ? strdup(u->p) : strdup("");
    pthread_mutex_unlock(&s->mu);

    struct MHD_Response *r;
    unsigned status = 200;
    if (s->k == K_BIG_DECLARED) r = MHD_create_response_from_callback(HUNDRED_MB, 65536, big_cb, s, NULL);
    else if (s->k == K_BIG_CHUNKED) r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536, big_cb, s, NULL);
    else if (s->k == K_DRIP) r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1, drip_cb, s, NULL);
    else if (s->k == K_ECHO) { /* what a bittensor axon does: the request synapse comes back */
        const char *tail = "\"prediction\": -1.0}";
        char *p = u->p ? strstr(u->p, tail) : NULL;
        size_t keep = p ? (size_t)(p - u->p) : 0;
        char *text = malloc(keep + 32);
        if (!text) return MHD_NO;
        memcpy(text, u->p ? u->p : "", keep);
        strcpy(text + keep, "\"prediction\": 0.61}");
        r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    } else if (packed[s->k]) {
        r = MHD_create_response_from_buffer(packed_len[s->k], packed[s->k], MHD_RESPMEM_PERSISTENT);
        if (r) MHD_add_response_header(r, "Content-Encoding", s->k == K_DEFLATE ? "deflate" : "gzip");
    } else {
        if (s->k == K_SLOW) usleep(200000);
        r = MHD_create_response_from_buffer(strlen(answers[s->k]), (void *)answers[s->k], MHD_RESPMEM_PERSISTENT);
    }
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (s->k == K_REDIRECT) {
        char loc[96];
        snprintf(loc, sizeof loc, "http://127.0.0.1:%d/ImageSynapse", good_port);
        MHD_add_response_header(r, "Location", loc);
        status = 302;
    }
    if (s->k == K_NOT200) status = 503;
    if (s->k == K_BIG_HEADER) { /* one header line over libcurl's 100 KiB */
        static char big[150000];
        if (!big[0]) memset(big, 'x', sizeof big - 1);
        MHD_add_response_header(r, "X-Big", big);
    }
    char accept[128];
    if (header_value(s->headers, "Accept-Encoding", accept, sizeof accept) && !strcmp(accept, "gzip, deflate"))
        MHD_add_response_header(r, "X-Saw-Accept-Encoding", "1");
    enum MHD_Result ok_ = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok_;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    upload *u = *con_cls;
    (void)cls, (void)c, (void)t;
    if (u) free(u->p);
    free(u);
    *con_cls = NULL;
}

static struct MHD_Daemon *start(server *s, int v6)
{
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    pthread_mutex_init(&s->mu, NULL);
    s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                (v6 ? MHD_USE_IPv6 : 0),
                            0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
                            v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                            /* room for K_BIG_HEADER's 150 KB header line */
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(1u << 20), MHD_OPTION_END);
    if (s->d) s->port = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return s->d;
}

static void stop(server *s)
{
    if (s->d) MHD_stop_daemon(s->d);
    s->d = NULL;
    free(s->body);
    s->body = NULL;
    pthread_mutex_destroy(&s->mu);
}

/* A port that refuses connections and that nobody else can take meanwhile: the socket stays
 * bound (never listening, so a connect gets ECONNREFUSED) until the test ends. Binding, closing
 * and reusing the number would race with any other process picking the same ephemeral port. */
static int refused_fd = -1;
static int closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (refused_fd < 0) {
        refused_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (refused_fd < 0 || bind(refused_fd, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    }
    getsockname(refused_fd, (struct sockaddr *)&a, &len);
    return ntohs(a.sin_port);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* value of header `name` in a recorded header block (copied into out) */
static const char *header_value(const char *block, const char *name, char *out, size_t cap)
{
    char key[96];
    snprintf(key, sizeof key, "%s: ", name);
    for (const char *line = block; *line;) {
        const char *nl = strchr(line, '\n');
        if (!nl) break;
        if (!strncmp(line, key, strlen(key))) {
            size_t n = (size_t)(nl - line) - strlen(key);
            if (n >= cap) n = cap - 1;
            memcpy(out, line + strlen(key), n);
            out[n] = 0;
            return out;
        }
        line = nl + 1;
    }
    return NULL;
}

/* the signing hook: remembers the message, "signs" with SHA3 so the value is checkable */
static char signed_message[256];
static int fake_sign(void *user, const char *message, char sig_out[131])
{
    uint8_t h[32];
    (void)user;
    snprintf(signed_message, sizeof signed_message, "%s", message);
    pc_sha3_256(message, strlen(message), h);
    strcpy(sig_out, "0x");
    pc_hex_encode(h, 32, sig_out + 2);
    pc_hex_encode(h, 32, sig_out + 66);
    return 0;
}

static void test_wire(const char *image)
{
    char err[256] = "", v[256], nonce1[32] = "", want_msg[256], want_sig[131];
    pc_dendrite_config cfg = {.hotkey = HK_VALI, .external_ip = "198.51.100.2", .timeout_s = 2,
                              .sign = fake_sign};
    pc_dendrite *d = pc_dendrite_new(&cfg, err, sizeof err);
    ok(d != NULL, "dendrite created (%s)", err);
    if (!d) return;
    pc_axon_target t = {"127.0.0.1", good_port, HK_MINER};
    pc_dendrite_result r;
    is_int(pc_dendrite_query(d, &t, 1, image, &r, err, sizeof err), 0, "query ran (%s)", err);
    is_double(r.prediction, 0.73, 0, "good miner's prediction");
    is_int(r.status, 200, "status 200");
    is_str(r.reason, "ok", "reason ok");
    ok(r.new_connection, "first request opened a connection");

    server *s = &servers[K_GOOD];
    pthread_mutex_lock(&s->mu);
    /* the bittensor headers, in Python's order, exact values */
    const char *order[] = {"name", "timeout", "bt_header_axon_ip", "bt_header_axon_port",
                           "bt_header_axon_hotkey", "bt_header_dendrite_ip",
                           "bt_header_dendrite_version", "bt_header_dendrite_nonce",
                           "bt_header_dendrite_uuid", "bt_header_dendrite_hotkey",
                           "bt_header_dendrite_signature", "header_size", "total_size",
                           "computed_body_hash", "Content-Type"};
    const char *prev = s->headers;
    int in_order = 1;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, "\n%s: ", order[i]);
        const char *at = strstr(s->headers, key);
        if (!at || at < prev) in_order = 0;
        else prev = at;
    }
    if (!ok(in_order, "headers present in bittensor's order")) diag("received:\n%s", s->headers);
    char port[8];
    snprintf(port, sizeof port, "%d", good_port);
    is_str(header_value(s->headers, "name", v, sizeof v), "ImageSynapse", "name");
    is_str(header_value(s->headers, "timeout", v, sizeof v), "2.0", "timeout as Python float text");
    is_str(header_value(s->headers, "bt_header_axon_ip", v, sizeof v), "127.0.0.1", "axon ip");
    is_str(header_value(s->headers, "bt_header_axon_port", v, sizeof v), port, "axon port");
    is_str(header_value(s->headers, "bt_header_axon_hotkey", v, sizeof v), HK_MINER, "axon hotkey");
    is_str(header_value(s->headers, "bt_header_dendrite_ip", v, sizeof v), "198.51.100.2", "dendrite ip");
    is_str(header_value(s->headers, "bt_header_dendrite_version", v, sizeof v), "9012002", "version 9.12.2");
    is_str(header_value(s->headers, "bt_header_dendrite_uuid", v, sizeof v), pc_dendrite_uuid(d), "uuid");
    is_str(header_value(s->headers, "bt_header_dendrite_hotkey", v, sizeof v), HK_VALI, "dendrite hotkey");
    is_str(header_value(s->headers, "header_size", v, sizeof v), "640", "header_size");
    char total[24];
    snprintf(total, sizeof total, "%zu", strlen(image));
    is_str(header_value(s->headers, "total_size", v, sizeof v), total, "total_size");
    is_str(header_value(s->headers, "computed_body_hash", v, sizeof v),
           "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", "body hash");
    is_str(header_value(s->headers, "Content-Type", v, sizeof v), "application/json", "content type");
    ok(!header_value(s->headers, "Expect", v, sizeof v), "no Expect: 100-continue");
    header_value(s->headers, "bt_header_dendrite_nonce", nonce1, sizeof nonce1);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double nonce_s = strtod(nonce1, NULL) / 1e9;
    ok(strlen(nonce1) == 19 && strspn(nonce1, "0123456789") == 19, "nonce has 19 digits: %s", nonce1);
    ok(fabs(nonce_s - (double)ts.tv_sec) < 5, "nonce is the realtime clock in ns");
    const char *uuid = pc_dendrite_uuid(d);
    ok(strlen(uuid) == 36 && uuid[14] == '4' && strchr("89ab", uuid[19]), "uuid is v4 text: %s", uuid);

    /* signature = hook(message of spec 1.5) */
    snprintf(want_msg, sizeof want_msg, "%s.%s.%s.%s.%s", nonce1, HK_VALI, HK_MINER, uuid,
             "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    is_str(signed_message, want_msg, "signed message is nonce.hotkey.axon_hotkey.uuid.hash");
    fake_sign(NULL, want_msg, want_sig);
    is_str(header_value(s->headers, "bt_header_dendrite_signature", v, sizeof v), want_sig,
           "signature header is what the hook returned");

    /* the body, byte for byte (spec 1.3) */
    char *want = malloc(strlen(image) + 2048);
    sprintf(want,
            "{\"name\": \"ImageSynapse\", \"timeout\": 2.0, \"total_size\": %zu, \"header_size\": 0, "
            "\"dendrite\": {\"status_code\": null, \"status_message\": null, \"process_time\": null, "
            "\"ip\": \"198.51.100.2\", \"port\": null, \"version\": 9012002, \"nonce\": %s, "
            "\"uuid\": \"%s\", \"hotkey\": \"%s\", \"signature\": \"%s\"}, "
            "\"axon\": {\"status_code\": null, \"status_message\": null, \"process_time\": null, "
            "\"ip\": \"127.0.0.1\", \"port\": %d, \"version\": null, \"nonce\": null, \"uuid\": null, "
            "\"hotkey\": \"%s\", \"signature\": null}, "
            "\"computed_body_hash\": \"\", \"testnet_label\": -1, \"image\": \"%s\", \"prediction\": -1.0}",
            strlen(image), nonce1, uuid, HK_VALI, want_sig, good_port, HK_MINER, image);
    is_str(s->body, want, "request body byte for byte");
    free(want);
    pthread_mutex_unlock(&s->mu);

    /* second call: nonce grows, the connection is reused */
    is_int(pc_dendrite_query(d, &t, 1, image, &r, err, sizeof err), 0, "second query");
    is_double(r.prediction, 0.73, 0, "second answer");
    ok(!r.new_connection, "second request reused the connection");
    pthread_mutex_lock(&s->mu);
    header_value(s->headers, "bt_header_dendrite_nonce", v, sizeof v);
    pthread_mutex_unlock(&s->mu);
    ok(strlen(v) == 19 && strcmp(v, nonce1) > 0, "nonce strictly increases: %s > %s", v, nonce1);
    uint64_t n1 = pc_dendrite_next_nonce(), n2 = pc_dendrite_next_nonce();
    ok(n2 > n1, "back-to-back nonces increase");
    pc_dendrite_free(d);

    /* without hotkey and signer: those headers are left out, the body says null */
    d = pc_dendrite_new(NULL, err, sizeof err);
    pc_axon_target anon = {"127.0.0.1", good_port, NULL};
    is_int(pc_dendrite_query(d, &anon, 1, image, &r, err, sizeof err), 0, "unsigned query");
    is_double(r.prediction, 0.73, 0, "unsigned query answered");
    pthread_mutex_lock(&s->mu);
    ok(!header_value(s->headers, "bt_header_dendrite_signature", v, sizeof v) &&
       !header_value(s->headers, "bt_header_dendrite_hotkey", v, sizeof v) &&
       !header_value(s->headers, "bt_header_axon_hotkey", v, sizeof v),
       "no signature / hotkey headers when there are none");
    is_str(header_value(s->headers, "timeout", v, sizeof v), "9.0", "default timeout 9.0");
    is_str(header_value(s->headers, "bt_header_dendrite_ip", v, sizeof v), "0.0.0.0", "default dendrite ip");
    ok(strstr(s->body, "\"hotkey\": null, \"signature\": null}, \"axon\"") != NULL,
       "body: dendrite hotkey and signature null");
    pthread_mutex_unlock(&s->mu);

    /* bad input is an error, not a request */
    ok(pc_dendrite_query(d, &anon, 1, "not base64!", &r, err, sizeof err) == -1, "non-base64 image refused: %s", err);
    pc_axon_target bad[] = {{"127.0.0.1\r\nx: y", good_port, NULL}, {"127.0.0.1", 0, NULL},
                            {"127.0.0.1", good_port, "bad hotkey"}, {"localhost", good_port, NULL}};
    pc_dendrite_result br[4];
    int before = s->requests;
    is_int(pc_dendrite_query(d, bad, 4, image, br, err, sizeof err), 0, "query with bad targets runs");
    ok(br[0].prediction == -1 && br[1].prediction == -1 && br[2].prediction == -1 && br[3].prediction == -1,
       "each bad target is -1 (%s, %s, %s, %s)", br[0].reason, br[1].reason, br[2].reason, br[3].reason);
    is_int(s->requests, before, "and nothing was sent");
    pc_dendrite_free(d);
    ok(pc_dendrite_new(&(pc_dendrite_config){.hotkey = "x y"}, err, sizeof err) == NULL, "bad own hotkey: %s", err);
    ok(pc_dendrite_new(&(pc_dendrite_config){.external_ip = "nope"}, err, sizeof err) == NULL, "bad own ip: %s", err);
}

static void test_hostile(const char *image)
{
    char err[256] = "";
    pc_dendrite_config cfg = {.hotkey = HK_VALI, .timeout_s = 1.0};
    pc_dendrite *d = pc_dendrite_new(&cfg, err, sizeof err);
    pc_axon_target t[K_COUNT + 1];
    pc_dendrite_result r[K_COUNT + 1];
    for (int k = 0; k < K_COUNT; k++) t[k] = (pc_axon_target){"127.0.0.1", servers[k].port, HK_MINER};
    t[K_COUNT] = (pc_axon_target){"127.0.0.1", closed_port(), HK_MINER};
    int good_before = servers[K_GOOD].requests;
    double t0 = now_s();
    is_int(pc_dendrite_query(d, t, K_COUNT + 1, image, r, err, sizeof err), 0, "hostile round ran (%s)", err);
    double wall = now_s() - t0;
    ok(wall < 3.0, "all %d miners settled within the 1 s timeout (+ slack for loaded machines): %.3f s",
       K_COUNT + 1, wall);
    is_double(r[K_GOOD].prediction, 0.73, 0, "good miner unaffected by its hostile neighbours");
    is_double(r[K_SLOW].prediction, 0.25, 0, "slow (200 ms) miner answered");
    ok(r[K_SLOW].latency_s >= 0.2 && r[K_SLOW].latency_s < 1.0, "its latency %.3f s", r[K_SLOW].latency_s);
    is_double(r[K_INT].prediction, 1.0, 0, "an integer prediction is a number");
    is_double(r[K_ECHO].prediction, 0.61, 0, "a miner echoing the synapse (as axons do) answered");
    /* pydantic's lax float, as upstream's ImageSynapse(**json) reads "prediction" */
    is_double(r[K_STRING_NUM].prediction, 0.5, 0, "numeric string \"0.5\" is 0.5 (%s)", r[K_STRING_NUM].reason);
    is_double(r[K_STRING_SPACE].prediction, 1.05, 1e-15, "\"\\u3000 0.105e1\\n\" is 1.05 (%s)",
              r[K_STRING_SPACE].reason);
    is_double(r[K_BOOL].prediction, 1.0, 0, "true is 1.0 (%s)", r[K_BOOL].reason);
    ok(isnan(r[K_NAN_STRING].prediction) && !strcmp(r[K_NAN_STRING].reason, "ok"),
       "\"NaN\" is NaN, an answer the scorer judges (%s)", r[K_NAN_STRING].reason);
    ok(isinf(r[K_INF].prediction) && r[K_INF].prediction > 0, "1e999 is inf (%s)", r[K_INF].reason);
    ok(isnan(r[K_NAN_BARE].prediction) && !strcmp(r[K_NAN_BARE].reason, "ok"),
       "a bare NaN token is NaN, as Python's json reads it (%s)", r[K_NAN_BARE].reason);
    ok(isinf(r[K_NEG_INF_BARE].prediction) && r[K_NEG_INF_BARE].prediction < 0,
       "a bare -Infinity is -inf; the tokens inside a string are left alone (%s)", r[K_NEG_INF_BARE].reason);
    is_double(r[K_GZIP].prediction, 0.42, 0, "a gzip-compressed answer is decoded (%s)", r[K_GZIP].reason);
    is_double(r[K_DEFLATE].prediction, 0.43, 0, "a deflate-compressed answer is decoded (%s)", r[K_DEFLATE].reason);
    char v[64];
    ok(header_value(servers[K_GZIP].headers, "Accept-Encoding", v, sizeof v) && !strcmp(v, "gzip, deflate"),
       "Accept-Encoding: gzip, deflate sent, as aiohttp (%s)", v);
    struct { int k; const char *reason; int status; const char *what; } bad[] = {
        /* one status rule: a transfer that failed records 0, status line received or not */
        {K_BIG_DECLARED, "response too large", 0, "100 MB declared"},
        {K_BIG_CHUNKED, "response too large", 0, "100 MB chunked"},
        {K_GZIP_BOMB, "response too large", 0, "gzip bomb (16 MiB decoded)"},
        {K_DRIP, "timeout", 0, "one byte per second"},
        {K_BIG_HEADER, "response header too large", 0, "a 150 KB header line"},
        {K_BAD_JSON, "invalid JSON", 200, "truncated JSON"},
        {K_MISSING, "no prediction", 200, "no prediction key"},
        {K_NULL, "prediction not a number", 200, "null prediction"},
        {K_STRING_BAD, "prediction not a number", 200, "\"0.7a\""},
        {K_ARRAY, "invalid JSON", 200, "a JSON array"},
        {K_REDIRECT, "http 302", 302, "302 redirect"},
        {K_NOT200, "http 503", 503, "503 with a prediction in the body"},
        {K_COUNT, "connection refused", 0, "closed port"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pc_dendrite_result *x = &r[bad[i].k];
        ok(x->prediction == -1 && !strcmp(x->reason, bad[i].reason) && x->status == bad[i].status &&
               x->latency_s <= 2.0,
           "%s -> -1 (%s, status %d, %.3f s)", bad[i].what, x->reason, x->status, x->latency_s);
    }
    is_int(servers[K_GOOD].requests, good_before + 1, "the redirect was not followed");
    unsigned long long sent = __atomic_load_n(&servers[K_BIG_CHUNKED].sent, __ATOMIC_RELAXED);
    ok(sent < HUNDRED_MB / 4, "the chunked 100 MB answer was cut off after %llu bytes", sent);

    /* the next round on the same dendrite works */
    pc_axon_target again[] = {t[K_GOOD], t[K_SLOW]};
    is_int(pc_dendrite_query(d, again, 2, image, r, err, sizeof err), 0, "next round ran");
    ok(r[0].prediction == 0.73 && r[1].prediction == 0.25, "and both good miners answered (%s, %s)",
       r[0].reason, r[1].reason);
    pc_dendrite_free(d);
}

/* Axons echo the whole synapse, image included: an image bigger than the 64 KiB cap must not
 * turn every honest answer into "response too large". */
static void test_echo(void)
{
    char err[256];
    size_t n = 300000;
    char *big = malloc(n + 1);
    memset(big, 'A', n);
    big[n] = 0;
    pc_dendrite *d = pc_dendrite_new(&(pc_dendrite_config){.timeout_s = 2}, err, sizeof err);
    pc_axon_target t[] = {{"127.0.0.1", servers[K_ECHO].port, NULL},
                          {"127.0.0.1", servers[K_BIG_CHUNKED].port, NULL}};
    pc_dendrite_result r[2];
    pc_dendrite_query(d, t, 2, big, r, err, sizeof err);
    ok(r[0].prediction == 0.61, "a 300 KB image echoed back is still an answer (%s)", r[0].reason);
    ok(r[1].prediction == -1 && !strcmp(r[1].reason, "response too large"),
       "the cap still holds: image size + 64 KiB (%s)", r[1].reason);
    pc_dendrite_free(d);
    free(big);
}

static void test_ipv6(const char *image)
{
    server s6 = {.k = K_GOOD};
    char err[256], v[64];
    if (!start(&s6, 1)) {
        skip(3, "no IPv6 loopback here");
        pthread_mutex_destroy(&s6.mu);
        return;
    }
    pc_dendrite *d = pc_dendrite_new(NULL, err, sizeof err);
    pc_axon_target t[] = {{"::1", s6.port, NULL}, {"[::1]", s6.port, NULL}};
    pc_dendrite_result r[2];
    pc_dendrite_query(d, t, 2, image, r, err, sizeof err);
    ok(r[0].prediction == 0.73 && r[1].prediction == 0.73, "IPv6 miner answered, bare and bracketed (%s, %s)",
       r[0].reason, r[1].reason);
    pthread_mutex_lock(&s6.mu);
    is_str(header_value(s6.headers, "bt_header_axon_ip", v, sizeof v), "::1", "axon ip header unbracketed");
    ok(strstr(s6.headers, "Host: [::1]:") != NULL, "URL host bracketed");
    pthread_mutex_unlock(&s6.mu);
    pc_dendrite_free(d);
    stop(&s6);
}

static size_t discard(char *p, size_t size, size_t n, void *user)
{
    (void)p, (void)user;
    return size * n;
}

/* one raw request with chosen headers, for the miner's 400/500 paths */
static long raw_post(int port, const char *extra_header, const char *body)
{
    CURL *c = curl_easy_init();
    char url[64];
    long code = 0;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, extra_header);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ImageSynapse", port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return code;
}

static void test_demo_miner(void)
{
    const char *build = nt_build_dir();
    char path[512], err[256];
    if (!build) {
        skip(13, "PROCTOR_BUILD not set: cannot find demo_miner");
        return;
    }
    snprintf(path, sizeof path, "%s/demo_miner", build);
    if (access(path, X_OK) != 0) {
        skip(13, "demo_miner not built");
        return;
    }
    char *argv[] = {path, "--port", "0", "--count", "3", "--latency", "200", "--seed", "1",
                    "--hotkey", HK_MINER, "--max-body", "200000", NULL};
    int ports[4], nports;
    pid_t pid = nt_spawn_miner(path, argv, ports, 4, &nports);
    ok(pid > 0 && nports == 3, "demo_miner serves 3 ports (%d)", nports);
    if (pid <= 0) {
        skip(12, "demo_miner did not start");
        return;
    }
    char *orange = nt_jpeg_b64(224, 224, 0.4, 255, 122, 0), *grey = nt_jpeg_b64(224, 224, 0, 0, 0, 0);
    pc_dendrite *d = pc_dendrite_new(&(pc_dendrite_config){.hotkey = HK_VALI, .timeout_s = 2}, err, sizeof err);
    pc_axon_target t[3];
    pc_dendrite_result r[3];
    for (int i = 0; i < 3; i++) t[i] = (pc_axon_target){"127.0.0.1", ports[i], HK_MINER};
    double t0 = now_s();
    pc_dendrite_query(d, t, 3, orange, r, err, sizeof err);
    double wall = now_s() - t0;
    ok(r[0].prediction > 0.9 && r[1].prediction > 0.9 && r[2].prediction > 0.9,
       "orange cones: %.3f %.3f %.3f (%s)", r[0].prediction, r[1].prediction, r[2].prediction, r[0].reason);
    ok(r[0].latency_s >= 0.2 && wall < 0.45, "held 200 ms each, concurrently (%.3f s, wall %.3f s)",
       r[0].latency_s, wall);
    pc_dendrite_query(d, t, 1, grey, r, err, sizeof err);
    ok(r[0].prediction >= 0 && r[0].prediction < 0.1, "grey street: %.3f", r[0].prediction);
    ok(!r[0].new_connection, "the miner kept the connection alive");

    /* a body over --max-body gets 413 */
    char *big = malloc(300001);
    memset(big, 'A', 300000);
    big[300000] = 0;
    pc_dendrite_query(d, t, 1, big, r, err, sizeof err);
    ok(r[0].prediction == -1 && r[0].status == 413, "oversized body: %s", r[0].reason);
    free(big);
    pc_dendrite_query(d, t, 1, "QUJD", r, err, sizeof err);
    ok(r[0].prediction == -1 && r[0].status == 500, "base64 that is no JPEG: %s", r[0].reason);
    pc_dendrite_query(d, t, 1, orange, r, err, sizeof err);
    ok(r[0].prediction > 0.9, "and the miner still answers afterwards");
    const char *hash = "computed_body_hash: a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";
    is_int(raw_post(ports[0], "timeout: soon", "{}"), 400, "unparsable float header: 400");
    is_int(raw_post(ports[0], "bt_header_dendrite_nonce: 1.5", "{}"), 400, "unparsable int header: 400");
    is_int(raw_post(ports[0], "X-Nothing: 1", "{}"), 500, "missing body hash: 500");
    is_int(raw_post(ports[0], hash, "{\"image\": 5}"), 422, "image not a string: 422");
    pc_dendrite_free(d);
    is_int(nt_stop_miner(pid), 0, "demo_miner stops cleanly on SIGTERM");

    /* --fail-rate 1: every answer is a 500 or a dropped connection */
    char *argv2[] = {path, "--port", "0", "--fail-rate", "1", "--random", "--seed", "3", NULL};
    pid = nt_spawn_miner(path, argv2, ports, 1, &nports);
    d = pc_dendrite_new(&(pc_dendrite_config){.timeout_s = 2}, err, sizeof err);
    pc_axon_target f[4];
    pc_dendrite_result fr[4];
    for (int i = 0; i < 4; i++) f[i] = (pc_axon_target){"127.0.0.1", ports[0], NULL};
    pc_dendrite_query(d, f, 4, grey, fr, err, sizeof err);
    int all_failed = pid > 0;
    for (int i = 0; i < 4; i++) all_failed &= fr[i].prediction == -1;
    ok(all_failed, "--fail-rate 1: all fail (%s, %s, %s, %s)", fr[0].reason, fr[1].reason, fr[2].reason, fr[3].reason);
    pc_dendrite_free(d);
    if (pid > 0) nt_stop_miner(pid);
    free(orange);
    free(grey);
}

int main(void)
{
    size_t bomb_len = 16u << 20;
    char *bomb = malloc(bomb_len);
    int packed_ok = bomb && (memset(bomb, ' ', bomb_len), 1) &&
                    !pack(K_GZIP, answers[K_GZIP], strlen(answers[K_GZIP]), 1) &&
                    !pack(K_DEFLATE, answers[K_DEFLATE], strlen(answers[K_DEFLATE]), 0) &&
                    !pack(K_GZIP_BOMB, bomb, bomb_len, 1);
    free(bomb);
    if (!ok(packed_ok, "compressed answers made (bomb: %zu bytes)", packed_len[K_GZIP_BOMB])) return done_testing();
    for (int k = 0; k < K_COUNT; k++) {
        servers[k].k = (kind)k;
        if (!start(&servers[k], 0)) skip_all("cannot start a loopback HTTP server");
    }
    good_port = servers[K_GOOD].port;
    char *image = nt_jpeg_b64(224, 224, 0.3, 255, 122, 0);
    test_wire(image);
    test_hostile(image);
    test_echo();
    test_ipv6(image);
    test_demo_miner();
    stopping = 1;
    for (int k = 0; k < K_COUNT; k++) stop(&servers[k]), free(packed[k]);
    free(image);
    if (refused_fd >= 0) close(refused_fd);
    return done_testing();
}
