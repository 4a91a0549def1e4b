#!/usr/bin/python3
"""Reference values from PyTorch for Myelin's convolution, pooling, batch-norm, pad and interpolate ops.

Writes packages/tensor/src/fixtures/torch-conv.generated.ts and, for the direct convolution kernels,
torch-conv-direct.generated.ts beside it (committed: tests never need Python).
Regenerate with:
    apt-get install python3-torch && /usr/bin/python3 scripts/torch-fixtures-conv.py

Every case runs a function on inputs of given shapes (deterministic, tie-free values rounded to
float32, then computed in float64), then backward of Σ output·cotangent with a fixed non-uniform
cotangent, and records the output and the gradient of every input. The test file
(packages/tensor/src/conv.test.ts) holds the same functions in Myelin's API, keyed by case name.
"""
import json
import math
import pathlib

import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "packages/tensor/src/fixtures/torch-conv.generated.ts"


def values(shape, seed):
    """Distinct values in about [-1.5, 1.5], rounded to float32 (no ties, so max pooling is unambiguous)."""
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    v = torch.sin(i * 0.7310 + seed * 1.37) * 1.3 + torch.cos(i * 0.117 + seed) * 0.2 + i * 1e-4
    return v.float().double().reshape(shape)


def positive(shape, seed):
    return values(shape, seed).abs().add(0.25).float().double()


def flat(t):
    """Nine significant digits: far below float32's error, and a third of the file."""
    return [float(f"{v:.9g}") for v in t.detach().flatten().tolist()]


