import type { Tensor } from '@myelin/tensor';
import { ReLU } from '../activations.js';
import { Sequential } from '../containers.js';
import { BatchNorm2d } from '../layers/batchnorm2d.js';
import { Conv2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { AdaptiveAvgPool2d } from '../layers/pooling.js';
import { stochasticDepth, stochasticDepthSurvival } from '../layers/residual.js';
import { Flatten } from '../layers/shape.js';
import { Module } from '../module.js';
import {
  checkOptions,
  describeValue,
  halfOpen,
  requireChoice,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';

/** Runs `module` and records its output shape for the model's summary (as Sequential does). */
function run(module: Module, x: Tensor): Tensor {
  const y = module.forward(x);
  module.lastOutputShape = y.shape;
  return y;
}

/**
 * ResNet's basic block (He et al. 2016; torchvision's BasicBlock, same child names): conv 3×3 → BN →
 * ReLU → conv 3×3 → BN, plus the shortcut — the identity, or a 1×1 convolution with BN (`downsample`)
 * when the stride or the number of channels changes — then ReLU. The convolutions have no bias (the
 * BN after each has one). With `stochasticDepth` p > 0 the residual branch is dropped in training with
 * probability p (see {@link stochasticDepth}; Huang et al. 2016: relu(b·f(x) + shortcut)).
 *
 * @example new BasicBlock(64, 128, 2).forward(randn([1, 64, 32, 32])).shape; // [1, 128, 16, 16]
 * @example new BasicBlock(64, 64, 1, { stochasticDepth: 0.2 }) // drops f(x) for 20% of the samples
 */
export class BasicBlock extends Module {
  static override readonly layerName = 'BasicBlock';
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;
  /** Drop probability of the residual branch in training (0: never dropped). */
  readonly stochasticDepth: number;
  readonly stochasticDepthMode: 'row' | 'batch';

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride = 1,
    options: { stochasticDepth?: number; stochasticDepthMode?: 'row' | 'batch' } = {},
  ) {
    super();
    requireInteger('BasicBlock', 'inChannels', inChannels, 1);
    requireInteger('BasicBlock', 'outChannels', outChannels, 1);
    requireInteger('BasicBlock', 'stride', stride, 1);
    checkOptions('BasicBlock', options, ['stochasticDepth', 'stochasticDepthMode']);
    const { stochasticDepth: p = 0, stochasticDepthMode = 'row' } = options;
    requireNumber('BasicBlock', 'stochasticDepth', p, halfOpen(0, 1));
    requireChoice('BasicBlock', 'stochasticDepthMode', stochasticDepthMode, ['row', 'batch']);
    this.stochasticDepth = p;
    this.stochasticDepthMode = stochasticDepthMode;
    this.conv1 = this.addModule(
      'conv1',
      new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false }),
    );
    this.bn1 = this.addModule('bn1', new BatchNorm2d(outChannels));
    this.relu = this.addModule('relu', new ReLU());
    this.conv2 = this.addModule(
      'conv2',
      new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false }),
    );
    this.bn2 = this.addModule('bn2', new BatchNorm2d(outChannels));
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? this.addModule(
            'downsample',
            new Sequential(
              new Conv2d(inChannels, outChannels, 1, { stride, bias: false }),
              new BatchNorm2d(outChannels),
            ),
          )
        : null;
  }

  forward(x: Tensor): Tensor {
    requireTensor('BasicBlock.forward', 'the input', x, 'float32');
    let y = run(this.relu, run(this.bn1, run(this.conv1, x)));
    y = run(this.bn2, run(this.conv2, y));
    y = stochasticDepth(y, this.stochasticDepth, this.stochasticDepthMode, this.training);
    const shortcut = this.downsample === null ? x : run(this.downsample, x);
    return this.relu.forward(y.add(shortcut));
  }

  protected override describe(): string {
    const sd = this.stochasticDepth > 0 ? `, stochasticDepth=${this.stochasticDepth}` : '';
    return `${this.inChannels}, ${this.outChannels}, stride=${this.stride}${sd}`;
  }
}

/** Options of {@link resnet}. */
export interface ResNetOptions {
  /** Basic blocks per stage (default [2, 2, 2, 2]: ResNet-18's layout). */
  blocks?: readonly number[];
  /** Channels of each stage (default [64, 128, 256, 512]); stages after the first halve the size. */
  channels?: readonly number[];
  /** Output classes (default 10). */
  numClasses?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /**
   * Stochastic depth with the linear-decay rule (Huang et al. 2016): block l of the L blocks survives
   * training with probability 1 − (l / L)·(1 − finalSurvival) ({@link stochasticDepthSurvival});
   * `mode` as {@link stochasticDepth} (default 'row'). Default: off (every block always kept).
   */
  stochasticDepth?: { finalSurvival: number; mode?: 'row' | 'batch' };
}

