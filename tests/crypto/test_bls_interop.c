/* test_bls_interop — proctor's BLS12-381 and timelock encryption against an independent
 * implementation, @noble/curves from npm (specs/bittensor.md 3.11), driven through
 * tests/crypto/bls_interop.mjs: Fp2/Fp12 arithmetic and the final exponentiation, G1/G2 scalar
 * multiplication, compression both ways, pairing values as GT bytes, hash to G1, and timelock
 * ciphertexts in both directions (proctor encrypts, a JS decryptor on noble opens it; the JS
 * encryptor's output opens in proctor). Hundreds of seeded random cases; the seed is printed
 * (PC_TEST_SEED=<hex> replays). The npm package is installed once into $PROCTOR_BUILD/npm-bls;
 * without node or the registry the test skips with the reason. */
#include "crypto/keccak.h"
#include "crypto/bls.h"
#include "crypto/tle.h"
#include "../tap.h"

#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCRIPT "tests/crypto/bls_interop.mjs"
#define PACKAGES "@noble/curves@2.4.0"
enum { MAX_JOBS = 800, CMD_MAX = 4096, MSG_MAX = 160, LINE_MAX_ = 8192 };

static char install_dir[1024];
static uint8_t seed[randombytes_SEEDBYTES];
static uint64_t stream_pos;

static void rnd(void *buf, size_t n)
{
    uint8_t s[randombytes_SEEDBYTES];
    memcpy(s, seed, sizeof s);
    for (int i = 0; i < 8; i++) s[i] ^= (uint8_t)(stream_pos >> (8 * i));
    stream_pos++;
    randombytes_buf_deterministic(buf, n, s);
}

static void ensure_packages(void)
{
    const char *build = getenv("PROCTOR_BUILD");
    struct stat st;
    char probe[1200];
    snprintf(install_dir, sizeof install_dir, "%s/npm-bls", build && *build ? build : "build");
    if (system("node --version >/dev/null 2>&1") != 0) skip_all("node is not installed");
    if (access(SCRIPT, R_OK) != 0) skip_all("run from the repository root (" SCRIPT " not found)");
    snprintf(probe, sizeof probe, "%s/node_modules/@noble/curves/bls12-381.js", install_dir);
    if (stat(probe, &st) == 0) return; /* cached from an earlier run */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && timeout 300 npm install --prefix '%s' --no-audit --no-fund "
             "--no-save --loglevel=error " PACKAGES " >'%s/install.log' 2>&1",
             install_dir, install_dir, install_dir);
    diag("installing " PACKAGES " into %s", install_dir);
    if (system(cmd) != 0) {
        static char why[1400];
        snprintf(why, sizeof why, "npm install of @noble/curves failed (registry unreachable?), "
                                  "see %s/install.log", install_dir);
        skip_all(why);
    }
}

/* ---- the batch ---- */
typedef enum { WANT_EXACT, WANT_G1_HERE, WANT_G2_HERE, WANT_TLE_HERE } want_kind;
typedef struct {
    char *cmd, *want;
    want_kind kind;
    const char *what;
    pc_g1 p1; /* G1_HERE: node's bytes must decode to this */
    pc_g2 p2; /* G2_HERE: likewise */
    uint8_t sig[48], msg[MSG_MAX]; /* TLE_HERE: decrypt node's ciphertext with sig, expect msg */
    size_t len;
} job;

static job jobs[MAX_JOBS];
static int njobs;

static job *add(const char *what)
{
    if (njobs == MAX_JOBS) {
        diag("too many interop commands");
        exit(2);
    }
    job *j = &jobs[njobs++];
    memset(j, 0, sizeof *j);
    j->what = what;
    j->cmd = calloc(1, CMD_MAX);
    j->want = calloc(1, LINE_MAX_);
    if (!j->cmd || !j->want) exit(2);
    return j;
}

static void hex_into(char *out, const uint8_t *b, size_t n)
{
    if (n == 0) strcpy(out, "-");
    else pc_hex_encode(b, n, out);
}

static void fp2_hex(char *out, const pc_fp2 *a)
{
    uint8_t b[96];
    pc_fp_to_be(b, &a->c0);
    pc_fp_to_be(b + 48, &a->c1);
    hex_into(out, b, 96);
}

static void fp12_hex(char *out, const pc_fp12 *a)
{
    uint8_t b[576];
    pc_fp12_to_bytes_be(b, a);
    hex_into(out, b, 576);
}

