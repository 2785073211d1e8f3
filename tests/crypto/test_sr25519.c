/* test_sr25519 — sr25519 keys, signatures and mnemonics against the public vectors of
 * specs/bittensor.md 2.10 (V4-V16, V18, V19), plus tampering: any changed message byte, any
 * flipped signature bit, a missing marker, a non-canonical s or another key must fail. */
#include "crypto/bip39.h"
#include "crypto/keccak.h"
#include "crypto/sr25519.h"
#include "../tap.h"
#include "bip39_vectors.h"

#include <sodium.h>

static const char dev_phrase[] = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

static void unhex(const char *hex, uint8_t *out, size_t len)
{
    if (pc_hex_decode(hex, out, len) != 0) {
        diag("bad hex in the test itself: %s", hex);
        exit(2);
    }
}

static void hexs(const uint8_t *b, size_t n, char *out) { pc_hex_encode(b, n, out); }

static void wordlist(void)
{
    crypto_hash_sha256_state st;
    uint8_t h[32];
    char hex[65];
    crypto_hash_sha256_init(&st);
    int sorted = 1;
    for (int i = 0; i < 2048; i++) {
        crypto_hash_sha256_update(&st, (const uint8_t *)pc_bip39_english[i], strlen(pc_bip39_english[i]));
        crypto_hash_sha256_update(&st, (const uint8_t *)"\n", 1);
        if (i && strcmp(pc_bip39_english[i - 1], pc_bip39_english[i]) >= 0) sorted = 0;
    }
    crypto_hash_sha256_final(&st, h);
    hexs(h, 32, hex);
    is_str(hex, "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda",
           "word list is BIP-39's english.txt");
    ok(sorted, "word list is sorted and has no duplicates");
}

static void keys(void)
{
    static const struct { const char *mini, *pub, *what; } minis[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f", "V4"},
        {"3132333435363738393031323334353637383930313233343536373839303132",
         "741c08a06f41c596608f6774259bd9043304adfa5d3eea62760bd9be97634d63", "V5"},
        {"fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e",
         "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a", "V6"},
    };
    uint8_t mini[32], sk[64];
    char hex[129];
    pc_sr25519_keypair kp;
    for (size_t i = 0; i < sizeof minis / sizeof minis[0]; i++) {
        unhex(minis[i].mini, mini, 32);
        is_int(pc_sr25519_from_mini(mini, &kp), 0, "%s: keypair from mini secret", minis[i].what);
        hexs(kp.pub, 32, hex);
        is_str(hex, minis[i].pub, "%s: public key (ExpandEd25519)", minis[i].what);
    }

    memset(mini, 0, 32);
    is_int(pc_sr25519_from_mini(mini, &kp), 0, "V7: keypair from the zero mini secret");
    hexs(kp.secret, 32, hex);
    is_str(hex, "caa835781b15c7706f65b71f7a58c807ab360faed6440fb23e0f4c52e930de0a", "V7: key scalar");
    hexs(kp.nonce, 32, hex);
    is_str(hex, "0a6a85eaa642dac835424b5d7c8d637c00408c7a73da672b7f498521420b6dd3", "V7: nonce");
    hexs(kp.pub, 32, hex);
    is_str(hex, "def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627", "V7: public");

    unhex("28b0ae221c6bb06856b287f60d7ea0d98552ea5a16db16956849aa371db3eb51"
          "fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34", sk, 64);
    is_int(pc_sr25519_from_ed25519_secret(sk, &kp), 0, "V8: keypair from the ed25519 form");
    hexs(kp.secret, 32, hex);
    is_str(hex, "05d65584630d16cd4af6d0bec10f34bb504a5dcb62dba2122d49f5a663763d0a", "V8: key = 8x >> 3");
    hexs(kp.pub, 32, hex);
    is_str(hex, "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a", "V8: public");

    /* btwallet's privateKey of the dev key (x || nonce) */
    unhex("05d65584630d16cd4af6d0bec10f34bb504a5dcb62dba2122d49f5a663763d0a"
          "fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34", sk, 64);
    is_int(pc_sr25519_from_secret64(sk, &kp), 0, "64-byte secret (x || nonce)");
    hexs(kp.pub, 32, hex);
    is_str(hex, "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
           "64-byte secret gives the dev public key");

    /* x = l and x = 2^256-1 are not canonical; x = 0 has no public key */
    unhex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", sk, 32);
    is_int(pc_sr25519_from_secret64(sk, &kp), -1, "secret x = l is refused");
    sk[0]--;
    is_int(pc_sr25519_from_secret64(sk, &kp), 0, "secret x = l - 1 is accepted");
    memset(sk, 0xff, 32);
    is_int(pc_sr25519_from_secret64(sk, &kp), -1, "secret x = 2^256-1 is refused");
    memset(sk, 0, 32);
    is_int(pc_sr25519_from_secret64(sk, &kp), -1, "secret x = 0 is refused");
    pc_sr25519_keypair_wipe(&kp);
    uint8_t zero[sizeof kp] = {0};
    ok(memcmp(&kp, zero, sizeof kp) == 0, "keypair wipe zeroes it");
}

