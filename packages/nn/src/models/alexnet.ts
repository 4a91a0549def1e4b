import { ReLU } from '../activations.js';
import { Sequential } from '../containers.js';
import { Conv2d } from '../layers/conv.js';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { MaxPool2d } from '../layers/pooling.js';
import { Flatten } from '../layers/shape.js';
import { checkOptions, halfOpen, requireInteger, requireNumber } from '../validate.js';

/** Options of {@link alexnetSmall}. */
export interface AlexNetSmallOptions {
  /** Input channels (default 3). */
  inChannels?: number;
  /** Output classes (default 10). */
  numClasses?: number;
  /** Dropout probability before each hidden fully connected layer (default 0.5, as AlexNet). */
  dropout?: number;
}

/**
 * An AlexNet-style network (Krizhevsky et al. 2012) scaled to 32×32 images (CIFAR-sized): five
 * convolutions with ReLU (5×5, 5×5, then three 3×3, padded to keep the size), max pooling after the
 * first, second and fifth (32 → 16 → 8 → 4), then dropout and three fully connected layers
 * (2048 → 512 → 256 → numClasses). With 3 input channels and 10 classes it has 2,115,018 parameters.
 *
 * NOTE: the original's 11×11 stride-4 first layer and 4096-wide layers are for 224×224 images; the
 * shape of the network — wide convolutions, ReLU, overlapping pools replaced by 2×2, dropout in the
 * classifier — is what this keeps.
 *
 * @example models.alexnetSmall().forward(randn([4, 3, 32, 32])).shape; // [4, 10]
 */
export function alexnetSmall(options: AlexNetSmallOptions = {}): Sequential {
  const fn = 'alexnetSmall';
  checkOptions(fn, options, ['inChannels', 'numClasses', 'dropout']);
  const { inChannels = 3, numClasses = 10, dropout = 0.5 } = options;
  requireInteger(fn, 'inChannels', inChannels, 1);
  requireInteger(fn, 'numClasses', numClasses, 1);
  requireNumber(fn, 'dropout', dropout, halfOpen(0, 1));
  return new Sequential(
    new Conv2d(inChannels, 48, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(48, 128, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(128, 192, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(192, 192, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(192, 128, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Dropout(dropout),
    new Linear(128 * 4 * 4, 512),
    new ReLU(),
    new Dropout(dropout),
    new Linear(512, 256),
    new ReLU(),
    new Linear(256, numClasses),
  );
}
