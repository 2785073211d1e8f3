/* test_axon — the demo miner as a real axon (specs/bittensor.md 1.5-1.9).
 *
 * First the checks on their own (dm_axon_check over a header table, with a clock the test
 * moves): processing order, the nonce window of 1.6 at its edge, the version rule, replays.
 * Then a demo_miner process started with a metagraph of validator hotkeys made here:
 * the real dendrite with a keyfile-backed signer gets 200 and a prediction; requests built by
 * hand with libcurl, one signed field changed at a time, are refused (401, 500 for the body hash,
 * 403/500 for the blacklist). Last, a whole `proctor demo -n 12` where every miner but `broken`
 * must answer every signed request. */
#include "../tap.h"
#include "../../tools/demo_miner/verify.h"
#include "../net/netutil.h"
#include "crypto/axon_sign.h"
#include "crypto/sr25519.h"
#include "crypto/ss58.h"
#include "crypto/wallet.h"
#include "cli/demo_env.h"
#include "net/dendrite.h"
#include "net/metagraph.h"
#include "net/wire.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <limits.h>
#include <sodium.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BODY_HASH "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
#define UUID_A "0f3c2b1a-eb3d-11f0-9a1b-0242ac120002"

typedef struct key {
    pc_sr25519_keypair kp;
    char ss58[49];
} key;

static key make_key(uint8_t tag)
{
    uint8_t mini[32];
    key k;
    memset(mini, tag, sizeof mini);
    pc_sr25519_from_mini(mini, &k.kp);
    pc_ss58_encode(k.kp.pub, PC_SS58_PREFIX_BITTENSOR, k.ss58, sizeof k.ss58);
    return k;
}

static key validator, validator2, plain, stranger, miner, other_miner;

/* "0x" + hex of an sr25519 signature of text */
static void sign_text(const key *k, const char *text, char sig[131])
{
    uint8_t s[64];
    pc_sr25519_sign(&k->kp, text, strlen(text), s);
    sig[0] = '0', sig[1] = 'x';
    sodium_bin2hex(sig + 2, 129, s, sizeof s);
}

static void sign_request(const key *k, const char *nonce, const char *dendrite, const char *axon,
                         const char *uuid, const char *hash, char sig[131])
{
    char text[PC_AXON_MESSAGE_MAX];
    pc_axon_message(nonce, dendrite, axon, uuid, hash, text, sizeof text);
    sign_text(k, text, sig);
}

/* ---- the checks on their own, with a header table ------------------------------------------ */

typedef struct hdrs {
    const char *k[16], *v[16];
} hdrs;

static const char *lookup(void *ctx, const char *name)
{
    hdrs *h = ctx;
    for (int i = 0; i < 16 && h->k[i]; i++)
        if (!strcasecmp(h->k[i], name)) return h->v[i];
    return NULL;
}

typedef struct fields {
    char nonce[24], version[24], timeout[32], sig[131];
    const char *dendrite, *uuid, *hash;
} fields;

static hdrs as_headers(const fields *f)
{
    hdrs h = {{"timeout", "bt_header_dendrite_version", "bt_header_dendrite_nonce",
               "bt_header_dendrite_uuid", "bt_header_dendrite_hotkey", "bt_header_dendrite_signature",
               "computed_body_hash", "bt_header_axon_hotkey"},
              {f->timeout, f->version, f->nonce, f->uuid, f->dendrite, f->sig, f->hash, miner.ss58}};
    return h;
}

/* a correctly signed request by k with this nonce and uuid */
static fields signed_fields(const key *k, long long nonce, const char *uuid)
{
    fields f = {.dendrite = k->ss58, .uuid = uuid, .hash = BODY_HASH};
    snprintf(f.nonce, sizeof f.nonce, "%lld", nonce);
    snprintf(f.version, sizeof f.version, "%d", PC_BT_VERSION);
    snprintf(f.timeout, sizeof f.timeout, "9.0");
    sign_request(k, f.nonce, k->ss58, miner.ss58, uuid, BODY_HASH, f.sig);
    return f;
}

