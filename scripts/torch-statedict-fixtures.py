#!/usr/bin/python3
"""State dicts saved by PyTorch, as .safetensors files, for Myelin's interchange tests.

Writes packages/nn/src/fixtures/torch-statedict.generated.ts (committed: tests never need Python):
for each model (an MLP with BatchNorm1d, a small CNN with Conv2d + BatchNorm2d + Linear, a 2-layer
LSTM) the bytes of the safetensors file PyTorch's `safetensors.torch.save_file(model.state_dict())`
would write (base64), an input and the model's output in eval mode, computed in float64 from the
float32 weights. Regenerate with:
    apt-get install python3-torch && /usr/bin/python3 scripts/torch-statedict-fixtures.py

The `safetensors` Python package is not needed: the format is written and read here by hand (8-byte
little-endian header length, JSON header, raw little-endian data). The generator also checks the
other direction: it writes each state dict the way Myelin does (float32 as F32, int32 as I32, so
num_batches_tracked is I32 where PyTorch has int64) and loads it back into a fresh PyTorch model
with `load_state_dict(strict=True)`, which must give the same output.

To load a file Myelin wrote (`saveModule(model)`) into one of these PyTorch architectures:
    /usr/bin/python3 scripts/torch-statedict-fixtures.py --load mlp path/to/model.safetensors
prints the eval-mode output on the fixture's input.
"""
import base64
import json
import pathlib
import struct
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "packages/nn/src/fixtures/torch-statedict.generated.ts"

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}
FROM_DTYPE = {v: k for k, v in DTYPES.items()}


def to_safetensors(tensors, metadata=None):
    """Safetensors bytes of a dict of tensors (as safetensors.torch.save_file writes them)."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()  # little-endian on every host we use
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-(8 + len(text)) % 8)
    return struct.pack("<Q", len(text)) + text.encode() + b"".join(chunks)


def from_safetensors(data):
    """The tensors of safetensors bytes, by name."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    header.pop("__metadata__", None)
    body = data[8 + n :]
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        dtype = FROM_DTYPE[e["dtype"]]
        out[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype).reshape(e["shape"]).clone()
    return out


def myelin_style(state):
    """The state dict as Myelin writes it: float32 stays, int64 buffers become int32."""
    return {k: v.to(torch.int32) if v.dtype == torch.int64 else v for k, v in state.items()}


def mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    )


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 4 * 4, 3),
    )


class LSTMOutput(torch.nn.Module):
    """A 2-layer batch-first LSTM whose forward returns only the output sequence."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 5, num_layers=2, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


MODELS = {"mlp": (mlp, [5, 4]), "cnn": (cnn, [2, 2, 6, 6]), "lstm": (LSTMOutput, [2, 4, 3])}


def trained(name, gen):
    """The model with random weights, BatchNorm running statistics from a few training batches."""
    make, shape = MODELS[name]
    torch.manual_seed(7)
    model = make()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=gen) * 2 - 1)
        model.train()
        for _ in range(3):
            model(torch.randn(shape, generator=gen) * 2 + 0.5)
    # A Myelin model: the state dict keys must not carry the wrapper's name.
    if name == "lstm":
        return model, {k.removeprefix("lstm."): v for k, v in model.state_dict().items()}
    return model.eval(), model.state_dict()


def output(model, x):
    with torch.no_grad():
        return model.double()(x.double()).float()


def fresh(name, state):
    model = MODELS[name][0]()
    if name == "lstm":
        model.lstm.load_state_dict(state, strict=True)
    else:
        model.load_state_dict(state, strict=True)
    return model.eval()


def load_myelin_file(name, path):
    fixture = json.loads(OUT.read_text().split("= ", 1)[1].rstrip().rstrip(";").removesuffix(" as const"))
    x = torch.tensor(fixture[name]["input"]["data"]).reshape(fixture[name]["input"]["shape"])
    model = fresh(name, from_safetensors(pathlib.Path(path).read_bytes()))
    print(output(model, x).flatten().tolist())


def main():
    gen = torch.Generator().manual_seed(2026)
    fixtures = {}
    for name, (_, shape) in MODELS.items():
        model, state = trained(name, gen)
        x = (torch.rand(shape, generator=gen) * 4 - 2).float()
        y = output(model, x)
        data = to_safetensors(state)
        assert all(torch.equal(a, state[k]) for k, a in from_safetensors(data).items())
        # Myelin's files (num_batches_tracked as I32) load strictly into PyTorch, same output.
        again = fresh(name, from_safetensors(to_safetensors(myelin_style(state))))
        assert torch.allclose(output(again, x), y, atol=1e-6), name
        assert all(v.dtype == torch.int64 for k, v in again.state_dict().items() if "num_batches" in k)
        fixtures[name] = {
            "file": base64.b64encode(data).decode(),
            "keys": list(state.keys()),
            "input": {"shape": list(shape), "data": x.flatten().tolist()},
            "output": {"shape": list(y.shape), "data": y.flatten().tolist()},
        }
    OUT.write_text(
        f"// Generated by scripts/torch-statedict-fixtures.py with PyTorch {torch.__version__}. Do not edit.\n"
        "// State dicts saved by PyTorch as safetensors bytes (base64), with an input and the eval-mode\n"
        "// output computed in float64 from the float32 weights.\n"
        f"export const torchStateDictFixtures = {json.dumps(fixtures)} as const;\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--load":
        load_myelin_file(sys.argv[2], sys.argv[3])
    else:
        main()
