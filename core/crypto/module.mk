# core/crypto: Keccak/SHA3, STROBE-128, Merlin, sr25519, SS58, wallet files, axon signing.
CORE_SRCS += core/crypto/keccak.c core/crypto/strobe.c core/crypto/merlin.c \
             core/crypto/bip39.c core/crypto/bip39_english.c core/crypto/sr25519.c \
             core/crypto/ss58.c core/crypto/wallet.c \
             core/crypto/axon_sign.c
