/* test_wallet — hotkey keyfiles (plain JSON in every form btwallet writes; encrypted, too-open,
 * missing, malformed and mismatched files refused with a clear message that never holds the
 * secret) and axon request signing (the signed text, the body hash, tampering with any signed
 * field or the signature fails, the <Bytes> wrapped form verifies). */
#include "crypto/axon_sign.h"
#include "crypto/keccak.h"
#include "crypto/sr25519.h"
#include "crypto/wallet.h"
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

/* the public dev key of specs/bittensor.md 2.10 (safe for tests) */
#define DEV_PHRASE "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
#define DEV_SEED "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
#define DEV_PRIV "05d65584630d16cd4af6d0bec10f34bb504a5dcb62dba2122d49f5a663763d0a" \
                 "fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34"
#define DEV_PUB "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"
#define DEV_SS58 "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
#define ALICE_SS58 "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"

static char dir[512];

static const char *write_file(const char *name, const char *text, mode_t mode)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        diag("cannot write %s: %s", path, strerror(errno));
        exit(2);
    }
    close(fd);
    chmod(path, mode);
    return path;
}

static int no_secret_in(const char *err)
{
    return !strstr(err, DEV_SEED) && !strstr(err, "05d65584630d16cd") && !strstr(err, "bottom drive");
}

static void loads(const char *name, const char *json, const char *what)
{
    pc_wallet w;
    char err[512] = "";
    const char *path = write_file(name, json, 0600);
    int rc = pc_wallet_load(path, 0, &w, err, sizeof err);
    ok(rc == 0, "loads: %s%s%s", what, rc ? " -- " : "", rc ? err : "");
    is_str(w.ss58, rc == 0 ? DEV_SS58 : "", "%s: address", what);
    char hex[65];
    pc_hex_encode(w.pub, 32, hex);
    is_str(hex, rc == 0 ? DEV_PUB : "0000000000000000000000000000000000000000000000000000000000000000",
           "%s: public key", what);
    pc_wallet_wipe(&w);
}

static void refused(const char *path, int allow_insecure, const char *needle, const char *what)
{
    pc_wallet w;
    char err[512] = "";
    int rc = pc_wallet_load(path, allow_insecure, &w, err, sizeof err);
    ok(rc == -1 && strstr(err, needle) && no_secret_in(err), "refused: %s (%s)", what, err);
    uint8_t zero[sizeof w] = {0};
    ok(memcmp(&w, zero, sizeof w) == 0, "%s: nothing left in the wallet struct", what);
}

