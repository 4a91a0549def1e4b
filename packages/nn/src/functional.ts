// nn.functional: the activations, losses, dropout and penalties as plain functions.
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
export { dropout } from './layers/dropout.js';
export { padSequence } from './layers/rnn.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
} from './losses.js';
export { l1Penalty, l2Penalty } from './regularization.js';
