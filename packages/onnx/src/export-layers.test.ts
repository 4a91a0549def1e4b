// exportOnnx, issue 15 (second part): recurrent layers as ONNX RNN/LSTM/GRU, ConvTranspose2d, pad,
// interpolate/Upsample, pools, comparisons and the other activations, checked in ONNX Runtime (Node)
// against Myelin's forward at two batch sizes other than the example's; int64 values written exactly;
// and every nn layer either exports or fails with a clear error.
import * as nn from '@myelin/nn';
import { cat, manualSeed, memory, pad, randint, randn, type Tensor, tensor, where } from '@myelin/tensor';
import { describe, expect, inject, it } from 'vitest';
import { exportOnnx } from './index.js';
import { int64, ModelProto } from './proto.js';
import { decode, expectOrtMatches, reference, runOrt } from './testing/ort.js';

const onNode = inject('runtime') === 'node';

/** Runs `layer` on the input (and the state `state(x)` when given) and returns its output only. */
class OutputOf extends nn.Module {
  readonly layer: nn.Module;
  constructor(
    layer: nn.Module,
    private readonly state?: (x: Tensor) => unknown,
  ) {
    super();
    this.layer = this.addModule('layer', layer);
  }
  forward(x: Tensor): Tensor {
    return this.layer.forward(x, this.state?.(x))[0];
  }
}

/**
 * An encoder whose final state starts a decoder (the decoder's h0/c0 come from the graph), and whose
 * final h [L·D, B, H] is added to the decoder's output as [B, L·D·H] features through a Linear.
 */
class EncoderDecoder extends nn.Module {
  readonly encoder: nn.RNN | nn.LSTM | nn.GRU;
  readonly decoder: nn.RNN | nn.LSTM | nn.GRU;
  readonly head: nn.Linear;
  constructor(make: (inputSize: number) => nn.RNN | nn.LSTM | nn.GRU, input: number, stateFeatures: number) {
    super();
    this.encoder = this.addModule('encoder', make(input));
    const outputFeatures = (this.encoder.bidirectional ? 2 : 1) * this.encoder.hiddenSize;
    this.decoder = this.addModule('decoder', make(outputFeatures));
    this.head = this.addModule('head', new nn.Linear(stateFeatures, outputFeatures));
  }
  forward(x: Tensor): Tensor {
    const [encoded, state] = this.encoder.forward(x);
    const [decoded] = (this.decoder as nn.Module).forward(encoded, state);
    const hN: Tensor = Array.isArray(state) ? state[0] : state;
    const batchFirst = this.encoder.batchFirst;
    const features = hN.permute([1, 0, 2]).reshape([hN.shape[1]!, -1]); // [B, L·D·H]
    const extra = this.head.forward(features).unsqueeze(batchFirst ? 1 : 0); // broadcast over time
    return decoded.add(extra);
  }
}

/**
 * Two steps of a cell, the second from the first's state (h and c are then values of the graph), or
 * from `state` when given; returns the final h (GRU) or [h, c] side by side (LSTM).
 */
class TwoSteps extends nn.Module {
  readonly cell: nn.LSTMCell | nn.GRUCell;
  constructor(
    cell: nn.LSTMCell | nn.GRUCell,
    private readonly state?: Tensor | [Tensor, Tensor],
  ) {
    super();
    this.cell = this.addModule('cell', cell);
  }
  forward(x: Tensor): Tensor {
    if (this.cell instanceof nn.LSTMCell) {
      const first = this.state ?? this.cell.forward(x);
      const [h, c] = this.cell.forward(x.mul(-0.5), first as [Tensor, Tensor]);
      return cat([h, c], -1);
    }
    const first = this.state ?? this.cell.forward(x);
    return this.cell.forward(x.mul(-0.5), first as Tensor);
  }
}

/** LSTMCell's [h′, c′] side by side (a model returns one tensor). */
class CellOutputs extends nn.Module {
  readonly cell = this.addModule('cell', new nn.LSTMCell(3, 4));
  forward(x: Tensor): Tensor {
    return cat(this.cell.forward(x), -1);
  }
}

