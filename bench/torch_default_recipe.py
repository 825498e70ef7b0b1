"""The checkerboard recipe of `si train` written as plainly as a PyTorch user writes it.

A ReLU MLP on the concatenation (x, t) (3 hidden layers of 128, PyTorch's default initialisation), the
one-sided linear interpolant x_t = (1 - t) z + t x1 with the velocity objective b (target x1 - z),
Adam with a linear decay of the learning rate to 0 over the steps, batch 512; sampled with Heun
(50 steps = 100 NFE) from n standard normal points. Used by `bench/default-recipe-sweep.ts`.

  python3 torch_default_recipe.py --seed 0 --steps 2000 --batch 512 --lr 2e-3 --n 20000 --out samples.json

Writes the samples (a JSON list of [x1, x2]) to --out and prints one JSON object as the last stdout line.
"""
import argparse
import json
import time

import torch


def checkerboard(n, gen):
    x1 = torch.rand(n, generator=gen) * 4 - 2
    x2 = torch.rand(n, generator=gen) - torch.randint(0, 2, (n,), generator=gen).float() * 2 + torch.remainder(torch.floor(x1), 2)
    return torch.stack([x1, x2], dim=1) * 2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    h = args.hidden
    model = torch.nn.Sequential(
        torch.nn.Linear(3, h), torch.nn.ReLU(),
        torch.nn.Linear(h, h), torch.nn.ReLU(),
        torch.nn.Linear(h, h), torch.nn.ReLU(),
        torch.nn.Linear(h, 2),
    )
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1 - k / args.steps)

    def velocity(x, t):
        return model(torch.cat([x, t.reshape(-1, 1)], dim=1))

    t0 = time.perf_counter()
    for _ in range(args.steps):
        x1 = checkerboard(args.batch, gen)
        z = torch.randn(args.batch, 2, generator=gen)
        t = torch.rand(args.batch, generator=gen)
        xt = (1 - t[:, None]) * z + t[:, None] * x1
        loss = ((velocity(xt, t) - (x1 - z)) ** 2).sum(dim=1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    seconds = time.perf_counter() - t0

    steps = 50
    dt = 1.0 / steps
    x = torch.randn(args.n, 2, generator=gen)
    with torch.no_grad():
        for k in range(steps):
            t = torch.full((args.n,), k * dt)
            k1 = velocity(x, t)
            k2 = velocity(x + dt * k1, t + dt)
            x = x + 0.5 * dt * (k1 + k2)
    with open(args.out, "w") as f:
        json.dump(x.tolist(), f)
    print(json.dumps({"torch": torch.__version__, "secondsPerStep": seconds / args.steps, "finalLoss": float(loss), "out": args.out}))


if __name__ == "__main__":
    main()
