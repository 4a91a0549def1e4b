// exportOnnx's dynamicAxes option (issue 15 follow-up, item 2): PyTorch's dynamic_axes, any axes of
// the input and the output symbolic (e.g. both the time and the batch of a time-major recurrent
// model), checked in ONNX Runtime at two sizes of every dynamic axis; clear errors for unknown names,
// axes out of range, and sizes that the graph would fix.
import * as nn from '@myelin/nn';
import { manualSeed, randn, type Tensor } from '@myelin/tensor';
import { describe, expect, inject, it } from 'vitest';
import { type ExportOnnxOptions, exportOnnx } from './index.js';
import { decode, reference, runOrt } from './testing/ort.js';

const onNode = inject('runtime') === 'node';

/** A recurrent layer's output through a Linear head. */
class Tagger extends nn.Module {
  readonly rnn: nn.RNN | nn.LSTM | nn.GRU;
  readonly head: nn.Linear;
  constructor(rnn: nn.RNN | nn.LSTM | nn.GRU, classes: number) {
    super();
    this.rnn = this.addModule('rnn', rnn);
    const features = (rnn.bidirectional ? 2 : 1) * rnn.hiddenSize;
    this.head = this.addModule('head', new nn.Linear(features, classes));
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.rnn.forward(x)[0]);
  }
}

/** The declared dimensions of the graph's input and output (symbol or size). */
function declaredDims(bytes: Uint8Array): (string | number)[][] {
  const { graph } = decode(bytes);
  const output = graph.output as unknown as typeof graph.input;
  return [graph.input[0]!, output[0]!].map((v) =>
    v.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue),
  );
}

/** Exports at `example` and checks ORT against Myelin within 1e-4 at each of `shapes`. */
async function expectMatchesAt(
  model: nn.Module,
  example: number[],
  shapes: number[][],
  options: ExportOnnxOptions,
): Promise<Uint8Array> {
  model.eval();
  const bytes = exportOnnx(model, randn(example), options);
  for (const shape of shapes) {
    const x = randn(shape);
    const expected = reference(model, x);
    const actual = await runOrt(bytes, x);
    expect(actual.dims).toEqual(expected.shape);
    let worst = 0;
    for (let i = 0; i < expected.data.length; i++)
      worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
    expect(worst).toBeLessThan(1e-4);
  }
  return bytes;
}

describe.runIf(onNode)('exportOnnx dynamicAxes in ONNX Runtime (issue 15 follow-up, item 2)', () => {
  it('a time-major LSTM (batchFirst: false) with both the time and the batch dynamic', async () => {
    manualSeed(50);
    const model = new Tagger(new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true }), 2);
    const axes = { 0: 'time', 1: 'batch' };
    const bytes = await expectMatchesAt(
      model,
      [6, 7, 3],
      [
        [2, 4, 3],
        [9, 1, 3],
      ],
      { dynamicAxes: { input: axes, output: axes } },
    );
    expect(declaredDims(bytes)).toEqual([
      ['time', 'batch', 3],
      ['time', 'batch', 2],
    ]);
  });

  it('time-major GRU and RNN: the batch alone, or both, dynamic; the output follows the input by default', async () => {
    manualSeed(51);
    const gru = new Tagger(new nn.GRU(3, 4), 2);
    const bytes = await expectMatchesAt(
      gru,
      [5, 7, 3],
      [
        [5, 2, 3],
        [5, 9, 3],
      ],
      { dynamicAxes: { input: { 1: 'batch' }, output: { 1: 'batch' } } },
    );
    expect(declaredDims(bytes)).toEqual([
      [5, 'batch', 3],
      [5, 'batch', 2],
    ]);
    const rnn = new Tagger(new nn.RNN(3, 4, { nonlinearity: 'relu' }), 2);
    const both = await expectMatchesAt(
      rnn,
      [6, 7, 3],
      [
        [2, 9, 3],
        [8, 1, 3],
      ],
      { dynamicAxes: { input: { 0: 'time', 1: 'batch' } } },
    );
    // Unless dynamicAxes names them, the output's dimensions follow the input's dynamic axes.
    expect(declaredDims(both)).toEqual([
      ['time', 'batch', 3],
      ['time', 'batch', 2],
    ]);
  });

  it("a batch-first GRU with a dynamic sequence length; lists of axes get PyTorch's names", async () => {
    manualSeed(52);
    const model = new Tagger(new nn.GRU(3, 4, { batchFirst: true, numLayers: 2 }), 2);
    const bytes = await expectMatchesAt(
      model,
      [7, 6, 3],
      [
        [2, 9, 3],
        [5, 1, 3],
      ],
      { dynamicAxes: { input: [0, 1], output: [0, 1] } },
    );
    expect(declaredDims(bytes)).toEqual([
      ['input_dynamic_axes_1', 'input_dynamic_axes_2', 3],
      ['output_dynamic_axes_1', 'output_dynamic_axes_2', 2],
    ]);
  });

  it('a CNN with dynamic height and width (Conv, pooling, global pooling, slice to the end)', async () => {
    class Crop extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.slice(2, 1, x.shape[2]!).slice(3, 0, x.shape[3]!, 2);
      }
    }
    manualSeed(53);
    const model = new nn.Sequential(
      new Crop(),
      new nn.Conv2d(2, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2, { ceilMode: true }),
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(),
      new nn.Linear(4, 3),
    );
    const axes = { 0: 'batch', 2: 'height', 3: 'width' };
    await expectMatchesAt(
      model,
      [5, 2, 9, 11],
      [
        [2, 2, 6, 8],
        [3, 2, 13, 10],
      ],
      { dynamicAxes: { input: axes } },
    );
  });
});

