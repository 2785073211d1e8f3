/* bench_axon — what signing costs a 256-miner challenge (target: < 20 ms added).
 *
 * One demo_miner process serves 256 loopback ports and answers at random at once (--random,
 * no latency), so the round time is the dendrite's own work. Rounds alternate between an
 * unsigned dendrite and one that signs every request with an sr25519 hotkey; each prints the
 * median of dispatch -> all answers. Signing time is also measured inside the dendrite's sign
 * callback (signs/s, and the signing time per round).
 *
 * Two miner set-ups, one after the other:
 *   open:   no --metagraph, the miner does not verify: the validator's cost alone;
 *   verify: --metagraph + --hotkey, the miner checks nonce and signature of every request
 *           (it shares this machine's CPUs, so its verification shows in the round time too).
 *
 *   PROCTOR_BUILD=build build/bench/bench_axon [miners] [rounds]      (make bench runs it) */
#include "../bench.h"
#include "base/clock.h"
#include "crypto/sr25519.h"
#include "crypto/ss58.h"
#include "net/dendrite.h"
#include "../../tests/net/netutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct signer {
    pc_sr25519_keypair kp;
    double seconds; /* spent signing since the last reset */
    long count;
} signer;

static int sign_cb(void *user, const char *message, char sig_out[131])
{
    signer *s = user;
    uint8_t sig[PC_SR25519_SIGNATURE_BYTES];
    double t0 = pc_mono_s();
    int rc = pc_sr25519_sign(&s->kp, message, strlen(message), sig);
    sig_out[0] = '0', sig_out[1] = 'x';
    sodium_bin2hex(sig_out + 2, 129, sig, sizeof sig);
    s->seconds += pc_mono_s() - t0;
    s->count++;
    return rc;
}

/* Run `rounds` rounds alternating unsigned / signed (signed only when `verify`: the miners
 * refuse unsigned requests) against the ports; prints the medians. *open_ms is the unsigned
 * median of the open set-up, the baseline of both. */
static int run(int verify, int *ports, int miners, int rounds, const char *vkey, const char *mkey,
               signer *sg, const char *image, double *open_ms)
{
    char err[256];
    pc_axon_target *t = calloc((size_t)miners, sizeof *t);
    pc_dendrite_result *res = calloc((size_t)miners, sizeof *res);
    double *plain = calloc((size_t)rounds, sizeof *plain), *signd = calloc((size_t)rounds, sizeof *signd),
           *signing = calloc((size_t)rounds, sizeof *signing);
    for (int i = 0; i < miners; i++) t[i] = (pc_axon_target){"127.0.0.1", ports[i], mkey};
    pc_dendrite_config cu = {.hotkey = vkey, .timeout_s = 9};
    pc_dendrite_config cs = {.hotkey = vkey, .timeout_s = 9, .sign = sign_cb, .sign_user = sg};
    pc_dendrite *du = pc_dendrite_new(&cu, err, sizeof err), *ds = pc_dendrite_new(&cs, err, sizeof err);
    int rc = du && ds && t && res && plain && signd && signing ? 0 : 1;
    long fewest_u = miners, fewest_s = miners, signs = 0;
    double sign_seconds = 0;
    /* one warm-up round each: connections are opened once and kept alive */
    for (int r = -1; rc == 0 && r < rounds; r++) {
        for (int which = verify; which < 2 && rc == 0; which++) {
            sg->seconds = 0;
            double t0 = pc_mono_s();
            if (pc_dendrite_query(which ? ds : du, t, (size_t)miners, image, res, err, sizeof err) != 0) {
                fprintf(stderr, "bench_axon: %s\n", err);
                rc = 1;
                break;
            }
            double dt = pc_mono_s() - t0;
            long answered = 0;
            for (int i = 0; i < miners; i++) answered += res[i].status == 200;
            if (r < 0) continue;
            if (which) {
                signd[r] = dt, signing[r] = sg->seconds, sign_seconds += sg->seconds, signs += miners;
                fewest_s = answered < fewest_s ? answered : fewest_s;
            }
            else plain[r] = dt, fewest_u = answered < fewest_u ? answered : fewest_u;
        }
    }
    if (rc == 0) {
        if (!verify) *open_ms = bench_median(plain, rounds) * 1e3;
        double mu = *open_ms, ms = bench_median(signd, rounds) * 1e3;
        double msign = bench_median(signing, rounds) * 1e3;
        printf("%s: %d miners, %d rounds: unsigned (open miners) median %.1f ms, signed median "
               "%.1f ms, difference %+.1f ms%s\n"
               "       signing inside the dendrite: median %.1f ms per round, %.0f signs/s; "
               "fewest answers in a round: signed %ld/%d",
               verify ? "verifying miners" : "open miners", miners, rounds, mu, ms, ms - mu,
               verify ? " (signing + the miners' verification)" : " (what signing adds; target < 20 ms)", msign,
               signs / sign_seconds, fewest_s, miners);
        if (verify) printf(" (the miners verify on this machine's CPUs too)\n");
        else printf(", unsigned %ld/%d\n", fewest_u, miners);
    }
    pc_dendrite_free(du);
    pc_dendrite_free(ds);
    free(t), free(res), free(plain), free(signd), free(signing);
    return rc;
}