static void rnd_fp(pc_fp *r)
{
    uint8_t b[64];
    rnd(b, sizeof b);
    pc_fp_from_be_mod(r, b, sizeof b);
}

static void rnd_fp2(pc_fp2 *r)
{
    rnd_fp(&r->c0);
    rnd_fp(&r->c1);
}

static void rnd_fp12(pc_fp12 *r)
{
    pc_fp2 *c = &r->c0.c0;
    for (int i = 0; i < 6; i++) rnd_fp2(&c[i]);
}

/* a random scalar in [1, r) */
static void rnd_scalar(uint8_t k[32])
{
    rnd(k, 32);
    pc_fr_from_be_mod(k, k);
    int zero = 1;
    for (int i = 0; i < 32; i++) zero &= k[i] == 0;
    if (zero) k[31] = 1;
}

static void add_field_jobs(void)
{
    char a[200], b[200];
    for (int i = 0; i < 60; i++) {
        pc_fp2 x, y, z;
        rnd_fp2(&x);
        rnd_fp2(&y);
        fp2_hex(a, &x);
        fp2_hex(b, &y);
        job *j = add("Fp2 multiplication");
        pc_fp2_mul(&z, &x, &y);
        snprintf(j->cmd, CMD_MAX, "fp2mul %s %s", a, b);
        fp2_hex(j->want, &z);
        j = add("Fp2 squaring");
        pc_fp2_sqr(&z, &x);
        snprintf(j->cmd, CMD_MAX, "fp2sqr %s", a);
        fp2_hex(j->want, &z);
        if (i < 30) {
            j = add("Fp2 inversion");
            pc_fp2_inv(&z, &x);
            snprintf(j->cmd, CMD_MAX, "fp2inv %s", a);
            fp2_hex(j->want, &z);
        }
    }
    static char fa[1200], fb[1200];
    for (int i = 0; i < 30; i++) {
        pc_fp12 x, y, z;
        rnd_fp12(&x);
        rnd_fp12(&y);
        fp12_hex(fa, &x);
        fp12_hex(fb, &y);
        job *j = add("Fp12 multiplication");
        pc_fp12_mul(&z, &x, &y);
        snprintf(j->cmd, CMD_MAX, "fp12mul %s %s", fa, fb);
        fp12_hex(j->want, &z);
        j = add("Fp12 inversion");
        pc_fp12_inv(&z, &x);
        snprintf(j->cmd, CMD_MAX, "fp12inv %s", fa);
        fp12_hex(j->want, &z);
        j = add("Fp12 Frobenius");
        pc_fp12_frob(&z, &x);
        snprintf(j->cmd, CMD_MAX, "fp12frob %s", fa);
        fp12_hex(j->want, &z);
        if (i < 15) {
            j = add("final exponentiation of a random Fp12");
            pc_bls_final_exp(&z, &x);
            snprintf(j->cmd, CMD_MAX, "fexp %s", fa);
            fp12_hex(j->want, &z);
        }
    }
}

