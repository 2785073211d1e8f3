/* bench_sr25519 — sr25519 speed on one core: signatures and verifications per second, and the
 * time to sign the 256 axon requests of a large challenge round. Medians of several runs.
 * Targets (issue 6): sign >= 15,000/s, verify >= 5,000/s, 256 request signatures < 20 ms. */
#include "../bench.h"
#include "base/clock.h"
#include "crypto/axon_sign.h"
#include "crypto/sr25519.h"
#include "crypto/ss58.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUNS = 7, SIGNS = 2000, VERIFIES = 1000, REQUESTS = 256, REQUEST_RUNS = 15 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
    if (pc_sr25519_init() != 0) {
        fprintf(stderr, "libsodium failed to initialise\n");
        return 1;
    }
    uint8_t mini[32], sig[64];
    pc_sr25519_keypair kp;
    randombytes_buf(mini, sizeof mini);
    pc_sr25519_from_mini(mini, &kp);

    /* a message the size of a real axon request text */
    const char *msg = "1767700000123456789.5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV."
                      "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY.0f3c2b1a-eb3d-11f0-9a1b-"
                      "0242ac120002.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";
    size_t len = strlen(msg);
    double rates[REQUEST_RUNS];
    unsigned failures = 0;

    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (int i = 0; i < SIGNS; i++) failures += pc_sr25519_sign(&kp, msg, len, sig) != 0;
        rates[r] = SIGNS / (now() - t0);
    }
    double sign_rate = bench_median(rates, RUNS);

    pc_sr25519_sign(&kp, msg, len, sig);
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (int i = 0; i < VERIFIES; i++) failures += pc_sr25519_verify(kp.pub, msg, len, sig) != 1;
        rates[r] = VERIFIES / (now() - t0);
    }
    double verify_rate = bench_median(rates, RUNS);

    pc_wallet w;
    memset(&w, 0, sizeof w);
    w.kp = kp;
    memcpy(w.pub, kp.pub, 32);
    pc_ss58_encode(w.pub, PC_SS58_PREFIX_BITTENSOR, w.ss58, sizeof w.ss58);
    char body[65], nonce[32], out[PC_AXON_SIG_HEX_LEN + 1];
    pc_axon_body_hash(NULL, 0, body);
    for (int r = 0; r < REQUEST_RUNS; r++) {
        double t0 = now();
        for (int i = 0; i < REQUESTS; i++) {
            snprintf(nonce, sizeof nonce, "%llu", 1767700000123456789ULL + (unsigned long long)i);
            failures += pc_axon_sign(&w, nonce, NULL, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
                                     "0f3c2b1a-eb3d-11f0-9a1b-0242ac120002", body, out) != 0;
        }
        rates[r] = (now() - t0) * 1e3;
    }
    double batch_ms = bench_median(rates, REQUEST_RUNS);

    printf("sr25519 sign:   %8.0f signatures/s  (median of %d runs of %d; target >= 15000)\n",
           sign_rate, RUNS, SIGNS);
    printf("sr25519 verify: %8.0f verifications/s  (median of %d runs of %d; target >= 5000)\n",
           verify_rate, RUNS, VERIFIES);
    printf("axon sign x%d: %8.2f ms  (median of %d runs; target < 20 ms)\n", REQUESTS, batch_ms,
           REQUEST_RUNS);
    pc_wallet_wipe(&w);
    pc_sr25519_keypair_wipe(&kp);
    if (failures) {
        fprintf(stderr, "%u operations failed\n", failures);
        return 1;
    }
    return 0;
}