static void deterministic_signatures(void)
{
    uint8_t mini[32], sk[64], rng[32] = {0}, sig[64];
    char hex[129];
    pc_sr25519_keypair kp;

    unhex("fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e", mini, 32);
    pc_sr25519_from_mini(mini, &kp);
    is_int(pc_sr25519_sign_with_entropy(&kp, "this is a message", 17, rng, sig), 0, "V9: sign");
    hexs(sig, 64, hex);
    is_str(hex, "dc4831339346dc294d21dd6efa22c078b6eb6602a30fb9c67540c1fb4e20936e"
                "17489f36dbe14aec6d2b1e56d979f7b420ca34143aca1691db0bab9535c49a86",
           "V9: deterministic signature (RNG bytes zero)");
    ok(pc_sr25519_verify(kp.pub, "this is a message", 17, sig), "V9: signature verifies");

    unhex("5046adc1dba838867b2bbbfdd0c3423e58b57970b5267a90f57960924a87f156"
          "0a6a85eaa642dac835424b5d7c8d637c00408c7a73da672b7f498521420b6dd3", sk, 64);
    is_int(pc_sr25519_from_ed25519_secret(sk, &kp), 0, "V10: key from the ed25519 form");
    hexs(kp.pub, 32, hex);
    is_str(hex, "def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627",
           "V10: same key as the zero mini secret");
    pc_sr25519_sign_with_entropy(&kp, "hello world", 11, rng, sig);
    hexs(sig, 64, hex);
    is_str(hex, "b86ab8e1dc16ac59b69f55546c62b5cb40c9d4123985e80d2ba8b4f36394bd10"
                "ac5f34ae9f0780a03d4579b818bdee0e0df662f3006c01965da09956f34ccb89",
           "V10: deterministic signature, RNG 00..00");
    rng[0] = 1;
    pc_sr25519_sign_with_entropy(&kp, "hello world", 11, rng, sig);
    hexs(sig, 64, hex);
    is_str(hex, "a0a7d8574c54b9c789133e1901176a5f16eb10c773430406d872f8f4436b8a4f"
                "2ddc3bc306f8d2dfda7ccddd040980f4d523d8c454e652985e342660dc31bb81",
           "V10: deterministic signature, RNG 01 00..00");
    pc_sr25519_keypair_wipe(&kp);
}

static void known_verifications(void)
{
    static const struct { const char *pub, *msg, *sig, *what; int valid; } v[] = {
        {"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
         "I hereby verify that I control 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
         "1037eb7e51613d0dcf5930ae518819c87d655056605764840d9280984e1b7063"
         "c4566b55bf292fcab07b369d01095879b50517beca4d26e6a65866e25fec0d83", "V11", 1},
        {"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
         "<Bytes>0x46fb7408d4f285228f4af516ea25851b</Bytes>",
         "0a7da2b631704cdcfe93c740e41217b9ac667a0c8755d8da1a8232db527f487c"
         "87e780d2edc1896aeb6b1bef0bc7c38d9df2135b633eab8bfb1777e82fad3a8f", "V12", 1},
        {"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", "hello world",
         "b8314aee4ea566fc165c9cb07c76a874f763005e022d09aa49deb64a3c204b40"
         "62ae45375355b462d04be739cd3e04691a88ac117b635affe436733f1ecfcd83", "V13", 1},
        {"f84d048da2ddae2d9d8fd6763f469566e8817a26114f39408de15547f6d47805",
         "<Bytes>message to sign</Bytes>",
         "48ce2c90e08651adfc8ecef84e916f6d1bb51ebebd16150ee12df247841a5437"
         "951ea0f9d632ca165e6ab391532e75e701be6a1caa88c8a6bcca3511f55b4183", "V14 wrapped", 1},
        {"f84d048da2ddae2d9d8fd6763f469566e8817a26114f39408de15547f6d47805", "message to sign",
         "48ce2c90e08651adfc8ecef84e916f6d1bb51ebebd16150ee12df247841a5437"
         "951ea0f9d632ca165e6ab391532e75e701be6a1caa88c8a6bcca3511f55b4183", "V14 unwrapped", 0},
        {"b4bfa1f7a5166695eb75299fd1c4c03ea212871c342f2c5dfea0902b2c246918",
         "Verifying that I am the owner of 5G9hQLdsKQswNPgB499DeA5PkFBbgkLPJWkkS6FAM6xGQ8xD. "
         "Hash: 221455a3\n",
         "5a9755f069939f45d96aaf125cf5ce7ba1db998686f87f2fb3cbdea922078741"
         "a73891ba265f70c31436e18a9acd14d189d73c12317ab6c313285cd938453202", "V15 (no marker)", 0},
        {"def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627", "SUBSTRATE",
         "28a854d54903e056f89581c691c1f7d2ff39f8f896c9e9c22475e60902cc2b35"
         "47199e0e91fa32902028f2ca2355e8cdd16cfe19ba5e8b658c94aa80f3b81a00", "V16 (old wasm)", 0},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t pub[32], sig[64];
        unhex(v[i].pub, pub, 32);
        unhex(v[i].sig, sig, 64);
        is_int(pc_sr25519_verify(pub, v[i].msg, strlen(v[i].msg), sig), v[i].valid, "%s: %s",
               v[i].what, v[i].valid ? "valid" : "must fail");
    }
}

