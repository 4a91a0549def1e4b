#!/usr/bin/python3
"""Reference values from PyTorch for Myelin's recurrent layers (RNN, LSTM, GRU and their cells).

Writes packages/nn/src/fixtures/torch-rnn.generated.ts (committed: tests never need Python).
Regenerate with:
    apt-get install python3-torch && /usr/bin/python3 scripts/torch-fixtures-rnn.py

Every case builds the PyTorch module, sets its parameters to float32-rounded random values (stored in
the fixture under PyTorch's names), runs it in float64 on float32-rounded inputs, then backward of
Σ output·cotangent (+ the same for the final states) with fixed non-uniform cotangents.
"""
import json
import pathlib

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "packages/nn/src/fixtures/torch-rnn.generated.ts"
gen = torch.Generator().manual_seed(2024)


def rounded(*shape, scale=1.0):
    """Uniform(−scale, scale) values that are exact in float32, as float64."""
    return (torch.rand(*shape, generator=gen, dtype=torch.float64) * 2 - 1).mul(scale).float().double()


def lst(t):
    return t.detach().tolist()


def cotangent(shape, phase):
    n = 1
    for d in shape:
        n *= d
    return torch.arange(n, dtype=torch.float64).mul(0.7).add(phase).cos().reshape(shape).float().double()


