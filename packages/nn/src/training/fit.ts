import { cat, clipGradNorm, noGrad, type Tensor, tidy } from '@myelin/tensor';
import { withMaskGenerator } from '../layers/dropout.js';
import type { Module } from '../module.js';
import { l1Penalty, l2Penalty } from '../regularization.js';
import {
  checkOptions,
  describeValue,
  positive,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';
import { batchesOf, generatorFor, sizeOf, type TrainingData } from './batches.js';
import type { Callback, Logs, OptimizerLike, TrainingContext } from './callbacks.js';
import { type Metric, metricByName } from './metrics.js';
import { ProgressReporter, type Verbosity } from './progress.js';
import { makeYielder } from './yield.js';

const FIT_OPTIONS: readonly (keyof FitOptions)[] = [
  'optimizer',
  'loss',
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validationData',
  'validationSplit',
  'metrics',
  'callbacks',
  'regularization',
  'clipGradNorm',
  'verbose',
  'signal',
  'terminateOnNaN',
];

/** Throws unless `model` is a Module (anything with forward()). */
function requireModel(fn: string, model: unknown): void {
  if (typeof (model as Partial<Module> | null)?.forward !== 'function')
    throw new TypeError(`${fn}: model must be a Module with forward(), got ${describeValue(model)}`);
}

/** Throws unless `list` (when given) is an array. */
function requireList(fn: string, name: string, list: unknown): void {
  if (list !== undefined && !Array.isArray(list))
    throw new TypeError(`${fn}: ${name} must be an array, got ${describeValue(list)}`);
}

/** A loss: (model output, targets) → scalar tensor. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** Options of {@link fit}. */
export interface FitOptions {
  optimizer: OptimizerLike;
  loss: LossFn;
  epochs?: number;
  /** For tensor and dataset data (a DataLoader brings its own). Default 32. */
  batchSize?: number;
  /** Shuffle tensor/dataset data each epoch (default true). */
  shuffle?: boolean;
  /**
   * Seed of the shuffling and of Dropout's masks (default: the global generator). A seeded fit draws
   * from a generator of its own, so concurrent fits with the same seed give identical weights.
   */
  seed?: number;
  validationData?: TrainingData;
  /** Hold out this fraction of [inputs, targets] (the last samples, before shuffling) for validation. */
  validationSplit?: number;
  metrics?: readonly (Metric | string)[];
  callbacks?: readonly Callback[];
  /** Penalties added to the training loss: coefficients of l1Penalty / l2Penalty, or a function of the model. */
  regularization?: { l1?: number; l2?: number } | ((model: Module) => Tensor);
  /** Clip the gradients' joint norm before each step. */
  clipGradNorm?: number;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: Verbosity;
  /** Stops training between batches when aborted. */
  signal?: AbortSignal;
  /**
   * Stop when a batch's loss is NaN or infinite, before that step changes the weights (default true;
   * History.stopReason says where and why).
   */
  terminateOnNaN?: boolean;
}

/** What {@link fit} returns: per-epoch logs. */
export class History {
  /** Epochs run, 0-based. */
  readonly epochs: number[] = [];
  /** Each logged value per epoch: 'loss', 'accuracy', 'valLoss', 'valAccuracy', …. */
  readonly history: Record<string, number[]> = {};
  /** 'completed', 'aborted', or the reason a callback stopped training. */
  stopReason = 'completed';

  /** @internal */
  record(epoch: number, logs: Logs): void {
    this.epochs.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      this.history[k] ??= [];
      this.history[k].push(v);
    }
  }

  /** The values of one key, e.g. `history.get('valLoss')`. */
  get(key: string): number[] {
    return this.history[key] ?? [];
  }
}

function resolveMetrics(metrics: readonly (Metric | string)[] = []): Metric[] {
  return metrics.map((m) => (typeof m === 'string' ? metricByName(m) : m));
}

type TensorPair = [Tensor, Tensor];

