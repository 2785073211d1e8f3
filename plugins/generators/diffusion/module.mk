# plugins/generators/diffusion: Stable Diffusion (SD 1.x / 2.x / SDXL) t2i + i2i from diffusers
# folders, plain-C CPU reference path (OpenBLAS + pthreads). Engine modules are prefixed sd_.
SD_DIR := plugins/generators/diffusion
SD_ENGINE_SRCS := $(SD_DIR)/sd_safetensors.c $(SD_DIR)/sd_json.c $(SD_DIR)/sd_par.c \
                  $(SD_DIR)/sd_ops_cpu.c $(SD_DIR)/sd_tokenizer.c $(SD_DIR)/sd_clip.c \
                  $(SD_DIR)/sd_nn.c $(SD_DIR)/sd_unet.c $(SD_DIR)/sd_vae.c $(SD_DIR)/sd_sched.c \
                  $(SD_DIR)/sd_rng.c $(SD_DIR)/sd_pipe.c
SD_ENGINE_LIBS := -lopenblas -lcjson -lutf8proc -lpthread -lm
# The engine is a static library: the plugin, its tests and the bench link the same objects.
ARCHIVES += sd
sd_SRCS := $(SD_ENGINE_SRCS)
sd_CFLAGS := -fvisibility=hidden
SD_ENGINE := $(call archive,sd)
PLUGINS += diffusion
diffusion_SRCS := $(SD_DIR)/diffusion.c $(SD_ENGINE)
diffusion_LIBS := $(SD_ENGINE_LIBS)
diffusion_CFLAGS := -fvisibility=hidden
