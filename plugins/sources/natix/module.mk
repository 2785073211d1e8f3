# natix source plugin: Hugging Face Hub downloader + Parquet reader + image extraction.
# Internal modules: pq_ (Parquet + Thrift reader), hub_ (Hub client).
NATIX_DIR := plugins/sources/natix
NATIX_PQ_SRCS := $(NATIX_DIR)/pq_thrift.c $(NATIX_DIR)/pq_meta.c $(NATIX_DIR)/pq_page.c \
                 $(NATIX_DIR)/pq_read.c
NATIX_PQ_LIBS := -lsnappy -lzstd -lz
NATIX_HUB_SRCS := $(NATIX_DIR)/hub.c $(NATIX_DIR)/hub_cache.c
NATIX_HUB_LIBS := -lcurl -lcjson -lsodium -lm
NATIX_EX_SRCS  := $(NATIX_DIR)/extract.c $(NATIX_DIR)/imginfo.c

PLUGINS += natix
natix_SRCS   = $(NATIX_DIR)/natix.c $(NATIX_EX_SRCS) $(NATIX_HUB_SRCS) $(NATIX_PQ_SRCS)
natix_LIBS   = $(NATIX_HUB_LIBS) $(NATIX_PQ_LIBS)
natix_CFLAGS = -fvisibility=hidden