static int check(dm_axon *ax, const fields *f, uint64_t now, char *msg, size_t msglen)
{
    hdrs h = as_headers(f);
    return dm_axon_check(ax, lookup, &h, now, msg, msglen);
}

static void test_checks(const pc_metagraph *mg)
{
    char err[256], msg[768];
    ok(dm_axon_new("not-ss58", mg, err, sizeof err) == NULL, "an axon hotkey that is not SS58 is refused: %s", err);
    dm_axon *ax = dm_axon_new(miner.ss58, mg, err, sizeof err);
    ok(ax != NULL, "axon created (%s)", ax ? "ok" : err);
    if (!ax) return;
    const uint64_t now = 1767700000000000000ull;
    const long long T = (long long)now;

    fields f = signed_fields(&validator, T, UUID_A);
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "a signed request of a permitted validator passes");
    is_int(check(ax, &f, now, msg, sizeof msg), 401, "the same nonce again is a replay: %s", msg);
    ok(strstr(msg, "Not Verified with error: Nonce is too old") != NULL, "  ... with upstream's message");
    f = signed_fields(&validator, T - 1, UUID_A);
    is_int(check(ax, &f, now, msg, sizeof msg), 401, "a smaller nonce on the same key is refused");
    f = signed_fields(&validator, T + 1, UUID_A);
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "the next nonce on the same key passes");
    /* a refused request must not advance the remembered nonce */
    f = signed_fields(&validator, T + 5, UUID_A);
    f.sig[61] = 0; /* a truncated signature */
    is_int(check(ax, &f, now, msg, sizeof msg), 401, "a truncated signature is refused");
    f = signed_fields(&validator, T + 2, UUID_A);
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "a refused request did not move the nonce on");

    /* window for a first request: nonce > now - 4 s - timeout (9 s here); no upper bound */
    const long long edge = T - 13000000000ll;
    f = signed_fields(&validator, edge - 1000000, "uuid-window-1");
    is_int(check(ax, &f, now, msg, sizeof msg), 401, "first nonce 1 ms older than 4 s + timeout: %s", msg);
    f = signed_fields(&validator, edge + 1000000, "uuid-window-2");
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "first nonce 1 ms inside the window passes");
    f = signed_fields(&validator, T + 3600000000000ll, "uuid-window-3");
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "a nonce an hour ahead passes (no upper bound)");
    f = signed_fields(&validator, edge - 1000000, "uuid-window-4");
    snprintf(f.timeout, sizeof f.timeout, "12.0");
    sign_request(&validator, f.nonce, validator.ss58, miner.ss58, f.uuid, BODY_HASH, f.sig);
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "a longer timeout header widens the window");
    /* dendrites older than 7.2.0: only the strictly-increasing rule */
    f = signed_fields(&validator, 12345, "uuid-old-1");
    snprintf(f.version, sizeof f.version, "7001000");
    is_int(check(ax, &f, now, msg, sizeof msg), 200, "version < 7002000: an ancient first nonce passes");
    is_int(check(ax, &f, now, msg, sizeof msg), 401, "version < 7002000: a repeated nonce does not");
    ok(strstr(msg, "Nonce is too small") != NULL, "  ... \"%s\"", msg);

    /* order: 400 before the blacklist, blacklist before verify, verify before the body hash */
    f = signed_fields(&stranger, T, UUID_A);
    snprintf(f.nonce, sizeof f.nonce, "soon");
    is_int(check(ax, &f, now, msg, sizeof msg), 400, "an unparsable nonce is a 400 even from a stranger");
    f = signed_fields(&stranger, T, UUID_A);
    is_int(check(ax, &f, now, msg, sizeof msg), 500, "an unregistered hotkey is NATIX's 500 (uid lookup raises)");
    ok(!strncmp(msg, "Internal Server Error #", 23) && strlen(msg) == 23 + 36, "  ... \"%s\"", msg);
    f = signed_fields(&plain, T, UUID_A);
    is_int(check(ax, &f, now, msg, sizeof msg), 403, "a registered hotkey without validator permit: 403");
    is_str(msg, "Forbidden. Key is blacklisted: Non-validator hotkey.", "  ... with the blacklist message");
    f = signed_fields(&validator, T + 100, UUID_A);
    f.dendrite = NULL;
    hdrs h = as_headers(&f);
    h.k[4] = "x-nothing"; /* drop the hotkey header */
    is_int(dm_axon_check(ax, lookup, &h, now, msg, sizeof msg), 403, "no dendrite hotkey: 403 (%s)", msg);
    f = signed_fields(&validator, T + 100, UUID_A);
    f.sig[0] = 0;
    is_int(check(ax, &f, now, msg, sizeof msg), 401, "no signature: 401 (stricter than upstream's quirk)");
    f = signed_fields(&validator, T + 100, UUID_A);
    f.hash = "a7ffc6f8";
    sign_request(&validator, f.nonce, validator.ss58, miner.ss58, UUID_A, f.hash, f.sig);
    is_int(check(ax, &f, now, msg, sizeof msg), 500, "a well-signed wrong body hash: 500 after verification");
    is_int(dm_verify_request(lookup, &h, "{}", 2, msg, sizeof msg), 200,
           "without an identity only the header and hash checks run (local development)");
    dm_axon_free(ax);
}

