/* demo_miner — a small NATIX StreetVision miner in C, speaking the bittensor axon protocol.
 *
 *   demo_miner [--port 8091 | --ports A-B | --port 0 --count N] [--bind 0.0.0.0]
 *              [--latency MS] [--fail-rate P] [--random] [--seed N] [--hotkey SS58]
 *              [--metagraph FILE] [--max-body BYTES]
 *
 * It serves POST /ImageSynapse on every port of --port N or --ports A-B (one process, many
 * "miners", for benchmarks), runs the axon's checks (verify.c: header parsing; with --metagraph
 * also the blacklist, nonce window and sr25519 signature of a registered validator), decodes the
 * base64 JPEG, looks for roadwork colours and shapes (roadwork.c) and answers the synapse JSON
 * with "prediction" set. Port 0 picks a free port. Each bound port is printed on stdout as
 * "listening on IP:PORT", then "ready".
 *
 * --latency holds every answer that long without holding a thread: the connection is suspended
 * (libmicrohttpd suspend/resume) and a timer thread resumes it when it is due, so hundreds of
 * slow answers can be pending at once. --fail-rate P answers 500 or drops the connection with
 * probability P. SIGINT/SIGTERM stop it cleanly. See README.md. */
#include "crypto/axon_sign.h"
#include "base/log.h"
#include "net/metagraph.h"
#include "net/wire.h"
#include "proctor_rng.h"
#include "roadwork.h"
#include "verify.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_PORTS 4096
#define DRAIN_MAX (64ull << 20) /* largest oversized body read and discarded before a 413 */

typedef struct options {
    const char *bind_ip;
    int port_lo, port_hi;
    int count; /* with port 0: how many ephemeral ports */
    double latency_s;
    double fail_rate;
    int random;
    uint64_t seed;
    const char *hotkey;
    const char *metagraph;
    size_t max_body;
} options;

typedef enum { ST_READING, ST_WAITING, ST_READY } req_state;

/* one HTTP request */
typedef struct request {
    req_state state;
    char *body;
    size_t len, cap;
    int too_big;
    double t0;
    int status;
    int drop; /* fail-rate chose to drop the connection */
    struct MHD_Response *response;
} request;

typedef struct pending {
    struct MHD_Connection *conn;
    double due;
} pending;

typedef struct app {
    options opt;
    pc_metagraph metagraph;
    pthread_mutex_t lock; /* rng + pending */
    pthread_cond_t wake;
    uint64_t rng;
    pending *pend;
    size_t npend, cappend;
    int stop;
} app;

/* one port = one miner: each has its own axon, so its own nonce memory, as separate miners
 * would (one shared table would see one validator's requests to different miners out of order) */
typedef struct port_ctx {
    app *a;
    int port;
    dm_axon *axon; /* NULL without --metagraph: anyone may ask, unsigned */
} port_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double uniform(app *a) /* splitmix64 -> [0, 1) */
{
    pthread_mutex_lock(&a->lock);
    uint64_t z = proctor_splitmix64(&a->rng);
    pthread_mutex_unlock(&a->lock);
    return (double)(z >> 11) * 0x1.0p-53;
}

/* ---- the timer thread that resumes suspended connections ------------------------------ */