static void tampering(void)
{
    static const char msg[] = "1767700000123456789.5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV";
    uint8_t mini[32], sig[64], sig2[64], bad[64], m[sizeof msg];
    pc_sr25519_keypair kp, other;
    randombytes_buf(mini, 32);
    pc_sr25519_from_mini(mini, &kp);
    mini[0] ^= 1;
    pc_sr25519_from_mini(mini, &other);

    is_int(pc_sr25519_sign(&kp, msg, strlen(msg), sig), 0, "random-nonce sign");
    ok(sig[63] & 0x80, "signature carries the schnorrkel marker");
    ok(pc_sr25519_verify(kp.pub, msg, strlen(msg), sig), "random-nonce signature verifies");
    pc_sr25519_sign(&kp, msg, strlen(msg), sig2);
    ok(memcmp(sig, sig2, 64) != 0, "two signatures of one message differ (randomized nonce)");
    ok(pc_sr25519_verify(kp.pub, msg, strlen(msg), sig2), "the second one verifies too");
    ok(!pc_sr25519_verify(other.pub, msg, strlen(msg), sig), "another public key fails");

    int all_bits_fail = 1;
    for (int bit = 0; bit < 512; bit++) {
        memcpy(bad, sig, 64);
        bad[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        if (pc_sr25519_verify(kp.pub, msg, strlen(msg), bad)) {
            diag("flipping signature bit %d still verifies", bit);
            all_bits_fail = 0;
        }
    }
    ok(all_bits_fail, "flipping any one of the 512 signature bits fails");

    int all_bytes_fail = 1;
    for (size_t i = 0; i < strlen(msg); i++) {
        memcpy(m, msg, sizeof msg);
        m[i] ^= 0x01;
        if (pc_sr25519_verify(kp.pub, m, strlen(msg), sig)) all_bytes_fail = 0;
    }
    ok(all_bytes_fail, "changing any message byte fails");
    ok(!pc_sr25519_verify(kp.pub, msg, strlen(msg) - 1, sig), "a truncated message fails");

    /* s + l is the same scalar mod l but not canonical: schnorrkel refuses it */
    static const uint8_t l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                  0xa2, 0xde, 0xf9, 0xde, 0x14, [31] = 0x10};
    memcpy(bad, sig, 64);
    bad[63] &= 0x7f;
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        carry += bad[32 + i] + l[i];
        bad[32 + i] = (uint8_t)carry;
        carry >>= 8;
    }
    bad[63] |= 0x80;
    ok(!pc_sr25519_verify(kp.pub, msg, strlen(msg), bad), "non-canonical s (s + l) fails");

    uint8_t junk[32];
    memset(junk, 0xff, 32);
    ok(!pc_sr25519_verify(junk, msg, strlen(msg), sig), "an invalid public key fails cleanly");
    ok(!pc_sr25519_verify(kp.pub, "", 0, sig), "empty message fails");
    ok(pc_sr25519_sign(&kp, "", 0, sig) == 0 && pc_sr25519_verify(kp.pub, "", 0, sig),
       "an empty message can be signed and verified");
    pc_sr25519_keypair_wipe(&kp);
    pc_sr25519_keypair_wipe(&other);
}

