// Padding with PyTorch's pad-list order (last dimension first): constant, reflect and replicate.
// The op builds, for each output element, the input element it copies (or −1 for the constant), so
// one gather serves every mode and the gradient is the matching scatter-add.
import { checkOptions, describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { formatShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** How {@link pad} fills the new elements. */
export type PadMode = 'constant' | 'reflect' | 'replicate';

/** Options of {@link pad}. */
export interface PadOptions {
  /** 'constant' (default): `value`; 'reflect': mirrored without the edge; 'replicate': the edge repeated. */
  mode?: PadMode;
  /** The fill of 'constant' mode (default 0). */
  value?: number;
}

type PadAttrs = { readonly pad: readonly number[]; readonly mode: string; readonly value: number };

/** The output shape: dimension ndim−1−i grows by pad[2i] before and pad[2i+1] after. */
function paddedShape(shape: Shape, pads: readonly number[]): number[] {
  const out = [...shape];
  for (let i = 0; i < pads.length / 2; i++) out[shape.length - 1 - i]! += pads[2 * i]! + pads[2 * i + 1]!;
  return out;
}

/** For one dimension: the source coordinate of each output coordinate (−1: the constant). */
function axisMap(size: number, before: number, outSize: number, mode: string): Int32Array {
  const map = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let c = o - before;
    if (mode === 'reflect') {
      if (c < 0) c = -c;
      if (c >= size) c = 2 * (size - 1) - c;
    } else if (mode === 'replicate') {
      c = Math.min(Math.max(c, 0), size - 1);
    } else if (c < 0 || c >= size) {
      c = -1;
    }
    map[o] = c;
  }
  return map;
}

/** For each output element (row-major), the flat index of the input element it copies, or −1. */
function sourceIndex(shape: Shape, attrs: PadAttrs): Int32Array {
  const out = paddedShape(shape, attrs.pad);
  const ndim = shape.length;
  let offsets = Int32Array.of(0);
  let stride = 1;
  let tail = 1;
  const maps: Int32Array[] = [];
  for (let d = ndim - 1; d >= 0; d--) {
    const i = ndim - 1 - d;
    const before = 2 * i < attrs.pad.length ? attrs.pad[2 * i]! : 0;
    maps[d] = axisMap(shape[d]!, before, out[d]!, attrs.mode);
  }
  // Built from the last dimension outwards: offsets holds the flat source index of each element of
  // the trailing dimensions processed so far.
  for (let d = ndim - 1; d >= 0; d--) {
    const map = maps[d]!;
    const next = new Int32Array(map.length * tail);
    for (let o = 0; o < map.length; o++) {
      const c = map[o]!;
      for (let e = 0; e < tail; e++) {
        const inner = offsets[e]!;
        next[o * tail + e] = c < 0 || inner < 0 ? -1 : c * stride + inner;
      }
    }
    offsets = next;
    tail *= map.length;
    stride *= shape[d]!;
  }
  return offsets;
}

const padOp = defineOp<PadAttrs>({
  name: 'pad',
  forward([x], attrs) {
    const out = Tensor._empty(paddedShape(x!.shape, attrs.pad));
    const source = sourceIndex(x!.shape, attrs);
    const xc = contiguousRaw(x!);
    const f32 = kernels.f32;
    const src = xc._ptr >>> 2;
    const dst = out._ptr >>> 2;
    for (let i = 0; i < source.length; i++) {
      const s = source[i]!;
      f32[dst + i] = s < 0 ? attrs.value : f32[src + s]!;
    }
    release(xc, x!);
    return out;
  },
  backward({ grads: [gy], attrs, inputs: [x] }) {
    const source = sourceIndex(x!.shape, attrs);
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const g = contiguousRaw(gy!);
    const f32 = kernels.f32;
    const from = g._ptr >>> 2;
    const to = gx._ptr >>> 2;
    for (let i = 0; i < source.length; i++) {
      const s = source[i]!;
      if (s >= 0) f32[to + s] = f32[to + s]! + f32[from + i]!;
    }
    release(g, gy!);
    return [gx];
  },
});

/**
 * Pads `input` as torch.nn.functional.pad: `pad` lists (before, after) amounts starting from the LAST
 * dimension, e.g. [left, right, top, bottom] for the two last. 'constant' allows negative amounts
 * (cropping); 'reflect' and 'replicate' pad the last 1, 2 or 3 dimensions of a tensor with one or two
 * more (batch, channels), and 'reflect' needs each amount smaller than its dimension.
 *
 * @example pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'reflect' }).toArray(); // [[3, 2, 1, 2, 3, 2]]
 */
export function pad(input: Tensor, pad: readonly number[], options: PadOptions = {}): Tensor {
  const fn = 'pad';
  if (!(input instanceof Tensor))
    throw new TypeError(`${fn}: input must be a tensor, got ${describeValue(input)}`);
  input._check(fn);
  requireFloat(fn, input);
  checkOptions(fn, options, ['mode', 'value']);
  const { mode = 'constant', value = 0 } = options;
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'replicate') {
    throw new RangeError(
      `${fn}: mode must be 'constant', 'reflect' or 'replicate', got ${describeValue(mode)}`,
    );
  }
  if (typeof value !== 'number')
    throw new TypeError(`${fn}: value must be a number, got ${describeValue(value)}`);
  if (mode !== 'constant' && value !== 0)
    throw new RangeError(
      `${fn}: value is only used by mode 'constant', got mode '${mode}' with value ${value}`,
    );
  if (
    !Array.isArray(pad) ||
    pad.length % 2 !== 0 ||
    !pad.every((p) => typeof p === 'number' && Number.isInteger(p))
  ) {
    throw new RangeError(`${fn}: pad must be an even-length list of integers, got ${describeValue(pad)}`);
  }
  const dims = pad.length / 2;
  if (dims > input.ndim) {
    throw new RangeError(
      `${fn}: pad of length ${pad.length} pads ${dims} dimensions, but the input of shape ${formatShape(input.shape)} has ${input.ndim}`,
    );
  }
  if (mode !== 'constant') {
    if (dims < 1 || dims > 3 || input.ndim < dims + 1 || input.ndim > dims + 2) {
      throw new RangeError(
        `${fn}: mode '${mode}' pads the last 1, 2 or 3 dimensions of a tensor with 1 or 2 more; got pad of length ` +
          `${pad.length} for input of shape ${formatShape(input.shape)}`,
      );
    }
    for (let i = 0; i < dims; i++) {
      const size = input.shape[input.ndim - 1 - i]!;
      const [before, after] = [pad[2 * i]!, pad[2 * i + 1]!];
      if (before < 0 || after < 0)
        throw new RangeError(`${fn}: mode '${mode}' needs non-negative amounts, got ${describeValue(pad)}`);
      if (mode === 'reflect' ? before >= size || after >= size : size === 0 && before + after > 0) {
        throw new RangeError(
          `${fn}: mode '${mode}' needs each amount ${mode === 'reflect' ? 'smaller than' : 'at most'} its dimension: pad ` +
            `${describeValue(pad)} for input of shape ${formatShape(input.shape)}`,
        );
      }
    }
  }
  const out = paddedShape(input.shape, pad);
  if (out.some((d) => d < 0)) {
    throw new RangeError(
      `${fn}: pad ${describeValue(pad)} crops more than the input of shape ${formatShape(input.shape)} holds`,
    );
  }
  return padOp([input], { pad: [...pad], mode, value })[0]!;
}