static void *timer_main(void *arg)
{
    app *a = arg;
    struct MHD_Connection *due[64];
    pthread_mutex_lock(&a->lock);
    while (!a->stop) {
        double t = now_s(), next = INFINITY;
        size_t n = 0;
        for (size_t i = 0; i < a->npend;) {
            if (a->pend[i].due <= t && n < 64) {
                due[n++] = a->pend[i].conn;
                a->pend[i] = a->pend[--a->npend];
            } else {
                if (a->pend[i].due < next) next = a->pend[i].due;
                i++;
            }
        }
        if (n) { /* resume outside our lock: MHD takes its own */
            pthread_mutex_unlock(&a->lock);
            for (size_t i = 0; i < n; i++) MHD_resume_connection(due[i]);
            pthread_mutex_lock(&a->lock);
            continue;
        }
        if (isinf(next)) {
            pthread_cond_wait(&a->wake, &a->lock);
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            double wait = next - t;
            ts.tv_sec += (time_t)wait;
            ts.tv_nsec += (long)((wait - floor(wait)) * 1e9);
            if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&a->wake, &a->lock, &ts);
        }
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

static int hold(app *a, struct MHD_Connection *conn, double due)
{
    int rc = 0;
    pthread_mutex_lock(&a->lock);
    if (a->npend == a->cappend) {
        size_t cap = a->cappend ? a->cappend * 2 : 256;
        pending *p = realloc(a->pend, cap * sizeof *p);
        if (p) a->pend = p, a->cappend = cap;
    }
    if (!a->stop && a->npend < a->cappend) {
        MHD_suspend_connection(conn); /* before the timer can see it, so resume follows suspend */
        a->pend[a->npend++] = (pending){conn, due};
        pthread_cond_signal(&a->wake);
    } else {
        rc = -1;
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

/* ---- responses --------------------------------------------------------------------------- */

static struct MHD_Response *json_response(char *text, int status)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return NULL;
    }
    char code[16];
    snprintf(code, sizeof code, "%d", status);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "bt_header_axon_status_code", code);
    MHD_add_response_header(r, "bt_header_axon_status_message", status == 200 ? "Success" : "Error");
    return r;
}

static struct MHD_Response *error_response(int status, const char *key, const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, key, msg);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text ? json_response(text, status) : NULL;
}

static const char *header_of(void *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* an int header as canonical decimal text (NULL when absent or unparsable) */
static const char *int_text(struct MHD_Connection *c, const char *name, char buf[24])
{
    long long v;
    const char *s = header_of(c, name);
    if (!s || pc_py_parse_int(s, &v) != 0) return NULL;
    snprintf(buf, 24, "%lld", v);
    return buf;
}

/* The answer: the request synapse with the axon's fields and the prediction filled in. */
static char *answer_json(app *a, port_ctx *pc, struct MHD_Connection *c, const cJSON *req,
                         double prediction, double t0)
{
    char peer_ip[INET6_ADDRSTRLEN] = "", peer_port[8] = "", version[24], nonce[24], my_port[8],
         my_version[24], ptime[32], tsize[24], hsize[24];
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)ci->client_addr;
        inet_ntop(AF_INET, &s->sin_addr, peer_ip, sizeof peer_ip);
        snprintf(peer_port, sizeof peer_port, "%u", ntohs(s->sin_port));
    } else if (ci && ci->client_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)ci->client_addr;
        inet_ntop(AF_INET6, &s->sin6_addr, peer_ip, sizeof peer_ip);
        snprintf(peer_port, sizeof peer_port, "%u", ntohs(s->sin6_port));
    }
    snprintf(my_port, sizeof my_port, "%d", pc->port);
    snprintf(my_version, sizeof my_version, "%d", PC_BT_VERSION);
    pc_py_float_repr(now_s() - t0 + a->opt.latency_s, ptime);
    double timeout = 12.0; /* the Synapse default when the header is absent */
    const char *th = header_of(c, "timeout");
    if (th) pc_py_parse_float(th, &timeout);
    long long total = 0, hs = 0;
    if (int_text(c, "total_size", tsize)) total = atoll(tsize);
    if (int_text(c, "header_size", hsize)) hs = atoll(hsize);
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(req, "testnet_label");
    const cJSON *image = cJSON_GetObjectItemCaseSensitive(req, "image");
    const char *axon_ip = header_of(c, "bt_header_axon_ip");
    pc_synapse s = {
        .timeout = timeout,
        .total_size = total,
        .header_size = hs,
        .dendrite = {.ip = *peer_ip ? peer_ip : NULL, .port = *peer_port ? peer_port : NULL,
                     .version = int_text(c, "bt_header_dendrite_version", version),
                     .nonce = int_text(c, "bt_header_dendrite_nonce", nonce),
                     .uuid = header_of(c, "bt_header_dendrite_uuid"),
                     .hotkey = header_of(c, "bt_header_dendrite_hotkey"),
                     .signature = header_of(c, "bt_header_dendrite_signature")},
        .axon = {.status_code = "200", .status_message = "Success", .process_time = ptime,
                 .ip = axon_ip ? axon_ip : a->opt.bind_ip, .port = my_port, .version = my_version,
                 .hotkey = a->opt.hotkey ? a->opt.hotkey : header_of(c, "bt_header_axon_hotkey")},
        .computed_body_hash = "",
        .testnet_label = cJSON_IsNumber(label) ? (long long)label->valuedouble : -1,
        .image = cJSON_IsString(image) ? image->valuestring : "",
        .prediction = prediction,
    };
    return pc_synapse_json(&s, NULL);
}