static void mnemonics(void)
{
    pc_sr25519_keypair kp;
    char err[160], hex[129], phrase[240];
    uint8_t entropy[32], seed[64];
    size_t n = 0;

    is_int(pc_sr25519_from_mnemonic(dev_phrase, NULL, &kp, err, sizeof err), 0, "V18: dev phrase");
    hexs(kp.pub, 32, hex);
    is_str(hex, "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
           "V18: dev phrase -> public key of mini fac7959d...");
    is_int(pc_bip39_to_entropy(dev_phrase, entropy, &n, err, sizeof err), 0, "dev phrase entropy");
    pc_bip39_substrate_seed(entropy, n, "", seed);
    hexs(seed, 32, hex);
    is_str(hex, "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e",
           "V18: mini secret of the dev phrase");

    int vectors_ok = 1;
    for (size_t i = 0; i < sizeof bip39_vectors / sizeof bip39_vectors[0]; i++) {
        if (pc_bip39_to_entropy(bip39_vectors[i].phrase, entropy, &n, err, sizeof err) != 0) {
            diag("vector %zu: %s", i, err);
            vectors_ok = 0;
            continue;
        }
        hexs(entropy, n, hex);
        if (strcmp(hex, bip39_vectors[i].entropy) != 0) {
            diag("vector %zu: entropy %s", i, hex);
            vectors_ok = 0;
        }
        pc_bip39_substrate_seed(entropy, n, "Substrate", seed);
        hexs(seed, 64, hex);
        if (strcmp(hex, bip39_vectors[i].seed) != 0) {
            diag("vector %zu: seed %s", i, hex);
            vectors_ok = 0;
        }
        if (pc_bip39_from_entropy(entropy, n, phrase, sizeof phrase) != 0 ||
            strcmp(phrase, bip39_vectors[i].phrase) != 0) {
            diag("vector %zu: entropy -> phrase gives \"%s\"", i, phrase);
            vectors_ok = 0;
        }
    }
    ok(vectors_ok, "V19: all %zu substrate-bip39 vectors (entropy, seed, phrase round trip)",
       sizeof bip39_vectors / sizeof bip39_vectors[0]);

    /* white space and case do not matter */
    is_int(pc_sr25519_from_mnemonic("  Bottom drive obey lake\tcurtain smoke basket hold race "
                                    "lonely fit WALK\n", NULL, &kp, err, sizeof err), 0,
           "extra white space and upper case are accepted");
    hexs(kp.pub, 32, hex);
    is_str(hex, "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
           "... and give the same key");

    static const struct { const char *phrase, *why; } bad[] = {
        {"bottom drive obey lake curtain smoke basket hold race lonely fit fit", "bad checksum"},
        {"bottom drive obey lake curtain smoke basket hold race lonely fit", "11 words"},
        {"bottom drive obey lake curtain smoke basket hold race lonely fit walkk", "unknown word"},
        {"bottom drive obey lake curtain smoke basket hold race lonely fit walkingstick", "long word"},
        {"", "empty phrase"},
        {"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
         "zoo zoo zoo vote", "25 words"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = pc_sr25519_from_mnemonic(bad[i].phrase, NULL, &kp, err, sizeof err);
        ok(rc == -1 && err[0] != '\0', "refused: %s (%s)", bad[i].why, err);
    }
    err[0] = '\0';
    pc_sr25519_from_mnemonic("bottom drive obey lake curtain smoke basket hold race lonely fit walkk",
                             NULL, &kp, err, sizeof err);
    ok(strstr(err, "walkk") == NULL, "the error does not quote the secret phrase");
    pc_sr25519_keypair_wipe(&kp);
}

static void pbkdf2(void)
{
    uint8_t out[100];
    char hex[201];
    pc_pbkdf2_hmac_sha512((const uint8_t *)"password", 8, (const uint8_t *)"salt", 4, 1, out, 64);
    hexs(out, 64, hex);
    is_str(hex, "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
                "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce",
           "PBKDF2-HMAC-SHA512 (password, salt, 1)");
    pc_pbkdf2_hmac_sha512((const uint8_t *)"passwordPASSWORDpassword", 24,
                          (const uint8_t *)"saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, out, 100);
    hexs(out, 100, hex);
    is_str(hex, "8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71"
                "115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8"
                "04f75bdd41494fa324cab24bcc680fb3b96a30cf5d21fac3c2875913919f3399b1d9ce7e",
           "PBKDF2-HMAC-SHA512, 4096 rounds, two blocks");
}

int main(void)
{
    if (pc_sr25519_init() != 0) {
        ok(0, "libsodium initialises");
        return done_testing();
    }
    wordlist();
    keys();
    deterministic_signatures();
    known_verifications();
    tampering();
    mnemonics();
    pbkdf2();
    return done_testing();
}