function splitValidation(data: TrainingData, fraction: number): [TensorPair, TensorPair] {
  if (!Array.isArray(data) || data.length !== 2)
    throw new RangeError('fit: validationSplit needs [inputs, targets] tensors');
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1))
    throw new RangeError(`fit: validationSplit must be a number in (0, 1), got ${describeValue(fraction)}`);
  const [x, y] = data as [Tensor, Tensor];
  const n = x.shape[0]!;
  if (y.shape[0] !== n) throw new RangeError(`fit: inputs have ${n} samples but targets have ${y.shape[0]}`);
  const cut = Math.round(n * (1 - fraction));
  if (cut < 1 || cut >= n)
    throw new RangeError(`fit: validationSplit ${fraction} leaves an empty part of ${n} samples`);
  return [
    [x.slice(0, 0, cut), y.slice(0, 0, cut)],
    [x.slice(0, cut), y.slice(0, cut)],
  ];
}

function checkFitOptions(model: Module, options: FitOptions): void {
  requireModel('fit', model);
  if (options === undefined)
    throw new TypeError(
      'fit: options { optimizer, loss, ... } are required (e.g. { optimizer, loss: crossEntropy })',
    );
  checkOptions('fit', options, FIT_OPTIONS);
  const { epochs = 1, batchSize = 32 } = options;
  requireInteger('fit', 'epochs', epochs, 1);
  requireInteger('fit', 'batchSize', batchSize, 1);
  requireBoolean('fit', 'shuffle', options.shuffle ?? true);
  requireBoolean('fit', 'terminateOnNaN', options.terminateOnNaN ?? true);
  if (options.seed !== undefined) requireInteger('fit', 'seed', options.seed);
  requireChoice('fit', 'verbose', options.verbose ?? 1, [0, 1, 2]);
  requireList('fit', 'metrics', options.metrics);
  requireList('fit', 'callbacks', options.callbacks);
  const { regularization } = options;
  if (regularization !== undefined && typeof regularization !== 'function') {
    checkOptions('fit: regularization', regularization, ['l1', 'l2']);
    if (regularization.l1 !== undefined) requireNumber('fit', 'regularization.l1', regularization.l1);
    if (regularization.l2 !== undefined) requireNumber('fit', 'regularization.l2', regularization.l2);
  }
  if (typeof options.optimizer?.step !== 'function' || typeof options.optimizer?.zeroGrad !== 'function') {
    throw new TypeError(
      'fit: optimizer must have step() and zeroGrad() (e.g. new Adam(model.parameters()) from @myelin/optim)',
    );
  }
  if (typeof options.loss !== 'function')
    throw new TypeError('fit: loss must be a function (output, target) => Tensor, e.g. crossEntropy');
  if (options.clipGradNorm !== undefined)
    requireNumber('fit', 'clipGradNorm', options.clipGradNorm, positive);
}

/**
 * Trains `model` on `data` (tensors, a DataLoader or a dataset) for `epochs`, with optional
 * validation, metrics, callbacks (early stopping, schedules, checkpoints), regularisation and
 * gradient clipping, and returns the History. Owns its memory: every step runs in a scope, so memory
 * stays flat for any number of epochs. Yields to the event loop between batches (a page or progress
 * bar stays live); `signal` stops it between batches (History.stopReason 'aborted'). However it
 * ends — even by throwing — it keeps no tensor alive that it made (callbacks get onTrainError).
 *
 * @example
 * const history = await fit(model, [xTrain, yTrain], {
 *   optimizer: new Adam(model.parameters(), { lr: 1e-3 }), loss: crossEntropy,
 *   epochs: 50, validationData: [xVal, yVal], metrics: ['accuracy'],
 *   callbacks: [new EarlyStopping({ patience: 5, restoreBestWeights: true })],
 * });
 */
