/* wallet.c — bittensor hotkey keyfiles (wallet.h). */
#include "crypto/wallet.h"
#include "crypto/keccak.h"
#include "crypto/ss58.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A real keyfile is well under 1 KiB; anything this large is not one. */
enum { MAX_KEYFILE = 64 * 1024 };

static int expand_home(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
    int n;
    if (in[0] == '~' && (in[1] == '/' || in[1] == '\0')) {
        const char *home = getenv("HOME");
        if (!home || !*home) {
            snprintf(err, errlen, "cannot expand \"~\" in %s: HOME is not set", in);
            return -1;
        }
        n = snprintf(out, outlen, "%s%s", home, in + 1);
    } else {
        n = snprintf(out, outlen, "%s", in);
    }
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "wallet path is too long");
        return -1;
    }
    return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

int pc_wallet_default_path(const char *wallet_name, const char *hotkey, char *out, size_t outlen,
                           char *err, size_t errlen)
{
    char root[1024];
    const char *name = wallet_name ? wallet_name : env_or("BT_WALLET_NAME", "default");
    const char *hk = hotkey ? hotkey : env_or("BT_WALLET_HOTKEY", "default");
    if (!*name || !*hk || strchr(name, '/') || strchr(hk, '/')) {
        snprintf(err, errlen, "wallet and hotkey names must be non-empty and contain no '/'");
        return -1;
    }
    if (expand_home(env_or("BT_WALLET_PATH", "~/.bittensor/wallets"), root, sizeof root, err,
                    errlen) != 0)
        return -1;
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
    int n = snprintf(out, outlen, "%s/%s/hotkeys/%s", root, name, hk);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "wallet path is too long");
        return -1;
    }
    return 0;
}

/* Read the whole keyfile after checking what it is and who may read it. Returns a
 * NUL-terminated malloc'd buffer (wipe it before free) or NULL with err set. */
static char *read_keyfile(const char *path, int allow_insecure, size_t *len, char *err,
                          size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(err, errlen, "hotkey file %s does not exist (create the wallet with btcli, "
                                  "or name the keyfile by path)", path);
        else
            snprintf(err, errlen, "cannot open hotkey file %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot stat hotkey file %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "hotkey file %s is not a regular file", path);
        goto fail;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) && !allow_insecure) {
        snprintf(err, errlen, "hotkey file %s is accessible by group/others (mode %04o); run "
                              "chmod 600 on it, or allow insecure key files explicitly",
                 path, (unsigned)(st.st_mode & 07777));
        goto fail;
    }
    if (st.st_size > MAX_KEYFILE) {
        snprintf(err, errlen, "hotkey file %s is %lld bytes: too large to be a keyfile", path,
                 (long long)st.st_size);
        goto fail;
    }
    buf = malloc(MAX_KEYFILE + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory reading %s", path);
        goto fail;
    }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, MAX_KEYFILE + 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(err, errlen, "cannot read hotkey file %s: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > MAX_KEYFILE) {
            snprintf(err, errlen, "hotkey file %s is too large to be a keyfile", path);
            goto fail;
        }
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    if (buf) {
        sodium_memzero(buf, MAX_KEYFILE + 1);
        free(buf);
    }
    close(fd);
    return NULL;
}

static const char *encryption_marker(const char *text)
{
    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r') text++;
    if (!strncmp(text, "$NACL", 5)) return "NaCl, btwallet's password protection";
    if (!strncmp(text, "$ANSIBLE_VAULT", 14)) return "ansible-vault, a legacy format";
    if (!strncmp(text, "gAAAAA", 6)) return "Fernet, a legacy format";
    return NULL;
}

/* "0x" + 2*len hex digits -> bytes. For secretSeed, btwallet may write "0x0x...". */
static int parse_hex_field(const cJSON *obj, const char *key, uint8_t *out, size_t len,
                           int allow_double_prefix)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(item) || !item->valuestring) return 0; /* absent or null */
    const char *s = item->valuestring;
    if (!strncmp(s, "0x", 2)) s += 2;
    if (allow_double_prefix && !strncmp(s, "0x", 2)) s += 2;
    return pc_hex_decode(s, out, len) == 0 ? 1 : -1;
}

/* Zero every string in the tree before freeing it: the parser copied the secrets there. */
static void wipe_json(cJSON *node)
{
    for (; node; node = node->next) {
        if (node->valuestring) sodium_memzero(node->valuestring, strlen(node->valuestring));
        wipe_json(node->child);
    }
}