static void keyfiles(void)
{
    loads("full", "{\"accountId\": \"0x" DEV_PUB "\", \"publicKey\": \"0x" DEV_PUB "\", "
                  "\"privateKey\": \"0x" DEV_PRIV "\", \"secretPhrase\": \"" DEV_PHRASE "\", "
                  "\"secretSeed\": \"0x" DEV_SEED "\", \"ss58Address\": \"" DEV_SS58 "\"}",
          "every field (btwallet)");
    loads("priv", "{\"privateKey\": \"0x" DEV_PRIV "\", \"publicKey\": \"0x" DEV_PUB "\"}",
          "privateKey only");
    loads("phrase", "{\"secretPhrase\": \"" DEV_PHRASE "\", \"ss58Address\": \"" DEV_SS58 "\"}",
          "secretPhrase only");
    loads("seed0x0x", "{\"secretSeed\": \"0x0x" DEV_SEED "\"}", "secretSeed with a doubled 0x");
    loads("seedtext", "{\"secretSeed\": \"not hex at all\", \"privateKey\": \"0x" DEV_PRIV "\"}",
          "unusable secretSeed falls back to privateKey");
    loads("nulls", "{\"accountId\": null, \"publicKey\": \"0x" DEV_PUB "\", \"privateKey\": \"0x" DEV_PRIV
                   "\", \"secretPhrase\": null, \"secretSeed\": null, \"ss58Address\": \"" DEV_SS58 "\"}",
          "old Python writer with null values");

    /* the loaded key signs, and the path is remembered */
    pc_wallet w;
    char err[512];
    const char *path = write_file("sign", "{\"secretSeed\": \"0x" DEV_SEED "\"}", 0600);
    is_int(pc_wallet_load(path, 0, &w, err, sizeof err), 0, "load for signing");
    is_str(w.path, path, "wallet remembers its keyfile path");
    uint8_t sig[64];
    ok(pc_sr25519_sign(&w.kp, "m", 1, sig) == 0 && pc_sr25519_verify(w.pub, "m", 1, sig),
       "the loaded key signs");
    pc_wallet_wipe(&w);
    uint8_t zero[sizeof w] = {0};
    ok(memcmp(&w, zero, sizeof w) == 0, "pc_wallet_wipe zeroes the wallet");

    /* refusals */
    refused(write_file("nacl", "$NACL\x01\x02\x03 ciphertext", 0600), 0, "encrypted",
            "NaCl-encrypted keyfile");
    refused(write_file("nacl2", "$NACLxxxx", 0600), 0, "NaCl", "the message names NaCl");
    refused(write_file("vault", "$ANSIBLE_VAULT;1.1;AES256\n6162", 0600), 0, "ansible-vault",
            "ansible-vault keyfile");
    refused(write_file("fernet", "gAAAAABkabcdef", 0600), 0, "Fernet", "legacy Fernet keyfile");

    const char *full = write_file("open", "{\"secretSeed\": \"0x" DEV_SEED "\"}", 0644);
    refused(full, 0, "chmod 600", "world-readable keyfile");
    is_int(pc_wallet_load(full, 1, &w, err, sizeof err), 0, "world-readable keyfile loads when allowed");
    is_str(w.ss58, DEV_SS58, "... with the right key");
    pc_wallet_wipe(&w);
    refused(write_file("group", "{\"secretSeed\": \"0x" DEV_SEED "\"}", 0640), 0, "group/others",
            "group-readable keyfile");

    char missing[600];
    snprintf(missing, sizeof missing, "%s/no-such-hotkey", dir);
    refused(missing, 0, "does not exist", "missing keyfile");
    refused(dir, 0, "not a regular file", "a directory");
    refused(write_file("notjson", "this is not json", 0600), 0, "not a JSON keyfile", "not JSON");
    refused(write_file("array", "[1, 2, 3]", 0600), 0, "not a JSON keyfile", "a JSON array");
    refused(write_file("pubonly", "{\"publicKey\": \"0x" DEV_PUB "\", \"ss58Address\": \"" DEV_SS58 "\"}",
                       0600), 0, "no secret key", "public-only keyfile");
    refused(write_file("badpub", "{\"secretSeed\": \"0x" DEV_SEED "\", \"publicKey\": \"0xd43593c715fdd31c"
                       "61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\"}", 0600), 0, "does not match",
            "publicKey of another key");
    refused(write_file("badss58", "{\"secretSeed\": \"0x" DEV_SEED "\", \"ss58Address\": \"" ALICE_SS58 "\"}",
                       0600), 0, "does not match", "ss58Address of another key");
    refused(write_file("brokenss58", "{\"secretSeed\": \"0x" DEV_SEED "\", \"ss58Address\": \"5Dfh\"}",
                       0600), 0, "ss58Address", "unparsable ss58Address");
    refused(write_file("badpriv", "{\"privateKey\": \"0x1234\"}", 0600), 0, "128 hex",
            "short privateKey");
    refused(write_file("noncanon", "{\"privateKey\": \"0x" "ffffffffffffffffffffffffffffffff"
                       "ffffffffffffffffffffffffffffffff" "fd190cce74df356432b410bd64682309"
                       "d6dedb27c76845daf388557cbac3ca34\"}", 0600), 0, "not a valid sr25519",
            "non-canonical privateKey");
    refused(write_file("badphrase", "{\"secretPhrase\": \"bottom drive obey lake curtain smoke "
                       "basket hold race lonely fit fit\"}", 0600), 0, "checksum",
            "mnemonic with a bad checksum");

    /* a file too large to be a keyfile is refused without reading it all */
    static char big[70 * 1024];
    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    refused(write_file("big", big, 0600), 0, "too large", "70 KiB file");
}