export async function fit(model: Module, data: TrainingData, options: FitOptions): Promise<History> {
  checkFitOptions(model, options);
  const { callbacks = [] } = options;
  // Views of the caller's data made here (validationSplit): released however fit ends, so that
  // disposing the data frees it (issue 12 #17).
  let views: Tensor[] = [];
  let trainData = data;
  let validationData = options.validationData;
  if (options.validationSplit !== undefined) {
    const [trainPart, validationPart] = splitValidation(data, options.validationSplit);
    views = [...trainPart, ...validationPart];
    [trainData, validationData] = [trainPart, validationPart];
  }
  const context: TrainingContext = {
    model,
    optimizer: options.optimizer,
    epochs: options.epochs ?? 1,
    stopTraining: false,
  };
  const wasTraining = model.training;
  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(context);
    const history = await train(model, trainData, validationData, options, context);
    model.train(wasTraining);
    for (const cb of callbacks) await cb.onTrainEnd?.(context);
    return history;
  } catch (error) {
    // Callbacks release what they hold (EarlyStopping's best weights); the original error wins.
    for (const cb of callbacks) {
      try {
        await cb.onTrainError?.(error, context);
      } catch {
        // Ignored: the error that stopped training is the one to report.
      }
    }
    throw error;
  } finally {
    model.train(wasTraining);
    for (const t of views) t.dispose();
  }
}