/* ---- a demo_miner process ---------------------------------------------------------------- */

static int miner_port;
static char *image;

typedef struct reply {
    long status;
    char message[768];
    double prediction;
} reply;

static size_t collect(char *p, size_t size, size_t n, void *user)
{
    char **buf = user;
    size_t old = *buf ? strlen(*buf) : 0, add = size * n;
    char *q = realloc(*buf, old + add + 1);
    if (!q) return 0;
    memcpy(q + old, p, add);
    q[old + add] = 0;
    *buf = q;
    return add;
}

/* One request built by hand the way the dendrite builds it (core/net/dendrite.c prepare):
 * the headers of spec 1.2 from f, the body from pc_synapse_json. */
static reply post(const fields *f, const char *axon_header)
{
    reply out = {.prediction = -1};
    char port[8], url[64], line[512];
    snprintf(port, sizeof port, "%d", miner_port);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ImageSynapse", miner_port);
    pc_synapse s = {
        .timeout = 9.0, .total_size = 4096, .testnet_label = -1, .image = image, .prediction = -1.0,
        .computed_body_hash = "",
        .dendrite = {.ip = "127.0.0.1", .version = f->version, .nonce = f->nonce, .uuid = f->uuid,
                     .hotkey = f->dendrite, .signature = f->sig[0] ? f->sig : NULL},
        .axon = {.ip = "127.0.0.1", .port = port, .hotkey = axon_header},
    };
    char *body = pc_synapse_json(&s, NULL);
    const char *names[] = {"name", "timeout", "bt_header_axon_ip", "bt_header_axon_port",
                           "bt_header_axon_hotkey", "bt_header_dendrite_ip", "bt_header_dendrite_version",
                           "bt_header_dendrite_nonce", "bt_header_dendrite_uuid",
                           "bt_header_dendrite_hotkey", "bt_header_dendrite_signature", "header_size",
                           "total_size", "computed_body_hash"};
    const char *values[] = {"ImageSynapse", f->timeout, "127.0.0.1", port, axon_header, "127.0.0.1",
                            f->version, f->nonce, f->uuid, f->dendrite, f->sig[0] ? f->sig : NULL,
                            "640", "4096", f->hash};
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!values[i]) continue;
        snprintf(line, sizeof line, "%s: %s", names[i], values[i]);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    char *resp = NULL;
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &resp);
    if (body && curl_easy_perform(e) == CURLE_OK) curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out.status);
    cJSON *j = cJSON_Parse(resp ? resp : "");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "prediction");
    if (cJSON_IsString(m)) snprintf(out.message, sizeof out.message, "%s", m->valuestring);
    if (cJSON_IsNumber(p)) out.prediction = p->valuedouble;
    cJSON_Delete(j);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    free(resp);
    free(body);
    return out;
}

static fields fresh(const key *k, const char *uuid)
{
    return signed_fields(k, (long long)pc_dendrite_next_nonce(), uuid);
}

