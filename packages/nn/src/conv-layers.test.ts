// Convolution, pooling, BatchNorm2d, Dropout2d and Upsample layers (issue 19): PyTorch's outputs
// and gradients (scripts/torch-fixtures-convnn.py, float64 references; float32 here — 1e-5 absolute,
// 1e-4 relative), the course notes' output-size arithmetic, initialisation, errors and memory.
import { Generator, memory, noGrad, ones, randn, type Tensor, tensor, tidy, zeros } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { convLayerFixtures as F } from './fixtures/conv-layers.generated.js';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  convOutputSize,
  Dropout2d,
  dropout2d,
  Flatten,
  functional,
  Linear,
  MaxPool1d,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  summary,
  Upsample,
} from './index.js';

type Nested = number | readonly Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? (v as Nested[]).flatMap(flat) : [v as number]);
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0] as Nested)] : []);
const fromFixture = (v: Nested) => tensor(flat(v), { shape: shapeOf(v) });

function expectClose(label: string, got: Tensor, want: Nested): void {
  const w = flat(want);
  expect(got.shape, `${label}: shape`).toEqual(shapeOf(want));
  Array.from(got.data()).forEach((v, i) => {
    if (!(Math.abs(v - w[i]!) <= 1e-5 + 1e-4 * Math.abs(w[i]!)))
      throw new Error(`${label}[${i}]: ${v}, PyTorch ${w[i]}`);
  });
}

interface Case {
  input: Nested;
  output: Nested;
  inputGrad: Nested;
  weight?: Nested;
  weightGrad?: Nested;
  bias?: Nested;
  biasGrad?: Nested;
}

/** Loads the fixture's parameters into `layer`, runs it and checks output and gradients. */
function checkAgainstTorch(
  name: string,
  layer: Module & { weight?: Tensor | null; bias?: Tensor | null },
  c: Case,
) {
  noGrad(() => {
    if (c.weight !== undefined) layer.weight!.copy_(fromFixture(c.weight));
    if (c.bias !== undefined) layer.bias!.copy_(fromFixture(c.bias));
  });
  const x = fromFixture(c.input).requiresGrad_(true);
  const y = layer.forward(x);
  expectClose(`${name} output`, y, c.output);
  y.mul(fromFixture(shapeOfCotangent(c.output)))
    .sum()
    .backward();
  expectClose(`${name} input gradient`, x.grad!, c.inputGrad);
  if (c.weightGrad !== undefined) expectClose(`${name} weight gradient`, layer.weight!.grad!, c.weightGrad);
  if (c.biasGrad !== undefined) expectClose(`${name} bias gradient`, layer.bias!.grad!, c.biasGrad);
}

/** The generator's cotangent: sin(0.4 + 1.3·i) over the output's elements. */
function shapeOfCotangent(output: Nested): Nested {
  const shape = shapeOf(output);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => Math.sin(0.4 + 1.3 * i));
  const build = (dims: number[], offset: number): Nested =>
    dims.length === 0
      ? values[offset]!
      : Array.from({ length: dims[0]! }, (_, i) =>
          build(dims.slice(1), offset + i * dims.slice(1).reduce((a, b) => a * b, 1)),
        );
  return build(shape, 0);
}

describe('convOutputSize: the course notes’ arithmetic', () => {
  // The Deep Learning Guide (002_267a31ebb5518d37.txt), §4.2 "Convolutional Neural Networks", trivia 1–3.
  it('7×7 input, 3×3 kernel: 5×5 at stride 1, 3×3 at stride 2; a layer gives the same shapes', () => {
    expect(convOutputSize(7, 3)).toBe(5);
    expect(convOutputSize(7, 3, { stride: 2 })).toBe(3);
    const x = randn([1, 1, 7, 7]);
    expect(new Conv2d(1, 1, 3).forward(x).shape).toEqual([1, 1, 5, 5]);
    expect(new Conv2d(1, 1, 3, { stride: 2 }).forward(x).shape).toEqual([1, 1, 3, 3]);
  });

  it('ten 5×5 filters with padding 2 on 32×32×3: 32×32×10 and 760 parameters', () => {
    expect(convOutputSize(32, 5, { padding: 2 })).toBe(32);
    const conv = new Conv2d(3, 10, 5, { padding: 2 });
    expect(conv.forward(randn([1, 3, 32, 32])).shape).toEqual([1, 10, 32, 32]);
    expect(conv.numParameters()).toBe(760); // 10 × (5·5·3 + 1)
  });

  it('follows PyTorch with dilation, and rejects kernels larger than the padded input', () => {
    expect(convOutputSize(10, 3, { dilation: 2, padding: 1, stride: 2 })).toBe(4);
    expect(() => convOutputSize(3, 5)).toThrow(
      /convOutputSize: the padded input \(3\) is smaller than the kernel \(5\)/,
    );
    expect(() => convOutputSize(7, 3, { stride: 0 })).toThrow(
      /convOutputSize: stride must be an integer >= 1/,
    );
    expect(() => convOutputSize(7, 3, { strides: 2 } as never)).toThrow(/convOutputSize: .*strides/);
  });
});