static int key_from_json(const cJSON *root, const char *path, pc_sr25519_keypair *kp, char *err,
                         size_t errlen)
{
    uint8_t buf[64];
    int rc = -1;

    if (parse_hex_field(root, "secretSeed", buf, 32, 1) == 1) {
        if (pc_sr25519_from_mini(buf, kp) == 0) rc = 0;
        else snprintf(err, errlen, "secretSeed in %s gives no usable key", path);
    } else {
        int pk = parse_hex_field(root, "privateKey", buf, 64, 0);
        const cJSON *phrase = cJSON_GetObjectItemCaseSensitive(root, "secretPhrase");
        if (pk == 1) {
            if (pc_sr25519_from_secret64(buf, kp) == 0) rc = 0;
            else snprintf(err, errlen, "privateKey in %s is not a valid sr25519 secret", path);
        } else if (cJSON_IsString(phrase) && phrase->valuestring && *phrase->valuestring) {
            char perr[160];
            if (pc_sr25519_from_mnemonic(phrase->valuestring, NULL, kp, perr, sizeof perr) == 0)
                rc = 0;
            else snprintf(err, errlen, "secretPhrase in %s: %s", path, perr);
        } else if (pk == -1) {
            snprintf(err, errlen, "privateKey in %s is not \"0x\" + 128 hex digits", path);
        } else {
            snprintf(err, errlen, "%s holds no secret key (no secretSeed, privateKey or "
                                  "secretPhrase): is it a public-only file?", path);
        }
    }
    sodium_memzero(buf, sizeof buf);
    return rc;
}

/* The public fields, when present, must name the key we derived. */
static int check_public(const cJSON *root, const char *path, const uint8_t pub[32], char *err,
                        size_t errlen)
{
    static const char *const keys[] = {"publicKey", "accountId"};
    uint8_t claimed[32];
    for (size_t i = 0; i < 2; i++) {
        int r = parse_hex_field(root, keys[i], claimed, 32, 0);
        if (r == -1) {
            snprintf(err, errlen, "%s in %s is not \"0x\" + 64 hex digits", keys[i], path);
            return -1;
        }
        if (r == 1 && memcmp(claimed, pub, 32) != 0) {
            snprintf(err, errlen, "%s in %s does not match its secret key", keys[i], path);
            return -1;
        }
    }
    const cJSON *addr = cJSON_GetObjectItemCaseSensitive(root, "ss58Address");
    if (cJSON_IsString(addr) && addr->valuestring) {
        char derr[128];
        uint16_t prefix;
        if (pc_ss58_decode(addr->valuestring, claimed, &prefix, derr, sizeof derr) != 0) {
            snprintf(err, errlen, "ss58Address in %s: %s", path, derr);
            return -1;
        }
        if (memcmp(claimed, pub, 32) != 0) {
            snprintf(err, errlen, "ss58Address in %s does not match its secret key", path);
            return -1;
        }
    }
    return 0;
}

int pc_wallet_load(const char *path, int allow_insecure, pc_wallet *out, char *err, size_t errlen)
{
    char full[sizeof out->path];
    memset(out, 0, sizeof *out);
    if (pc_sr25519_init() != 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    if (path ? expand_home(path, full, sizeof full, err, errlen)
             : pc_wallet_default_path(NULL, NULL, full, sizeof full, err, errlen))
        return -1;

    size_t len = 0;
    char *text = read_keyfile(full, allow_insecure, &len, err, errlen);
    if (!text) return -1;

    int rc = -1;
    cJSON *root = NULL;
    const char *enc = encryption_marker(text);
    if (enc) {
        snprintf(err, errlen, "hotkey file %s is encrypted (%s); proctor reads only unencrypted "
                              "hotkeys: create the hotkey without a password", full, enc);
        goto done;
    }
    root = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "hotkey file %s is not a JSON keyfile", full);
        goto done;
    }
    if (key_from_json(root, full, &out->kp, err, errlen) != 0) goto done;
    if (check_public(root, full, out->kp.pub, err, errlen) != 0) goto done;
    memcpy(out->pub, out->kp.pub, 32);
    if (pc_ss58_encode(out->pub, PC_SS58_PREFIX_BITTENSOR, out->ss58, sizeof out->ss58) != 0) {
        snprintf(err, errlen, "cannot encode the hotkey address");
        goto done;
    }
    snprintf(out->path, sizeof out->path, "%s", full);
    rc = 0;
done:
    if (root) {
        wipe_json(root);
        cJSON_Delete(root);
    }
    sodium_memzero(text, len);
    free(text);
    if (rc != 0) pc_wallet_wipe(out);
    return rc;
}

void pc_wallet_wipe(pc_wallet *w)
{
    sodium_memzero(w, sizeof *w);
}