static void bump_nonce(fields *f) /* change the nonce after signing */
{
    long long v = atoll(f->nonce);
    snprintf(f->nonce, sizeof f->nonce, "%lld", v + 1);
}

/* refused by the signature check, not by anything else */
static void mismatch(const fields *f, const char *axon_header, const char *what)
{
    reply r = post(f, axon_header);
    ok(r.status == 401 && strstr(r.message, "Not Verified with error: Signature mismatch"),
       "%s: 401 signature mismatch (%ld)", what, r.status);
}

static void test_tampering(void)
{
    reply r;
    fields f = fresh(&validator, "hand-1");
    r = post(&f, miner.ss58);
    ok(r.status == 200 && r.prediction >= 0 && r.prediction <= 1,
       "a hand-built signed request is answered: %ld, prediction %.3f %s", r.status, r.prediction, r.message);
    r = post(&f, miner.ss58);
    is_int(r.status, 401, "the same request again (replayed nonce) is refused: %s", r.message);

    f = fresh(&validator, "hand-2");
    bump_nonce(&f);
    r = post(&f, miner.ss58);
    ok(r.status == 401 && strstr(r.message, "Not Verified with error: Signature mismatch"),
       "nonce changed after signing: %ld %s", r.status, r.message);

    f = fresh(&validator, "hand-3");
    f.dendrite = validator2.ss58; /* another permitted validator, so the blacklist lets it by */
    mismatch(&f, miner.ss58, "dendrite hotkey changed after signing");

    f = fresh(&validator, "hand-4");
    sign_request(&validator, f.nonce, validator.ss58, other_miner.ss58, f.uuid, BODY_HASH, f.sig);
    mismatch(&f, other_miner.ss58, "signed for another axon's hotkey");
    f = fresh(&validator, "hand-5");
    r = post(&f, other_miner.ss58);
    is_int(r.status, 200, "the axon hotkey header is informational: the axon checks its own hotkey");

    f = fresh(&validator, "hand-6");
    f.uuid = "hand-6-changed";
    mismatch(&f, miner.ss58, "uuid changed after signing");

    f = fresh(&validator, "hand-7");
    f.hash = "0000000000000000000000000000000000000000000000000000000000000000";
    mismatch(&f, miner.ss58, "computed_body_hash changed after signing (verify comes first)");
    f = fresh(&validator, "hand-8");
    f.hash = "0000000000000000000000000000000000000000000000000000000000000000";
    sign_request(&validator, f.nonce, validator.ss58, miner.ss58, f.uuid, f.hash, f.sig);
    r = post(&f, miner.ss58);
    is_int(r.status, 500, "a validly signed wrong computed_body_hash: 500 (%s)", r.message);

    f = fresh(&validator, "hand-9");
    int nib = 2 + 40; /* one bit of the signature's R half */
    char c = f.sig[nib];
    int v = (c >= 'a' ? c - 'a' + 10 : c - '0') ^ 1;
    f.sig[nib] = (char)(v < 10 ? '0' + v : 'a' + v - 10);
    mismatch(&f, miner.ss58, "one bit of the signature flipped");

    f = signed_fields(&validator, (long long)dm_now_ns() - 14000000000ll, "hand-10");
    r = post(&f, miner.ss58);
    is_int(r.status, 401, "a first nonce 14 s old (window 4 s + 9 s timeout): %s", r.message);
    f = signed_fields(&validator, (long long)dm_now_ns() - 2000000000ll, "hand-11");
    is_int(post(&f, miner.ss58).status, 200, "a first nonce 2 s old is inside the window");

    f = fresh(&stranger, "hand-12");
    r = post(&f, miner.ss58);
    is_int(r.status, 500, "an unregistered, validly signed hotkey: NATIX's 500 (%s)", r.message);
    f = fresh(&plain, "hand-13");
    r = post(&f, miner.ss58);
    is_int(r.status, 403, "registered without validator permit: 403 (%s)", r.message);

    /* btwallet also accepts a signature of "<Bytes>" + text + "</Bytes>" */
    f = fresh(&validator, "hand-14");
    char text[PC_AXON_MESSAGE_MAX], wrapped[PC_AXON_MESSAGE_MAX + 16];
    pc_axon_message(f.nonce, validator.ss58, miner.ss58, f.uuid, BODY_HASH, text, sizeof text);
    snprintf(wrapped, sizeof wrapped, "<Bytes>%s</Bytes>", text);
    sign_text(&validator, wrapped, f.sig);
    is_int(post(&f, miner.ss58).status, 200, "a <Bytes>-wrapped signature is accepted as btwallet does");
}