def case(fn, *shapes, positive_inputs=(), grads=None):
    """shapes: one per input; positive_inputs: indices of inputs drawn positive (variances)."""
    xs = []
    for k, shape in enumerate(shapes):
        x = (positive if k in positive_inputs else values)(shape, k + 1)
        wants = grads is None or k in grads
        xs.append(x.clone().requires_grad_(wants))
    outs = fn(*xs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    out = outs[0]
    cot = torch.arange(out.numel(), dtype=torch.float32).mul(0.9).add(0.3).cos().double().reshape(out.shape)
    (out * cot).sum().backward()
    record = {
        "inputs": [{"shape": list(s), "data": flat(x)} for s, x in zip(shapes, xs)],
        "output": flat(out),
        "shape": list(out.shape),
        "cotangent": flat(cot),
        "grads": [flat(x.grad) if x.grad is not None else None for x in xs],
    }
    if len(outs) > 1:
        record["indices"] = [int(v) for v in outs[1].flatten().tolist()]
    return record


def batch_norm_case(shape, training, affine, momentum=0.1, eps=1e-5):
    """Inputs: x, running mean, running var, (weight, bias); also records the updated running stats."""
    c = shape[1]
    x = values(shape, 1).requires_grad_()
    rm = values([c], 2) * 0.5
    rv = positive([c], 3)
    rm0, rv0 = rm.clone(), rv.clone()
    w = positive([c], 4).requires_grad_() if affine else None
    b = values([c], 5).requires_grad_() if affine else None
    out = F.batch_norm(x, rm, rv, w, b, training=training, momentum=momentum, eps=eps)
    cot = torch.arange(out.numel(), dtype=torch.float32).mul(0.9).add(0.3).cos().double().reshape(out.shape)
    (out * cot).sum().backward()
    tensors = [x, rm0, rv0] + ([w, b] if affine else [])
    return {
        "inputs": [{"shape": list(t.shape), "data": flat(t)} for t in tensors],
        "output": flat(out),
        "shape": list(out.shape),
        "cotangent": flat(cot),
        "grads": [flat(x.grad), None, None] + ([flat(w.grad), flat(b.grad)] if affine else []),
        "runningMean": flat(rm),
        "runningVar": flat(rv),
    }


conv = {
    "basic bias": case(lambda x, w, b: F.conv2d(x, w, b), [2, 3, 7, 6], [4, 3, 3, 3], [4]),
    "stride 2 padding 1": case(lambda x, w: F.conv2d(x, w, stride=2, padding=1), [2, 3, 7, 6], [4, 3, 3, 2]),
    "stride (2,1) padding (0,2)": case(
        lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(0, 2)), [1, 2, 6, 5], [3, 2, 2, 3], [3]),
    "dilation 2 padding (2,1)": case(
        lambda x, w: F.conv2d(x, w, padding=(2, 1), dilation=2), [1, 2, 9, 8], [3, 2, 3, 3]),
    "groups 2 bias": case(lambda x, w, b: F.conv2d(x, w, b, groups=2), [2, 4, 6, 5], [6, 2, 3, 3], [6]),
    "depthwise stride 2 padding 1": case(
        lambda x, w: F.conv2d(x, w, stride=2, padding=1, groups=3), [2, 3, 6, 6], [3, 1, 3, 3]),
    "depthwise multiplier 2": case(
        lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=3), [1, 3, 5, 4], [6, 1, 3, 3], [6]),
    "pointwise 1x1 bias": case(lambda x, w, b: F.conv2d(x, w, b), [2, 4, 5, 5], [3, 4, 1, 1], [3]),
    "pointwise 1x1 groups 2": case(lambda x, w: F.conv2d(x, w, groups=2), [2, 4, 3, 3], [6, 2, 1, 1]),
    "1x1 stride 2": case(lambda x, w: F.conv2d(x, w, stride=2), [1, 3, 5, 5], [2, 3, 1, 1]),
    "same even kernel": case(lambda x, w, b: F.conv2d(x, w, b, padding="same"), [1, 2, 6, 7], [3, 2, 4, 3], [3]),
    "same dilation 2": case(lambda x, w: F.conv2d(x, w, padding="same", dilation=2), [2, 2, 5, 6], [2, 2, 3, 3]),
    "valid": case(lambda x, w: F.conv2d(x, w, padding="valid"), [1, 2, 5, 6], [2, 2, 2, 3]),
    "unbatched bias": case(lambda x, w, b: F.conv2d(x, w, b), [3, 5, 5], [2, 3, 3, 3], [2]),
    "conv1d stride 2 padding 1 bias": case(
        lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [2, 3, 10], [4, 3, 3], [4]),
    "conv1d unbatched same dilation 2": case(
        lambda x, w: F.conv1d(x, w, padding="same", dilation=2), [3, 9], [2, 3, 4]),
    "conv1d depthwise": case(lambda x, w: F.conv1d(x, w, groups=3), [2, 3, 8], [3, 1, 3]),
    "convTranspose2d stride 2 padding 1 outputPadding 1 bias": case(
        lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
        [2, 4, 5, 5], [4, 3, 3, 3], [3]),
    "convTranspose2d groups 2 dilation (1,2)": case(
        lambda x, w: F.conv_transpose2d(x, w, stride=(2, 1), groups=2, dilation=(1, 2)), [1, 4, 4, 3], [4, 2, 2, 3]),
    "convTranspose2d unbatched": case(lambda x, w: F.conv_transpose2d(x, w), [3, 4, 4], [3, 2, 3, 3]),
    "convTranspose2d outputPadding beyond stride": case(
        lambda x, w: F.conv_transpose2d(x, w, dilation=2, output_padding=1), [1, 2, 4, 4], [2, 3, 3, 3]),
    "convTranspose2d 1x1": case(lambda x, w: F.conv_transpose2d(x, w), [2, 3, 3, 4], [3, 2, 1, 1]),
}

