#!/usr/bin/python3
"""PyTorch peer of bench_sd.c: the same SD 1.5 UNet (batch 2, 64x64 latent, 77x768 context) and
SD 1.5 VAE decoder (64x64 latent -> 512x512), written as plain torch modules from the
architecture in specs/diffusion.md (diffusers is not available here), random weights, fp32,
eval + no_grad, the same thread count. Attention is explicit softmax(QK^T * scale) V, which
is what diffusers runs on torch 1.13 (no scaled_dot_product_attention).

    /usr/bin/python3 bench/diffusion/torch_peer.py   # SD_BENCH_RUNS, SD_BENCH_THREADS, SD_BENCH_ONLY as for bench_sd
"""
import math
import os
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def attention(q, k, v, heads):
    b, tq, c = q.shape
    d = c // heads
    q = q.view(b, tq, heads, d).transpose(1, 2)
    k = k.view(b, k.shape[1], heads, d).transpose(1, 2)
    v = v.view(b, v.shape[1], heads, d).transpose(1, 2)
    w = torch.softmax(q @ k.transpose(-1, -2) * (d ** -0.5), dim=-1)
    return (w @ v).transpose(1, 2).reshape(b, tq, c)


class Resnet(nn.Module):
    def __init__(self, cin, cout, temb, groups, eps):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout) if temb else None
        self.norm2 = nn.GroupNorm(groups, cout, eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.short = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.temb is not None:
            h = h + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.short(x) if self.short is not None else x) + h


class Block(nn.Module):
    def __init__(self, c, ctx, heads):
        super().__init__()
        self.heads = heads
        self.n1, self.n2, self.n3 = nn.LayerNorm(c), nn.LayerNorm(c), nn.LayerNorm(c)
        self.q1, self.k1, self.v1 = (nn.Linear(c, c, bias=False) for _ in range(3))
        self.o1 = nn.Linear(c, c)
        self.q2 = nn.Linear(c, c, bias=False)
        self.k2, self.v2 = nn.Linear(ctx, c, bias=False), nn.Linear(ctx, c, bias=False)
        self.o2 = nn.Linear(c, c)
        self.ff1, self.ff2 = nn.Linear(c, 8 * c), nn.Linear(4 * c, c)

    def forward(self, x, ctx):
        h = self.n1(x)
        x = x + self.o1(attention(self.q1(h), self.k1(h), self.v1(h), self.heads))
        h = self.n2(x)
        x = x + self.o2(attention(self.q2(h), self.k2(ctx), self.v2(ctx), self.heads))
        a, g = self.ff1(self.n3(x)).chunk(2, dim=-1)
        return x + self.ff2(a * F.gelu(g))


class Transformer(nn.Module):
    def __init__(self, c, ctx, heads, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, 1e-6)
        self.proj_in, self.proj_out = nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1)
        self.block = Block(c, ctx, heads)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        y = self.proj_in(self.norm(x)).permute(0, 2, 3, 1).reshape(b, h * w, c)
        y = self.block(y, ctx).reshape(b, h, w, c).permute(0, 3, 1, 2)
        return self.proj_out(y) + x


