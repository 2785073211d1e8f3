/* drand_quicknet.h — the drand "quicknet" beacon that Subtensor's commit-reveal v4 uses
 * (specs/bittensor.md 3.11): scheme bls-unchained-g1-rfc9380, signatures in G1, public key in
 * G2, one round every 3 seconds. */
#ifndef PC_CRYPTO_DRAND_QUICKNET_H
#define PC_CRYPTO_DRAND_QUICKNET_H

/* the beacon's public key, compressed G2, as hex */
#define PC_DRAND_QUICKNET_PUBKEY_HEX                                                        \
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d" \
    "1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8" \
    "991ef5ece45a"
#define PC_DRAND_QUICKNET_CHAIN_HASH_HEX \
    "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
#define PC_DRAND_QUICKNET_GENESIS_TIME 1692803367ULL /* unix seconds of round 1 */
#define PC_DRAND_QUICKNET_PERIOD_S 3ULL
/* RFC 9380 domain separation tag of the round signatures (and timelock identities) */
#define PC_DRAND_QUICKNET_DST "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"

/* A public test vector: the beacon's signature of round 1000 (compressed G1, hex). */
#define PC_DRAND_QUICKNET_ROUND1000_SIG_HEX                                                     \
    "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63" \
    "ed5e39"

#endif
