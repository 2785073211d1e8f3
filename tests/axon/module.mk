# tests/axon: the demo miner as a real bittensor axon (blacklist, nonce window, sr25519
# signature) against the real dendrite, hand-tampered requests, and a whole `proctor demo`.
TESTS += test_axon
test_axon_SRCS := tests/axon/test_axon.c tests/net/netutil.c tools/demo_miner/verify.c
test_axon_LIBS := -ljpeg -lsodium -lcurl -lcjson
test_axon_DEPS = $(BUILD)/demo_miner $(PROCTOR) $(BUILD)/plugins/local_folder.so \
                 $(BUILD)/plugins/procedural.so $(BUILD)/plugins/scorer_natix.so

# the demo miner's roadwork model: its cues on drawn pictures, and accuracy on the committed demo
# photos augmented as the validator does
TESTS += test_axon_model
test_axon_model_SRCS := tests/axon/test_axon_model.c tools/demo_miner/roadwork.c
test_axon_model_LIBS := -ljpeg -lsodium