pool = {
    "maxPool2d kernel 2": case(lambda x: F.max_pool2d(x, 2, return_indices=True), [2, 3, 7, 6]),
    "maxPool2d kernel 3 stride 2 padding 1": case(
        lambda x: F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True), [2, 2, 7, 8]),
    "maxPool2d ceilMode": case(
        lambda x: F.max_pool2d(x, 3, stride=2, ceil_mode=True, return_indices=True), [1, 2, 8, 9]),
    "maxPool2d dilation 2": case(
        lambda x: F.max_pool2d(x, 2, stride=1, dilation=2, return_indices=True), [1, 2, 7, 7]),
    "maxPool2d kernel (3,2) stride (2,1) padding (1,0)": case(
        lambda x: F.max_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 0), return_indices=True), [1, 2, 7, 5]),
    "maxPool2d unbatched": case(lambda x: F.max_pool2d(x, 2, return_indices=True), [2, 5, 5]),
    "maxPool1d kernel 3 stride 2 padding 1 ceilMode": case(
        lambda x: F.max_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True), [2, 3, 10]),
    "maxPool1d unbatched": case(lambda x: F.max_pool1d(x, 2, return_indices=True), [3, 8]),
    "avgPool2d kernel 2": case(lambda x: F.avg_pool2d(x, 2), [2, 3, 7, 6]),
    "avgPool2d kernel 3 stride 2 padding 1": case(lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [1, 2, 7, 8]),
    "avgPool2d countIncludePad false ceilMode": case(
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [1, 2, 8, 7]),
    "avgPool2d divisorOverride 5": case(
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, divisor_override=5), [1, 2, 6, 6]),
    "avgPool2d unbatched kernel (2,3)": case(lambda x: F.avg_pool2d(x, (2, 3)), [2, 5, 7]),
    "avgPool1d countIncludePad false": case(
        lambda x: F.avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False), [2, 3, 9]),
    "avgPool1d ceilMode unbatched": case(lambda x: F.avg_pool1d(x, 2, ceil_mode=True), [3, 7]),
    "adaptiveAvgPool2d (3,4)": case(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), [2, 3, 7, 6]),
    "adaptiveAvgPool2d 1": case(lambda x: F.adaptive_avg_pool2d(x, 1), [2, 3, 5, 5]),
    "adaptiveAvgPool2d (3,null) unbatched": case(lambda x: F.adaptive_avg_pool2d(x, (3, None)), [2, 5, 7]),
    "adaptiveMaxPool2d (3,4)": case(lambda x: F.adaptive_max_pool2d(x, (3, 4), return_indices=True), [2, 3, 7, 6]),
    "adaptiveMaxPool2d 2": case(lambda x: F.adaptive_max_pool2d(x, 2, return_indices=True), [1, 2, 5, 5]),
    "adaptiveMaxPool2d unbatched 3": case(lambda x: F.adaptive_max_pool2d(x, 3, return_indices=True), [2, 4, 8]),
}

norm = {
    "batchNorm training NCHW affine": batch_norm_case([4, 3, 5, 5], True, True),
    "batchNorm training 2-D": batch_norm_case([6, 4], True, False),
    "batchNorm training 3-D momentum 0.3": batch_norm_case([3, 2, 7], True, True, momentum=0.3),
    "batchNorm training 5-D eps 1e-3": batch_norm_case([2, 2, 3, 2, 3], True, True, eps=1e-3),
    "batchNorm eval NCHW affine": batch_norm_case([4, 3, 5, 5], False, True),
    "batchNorm eval 2-D": batch_norm_case([5, 3], False, False),
}

resample = {
    "pad constant [1,2] value 0.5": case(lambda x: F.pad(x, [1, 2], value=0.5), [2, 3, 4]),
    "pad constant [1,0,2,1]": case(lambda x: F.pad(x, [1, 0, 2, 1]), [1, 2, 3, 4]),
    "pad constant negative [-1,2,0,-1]": case(lambda x: F.pad(x, [-1, 2, 0, -1]), [2, 4, 5]),
    "pad constant all dims": case(lambda x: F.pad(x, [1, 1, 0, 2]), [3, 2]),
    "pad reflect [2,1]": case(lambda x: F.pad(x, [2, 1], mode="reflect"), [2, 3, 5]),
    "pad reflect [1,2,2,0]": case(lambda x: F.pad(x, [1, 2, 2, 0], mode="reflect"), [1, 2, 4, 5]),
    "pad reflect 3 dims": case(lambda x: F.pad(x, [1, 1, 2, 0, 1, 2], mode="reflect"), [1, 1, 3, 4, 5]),
    "pad replicate [2,3]": case(lambda x: F.pad(x, [2, 3], mode="replicate"), [2, 3, 4]),
    "pad replicate [1,2,3,1]": case(lambda x: F.pad(x, [1, 2, 3, 1], mode="replicate"), [2, 2, 3, 4]),
    "interpolate nearest size (5,7)": case(lambda x: F.interpolate(x, size=(5, 7), mode="nearest"), [2, 3, 3, 4]),
    "interpolate nearest scaleFactor 2": case(lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), [1, 2, 3, 3]),
    "interpolate nearest size (2,3)": case(lambda x: F.interpolate(x, size=(2, 3), mode="nearest"), [1, 2, 5, 7]),
    "interpolate nearest scaleFactor (2,0.5)": case(
        lambda x: F.interpolate(x, scale_factor=(2, 0.5), mode="nearest"), [1, 1, 3, 6]),
    "interpolate bilinear size (5,7)": case(
        lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False), [2, 3, 3, 4]),
    "interpolate bilinear size (5,7) alignCorners": case(
        lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True), [2, 3, 3, 4]),
    "interpolate bilinear scaleFactor 1.5": case(
        lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=False), [1, 2, 4, 5]),
    "interpolate bilinear size (3,2)": case(
        lambda x: F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False), [1, 1, 7, 5]),
    "interpolate bilinear size (1,4) alignCorners": case(
        lambda x: F.interpolate(x, size=(1, 4), mode="bilinear", align_corners=True), [1, 2, 3, 3]),
}