/** The epochs of {@link fit}, between onTrainBegin and onTrainEnd. */
async function train(
  model: Module,
  trainData: TrainingData,
  validationData: TrainingData | undefined,
  options: FitOptions,
  context: TrainingContext,
): Promise<History> {
  const {
    epochs = 1,
    batchSize = 32,
    shuffle = true,
    verbose = 1,
    callbacks = [],
    terminateOnNaN = true,
  } = options;
  const metrics = resolveMetrics(options.metrics);
  const generator = generatorFor(options.seed);
  const history = new History();
  const progress = new ProgressReporter(verbose, epochs, sizeOf(trainData, batchSize).batches);
  const yieldNow = makeYielder();
  const regularization = options.regularization;
  const penalty = (): Tensor | null => {
    if (regularization === undefined) return null;
    if (typeof regularization === 'function') return regularization(model);
    let total: Tensor | null = null;
    if (regularization.l1) total = l1Penalty(model).mul(regularization.l1);
    if (regularization.l2)
      total =
        total === null
          ? l2Penalty(model).mul(regularization.l2)
          : total.add(l2Penalty(model).mul(regularization.l2));
    return total;
  };

  for (let epoch = 0; epoch < epochs && !context.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, context);
    model.train();
    for (const m of metrics) m.reset();
    const started = performance.now();
    let lossSum = 0;
    let seen = 0;
    let batch = 0;
    for (const [xb, yb] of batchesOf(trainData, batchSize, shuffle, generator)) {
      if (options.signal?.aborted) {
        context.stopTraining = true;
        context.stopReason = 'aborted';
        break;
      }
      const size = xb!.shape[0]!;
      // Dropout draws its masks from this fit's generator (when seeded), not from the shared one.
      const lossValue = withMaskGenerator(generator, () =>
        tidy(() => {
          options.optimizer.zeroGrad();
          const output = model.forward(xb!);
          const loss = options.loss(output, yb!);
          const extra = penalty();
          (extra === null ? loss : loss.add(extra)).backward();
          const value = loss.item();
          // A non-finite loss would make every weight NaN: stop before the step (the weights stay as
          // they were), unless the caller asked to go on.
          if (!Number.isFinite(value) && terminateOnNaN) return value;
          if (options.clipGradNorm !== undefined) clipGradNorm(model.parameters(), options.clipGradNorm);
          options.optimizer.step();
          for (const m of metrics) m.update(output, yb!);
          return value;
        }),
      );
      if (!Number.isFinite(lossValue) && terminateOnNaN) {
        context.stopTraining = true;
        context.stopReason =
          `non-finite loss (${lossValue}) at epoch ${epoch + 1}, batch ${batch + 1}; the weights are those before ` +
          'that step (check the data and the learning rate; detectAnomaly() from @myelin/tensor names the op ' +
          'that made the first NaN/Inf; { terminateOnNaN: false } trains on regardless)';
        break;
      }
      lossSum += lossValue * size;
      seen += size;
      progress.batch(batch, lossSum / seen, seen, (performance.now() - started) / 1000, epoch);
      for (const cb of callbacks) await cb.onBatchEnd?.(batch, { loss: lossValue, size }, context);
      batch++;
      await yieldNow();
    }
    if (context.stopReason === 'aborted' || context.stopReason?.startsWith('non-finite')) break;
    const logs: Logs = { loss: lossSum / Math.max(seen, 1) };
    for (const m of metrics) logs[m.name] = m.compute();
    if (validationData !== undefined) {
      const val = evaluate(model, validationData, { loss: options.loss, metrics, batchSize });
      for (const [k, v] of Object.entries(val)) logs[`val${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
    }
    history.record(epoch, logs);
    progress.epochEnd(epoch, logs, (performance.now() - started) / 1000);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, context);
  }
  history.stopReason = context.stopReason ?? 'completed';
  if (context.stopReason !== undefined) progress.note(`Stopped: ${context.stopReason}`);
  return history;
}

/**
 * The loss and metrics of `model` on `data`, in evaluation mode and without recording gradients.
 *
 * @example evaluate(model, [xTest, yTest], { loss: crossEntropy, metrics: ['accuracy'] }) // { loss, accuracy }
 */
export function evaluate(
  model: Module,
  data: TrainingData,
  options: { loss?: LossFn; metrics?: (Metric | string)[]; batchSize?: number } = {},
): Logs {
  requireModel('evaluate', model);
  checkOptions('evaluate', options, ['loss', 'metrics', 'batchSize']);
  if (options.loss !== undefined && typeof options.loss !== 'function')
    throw new TypeError(
      `evaluate: loss must be a function (output, target) => Tensor, got ${describeValue(options.loss)}`,
    );
  requireList('evaluate', 'metrics', options.metrics);
  requireInteger('evaluate', 'batchSize', options.batchSize ?? 256, 1);
  const metrics = resolveMetrics(options.metrics);
  const wasTraining = model.training;
  model.eval();
  for (const m of metrics) m.reset();
  let lossSum = 0;
  let seen = 0;
  try {
    for (const [xb, yb] of batchesOf(data, options.batchSize ?? 256, false, undefined)) {
      tidy(() =>
        noGrad(() => {
          const output = model.forward(xb!);
          if (options.loss) lossSum += options.loss(output, yb!).item() * xb!.shape[0]!;
          for (const m of metrics) m.update(output, yb!);
        }),
      );
      seen += xb!.shape[0]!;
    }
  } finally {
    model.train(wasTraining);
  }
  const logs: Logs = {};
  if (options.loss) logs['loss'] = lossSum / Math.max(seen, 1);
  for (const m of metrics) logs[m.name] = m.compute();
  return logs;
}

/**
 * The model's outputs for `inputs` (evaluation mode, no gradients), computed in batches.
 *
 * @example const probabilities = predict(model, xTest).softmax(1);
 */
export function predict(model: Module, inputs: Tensor, options: { batchSize?: number } = {}): Tensor {
  requireModel('predict', model);
  requireTensor('predict', 'inputs', inputs);
  if (inputs.ndim === 0) throw new RangeError('predict: inputs must have a batch dimension, got a scalar');
  checkOptions('predict', options, ['batchSize']);
  const batchSize = options.batchSize ?? 256;
  requireInteger('predict', 'batchSize', batchSize, 1);
  const wasTraining = model.training;
  model.eval();
  try {
    return tidy(() =>
      noGrad(() => {
        const n = inputs.shape[0]!;
        const parts: Tensor[] = [];
        for (let start = 0; start < n; start += batchSize)
          parts.push(model.forward(inputs.slice(0, start, Math.min(start + batchSize, n))));
        return parts.length === 1 ? parts[0]!.contiguous() : cat(parts, 0);
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}
