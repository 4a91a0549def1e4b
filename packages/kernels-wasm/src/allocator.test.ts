import { describe, expect, it } from 'vitest';
import { BLOCK_ALIGN, LinearAllocator, PAGE_BYTES, sizeClass } from './allocator.js';
import { loadKernels } from './load.js';
import { UnaryOp } from './opcodes.js';
import { mulberry32, randomInt } from './testing/random.js';

const MiB = 2 ** 20;

/**
 * A stand-in for a memory of any size that holds no bytes: the allocator only reads the memory's size
 * and grows it, so this checks its bookkeeping at offsets up to 4 GiB without using that much RAM.
 */
function bookkeepingMemory(bytes: number): WebAssembly.Memory {
  return {
    get buffer() {
      return { byteLength: bytes } as ArrayBuffer;
    },
    grow(pages: number) {
      const before = bytes / PAGE_BYTES;
      bytes += pages * PAGE_BYTES;
      return before;
    },
  } as unknown as WebAssembly.Memory;
}

/** Allocates blocks of `bytes` until the memory is full; returns their offsets. */
function fill(heap: LinearAllocator, bytes: number): number[] {
  const blocks: number[] = [];
  for (;;) {
    try {
      blocks.push(heap.allocate(bytes));
    } catch (error) {
      expect(String(error)).toMatch(/out of memory/);
      return blocks;
    }
  }
}

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
    // Around 2 GiB and 4 GiB, where 32-bit arithmetic would go wrong.
    expect(sizeClass(2 ** 31 - 1)).toBe(2 ** 31);
    expect(sizeClass(2 ** 31 + 1)).toBe(2 ** 31 + 2 ** 29);
    expect(sizeClass(3.5 * 2 ** 30 + 1)).toBe(2 ** 32);
    expect(sizeClass(2 ** 32 + 1)).toBe(2 ** 32 + 2 ** 30);
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

  it('a training loop gets the same blocks back every step from their free lists', () => {
    const heap = fresh();
    const sizes = [4 * 64 * 128, 4 * 128, 4 * 64 * 10, 4 * 128];
    const first = sizes.map((bytes) => heap.allocate(bytes));
    heap.allocate(64); // e.g. optimizer state created during the first step, then kept
    for (const p of first) heap.free(p);
    for (let step = 0; step < 3; step++) {
      const blocks = sizes.map((bytes) => heap.allocate(bytes));
      expect(new Set(blocks)).toEqual(new Set(first));
      for (const p of blocks) heap.free(p);
    }
  });

  it('issue 12 #18: freeing the highest block lowers the top of the heap, past free space below it', () => {
    const heap = fresh(1, 4 * PAGE_BYTES);
    const base = heap.stats().heapTop;
    const [a, b, c] = [heap.allocate(PAGE_BYTES), heap.allocate(PAGE_BYTES), heap.allocate(PAGE_BYTES)];
    heap.free(c);
    expect(heap.stats()).toMatchObject({ heapTop: c, bytesCached: 0 });
    heap.free(a); // not the highest: kept on its free list
    expect(heap.stats()).toMatchObject({ heapTop: c, bytesCached: PAGE_BYTES, blocksCached: 1 });
    heap.free(b);
    expect(heap.stats()).toMatchObject({ heapTop: b, bytesCached: PAGE_BYTES });
    // Larger than what is left above the top: `a` is merged into the top instead of growing past the limit.
    const big = heap.allocate(3.5 * PAGE_BYTES);
    expect(big).toBe(a);
    expect(heap.stats()).toMatchObject({ bytesCached: 0, blocksCached: 0, heapTop: base + 3.5 * PAGE_BYTES });
    heap.free(big);
    expect(heap.stats()).toMatchObject({ heapTop: base, bytesCached: 0, bytesInUse: 0 });
  });

  it('a double free is caught after the block was merged with its neighbours', () => {
    const heap = fresh(1, 4 * PAGE_BYTES);
    const [a, b] = [heap.allocate(PAGE_BYTES), heap.allocate(PAGE_BYTES)];
    heap.allocate(64);
    heap.free(a);
    heap.free(b);
    const c = heap.allocate(1.5 * PAGE_BYTES); // merges a and b, and takes the start of the merged space
    expect(c).toBe(a);
    expect(() => heap.free(b)).toThrow(/kernels-wasm free: \d+ is not an allocated block \(freed twice/);
    heap.free(c);
    expect(() => heap.free(c)).toThrow(/not an allocated block/);
    expect(heap.stats()).toMatchObject({ bytesInUse: 64, blocksInUse: 1 });
  });

  it('issue 12 #18: a sequence model with a different length every step stays within a 64 MiB memory', () => {
    // Before the fix, every new length left blocks of new size classes cached and the memory ran out.
    const heap = new LinearAllocator(new WebAssembly.Memory({ initial: 1, maximum: 1024 }), 100, 64 * MiB);
    const random = mulberry32(18);
    const weights = heap.allocate(4 * MiB);
    for (let step = 0; step < 300; step++) {
      const length = randomInt(random, 1, 64);
      const blocks = [length * 128 * 1024, length * 128 * 1024, length * 32 * 1024].map((bytes) =>
        heap.allocate(bytes),
      );
      for (const p of blocks) heap.free(p);
    }
    expect(heap.stats()).toMatchObject({ blocksInUse: 1, bytesInUse: heap.sizeOf(weights) });
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

describe.each([
  {
    scale: 'scaled down to a 64 MiB memory',
    unit: MiB,
    memory: () => new WebAssembly.Memory({ initial: 1 }),
  },
  { scale: 'at full scale in a 4 GiB memory', unit: 64 * MiB, memory: () => bookkeepingMemory(PAGE_BYTES) },
])('LinearAllocator with freed blocks of other sizes, $scale (issue 12 #18)', ({ unit, memory }) => {
  const fresh = () => new LinearAllocator(memory(), 100, 64 * unit);

  it('after freeing 3 blocks of 16 units, 7 blocks of 8 units fit (it was 1)', () => {
    const heap = fresh();
    const blocks = [heap.allocate(16 * unit), heap.allocate(16 * unit), heap.allocate(16 * unit)];
    heap.allocate(64); // a live block above them keeps them below the top
    for (const p of blocks) heap.free(p);
    expect(heap.stats()).toMatchObject({ bytesCached: 48 * unit, blocksCached: 3 });
    const halves = fill(heap, 8 * unit);
    // Six in the space of the three freed blocks, merged, and one above the live block.
    expect(halves.length).toBe(7);
    expect(halves.filter((p) => p < blocks[2]! + 16 * unit)).toHaveLength(6);
    expect(heap.stats()).toMatchObject({ bytesCached: 0, blocksCached: 0 });
  });

  it('a request of 5 units fits when 60 units of 4-unit blocks are cached (it failed)', () => {
    const heap = fresh();
    const blocks: number[] = [];
    for (let i = 0; i < 15; i++) {
      blocks.push(heap.allocate(4 * unit));
      if (i % 3 === 2) heap.allocate(64); // live blocks split the freed space into runs of 12 units
    }
    for (const p of blocks) heap.free(p);
    expect(heap.stats().bytesCached).toBe(60 * unit);
    expect(fill(heap, 5 * unit)).toHaveLength(10); // two per run
    expect(heap.stats()).toMatchObject({ bytesCached: 10 * unit, blocksCached: 5 });
    // The rest of each run, and one above the top (where 4 units less the live blocks are left).
    expect(fill(heap, 2 * unit)).toHaveLength(5 + 1);
    expect(heap.stats()).toMatchObject({ bytesCached: 0, bytesInUse: 10 * 5 * unit + 6 * 2 * unit + 5 * 64 });
  });
});

describe('LinearAllocator under random allocate/free sequences', () => {
  /** Checks that live blocks are aligned, disjoint, sized by class, and that the statistics add up. */
  function check(heap: LinearAllocator, live: Map<number, number>, base: number): void {
    const stats = heap.stats();
    const blocks = [...live].map(([ptr, bytes]) => ({ ptr, bytes, size: heap.sizeOf(ptr)! }));
    blocks.sort((x, y) => x.ptr - y.ptr);
    let end = base;
    for (const { ptr, bytes, size } of blocks) {
      expect(ptr % BLOCK_ALIGN).toBe(0);
      expect(size).toBe(sizeClass(bytes));
      expect(ptr).toBeGreaterThanOrEqual(end);
      end = ptr + size;
    }
    expect(end).toBeLessThanOrEqual(stats.heapTop);
    expect(stats.heapTop).toBeLessThanOrEqual(stats.memoryBytes);
    expect(stats.blocksInUse).toBe(live.size);
    expect(stats.bytesInUse).toBe(blocks.reduce((sum, { size }) => sum + size, 0));
    // Everything between the heap base and the top is either in use or cached.
    expect(stats.bytesCached).toBe(stats.heapTop - base - stats.bytesInUse);
  }

  it.each([1, 2, 3])('keeps blocks disjoint and statistics exact (seed %i)', (seed) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024 });
    const heap = new LinearAllocator(memory, 100, 32 * MiB);
    const base = heap.stats().heapTop;
    const random = mulberry32(seed);
    const live = new Map<number, number>();
    let words = new Uint32Array(memory.buffer);
    let failures = 0;
    for (let op = 0; op < 3000; op++) {
      if (live.size > 0 && random() < (live.size > 40 ? 0.7 : 0.4)) {
        const ptr = [...live.keys()][randomInt(random, 0, live.size - 1)]!;
        // Each block holds its offset in its first and last word: a block written over by another fails here.
        const size = heap.sizeOf(ptr)!;
        expect([words[ptr / 4], words[(ptr + size) / 4 - 1]]).toEqual([ptr, ptr]);
        heap.free(ptr);
        live.delete(ptr);
      } else {
        const bytes = Math.floor(2 ** (random() * 21)) - 1; // 0 bytes to 2 MiB, log-uniform
        const before = heap.stats().bytesInUse;
        try {
          const ptr = heap.allocate(bytes);
          live.set(ptr, bytes);
          if (heap.generation !== 0) words = new Uint32Array(memory.buffer);
          words[ptr / 4] = ptr;
          words[(ptr + sizeClass(bytes)) / 4 - 1] = ptr;
        } catch (error) {
          expect(String(error)).toMatch(/out of memory/);
          expect(heap.stats().bytesInUse).toBe(before);
          failures++;
        }
      }
      if (op % 25 === 0) check(heap, live, base);
    }
    check(heap, live, base);
    expect(failures).toBeLessThan(10);
    for (const ptr of live.keys()) heap.free(ptr);
    expect(heap.stats()).toMatchObject({ bytesInUse: 0, blocksInUse: 0 });
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
