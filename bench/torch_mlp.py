"""The MLP training step of bench/mlp-train.ts in PyTorch, for a side-by-side reference.

3 -> H -> H -> H -> 2 with ReLU, MSE loss (mean), Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7), one full
batch per step. Prints one JSON object on stdout:
  {"torch": "<version>", "results": [{"threads", "hidden", "batch", "ms_per_step", "samples"}, ...]}

Usage: python3 bench/torch_mlp.py --threads 1,2 --configs 128x512,256x1024 [--quick]
"""
import argparse
import json
import os
import re
import statistics
import time

import torch


def build(hidden, batch, input_dim=3, output_dim=2, hidden_layers=3):
    torch.manual_seed(0)
    dims = [input_dim] + [hidden] * hidden_layers + [output_dim]
    layers = []
    for i in range(len(dims) - 1):
        linear = torch.nn.Linear(dims[i], dims[i + 1])
        torch.nn.init.normal_(linear.weight, 0.0, (2.0 / dims[i]) ** 0.5)
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(dims) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    x = torch.randn(batch, input_dim)
    y = torch.randn(batch, output_dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def measure(step, warmup, repeats, inner):
    for _ in range(warmup):
        step().item()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        loss = None
        for _ in range(inner):
            loss = step()
        loss.item()  # read back once per block, like dataSync in the tfjs benchmark
        samples.append((time.perf_counter() - t0) * 1000.0 / inner)
    return statistics.median(samples), samples


def blas_info():
    """BLAS_INFO of the build; for a 'generic' build, the system libblas it resolves to."""
    match = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    info = match.group(1) if match else "unknown"
    if info == "generic":
        for lib in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
            if os.path.exists(lib):
                info += " -> " + os.path.realpath(lib)
                break
    return info


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--configs", default="128x512,128x1024,256x512,256x1024")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        for config in args.configs.split(","):
            hidden, batch = (int(v) for v in config.split("x"))
            step = build(hidden, batch)
            ms, samples = measure(step, warmup=2 if args.quick else 5, repeats=3 if args.quick else 7,
                                  inner=5 if args.quick else 20)
            results.append({"threads": threads, "hidden": hidden, "batch": batch,
                            "ms_per_step": ms, "samples": samples})
    print(json.dumps({"torch": torch.__version__, "blas": blas_info(), "results": results}))


if __name__ == "__main__":
    main()
