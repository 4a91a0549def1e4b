// Issue 11 item 5: `Kernels` methods must not assume one call in flight. A strided call reads its
// shape and strides arrays while it writes its metadata, and reading an element may run code (a
// getter, a Proxy) that calls the kernels again or grows memory. Before, every strided call wrote
// one shared metadata block through a view taken once, so such a nested call corrupted the outer
// call's metadata, and growth made the outer writes vanish into a detached buffer.
import { describe, expect, it } from 'vitest';
import { type Kernels, MAX_DIMS, META_STACK_BYTES } from './kernels.js';
import { loadKernels } from './load.js';
import { BinaryOp } from './opcodes.js';
import { put, take } from './testing/harness.js';

/** `values`, but reading element `index` first runs `action` (once). */
function onRead(values: number[], index: number, action: () => void): number[] {
  let done = false;
  return new Proxy(values, {
    get(target, key, receiver) {
      if (key === String(index) && !done) {
        done = true;
        action();
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** Gathers the transpose of a [rows, cols] matrix at `src` through copyStrided, with `strides`. */
function transposed(kernels: Kernels, values: number[], rows: number, cols: number, strides?: number[]) {
  const src = put(kernels, values);
  const out = kernels.allocate(4 * values.length);
  kernels.copyStrided(src, strides ?? [1, cols], out, [cols, rows]);
  return Array.from(take(kernels, out, values.length));
}

describe('Kernels strided calls re-entered while writing their metadata', async () => {
  const kernels = await loadKernels({ initialMemoryBytes: 1 << 16 });

  it('keep their own metadata when a nested call runs in between', () => {
    // Outer: transpose of [[1, 2, 3], [4, 5, 6]]; the nested call broadcasts a row over 3 dims.
    const a = put(kernels, [1, 2]);
    const b = put(kernels, [10, 20, 30]);
    const inner = kernels.allocate(4 * 12);
    let innerResult: number[] = [];
    const strides = onRead([1, 3], 1, () => {
      kernels.binaryStrided(BinaryOp.Add, a, [0, 1, 0], b, [0, 0, 1], inner, [2, 2, 3]);
      innerResult = Array.from(take(kernels, inner, 12));
    });
    expect(transposed(kernels, [1, 2, 3, 4, 5, 6], 2, 3, strides)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(innerResult).toEqual([11, 21, 31, 12, 22, 32, 11, 21, 31, 12, 22, 32]);
  });

  it('write their metadata into the grown memory when a nested allocation grows it', () => {
    const before = kernels.allocator.stats().grows;
    let big = 0;
    // A [3, 2] matrix this time: metadata left over from the previous test must not pass for it.
    const strides = onRead([1, 2], 0, () => {
      big = kernels.allocate(4 << 20);
    });
    expect(transposed(kernels, [1, 2, 3, 4, 5, 6], 3, 2, strides)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(kernels.allocator.stats().grows).toBeGreaterThan(before);
    kernels.free(big);
  });

  it('stay correct nested deeper than the metadata stack holds, and release every block', () => {
    const depth = Math.ceil(META_STACK_BYTES / (4 * MAX_DIMS * 4)) + 4;
    const blocks = kernels.allocator.stats().blocksInUse;
    const results: number[][] = [];
    // Each level gathers the transpose of a 2×3 or (odd levels) 3×2 matrix; the last read of its
    // strides starts the next level.
    const level = (d: number): void => {
      const [rows, cols] = d % 2 === 0 ? [2, 3] : [3, 2];
      const src = put(
        kernels,
        [0, 1, 2, 3, 4, 5].map((i) => d + i),
      );
      const out = kernels.allocate(4 * 6);
      const strides = onRead([1, cols], 1, () => (d > 0 ? level(d - 1) : undefined));
      kernels.copyStrided(src, strides, out, [cols, rows]);
      results[d] = Array.from(take(kernels, out, 6));
      kernels.free(src);
      kernels.free(out);
    };
    level(depth);
    for (let d = 0; d <= depth; d++) {
      const [rows, cols] = d % 2 === 0 ? [2, 3] : [3, 2];
      const want = Array.from({ length: 6 }, (_, i) => d + (i % rows) * cols + Math.floor(i / rows));
      expect(results[d]).toEqual(want);
    }
    expect(kernels.allocator.stats().blocksInUse).toBe(blocks);
  });

  it('release their metadata block when reading the arrays throws', () => {
    const src = put(kernels, [1, 2, 3, 4, 5, 6]);
    const out = kernels.allocate(4 * 6);
    for (let i = 0; i < 100; i++) {
      const strides = onRead([1, 3], 1, () => {
        throw new Error('from a getter');
      });
      expect(() => kernels.copyStrided(src, strides, out, [3, 2])).toThrow('from a getter');
    }
    // Had those blocks leaked, the stack would be full and this call's metadata would come from the heap.
    const blocksBefore = kernels.allocator.stats().blocksInUse;
    let blocksDuringCall = -1;
    const strides = onRead([1, 3], 1, () => {
      blocksDuringCall = kernels.allocator.stats().blocksInUse;
    });
    kernels.copyStrided(src, strides, out, [3, 2]);
    expect(blocksDuringCall).toBe(blocksBefore);
    expect(Array.from(take(kernels, out, 6))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
