/**
 * @myelin/optim — optimizers with fused SIMD updates, learning-rate schedules and gradient
 * clipping, with torch.optim's semantics and defaults.
 *
 * @example
 * import { Adam, StepLR, clipGradNorm } from '@myelin/optim';
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss.backward(); clipGradNorm(model.parameters(), 1); opt.step();
 *
 * @module @myelin/optim
 */
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  type SchedulableOptimizer,
  StepLR,
} from './lr-scheduler.js';
export {
  type BaseOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
  type SavableScheduler,
  type StateEntry,
  type StateLayout,
} from './optimizer.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  cosineSchedule,
  exponentialSchedule,
  linearSchedule,
  multiStepSchedule,
  type Schedule,
  stepSchedule,
} from './schedules.js';
export { SGD, type SGDOptions } from './sgd.js';
