/* test_sr25519_interop — proctor's sr25519 against an independent implementation,
 * @scure/sr25519 from npm (specs/bittensor.md 2.11), driven through
 * tests/crypto/sr25519_interop.mjs: public keys from the same mini secret and from the same
 * mnemonic agree, proctor's signatures (plain and axon requests) verify in node, node's verify
 * in proctor, tampered ones fail on both sides, and with the RNG bytes fixed both produce the
 * same bytes. The npm packages are installed once into $PROCTOR_BUILD/npm-sr25519; without
 * node or the registry the test skips with the reason. */
#include "crypto/axon_sign.h"
#include "crypto/bip39.h"
#include "crypto/keccak.h"
#include "crypto/sr25519.h"
#include "crypto/ss58.h"
#include "../tap.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCRIPT "tests/crypto/sr25519_interop.mjs"
#define PACKAGES "@scure/sr25519@2.3.0 @scure/bip39@2.4.0 @noble/hashes@2.4.0"
enum { KEYS = 12, MAX_MSG = 300, MAX_CMDS = 256, LINE = 2048 };

static char install_dir[1024];

static int file_exists(const char *dir, const char *rel)
{
    char p[1200];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return stat(p, &st) == 0;
}

static void ensure_packages(void)
{
    const char *build = getenv("PROCTOR_BUILD");
    snprintf(install_dir, sizeof install_dir, "%s/npm-sr25519", build && *build ? build : "build");
    if (system("node --version >/dev/null 2>&1") != 0) skip_all("node is not installed");
    if (access(SCRIPT, R_OK) != 0) skip_all("run from the repository root (" SCRIPT " not found)");
    if (file_exists(install_dir, "node_modules/@scure/sr25519/package.json") &&
        file_exists(install_dir, "node_modules/@scure/bip39/package.json") &&
        file_exists(install_dir, "node_modules/@noble/hashes/pbkdf2.js"))
        return; /* cached from an earlier run */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && timeout 300 npm install --prefix '%s' --no-audit --no-fund "
             "--no-save --loglevel=error " PACKAGES " >'%s/install.log' 2>&1",
             install_dir, install_dir, install_dir);
    diag("installing " PACKAGES " into %s", install_dir);
    if (system(cmd) != 0) {
        static char why[1400];
        snprintf(why, sizeof why, "npm install of @scure/sr25519 failed (registry unreachable?), "
                                  "see %s/install.log", install_dir);
        skip_all(why);
    }
}

/* The batch: commands for node, and what each answer must be. */
typedef enum { EXPECT_EXACT, EXPECT_VALID_HERE } expect_kind;
typedef struct {
    char cmd[LINE];
    char want[LINE];      /* EXACT: the answer node must give */
    expect_kind kind;
    uint8_t pub[32];      /* VALID_HERE: node's signature must verify here over msg ... */
    uint8_t msg[MAX_MSG];
    size_t len;
    const char *what;
} job;

static job jobs[MAX_CMDS];
static int njobs;

static job *add(const char *what)
{
    if (njobs == MAX_CMDS) {
        diag("too many interop commands");
        exit(2);
    }
    job *j = &jobs[njobs++];
    memset(j, 0, sizeof *j);
    j->what = what;
    return j;
}

static void hexarg(char *out, const uint8_t *b, size_t n)
{
    if (n == 0) strcpy(out, "-");
    else pc_hex_encode(b, n, out);
}

static void add_verify(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64],
                       const char *want, const char *what)
{
    char p[65], m[2 * MAX_MSG + 2], s[129];
    job *j = add(what);
    hexarg(p, pub, 32);
    hexarg(m, msg, len);
    hexarg(s, sig, 64);
    snprintf(j->cmd, sizeof j->cmd, "verify %s %s %s", p, m, s);
    strcpy(j->want, want);
}

