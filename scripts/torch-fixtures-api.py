#!/usr/bin/python3
"""PyTorch reference values for the Tensor API of issue 16 item 7 (select, sort, topk, cumsum, cumprod,
split, repeat, flip, roll, diag, tril, lerp, clamp with tensor bounds, norm, einsum, any/all, nonzero,
unique).

Writes packages/tensor/src/fixtures/torch-api.generated.ts (committed: tests never need Python).
Regenerate with:
    apt-get install python3-torch && /usr/bin/python3 scripts/torch-fixtures-api.py
"""
import json
import pathlib

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Inputs avoid ties (sort, topk), so the gradient routing is unique.
INPUTS = {
    "a": [[0.3, -1.2, 2.0, 0.7], [1.5, 0.45, -0.4, -2.1], [-0.8, 0.1, 0.9, 1.3]],
    "b": [[1.1, 0.2, -0.6, 0.9], [-0.3, 1.7, 0.8, -1.4], [0.5, -0.9, 1.2, 0.4]],
    "w": [[0.1, 0.9, 0.5, 0.3], [0.7, 0.2, 0.6, 0.8], [0.4, 0.5, 0.05, 0.95]],
    "lo": [-0.5, -1.0, 0.2, 0.0],
    "hi": [[0.5], [0.3], [1.0]],
    "batch": torch.arange(24, dtype=torch.float32).reshape(2, 3, 4).mul(0.7).sin().tolist(),
    "m45": torch.arange(20, dtype=torch.float32).reshape(4, 5).mul(1.3).cos().tolist(),
    "b45": torch.arange(40, dtype=torch.float32).reshape(2, 4, 5).mul(0.9).cos().tolist(),
    "sq": [[2.0, 0.5, -1.0], [0.3, 1.5, 0.2], [-0.4, 0.6, 3.0]],
    "v3": [0.2, -0.7, 1.4],
    "v4": [0.5, -1.5, 0.25, 1.1],
    "withZero": [[0.5, -1.2, 0.0, 2.0, 0.7], [1.3, 0.0, 0.8, 0.0, -0.6]],
    "noZero": [[0.5, -1.2, 0.9, 2.0, 0.7], [1.3, -0.4, 0.8, 1.1, -0.6]],
}
MASK = [[1, 0, 0, 1], [0, 1, 0, 0], [1, 1, 0, 1]]


def lst(t):
    return t.detach().tolist()


def case(fn, *names):
    """Computed in float64 from the float32-rounded inputs; backward of Σ out·cotangent (non-uniform)."""
    xs = [torch.tensor(INPUTS[n], dtype=torch.float32).double().requires_grad_() for n in names]
    out = fn(*xs)
    cot = torch.arange(out.numel(), dtype=torch.float32).mul(0.9).add(0.3).cos().double().reshape(out.shape)
    (out * cot).sum().backward()
    return {"inputs": list(names), "output": lst(out), "shape": list(out.shape), "cotangent": lst(cot.flatten()),
            "grads": [lst(x.grad) for x in xs]}