describe('int64 values (issue 15 item 3)', () => {
  it('int64() writes numbers up to 2^53 − 1 and bigints exactly, and decodes to the same values', () => {
    const values = [3_000_000_000, -1, 2 ** 31, -(2 ** 40) - 3, 2 ** 53 - 1];
    const message = ModelProto.create({
      graph: {
        initializer: [{ name: 'a', dims: [int64(5)], dataType: 7, int64Data: values.map(int64) }],
        node: [{ attribute: [{ name: 'big', type: 2, i: int64(2n ** 62n + 5n) }] }],
      },
    });
    const decoded = ModelProto.toObject(ModelProto.decode(ModelProto.encode(message).finish()), {
      longs: String,
    }) as { graph: { initializer: { int64Data: string[] }[]; node: { attribute: { i: string }[] }[] } };
    expect(decoded.graph.initializer[0]!.int64Data).toEqual(values.map(String));
    expect(decoded.graph.node[0]!.attribute[0]!.i).toBe(String(2n ** 62n + 5n));
    expect(() => int64(2 ** 53)).toThrow(
      'int64: 9007199254740992 is not an integer that JavaScript represents exactly',
    );
    expect(() => int64(1.5)).toThrow('int64: 1.5 is not an integer');
    expect(() => int64(2n ** 63n)).toThrow("outside int64's range");
  });

  it("an exported Slice's end past 2^31 and Pad's pads decode exactly from the model's bytes", () => {
    class Whole extends nn.Module {
      forward(x: Tensor): Tensor {
        return pad(x.slice(0, 0, x.shape[0]!), [1, 2]);
      }
    }
    const { graph } = decode(exportOnnx(new Whole(), randn([4, 3])));
    const raw = ModelProto.toObject(ModelProto.decode(exportOnnx(new Whole(), randn([4, 3]))), {
      longs: String,
    }) as { graph: { initializer: { name: string; int64Data?: string[] }[] } };
    const ends = raw.graph.initializer.find((i) => i.name.startsWith('ends'))!;
    expect(ends.int64Data).toEqual([String(2 ** 53 - 1)]); // to the end of any batch
    const pads = raw.graph.initializer.find((i) => i.name.startsWith('pads'))!;
    expect(pads.int64Data).toEqual(['0', '1', '0', '2']);
    expect(graph.node.map((n) => n.opType)).toEqual(['Slice', 'Pad']);
  });
});