static int wallet_sign(void *user, const char *message, char sig_out[131])
{
    const pc_wallet *w = user;
    uint8_t sig[PC_SR25519_SIGNATURE_BYTES];
    if (pc_sr25519_sign(&w->kp, message, strlen(message), sig) != 0) return -1;
    sig_out[0] = '0';
    sig_out[1] = 'x';
    sodium_bin2hex(sig_out + 2, 129, sig, sizeof sig);
    return 0;
}

static void test_dendrite(const pc_wallet *w, const char *unsigned_hotkey)
{
    char err[256];
    pc_axon_target t = {"127.0.0.1", miner_port, miner.ss58};
    pc_dendrite_result res[2];
    pc_dendrite_config cfg = {.hotkey = w->ss58, .timeout_s = 5, .sign = wallet_sign, .sign_user = (void *)w};
    pc_dendrite *d = pc_dendrite_new(&cfg, err, sizeof err);
    ok(d != NULL, "signed dendrite created (%s)", d ? "ok" : err);
    if (!d) return;
    for (int round = 0; round < 3; round++) {
        int rc = pc_dendrite_query(d, &t, 1, image, res, err, sizeof err);
        ok(rc == 0 && res[0].status == 200 && res[0].prediction >= 0 && res[0].prediction <= 1,
           "round %d: the real dendrite's signed request is verified and answered (%d %s, p=%.3f)",
           round, res[0].status, res[0].reason, res[0].prediction);
    }
    /* the same miner twice in one round: both share the uuid, and nonces only grow */
    pc_axon_target two[2] = {t, t};
    int rc = pc_dendrite_query(d, two, 2, image, res, err, sizeof err);
    ok(rc == 0 && (res[0].status == 200 || res[1].status == 200),
       "two concurrent requests to one miner: at least one passes (%d, %d)", res[0].status, res[1].status);
    pc_dendrite_free(d);

    pc_dendrite_config bad = {.hotkey = unsigned_hotkey, .timeout_s = 5};
    d = pc_dendrite_new(&bad, err, sizeof err);
    rc = d ? pc_dendrite_query(d, &t, 1, image, res, err, sizeof err) : -1;
    ok(rc == 0 && res[0].status == 401 && res[0].prediction == -1,
       "an unsigned request from a permitted hotkey is refused (%d %s)", res[0].status, res[0].reason);
    pc_dendrite_free(d);
}

/* ---- the whole demo ------------------------------------------------------------------------ */

static void test_demo(const char *build)
{
    char exe[4096];
    snprintf(exe, sizeof exe, "%s/proctor", build);
    if (access(exe, X_OK) != 0 || access("demo/photos/roadwork", R_OK) != 0) {
        skip(4, "no proctor binary or demo/photos (run from the repository root)");
        return;
    }
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char photos[4096];
        if (realpath("demo/photos", photos)) setenv("PROCTOR_DEMO_PHOTOS", photos, 1);
        unsetenv("PROCTOR_LOG");
        execl(exe, exe, "demo", "-n", "12", "--seed", "7", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[512];
    struct { const char *name; size_t answered, asked; int seen; } m[] = {
        {"good", 0, 0, 0}, {"random", 0, 0, 0}, {"slow", 0, 0, 0}, {"broken", 0, 0, 0}};
    while (f && fgets(line, sizeof line, f)) {
        char name[32];
        int uid;
        size_t a, k;
        /* the scoreboard is redrawn; the last lines are the final ones */
        if (sscanf(line, " %31s %d %zu/%zu", name, &uid, &a, &k) != 4) continue;
        for (size_t i = 0; i < 4; i++)
            if (!strcmp(name, m[i].name)) m[i].answered = a, m[i].asked = k, m[i].seen = 1;
    }
    if (f) fclose(f);
    int st = 0;
    waitpid(pid, &st, 0);
    ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "proctor demo -n 12 exits 0");
    for (size_t i = 0; i < 3; i++)
        ok(m[i].seen && m[i].asked == 12 && m[i].answered == 12,
           "demo: %s answered every signed request (%zu/%zu)", m[i].name, m[i].answered, m[i].asked);
    ok(m[3].seen && m[3].answered == 0 && m[3].asked == 12, "demo: broken answered none (%zu/%zu)",
       m[3].answered, m[3].asked);
}

