# tests/net: metagraph + deck, the ImageSynapse wire format and the demo miner's pieces, and the
# dendrite against real loopback servers (good, hostile, and demo_miner processes).
TESTS += test_net_metagraph test_net_wire test_net_dendrite
test_net_metagraph_SRCS := tests/net/test_net_metagraph.c
test_net_wire_SRCS := tests/net/test_net_wire.c tests/net/netutil.c tools/demo_miner/verify.c \
                      tools/demo_miner/roadwork.c
test_net_wire_LIBS := -ljpeg -lsodium
test_net_dendrite_SRCS := tests/net/test_net_dendrite.c tests/net/netutil.c
test_net_dendrite_LIBS := -lmicrohttpd -ljpeg -lsodium -lcurl -lcjson -lz
test_net_dendrite_DEPS = $(BUILD)/demo_miner