describe('exportOnnx: recurrent layers (the graph and the errors)', () => {
  it('a 2-layer bidirectional LSTM is two LSTM nodes (both directions in each), weights in ONNX gate order', () => {
    manualSeed(20);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const { graph } = decode(exportOnnx(new OutputOf(lstm), randn([4, 5, 3])));
    const lstmNodes = graph.node.filter((n) => n.opType === 'LSTM');
    expect(lstmNodes.length).toBe(2);
    expect(lstmNodes.every((n) => n.name.startsWith('layer/LSTM'))).toBe(true);
    const w = graph.initializer.find((i) => i.name === 'layer.W_l1')!;
    expect(w.dims).toEqual([2, 16, 8]); // [directions, 4·hidden, directions·hidden]
    // Gate blocks i, f, g, o → i, o, f, c: ONNX's second block is PyTorch's fourth.
    const raw = ModelProto.decode(exportOnnx(new OutputOf(lstm), randn([4, 5, 3]))) as unknown as {
      graph: { initializer: { name: string; rawData: Uint8Array }[] };
    };
    const bytes = raw.graph.initializer.find((i) => i.name === 'layer.W_l0')!.rawData;
    const onnx = new Float32Array(Uint8Array.from(bytes).buffer);
    const torch = [...lstm.namedParameters()].find(([name]) => name === 'weight_ih_l0')![1].data();
    expect(onnx.subarray(4 * 3, 8 * 3)).toEqual(torch.subarray(12 * 3, 16 * 3));
    expect(onnx.subarray(8 * 3, 12 * 3)).toEqual(torch.subarray(4 * 3, 8 * 3));
  });

  it('leaves no tensor of the trace alive and the recurrent forwards unwrapped', () => {
    const model = new EncoderDecoder((i) => new nn.LSTM(i, 4, { batchFirst: true }), 3, 4);
    const x = randn([4, 5, 3]);
    const before = memory().tensors;
    exportOnnx(model, x);
    exportOnnx(model, x);
    expect(memory().tensors).toBe(before);
    expect(Object.hasOwn(model.encoder, 'forward')).toBe(false);
  });

  it('what ONNX cannot express is an error naming the layer and its module path', () => {
    class Packed extends nn.Module {
      readonly gru = this.addModule('gru', new nn.GRU(3, 4));
      forward(x: Tensor): Tensor {
        return this.gru.forward(x, null, { lengths: [5, 5, 4, 3] })[0];
      }
    }
    expect(() => exportOnnx(new Packed(), randn([5, 4, 3]), { dynamicBatch: false })).toThrow(
      "exportOnnx: GRU (module 'gru') cannot be exported: variable-length sequences (the lengths option)",
    );
    const projected = new OutputOf(new nn.LSTM(3, 4, { projSize: 2 }));
    expect(() => exportOnnx(projected, randn([5, 4, 3]))).toThrow(
      "exportOnnx: LSTM (module 'layer') cannot be exported: projSize (ONNX LSTM has no projection)",
    );
    // A recurrent layer returns [output, state]: export a module that returns one tensor.
    expect(() => exportOnnx(new nn.GRU(3, 4), randn([5, 4, 3]))).toThrow(
      'exportOnnx: the forward must return one tensor, got an array',
    );
  });

  it('the adaptive pools whose windows differ are an error naming the op and the module', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 1), new nn.AdaptiveAvgPool2d(3));
    expect(() => exportOnnx(model, randn([4, 1, 8, 8]))).toThrow(
      "exportOnnx: op 'adaptiveAvgPool2d' (in module '1') cannot be exported: output size [3,3] does not divide the input size [8,8]",
    );
  });
});

describe.runIf(onNode)('exportOnnx: recurrent layers in ONNX Runtime (CPU) match Myelin within 1e-4', () => {
  it('LSTM: 2 layers, bidirectional, batchFirst, without and with h0/c0 (from an encoder)', async () => {
    manualSeed(21);
    const options = { numLayers: 2, bidirectional: true, batchFirst: true };
    await expectOrtMatches(new OutputOf(new nn.LSTM(3, 5, options)), [6, 3]);
    await expectOrtMatches(new EncoderDecoder((i) => new nn.LSTM(i, 5, options), 3, 4 * 5), [6, 3]);
  });

  it('GRU (linear_before_reset): 2 layers, batchFirst, no bias, without and with h0; bidirectional', async () => {
    manualSeed(22);
    const options = { numLayers: 2, batchFirst: true, bias: false };
    await expectOrtMatches(new OutputOf(new nn.GRU(3, 5, options)), [6, 3]);
    await expectOrtMatches(new EncoderDecoder((i) => new nn.GRU(i, 5, options), 3, 2 * 5), [6, 3]);
    await expectOrtMatches(new OutputOf(new nn.GRU(3, 4, { bidirectional: true, batchFirst: true })), [5, 3]);
  });

  it('RNN: tanh and relu, bidirectional, time-major (the dynamic first dimension is then the time)', async () => {
    manualSeed(23);
    await expectOrtMatches(
      new OutputOf(new nn.RNN(3, 5, { nonlinearity: 'relu', bidirectional: true })),
      [2, 3],
    );
    const make = (i: number) => new nn.RNN(i, 4, { numLayers: 2, bidirectional: true });
    await expectOrtMatches(new EncoderDecoder(make, 3, 4 * 4), [2, 3]);
  });

  it('an unbatched sequence [time, features] and a fixed h0 (a constant of the graph)', async () => {
    manualSeed(24);
    await expectOrtMatches(new OutputOf(new nn.LSTM(3, 4, { bidirectional: true })), [3]);
    const h0 = randn([2, 1, 4]);
    const fixed = new OutputOf(new nn.GRU(3, 4, { numLayers: 2 }), () => h0);
    await expectOrtMatches(fixed, [1, 3]);
  });
});

