# natix source plugin: Hugging Face Hub downloader + Parquet reader + image extraction.
# Internal modules: pq_ (Parquet + Thrift reader); the Hub client is plugins/common/hf (hf_).
NATIX_DIR := plugins/sources/natix
NATIX_PQ_SRCS := $(NATIX_DIR)/pq_thrift.c $(NATIX_DIR)/pq_meta.c $(NATIX_DIR)/pq_page.c \
                 $(NATIX_DIR)/pq_read.c $(NATIX_DIR)/pq_delta.c $(NATIX_DIR)/pq_stream.c
NATIX_PQ_LIBS := -lsnappy -lzstd -lz -llz4
# The Parquet reader is a static library: the plugin, its tests, the bench and the fuzzer share it.
ARCHIVES += pq
pq_SRCS := $(NATIX_PQ_SRCS)
pq_CFLAGS := -fvisibility=hidden
NATIX_PQ := $(call archive,pq)
NATIX_EX_SRCS  := $(NATIX_DIR)/extract.c $(NATIX_DIR)/imginfo.c

PLUGINS += natix
natix_SRCS   = $(NATIX_DIR)/natix.c $(NATIX_EX_SRCS) $(NATIX_PQ) $(HF)
natix_LIBS   = $(HF_LIBS) $(NATIX_PQ_LIBS)
natix_CFLAGS = -fvisibility=hidden -I$(HF_DIR)

# libFuzzer target for the Parquet + Thrift reader; `make fuzz-smoke` runs it ~60 s from the
# fixtures (FUZZ_SECONDS to change). Needs clang with libFuzzer (Debian: clang, libclang-rt-*-dev).
NATIX_FUZZ      := $(BUILD)/fuzz/natix_parquet_fuzz
NATIX_FUZZ_DIR  := $(BUILD)/fuzz/natix-corpus
FUZZ_SECONDS    ?= 60
$(NATIX_FUZZ): $(NATIX_DIR)/fuzz/fuzz_parquet.c $(pq_SRCS) $(wildcard $(NATIX_DIR)/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -Wall -Wextra -Wshadow -Isdk -o $@ $(filter %.c,$^) $(NATIX_PQ_LIBS)
.PHONY: natix-fuzz-smoke
fuzz-smoke: natix-fuzz-smoke
natix-fuzz-smoke: $(NATIX_FUZZ)
	@mkdir -p $(NATIX_FUZZ_DIR)
	cp tests/natix/fixtures/*.parquet $(NATIX_FUZZ_DIR)/
	$(NATIX_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/natix- $(NATIX_FUZZ_DIR)
