"""PyTorch references for `bench/sampling.ts` and `bench/checkerboard.ts`.

The same network as `timeConditionedMlp` (x ++ [t, sin(2π f_k t), cos(2π f_k t)], f_k geometric from 1/2 to
f_max, `layers` SiLU layers of width `hidden`, linear output; Xavier-uniform weights, zero biases), the
same one-sided linear interpolant objective, Adam with linear decay, and Heun / RK4 sampling.

  python3 torch_recipes.py sampling --threads 1 --n 10000 --steps 100
  python3 torch_recipes.py checkerboard --threads 2 --steps 2000 --batch 512 --out samples.json
  python3 torch_recipes.py step-timing --threads 1 --blocks 5 --block 50

Prints one JSON object as the last stdout line.
"""
import argparse
import json
import math
import os
import sys
import time

# glibc reads these when the process starts: PyTorch on this VM is only stable with mmap/trim effectively
# off (see issue 14), so re-execute once with them set when the caller did not.
_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "4294967296"}
if any(os.environ.get(k) != v for k, v in _MALLOC.items()):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **_MALLOC})


import torch


class TimeMlp(torch.nn.Module):
    def __init__(self, dim=2, hidden=128, layers=3, frequencies=8, max_frequency=32.0):
        super().__init__()
        f = [0.5 * (2 * max_frequency) ** (k / (frequencies - 1)) for k in range(frequencies)]
        self.register_buffer("omega", torch.tensor([2 * math.pi * v for v in f]).reshape(1, -1))
        width = dim + 1 + 2 * frequencies
        mods = []
        for _ in range(layers):
            lin = torch.nn.Linear(width, hidden)
            torch.nn.init.xavier_uniform_(lin.weight)
            torch.nn.init.zeros_(lin.bias)
            mods += [lin, torch.nn.SiLU()]
            width = hidden
        out = torch.nn.Linear(width, dim)
        torch.nn.init.xavier_uniform_(out.weight)
        torch.nn.init.zeros_(out.bias)
        mods.append(out)
        self.net = torch.nn.Sequential(*mods)

    def forward(self, x, t):
        t = t.reshape(-1, 1)
        a = t * self.omega
        return self.net(torch.cat([x, t, torch.sin(a), torch.cos(a)], dim=1))


def checkerboard(n, gen):
    x1 = torch.rand(n, generator=gen) * 4 - 2
    x2 = torch.rand(n, generator=gen) - torch.randint(0, 2, (n,), generator=gen).float() * 2 + torch.remainder(torch.floor(x1), 2)
    return torch.stack([x1, x2], dim=1) * 2


def integrate(model, x, steps, scheme):
    h = 1.0 / steps
    n = x.shape[0]
    with torch.no_grad():
        for k in range(steps):
            t = torch.full((n,), k * h)
            if scheme == "heun":
                k1 = model(x, t)
                k2 = model(x + h * k1, t + h)
                x = x + 0.5 * h * (k1 + k2)
            else:  # rk4
                k1 = model(x, t)
                k2 = model(x + 0.5 * h * k1, t + 0.5 * h)
                k3 = model(x + 0.5 * h * k2, t + 0.5 * h)
                k4 = model(x + h * k3, t + h)
                x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def sampling(args):
    torch.manual_seed(0)
    model = TimeMlp(hidden=args.hidden, layers=args.layers)
    x0 = torch.randn(args.n, 2)
    integrate(model, x0[:256], 2, "rk4")  # warm-up
    times = []
    cpu_times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        c0 = time.process_time()
        integrate(model, x0, args.steps, "rk4")
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    times.sort()
    cpu_times.sort()
    total = times[len(times) // 2]
    cpu_total = cpu_times[len(cpu_times) // 2]
    nfe = 4 * args.steps
    scale = 1000 / nfe / (args.n / 1000)
    return {"seconds": total, "nfe": nfe, "ms_per_nfe_per_1000": total * scale, "cpu_ms_per_nfe_per_1000": cpu_total * scale, "samples": times}


def train_checkerboard(args):
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    model = TimeMlp(hidden=args.hidden, layers=args.layers)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1 - k / args.steps)
    t0 = time.perf_counter()
    c0 = time.process_time()
    losses = []
    for step in range(args.steps):
        x1 = checkerboard(args.batch, gen)
        z = torch.randn(args.batch, 2, generator=gen)
        t = torch.rand(args.batch, generator=gen)
        xt = (1 - t[:, None]) * z + t[:, None] * x1
        target = x1 - z
        pred = model(xt, t)
        loss = (0.5 * pred.pow(2) - target * pred).sum(dim=1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 500 == 0:
            losses.append(float(loss))
    seconds_per_step = (time.perf_counter() - t0) / args.steps
    # CPU time of the process (all threads): on a loaded machine the steadier measure; on one thread it
    # is the step's own work.
    cpu_seconds_per_step = (time.process_time() - c0) / args.steps
    x0 = torch.randn(args.n, 2, generator=gen)
    samples = integrate(model, x0, 50, "heun")
    with open(args.out, "w") as f:
        json.dump(samples.tolist(), f)
    return {"secondsPerStep": seconds_per_step, "cpuSecondsPerStep": cpu_seconds_per_step, "losses": losses, "out": args.out}


def step_timing(args):
    """Seconds per training step of the checkerboard recipe, wall and CPU, after `warmup` steps, over
    `blocks` blocks of `block` steps (medians), without sampling; the floor is the step's products alone."""
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    model = TimeMlp(hidden=args.hidden, layers=args.layers)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    def step():
        x1 = checkerboard(args.batch, gen)
        z = torch.randn(args.batch, 2, generator=gen)
        t = torch.rand(args.batch, generator=gen)
        xt = (1 - t[:, None]) * z + t[:, None] * x1
        target = x1 - z
        pred = model(xt, t)
        loss = (0.5 * pred.pow(2) - target * pred).sum(dim=1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    wall, cpu = [], []
    for _ in range(args.blocks):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.block):
            step()
        wall.append((time.perf_counter() - t0) / args.block)
        cpu.append((time.process_time() - c0) / args.block)
    wall.sort()
    cpu.sort()
    return {"wallSecondsPerStep": wall[len(wall) // 2], "cpuSecondsPerStep": cpu[len(cpu) // 2], "wall": wall, "cpu": cpu}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("task", choices=["sampling", "checkerboard", "step-timing"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="torch-samples.json")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--blocks", type=int, default=5)
    p.add_argument("--block", type=int, default=50)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    result = sampling(args) if args.task == "sampling" else step_timing(args) if args.task == "step-timing" else train_checkerboard(args)
    result.update({"torch": torch.__version__, "threads": args.threads})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