describe('conv layers against PyTorch', () => {
  it('Conv2d with zero, reflect and replicate padding, padding "same" with an even kernel, groups', () => {
    checkAgainstTorch('zeros', new Conv2d(2, 3, 3, { stride: 2, padding: 1 }), F.conv2dZeros);
    checkAgainstTorch(
      'reflect',
      new Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: 'reflect' }),
      F.conv2dReflect,
    );
    checkAgainstTorch(
      'replicate same',
      new Conv2d(2, 3, [2, 3], { padding: 'same', paddingMode: 'replicate', dilation: [1, 2] }),
      F.conv2dReplicateSame,
    );
    checkAgainstTorch('groups', new Conv2d(2, 2, 2, { groups: 2, bias: false }), F.conv2dGroups);
  });

  it('Conv1d with reflect padding "same"; ConvTranspose2d with stride and output padding', () => {
    checkAgainstTorch(
      'conv1d',
      new Conv1d(2, 3, 3, { padding: 'same', paddingMode: 'reflect' }),
      F.conv1dReflectSame,
    );
    checkAgainstTorch(
      'convTranspose2d',
      new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
      F.convTranspose2d,
    );
  });

  it('unbatched inputs give the batched result without the batch dimension', () => {
    const conv = new Conv2d(2, 3, 3, { paddingMode: 'reflect', padding: 1 });
    const x = randn([2, 5, 5]);
    expect(Array.from(conv.forward(x).data())).toEqual(Array.from(conv.forward(x.unsqueeze(0)).data()));
    const conv1 = new Conv1d(2, 3, 3, { paddingMode: 'replicate', padding: 2 });
    const s = randn([2, 6]);
    expect(conv1.forward(s).shape).toEqual([3, 8]);
    expect(Array.from(conv1.forward(s).data())).toEqual(Array.from(conv1.forward(s.unsqueeze(0)).data()));
  });
});