KINDS = {"rnnTanh": torch.nn.RNN, "rnnRelu": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def layer_case(kind, layers=1, bidirectional=False, batch_first=False, state=False, bias=True,
               batched=True, lengths=None, proj=0, T=4, B=3, I=3, H=5):
    cls = KINDS[kind]
    extra = {"nonlinearity": "relu" if kind == "rnnRelu" else "tanh"} if kind.startswith("rnn") else {}
    if proj:
        extra["proj_size"] = proj
    module = cls(I, H, num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional,
                 **extra).double()
    params = {}
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(rounded(*p.shape, scale=0.6))
            params[name] = lst(p)
    D = 2 if bidirectional else 1
    x_shape = ((B, T, I) if batch_first else (T, B, I)) if batched else (T, I)
    x = rounded(*x_shape).requires_grad_()
    s_shape = (layers * D, B, H) if batched else (layers * D, H)
    h_shape = s_shape[:-1] + (proj or H,)
    h0 = rounded(*h_shape, scale=0.5).requires_grad_() if state else None
    c0 = rounded(*s_shape, scale=0.5).requires_grad_() if state and kind == "lstm" else None
    hx = None if not state else ((h0, c0) if kind == "lstm" else h0)
    if lengths is None:
        out, hn = module(x, hx)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, hn = module(packed, hx)
        out, _ = pad_packed_sequence(out, batch_first=batch_first)
    h_n, c_n = hn if kind == "lstm" else (hn, None)
    loss = (out * cotangent(out.shape, 0.3)).sum() + (h_n * cotangent(h_n.shape, 1.1)).sum()
    if c_n is not None:
        loss = loss + (c_n * cotangent(c_n.shape, 2.3)).sum()
    loss.backward()
    case = {
        "kind": kind, "numLayers": layers, "bidirectional": bidirectional, "batchFirst": batch_first,
        "bias": bias, "inputSize": I, "hiddenSize": H, "projSize": proj, "lengths": lengths,
        "params": params, "x": lst(x), "xShape": list(x.shape),
        "h0": None if h0 is None else lst(h0), "c0": None if c0 is None else lst(c0),
        "output": lst(out), "outputShape": list(out.shape), "hN": lst(h_n), "hNShape": list(h_n.shape),
        "cN": None if c_n is None else lst(c_n),
        "gradX": lst(x.grad), "gradH0": None if h0 is None else lst(h0.grad),
        "gradC0": None if c0 is None else lst(c0.grad),
        "gradParams": {name: lst(p.grad) for name, p in module.named_parameters()},
    }
    return case


CELLS = {"rnnTanh": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def cell_case(kind, state, bias=True, B=3, I=3, H=5):
    module = CELLS[kind](I, H, bias=bias).double()
    params = {}
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(rounded(*p.shape, scale=0.6))
            params[name] = lst(p)
    x = rounded(B, I).requires_grad_()
    h0 = rounded(B, H, scale=0.5).requires_grad_() if state else None
    c0 = rounded(B, H, scale=0.5).requires_grad_() if state and kind == "lstm" else None
    hx = None if not state else ((h0, c0) if kind == "lstm" else h0)
    result = module(x, hx)
    h, c = result if kind == "lstm" else (result, None)
    loss = (h * cotangent(h.shape, 0.3)).sum()
    if c is not None:
        loss = loss + (c * cotangent(c.shape, 2.3)).sum()
    loss.backward()
    return {
        "kind": kind, "bias": bias, "inputSize": I, "hiddenSize": H, "params": params, "x": lst(x),
        "h0": None if h0 is None else lst(h0), "c0": None if c0 is None else lst(c0),
        "h": lst(h), "c": None if c is None else lst(c), "gradX": lst(x.grad),
        "gradH0": None if h0 is None else lst(h0.grad), "gradC0": None if c0 is None else lst(c0.grad),
        "gradParams": {name: lst(p.grad) for name, p in module.named_parameters()},
    }


layers = {
    "rnnTanh 1 layer": layer_case("rnnTanh"),
    "rnnTanh 2 layers bidirectional batchFirst h0": layer_case("rnnTanh", 2, True, True, True),
    "rnnRelu bidirectional h0 no bias": layer_case("rnnRelu", 1, True, False, True, bias=False),
    "lstm 1 layer": layer_case("lstm"),
    "lstm 1 layer h0": layer_case("lstm", state=True),
    "lstm 2 layers batchFirst h0": layer_case("lstm", 2, False, True, True),
    "lstm bidirectional": layer_case("lstm", 1, True),
    "lstm 2 layers bidirectional h0 no bias": layer_case("lstm", 2, True, False, True, bias=False),
    "lstm unbatched 2 layers bidirectional h0": layer_case("lstm", 2, True, False, True, batched=False),
    "gru 1 layer": layer_case("gru"),
    "gru 1 layer batchFirst h0": layer_case("gru", 1, False, True, True),
    "gru 2 layers bidirectional h0": layer_case("gru", 2, True, False, True),
    "gru bidirectional batchFirst no bias": layer_case("gru", 1, True, True, False, bias=False),
    "gru unbatched h0": layer_case("gru", state=True, batched=False),
    "lstm lengths 2 layers bidirectional h0": layer_case("lstm", 2, True, False, True, lengths=[4, 2, 3]),
    "gru lengths bidirectional batchFirst": layer_case("gru", 1, True, True, False, lengths=[2, 4, 1]),
    "lstm projSize 2 layers bidirectional h0": layer_case("lstm", 2, True, False, True, proj=3),
    "lstm projSize lengths batchFirst": layer_case("lstm", 1, False, True, False, lengths=[1, 4, 3], proj=2),
    "rnnTanh lengths shorter than T": layer_case("rnnTanh", 1, True, False, True, lengths=[3, 1, 2]),
}
cells = {
    "rnnTanh cell": cell_case("rnnTanh", False),
    "rnnTanh cell h0": cell_case("rnnTanh", True),
    "lstm cell": cell_case("lstm", False),
    "lstm cell h0 c0": cell_case("lstm", True),
    "gru cell h0": cell_case("gru", True),
    "gru cell no bias": cell_case("gru", False, bias=False),
}

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(
    f"// Generated by scripts/torch-fixtures-rnn.py with PyTorch {torch.__version__}. Do not edit.\n"
    "// RNN/LSTM/GRU layers and cells: parameters by PyTorch name, inputs, outputs, final states and\n"
    "// every gradient, computed in float64.\n"
    f"export const torchRnnFixtures = {json.dumps({'layers': layers, 'cells': cells})} as const;\n"
)
print(f"wrote {OUT.relative_to(ROOT)}")
