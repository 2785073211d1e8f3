# core/crypto: Keccak/SHA3, STROBE-128, Merlin, sr25519, SS58, wallet files, axon signing.
CORE_SRCS += core/crypto/keccak.c core/crypto/strobe.c core/crypto/merlin.c \
             core/crypto/bip39.c core/crypto/bip39_english.c core/crypto/sr25519.c \
             core/crypto/ss58.c core/crypto/wallet.c \
             core/crypto/axon_sign.c
# BLS12-381 (field tower, G1/G2, RFC 9380 hash to G1, pairing) and drand timelock encryption.
CORE_SRCS += core/crypto/bls_consts.c core/crypto/bls_fp.c core/crypto/bls_fp2.c \
             core/crypto/bls_fp12.c core/crypto/bls_g1.c core/crypto/bls_g2.c \
             core/crypto/bls_fr.c core/crypto/bls_h2c.c core/crypto/bls_pairing.c
CORE_SRCS += core/crypto/tle.c
CORE_LIBS += -lcrypto