/**
 * A residual network (He et al. 2016) for small images (28–32 px; CIFAR-style): a 3×3 stem
 * convolution with BN and ReLU (no 7×7 stride-2 stem or max pool, which would shrink such images too
 * early), then one stage of {@link BasicBlock}s per entry of `blocks`, the first block of every stage
 * after the first with stride 2, then global average pooling and a fully connected layer. Children
 * are named as torchvision's: conv1, bn1, relu, layer1…, avgpool, flatten, fc.
 *
 * @example
 * const model = models.resnet({ blocks: [2, 2, 2], channels: [16, 32, 64], numClasses: 10 });
 * model.forward(randn([8, 3, 32, 32])).shape; // [8, 10]
 * // with stochastic depth: the last block survives training half the time, earlier ones more often
 * models.resnet({ blocks: [2, 2, 2], channels: [16, 32, 64], stochasticDepth: { finalSurvival: 0.5 } });
 */
export class ResNet extends Module {
  static override readonly layerName = 'ResNet';
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly layers: Sequential[] = [];
  readonly avgpool: AdaptiveAvgPool2d;
  readonly flatten: Flatten;
  readonly fc: Linear;

  constructor(options: ResNetOptions = {}) {
    super();
    const fn = 'resnet';
    checkOptions(fn, options, ['blocks', 'channels', 'numClasses', 'inChannels', 'stochasticDepth']);
    const {
      blocks = [2, 2, 2, 2],
      channels = [64, 128, 256, 512],
      numClasses = 10,
      inChannels = 3,
    } = options;
    const list = (name: string, v: unknown) => {
      if (!Array.isArray(v) || v.length === 0 || !v.every((n) => Number.isInteger(n) && n >= 1))
        throw new RangeError(
          `${fn}: ${name} must be a non-empty array of positive integers, got ${describeValue(v)}`,
        );
    };
    list('blocks', blocks);
    list('channels', channels);
    if (blocks.length !== channels.length)
      throw new RangeError(
        `${fn}: blocks and channels must have one entry per stage, got ${blocks.length} and ${channels.length}`,
      );
    requireInteger(fn, 'numClasses', numClasses, 1);
    requireInteger(fn, 'inChannels', inChannels, 1);
    const depth = options.stochasticDepth;
    if (depth !== undefined) {
      if (depth === null || typeof depth !== 'object')
        throw new TypeError(
          `${fn}: stochasticDepth must be an object { finalSurvival, mode? }, got ${describeValue(depth)}`,
        );
      checkOptions(`${fn}: stochasticDepth`, depth, ['finalSurvival', 'mode']);
      requireNumber(fn, 'stochasticDepth.finalSurvival', depth.finalSurvival, {
        low: 0,
        high: 1,
        lowOpen: true,
        text: 'in (0, 1]',
      });
      if (depth.mode !== undefined) requireChoice(fn, 'stochasticDepth.mode', depth.mode, ['row', 'batch']);
    }
    const totalBlocks = blocks.reduce((a, b) => a + b, 0);
    let blockIndex = 0;
    const dropProbability = () => {
      blockIndex += 1;
      if (depth === undefined) return 0;
      return 1 - stochasticDepthSurvival(blockIndex, totalBlocks, depth.finalSurvival);
    };
    this.conv1 = this.addModule(
      'conv1',
      new Conv2d(inChannels, channels[0]!, 3, { padding: 1, bias: false }),
    );
    this.bn1 = this.addModule('bn1', new BatchNorm2d(channels[0]!));
    this.relu = this.addModule('relu', new ReLU());
    let previous = channels[0]!;
    blocks.forEach((count, stage) => {
      const layer = new Sequential();
      for (let i = 0; i < count; i++) {
        layer.append(
          new BasicBlock(
            i === 0 ? previous : channels[stage]!,
            channels[stage]!,
            i === 0 && stage > 0 ? 2 : 1,
            { stochasticDepth: dropProbability(), stochasticDepthMode: depth?.mode ?? 'row' },
          ),
        );
      }
      previous = channels[stage]!;
      this.layers.push(this.addModule(`layer${stage + 1}`, layer));
    });
    this.avgpool = this.addModule('avgpool', new AdaptiveAvgPool2d(1));
    this.flatten = this.addModule('flatten', new Flatten());
    this.fc = this.addModule('fc', new Linear(previous, numClasses));
  }

  forward(x: Tensor): Tensor {
    requireTensor('ResNet.forward', 'the input', x, 'float32');
    let y = run(this.relu, run(this.bn1, run(this.conv1, x)));
    for (const layer of this.layers) y = run(layer, y);
    return run(this.fc, run(this.flatten, run(this.avgpool, y)));
  }
}

/**
 * A residual network of {@link BasicBlock}s for small images; see {@link ResNet}.
 *
 * @example models.resnet({ blocks: [1, 1], channels: [8, 16], inChannels: 1 }).forward(randn([4, 1, 28, 28])).shape; // [4, 10]
 */
export function resnet(options: ResNetOptions = {}): ResNet {
  return new ResNet(options);
}

/**
 * A small ResNet for 28–32 px images: three stages of two basic blocks with 16, 32 and 64 channels
 * (the CIFAR ResNet-14 layout of He et al. 2016, §4.2). With 3 input channels and 10 classes it has
 * 175,258 parameters.
 *
 * @example models.resnetSmall({ inChannels: 1 }).forward(randn([4, 1, 28, 28])).shape; // [4, 10]
 */
export function resnetSmall(options: { numClasses?: number; inChannels?: number } = {}): ResNet {
  checkOptions('resnetSmall', options, ['numClasses', 'inChannels']);
  return new ResNet({ blocks: [2, 2, 2], channels: [16, 32, 64], ...options });
}
