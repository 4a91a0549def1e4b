// exportOnnx (issue 15 items 1 and 2): exported models run in ONNX Runtime (Node, CPU) and give
// Myelin's outputs within 1e-4 at two batch sizes other than the example's (the batch is dynamic);
// the graph's structure and the errors for what cannot be exported are checked in every runtime.
import * as nn from '@myelin/nn';
import { cat, manualSeed, memory, randint, randn, type Tensor } from '@myelin/tensor';
import { describe, expect, inject, it } from 'vitest';
import { exportOnnx } from './index.js';
import { decode, expectOrtMatches, warmUpStatistics } from './testing/ort.js';

const mlp = () =>
  new nn.Sequential(
    new nn.Linear(8, 16),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Linear(16, 12),
    new nn.LeakyReLU(0.2),
    new nn.Linear(12, 5),
    new nn.Softmax(1),
  );

const mlpWithBatchNorm = () =>
  new nn.Sequential(
    new nn.Linear(8, 16),
    new nn.BatchNorm1d(16),
    new nn.Tanh(),
    new nn.Linear(16, 5),
    new nn.LogSoftmax(-1),
  );

const cnn = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1 }),
    new nn.ELU(),
    new nn.Flatten(),
    new nn.Linear(6 * 3 * 3, 10),
  );

describe('exportOnnx: the graph', () => {
  it('maps an MLP to Transpose/MatMul/Add/… with the parameters as named initializers and a symbolic batch', () => {
    manualSeed(0);
    const bytes = exportOnnx(mlp(), randn([4, 8]));
    const { graph, opsetImport, irVersion } = decode(bytes);
    expect(opsetImport[0]!.version).toBe(17);
    expect(irVersion).toBe(8);
    // Dropout is the identity in evaluation mode: nothing is traced for it.
    expect(graph.node.map((n) => n.opType)).toEqual([
      ...['Transpose', 'MatMul', 'Add', 'Relu'],
      ...['Transpose', 'MatMul', 'Add', 'LeakyRelu'],
      ...['Transpose', 'MatMul', 'Add', 'Softmax'],
    ]);
    expect(graph.node[0]!.name).toBe('0/Transpose'); // named by module path
    expect(graph.initializer.map((i) => i.name)).toEqual([
      ...['0.weight', '0.bias', '3.weight', '3.bias', '5.weight', '5.bias'],
    ]);
    expect(graph.input[0]!.name).toBe('input');
    expect(graph.input[0]!.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue)).toEqual([
      'batch',
      8,
    ]);
    expect(graph.output[0]!.name).toBe('output');
  });

  it('names the inputs and outputs as asked and fixes the batch with dynamicBatch: false', () => {
    const bytes = exportOnnx(mlp(), randn([4, 8]), {
      inputNames: ['pixels'],
      outputNames: ['probabilities'],
      dynamicBatch: false,
      opsetVersion: 13,
    });
    const { graph, opsetImport } = decode(bytes);
    expect(opsetImport[0]!.version).toBe(13);
    expect(graph.input[0]!.name).toBe('pixels');
    expect(graph.input[0]!.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue)).toEqual([4, 8]);
    expect(graph.output[0]!.name).toBe('probabilities');
  });

  it('restores training mode and leaves no tensor of the trace alive', () => {
    const model = mlpWithBatchNorm();
    model.train();
    const x = randn([4, 8]);
    const before = memory().tensors;
    exportOnnx(model, x);
    expect(memory().tensors).toBe(before);
    expect([...model.namedModules()].every(([, m]) => m.training)).toBe(true);
  });

  it('an op without an ONNX mapping is an error naming the op and the module', () => {
    class Running extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.cumsum(1);
      }
    }
    const model = new nn.Sequential(new nn.Linear(4, 4), new Running());
    expect(() => exportOnnx(model, randn([2, 4]))).toThrow(
      /^exportOnnx: op 'cumsum' \(in module '1'\) has no ONNX mapping yet; supported ops: add, /,
    );
    // The forward was restored: the module works as before and is not left wrapped.
    expect(Object.hasOwn(model.at(1), 'forward')).toBe(false);
  });

  it('a reshape that moves the batch out of the first dimension is an error unless the batch is fixed', () => {
    class Rows extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.reshape([1, -1]);
      }
    }
    const model = new nn.Sequential(new nn.Linear(3, 3), new Rows());
    expect(() => exportOnnx(model, randn([4, 3]))).toThrow(
      "exportOnnx: op 'reshape' (in module '1') cannot be exported: the batch dimension (4 in the example input) " +
        'leaves the first dimension in reshape to [1,12]',
    );
    expect(exportOnnx(model, randn([4, 3]), { dynamicBatch: false })).toBeInstanceOf(Uint8Array);
  });

  it('checks its options', () => {
    expect(() => exportOnnx(mlp(), randn([4, 8]), { opsetVersion: 7 })).toThrow(
      'exportOnnx: opsetVersion must be an integer from 13 to 21, got 7',
    );
    expect(() => exportOnnx(mlp(), randn([4, 8]), { inputNames: ['a', 'b'] })).toThrow(
      /exportOnnx: inputNames must be a list of one non-empty name/,
    );
    expect(() => exportOnnx(mlp(), randn([4, 8]), { batch: 2 } as never)).toThrow(/unknown option 'batch'/);
  });
});

