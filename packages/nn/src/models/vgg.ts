import { ReLU } from '../activations.js';
import { Sequential } from '../containers.js';
import { Conv2d } from '../layers/conv.js';
import { MaxPool2d } from '../layers/pooling.js';
import { requireInteger } from '../validate.js';

/**
 * A VGG block (Simonyan & Zisserman 2015): `numConvs` 3×3 convolutions with padding 1 and ReLU
 * (the first from inChannels to outChannels, the others outChannels to outChannels), then a 2×2 max
 * pool that halves the height and width. Stacks of these make VGG networks.
 *
 * @example
 * const features = new Sequential(vggBlock(3, 64, 2), vggBlock(64, 128, 2)); // 32×32 → 8×8
 * vggBlock(3, 64, 2).numParameters(); // 1,792 + 36,928 = 38,720
 */
export function vggBlock(inChannels: number, outChannels: number, numConvs: number): Sequential {
  const fn = 'vggBlock';
  requireInteger(fn, 'inChannels', inChannels, 1);
  requireInteger(fn, 'outChannels', outChannels, 1);
  requireInteger(fn, 'numConvs', numConvs, 1);
  const block = new Sequential();
  for (let i = 0; i < numConvs; i++) {
    block.append(new Conv2d(i === 0 ? inChannels : outChannels, outChannels, 3, { padding: 1 }));
    block.append(new ReLU());
  }
  return block.append(new MaxPool2d(2));
}
