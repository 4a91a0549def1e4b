#!/usr/bin/python3
"""PyTorch's side of the LeNet-5 benchmarks (bench/suites/lenet.mjs), on one thread.

Prints one JSON line: {"torch": version, "train": steps/s, "infer": batches/s}, where a training
step is forward + cross-entropy + backward + SGD (momentum 0.9) at batch 32, and inference is the
forward pass at batch 32 under no_grad. Each number is the median of timed batches after a warm-up,
as in bench/lib/timing.mjs. bench/run.mjs runs it once per round, alternating with the other
contenders. By hand:
    /usr/bin/python3 scripts/bench-pytorch.py [--seconds 0.15] [--batches 5]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

BATCH = 32


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def seconds_per_call(fn, min_seconds, batches):
    """Warms up, doubles the repetitions until a batch takes min_seconds / 4, returns the median batch's time per call."""
    fn()
    reps = 1
    while True:
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        if time.perf_counter() - start >= min_seconds / 4:
            break
        reps *= 2
    per_call = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        per_call.append((time.perf_counter() - start) / reps)
    return statistics.median(per_call)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=0.15)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = lenet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            model(x)

    train = seconds_per_call(train_step, args.seconds, args.batches)
    model.eval()
    forward = seconds_per_call(infer, args.seconds, args.batches)
    print(json.dumps({"torch": torch.__version__, "train": 1 / train, "infer": 1 / forward}))


if __name__ == "__main__":
    main()
