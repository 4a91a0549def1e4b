/**
 * Bins are 4 per power of two of this many bytes (64, 128, 192, 256, 320, 384, 448, 512, 640, …), so
 * that their lower bounds are exactly the allocator's size classes.
 */
const BIN_UNIT = 64;

/** The bin of a range of `size` bytes: the one whose lower bound is the largest not above `size`. */
function binOf(size: number): number {
  const units = Math.floor(size / BIN_UNIT); // below 2 ** 26 for any size below 4 GiB
  if (units < 4) return units - 1;
  const log = 31 - Math.clz32(units);
  const quarter = Math.floor(units / 2 ** (log - 2)); // 4 to 7
  return 3 + (log - 2) * 4 + quarter - 4;
}

/** The lower bound, in bytes, of the ranges in `bin`. */
function binFloor(bin: number): number {
  if (bin < 3) return (bin + 1) * BIN_UNIT;
  const log = 2 + Math.floor((bin - 3) / 4);
  return (4 + ((bin - 3) % 4)) * 2 ** (log - 2) * BIN_UNIT;
}

/**
 * The free byte ranges of a heap, each merged with its free neighbours, indexed by size.
 *
 * This is the segregated good-fit of TLSF (M. Masmano, I. Ripoll, A. Crespo, J. Real, "TLSF: a new
 * dynamic memory allocator for real-time systems", ECRTS 2004): ranges sit in bins of 4 per power of
 * two, and a request looks in the first bin whose every range is large enough, then upwards, so it
 * takes the head of a bin without walking a list. (TLSF finds that bin with a bitmap; here at most
 * ~100 bins are scanned, and only when an allocation misses its exact free list.)
 * The boundary tags that find a range's neighbours live in two maps (start → size, end → start)
 * rather than in the heap, so the memory holds only tensor data.
 *
 * Offsets and sizes are multiples of 64 bytes, plain numbers that may reach 4 GiB.
 *
 * @example
 * const space = new FreeSpace();
 * space.add(1024, 64);
 * space.add(1088, 64); // merges with its neighbour into [1024, 1152)
 * space.take(128); // 1024
 */
export class FreeSpace {
  private readonly sizeAt = new Map<number, number>();
  private readonly startOfEnd = new Map<number, number>();
  private readonly bins: Set<number>[] = [];
  /** Total bytes in the ranges. */
  bytes = 0;

  /** How many (maximal) free ranges there are. */
  get ranges(): number {
    return this.sizeAt.size;
  }

  /** Size of the free range starting at `start`, or undefined if none does. */
  sizeOf(start: number): number | undefined {
    return this.sizeAt.get(start);
  }

  /** Adds the free range [start, start + size), merging it with the free ranges it touches. */
  add(start: number, size: number): void {
    const before = this.startOfEnd.get(start);
    if (before !== undefined) {
      size += this.remove(before);
      start = before;
    }
    if (this.sizeAt.has(start + size)) size += this.remove(start + size);
    this.insert(start, size);
  }

  /** Removes the free range that ends at `end` and returns its start, or undefined if none does. */
  removeEndingAt(end: number): number | undefined {
    const start = this.startOfEnd.get(end);
    if (start !== undefined) this.remove(start);
    return start;
  }

  /**
   * Cuts `size` bytes from the start of a free range of at least that size and returns their offset,
   * or undefined if no range is large enough. The rest of the range stays free.
   */
  take(size: number): number | undefined {
    const bin = binOf(size);
    const atFloor = binFloor(bin) === size; // then every range in `bin` is large enough
    // A size between two bin floors may still fit a range of its own bin (where TLSF gives up).
    const start = this.firstFrom(atFloor ? bin : bin + 1) ?? (atFloor ? undefined : this.fitIn(bin, size));
    if (start === undefined) return undefined;
    const rangeSize = this.remove(start);
    if (rangeSize > size) this.insert(start + size, rangeSize - size);
    return start;
  }

  /** Start of a range in the first non-empty bin from `bin` up. */
  private firstFrom(bin: number): number | undefined {
    for (; bin < this.bins.length; bin++) {
      const ranges = this.bins[bin]!;
      if (ranges.size > 0) return ranges.values().next().value;
    }
    return undefined;
  }

  /** Start of a range of at least `size` bytes in `bin`. */
  private fitIn(bin: number, size: number): number | undefined {
    for (const start of this.bins[bin] ?? []) if (this.sizeAt.get(start)! >= size) return start;
    return undefined;
  }

  private insert(start: number, size: number): void {
    this.sizeAt.set(start, size);
    this.startOfEnd.set(start + size, start);
    const bin = binOf(size);
    while (this.bins.length <= bin) this.bins.push(new Set());
    this.bins[bin]!.add(start);
    this.bytes += size;
  }

  /** Removes the range starting at `start` (which must exist) and returns its size. */
  private remove(start: number): number {
    const size = this.sizeAt.get(start)!;
    this.sizeAt.delete(start);
    this.startOfEnd.delete(start + size);
    this.bins[binOf(size)]!.delete(start);
    this.bytes -= size;
    return size;
  }
}
