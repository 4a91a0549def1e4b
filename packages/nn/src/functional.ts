// nn.functional: the activations, losses, dropout, penalties and the conv/pool ops as plain functions.

// Convolution, pooling, normalisation and resizing (issue 19), with PyTorch's names and argument order.
export {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  batchNorm,
  conv1d,
  conv2d,
  convTranspose2d,
  interpolate,
  maxPool1d,
  maxPool2d,
  pad,
} from '@myelin/tensor';
export {
  derivative,
  elementwiseActivations,
  elu,
  identity,
  leakyRelu,
  logSoftmax,
  relu,
  selu,
  sigmoid,
  softmax,
  softsign,
  step,
  tanh,
} from './activations.js';
// Completed for what exists (issue 16 item 7).
export {
  bilinear,
  cosineSimilarity,
  embedding,
  gelu,
  groupNorm,
  hardtanh,
  layerNorm,
  linear,
  logsigmoid,
  mish,
  oneHot,
  pairwiseDistance,
  silu,
  softplus,
} from './functional-extra.js';
export { dropout } from './layers/dropout.js';
export { dropout2d } from './layers/dropout2d.js';
export { stochasticDepth } from './layers/residual.js';
export { padSequence } from './layers/rnn.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
} from './losses.js';
export { l1Penalty, l2Penalty } from './regularization.js';
