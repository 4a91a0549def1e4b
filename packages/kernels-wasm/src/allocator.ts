import { FreeSpace } from './free-space.js';

/** Bytes in one WebAssembly memory page. */
export const PAGE_BYTES = 65536;

/** Every block starts on a 64-byte boundary (a cache line; more than SIMD needs). */
export const BLOCK_ALIGN = 64;

/** Statistics of a {@link LinearAllocator}, all in bytes unless named otherwise. */
export interface AllocatorStats {
  /** Bytes in blocks handed out and not yet freed (block sizes, rounded up to their size class). */
  bytesInUse: number;
  /** Blocks handed out and not yet freed. */
  blocksInUse: number;
  /** Bytes in freed blocks kept for reuse (below `heapTop`; freed memory above it is not counted). */
  bytesCached: number;
  /** Free blocks kept for reuse: blocks on the size-class free lists plus merged free ranges. */
  blocksCached: number;
  /** Largest `bytesInUse` seen. */
  peakBytesInUse: number;
  /**
   * Offset just past the highest block in use or cached. Everything from the heap base up to here is
   * in use or cached; everything above is unused, and freeing the highest block lowers it.
   */
  heapTop: number;
  /** Size of the linear memory. */
  memoryBytes: number;
  /** How many times the memory has grown. */
  grows: number;
}

/**
 * The size class that a request of `bytes` is rounded up to: four classes per power of two (so at
 * most 25% is wasted), multiples of 64 bytes, at least 64.
 *
 * @example sizeClass(100) // 128
 */
export function sizeClass(bytes: number): number {
  if (bytes <= BLOCK_ALIGN) return BLOCK_ALIGN;
  // The highest power of two not above `bytes`: clz32 is much cheaper than log2 but needs 32 bits.
  const power = bytes < 2 ** 32 ? 0x80000000 >>> Math.clz32(bytes) : 2 ** Math.floor(Math.log2(bytes));
  const step = Math.max(power / 4, BLOCK_ALIGN);
  return Math.ceil(bytes / step) * step;
}

/**
 * Allocates blocks of a WebAssembly linear memory above the module's static data.
 *
 * The design is Doug Lea's malloc (dlmalloc) with its "fastbins": a freed block goes to a free list
 * of its size class and is handed out again, in O(1), to the next request of that class, which is
 * what a training loop does step after step. A request that finds its list empty is cut from the
 * free space where freed blocks have been merged with their free neighbours (see {@link FreeSpace});
 * then from the top of the heap. Only before the memory would grow are the blocks on the lists merged
 * into that free space ("consolidation"), so that large requests are served from freed memory of any
 * size class instead of growing it. Freeing the highest block lowers the top of the heap.
 *
 * Growing detaches the old `ArrayBuffer`, so users of typed-array views must re-create them when
 * {@link LinearAllocator.generation} changes (the `Kernels` class does this for its views). The
 * memory never shrinks (WebAssembly cannot), but freed memory is reused for requests of any size.
 *
 * @example
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
 * const heap = new LinearAllocator(memory, 1024);
 * const ptr = heap.allocate(4 * 100); // room for 100 floats
 * heap.free(ptr);
 */
export class LinearAllocator {
  /** End of the highest block in use or cached; the memory above it is unused. */
  private top: number;
  /** Size of the memory when last read (it only grows, so this is a lower bound). */
  private capacity: number;
  private readonly live = new Map<number, number>();
  /** Freed blocks by size class, not merged with their neighbours yet. */
  private readonly freeLists = new Map<number, number[]>();
  private listedBytes = 0;
  private listedBlocks = 0;
  /** Freed memory merged into maximal ranges. */
  private readonly space = new FreeSpace();
  private bytesInUse = 0;
  private peakBytesInUse = 0;
  private grows = 0;

