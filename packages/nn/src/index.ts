/**
 * @myelin/nn — neural-network modules with PyTorch semantics: Module, containers, layers,
 * activations, losses, initialisers and regularisation.
 *
 * @example
 * import * as nn from '@myelin/nn';
 * const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(128, 10));
 * const loss = nn.crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 });
 *
 * @module @myelin/nn
 */
export {
  type ActivationName,
  derivative,
  ELU,
  elementwiseActivations,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  SELU,
  Sigmoid,
  Softmax,
  Softsign,
  Step,
  Tanh,
} from './activations.js';
export { KNNClassifier } from './classic/knn.js';
export { Perceptron, type PerceptronFitResult } from './classic/perceptron.js';
export { ModuleDict, ModuleList, Sequential } from './containers.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { GELU, Hardtanh, LogSigmoid, Mish, SiLU, Softplus } from './layers/activations-extra.js';
export { BatchNorm1d, type BatchNormOptions } from './layers/batchnorm.js';
// Convolutional networks (issue 19): layers, output-size arithmetic, summaries and classic models.
export { BatchNorm2d } from './layers/batchnorm2d.js';
export {
  Conv1d,
  type Conv1dLayerOptions,
  Conv2d,
  type Conv2dLayerOptions,
  ConvTranspose2d,
  type ConvTranspose2dLayerOptions,
  convOutputSize,
  type PaddingMode,
} from './layers/conv.js';
export { Dropout, dropout } from './layers/dropout.js';
export { Dropout2d, dropout2d } from './layers/dropout2d.js';
export { Embedding } from './layers/embedding.js';
export { Linear } from './layers/linear.js';
export { Maxout } from './layers/maxout.js';
export { GroupNorm, LayerNorm } from './layers/norms.js';
export {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type AdaptiveSize,
  AvgPool1d,
  AvgPool2d,
  type AvgPool2dLayerOptions,
  MaxPool1d,
  MaxPool2d,
  type MaxPool2dLayerOptions,
} from './layers/pooling.js';
export {
  Residual,
  StochasticDepth,
  stochasticDepth,
  stochasticDepthSurvival,
} from './layers/residual.js';
export {
  GRU,
  LSTM,
  type LSTMOptions,
  padSequence,
  type RecurrentForwardOptions,
  type RecurrentOptions,
  RNN,
  type RNNOptions,
} from './layers/rnn.js';
export { GRUCell, LSTMCell, RNNCell } from './layers/rnn-cells.js';
export { Flatten, Identity } from './layers/shape.js';
export { Upsample } from './layers/upsample.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type ClassificationLossOptions,
  crossEntropy,
  huberLoss,
  type KlDivReduction,
  klDiv,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
  type Reduction,
} from './losses.js';
export { type McDropoutOptions, mcDropoutPredict } from './mc-dropout.js';
export * as models from './models/index.js';
export { type LoadStateDictOptions, Module, type StateDict } from './module.js';
export { loadModule, loadModuleFile, saveModule, saveModuleFile } from './persistence.js';
export { l1Penalty, l2Penalty } from './regularization.js';
export { parseSafetensors, type SafetensorsContents, toSafetensors } from './safetensors.js';
export { type SampleLogitsOptions, sampleLogits } from './sampling.js';
export { summary } from './summary.js';
export type { TrainingData } from './training/batches.js';
export {
  type Callback,
  EarlyStopping,
  LearningRateScheduler,
  type Logs,
  ModelCheckpoint,
  type OptimizerLike,
  type SchedulerLike,
  type TrainingContext,
} from './training/callbacks.js';
export { evaluate, type FitOptions, fit, History, type LossFn, predict } from './training/fit.js';
export {
  Accuracy,
  confusionMatrix,
  F1Score,
  MeanAbsoluteError,
  MeanSquaredError,
  type Metric,
  metricByName,
  Precision,
  precisionRecallF1,
  R2Score,
  Recall,
  TopKAccuracy,
} from './training/metrics.js';
export {
  HammingLoss,
  MultilabelF1,
  type MultilabelOptions,
  MultilabelPrecision,
  MultilabelRecall,
  type MultilabelReport,
  multilabelReport,
  type PrecisionRecallF1,
  SubsetAccuracy,
} from './training/multilabel.js';
export type { Verbosity } from './training/progress.js';
export {
  type ConfigOf,
  type Distribution,
  type GridSpace,
  gridSearch,
  type Objective,
  type RandomSearchOptions,
  type RandomSpace,
  randomSearch,
  type SearchOptions,
  SearchResults,
  type SearchSplit,
  type SearchTrial,
} from './training/search.js';