mask = torch.tensor(MASK, dtype=torch.bool)
cases = {
    "t": case(lambda a: a.t(), "a"),
    "select dim 1 index -1": case(lambda a: a.select(1, -1), "a"),
    "select dim 0 of batch": case(lambda b: b.select(0, 1), "batch"),
    "maskedFill": case(lambda a: a.masked_fill(mask, -3.5), "a"),
    "topk 2 dim 1 values": case(lambda a: a.topk(2, dim=1).values, "a"),
    "topk 2 smallest dim 0 values": case(lambda a: a.topk(2, dim=0, largest=False).values, "a"),
    "sort dim 1 values": case(lambda a: a.sort(dim=1).values, "a"),
    "sort descending dim 0 values": case(lambda a: a.sort(dim=0, descending=True).values, "a"),
    "cumsum dim 1": case(lambda a: a.cumsum(1), "a"),
    "cumsum dim 0 of batch": case(lambda b: b.cumsum(0), "batch"),
    "cumprod dim 1": case(lambda x: x.cumprod(1), "noZero"),
    "cumprod dim 1 with zeros": case(lambda x: x.cumprod(1), "withZero"),
    "cumprod dim 0 with zeros": case(lambda x: x.cumprod(0), "withZero"),
    "split sizes [1, 3] dim 1, second": case(lambda a: a.split([1, 3], 1)[1], "a"),
    "chunk 2 dim 0, first": case(lambda a: a.chunk(2, 0)[0], "a"),
    "repeat 2,1,2": case(lambda a: a.repeat(2, 1, 2), "a"),
    "tile [2]": case(lambda a: a.tile((2,)), "a"),
    "flip [0, 1]": case(lambda a: a.flip([0, 1]), "a"),
    "roll 1 dim 1": case(lambda a: a.roll(1, 1), "a"),
    "roll [-1, 2] dims [0, 1]": case(lambda a: a.roll((-1, 2), (0, 1)), "a"),
    "roll flattened 5": case(lambda a: a.roll(5), "a"),
    "outer": case(torch.outer, "v3", "v4"),
    "diag vector": case(lambda v: v.diag(), "v3"),
    "diag vector offset 1": case(lambda v: v.diag(1), "v3"),
    "diag vector offset -2": case(lambda v: v.diag(-2), "v3"),
    "diag matrix offset 1": case(lambda a: a.diag(1), "a"),
    "diag matrix offset -1": case(lambda a: a.diag(-1), "a"),
    "tril": case(lambda a: a.tril(), "a"),
    "tril -1 batch": case(lambda b: b.tril(-1), "batch"),
    "triu 1": case(lambda a: a.triu(1), "a"),
    "lerp tensor weight": case(torch.lerp, "a", "b", "w"),
    "lerp scalar weight": case(lambda a, b: torch.lerp(a, b, 0.3), "a", "b"),
    "clamp tensor bounds": case(lambda a, lo, hi: torch.clamp(a, lo, hi), "a", "lo", "hi"),
    "norm": case(lambda a: a.norm(), "a"),
    "norm p 1 dim 1 keepDim": case(lambda a: a.norm(1, 1, keepdim=True), "a"),
    "norm p 3 dim 0": case(lambda a: a.norm(3, 0), "a"),
    "einsum ij,jk->ik": case(lambda a, m: torch.einsum("ij,jk->ik", a, m), "a", "m45"),
    "einsum bij,bjk->bik": case(lambda b, m: torch.einsum("bij,bjk->bik", b, m), "batch", "b45"),
    "einsum ij->ji": case(lambda a: torch.einsum("ij->ji", a), "a"),
    "einsum ii (trace)": case(lambda s: torch.einsum("ii", s), "sq"),
    "einsum ii->i (diagonal)": case(lambda s: torch.einsum("ii->i", s), "sq"),
    "einsum i,j->ij (outer)": case(lambda u, v: torch.einsum("i,j->ij", u, v), "v3", "v4"),
    "einsum bij->j (sum)": case(lambda b: torch.einsum("bij->j", b), "batch"),
    "einsum ij,ij->i (row dots)": case(lambda a, b: torch.einsum("ij,ij->i", a, b), "a", "b"),
    "einsum implicit ij,jk": case(lambda a, m: torch.einsum("ij,jk", a, m), "a", "m45"),
    "einsum i,ij,j-> (bilinear)": case(lambda u, a, v: torch.einsum("i,ij,j->", u, a, v), "v3", "a", "v4"),
    "einsum bij,bkj->bik": case(lambda b, c: torch.einsum("bij,bkj->bik", b, c), "batch", "batch"),
}

# Outputs without a gradient (indices, logical reductions, unique, nonzero).
f = lambda name: torch.tensor(INPUTS[name], dtype=torch.float32)
ties = torch.tensor([[2.0, 1.0, 2.0, 0.0, 1.0], [0.0, 0.0, -1.0, 0.0, 3.0]])
values = {
    "topk 2 dim 1 indices": lst(f("a").topk(2, dim=1).indices),
    "topk 2 smallest dim 0 indices": lst(f("a").topk(2, dim=0, largest=False).indices),
    "sort dim 1 indices": lst(f("a").sort(dim=1).indices),
    "sort descending dim 0 indices": lst(f("a").sort(dim=0, descending=True).indices),
    "argsort stable ties": lst(ties.sort(dim=1, stable=True).indices),
    "argsort stable descending ties": lst(ties.sort(dim=1, descending=True, stable=True).indices),
    "any dim 1": lst(ties.any(1).float()),
    "all dim 0": lst(f("withZero").all(0).float()),
    "any all": lst(torch.zeros(3).any().float()),
    "nonzero": lst(f("withZero").nonzero()),
    "unique values": lst(ties.unique()),
    "unique counts": lst(ties.unique(return_counts=True)[1]),
    "unique inverse": lst(ties.unique(return_inverse=True)[1]),
}

body = json.dumps({"inputs": INPUTS, "mask": MASK, "ties": lst(ties), "cases": cases, "values": values}, indent=1)
path = ROOT / "packages/tensor/src/fixtures/torch-api.generated.ts"
path.write_text(
    f"// Generated by scripts/torch-fixtures-api.py with PyTorch {torch.__version__}. Do not edit.\n"
    "// Tensor API of issue 16 item 7: outputs and the gradients of Σ output·cotangent for every input;\n"
    "// `values` holds outputs without a gradient (indices, any/all, nonzero, unique).\n"
    f"export const torchApiFixtures = {body} as const;\n"
)
print("wrote", path)
