import { type Tensor, tensor } from '@myelin/tensor';
import type { Module } from '../module.js';
import { saveModuleFile } from '../persistence.js';
import {
  checkOptions,
  describeValue,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireNumber,
} from '../validate.js';

/** Throws unless `monitor` (when given) is a string. */
function requireMonitor(owner: string, monitor: unknown): void {
  if (monitor !== undefined && typeof monitor !== 'string')
    throw new TypeError(
      `${owner}: monitor must be the name of a logged value such as 'valLoss', got ${describeValue(monitor)}`,
    );
}

/** Values logged for an epoch: 'loss', metric names, and 'valLoss', 'valAccuracy', … for validation. */
export type Logs = Record<string, number>;

/** What `fit` trains with: any optimizer with step(), zeroGrad() and a readable/settable lr. */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
  lr: number;
}

/** Shared state of a `fit` call, passed to callbacks. Set `stopTraining` to end after this epoch. */
export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: OptimizerLike;
  readonly epochs: number;
  stopTraining: boolean;
  /** Why training stopped early, if it did. */
  stopReason?: string;
}

/** Hooks into `fit`; every method is optional and may be async. */
export interface Callback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  onBatchEnd?(
    batch: number,
    logs: { loss: number; size: number },
    context: TrainingContext,
  ): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, context: TrainingContext): void | Promise<void>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
  /** Called instead of onTrainEnd when training throws: release what the callback holds. */
  onTrainError?(error: unknown, context: TrainingContext): void | Promise<void>;
}

type Mode = 'min' | 'max' | 'auto';

/** 'auto' mode: maximise accuracy-like metrics, minimise losses and errors. */
function resolveMode(mode: Mode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|f1|precision|recall|r2/i.test(monitor) ? 'max' : 'min';
}

function monitored(owner: string, logs: Logs, monitor: string): number {
  const value = logs[monitor];
  if (value === undefined)
    throw new RangeError(
      `${owner}: the monitored value '${monitor}' is not logged (logged: ${Object.keys(logs).join(', ')})`,
    );
  return value;
}

/** A copy of a module's state that outlives training (kept tensors). */
function snapshot(model: Module): Map<string, Tensor> {
  return new Map(
    [...model.stateDict()].map(([name, t]) => [
      name,
      tensor(t.data(), { shape: [...t.shape], dtype: t.dtype }).keep(),
    ]),
  );
}

function release(state: Map<string, Tensor> | null): void {
  if (state) for (const t of state.values()) t.dispose();
}

/**
 * Early stopping (the course notes' regulariser): stops once `monitor` (default 'valLoss') has gone
 * `patience` epochs without improving by more than `minDelta` (as Keras; patience 0 stops at the
 * first epoch without improvement); with `restoreBestWeights`, the model ends with the weights of
 * its best epoch.
 *
 * @example callbacks: [new EarlyStopping({ patience: 10, restoreBestWeights: true })]
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  best = Number.NaN;
  bestEpoch = -1;
  stoppedEpoch = -1;
  private wait = 0;
  private bestState: Map<string, Tensor> | null = null;

  constructor(
    options: {
      monitor?: string;
      patience?: number;
      minDelta?: number;
      mode?: Mode;
      restoreBestWeights?: boolean;
    } = {},
  ) {
    const name = 'EarlyStopping';
    checkOptions(name, options, ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights']);
    requireMonitor(name, options.monitor);
    requireInteger(name, 'patience', options.patience ?? 0, 0);
    requireNumber(name, 'minDelta', options.minDelta ?? 0);
    requireChoice(name, 'mode', options.mode ?? 'auto', ['min', 'max', 'auto']);
    requireBoolean(name, 'restoreBestWeights', options.restoreBestWeights ?? false);
    this.monitor = options.monitor ?? 'valLoss';
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = this.stoppedEpoch = -1;
    this.wait = 0;
    release(this.bestState);
    this.bestState = null;
  }

  onEpochEnd(epoch: number, logs: Logs, context: TrainingContext): void {
    const value = monitored('EarlyStopping', logs, this.monitor);
    const improved =
      this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) {
        release(this.bestState);
        this.bestState = snapshot(context.model);
      }
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      context.stopTraining = true;
      context.stopReason = `early stopping: '${this.monitor}' did not improve for ${this.wait} epochs (best ${this.best.toPrecision(4)} at epoch ${this.bestEpoch + 1})`;
    }
  }

  onTrainEnd(context: TrainingContext): void {
    if (this.restoreBestWeights && this.bestState !== null) context.model.loadStateDict(this.bestState);
    this.onTrainError();
  }

  /** Frees the best weights' snapshot when fit throws (issue 12 #17); the model keeps its weights. */
  onTrainError(): void {
    release(this.bestState);
    this.bestState = null;
  }
}

