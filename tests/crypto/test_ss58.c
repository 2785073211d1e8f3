/* test_ss58 — SS58 addresses (specs/bittensor.md 2.9/2.10 V17 and public vectors for other
 * network prefixes): encoding, decoding, checksum and the refusals of bad input. */
#include "crypto/keccak.h"
#include "crypto/ss58.h"
#include "crypto/sr25519.h"
#include "../tap.h"

#include <sodium.h>

int main(void)
{
    if (sodium_init() < 0) {
        ok(0, "sodium_init");
        return done_testing();
    }
    static const struct { const char *pub, *addr; uint16_t prefix; } v[] = {
        {"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
         "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 42},
        {"46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
         "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV", 42},
        {"51e5a6beae03719e2e9335a3994f8da03be34d6c71fac792c375b81e6faf3330",
         "ERhckLKG8dSw7uSH3pixNMkE3LvRRh6wB47BxRteGgcbzjb", 2},
        {"79d1b9f483f005398e8a9ffa6378990a6d302b882848220dfa68a50b6f2090f2",
         "23dKgUghw8q96xGPCybiSRDkbNJMxNK7riGoEvo4GyxFdSAe", 10},
        {"446b851030cdfe955cacdb564f089419da17ce24de78b9027d7d0eb60d12ec9c",
         "42AVx9HAkErLQ7HEwPycg5ffboteYe3DtZzQs5kAY11eWTf3", 30},
    };
    char addr[64], err[128];
    uint8_t pub[32], got[32];
    uint16_t prefix;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        pc_hex_decode(v[i].pub, pub, 32);
        is_int(pc_ss58_encode(pub, v[i].prefix, addr, sizeof addr), 0, "encode %s", v[i].addr);
        is_str(addr, v[i].addr, "address of %.8s... with prefix %d", v[i].pub, v[i].prefix);
        prefix = 0;
        memset(got, 0, 32);
        is_int(pc_ss58_decode(v[i].addr, got, &prefix, err, sizeof err), 0, "decode %s", v[i].addr);
        ok(memcmp(got, pub, 32) == 0 && prefix == v[i].prefix, "decoded key and prefix %d match",
           v[i].prefix);
    }

    /* the bittensor address buffer: 48 characters + NUL */
    pc_hex_decode(v[0].pub, pub, 32);
    char exact[49];
    is_int(pc_ss58_encode(pub, 42, exact, sizeof exact), 0, "48 chars fit in char[49]");
    is_int(strlen(exact), 48, "prefix-42 address has 48 characters");
    is_int(pc_ss58_encode(pub, 42, exact, 48), -1, "a buffer one byte short is refused");
    is_int(pc_ss58_encode(pub, 16384, addr, sizeof addr), -1, "prefix 16384 is refused");

    /* two-byte prefixes round-trip */
    int round_trips = 1;
    static const uint16_t wide[] = {64, 255, 1284, 7391, 16383};
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        if (pc_ss58_encode(pub, wide[i], addr, sizeof addr) != 0 ||
            pc_ss58_decode(addr, got, &prefix, err, sizeof err) != 0 || prefix != wide[i] ||
            memcmp(got, pub, 32) != 0) {
            diag("prefix %u did not round-trip (%s)", wide[i], addr);
            round_trips = 0;
        }
    }
    ok(round_trips, "two-byte prefixes (64..16383) round-trip");

    /* random keys round-trip with prefix 42 and always start with '5' */
    int random_ok = 1;
    for (int i = 0; i < 200; i++) {
        randombytes_buf(pub, 32);
        if (pc_ss58_encode(pub, 42, exact, sizeof exact) != 0 || exact[0] != '5' ||
            strlen(exact) != 48 || pc_ss58_decode(exact, got, &prefix, err, sizeof err) != 0 ||
            memcmp(got, pub, 32) != 0 || prefix != 42)
            random_ok = 0;
    }
    ok(random_ok, "200 random keys round-trip, 48 characters starting with 5");

    /* refusals */
    static const struct { const char *addr, *why; } bad[] = {
        {"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ", "checksum (last char changed)"},
        {"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ", "too short"},
        {"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQYY", "too long"},
        {"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y", "'0' is not Base58"},
        {"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutOY", "'O' is not Base58"},
        {"", "empty"},
        {"111111111111111111111111111111111111111111111111111111111111111111111111", "very long"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = pc_ss58_decode(bad[i].addr, got, &prefix, err, sizeof err);
        ok(rc == -1 && err[0], "refused: %s (%s)", bad[i].why, err);
    }
    /* one changed character anywhere breaks the checksum or the length */
    const char *alice = v[0].addr;
    int every_char = 1;
    for (size_t i = 1; i < strlen(alice); i++) {
        char a[49];
        strcpy(a, alice);
        a[i] = a[i] == 'z' ? 'y' : 'z';
        if (pc_ss58_decode(a, got, &prefix, err, sizeof err) == 0) {
            diag("changing char %zu still decodes: %s", i, a);
            every_char = 0;
        }
    }
    ok(every_char, "changing any character after the first is detected");

    /* the dev key's SS58 equals the one derived from its mini secret */
    pc_sr25519_keypair kp;
    uint8_t mini[32];
    pc_hex_decode("fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e", mini, 32);
    pc_sr25519_from_mini(mini, &kp);
    pc_ss58_encode(kp.pub, 42, exact, sizeof exact);
    is_str(exact, "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV", "dev mini secret -> 5DfhGy...");
    pc_sr25519_keypair_wipe(&kp);
    return done_testing();
}