describe('exportOnnx: LSTMCell and GRUCell (issue 15 follow-up, item 1)', () => {
  it('a cell called twice is two one-step LSTM nodes sharing its weights, in ONNX gate order', () => {
    manualSeed(40);
    const model = new TwoSteps(new nn.LSTMCell(3, 4));
    const bytes = exportOnnx(model, randn([5, 3]));
    const { graph } = decode(bytes);
    const lstm = graph.node.filter((n) => n.opType === 'LSTM');
    expect(lstm.length).toBe(2);
    expect(lstm.every((n) => n.name.startsWith('cell/LSTM'))).toBe(true);
    expect(graph.initializer.filter((i) => i.name.startsWith('cell.')).map((i) => [i.name, i.dims])).toEqual([
      ['cell.W', [1, 16, 3]],
      ['cell.R', [1, 16, 4]],
      ['cell.B', [1, 32]],
    ]);
    const raw = ModelProto.decode(bytes) as unknown as {
      graph: { initializer: { name: string; rawData: Uint8Array }[] };
    };
    const onnx = new Float32Array(
      Uint8Array.from(raw.graph.initializer.find((i) => i.name === 'cell.R')!.rawData).buffer,
    );
    const torch = model.cell.weight_hh.data();
    expect(onnx.subarray(4 * 4, 8 * 4)).toEqual(torch.subarray(12 * 4, 16 * 4)); // o is ONNX's second block
    expect(onnx.subarray(12 * 4, 16 * 4)).toEqual(torch.subarray(8 * 4, 12 * 4)); // g (c) its fourth
  });
});

describe.runIf(onNode)('exportOnnx: LSTMCell and GRUCell in ONNX Runtime match Myelin within 1e-4', () => {
  it('LSTMCell: from a zero state and from the previous step [h, c] (values of the graph); no bias', async () => {
    manualSeed(41);
    await expectOrtMatches(new CellOutputs(), [3]);
    await expectOrtMatches(new TwoSteps(new nn.LSTMCell(3, 5)), [3]);
    await expectOrtMatches(new TwoSteps(new nn.LSTMCell(3, 5, { bias: false })), [3]);
  });

  it('GRUCell (linear_before_reset): from a zero state and from the previous step; no bias', async () => {
    manualSeed(42);
    await expectOrtMatches(new nn.GRUCell(3, 5), [3]);
    await expectOrtMatches(new TwoSteps(new nn.GRUCell(3, 5)), [3]);
    await expectOrtMatches(new TwoSteps(new nn.GRUCell(3, 5, { bias: false })), [3]);
  });

  it('unbatched cells [input] with a fixed state (constants of the graph)', async () => {
    manualSeed(43);
    for (const model of [
      new TwoSteps(new nn.LSTMCell(3, 4), [randn([4]), randn([4])]),
      new TwoSteps(new nn.GRUCell(3, 4), randn([4])),
    ]) {
      const x = tensor([0.5, -1, 2]);
      const bytes = exportOnnx(model, x, { dynamicBatch: false });
      const expected = reference(model, x);
      const actual = await runOrt(bytes, x);
      expect(actual.dims).toEqual(expected.shape);
      for (let i = 0; i < expected.data.length; i++)
        expect(Math.abs(actual.data[i]! - expected.data[i]!)).toBeLessThan(1e-4);
    }
  });
});

