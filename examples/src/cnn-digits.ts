// The CNN chapter's claims on the bundled 8×8 digits, in seconds (course notes 001_b1d89e8e5c8deb0f.txt
// §17 "Convolutional Neural Networks" (Table 1: locality, translation invariance, parameter
// efficiency), §19.1 "Convolution Layer", §19.3 "Pooling Layer", §20 "CNN Size Arithmetic";
// 002_267a31ebb5518d37.txt §4.2 "Convolutional Neural Networks" and its trivia):
// - size arithmetic: every layer's output size, as `summary()` prints it, is the notes' formula
//   ⌊(W₁ − F + 2P)/S⌋ + 1 (pooling: ⌊(W₁ − F)/S⌋ + 1), a convolution has F·F·D₁·K + K parameters and
//   pooling none; the notes' worked examples (7×7 → 5×5, stride 2 → 3×3, 32×32×3 → 32×32×10 with 760
//   parameters) hold for `convOutputSize` and `Conv2d`;
// - weight sharing: the first convolution has 8 filters of 3×3 weights, over 400× fewer parameters
//   than a Linear layer making the same 8×8×8 outputs from the same 64 pixels;
// - a tiny CNN reaches a higher test accuracy than an MLP with more parameters, trained with the
//   same budget (optimizer, epochs, batches); both are trained on `runs` seeds and their mean test
//   accuracies compared, as the margin is about one point.
//
//   node examples/dist/cnn-digits.js [--epochs 15] [--runs 3] [--lr 0.01] [--batch 32] [--seed 0]
import { loadDigits, trainTestSplit } from '@myelin/data';
import {
  Conv2d,
  convOutputSize,
  crossEntropy,
  evaluate,
  Flatten,
  fit,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  summary,
} from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, type Tensor, zeros } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

export const defaults = { epochs: 15, runs: 3, lr: 1e-2, batch: 32, seed: 0, verbose: 1 };

/** Conv(1→8) → pool → Conv(8→16) → pool → Linear(64→10) on [N, 1, 8, 8] images: 1,898 parameters. */
export function tinyCnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 2 * 2, 10),
  );
}

/** 64 pixels → 32 ReLU units → 10: 2,410 parameters (more than the CNN's). */
export function mlp(): Sequential {
  return new Sequential(new Flatten(), new Linear(64, 32), new ReLU(), new Linear(32, 10));
}

/** Checks every Conv2d and MaxPool2d layer's output size (set by `summary`) and parameters against the notes' formulas. */
function checkArithmetic(model: Sequential, inputSize: number, inputChannels: number): boolean {
  let [size, channels] = [inputSize, inputChannels];
  let ok = true;
  for (const layer of model.children()) {
    const shape = layer.lastOutputShape!;
    if (layer instanceof Conv2d) {
      const p = Array.isArray(layer.padding) ? layer.padding[0] : Number.NaN; // 'same'/'valid' are not in the notes
      const [f, s, k] = [layer.kernelSize[0], layer.stride[0], layer.outChannels];
      size = Math.floor((size - f + 2 * p) / s) + 1; // 001 §20.1
      ok &&= shape[1] === k && shape[2] === size && layer.numParameters() === f * f * channels * k + k;
      channels = k;
    } else if (layer instanceof MaxPool2d) {
      const [f, s] = [layer.kernelSize[0], layer.stride[0]];
      size = Math.floor((size - f) / s) + 1; // 001 §20.2
      ok &&= shape[1] === channels && shape[2] === size && layer.numParameters() === 0;
    }
  }
  return ok;
}

/** Trains a fresh model of each kind on each seed with the same budget; returns their test accuracies. */
async function compare(
  makers: Record<string, () => Module>,
  split: { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor },
  options: typeof defaults,
): Promise<Record<string, number[]>> {
  const accuracies: Record<string, number[]> = {};
  for (const [name, make] of Object.entries(makers)) {
    accuracies[name] = [];
    for (let run = 0; run < options.runs; run++) {
      manualSeed(options.seed + run);
      const model = make();
      const optimizer = new Adam(model.parameters(), { lr: options.lr });
      await fit(model, [split.xTrain, split.yTrain], {
        optimizer,
        loss: crossEntropy,
        epochs: options.epochs,
        batchSize: options.batch,
        seed: options.seed + run,
        verbose: 0,
      });
      accuracies[name].push(
        evaluate(model, [split.xTest, split.yTest], { metrics: ['accuracy'] })['accuracy']!,
      );
      optimizer.dispose();
      model.dispose();
    }
  }
  return accuracies;
}