static void add_group_jobs(void)
{
    pc_g1 g;
    pc_g2 h;
    pc_g1_generator(&g);
    pc_g2_generator(&h);
    char kh[65], ph[200];
    for (int i = 0; i < 60; i++) {
        uint8_t k[32], e1[48], e2[96];
        pc_g1 p;
        pc_g2 q;
        rnd_scalar(k);
        pc_hex_encode(k, 32, kh);
        pc_g1_mul(&p, &g, k);
        pc_g1_compress(e1, &p);
        /* node multiplies: its bytes must equal ours and decode here to our point */
        job *j = add("G1 scalar multiplication (node's compressed bytes, decoded here)");
        snprintf(j->cmd, CMD_MAX, "g1mul %s", kh);
        pc_hex_encode(e1, 48, j->want);
        j->kind = WANT_G1_HERE;
        j->p1 = p;
        /* node decodes our bytes: same affine point, same re-encoding */
        pc_fp x, y;
        uint8_t xb[48], yb[48];
        pc_g1_to_affine(&x, &y, &p);
        pc_fp_to_be(xb, &x);
        pc_fp_to_be(yb, &y);
        j = add("G1 compressed by proctor decodes in node");
        pc_hex_encode(e1, 48, ph);
        snprintf(j->cmd, CMD_MAX, "g1aff %s", ph);
        char xs[97], ys[97];
        pc_hex_encode(xb, 48, xs);
        pc_hex_encode(yb, 48, ys);
        snprintf(j->want, LINE_MAX_, "%s %s %s", xs, ys, ph);
        if (i >= 40) continue;
        pc_g2_mul(&q, &h, k);
        pc_g2_compress(e2, &q);
        j = add("G2 scalar multiplication (node's compressed bytes, decoded here)");
        snprintf(j->cmd, CMD_MAX, "g2mul %s", kh);
        pc_hex_encode(e2, 96, j->want);
        j->kind = WANT_G2_HERE;
        j->p2 = q;
        pc_fp2 qx, qy;
        char qxs[200], qys[200], e2s[200];
        pc_g2_to_affine(&qx, &qy, &q);
        fp2_hex(qxs, &qx);
        fp2_hex(qys, &qy);
        pc_hex_encode(e2, 96, e2s);
        j = add("G2 compressed by proctor decodes in node");
        snprintf(j->cmd, CMD_MAX, "g2aff %s", e2s);
        snprintf(j->want, LINE_MAX_, "%s %s %s", qxs, qys, e2s);
    }
    for (int i = 0; i < 20; i++) {
        uint8_t k1[32], k2[32];
        char k1h[65], k2h[65];
        pc_g1 p;
        pc_g2 q;
        pc_gt e;
        rnd_scalar(k1);
        rnd_scalar(k2);
        pc_g1_mul(&p, &g, k1);
        pc_g2_mul(&q, &h, k2);
        pc_bls_pairing(&e, &p, &q);
        pc_hex_encode(k1, 32, k1h);
        pc_hex_encode(k2, 32, k2h);
        job *j = add("pairing value (GT bytes)");
        snprintf(j->cmd, CMD_MAX, "pair %s %s", k1h, k2h);
        fp12_hex(j->want, &e);
    }
    for (int i = 0; i < 20; i++) {
        uint8_t msg[64], e1[48];
        size_t len = (size_t)(i * 3);
        pc_g1 p;
        char mh[129];
        rnd(msg, len);
        pc_bls_hash_to_g1(&p, msg, len, (const uint8_t *)"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_",
                          43);
        pc_g1_compress(e1, &p);
        hex_into(mh, msg, len);
        job *j = add("hash to G1 (quicknet DST)");
        snprintf(j->cmd, CMD_MAX, "h2c %s", mh);
        pc_hex_encode(e1, 48, j->want);
    }
}

static void add_timelock_jobs(void)
{
    uint8_t sk[32], pkb[96];
    char skh[65], pkh[193];
    pc_g2 pk;
    char err[200];
    rnd_scalar(sk);
    pc_g2_generator(&pk);
    pc_g2_mul(&pk, &pk, sk);
    pc_g2_compress(pkb, &pk);
    pc_hex_encode(sk, 32, skh);
    pc_hex_encode(pkb, 96, pkh);
    for (int i = 0; i < 12; i++) {
        uint64_t round;
        uint8_t msg[MSG_MAX], ct[MSG_MAX + PC_TLE_OVERHEAD], rb[8];
        size_t len = i == 0 ? 0 : (size_t)(i * 13) % MSG_MAX;
        rnd(rb, 8);
        round = 1 + (((uint64_t)rb[0] << 24 | (uint64_t)rb[1] << 16 | (uint64_t)rb[2] << 8 | rb[3]));
        rnd(msg, len);
        if (pc_tle_encrypt(pkb, round, msg, len, ct, err, sizeof err) != 0) {
            ok(0, "timelock encryption: %s", err);
            continue;
        }
        job *j = add("proctor's timelock ciphertext opens in the JS decryptor");
        char *cth = malloc(2 * (len + PC_TLE_OVERHEAD) + 1);
        pc_hex_encode(ct, len + PC_TLE_OVERHEAD, cth);
        snprintf(j->cmd, CMD_MAX, "tledec %s %llu %s", skh, (unsigned long long)round, cth);
        free(cth);
        hex_into(j->want, msg, len);

        /* and the other way: node encrypts, proctor opens with sk * H(round) */
        pc_g1 sig;
        char mh[2 * MSG_MAX + 2];
        pc_tle_round_identity(&sig, round);
        pc_g1_mul(&sig, &sig, sk);
        j = add("the JS timelock ciphertext opens in proctor");
        hex_into(mh, msg, len);
        snprintf(j->cmd, CMD_MAX, "tleenc %s %llu %s", pkh, (unsigned long long)round, mh);
        j->kind = WANT_TLE_HERE;
        pc_g1_compress(j->sig, &sig);
        memcpy(j->msg, msg, len);
        j->len = len;
    }
}