int main(void)
{
    ensure_packages();
    if (pc_sr25519_init() != 0) {
        ok(0, "libsodium initialises");
        return done_testing();
    }

    pc_sr25519_keypair kp[KEYS];
    uint8_t mini[KEYS][32];
    char hex[2 * MAX_MSG + 2], mhex[2 * MAX_MSG + 2];
    for (int i = 0; i < KEYS; i++) {
        randombytes_buf(mini[i], 32);
        pc_sr25519_from_mini(mini[i], &kp[i]);

        job *j = add("public key from the same mini secret");
        pc_hex_encode(mini[i], 32, hex);
        snprintf(j->cmd, sizeof j->cmd, "pub %s", hex);
        pc_hex_encode(kp[i].pub, 32, j->want);

        /* proctor signs (random nonce), node verifies; a tampered copy must fail there */
        uint8_t msg[MAX_MSG], sig[64];
        size_t len = (size_t)(i * 37 % MAX_MSG);
        randombytes_buf(msg, len);
        pc_sr25519_sign(&kp[i], msg, len, sig);
        add_verify(kp[i].pub, msg, len, sig, "1", "proctor's signature verifies in node");
        sig[i % 64] ^= 0x10;
        add_verify(kp[i].pub, msg, len, sig, "0", "tampered proctor signature fails in node");

        /* node signs (its own random nonce), proctor verifies */
        j = add("node's signature verifies in proctor");
        hexarg(mhex, msg, len);
        pc_hex_encode(mini[i], 32, hex);
        snprintf(j->cmd, sizeof j->cmd, "sign %s %s", hex, mhex);
        j->kind = EXPECT_VALID_HERE;
        memcpy(j->pub, kp[i].pub, 32);
        memcpy(j->msg, msg, len);
        j->len = len;

        /* fixed RNG bytes: both sides must produce the same signature */
        uint8_t rng[32];
        char rhex[65];
        randombytes_buf(rng, 32);
        pc_sr25519_sign_with_entropy(&kp[i], msg, len, rng, sig);
        j = add("same RNG bytes give the same signature bytes");
        pc_hex_encode(rng, 32, rhex);
        snprintf(j->cmd, sizeof j->cmd, "sign %s %s %s", hex, mhex, rhex);
        pc_hex_encode(sig, 64, j->want);
    }

    /* an axon request signed by proctor verifies in node (the message as the axon rebuilds it) */
    pc_wallet w;
    memset(&w, 0, sizeof w);
    w.kp = kp[0];
    memcpy(w.pub, kp[0].pub, 32);
    pc_ss58_encode(w.pub, 42, w.ss58, sizeof w.ss58);
    char body[65], sighex[131], text[PC_AXON_MESSAGE_MAX];
    pc_axon_body_hash(NULL, 0, body);
    const char *axon = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    const char *uuid = "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a";
    pc_axon_sign(&w, "1767700000123456789", NULL, axon, uuid, body, sighex);
    int tn = pc_axon_message("1767700000123456789", w.ss58, axon, uuid, body, text, sizeof text);
    uint8_t sig[64];
    pc_hex_decode(sighex + 2, sig, 64);
    add_verify(w.pub, (const uint8_t *)text, (size_t)tn, sig, "1", "axon request signature verifies in node");
    pc_wallet_wipe(&w);

    /* keys from the same mnemonic (every phrase length, plus the dev phrase) */
    char phrases[6][240];
    strcpy(phrases[0], "bottom drive obey lake curtain smoke basket hold race lonely fit walk");
    for (int i = 1; i < 6; i++) {
        uint8_t ent[32];
        size_t n = 12 + 4 * (size_t)i; /* 16, 20, 24, 28, 32 bytes */
        randombytes_buf(ent, n);
        pc_bip39_from_entropy(ent, n, phrases[i], sizeof phrases[i]);
    }
    for (int i = 0; i < 6; i++) {
        pc_sr25519_keypair m;
        char err[160], pub[65];
        uint8_t ent[32], seed[64];
        size_t n = 0;
        if (pc_sr25519_from_mnemonic(phrases[i], NULL, &m, err, sizeof err) != 0 ||
            pc_bip39_to_entropy(phrases[i], ent, &n, err, sizeof err) != 0) {
            ok(0, "mnemonic %d: %s", i, err);
            continue;
        }
        pc_bip39_substrate_seed(ent, n, NULL, seed);
        job *j = add("same mnemonic gives the same mini secret and public key");
        snprintf(j->cmd, sizeof j->cmd, "phrase %s", phrases[i]);
        for (char *p = j->cmd; *p; p++)
            if (*p == ' ' && p > j->cmd + 6) *p = '+';
        pc_hex_encode(seed, 32, hex);
        pc_hex_encode(m.pub, 32, pub);
        snprintf(j->want, sizeof j->want, "%s %s", hex, pub);
        pc_sr25519_keypair_wipe(&m);
    }

    /* run node once over the whole batch */
    const char *build = getenv("PROCTOR_BUILD");
    char batch[1100];
    snprintf(batch, sizeof batch, "%s/interop-batch.XXXXXX", build && *build ? build : "/tmp");
    int fd = mkstemp(batch);
    FILE *bf = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!bf) {
        ok(0, "cannot write the command batch");
        return done_testing();
    }
    for (int i = 0; i < njobs; i++) fprintf(bf, "%s\n", jobs[i].cmd);
    fclose(bf);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "node " SCRIPT " '%s' < '%s'", install_dir, batch);
    FILE *p = popen(cmd, "r");
    if (!p) {
        unlink(batch);
        ok(0, "cannot run node");
        return done_testing();
    }

    static char line[LINE];
    int answered = 0;
    int passed[MAX_CMDS] = {0};
    while (answered < njobs && fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        job *j = &jobs[answered];
        if (j->kind == EXPECT_EXACT) {
            passed[answered] = strcmp(line, j->want) == 0;
        } else {
            uint8_t s[64];
            passed[answered] = pc_hex_decode(line, s, 64) == 0 &&
                               pc_sr25519_verify(j->pub, j->msg, j->len, s);
            /* and a tampered copy of node's signature must fail here */
            if (passed[answered]) {
                s[40] ^= 1;
                passed[answered] = !pc_sr25519_verify(j->pub, j->msg, j->len, s);
            }
        }
        if (!passed[answered])
            diag("command %d (%s): %.120s -> %.200s (want %.200s)", answered, j->what, j->cmd,
                 line, j->kind == EXPECT_EXACT ? j->want : "a valid signature");
        answered++;
    }
    int status = pclose(p);
    unlink(batch);
    is_int(answered, njobs, "node answered every command");
    ok(status == 0, "node exited cleanly");

    /* one TAP line per kind of check, counting its commands */
    const char *kinds[] = {"public key from the same mini secret",
                           "proctor's signature verifies in node",
                           "tampered proctor signature fails in node",
                           "node's signature verifies in proctor",
                           "same RNG bytes give the same signature bytes",
                           "axon request signature verifies in node",
                           "same mnemonic gives the same mini secret and public key"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int total = 0, good = 0;
        for (int i = 0; i < njobs; i++) {
            if (strcmp(jobs[i].what, kinds[k]) != 0) continue;
            total++;
            good += passed[i];
        }
        ok(total > 0 && good == total, "%s (%d/%d)", kinds[k], good, total);
    }
    for (int i = 0; i < KEYS; i++) pc_sr25519_keypair_wipe(&kp[i]);
    return done_testing();
}
