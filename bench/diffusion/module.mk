# bench/diffusion: SD 1.5-sized UNet (batch 2, 64x64) and VAE decode (512x512) on the CPU path.
# The PyTorch peer for the same shapes: /usr/bin/python3 bench/diffusion/torch_peer.py
BENCHES += bench_sd
bench_sd_SRCS := bench/diffusion/bench_sd.c $(SD_ENGINE)
bench_sd_LIBS := $(SD_ENGINE_LIBS)
bench_sd_CFLAGS := -I$(SD_DIR)