describe('conv layers: PyTorch initialisation, names and errors', () => {
  it('weight and bias within ±1/√fanIn (Kaiming uniform, a = √5), named weight and bias', () => {
    const conv = new Conv2d(4, 8, 3, { groups: 2 });
    const bound = 1 / Math.sqrt(2 * 3 * 3);
    expect(conv.weight.shape).toEqual([8, 2, 3, 3]);
    for (const p of [conv.weight, conv.bias!]) {
      const v = Array.from(p.data());
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      // Not all zero or clustered: the spread of a uniform draw.
      expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(bound / 2);
    }
    expect([...conv.namedParameters()].map(([n]) => n)).toEqual(['weight', 'bias']);
    const t = new ConvTranspose2d(4, 6, 2, { groups: 2 });
    expect(t.weight.shape).toEqual([4, 3, 2, 2]);
    expect(Math.max(...Array.from(t.bias!.data()).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(3 * 4));
    expect(new Conv1d(3, 5, 4, { bias: false }).numParameters()).toBe(60);
  });

  it('rejects bad configurations when constructed, naming the layer', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      /Conv2d: groups 2 must divide inChannels 3 and outChannels 4/,
    );
    expect(() => new Conv2d(3, 4, 0)).toThrow(
      /Conv2d: kernelSize must be a positive integer or a pair of them, got 0/,
    );
    expect(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow(
      /Conv2d: padding 'same' needs stride 1/,
    );
    expect(() => new Conv2d(3, 4, 3, { paddingMode: 'circular' as never })).toThrow(
      /Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate'/,
    );
    expect(() => new Conv2d(3, 4, 3, { padd: 1 } as never)).toThrow(/Conv2d: .*padd/);
    expect(() => new Conv1d(2, 2, 3, { stride: 1.5 })).toThrow(/Conv1d: stride must be an integer >= 1/);
    expect(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 })).toThrow(
      /ConvTranspose2d: outputPadding 2 must be smaller than the stride or the dilation/,
    );
    expect(() => new Conv2d(3, 4, 3).forward(randn([1, 2, 8, 8]))).toThrow(
      /Conv2d.forward: expected input \[N, 3, H, W\] or \[3, H, W\], got \[1,2,8,8\]/,
    );
    expect(() => new MaxPool2d(2, { padding: 2 })).toThrow(
      /MaxPool2d: padding must be at most half the kernel size/,
    );
    expect(() => new AvgPool2d(2, { stride: 0 })).toThrow(/AvgPool2d: stride must be a positive integer/);
    expect(() => new AdaptiveAvgPool2d(0)).toThrow(
      /AdaptiveAvgPool2d: outputSize must be a positive integer/,
    );
    expect(() => new MaxPool1d(2).forward(randn([2, 3, 4, 5]))).toThrow(
      /MaxPool1d.forward: expected input \[N, C, L\]/,
    );
    expect(() => new Upsample({ size: 4, scaleFactor: 2 })).toThrow(
      /Upsample: give exactly one of size and scaleFactor/,
    );
    expect(() => new Upsample({ scaleFactor: 2, alignCorners: true })).toThrow(
      /Upsample: alignCorners applies to mode 'bilinear' only/,
    );
    expect(() => new BatchNorm2d(3, { momentum: 2 })).toThrow(
      /BatchNorm2d: momentum must be a number in \[0, 1\]/,
    );
    expect(() => new Dropout2d(1)).toThrow(/Dropout2d: p must be a number in \[0, 1\)/);
  });
});

describe('pooling layers', () => {
  it('compute the functional ops with PyTorch defaults (stride = kernel size)', () => {
    const x = randn([2, 3, 8, 6]);
    const same = (a: Tensor, b: Tensor) => expect(Array.from(a.data())).toEqual(Array.from(b.data()));
    same(new MaxPool2d(2).forward(x), functional.maxPool2d(x, 2, { stride: 2 }));
    same(
      new MaxPool2d(3, { stride: 2, padding: 1 }).forward(x),
      functional.maxPool2d(x, 3, { stride: 2, padding: 1 }),
    );
    same(new AvgPool2d([2, 3]).forward(x), functional.avgPool2d(x, [2, 3]));
    const global = x.mean([2, 3], true);
    expectClose('global average', new AdaptiveAvgPool2d(1).forward(x), global.toArray() as Nested);
    expect(new AdaptiveMaxPool2d([2, null]).forward(x).shape).toEqual([2, 3, 2, 6]);
    const s = tensor([[[1, 3, 2, 5, 4, 0]]]);
    expect(new MaxPool1d(2).forward(s).toArray()).toEqual([[[3, 5, 4]]]);
    expect(new AvgPool1d(3).forward(s).toArray()).toEqual([[[2, 3]]]);
    expect(new MaxPool2d(2).numParameters()).toBe(0);
    expect(new MaxPool2d(3, { stride: 2, padding: 1 }).toString()).toContain(
      'MaxPool2d(kernelSize=3, stride=2, padding=1)',
    );
  });
});

