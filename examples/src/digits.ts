// The main job: train a multilayer perceptron on the bundled UCI hand-written digits (8×8 images),
// with a stratified train/validation/test split, standardised features, Adam and early stopping;
// print the test accuracy and the confusion matrix, and save the weights (safetensors).
//
//   node examples/dist/digits.js [--epochs 100] [--seed 0] [--hidden 128] [--patience 20] [--dropout 0.2] [--lr 0.001]
//                                [--smoothing 0.1] [--monitor valLoss]
//                                [--out digits-mlp.safetensors]
import { loadDigits, StandardScaler, trainValidationTestSplit } from '@myelin/data';
import {
  confusionMatrix,
  crossEntropy,
  Dropout,
  EarlyStopping,
  evaluate,
  fit,
  Linear,
  predict,
  ReLU,
  Sequential,
  saveModuleFile,
} from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { kernels, manualSeed } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

/** The job's options (all can be given on the command line as --name value). */
export const defaults = {
  epochs: 100,
  seed: 0,
  hidden: 128,
  patience: 20,
  dropout: 0.2,
  lr: 1e-3,
  smoothing: 0.1,
  monitor: 'valLoss',
  out: 'digits-mlp.safetensors',
  verbose: 1,
};

/** Trains and evaluates the digits MLP; returns the test accuracy and the number of epochs run. */
export async function trainDigits(
  overrides: Partial<typeof defaults> = {},
): Promise<{ testAccuracy: number; epochs: number }> {
  const options = { ...defaults, ...overrides };
  manualSeed(options.seed);
  const started = performance.now();

  const { data, target } = loadDigits();
  const split = trainValidationTestSplit(data, target, {
    validationSize: 0.15,
    testSize: 0.2,
    stratify: true,
    seed: options.seed,
  });
  const scaler = new StandardScaler().fit(split.xTrain);
  const [xTrain, xValidation, xTest] = [split.xTrain, split.xValidation, split.xTest].map((x) =>
    scaler.transform(x),
  ) as [typeof data, typeof data, typeof data];
  const log = options.verbose > 0 ? console.log : () => {};
  log(
    `Digits: ${data.shape[0]} images of 8×8 pixels, 10 classes — train ${xTrain.shape[0]}, validation ${xValidation.shape[0]}, ` +
      `test ${xTest.shape[0]} (stratified, seed ${options.seed}); kernels: ${kernels.variant} build`,
  );

  const model = new Sequential(
    new Linear(64, options.hidden),
    new ReLU(),
    new Dropout(options.dropout),
    new Linear(options.hidden, options.hidden),
    new ReLU(),
    new Linear(options.hidden, 10),
  );
  const history = await fit(model, [xTrain, split.yTrain], {
    optimizer: new Adam(model.parameters(), { lr: options.lr }),
    loss: (output, y) => crossEntropy(output, y, { labelSmoothing: options.smoothing }),
    epochs: options.epochs,
    batchSize: 32,
    seed: options.seed,
    validationData: [xValidation, split.yValidation],
    metrics: ['accuracy'],
    verbose: options.verbose as 0 | 1 | 2,
    callbacks: [
      new EarlyStopping({ monitor: options.monitor, patience: options.patience, restoreBestWeights: true }),
    ],
  });

  const test = evaluate(model, [xTest, split.yTest], { loss: crossEntropy, metrics: ['accuracy'] });
  const predicted = predict(model, xTest).argmax(1).data();
  const matrix = confusionMatrix(predicted, split.yTest.data(), 10);

  log(`\n${model.toString()}\n`);
  log(
    `Trained ${history.epochs.length} epochs (${history.stopReason}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  log(
    `Test accuracy: ${(test['accuracy']! * 100).toFixed(2)}% (loss ${test['loss']!.toFixed(4)}) on ${xTest.shape[0]} unseen images\n`,
  );
  log('Confusion matrix (rows: true digit, columns: predicted):');
  log(`      ${Array.from({ length: 10 }, (_, i) => String(i).padStart(4)).join('')}`);
  matrix.forEach((row, i) => {
    log(`  ${String(i).padStart(2)}  ${row.map((v) => String(v).padStart(4)).join('')}`);
  });
  if (options.out !== '') {
    await saveModuleFile(model, options.out, {
      dataset: 'uci-digits',
      testAccuracy: test['accuracy']!.toFixed(4),
    });
    log(`\nSaved the weights to ${options.out} (safetensors)`);
  }
  return { testAccuracy: test['accuracy']!, epochs: history.epochs.length };
}

if (isMain(import.meta.url)) await trainDigits(parseArgs(defaults));
