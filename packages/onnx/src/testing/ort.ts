// Helpers of the exportOnnx tests: decoding the model, and running it in ONNX Runtime (Node) beside
// Myelin's forward.
import type * as nn from '@myelin/nn';
import { noGrad, randn, type Tensor } from '@myelin/tensor';
import { expect } from 'vitest';
import type { ExportOnnxOptions } from '../export.js';
import { exportOnnx } from '../index.js';
import { ModelProto } from '../proto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runtime: 'node' | 'deno' | 'chromium';
  }
}

/** The decoded graph: node op types and initializer names. */
export function decode(bytes: Uint8Array) {
  const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as {
    irVersion: number;
    opsetImport: { version: number }[];
    graph: {
      node: { opType: string; name: string }[];
      initializer: { name: string; dims: number[] }[];
      input: {
        name: string;
        type: { tensorType: { shape: { dim: { dimValue: number; dimParam: string }[] } } };
      }[];
      output: { name: string }[];
    };
  };
  return model;
}

/** Myelin's eval-mode output for `x`. */
export function reference(model: nn.Module, x: Tensor): { data: Float32Array | Int32Array; shape: number[] } {
  model.eval();
  return noGrad(() => {
    const y: Tensor = model.forward(x);
    return { data: y.data(), shape: [...y.shape] };
  });
}

/** Runs the exported model in ONNX Runtime on `x` (input named 'input', float32 or int32). */
export async function runOrt(
  bytes: Uint8Array,
  x: Tensor,
): Promise<{ data: Float32Array | Int32Array; dims: readonly number[] }> {
  // A computed specifier so that the browser run's bundler does not try to bundle the native module.
  const name = 'onnxruntime-node';
  const ort: typeof import('onnxruntime-node') = await import(/* @vite-ignore */ name);
  const session = await ort.InferenceSession.create(bytes);
  const data = x.data();
  const input = new ort.Tensor(data instanceof Int32Array ? 'int32' : 'float32', data, [...x.shape]);
  const { output } = await session.run({ input });
  return { data: output!.data as Float32Array | Int32Array, dims: output!.dims };
}

/**
 * Exports with a batch of 4 (of `sample(batch)`, default random normal) and checks ORT against
 * Myelin at batches 3 and 7.
 */
export async function expectOrtMatches(
  model: nn.Module,
  shape: readonly number[],
  sample: (batch: number) => Tensor = (batch) => randn([batch, ...shape]),
  options: ExportOnnxOptions = {},
): Promise<void> {
  model.eval();
  const bytes = exportOnnx(model, sample(4), options);
  for (const batch of [3, 7]) {
    const x = sample(batch);
    const { data: expected, shape } = reference(model, x);
    const actual = await runOrt(bytes, x);
    expect(actual.dims).toEqual(shape);
    expect(shape[0]).toBe(batch);
    let worst = 0;
    for (let i = 0; i < expected.length; i++)
      worst = Math.max(worst, Math.abs(actual.data[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-4);
  }
}

/** Runs a few batches through `model` in training mode so BatchNorm's running statistics move. */
export function warmUpStatistics(model: nn.Module, sample: readonly number[]): void {
  model.train();
  noGrad(() => {
    for (let i = 0; i < 5; i++)
      model.forward(
        randn([16, ...sample])
          .mul(2)
          .add(1),
      );
  });
  model.eval();
}