/* The miner's forward step on a complete request; fills r->status / r->response. */
static void forward(app *a, port_ctx *pc, struct MHD_Connection *c, request *r)
{
    char msg[PC_AXON_MESSAGE_MAX + 128];
    if (r->too_big) {
        r->status = 413;
        r->response = error_response(r->status, "message", "Request body too large");
        return;
    }
    int status = dm_axon_check(pc->axon, header_of, c, dm_now_ns(), msg, sizeof msg);
    if (status != 200) {
        pc_info("port %d: %d %s", pc->port, status, msg);
        r->status = status;
        r->response = error_response(status, "message", msg);
        return;
    }
    cJSON *req = cJSON_ParseWithLength(r->body ? r->body : "", r->len);
    const cJSON *image = cJSON_GetObjectItemCaseSensitive(req, "image");
    if (!cJSON_IsObject(req) || !cJSON_IsString(image)) {
        cJSON_Delete(req);
        r->status = 422;
        r->response = error_response(422, "detail", "body must be a JSON object with an \"image\" string");
        return;
    }
    double prediction = -1;
    if (a->opt.random) {
        prediction = uniform(a);
    } else {
        size_t b64len = strlen(image->valuestring), jlen = 0;
        uint8_t *jpeg = malloc(b64len / 4 * 3 + 4);
        int bad = !jpeg || sodium_base642bin(jpeg, b64len / 4 * 3 + 4, image->valuestring, b64len,
                                             NULL, &jlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0;
        if (bad) snprintf(msg, sizeof msg, "image is not base64");
        if (bad || dm_predict_jpeg(jpeg, jlen, &prediction, msg, sizeof msg) != 0) {
            free(jpeg);
            cJSON_Delete(req);
            pc_debug("port %d: %s", pc->port, msg);
            r->status = 500;
            r->response = error_response(500, "message", "Internal Server Error");
            return;
        }
        free(jpeg);
    }
    if (a->opt.fail_rate > 0 && uniform(a) < a->opt.fail_rate) {
        cJSON_Delete(req);
        if (uniform(a) < 0.5) {
            r->drop = 1;
        } else {
            r->status = 500;
            r->response = error_response(500, "message", "Internal Server Error");
        }
        return;
    }
    char *text = answer_json(a, pc, c, req, prediction, r->t0);
    cJSON_Delete(req);
    r->status = text ? 200 : 500;
    r->response = text ? json_response(text, 200) : error_response(500, "message", "out of memory");
}

static enum MHD_Result reply(struct MHD_Connection *c, request *r)
{
    if (r->drop || !r->response) return MHD_NO; /* closes the connection */
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, r->response);
    MHD_destroy_response(r->response);
    r->response = NULL;
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    port_ctx *pc = cls;
    app *a = pc->a;
    request *r = *con_cls;
    (void)version;
    if (!r) {
        if (strcmp(url, "/" PC_SYNAPSE_NAME) != 0) {
            struct MHD_Response *resp = error_response(404, "message", "Synapse name not found");
            enum MHD_Result ok = resp ? MHD_queue_response(c, 404, resp) : MHD_NO;
            if (resp) MHD_destroy_response(resp);
            return ok;
        }
        if (strcmp(method, "POST") != 0 && strcmp(method, "GET") != 0) {
            struct MHD_Response *resp = error_response(405, "detail", "Method Not Allowed");
            enum MHD_Result ok = resp ? MHD_queue_response(c, 405, resp) : MHD_NO;
            if (resp) MHD_destroy_response(resp);
            return ok;
        }
        /* Over the cap: read and discard the body, then answer 413 (the upload path below), so
         * the client is still sending when it reads the answer instead of meeting a reset.
         * Only an absurd declared size is answered at once, unread. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        if (declared > a->opt.max_body && declared > DRAIN_MAX) {
            struct MHD_Response *resp = error_response(413, "message", "Request body too large");
            enum MHD_Result ok = resp ? MHD_queue_response(c, 413, resp) : MHD_NO;
            if (resp) MHD_destroy_response(resp);
            return ok;
        }
        if (!(r = calloc(1, sizeof *r))) return MHD_NO;
        r->t0 = now_s();
        r->too_big = declared > a->opt.max_body;
        *con_cls = r;
        return MHD_YES;
    }
    if (r->state == ST_READING && *upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_big || n > a->opt.max_body - r->len) {
            r->too_big = 1; /* chunked upload over the cap: drop the rest, then answer 413 */
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 65536;
            while (cap < r->len + n + 1) cap *= 2;
            char *p = realloc(r->body, cap);
            if (!p) return MHD_NO;
            r->body = p;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload, n);
        r->len += n;
        r->body[r->len] = 0;
        return MHD_YES;
    }
    if (r->state == ST_READING) {
        forward(a, pc, c, r);
        double due = r->t0 + a->opt.latency_s;
        if (a->opt.latency_s > 0 && due > now_s()) {
            r->state = ST_WAITING;
            if (hold(a, c, due) == 0) return MHD_YES;
        }
    }
    r->state = ST_READY;
    return reply(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    request *r = *con_cls;
    (void)cls, (void)c, (void)why;
    if (!r) return;
    if (r->response) MHD_destroy_response(r->response);
    free(r->body);
    free(r);
    *con_cls = NULL;
}