describe('exportOnnx dynamicAxes: errors', () => {
  const model = () => new Tagger(new nn.GRU(3, 4), 2);

  it('names that are neither the input nor the output, axes out of range, malformed values', () => {
    const x = randn([5, 7, 3]);
    const fails = (dynamicAxes: unknown) =>
      expect(() => exportOnnx(model(), x, { dynamicAxes } as ExportOnnxOptions));
    fails({ inputs: [0] }).toThrow(
      "exportOnnx: dynamicAxes names 'inputs', which is neither the input ('input') nor the output ('output')",
    );
    fails({ input: [3] }).toThrow(
      "exportOnnx: dynamicAxes['input'] has axis 3, but the input has shape [5,7,3] (axes 0 to 2)",
    );
    fails({ output: { 0: 'time', 3: 'x' } }).toThrow(
      "exportOnnx: dynamicAxes['output'] has axis 3, but the output has shape [5,7,2] (axes 0 to 2)",
    );
    fails({ input: [-1] }).toThrow("exportOnnx: dynamicAxes['input'] has axis -1; axes are integers from 0");
    fails({ input: { first: 'batch' } }).toThrow("dynamicAxes['input'] has axis the string 'first'");
    fails({ input: [0, 0] }).toThrow("exportOnnx: dynamicAxes['input'] lists axis 0 twice");
    fails({ input: { 0: '' } }).toThrow(
      "exportOnnx: dynamicAxes['input'] names axis 0 the string ''; expected a non-empty string",
    );
    fails({ input: 0 }).toThrow(
      "exportOnnx: dynamicAxes['input'] must be { axis: 'name' } or a list of axes, got 0",
    );
    fails([0]).toThrow('exportOnnx: dynamicAxes must be an object { name: axes }');
    expect(() => exportOnnx(model(), x, { dynamicAxes: {}, dynamicBatch: true })).toThrow(
      'exportOnnx: give dynamicAxes or dynamicBatch, not both',
    );
    // Names follow inputNames/outputNames.
    expect(() => exportOnnx(model(), x, { inputNames: ['tokens'], dynamicAxes: { input: [0] } })).toThrow(
      "exportOnnx: dynamicAxes names 'input', which is neither the input ('tokens') nor",
    );
  });

  it('a size the graph would fix (a reshape or constant holding a dynamic axis) is an error naming it', () => {
    class LastStep extends nn.Module {
      readonly gru = this.addModule('gru', new nn.GRU(3, 4));
      forward(x: Tensor): Tensor {
        const [, h] = this.gru.forward(x);
        return h.reshape([h.shape[1]!, -1]); // [1, B, H] → [B, H]: B written into the graph
      }
    }
    expect(() =>
      exportOnnx(new LastStep(), randn([5, 7, 3]), { dynamicAxes: { input: { 0: 'time', 1: 'batch' } } }),
    ).toThrow(
      "exportOnnx: op 'reshape' cannot be exported: the dynamic axis 'batch' (7 in the example input) would be fixed by reshape to [7,4]",
    );
    class Steps extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.slice(1, 0, 2); // the first steps of a dynamic sequence
      }
    }
    expect(() => exportOnnx(new Steps(), randn([2, 6, 3]), { dynamicAxes: { input: [0, 1] } })).toThrow(
      "exportOnnx: op 'slice' cannot be exported: the dynamic axis 'input_dynamic_axes_2' (6 in the example input) would be fixed by slice along dimension 1",
    );
    // Without the batch dynamic, the same models export.
    expect(
      exportOnnx(new LastStep(), randn([5, 7, 3]), { dynamicAxes: { input: { 0: 'time' } } }),
    ).toBeInstanceOf(Uint8Array);
  });
});