  /** Increases every time the memory grows (existing views of the memory are then detached). */
  generation = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
    /** Largest size the memory may reach, in bytes. */
    readonly maximumBytes = 65536 * PAGE_BYTES,
  ) {
    this.top = Math.ceil(heapBase / BLOCK_ALIGN) * BLOCK_ALIGN;
    this.capacity = memory.buffer.byteLength;
  }

  /**
   * Returns the byte offset of a block of at least `bytes` bytes, aligned to 64 bytes. A request of
   * 0 bytes still gets its own block. Throws a RangeError when the memory cannot grow any more.
   */
  allocate(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new RangeError(`kernels-wasm allocate: cannot allocate ${bytes} bytes (expected a size >= 0)`);
    }
    const size = sizeClass(bytes);
    const listed = this.freeLists.get(size);
    let ptr: number;
    if (listed !== undefined && listed.length > 0) {
      ptr = listed.pop()!;
      this.listedBytes -= size;
      this.listedBlocks--;
    } else {
      ptr = this.allocateUnlisted(size);
    }
    this.live.set(ptr, size);
    this.bytesInUse += size;
    if (this.bytesInUse > this.peakBytesInUse) this.peakBytesInUse = this.bytesInUse;
    return ptr;
  }

  /**
   * Returns a block for reuse: to the free list of its size class, or to the top of the heap if it is
   * the highest block. Throws if `ptr` is not a live block (e.g. freed twice).
   */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) {
      throw new Error(
        `kernels-wasm free: ${ptr} is not an allocated block (freed twice, or never allocated)`,
      );
    }
    this.live.delete(ptr);
    this.bytesInUse -= size;
    if (ptr + size === this.top) {
      // The top comes down past the block and past free space just below it.
      this.top = (this.space.ranges > 0 ? this.space.removeEndingAt(ptr) : undefined) ?? ptr;
      return;
    }
    let list = this.freeLists.get(size);
    if (list === undefined) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(ptr);
    this.listedBytes += size;
    this.listedBlocks++;
  }

  /** Size in bytes of the live block at `ptr` (its size class), or undefined if none is. */
  sizeOf(ptr: number): number | undefined {
    return this.live.get(ptr);
  }

  /** A snapshot of the allocator's statistics. */
  stats(): AllocatorStats {
    return {
      bytesInUse: this.bytesInUse,
      blocksInUse: this.live.size,
      bytesCached: this.listedBytes + this.space.bytes,
      blocksCached: this.listedBlocks + this.space.ranges,
      peakBytesInUse: this.peakBytesInUse,
      heapTop: this.top,
      memoryBytes: this.memory.buffer.byteLength,
      grows: this.grows,
    };
  }

  /** A block of `size` bytes when its free list is empty: from merged free space, else the top. */
  private allocateUnlisted(size: number): number {
    let ptr = this.space.ranges > 0 ? this.space.take(size) : undefined;
    if (ptr !== undefined) return ptr;
    if (this.listedBlocks > 0 && !this.fits(this.top + size)) {
      this.consolidate();
      ptr = this.space.take(size);
      if (ptr !== undefined) return ptr;
    }
    ptr = this.top;
    this.ensureCapacity(ptr + size);
    this.top = ptr + size;
    return ptr;
  }

  /** Merges every block on the free lists with its free neighbours, and the highest ones into the top. */
  private consolidate(): void {
    for (const [size, list] of this.freeLists) {
      for (const ptr of list) this.space.add(ptr, size);
      list.length = 0;
    }
    this.listedBytes = 0;
    this.listedBlocks = 0;
    const below = this.space.removeEndingAt(this.top);
    if (below !== undefined) this.top = below;
  }

  /** Whether the memory already reaches `end` bytes (without growing). */
  private fits(end: number): boolean {
    if (end <= this.capacity) return true;
    this.capacity = this.memory.buffer.byteLength;
    return end <= this.capacity;
  }

  private ensureCapacity(end: number): void {
    if (this.fits(end)) return;
    const current = this.capacity;
    if (end > this.maximumBytes) {
      const stats = this.stats();
      throw new RangeError(
        `kernels-wasm allocate: out of memory: ${end - this.top} more bytes needed but linear memory is ` +
          `limited to ${this.maximumBytes} bytes (${stats.bytesInUse} bytes in ${stats.blocksInUse} blocks ` +
          `in use, ${stats.bytesCached} bytes cached in ${stats.blocksCached} free blocks)`,
      );
    }
    // Grow by at least a quarter of the current size so that a growing workload grows rarely.
    const wanted = Math.min(Math.max(end, current + current / 4), this.maximumBytes);
    const pages = Math.ceil((wanted - current) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new RangeError(
        `kernels-wasm allocate: the runtime refused to grow linear memory from ${current} to ` +
          `${current + pages * PAGE_BYTES} bytes (${this.bytesInUse} bytes in use)`,
        { cause },
      );
    }
    this.capacity = this.memory.buffer.byteLength;
    this.grows++;
    this.generation++;
  }
}
