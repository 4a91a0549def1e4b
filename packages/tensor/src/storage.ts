import { kernels } from './runtime.js';

/** Counters behind {@link memory}. */
export const liveStats = { tensors: 0, storages: 0, bytes: 0 };

/**
 * A reference-counted block of kernel memory holding a tensor's elements. Views share one Storage;
 * the block is freed when the last tensor (or saved autograd buffer) referencing it lets go.
 */
export class Storage {
  private refs = 1;
  /** In-place writes so far: autograd compares it with the version a saved tensor had. */
  version = 0;
  /** The in-place op that last wrote here (for error messages). */
  lastWriter = '';

  private constructor(
    /** Byte offset of the block in kernel memory. */
    readonly ptr: number,
    /** Elements (4 bytes each) the block holds. */
    readonly length: number,
  ) {
    liveStats.storages++;
    liveStats.bytes += length * 4;
  }

  /** A new block for `length` 32-bit elements (uninitialised). */
  static allocate(length: number): Storage {
    return new Storage(kernels.allocate(length * 4), length);
  }

  /** Whether more than one tensor (or saved autograd buffer) references the block. */
  get isShared(): boolean {
    return this.refs > 1;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) {
      kernels.free(this.ptr);
      liveStats.storages--;
      liveStats.bytes -= this.length * 4;
    }
  }
}