static int check(job *j, const char *line)
{
    if (j->kind == WANT_EXACT) return strcmp(line, j->want) == 0;
    if (j->kind == WANT_G1_HERE || j->kind == WANT_G2_HERE) {
        uint8_t b[96];
        char err[160];
        size_t n = j->kind == WANT_G1_HERE ? 48 : 96;
        if (strcmp(line, j->want) != 0 || pc_hex_decode(line, b, n) != 0) return 0;
        if (j->kind == WANT_G1_HERE) {
            pc_g1 p;
            return pc_g1_decompress(&p, b, err, sizeof err) == 0 && pc_g1_eq(&p, &j->p1);
        }
        pc_g2 q;
        return pc_g2_decompress(&q, b, err, sizeof err) == 0 && pc_g2_eq(&q, &j->p2);
    }
    /* WANT_TLE_HERE */
    size_t n = strlen(line) / 2, outn = 0;
    uint8_t *ct = malloc(n + 1), out[MSG_MAX];
    char err[200] = "";
    int good = ct && n == j->len + PC_TLE_OVERHEAD && pc_hex_decode(line, ct, n) == 0 &&
               pc_tle_decrypt(j->sig, ct, n, out, &outn, err, sizeof err) == 0 && outn == j->len &&
               memcmp(out, j->msg, outn) == 0;
    if (!good && err[0]) diag("proctor could not open node's ciphertext: %s", err);
    free(ct);
    return good;
}

int main(void)
{
    ensure_packages();
    if (sodium_init() < 0) {
        ok(0, "libsodium initialises");
        return done_testing();
    }
    const char *env = getenv("PC_TEST_SEED");
    if (!env || pc_hex_decode(env, seed, sizeof seed) != 0) randombytes_buf(seed, sizeof seed);
    char seedhex[2 * sizeof seed + 1];
    pc_hex_encode(seed, sizeof seed, seedhex);
    diag("seed %s (PC_TEST_SEED to replay)", seedhex);

    add_field_jobs();
    add_group_jobs();
    add_timelock_jobs();

    const char *build = getenv("PROCTOR_BUILD");
    char batch[1100];
    snprintf(batch, sizeof batch, "%s/bls-batch.XXXXXX", build && *build ? build : "/tmp");
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
    static char line[LINE_MAX_ * 2];
    static int passed[MAX_JOBS];
    int answered = 0;
    while (answered < njobs && fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        job *j = &jobs[answered];
        passed[answered] = check(j, line);
        if (!passed[answered])
            diag("command %d (%s): %.100s -> %.200s (want %.200s)", answered, j->what, j->cmd, line,
                 j->kind == WANT_TLE_HERE ? "a ciphertext proctor opens" : j->want);
        answered++;
    }
    int status = pclose(p);
    unlink(batch);
    is_int(answered, njobs, "node answered every command");
    ok(status == 0, "node exited cleanly");

    const char *kinds[] = {"Fp2 multiplication",
                           "Fp2 squaring",
                           "Fp2 inversion",
                           "Fp12 multiplication",
                           "Fp12 inversion",
                           "Fp12 Frobenius",
                           "final exponentiation of a random Fp12",
                           "G1 scalar multiplication (node's compressed bytes, decoded here)",
                           "G1 compressed by proctor decodes in node",
                           "G2 scalar multiplication (node's compressed bytes, decoded here)",
                           "G2 compressed by proctor decodes in node",
                           "pairing value (GT bytes)",
                           "hash to G1 (quicknet DST)",
                           "proctor's timelock ciphertext opens in the JS decryptor",
                           "the JS timelock ciphertext opens in proctor"};
    int total_all = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int total = 0, good = 0;
        for (int i = 0; i < njobs; i++) {
            if (strcmp(jobs[i].what, kinds[k]) != 0) continue;
            total++;
            good += passed[i];
        }
        total_all += total;
        ok(total > 0 && good == total, "%s (%d/%d agree with @noble/curves)", kinds[k], good, total);
    }
    is_int(total_all, njobs, "every command belongs to a reported kind");
    for (int i = 0; i < njobs; i++) {
        free(jobs[i].cmd);
        free(jobs[i].want);
    }
    return done_testing();
}