describe('BatchNorm2d', () => {
  it('matches PyTorch: output and gradients in training, running statistics, evaluation', () => {
    const bn = new BatchNorm2d(3, { momentum: 0.2 });
    checkAgainstTorch('batchNorm2d', bn, F.batchNorm2d.train);
    bn.forward(fromFixture(F.batchNorm2d.secondInput));
    expectClose('running mean', bn.runningMean!, F.batchNorm2d.runningMean);
    expectClose('running var', bn.runningVar!, F.batchNorm2d.runningVar);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    bn.eval();
    expectClose('evaluation', bn.forward(fromFixture(F.batchNorm2d.evalInput)), F.batchNorm2d.evalOutput);
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  it('has BatchNorm1d’s parameter and buffer names; without running stats it always uses the batch', () => {
    const bn = new BatchNorm2d(4);
    expect([...bn.stateDict().keys()]).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    const plain = new BatchNorm2d(4, { affine: false, trackRunningStats: false }).eval();
    expect(plain.numParameters()).toBe(0);
    const y = plain.forward(randn([3, 4, 5, 5]).mul(3).add(2));
    const mean = Array.from(y.mean([0, 2, 3]).data());
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-5);
    expect(() => bn.forward(randn([1, 4, 1, 1]))).toThrow(
      /BatchNorm2d.forward: expected more than 1 value per channel/,
    );
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels, scales the rest by 1/(1 − p), is the identity in evaluation', () => {
    const x = ones([4, 16, 3, 3]);
    const y = dropout2d(x, 0.5, true, { generator: new Generator(7) });
    const values = y.reshape([64, 9]).toArray() as number[][];
    for (const channel of values) expect(new Set(channel).size).toBe(1); // one decision per channel
    const kept = values.filter((c) => c[0] === 2).length;
    expect(values.every((c) => c[0] === 0 || c[0] === 2)).toBe(true);
    expect(kept).toBeGreaterThan(16);
    expect(kept).toBeLessThan(48);
    const layer = new Dropout2d(0.5, { generator: new Generator(7) });
    expect(Array.from(layer.forward(x).data())).toEqual(Array.from(y.data()));
    expect(layer.eval().forward(x)).toBe(x);
  });
});

describe('Upsample', () => {
  it('bilinear matches PyTorch; nearest by a scale factor repeats pixels', () => {
    checkAgainstTorch(
      'upsample',
      new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: false }),
      F.upsampleBilinear,
    );
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    expect(new Upsample({ scaleFactor: 2 }).forward(x).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
  });
});

describe('summary of a conv net', () => {
  it('shows every layer’s output shape and parameter count from an example input', () => {
    const model = new Sequential(
      new Conv2d(3, 10, 5, { padding: 2 }),
      new BatchNorm2d(10),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(10 * 16 * 16, 10),
    );
    const before = Array.from(model.at(1).buffers()[0]!.data());
    const text = summary(model, zeros([1, 3, 32, 32]));
    const rows = text.split('\n');
    expect(rows[1]).toMatch(/\(0\): Conv2d\(3, 10, kernelSize=5, padding=2\)\s+\[N, 10, 32, 32\]\s+760$/);
    expect(rows[2]).toMatch(/\(1\): BatchNorm2d\(10.*\[N, 10, 32, 32\]\s+20$/);
    expect(rows[4]).toMatch(/\(3\): MaxPool2d.*\[N, 10, 16, 16\]$/);
    expect(rows[5]).toMatch(/\(4\): Flatten.*\[N, 2560\]$/);
    expect(rows[6]).toMatch(/\(5\): Linear.*\[N, 10\]\s+25,610$/);
    expect(rows.at(-1)).toBe('Total parameters: 26,390 (trainable 26,390)');
    // Evaluation mode during the summary: the running statistics did not move; training mode is back.
    expect(Array.from(model.at(1).buffers()[0]!.data())).toEqual(before);
    expect(model.training).toBe(true);
    expect(() => summary(model, [1, 2] as never)).toThrow(/summary: exampleInput must be a tensor/);
  });
});

describe('memory', () => {
  it('stays flat over repeated training steps of every layer', () => {
    const layers: [Module, number[]][] = [
      [new Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' }), [2, 2, 6, 6]],
      [new Conv1d(2, 3, 3, { padding: 'same', paddingMode: 'replicate' }), [2, 2, 6]],
      [new ConvTranspose2d(2, 3, 2, { stride: 2 }), [2, 2, 3, 3]],
      [new BatchNorm2d(2), [4, 2, 3, 3]],
      [new Dropout2d(0.3), [4, 2, 3, 3]],
      [new MaxPool2d(2), [2, 2, 4, 4]],
      [new AvgPool1d(2), [2, 2, 4]],
      [new AdaptiveMaxPool2d(1), [2, 2, 3, 3]],
      [new Upsample({ scaleFactor: 2, mode: 'bilinear' }), [1, 2, 3, 3]],
    ];
    for (const [layer, shape] of layers) {
      const x = randn(shape, { requiresGrad: true });
      const step = () =>
        tidy(() => {
          layer.forward(x).square().sum().backward();
          layer.zeroGrad();
          x.grad = null;
        });
      step();
      const before = memory();
      for (let i = 0; i < 3; i++) step();
      expect(memory().tensors, layer.constructor.name).toBe(before.tensors);
      expect(memory().bytes, layer.constructor.name).toBe(before.bytes);
    }
  });
});
