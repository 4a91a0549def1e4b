import { describe, expect, it } from 'vitest';
import { BLOCK_ALIGN, LinearAllocator, PAGE_BYTES, sizeClass } from './allocator.js';
import { loadKernels } from './load.js';
import { UnaryOp } from './opcodes.js';

describe('sizeClass', () => {
  it('rounds up to four classes per power of two, multiples of 64, wasting at most 25%', () => {
    expect(sizeClass(0)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(128);
    expect(sizeClass(100)).toBe(128);
    expect(sizeClass(1000)).toBe(1024);
    expect(sizeClass(1025)).toBe(1280);
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % BLOCK_ALIGN).toBe(0);
      if (bytes > 256) expect(size / bytes).toBeLessThanOrEqual(1.25);
    }
  });
});

describe('LinearAllocator', () => {
  const fresh = (pages = 1, maximumBytes?: number) =>
    new LinearAllocator(new WebAssembly.Memory({ initial: pages, maximum: 1024 }), 100, maximumBytes);

  it('hands out aligned, disjoint blocks above the heap base', () => {
    const heap = fresh();
    const blocks = [1, 64, 100, 4096, 0, 7].map((bytes) => ({ bytes, ptr: heap.allocate(bytes) }));
    for (const { ptr } of blocks) {
      expect(ptr % BLOCK_ALIGN).toBe(0);
      expect(ptr).toBeGreaterThanOrEqual(100);
    }
    const sorted = [...blocks].sort((x, y) => x.ptr - y.ptr);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.ptr).toBeGreaterThanOrEqual(sorted[i - 1]!.ptr + sizeClass(sorted[i - 1]!.bytes));
  });

  it('reuses freed blocks of the same size class and keeps statistics', () => {
    const heap = fresh();
    const a = heap.allocate(1000);
    const b = heap.allocate(1000);
    expect(heap.stats()).toMatchObject({ bytesInUse: 2048, blocksInUse: 2, bytesCached: 0 });
    heap.free(a);
    expect(heap.stats()).toMatchObject({
      bytesInUse: 1024,
      blocksInUse: 1,
      bytesCached: 1024,
      peakBytesInUse: 2048,
    });
    expect(heap.allocate(900)).toBe(a); // same class (1024): the freed block comes back
    heap.free(b);
    expect(heap.sizeOf(b)).toBeUndefined();
    expect(heap.sizeOf(a)).toBe(1024);
  });

  it('a steady allocate/free loop does not grow memory', () => {
    const heap = fresh();
    for (let step = 0; step < 10_000; step++) {
      const blocks = [heap.allocate(4 * 64 * 128), heap.allocate(4 * 128), heap.allocate(4 * 64 * 10)];
      for (const p of blocks) heap.free(p);
    }
    expect(heap.stats()).toMatchObject({ blocksInUse: 0, bytesInUse: 0, grows: 0 });
  });

  it('rejects double frees and unknown pointers by name', () => {
    const heap = fresh();
    const p = heap.allocate(10);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(/kernels-wasm free: \d+ is not an allocated block \(freed twice/);
    expect(() => heap.free(12345)).toThrow(/not an allocated block/);
    expect(() => heap.allocate(-1)).toThrow(/cannot allocate -1 bytes/);
    expect(() => heap.allocate(Number.NaN)).toThrow(/cannot allocate NaN bytes/);
  });

  it('grows the memory on demand and says clearly when it cannot', () => {
    const heap = fresh(1, 4 * PAGE_BYTES);
    const before = heap.generation;
    heap.allocate(2 * PAGE_BYTES);
    expect(heap.stats().memoryBytes).toBeGreaterThanOrEqual(3 * PAGE_BYTES);
    expect(heap.generation).toBeGreaterThan(before);
    expect(() => heap.allocate(8 * PAGE_BYTES)).toThrow(/out of memory.*limited to 262144 bytes/);
    expect(heap.stats().blocksInUse).toBe(1); // the failed request changed nothing
  });
});

describe('Kernels across memory growth', () => {
  it('re-creates its typed-array views after growth, with the data intact', async () => {
    const kernels = await loadKernels({ initialMemoryBytes: PAGE_BYTES * 32 });
    const x = kernels.allocate(16);
    kernels.f32.set([1, -2, 3, -4], x / 4);
    const oldView = kernels.f32;
    const big = kernels.allocate(64 * 1024 * 1024); // forces growth
    expect(kernels.allocator.stats().grows).toBeGreaterThan(0);
    expect(oldView.length).toBe(0); // the old buffer is detached…
    kernels.unary(UnaryOp.Relu, x, x, 4);
    expect(Array.from(kernels.f32.subarray(x / 4, x / 4 + 4))).toEqual([1, 0, 3, 0]); // …the new view works
    kernels.f32[(big + 64 * 1024 * 1024 - 4) / 4] = 5; // and reaches the end of the new block
    kernels.free(big);
    kernels.free(x);
  });
});
