import { type InterpolateOptions, interpolate, type Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { checkOptions, describeValue, requireBoolean, requireChoice, requireTensor } from '../validate.js';

/**
 * Resizes [N, C, H, W] images to `size` or by `scaleFactor` (PyTorch's nn.Upsample, over
 * `interpolate`): 'nearest' (default) repeats pixels, 'bilinear' blends the four nearest.
 *
 * @example new Upsample({ scaleFactor: 2 }).forward(randn([1, 3, 14, 14])).shape; // [1, 3, 28, 28]
 * @example new Upsample({ size: [32, 32], mode: 'bilinear', alignCorners: false })
 */
export class Upsample extends Module {
  static override readonly layerName = 'Upsample';
  readonly size: number | readonly [number, number] | undefined;
  readonly scaleFactor: number | readonly [number, number] | undefined;
  readonly mode: 'nearest' | 'bilinear';
  readonly alignCorners: boolean | undefined;

  constructor(options: InterpolateOptions) {
    super();
    const fn = 'Upsample';
    if (typeof options !== 'object' || options === null)
      throw new TypeError(
        `${fn}: expected an options object with size or scaleFactor, got ${describeValue(options)}`,
      );
    checkOptions(fn, options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    const { size, scaleFactor, mode = 'nearest', alignCorners } = options;
    if ((size === undefined) === (scaleFactor === undefined))
      throw new RangeError(`${fn}: give exactly one of size and scaleFactor`);
    requireChoice(fn, 'mode', mode, ['nearest', 'bilinear']);
    if (alignCorners !== undefined) {
      requireBoolean(fn, 'alignCorners', alignCorners);
      if (mode === 'nearest')
        throw new RangeError(`${fn}: alignCorners applies to mode 'bilinear' only, got mode 'nearest'`);
    }
    const positive = (v: unknown, integer: boolean) =>
      typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v));
    const check = (name: string, v: unknown, integer: boolean) => {
      const ok = Array.isArray(v)
        ? v.length === 2 && v.every((e) => positive(e, integer))
        : positive(v, integer);
      if (!ok)
        throw new RangeError(
          `${fn}: ${name} must be a positive ${integer ? 'integer' : 'number'} or a pair of them, got ${describeValue(v)}`,
        );
    };
    if (size !== undefined) check('size', size, true);
    if (scaleFactor !== undefined) check('scaleFactor', scaleFactor, false);
    this.size = size;
    this.scaleFactor = scaleFactor;
    this.mode = mode;
    this.alignCorners = alignCorners;
  }

  forward(x: Tensor): Tensor {
    requireTensor('Upsample.forward', 'the input', x, 'float32');
    if (x.ndim !== 4)
      throw new RangeError(`Upsample.forward: expected input [N, C, H, W], got [${x.shape.join(',')}]`);
    const options: InterpolateOptions = { mode: this.mode };
    if (this.size !== undefined) options.size = this.size;
    if (this.scaleFactor !== undefined) options.scaleFactor = this.scaleFactor;
    if (this.alignCorners !== undefined) options.alignCorners = this.alignCorners;
    return interpolate(x, options);
  }

  protected override describe(): string {
    const show = (v: number | readonly number[]) => (typeof v === 'number' ? `${v}` : `[${v.join(', ')}]`);
    const what =
      this.size !== undefined ? `size=${show(this.size)}` : `scaleFactor=${show(this.scaleFactor!)}`;
    return `${what}, mode='${this.mode}'`;
  }
}