describe.runIf(inject('runtime') === 'node')(
  'exportOnnx: ONNX Runtime (CPU) agrees with Myelin within 1e-4',
  () => {
    it('an MLP with ReLU, Dropout, LeakyReLU and Softmax, at batches 3 and 7', async () => {
      manualSeed(1);
      await expectOrtMatches(mlp(), [8]);
    });

    it('an MLP with BatchNorm1d (running statistics) and LogSoftmax', async () => {
      manualSeed(2);
      const model = mlpWithBatchNorm();
      warmUpStatistics(model, [8]);
      await expectOrtMatches(model, [8]);
    });

    it('a small CNN: Conv2d, BatchNorm2d, ReLU, MaxPool2d, strided Conv2d, ELU, Flatten, Linear', async () => {
      manualSeed(3);
      const model = cnn();
      warmUpStatistics(model, [1, 12, 12]);
      await expectOrtMatches(model, [1, 12, 12]);
    });

    it('LeNet-5 (classic: tanh and average pooling, 32×32) and its MNIST-sized ReLU/max-pooling variant', async () => {
      manualSeed(4);
      await expectOrtMatches(nn.models.lenet5(), [1, 32, 32]);
      await expectOrtMatches(
        nn.models.lenet5({ inputSize: 28, activation: 'relu', pooling: 'max' }),
        [1, 28, 28],
      );
    });

    it('adaptive average pooling (global and with equal windows)', async () => {
      manualSeed(5);
      const model = new nn.Sequential(
        new nn.Conv2d(2, 3, 3),
        new nn.AdaptiveAvgPool2d([2, 2]),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
      );
      await expectOrtMatches(model, [2, 10, 10]);
    });

    it('LayerNorm, GroupNorm, Maxout, Conv1d and AvgPool1d (composites and reshapes around the batch)', async () => {
      manualSeed(6);
      await expectOrtMatches(
        new nn.Sequential(new nn.Linear(5, 6), new nn.LayerNorm(6), new nn.Maxout(6, 3, 2)),
        [5],
      );
      const conv = new nn.Sequential(new nn.Conv1d(3, 4, 3, { padding: 1 }), new nn.AvgPool1d(2));
      await expectOrtMatches(new nn.Sequential(conv, new nn.GroupNorm(2, 4)), [3, 8]);
    });

    it('an Embedding on int32 token ids (the batch merged with the sequence and split again)', async () => {
      manualSeed(7);
      const model = new nn.Sequential(new nn.Embedding(10, 4), new nn.Flatten());
      await expectOrtMatches(model, [5], (batch) => randint(0, 10, [batch, 5]));
    });

    it('slice, cat, clamp, pow, reductions, expand, permute and argmax', async () => {
      class Mixer extends nn.Module {
        forward(x: Tensor): Tensor {
          const [a, b] = [x.slice(1, 0, 3), x.slice(1, 3, 6)];
          const c = cat([a.mul(2).clamp(-1, 1), b.abs().add(1).sqrt().pow(3).reciprocal()], 1); // [N, 6]
          const scale = c.max(1, true).sub(c.min(1, true)).add(1); // [N, 1]
          const d = c
            .div(scale.expand([x.shape[0]!, 6]))
            .sigmoid()
            .maximum(c.selu())
            .minimum(c.softsign().add(2));
          const grid = d.reshape([-1, 2, 3]).permute([0, 2, 1]); // [N, 3, 2]
          return grid
            .mean(2)
            .add(grid.sum([1, 2]).unsqueeze(1))
            .exp()
            .log()
            .neg()
            .square(); // [N, 3]
        }
      }
      manualSeed(8);
      // ReduceMax/ReduceMin take their axes as an attribute before opset 18 and as an input from 18.
      for (const opsetVersion of [13, 17, 18, 21]) {
        await expectOrtMatches(new Mixer(), [6], undefined, { opsetVersion });
      }
      class Classify extends nn.Module {
        forward(x: Tensor): Tensor {
          return x.argmax(1);
        }
      }
      await expectOrtMatches(new Classify(), [5]);
    });
  },
);
