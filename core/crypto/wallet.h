/* wallet.h — a bittensor hotkey from its keyfile (specs/bittensor.md 2.12).
 *
 * Reads the plain JSON keyfile that btwallet writes for hotkeys (unencrypted by default): the key
 * comes from secretSeed, else privateKey, else secretPhrase, and must match publicKey /
 * accountId / ss58Address when those are present. Encrypted keyfiles ($NACL, ansible-vault,
 * legacy Fernet) are recognised and refused with a message saying so. A keyfile that group or
 * others may access is refused unless allow_insecure is set, like ssh does with private keys.
 * No message ever contains secret material. */
#ifndef PC_CRYPTO_WALLET_H
#define PC_CRYPTO_WALLET_H

#include "crypto/sr25519.h"

#include <stddef.h>
#include <stdint.h>

typedef struct pc_wallet {
    char ss58[49];          /* hotkey address, prefix 42 */
    uint8_t pub[32];        /* hotkey public key */
    pc_sr25519_keypair kp;  /* the secret; wipe with pc_wallet_wipe */
    char path[1024];        /* the keyfile it came from */
} pc_wallet;

/* The keyfile path bittensor uses: <root>/<wallet>/hotkeys/<hotkey>, where root is
 * $BT_WALLET_PATH or ~/.bittensor/wallets, and NULL names mean $BT_WALLET_NAME /
 * $BT_WALLET_HOTKEY or "default". A leading "~/" in root is expanded with $HOME.
 * Returns 0, or -1 with one line in err. */
int pc_wallet_default_path(const char *wallet_name, const char *hotkey, char *out, size_t outlen,
                           char *err, size_t errlen);

/* Load a hotkey. path NULL = pc_wallet_default_path(NULL, NULL); a leading "~/" is expanded.
 * Returns 0, or -1 with one line in err (and *out wiped). */
int pc_wallet_load(const char *path, int allow_insecure, pc_wallet *out, char *err, size_t errlen);

/* Zero the whole wallet, secret included. */
void pc_wallet_wipe(pc_wallet *w);

#endif