/* libmicrohttpd's own messages (e.g. a connection dropped on purpose by --fail-rate) */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = 0;
    pc_debug("libmicrohttpd: %s", line);
}

/* ---- command line ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: demo_miner [options]\n"
            "  --port N | --port A-B    port(s) to serve (0 = any free port)    [8091]\n"
            "  --ports A-B              same as --port A-B\n"
            "  --count N                with --port 0: N ports, each picked free  [1]\n"
            "  --bind IP                IPv4 address to listen on                [127.0.0.1]\n"
            "  --latency MS             answer no sooner than MS ms after arrival [0]\n"
            "  --fail-rate P            answer 500 or drop with probability P     [0]\n"
            "  --random                 uniform random prediction instead of the colour model\n"
            "  --seed N                 RNG seed (--random, --fail-rate)          [time]\n"
            "  --hotkey SS58            this miner's hotkey (axon.hotkey in answers)\n"
            "  --metagraph FILE         metagraph (JSON/YAML) of who may query us: requests must\n"
            "                           be signed by a hotkey with validator_permit (needs --hotkey)\n"
            "  --max-body BYTES         request body cap, larger gets 413         [16777216]\n");
}

static int parse_ports(const char *s, int *lo, int *hi)
{
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (end == s) return -1;
    if (*end == '-') {
        const char *t = end + 1;
        b = strtol(t, &end, 10);
        if (end == t) return -1;
    }
    if (*end || a < 0 || b > 65535 || b < a || (a == 0 && b != 0) || b - a + 1 > MAX_PORTS) return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        {"port", 1, 0, 'p'},  {"ports", 1, 0, 'p'},      {"bind", 1, 0, 'b'},
        {"latency", 1, 0, 'l'}, {"fail-rate", 1, 0, 'f'}, {"random", 0, 0, 'r'},
        {"seed", 1, 0, 's'},  {"hotkey", 1, 0, 'k'},     {"metagraph", 1, 0, 'm'},
        {"max-body", 1, 0, 'B'}, {"count", 1, 0, 'c'},  {"help", 0, 0, 'h'},
        {0, 0, 0, 0},
    };
    *o = (options){.bind_ip = "127.0.0.1", .port_lo = 8091, .port_hi = 8091,
                   .count = 1, .seed = (uint64_t)time(NULL), .max_body = 16u << 20};
    int c;
    double v;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_ports(optarg, &o->port_lo, &o->port_hi) != 0) {
                fprintf(stderr, "demo_miner: bad port or range \"%s\" (0, N or A-B, at most %d ports)\n",
                        optarg, MAX_PORTS);
                return 2;
            }
            break;
        case 'b': {
            struct in_addr addr;
            if (inet_pton(AF_INET, optarg, &addr) != 1) {
                fprintf(stderr, "demo_miner: --bind needs an IPv4 address\n");
                return 2;
            }
            o->bind_ip = optarg;
            break;
        }
        case 'l':
            if (parse_double(optarg, 0, 600000, &v) != 0) {
                fprintf(stderr, "demo_miner: --latency needs milliseconds in 0..600000\n");
                return 2;
            }
            o->latency_s = v / 1000;
            break;
        case 'f':
            if (parse_double(optarg, 0, 1, &o->fail_rate) != 0) {
                fprintf(stderr, "demo_miner: --fail-rate needs a probability in 0..1\n");
                return 2;
            }
            break;
        case 'c':
            if (parse_double(optarg, 1, MAX_PORTS, &v) != 0 || v != floor(v)) {
                fprintf(stderr, "demo_miner: --count needs 1..%d\n", MAX_PORTS);
                return 2;
            }
            o->count = (int)v;
            break;
        case 'r': o->random = 1; break;
        case 's': o->seed = strtoull(optarg, NULL, 0); break;
        case 'k': o->hotkey = optarg; break;
        case 'm': o->metagraph = optarg; break;
        case 'B':
            if (parse_double(optarg, 1, 1 << 30, &v) != 0) {
                fprintf(stderr, "demo_miner: --max-body needs 1..1073741824 bytes\n");
                return 2;
            }
            o->max_body = (size_t)v;
            break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return 2;
        }
    }
    if (o->count > 1 && o->port_lo != 0) {
        fprintf(stderr, "demo_miner: --count goes with --port 0\n");
        return 2;
    }
    if (o->metagraph && !o->hotkey) {
        fprintf(stderr, "demo_miner: --metagraph needs --hotkey (signatures name the axon's hotkey)\n");
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "demo_miner: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    if (o->hotkey && (strlen(o->hotkey) > 64 || !*o->hotkey ||
                      strspn(o->hotkey, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") !=
                          strlen(o->hotkey))) {
        fprintf(stderr, "demo_miner: --hotkey must be SS58 text\n");
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static app a;
    int rc = parse_options(argc, argv, &a.opt);
    if (rc) return rc == 1 ? 0 : rc;
    pc_metagraph_init(&a.metagraph);
    if (a.opt.metagraph) {
        char err[256];
        if (pc_metagraph_load(&a.metagraph, a.opt.metagraph, err, sizeof err) != 0) {
            fprintf(stderr, "demo_miner: %s\n", err);
            return 2;
        }
        dm_axon *probe = dm_axon_new(a.opt.hotkey, &a.metagraph, err, sizeof err);
        if (!probe) { /* the hotkey is checked once here; every port gets its own axon below */
            fprintf(stderr, "demo_miner: --hotkey: %s\n", err);
            pc_metagraph_free(&a.metagraph);
            return 2;
        }
        dm_axon_free(probe);
        size_t permits = 0;
        for (size_t i = 0; i < a.metagraph.count; i++) permits += a.metagraph.neurons[i].validator_permit;
        pc_info("axon %s: metagraph %s, %zu neurons, %zu with validator permit; requests must be "
                "signed by one of those", a.opt.hotkey, a.opt.metagraph, a.metagraph.count, permits);
    } else {
        pc_warn("no --metagraph: accepting unsigned requests from anyone (local development; "
                "give --metagraph and --hotkey to verify validators like a real axon)");
    }
    a.rng = a.opt.seed;
    pthread_mutex_init(&a.lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a.wake, &ca);

    /* many ports = many listening sockets, epoll fds and connections */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* signals are taken by sigwait below; every thread started after this inherits the mask */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    pthread_t timer;
    pthread_create(&timer, NULL, timer_main, &a);
    int nports = a.opt.port_lo == 0 ? a.opt.count : a.opt.port_hi - a.opt.port_lo + 1;
    struct MHD_Daemon **daemons = calloc((size_t)nports, sizeof *daemons);
    port_ctx *ports = calloc((size_t)nports, sizeof *ports);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    inet_pton(AF_INET, a.opt.bind_ip, &addr.sin_addr);
    rc = daemons && ports ? 0 : 1;
    for (int i = 0; rc == 0 && i < nports; i++) {
        ports[i] = (port_ctx){&a, a.opt.port_lo ? a.opt.port_lo + i : 0, NULL};
        char err[256];
        if (a.opt.metagraph && !(ports[i].axon = dm_axon_new(a.opt.hotkey, &a.metagraph, err, sizeof err))) {
            fprintf(stderr, "demo_miner: %s\n", err);
            rc = 1;
            break;
        }
        addr.sin_port = htons((uint16_t)ports[i].port);
        daemons[i] = MHD_start_daemon(
            MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
            (uint16_t)ports[i].port, NULL, NULL, on_request, &ports[i], MHD_OPTION_SOCK_ADDR,
            (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_LISTEN_BACKLOG_SIZE,
            (unsigned)1024, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_END);
        if (!daemons[i]) {
            fprintf(stderr, "demo_miner: cannot listen on %s:%d: %s\n", a.opt.bind_ip,
                    ports[i].port, strerror(errno));
            rc = 1;
            break;
        }
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemons[i], MHD_DAEMON_INFO_BIND_PORT);
        if (di) ports[i].port = di->port;
        printf("listening on %s:%d\n", a.opt.bind_ip, ports[i].port);
    }
    if (rc == 0) {
        printf("ready\n");
        fflush(stdout);
        pc_info("demo miner: %d port(s), latency %.0f ms, fail rate %.2f, %s predictions", nports,
                a.opt.latency_s * 1000, a.opt.fail_rate, a.opt.random ? "random" : "colour-model");
        int sig;
        do sigwait(&sigs, &sig);
        while (sig == SIGPIPE);
        pc_info("demo miner: stopping");
    }

    /* stop the timer, let every held connection go, then stop the servers */
    pthread_mutex_lock(&a.lock);
    a.stop = 1;
    pthread_cond_signal(&a.wake);
    pthread_mutex_unlock(&a.lock);
    pthread_join(timer, NULL);
    pthread_mutex_lock(&a.lock); /* no new holds once stop is set; resume outside our lock */
    size_t held = a.npend;
    a.npend = 0;
    pthread_mutex_unlock(&a.lock);
    for (size_t i = 0; i < held; i++) MHD_resume_connection(a.pend[i].conn);
    for (int i = 0; daemons && i < nports; i++)
        if (daemons[i]) MHD_stop_daemon(daemons[i]);
    for (int i = 0; ports && i < nports; i++) dm_axon_free(ports[i].axon);
    free(daemons);
    free(ports);
    free(a.pend);
    pc_metagraph_free(&a.metagraph);
    return rc;
}