describe.runIf(onNode)('exportOnnx: convolution, padding, resizing and pooling in ONNX Runtime', () => {
  it('ConvTranspose2d with stride, padding, outputPadding, groups and dilation, with and without bias', async () => {
    manualSeed(25);
    const model = new nn.Sequential(
      new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 }),
      new nn.ConvTranspose2d(6, 2, [2, 3], { stride: [1, 2], bias: false }),
    );
    await expectOrtMatches(model, [4, 5, 6]);
  });

  it("pad in 'constant' (with a value), 'reflect' and 'replicate' modes", async () => {
    class Pads extends nn.Module {
      forward(x: Tensor): Tensor {
        const a = pad(x, [1, 2, 1, 2], { value: 0.5 });
        const b = pad(x, [2, 1, 2, 1], { mode: 'reflect' });
        const c = pad(x, [0, 3, 3, 0], { mode: 'replicate' });
        return a.add(b).add(c);
      }
    }
    manualSeed(26);
    await expectOrtMatches(new Pads(), [2, 5, 6]);
  });

  it("Upsample: 'nearest' (factor and size), 'bilinear' with alignCorners true and false", async () => {
    manualSeed(27);
    for (const options of [
      { scaleFactor: 2 },
      { size: [7, 9] as [number, number] },
      { scaleFactor: [1.5, 2] as [number, number], mode: 'bilinear' as const },
      { size: [7, 9] as [number, number], mode: 'bilinear' as const },
      { size: [7, 9] as [number, number], mode: 'bilinear' as const, alignCorners: true },
      { scaleFactor: 2, mode: 'bilinear' as const, alignCorners: true },
    ]) {
      await expectOrtMatches(new nn.Upsample(options), [2, 4, 5]);
    }
  });

  it('pools: 1-D, ceilMode, countIncludePad false, adaptive max with equal windows; Conv1d; Dropout2d', async () => {
    manualSeed(28);
    await expectOrtMatches(
      new nn.Sequential(
        new nn.Conv1d(2, 3, 3, { padding: 1 }),
        new nn.MaxPool1d(2, { ceilMode: true }),
        new nn.AvgPool1d(2, { padding: 1, countIncludePad: false }),
      ),
      [2, 9],
    );
    await expectOrtMatches(
      new nn.Sequential(
        new nn.Dropout2d(0.5),
        new nn.MaxPool2d(3, { stride: 2, ceilMode: true }),
        new nn.AvgPool2d(2, { ceilMode: true, padding: 1, countIncludePad: false }),
        new nn.AdaptiveMaxPool2d([3, 1]),
      ),
      [2, 9, 9],
    );
  });
});

/**
 * Every layer nn exports, with an input shape (without the batch) and how to build it; layers that
 * cannot be exported give the error shown.
 */