/** Checks the CNN chapter's size arithmetic, weight sharing and accuracy claims on the digits. */
export async function runCnnDigits(overrides: Partial<typeof defaults> = {}): Promise<{
  parameters: { cnn: number; mlp: number; conv: number; dense: number };
  accuracies: { cnn: number[]; mlp: number[] };
  claims: Claims;
}> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const claims = new Claims(log);

  // the notes' worked examples (002 §4.2 trivia 1–3)
  const notes = new Conv2d(3, 10, 5, { padding: 2 });
  const input = zeros([1, 3, 32, 32]);
  summary(notes, input); // sets notes.lastOutputShape
  input.dispose();
  const notesShape = notes.lastOutputShape!;
  claims.check(
    `002 §4.2: 7×7 input, 3×3 kernel → ${convOutputSize(7, 3)}×${convOutputSize(7, 3)}; stride 2 → ${convOutputSize(7, 3, { stride: 2 })}×${convOutputSize(7, 3, { stride: 2 })}`,
    convOutputSize(7, 3) === 5 && convOutputSize(7, 3, { stride: 2 }) === 3,
  );
  claims.check(
    `002 §4.2: 32×32×3 input, 10 filters 5×5, pad 2 → ${notesShape.slice(2).join('×')}×${notesShape[1]} with ${notes.numParameters()} parameters (5·5·3 + 1 per filter)`,
    notesShape.join() === '1,10,32,32' && notes.numParameters() === 760,
  );
  notes.dispose();

  manualSeed(options.seed);
  const cnn = tinyCnn();
  const dense = mlp();
  const example = zeros([1, 1, 8, 8]);
  log(`\nThe tiny CNN (summary):\n${summary(cnn, example)}\n`);
  log(`The MLP it is compared with:\n${summary(dense, example)}\n`);
  example.dispose();
  claims.check(
    '001 §20: every convolution and pooling layer’s output size is ⌊(W₁ − F + 2P)/S⌋ + 1 (pooling ⌊(W₁ − F)/S⌋ + 1); conv parameters F·F·D₁·K + K, pooling none',
    checkArithmetic(cnn, 8, 1),
  );
  const conv = (cnn.children().next().value as Conv2d).numParameters();
  const denseEquivalent = 64 * (8 * 8 * 8) + 8 * 8 * 8; // Linear(64 → 512): a weight per pixel per output, a bias per output
  claims.check(
    `weight sharing (001 §20.1): the first convolution has ${conv} parameters, a Linear layer making the same 8×8×8 outputs ${denseEquivalent.toLocaleString('en')} (${Math.round(denseEquivalent / conv)}× more)`,
    denseEquivalent / conv > 100,
  );
  const parameters = { cnn: cnn.numParameters(), mlp: dense.numParameters(), conv, dense: denseEquivalent };
  cnn.dispose();
  dense.dispose();

  const { data, target } = loadDigits();
  const images = data.div(16).reshape([-1, 1, 8, 8]); // pixels 0–16 → [0, 1], as images
  const split = trainTestSplit(images, target, { testSize: 0.25, stratify: true, seed: options.seed });
  log(
    `Training each ${options.runs} time(s) (seeds ${options.seed}–${options.seed + options.runs - 1}) for ${options.epochs} epochs, Adam lr ${options.lr}, batch ${options.batch}; test set ${split.xTest.shape[0]} digits:`,
  );
  const accuracies = (await compare({ cnn: tinyCnn, mlp }, split, options)) as {
    cnn: number[];
    mlp: number[];
  };
  for (const t of [data, target, images, split.xTrain, split.yTrain, split.xTest, split.yTest]) t.dispose();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const percent = (values: number[]) => values.map((a) => `${(a * 100).toFixed(1)}%`).join(', ');
  log(
    `  CNN (${parameters.cnn} parameters): ${percent(accuracies.cnn)}; mean ${(mean(accuracies.cnn) * 100).toFixed(2)}%`,
  );
  log(
    `  MLP (${parameters.mlp} parameters): ${percent(accuracies.mlp)}; mean ${(mean(accuracies.mlp) * 100).toFixed(2)}%`,
  );
  claims.check(
    `the CNN, with fewer parameters (${parameters.cnn} vs ${parameters.mlp}), reaches a higher mean test accuracy than the MLP on the same budget`,
    parameters.cnn < parameters.mlp && mean(accuracies.cnn) > mean(accuracies.mlp),
  );
  return { parameters, accuracies, claims };
}

if (isMain(import.meta.url)) exitIfFailed((await runCnnDigits(parseArgs(defaults))).claims);