int main(void)
{
    const char *build = nt_build_dir();
    if (pc_sr25519_init() != 0) skip_all("libsodium does not start");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    validator = make_key(1), validator2 = make_key(2), plain = make_key(3), stranger = make_key(4);
    miner = make_key(5), other_miner = make_key(6);

    char *tmp = pc_demo_mkdtemp("axon-test");
    char keyfile[1024], mgfile[1024], text[2048], err[256];
    pc_wallet w;
    snprintf(keyfile, sizeof keyfile, "%s/validator-hotkey.json", tmp);
    snprintf(mgfile, sizeof mgfile, "%s/metagraph.yaml", tmp);
    ok(pc_demo_write_keyfile(keyfile, w.ss58, err, sizeof err) == 0, "validator keyfile written (%s)", err);
    ok(pc_wallet_load(keyfile, 0, &w, err, sizeof err) == 0, "and loaded back as a wallet (%s)", err);
    snprintf(text, sizeof text,
             "neurons:\n"
             "  - {uid: 0, hotkey: %s, ip: 127.0.0.1, port: 8091, stake: 10}\n"
             "  - {uid: 1, hotkey: %s, stake: 50000, validator_permit: true}\n"
             "  - {uid: 2, hotkey: %s, stake: 60000, validator_permit: true}\n"
             "  - {uid: 3, hotkey: %s, stake: 70000, validator_permit: false}\n"
             "  - {uid: 4, hotkey: %s, stake: 50000, validator_permit: true}\n",
             miner.ss58, validator.ss58, validator2.ss58, plain.ss58, w.ss58);
    FILE *f = fopen(mgfile, "w");
    if (f) fputs(text, f), fclose(f);
    pc_metagraph mg;
    pc_metagraph_init(&mg);
    ok(pc_metagraph_load(&mg, mgfile, err, sizeof err) == 0 && mg.count == 5, "metagraph of 5 neurons (%s)", err);

    test_checks(&mg);

    char exe[4096];
    if (!build) skip(24, "PROCTOR_BUILD not set: cannot find demo_miner");
    snprintf(exe, sizeof exe, "%s/demo_miner", build ? build : ".");
    if (build && access(exe, X_OK) != 0) skip(24, "demo_miner not built"), build = NULL;
    if (build) {
        char *argv[] = {exe, "--port", "0", "--hotkey", miner.ss58, "--metagraph", mgfile, NULL};
        int nports = 0;
        pid_t pid = nt_spawn_miner(exe, argv, &miner_port, 1, &nports);
        ok(pid > 0 && nports == 1, "demo_miner started with --metagraph (port %d)", miner_port);
        image = nt_jpeg_b64(224, 224, 0.3, 255, 122, 0);
        if (pid > 0) {
            test_dendrite(&w, validator2.ss58);
            test_tampering();
            is_int(nt_stop_miner(pid), 0, "demo_miner stops cleanly");
        }
        free(image);
        char *bad[] = {exe, "--port", "0", "--metagraph", mgfile, NULL};
        pid = nt_spawn_miner(exe, bad, &miner_port, 1, &nports);
        ok(pid < 0, "--metagraph without --hotkey is refused at startup");
        test_demo(build);
    }
    pc_wallet_wipe(&w);
    pc_metagraph_free(&mg);
    pc_demo_rmtree(tmp);
    free(tmp);
    curl_global_cleanup();
    return done_testing();
}
