/* ss58.h — SS58 addresses of 32-byte account keys (specs/bittensor.md 2.9): Base58 of
 * prefix || key || first 2 bytes of BLAKE2b-512("SS58PRE" || prefix || key).
 * Bittensor uses prefix 42: 48 characters starting with '5'. */
#ifndef PC_CRYPTO_SS58_H
#define PC_CRYPTO_SS58_H

#include <stddef.h>
#include <stdint.h>

#define PC_SS58_PREFIX_BITTENSOR 42
#define PC_SS58_ADDRESS_MAX 50 /* characters, without the NUL (two-byte prefixes) */

/* Encode with any prefix 0..16383 (one byte below 64, two bytes above). `out` gets the address
 * and a NUL; outlen >= 49 suffices for prefix 42. Returns 0, or -1 for a bad prefix or small
 * buffer. */
int pc_ss58_encode(const uint8_t pub[32], uint16_t prefix, char *out, size_t outlen);

/* Decode an address of a 32-byte key; *prefix gets its network prefix (may be NULL).
 * Returns 0, or -1 with one line in err (bad character, length, checksum, reserved prefix). */
int pc_ss58_decode(const char *address, uint8_t pub[32], uint16_t *prefix, char *err, size_t errlen);

#endif
