# tools/demo_miner: a C NATIX miner (libmicrohttpd axon + colour-share roadwork model).
TOOLS += demo_miner
demo_miner_SRCS := tools/demo_miner/main.c tools/demo_miner/verify.c tools/demo_miner/roadwork.c
demo_miner_LIBS := -lmicrohttpd -ljpeg -lsodium -lcjson
