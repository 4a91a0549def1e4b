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
  /** Bytes in freed blocks kept for reuse. */
  bytesCached: number;
  /** Largest `bytesInUse` seen. */
  peakBytesInUse: number;
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
 * Freed blocks go to a free list per size class and are handed out again for requests of the same
 * class, which is what a training loop does step after step. The memory grows when no block fits;
 * growing detaches the old `ArrayBuffer`, so users of typed-array views must re-create them when
 * {@link LinearAllocator.generation} changes (the `Kernels` class does this for its views).
 *
 * @example
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
 * const heap = new LinearAllocator(memory, 1024);
 * const ptr = heap.allocate(4 * 100); // room for 100 floats
 * heap.free(ptr);
 */
export class LinearAllocator {
  private top: number;
  private readonly live = new Map<number, number>();
  private readonly freeLists = new Map<number, number[]>();
  private bytesInUse = 0;
  private bytesCached = 0;
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
    const cached = this.freeLists.get(size);
    let ptr: number;
    if (cached !== undefined && cached.length > 0) {
      ptr = cached.pop()!;
      this.bytesCached -= size;
    } else {
      ptr = this.top;
      this.ensureCapacity(ptr + size);
      this.top = ptr + size;
    }
    this.live.set(ptr, size);
    this.bytesInUse += size;
    if (this.bytesInUse > this.peakBytesInUse) this.peakBytesInUse = this.bytesInUse;
    return ptr;
  }

  /** Returns a block to its free list. Throws if `ptr` is not a live block (e.g. freed twice). */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) {
      throw new Error(
        `kernels-wasm free: ${ptr} is not an allocated block (freed twice, or never allocated)`,
      );
    }
    this.live.delete(ptr);
    this.bytesInUse -= size;
    this.bytesCached += size;
    let list = this.freeLists.get(size);
    if (list === undefined) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(ptr);
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
      bytesCached: this.bytesCached,
      peakBytesInUse: this.peakBytesInUse,
      memoryBytes: this.memory.buffer.byteLength,
      grows: this.grows,
    };
  }

  private ensureCapacity(end: number): void {
    const current = this.memory.buffer.byteLength;
    if (end <= current) return;
    if (end > this.maximumBytes) {
      throw new RangeError(
        `kernels-wasm allocate: out of memory: ${end - this.top} more bytes needed but linear memory is ` +
          `limited to ${this.maximumBytes} bytes (${this.bytesInUse} bytes in ${this.live.size} blocks in use, ` +
          `${this.bytesCached} cached)`,
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
    this.grows++;
    this.generation++;
  }
}