class UNet(nn.Module):
    """SD 1.5: [320, 640, 1280, 1280], 2 layers, 8 heads, 1x1-conv projections, ctx 768."""

    def __init__(self, ch=(320, 640, 1280, 1280), ctx=768, heads=8, groups=32):
        super().__init__()
        self.ch0 = ch[0]
        te = 4 * ch[0]
        self.t1, self.t2 = nn.Linear(ch[0], te), nn.Linear(te, te)
        self.conv_in = nn.Conv2d(4, ch[0], 3, padding=1)
        self.down, skips, c = nn.ModuleList(), [ch[0]], ch[0]
        for i, co in enumerate(ch):
            cross = i < len(ch) - 1
            for _ in range(2):
                self.down.append(Resnet(c, co, te, groups, 1e-5))
                c = co
                self.down.append(Transformer(c, ctx, heads, groups) if cross else nn.Identity())
                skips.append(c)
            if i < len(ch) - 1:
                self.down.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
                skips.append(c)
        self.mid = nn.ModuleList([Resnet(c, c, te, groups, 1e-5), Transformer(c, ctx, heads, groups),
                                  Resnet(c, c, te, groups, 1e-5)])
        self.up = nn.ModuleList()
        for i, co in enumerate(reversed(ch)):
            cross = i > 0
            for _ in range(3):
                self.up.append(Resnet(c + skips.pop(), co, te, groups, 1e-5))
                c = co
                self.up.append(Transformer(c, ctx, heads, groups) if cross else nn.Identity())
            if i < len(ch) - 1:
                self.up.append(nn.Conv2d(c, c, 3, padding=1))
        self.norm_out = nn.GroupNorm(groups, c, 1e-5)
        self.conv_out = nn.Conv2d(c, 4, 3, padding=1)
        self.nlev = len(ch)

    def forward(self, x, t, ctx):
        half = self.ch0 // 2
        f = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        a = t[:, None] * f[None]
        emb = self.t2(F.silu(self.t1(torch.cat([a.cos(), a.sin()], -1))))
        x = self.conv_in(x)
        skips, it = [x], iter(self.down)
        for i in range(self.nlev):
            for _ in range(2):
                x = next(it)(x, emb)
                m = next(it)
                x = m(x, ctx) if isinstance(m, Transformer) else x
                skips.append(x)
            if i < self.nlev - 1:
                x = next(it)(x)
                skips.append(x)
        x = self.mid[2](self.mid[1](self.mid[0](x, emb), ctx), emb)
        it = iter(self.up)
        for i in range(self.nlev):
            for _ in range(3):
                x = next(it)(torch.cat([x, skips.pop()], 1), emb)
                m = next(it)
                x = m(x, ctx) if isinstance(m, Transformer) else x
            if i < self.nlev - 1:
                x = next(it)(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(x)))


class VaeAttn(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, 1e-6)
        self.q, self.k, self.v, self.o = (nn.Linear(c, c) for _ in range(4))

    def forward(self, x):
        b, c, h, w = x.shape
        t = self.norm(x).view(b, c, h * w).transpose(1, 2)
        y = self.o(attention(self.q(t), self.k(t), self.v(t), 1))
        return y.transpose(1, 2).reshape(b, c, h, w) + x


class Decoder(nn.Module):
    """SD 1.5 VAE decoder: [128, 256, 512, 512], 3 resnets per up block, 32 groups."""

    def __init__(self, ch=(128, 256, 512, 512), groups=32):
        super().__init__()
        c = ch[-1]
        self.post_quant = nn.Conv2d(4, 4, 1)
        self.conv_in = nn.Conv2d(4, c, 3, padding=1)
        self.mid = nn.ModuleList([Resnet(c, c, 0, groups, 1e-6), VaeAttn(c, groups), Resnet(c, c, 0, groups, 1e-6)])
        self.up = nn.ModuleList()
        for i, co in enumerate(reversed(ch)):
            for _ in range(3):
                self.up.append(Resnet(c, co, 0, groups, 1e-6))
                c = co
            self.up.append(nn.Conv2d(c, c, 3, padding=1) if i < len(ch) - 1 else nn.Identity())
        self.norm_out = nn.GroupNorm(groups, c, 1e-6)
        self.conv_out = nn.Conv2d(c, 3, 3, padding=1)

    def forward(self, z):
        x = self.conv_in(self.post_quant(z))
        x = self.mid[2](self.mid[1](self.mid[0](x)))
        for m in self.up:
            if isinstance(m, Resnet):
                x = m(x)
            elif isinstance(m, nn.Conv2d):
                x = m(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(x)))


def bench(name, fn, runs, tflop):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    m = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{name:<20} median {m:8.3f} s   {tflop * 1000 / m:6.1f} GFLOP/s   ({tflop} TFLOP per call)   peak RSS {rss} MiB")


def main():
    runs = int(os.environ.get("SD_BENCH_RUNS", "3"))
    threads = int(os.environ.get("SD_BENCH_THREADS", "2"))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    print(f"PyTorch {torch.__version__} CPU, fp32, {torch.get_num_threads()} threads, median of {runs} run(s)")
    only = os.environ.get("SD_BENCH_ONLY", "")
    with torch.no_grad():
        if only in ("", "unet"):
            unet = UNet().eval()
            x, ctx, t = torch.randn(2, 4, 64, 64), torch.randn(2, 77, 768), torch.tensor([999.0, 999.0])
            bench("unet_sd15_64x64_b2", lambda: unet(x, t, ctx), runs, 1.607)
            del unet
        if only in ("", "vae"):
            dec = Decoder().eval()
            z = torch.randn(1, 4, 64, 64)
            bench("vae_decode_512x512", lambda: dec(z), runs, 2.515)


if __name__ == "__main__":
    main()
