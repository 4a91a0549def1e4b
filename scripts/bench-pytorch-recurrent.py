#!/usr/bin/python3
"""PyTorch's side of the recurrent benchmarks (bench/suites/recurrent.mjs), on one thread.

Prints one JSON line: {"torch": version, "lstm": steps/s, "charlm": steps/s}:
- lstm: LSTM(28 → 128) over 28 steps at batch 64 (batch first), the last step's h → Linear(128 → 10),
  cross-entropy, backward, Adam step;
- charlm: Embedding(V = 64 → 64) → 2-layer LSTM(64 → 256) over 64 steps at batch 32 → Linear(256 → V)
  at every step, cross-entropy, backward, Adam step.
Each number is the median of timed batches after a warm-up. By hand:
    /usr/bin/python3 scripts/bench-pytorch-recurrent.py [--seconds 0.3] [--batches 5]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn


def seconds_per_call(fn, min_seconds, batches):
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


def lstm_step():
    lstm = nn.LSTM(28, 128, batch_first=True)
    head = nn.Linear(128, 10)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.randn(64, 28, 28)
    y = torch.randint(0, 10, (64,))

    def step():
        out, _ = lstm(x)
        loss = F.cross_entropy(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def charlm_step():
    vocab = 64
    embed = nn.Embedding(vocab, 64)
    lstm = nn.LSTM(64, 256, num_layers=2, batch_first=True)
    head = nn.Linear(256, vocab)
    params = list(embed.parameters()) + list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    ids = torch.randint(0, vocab, (32, 65))

    def step():
        out, _ = lstm(embed(ids[:, :-1]))
        loss = F.cross_entropy(head(out).reshape(-1, vocab), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    result = {"torch": torch.__version__}
    for name, make in (("lstm", lstm_step), ("charlm", charlm_step)):
        result[name] = 1 / seconds_per_call(make(), args.seconds, args.batches)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