/** A learning-rate scheduler: `step()`, or `step(metric)` for plateau schedulers. */
export interface SchedulerLike {
  step(metric?: number): void;
}

/**
 * Steps a learning-rate scheduler at the end of every epoch — with the value of `monitor` when
 * given (for ReduceLROnPlateau), otherwise with no argument (StepLR, CosineAnnealingLR, …).
 *
 * @example callbacks: [new LearningRateScheduler(new ReduceLROnPlateau(opt), { monitor: 'valLoss' })]
 */
export class LearningRateScheduler implements Callback {
  constructor(
    readonly scheduler: SchedulerLike,
    readonly options: { monitor?: string } = {},
  ) {
    if (typeof (scheduler as Partial<SchedulerLike> | null)?.step !== 'function') {
      throw new TypeError(
        `LearningRateScheduler: expected a scheduler with step() (e.g. new StepLR(optimizer, { stepSize: 10 })), got ${describeValue(scheduler)}`,
      );
    }
    checkOptions('LearningRateScheduler', options, ['monitor']);
    requireMonitor('LearningRateScheduler', options.monitor);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const { monitor } = this.options;
    if (monitor === undefined) this.scheduler.step();
    else this.scheduler.step(monitored('LearningRateScheduler', logs, monitor));
  }
}

/**
 * Keeps the best weights seen (by `monitor`, default 'valLoss') — in memory as `bestState`, and in
 * a safetensors file at `path` in Node and Deno — or, without `saveBestOnly`, the latest.
 *
 * @example callbacks: [new ModelCheckpoint({ path: 'best.safetensors' })]
 */
export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  best = Number.NaN;
  bestState: Map<string, Tensor> | null = null;

  constructor(
    readonly options: { monitor?: string; mode?: Mode; saveBestOnly?: boolean; path?: string } = {},
  ) {
    const name = 'ModelCheckpoint';
    checkOptions(name, options, ['monitor', 'mode', 'saveBestOnly', 'path']);
    requireMonitor(name, options.monitor);
    requireChoice(name, 'mode', options.mode ?? 'auto', ['min', 'max', 'auto']);
    requireBoolean(name, 'saveBestOnly', options.saveBestOnly ?? true);
    if (options.path !== undefined && typeof options.path !== 'string')
      throw new TypeError(`${name}: path must be a file path string, got ${describeValue(options.path)}`);
    this.monitor = options.monitor ?? 'valLoss';
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor);
  }

  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  async onEpochEnd(_epoch: number, logs: Logs, context: TrainingContext): Promise<void> {
    const value = monitored('ModelCheckpoint', logs, this.monitor);
    const better = this.mode === 'min' ? value < this.best : value > this.best;
    if (!better && this.options.saveBestOnly !== false) return;
    if (better) this.best = value;
    release(this.bestState);
    this.bestState = snapshot(context.model);
    if (this.options.path !== undefined)
      await saveModuleFile(context.model, this.options.path, { [this.monitor]: String(value) });
  }

  /** Frees the kept weights. */
  dispose(): void {
    release(this.bestState);
    this.bestState = null;
  }
}
