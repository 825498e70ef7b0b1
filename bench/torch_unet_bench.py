"""PyTorch twin of models/unet.ts (timeConditionedUNet with widths [32, 64], 10 classes; the team's reference
../shared/reference/torch_unet.py, kept here so `npm run bench` is self-contained): the same small class-conditional U-Net (28x28x1, channels 32/64, GroupNorm(8)
or channel LayerNorm, swish, time + label embedding added in every residual block), one flow-matching
training step at batch 64, timed.

  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python3 torch_unet.py --threads 1 [--norm gn|ln]
      [--batch 64] [--ch 32,64] [--clock wall|cpu] [--channels-last]

Prints one JSON line.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ChannelNorm(nn.Module):
    """LayerNorm over channels at every pixel (what unet.mjs --norm ln does)."""

    def __init__(self, c):
        super().__init__()
        self.ln = nn.LayerNorm(c)

    def forward(self, x):
        return self.ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def make_norm(kind, c):
    return nn.GroupNorm(8, c) if kind == "gn" else ChannelNorm(c)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, norm):
        super().__init__()
        self.n1 = make_norm(norm, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.e = nn.Linear(emb, cout)
        self.n2 = make_norm(norm, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Identity() if cin == cout else nn.Conv2d(cin, cout, 1)

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.e(emb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return h + self.skip(x)


class UNet(nn.Module):
    def __init__(self, c0=1, c1=32, c2=64, norm="gn", freqs=16, fmax=64.0):
        super().__init__()
        f = [0.5 * (2 * fmax) ** (k / (freqs - 1)) for k in range(freqs)]
        self.register_buffer("omega", torch.tensor([2 * math.pi * v for v in f]).reshape(1, -1))
        self.label = nn.Embedding(11, 32)
        self.emb1 = nn.Linear(1 + 2 * freqs + 32, 128)
        self.emb2 = nn.Linear(128, 128)
        self.cin = nn.Conv2d(c0, c1, 3, padding=1)
        self.r1 = ResBlock(c1, c1, 128, norm)
        self.down = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.r2 = ResBlock(c2, c2, 128, norm)
        self.mid = ResBlock(c2, c2, 128, norm)
        self.up = nn.Conv2d(c2, c1, 3, padding=1)
        self.r3 = ResBlock(2 * c1, c1, 128, norm)
        self.nout = make_norm(norm, c1)
        self.cout = nn.Conv2d(c1, c0, 3, padding=1)

    def forward(self, x, t, label):
        a = t * self.omega
        e = torch.cat([t, torch.sin(a), torch.cos(a), self.label(label)], 1)
        e = self.emb2(F.silu(self.emb1(e)))
        h0 = self.cin(x)
        h1 = self.r1(h0, e)
        h2 = self.r2(self.down(h1), e)
        m = self.mid(h2, e)
        u = self.up(F.interpolate(m, scale_factor=2, mode="nearest"))
        h3 = self.r3(torch.cat([u, h1], 1), e)
        return self.cout(F.silu(self.nout(h3)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--norm", default="gn")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--size", type=int, default=28)
    p.add_argument("--ch", default="32,64")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--clock", default="wall")
    p.add_argument("--channels-last", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    c1, c2 = map(int, args.ch.split(","))
    torch.manual_seed(0)
    model = UNet(c1=c1, c2=c2, norm=args.norm)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    B, S = args.batch, args.size

    def step():
        x1 = torch.rand(B, 1, S, S) * 2 - 1
        x0 = torch.randn(B, 1, S, S)
        t = torch.rand(B, 1)
        label = torch.randint(0, 11, (B,))
        tt = t[:, :, None, None]
        xt = ((1 - tt) * x0 + tt * x1).contiguous(memory_format=fmt)
        target = x1 - x0
        pred = model(xt, t, label)
        loss = (pred * (0.5 * pred - target)).sum(dim=(1, 2, 3)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    ts = []
    for _ in range(args.steps):
        t0 = clock()
        step()
        ts.append((clock() - t0) * 1e3)
    fw = []
    with torch.no_grad():
        for _ in range(max(3, args.steps // 2)):
            xt = torch.randn(B, 1, S, S).contiguous(memory_format=fmt)
            t0 = clock()
            model(xt, torch.rand(B, 1), torch.randint(0, 11, (B,)))
            fw.append((clock() - t0) * 1e3)
    med = statistics.median(ts)
    # per-op profile of one step
    prof_rows = []
    with torch.autograd.profiler.profile() as prof:
        step()
    for e in sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)[:12]:
        prof_rows.append([e.key, e.count, round(e.self_cpu_time_total / 1e3, 1)])
    print(json.dumps({
        "torch": torch.__version__, "threads": args.threads, "norm": args.norm, "batch": B, "channels": [c1, c2],
        "params": sum(p.numel() for p in model.parameters()), "clock": args.clock, "channels_last": args.channels_last,
        "stepMs": round(med, 1), "forwardMs": round(statistics.median(fw), 1), "imagesPerSecond": round(B / med * 1000, 1),
        "profile_self_ms": prof_rows,
    }))


if __name__ == "__main__":
    main()
