#!/usr/bin/python3
"""Exports the benchmarks' LeNet-5 to ONNX with PyTorch's exporter, once.

Writes bench/assets/lenet5.onnx (committed: the benchmarks never need Python to run ONNX Runtime).
The net is the one of bench/suites/lenet.mjs and scripts/bench-pytorch.py:
    [N, 1, 28, 28] → conv 6@5×5 pad 2 → ReLU → maxpool 2 → conv 16@5×5 → ReLU → maxpool 2
    → flatten 400 → 120 → ReLU → 84 → ReLU → 10 (logits)
Input "input" [N, 1, 28, 28] float32 (N dynamic), output "logits" [N, 10]. Weights are seeded
random (PyTorch's default initialisation, seed 0): only the speed of inference is measured.
Regenerate with:
    apt-get install python3-torch && /usr/bin/python3 scripts/export-lenet-onnx.py
"""
import pathlib

import torch
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bench/assets/lenet5.onnx"


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


def main():
    torch.manual_seed(0)
    model = lenet5().eval()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        torch.randn(32, 1, 28, 28),
        str(OUT),
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
