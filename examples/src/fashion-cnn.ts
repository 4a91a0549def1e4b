// A convolutional network on Fashion-MNIST (70,000 28×28 grey images of clothing, 10 classes): the
// course's LeNet-5 (notes 001 "SoC: Learning in a Library", the CNN chapter; conv arithmetic in 002
// "The Deep Learning Guide" §4.2) with ReLU and max pooling, trained with Adam (cosine-annealed) by `fit`, a validation
// split held out of the training images, and the test accuracy with per-class accuracies at the end.
//
// Data: Debian's `dataset-fashion-mnist` package (`apt-get install dataset-fashion-mnist`, MIT
// licence; `scripts/bootstrap.sh` installs it), or `--root DIR` holding the four .gz files.
//
//   node examples/dist/fashion-cnn.js [--epochs 8] [--seed 0] [--lr 0.001] [--batch 64] [--limit 0]
//                                     [--root /usr/share/datasets/fashion-mnist] [--verbose 1]
import { loadFashionMNIST, trainTestSplit } from '@myelin/data';
import {
  confusionMatrix,
  crossEntropy,
  evaluate,
  fit,
  LearningRateScheduler,
  models,
  predict,
} from '@myelin/nn';
import { Adam, CosineAnnealingLR } from '@myelin/optim';
import { kernels, manualSeed, type Tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

/** The job's options (all can be given on the command line as --name value). */
export const defaults = {
  epochs: 8,
  seed: 0,
  lr: 1e-3,
  batch: 64,
  /** Use only the first `limit` training and test images (0: all). */
  limit: 0,
  root: '/usr/share/datasets/fashion-mnist',
  verbose: 1,
};

/** Fashion-MNIST's pixel mean and standard deviation over the training images. */
const MEAN = 0.286;
const STD = 0.353;

/** Trains LeNet-5 on Fashion-MNIST; returns the test accuracy and the seconds of training. */
export async function trainFashion(
  overrides: Partial<typeof defaults> = {},
): Promise<{ testAccuracy: number; seconds: number }> {
  const options = { ...defaults, ...overrides };
  manualSeed(options.seed);
  const log = options.verbose > 0 ? console.log : () => {};
  const limit = options.limit > 0 ? options.limit : undefined;
  const train = await loadFashionMNIST({ root: options.root, split: 'train', limit });
  const test = await loadFashionMNIST({ root: options.root, split: 'test', limit });
  const normalise = (x: Tensor) => {
    const out = x.sub(MEAN).div(STD);
    x.dispose();
    return out;
  };
  const [images, testImages] = [normalise(train.images), normalise(test.images)];
  const split = trainTestSplit(images, train.labels, {
    testSize: 1 / 12,
    stratify: true,
    seed: options.seed,
  });
  images.dispose();
  train.labels.dispose();
  log(
    `Fashion-MNIST: train ${split.xTrain.shape[0]}, validation ${split.xTest.shape[0]}, test ${testImages.shape[0]} ` +
      `images of 28×28; kernels: ${kernels.variant} build`,
  );

  const model = models.lenet5({ inputSize: 28, activation: 'relu', pooling: 'max' });
  const started = performance.now();
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const history = await fit(model, [split.xTrain, split.yTrain], {
    optimizer,
    // The learning rate follows a cosine from lr down to 0 over the run (one step per epoch).
    callbacks: [new LearningRateScheduler(new CosineAnnealingLR(optimizer, { tMax: options.epochs }))],
    loss: crossEntropy,
    epochs: options.epochs,
    batchSize: options.batch,
    seed: options.seed,
    validationData: [split.xTest, split.yTest],
    metrics: ['accuracy'],
    verbose: options.verbose as 0 | 1 | 2,
  });
  const seconds = (performance.now() - started) / 1000;

  const result = evaluate(model, [testImages, test.labels], { loss: crossEntropy, metrics: ['accuracy'] });
  const predicted = predict(model, testImages).argmax(1);
  const matrix = confusionMatrix(predicted.data(), test.labels.data(), 10);
  predicted.dispose();
  const samples = (split.xTrain.shape[0]! * history.epochs.length) / seconds;
  log(`\n${model.toString()}\n`);
  log(`Trained ${history.epochs.length} epochs in ${seconds.toFixed(1)} s (${Math.round(samples)} images/s)`);
  log(
    `Test accuracy: ${(result['accuracy']! * 100).toFixed(2)}% (loss ${result['loss']!.toFixed(4)}) on ${testImages.shape[0]} images\n`,
  );
  log('Per class:');
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    log(`  ${test.classes[i]!.padEnd(12)} ${((100 * row[i]!) / Math.max(total, 1)).toFixed(1).padStart(5)}%`);
  });
  for (const t of [split.xTrain, split.yTrain, split.xTest, split.yTest, testImages, test.labels])
    t.dispose();
  model.dispose();
  return { testAccuracy: result['accuracy']!, seconds };
}

if (isMain(import.meta.url)) await trainFashion(parseArgs(defaults));
