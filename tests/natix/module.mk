# tests of the natix source plugin (fixtures in tests/natix/fixtures, made by make_fixtures.js)
TESTS += test_natix_parquet
test_natix_parquet_SRCS = tests/natix/test_natix_parquet.c $(NATIX_PQ)
test_natix_parquet_LIBS = $(NATIX_PQ_LIBS) -lcjson -lsodium

TESTS += test_natix_hub
test_natix_hub_SRCS = tests/natix/test_natix_hub.c tests/natix/mock_hub.c $(HF)
test_natix_hub_LIBS = $(HF_LIBS) -lmicrohttpd

TESTS += test_natix_plugin
test_natix_plugin_SRCS = tests/natix/test_natix_plugin.c tests/natix/mock_hub.c
test_natix_plugin_LIBS = -lmicrohttpd -lcjson -lsodium
test_natix_plugin_DEPS = $(BUILD)/plugins/natix.so

TESTS += test_natix_extract
test_natix_extract_SRCS = tests/natix/test_natix_extract.c $(NATIX_EX_SRCS) bench/natix/bench_pqwrite.c $(NATIX_PQ)
test_natix_extract_LIBS = $(NATIX_PQ_LIBS) -lcjson -ljpeg -lz