data = {"conv": conv, "pool": pool, "norm": norm, "resample": resample}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(
    f"// Generated by scripts/torch-fixtures-conv.py with PyTorch {torch.__version__}. Do not edit.\n"
    "// Convolution, pooling, batch norm, pad, interpolate: inputs, outputs (and max-pool indices) and\n"
    "// the gradients of Σ output·cotangent with respect to every input.\n"
    f"export const torchConvFixtures = {json.dumps(data, separators=(',', ':'))} as const;\n"
)
print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


# conv2d/conv1d's direct kernels (one input channel per group, stride 1; several input channels for
# inference and padded input gradients): their own file, packages/tensor/src/conv-direct.test.ts reads it.
DIRECT_OUT = ROOT / "packages/tensor/src/fixtures/torch-conv-direct.generated.ts"
direct_conv = {
    "grey 6@5x5 padding 2 bias, width 9": case(
        lambda x, w, b: F.conv2d(x, w, b, padding=2), [2, 1, 7, 9], [6, 1, 5, 5], [6]),
    "grey 3@3x3 valid, width 3": case(lambda x, w: F.conv2d(x, w), [2, 1, 5, 3], [3, 1, 3, 3]),
    "depthwise 3x3 padding 1 bias, width 6": case(
        lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=4), [2, 4, 5, 6], [4, 1, 3, 3], [4]),
    "depthwise 5x3 padding (2,1), width 2": case(
        lambda x, w: F.conv2d(x, w, padding=(2, 1), groups=3), [1, 3, 6, 2], [3, 1, 5, 3]),
    "depthwise padding beyond the kernel": case(
        lambda x, w: F.conv2d(x, w, padding=(3, 2), groups=2), [1, 2, 3, 5], [2, 1, 2, 2]),
    "depthwise multiplier 3, 7x7 padding 3, width 11": case(
        lambda x, w, b: F.conv2d(x, w, b, padding=3, groups=2), [2, 2, 8, 11], [6, 1, 7, 7], [6]),
    "conv1d depthwise padding same, length 13": case(
        lambda x, w: F.conv1d(x, w, padding="same", groups=3), [2, 3, 13], [3, 1, 4]),
    # Several input channels per group (issue 19): the forward runs direct without a weight gradient,
    # the input gradient of padding >= (k - 1)/2 runs direct.
    "several channels 3 to 4, 3x3 padding 1 bias, width 10": case(
        lambda x, w, b: F.conv2d(x, w, b, padding=1), [2, 3, 6, 10], [4, 3, 3, 3], [4]),
    "groups 2, 4 to 6, 3x3 padding 2, width 11": case(
        lambda x, w: F.conv2d(x, w, padding=2, groups=2), [1, 4, 5, 11], [6, 2, 3, 3]),
    "LeNet layer 2 shape, 6 to 16, 5x5 valid bias, width 14": case(
        lambda x, w, b: F.conv2d(x, w, b), [1, 6, 14, 14], [16, 6, 5, 5], [16]),
    "several channels 2 to 3, 5x5 padding 2, width 3": case(
        lambda x, w: F.conv2d(x, w, padding=2), [2, 2, 4, 3], [3, 2, 5, 5]),
}

DIRECT_OUT.write_text(
    f"// Generated by scripts/torch-fixtures-conv.py with PyTorch {torch.__version__}. Do not edit.\n"
    "// conv2d/conv1d with one input channel per group and stride 1 (the direct kernels): inputs, outputs\n"
    "// and the gradients of Σ output·cotangent with respect to every input.\n"
    f"export const torchConvDirectFixtures = {json.dumps({'conv': direct_conv}, separators=(',', ':'))} as const;\n"
)
print(f"wrote {DIRECT_OUT.relative_to(ROOT)} ({DIRECT_OUT.stat().st_size} bytes)")
