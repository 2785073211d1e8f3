# hf: the Hugging Face Hub client (listing, resumable verified downloads), a static library
# shared by plugins (natix source, diffusion generator) and their tests. Links nothing of the core.
HF_DIR  := plugins/common/hf
ARCHIVES += hf
hf_SRCS := $(HF_DIR)/hf_client.c $(HF_DIR)/hf_http.c $(HF_DIR)/hf_list.c $(HF_DIR)/hf_download.c \
           $(HF_DIR)/hf_cache.c
hf_CFLAGS := -fvisibility=hidden
# what a component using $(HF) adds: -I$(HF_DIR) in its _CFLAGS (or include "…/common/hf/hf.h")
HF      := $(call archive,hf)
HF_LIBS := -lcurl -lcjson -lsodium -lm
