// Export to ONNX: train a tiny CNN on the bundled UCI digits (8×8 images) for a few epochs, export it
// with exportOnnx, run the exported model in ONNX Runtime (onnxruntime-node, when it is installed)
// and print Myelin's and ONNX Runtime's outputs side by side.
//
//   node examples/dist/onnx-export.js [--epochs 5] [--seed 0] [--out digits-cnn.onnx]
import { loadDigits, trainTestSplit } from '@myelin/data';
import {
  BatchNorm2d,
  Conv2d,
  crossEntropy,
  evaluate,
  Flatten,
  fit,
  Linear,
  MaxPool2d,
  predict,
  ReLU,
  Sequential,
} from '@myelin/nn';
import { exportOnnx } from '@myelin/onnx';
import { Adam } from '@myelin/optim';
import { manualSeed, type Tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

/** The example's options (all can be given on the command line as --name value). */
export const defaults = { epochs: 5, seed: 0, shown: 5, out: 'digits-cnn.onnx', verbose: 1 };

/** What the example found. */
export interface OnnxExportResult {
  testAccuracy: number;
  /** Size of the .onnx model in bytes. */
  bytes: number;
  /** The largest |Myelin − ONNX Runtime| over the test images' logits; null without ONNX Runtime. */
  maxDifference: number | null;
}

/** A session runner for the exported model, or null when onnxruntime-node is not available. */
async function onnxRuntime(): Promise<((model: Uint8Array, x: Tensor) => Promise<Float32Array>) | null> {
  // A computed specifier: bundlers for the browser leave it alone, and the import fails there.
  const name = 'onnxruntime-node';
  const ort = await import(/* @vite-ignore */ name).catch(() => null);
  if (ort === null) return null;
  return async (model, x) => {
    const session = await ort.InferenceSession.create(model);
    const input = new ort.Tensor('float32', x.data(), [...x.shape]);
    const { output } = await session.run({ input });
    return output.data as Float32Array;
  };
}

/** Trains, exports and compares; returns the test accuracy, model size and largest difference. */
export async function runOnnxExport(overrides: Partial<typeof defaults> = {}): Promise<OnnxExportResult> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  manualSeed(options.seed);

  const { data, target } = loadDigits();
  const images = data.div(16).reshape([-1, 1, 8, 8]); // pixels 0–16 → [0, 1], as images
  const split = trainTestSplit(images, target, { testSize: 0.2, stratify: true, seed: options.seed });
  const model = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }),
    new BatchNorm2d(8),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(8 * 4 * 4, 10),
  );
  await fit(model, [split.xTrain, split.yTrain], {
    optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
    loss: crossEntropy,
    epochs: options.epochs,
    batchSize: 32,
    seed: options.seed,
    verbose: 0,
  });
  const testAccuracy = evaluate(model, [split.xTest, split.yTest], { metrics: ['accuracy'] })['accuracy']!;
  log(
    `Tiny CNN on the digits: ${(testAccuracy * 100).toFixed(1)}% test accuracy after ${options.epochs} epochs`,
  );

  // Any batch size works with the exported model (the batch dimension is symbolic).
  const onnx = exportOnnx(model, split.xTest.slice(0, 0, 2), {
    inputNames: ['input'],
    outputNames: ['output'],
  });
  log(`Exported to ONNX: ${onnx.length} bytes (opset 17)`);
  if (options.out !== '') {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(options.out, onnx);
    log(`Wrote ${options.out}`);
  }

  const ours = predict(model, split.xTest).data() as Float32Array;
  const run = await onnxRuntime();
  if (run === null) {
    log('onnxruntime-node is not installed here: skipping the comparison');
    return { testAccuracy, bytes: onnx.length, maxDifference: null };
  }
  const theirs = await run(onnx, split.xTest);
  let maxDifference = 0;
  for (let i = 0; i < ours.length; i++)
    maxDifference = Math.max(maxDifference, Math.abs(ours[i]! - theirs[i]!));

  log(`\nLogits of the first ${options.shown} test images (Myelin | ONNX Runtime), classes 0–9:`);
  for (let n = 0; n < options.shown; n++) {
    const row = (values: Float32Array) =>
      Array.from(values.subarray(n * 10, n * 10 + 10), (v) => v.toFixed(3).padStart(8)).join('');
    log(`  image ${n} ${row(ours)}\n          ${row(theirs)}`);
  }
  log(`Largest difference over ${split.xTest.shape[0]} test images: ${maxDifference.toExponential(2)}`);
  return { testAccuracy, bytes: onnx.length, maxDifference };
}

if (isMain(import.meta.url)) await runOnnxExport(parseArgs(defaults));