const LAYERS: Record<string, { make: () => nn.Module; shape: number[]; error?: RegExp; ints?: number }> = {
  AdaptiveAvgPool2d: { make: () => new nn.AdaptiveAvgPool2d([2, 3]), shape: [2, 4, 6] },
  AdaptiveMaxPool2d: { make: () => new nn.AdaptiveMaxPool2d(1), shape: [2, 4, 6] },
  AvgPool1d: { make: () => new nn.AvgPool1d(3, { stride: 2 }), shape: [2, 9] },
  AvgPool2d: { make: () => new nn.AvgPool2d(2), shape: [2, 6, 6] },
  BatchNorm1d: { make: () => new nn.BatchNorm1d(5), shape: [5] },
  BatchNorm2d: { make: () => new nn.BatchNorm2d(2), shape: [2, 3, 3] },
  Conv1d: { make: () => new nn.Conv1d(2, 3, 3, { stride: 2, dilation: 2 }), shape: [2, 11] },
  Conv2d: { make: () => new nn.Conv2d(2, 4, 3, { groups: 2, padding: 'same' }), shape: [2, 5, 5] },
  ConvTranspose2d: { make: () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2 }), shape: [2, 4, 4] },
  Dropout: { make: () => new nn.Dropout(0.5), shape: [5] },
  Dropout2d: { make: () => new nn.Dropout2d(0.5), shape: [2, 3, 3] },
  ELU: { make: () => new nn.ELU(0.5), shape: [5] },
  Embedding: { make: () => new nn.Embedding(10, 3), shape: [4], ints: 10 },
  Flatten: { make: () => new nn.Flatten(), shape: [2, 3] },
  GELU: { make: () => new nn.GELU(), shape: [5] },
  GRU: { make: () => new OutputOf(new nn.GRU(3, 4, { batchFirst: true })), shape: [5, 3] },
  GRUCell: { make: () => new nn.GRUCell(3, 4), shape: [3] },
  GroupNorm: { make: () => new nn.GroupNorm(2, 4), shape: [4, 3] },
  Hardtanh: { make: () => new nn.Hardtanh({ minVal: -0.5, maxVal: 0.7 }), shape: [5] },
  Identity: { make: () => new nn.Identity(), shape: [5] },
  LSTM: { make: () => new OutputOf(new nn.LSTM(3, 4, { batchFirst: true })), shape: [5, 3] },
  LSTMCell: { make: () => new CellOutputs(), shape: [3] },
  LayerNorm: { make: () => new nn.LayerNorm(5), shape: [5] },
  LeakyReLU: { make: () => new nn.LeakyReLU(0.1), shape: [5] },
  Linear: { make: () => new nn.Linear(5, 3), shape: [5] },
  LogSigmoid: { make: () => new nn.LogSigmoid(), shape: [5] },
  LogSoftmax: { make: () => new nn.LogSoftmax(1), shape: [5] },
  MaxPool1d: { make: () => new nn.MaxPool1d(2), shape: [2, 9] },
  MaxPool2d: { make: () => new nn.MaxPool2d(2, { padding: 1 }), shape: [2, 5, 5] },
  Maxout: { make: () => new nn.Maxout(5, 3, 2), shape: [5] },
  Mish: { make: () => new nn.Mish(), shape: [5] },
  ModuleDict: { make: () => new nn.ModuleDict({ a: new nn.Linear(5, 5) }), shape: [5], error: /ModuleDict/ },
  ModuleList: { make: () => new nn.ModuleList([new nn.Linear(5, 5)]), shape: [5], error: /ModuleList/ },
  RNN: { make: () => new OutputOf(new nn.RNN(3, 4, { batchFirst: true })), shape: [5, 3] },
  RNNCell: { make: () => new nn.RNNCell(3, 4), shape: [3] },
  ReLU: { make: () => new nn.ReLU(), shape: [5] },
  Residual: { make: () => new nn.Residual(new nn.Linear(5, 5)), shape: [5] },
  SELU: { make: () => new nn.SELU(), shape: [5] },
  Sequential: { make: () => new nn.Sequential(new nn.Linear(5, 2), new nn.Tanh()), shape: [5] },
  SiLU: { make: () => new nn.SiLU(), shape: [5] },
  Sigmoid: { make: () => new nn.Sigmoid(), shape: [5] },
  Softmax: { make: () => new nn.Softmax(1), shape: [5] },
  Softplus: { make: () => new nn.Softplus({ beta: 2, threshold: 1 }), shape: [5] },
  Softsign: { make: () => new nn.Softsign(), shape: [5] },
  Step: { make: () => new nn.Step(0.1), shape: [5] },
  StochasticDepth: { make: () => new nn.StochasticDepth(new nn.Linear(5, 5), 0.3), shape: [5] },
  Tanh: { make: () => new nn.Tanh(), shape: [5] },
  Upsample: { make: () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), shape: [2, 3, 3] },
};

describe('exportOnnx: every nn layer', () => {
  it('the list below names every Module class nn exports', () => {
    const layers = Object.entries(nn)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof nn.Module)
      .map(([name]) => name)
      .sort();
    expect(Object.keys(LAYERS).sort()).toEqual(layers);
  });

  for (const [name, { make, shape, error, ints }] of Object.entries(LAYERS)) {
    const sample = (batch: number) =>
      ints === undefined ? randn([batch, ...shape]) : randint(0, ints, [batch, ...shape]);
    if (error !== undefined) {
      it(`${name}: a clear error`, () => {
        expect(() => exportOnnx(make(), sample(4))).toThrow(error);
      });
    } else {
      it.runIf(onNode)(`${name}: exports and matches ONNX Runtime`, async () => {
        manualSeed(30);
        await expectOrtMatches(make(), shape, sample);
      });
    }
  }

  it.runIf(onNode)('comparisons and where inside a model (Cast to bool, Where)', async () => {
    class Gate extends nn.Module {
      forward(x: Tensor): Tensor {
        const mask = x
          .gt(0.2)
          .mul(x.le(1))
          .add(x.ne(0.5))
          .add(x.lt(x.mul(0.5)))
          .add(x.ge(-1))
          .add(x.eq(0));
        return where(mask, x, 0.25).add(where(x.gt(0), 1, x.exp().expm1().log1p()));
      }
    }
    manualSeed(31);
    await expectOrtMatches(new Gate(), [5]);
  });
});
