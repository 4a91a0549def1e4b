import { ReLU, Tanh } from '../activations.js';
import { Sequential } from '../containers.js';
import { Conv2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { AvgPool2d, MaxPool2d } from '../layers/pooling.js';
import { Flatten } from '../layers/shape.js';
import { checkOptions, requireChoice, requireInteger } from '../validate.js';

/** Options of {@link lenet5}. */
export interface LeNet5Options {
  /** 32 (the classic, default) or 28 (MNIST-sized: the first convolution pads by 2). */
  inputSize?: 28 | 32;
  /** Input channels (default 1). */
  inChannels?: number;
  /** Output classes (default 10). */
  numClasses?: number;
  /** 'tanh' (the classic, default) or 'relu'. */
  activation?: 'tanh' | 'relu';
  /** Subsampling by 'avg' pooling (the classic, default) or 'max' pooling. */
  pooling?: 'avg' | 'max';
}

/**
 * LeNet-5 (LeCun et al. 1998; the course notes' "SoC" CNN section): conv 6@5×5 → pool 2 → conv 16@5×5
 * → pool 2 → 120 → 84 → numClasses, on 32×32 images (28×28 with `inputSize: 28`, where the first
 * convolution pads by 2 so the feature maps keep the classic sizes 28, 14, 10, 5). With one input
 * channel and 10 classes it has 61,706 parameters.
 *
 * NOTE: the original's subsampling layers had a trainable scale and bias and its C3 layer a sparse
 * connection table; this is the usual modern reading (plain average pooling, full connections).
 *
 * @example
 * const model = models.lenet5({ inputSize: 28, activation: 'relu', pooling: 'max' });
 * model.forward(randn([8, 1, 28, 28])).shape; // [8, 10]
 */
export function lenet5(options: LeNet5Options = {}): Sequential {
  const fn = 'lenet5';
  checkOptions(fn, options, ['inputSize', 'inChannels', 'numClasses', 'activation', 'pooling']);
  const { inputSize = 32, inChannels = 1, numClasses = 10, activation = 'tanh', pooling = 'avg' } = options;
  requireChoice(fn, 'inputSize', inputSize, [28, 32]);
  requireInteger(fn, 'inChannels', inChannels, 1);
  requireInteger(fn, 'numClasses', numClasses, 1);
  requireChoice(fn, 'activation', activation, ['tanh', 'relu']);
  requireChoice(fn, 'pooling', pooling, ['avg', 'max']);
  const act = () => (activation === 'tanh' ? new Tanh() : new ReLU());
  const pool = () => (pooling === 'avg' ? new AvgPool2d(2) : new MaxPool2d(2));
  return new Sequential(
    new Conv2d(inChannels, 6, 5, { padding: inputSize === 28 ? 2 : 0 }),
    act(),
    pool(),
    new Conv2d(6, 16, 5),
    act(),
    pool(),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    act(),
    new Linear(120, 84),
    act(),
    new Linear(84, numClasses),
  );
}