int main(int argc, char **argv)
{
    int miners = argc > 1 ? atoi(argv[1]) : 256, rounds = argc > 2 ? atoi(argv[2]) : 30;
    const char *build = nt_build_dir();
    if (miners < 1 || miners > 4096 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: bench_axon [miners 1..4096] [rounds 1..1000]\n");
        return 2;
    }
    if (!build) {
        fprintf(stderr, "bench_axon: set PROCTOR_BUILD to the build directory (make bench does)\n");
        return 2;
    }
    struct rlimit rl; /* one socket per miner here and in the miner process */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (pc_sr25519_init() != 0) return 1;
    signer sg = {0};
    pc_sr25519_keypair mk;
    uint8_t mini[32];
    char vkey[49], mkey[49], path[512], count[16], mg[64] = "";
    memset(mini, 7, sizeof mini);
    pc_sr25519_from_mini(mini, &sg.kp);
    memset(mini, 8, sizeof mini);
    pc_sr25519_from_mini(mini, &mk);
    pc_ss58_encode(sg.kp.pub, PC_SS58_PREFIX_BITTENSOR, vkey, sizeof vkey);
    pc_ss58_encode(mk.pub, PC_SS58_PREFIX_BITTENSOR, mkey, sizeof mkey);

    /* signs/s of the bare signature over a message of the real length, for reference */
    char msg[256];
    snprintf(msg, sizeof msg, "1767700000123456789.%s.%s.0f3c2b1a-eb3d-41f0-9a1b-0242ac120002."
             "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", vkey, mkey);
    char sig[131];
    for (int i = 0; i < 2000; i++) sign_cb(&sg, msg, sig);
    printf("sr25519 sign (%zu-byte request text): %.0f signs/s (%.1f us each)\n", strlen(msg),
           sg.count / sg.seconds, sg.seconds / sg.count * 1e6);

    char *image = nt_jpeg_b64(224, 224, 0.3, 255, 122, 0);
    int *ports = calloc((size_t)miners, sizeof *ports), rc = image && ports ? 0 : 1;
    snprintf(path, sizeof path, "%s/demo_miner", build);
    snprintf(count, sizeof count, "%d", miners);
    snprintf(mg, sizeof mg, "/tmp/bench-axon-%d.yaml", (int)getpid());
    FILE *f = fopen(mg, "w");
    if (f) {
        fprintf(f, "- {uid: 0, hotkey: %s, stake: 50000, validator_permit: true}\n", vkey);
        fclose(f);
    }
    double open_ms = 0;
    for (int setup = 0; setup < 2 && rc == 0; setup++) {
        char *open_args[] = {path, "--port", "0", "--count", count, "--random", "--seed", "1", NULL};
        char *verify_args[] = {path, "--port", "0", "--count", count, "--random", "--seed", "1",
                               "--hotkey", mkey, "--metagraph", mg, NULL};
        int nports = 0;
        pid_t pid = nt_spawn_miner(path, setup ? verify_args : open_args, ports, miners, &nports);
        if (pid <= 0 || nports != miners) {
            fprintf(stderr, "bench_axon: could not start %d demo miners from %s\n", miners, path);
            rc = 1;
            break;
        }
        rc = run(setup, ports, miners, rounds, vkey, mkey, &sg, image, &open_ms);
        nt_stop_miner(pid);
    }
    unlink(mg);
    free(ports);
    free(image);
    pc_sr25519_keypair_wipe(&sg.kp);
    return rc;
}