static void default_paths(void)
{
    char path[1024], err[256], sub[700];
    pc_wallet w;

    setenv("BT_WALLET_PATH", dir, 1);
    setenv("BT_WALLET_NAME", "mywallet", 1);
    setenv("BT_WALLET_HOTKEY", "hk1", 1);
    is_int(pc_wallet_default_path(NULL, NULL, path, sizeof path, err, sizeof err), 0, "default path");
    snprintf(sub, sizeof sub, "%s/mywallet/hotkeys/hk1", dir);
    is_str(path, sub, "path from BT_WALLET_PATH / NAME / HOTKEY");
    is_int(pc_wallet_default_path("other", "h2", path, sizeof path, err, sizeof err), 0,
           "explicit names");
    snprintf(sub, sizeof sub, "%s/other/hotkeys/h2", dir);
    is_str(path, sub, "explicit names win over the environment");
    is_int(pc_wallet_default_path("a/b", "h", path, sizeof path, err, sizeof err), -1,
           "a wallet name with '/' is refused");

    snprintf(sub, sizeof sub, "%s/mywallet", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/mywallet/hotkeys", dir);
    mkdir(sub, 0700);
    write_file("mywallet/hotkeys/hk1", "{\"secretSeed\": \"0x" DEV_SEED "\"}", 0600);
    is_int(pc_wallet_load(NULL, 0, &w, err, sizeof err), 0, "pc_wallet_load(NULL) uses the default path");
    is_str(w.ss58, DEV_SS58, "... and finds the hotkey there");
    pc_wallet_wipe(&w);

    unsetenv("BT_WALLET_PATH");
    unsetenv("BT_WALLET_NAME");
    unsetenv("BT_WALLET_HOTKEY");
    setenv("HOME", dir, 1);
    is_int(pc_wallet_default_path(NULL, NULL, path, sizeof path, err, sizeof err), 0,
           "default path without environment");
    snprintf(sub, sizeof sub, "%s/.bittensor/wallets/default/hotkeys/default", dir);
    is_str(path, sub, "~/.bittensor/wallets/default/hotkeys/default");
    is_int(pc_wallet_load("~/mywallet/hotkeys/hk1", 0, &w, err, sizeof err), 0, "\"~/\" in a path is expanded");
    pc_wallet_wipe(&w);

    snprintf(sub, sizeof sub, "%s/mywallet/hotkeys/hk1", dir);
    unlink(sub);
    snprintf(sub, sizeof sub, "%s/mywallet/hotkeys", dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/mywallet", dir);
    rmdir(sub);
}

static void axon_signing(void)
{
    static const char nonce[] = "1767700000123456789";
    static const char uuid[] = "0f3c2b1a-eb3d-11f0-9a1b-0242ac120002";
    char body[65], msg[600], sig[131], bad[131], err[256];
    pc_wallet w;

    pc_axon_body_hash(NULL, 0, body);
    is_str(body, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
           "ImageSynapse body hash (no required fields) = SHA3-256(\"\")");
    const char *fields[] = {"a", "[1, 2]"};
    char body2[65];
    pc_axon_body_hash(fields, 2, body2);
    is_str(body2, "22a04aff643c4bcfd38295d8524a8b7446a8f911fa0ee3d3fb2ba48b738dba05",
           "body hash = SHA3(hex SHA3(f1) || hex SHA3(f2))");

    int n = pc_axon_message(nonce, DEV_SS58, ALICE_SS58, uuid, body, msg, sizeof msg);
    is_str(msg, "1767700000123456789." DEV_SS58 "." ALICE_SS58
                ".0f3c2b1a-eb3d-11f0-9a1b-0242ac120002.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
           "signed text: nonce.dendrite.axon.uuid.hash");
    is_int(n, strlen(msg), "message length returned");
    is_int(pc_axon_message(nonce, DEV_SS58, ALICE_SS58, "a.b", body, msg, sizeof msg), -1,
           "a '.' inside a part is refused");
    is_int(pc_axon_message(nonce, DEV_SS58, ALICE_SS58, uuid, body, msg, 50), -1,
           "a small buffer is refused");

    const char *path = write_file("axon", "{\"secretSeed\": \"0x" DEV_SEED "\"}", 0600);
    if (pc_wallet_load(path, 0, &w, err, sizeof err) != 0) {
        ok(0, "wallet for axon tests: %s", err);
        return;
    }
    is_int(pc_axon_sign(&w, nonce, NULL, ALICE_SS58, uuid, body, sig), 0, "sign a request");
    ok(strlen(sig) == 130 && !strncmp(sig, "0x", 2), "signature is 0x + 128 hex");
    ok(pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, sig, w.pub) == 1, "verifies with the key");
    ok(pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, sig, NULL) == 1,
       "verifies with the key taken from the dendrite address");

    const char *alt = "1767700000123456790";
    ok(!pc_axon_verify(alt, DEV_SS58, ALICE_SS58, uuid, body, sig, w.pub), "another nonce fails");
    ok(!pc_axon_verify(nonce, ALICE_SS58, ALICE_SS58, uuid, body, sig, w.pub),
       "another dendrite address fails");
    ok(!pc_axon_verify(nonce, DEV_SS58, DEV_SS58, uuid, body, sig, w.pub), "another axon address fails");
    ok(!pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, "0f3c2b1a-eb3d-11f0-9a1b-0242ac120003", body, sig,
                       w.pub), "another uuid fails");
    ok(!pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body2, sig, w.pub), "another body hash fails");
    ok(!pc_axon_verify(nonce, ALICE_SS58, ALICE_SS58, uuid, body, sig, NULL),
       "the key of another dendrite address fails");

    int each_bit = 1;
    for (int bit = 0; bit < 512; bit++) {
        uint8_t raw[64];
        pc_hex_decode(sig + 2, raw, 64);
        raw[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        bad[0] = '0';
        bad[1] = 'x';
        pc_hex_encode(raw, 64, bad + 2);
        if (pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, bad, w.pub)) each_bit = 0;
    }
    ok(each_bit, "flipping any signature bit fails");

    strcpy(bad, sig);
    for (char *p = bad + 2; *p; p++)
        if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 'a' + 'A');
    ok(pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, bad, w.pub), "upper-case hex verifies");
    ok(!pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, sig + 2, w.pub),
       "a signature without 0x is refused (as btwallet does)");
    strcpy(bad, sig);
    bad[129] = '\0';
    ok(!pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, bad, w.pub), "a short signature fails");
    ok(!pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, "0xzz", w.pub), "junk fails");
    ok(!pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, NULL, w.pub), "no signature fails");

    /* btwallet also accepts the text wrapped in <Bytes>...</Bytes> (polkadot-js signRaw) */
    char wrapped[700];
    uint8_t raw[64];
    pc_axon_message(nonce, DEV_SS58, ALICE_SS58, uuid, body, msg, sizeof msg);
    snprintf(wrapped, sizeof wrapped, "<Bytes>%s</Bytes>", msg);
    pc_sr25519_sign(&w.kp, wrapped, strlen(wrapped), raw);
    sig[0] = '0';
    sig[1] = 'x';
    pc_hex_encode(raw, 64, sig + 2);
    ok(pc_axon_verify(nonce, DEV_SS58, ALICE_SS58, uuid, body, sig, w.pub), "<Bytes> wrapped form verifies");
    ok(!pc_axon_verify(alt, DEV_SS58, ALICE_SS58, uuid, body, sig, w.pub),
       "<Bytes> wrapped form with another nonce fails");
    pc_wallet_wipe(&w);
}

int main(void)
{
    const char *build = getenv("PROCTOR_BUILD");
    snprintf(dir, sizeof dir, "%s/test_wallet.XXXXXX", build && *build ? build : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(dir, sizeof dir, "/tmp/test_wallet.XXXXXX");
        if (!mkdtemp(dir)) skip_all("cannot create a temporary directory");
    }
    if (pc_sr25519_init() != 0) {
        ok(0, "libsodium initialises");
        return done_testing();
    }
    keyfiles();
    default_paths();
    axon_signing();

    static const char *const names[] = {"full", "priv", "phrase", "seed0x0x", "seedtext", "nulls",
        "sign", "nacl", "nacl2", "vault", "fernet", "open", "group", "notjson", "array", "pubonly",
        "badpub", "badss58", "brokenss58", "badpriv", "noncanon", "badphrase", "big", "axon"};
    char p[600];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    ok(rmdir(dir) == 0, "temporary directory cleaned up (%s)", strerror(errno));
    return done_testing();
}
