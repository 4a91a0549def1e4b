// Issue 14: SGEMM on several threads sharing the kernels' memory. The split keeps every element's
// reduction order, so 1 and N threads must agree bit for bit; faults must end in a clear error
// (never a hang) and leave memory as it was.
import { afterEach, describe, expect, it } from 'vitest';
import { sizeClass } from './allocator.js';
import { supportedVariants } from './features.js';
import type { Kernels } from './kernels.js';
import { loadKernels } from './load.js';
import { expectedRuntime, put, take } from './testing/harness.js';
import { mulberry32, randomInt, uniform } from './testing/random.js';
import { COMMAND, DONE, JOB, STOP } from './threads/protocol.js';
import { splitSgemm, THREADED_SGEMM_MIN_WORK } from './threads/split.js';

const opened: Kernels[] = [];
async function threaded(variant: 'simd' | 'relaxed', threads: number): Promise<Kernels> {
  const kernels = await loadKernels({ variant, threads: true });
  opened.push(kernels);
  await kernels.setThreads(threads);
  return kernels;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((kernels) => kernels.setThreads(1)));
});

interface Shape {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  batch: number;
  beta: number;
  /** Sum the batch into one C (strideC 0), as a convolution's weight gradient does. */
  sumBatch?: boolean;
}

/** C after one SGEMM of `shape` on random operands seeded by `seed`. */
function product(kernels: Kernels, shape: Shape, seed: number): Float32Array {
  const { m, n, k, transA, transB, batch, beta, sumBatch = false } = shape;
  const random = mulberry32(seed);
  const a = put(kernels, uniform(random, batch * m * k, -1, 1));
  const b = put(kernels, uniform(random, batch * k * n, -1, 1));
  const cLength = (sumBatch ? 1 : batch) * m * n;
  const c = put(kernels, uniform(random, cLength, -1, 1));
  try {
    kernels.sgemm({ m, n, k, transA, transB, a, b, c, beta, batch, strideC: sumBatch ? 0 : m * n });
    return take(kernels, c, cLength);
  } finally {
    for (const block of [a, b, c]) kernels.free(block);
  }
}

function randomShape(random: () => number): Shape {
  const big = random() < 0.6;
  const dim = () => (big ? randomInt(random, 1, 200) : randomInt(random, 1, 24));
  return {
    m: dim(),
    n: dim(),
    k: dim(),
    transA: random() < 0.5,
    transB: random() < 0.5,
    batch: random() < 0.25 ? randomInt(random, 2, 5) : 1,
    beta: random() < 0.3 ? 1 : 0,
    sumBatch: random() < 0.2,
  };
}

describe.each(supportedVariants())('threaded SGEMM, %s build', (variant) => {
  it('gives bit-identical results on 1 and 2 threads, above and below the threshold', async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant, 2);
    expect(two.threads).toBe(2);
    const random = mulberry32(14);
    const shapes = [
      { m: 512, n: 64, k: 300, transA: false, transB: false, batch: 1, beta: 0 }, // rows split
      { m: 8, n: 700, k: 129, transA: true, transB: true, batch: 1, beta: 1 }, // columns split
      { m: 33, n: 45, k: 97, transA: false, transB: true, batch: 6, beta: 0 }, // batch split
      { m: 3, n: 5, k: 7, transA: false, transB: false, batch: 1, beta: 0 }, // tiny: one thread
      // The batch summed into one C must not be split by batch entries: two threads would race on C
      // (found by the Deno run of tensor's threads test, a convolution's weight gradient).
      { m: 16, n: 27, k: 400, transA: false, transB: true, batch: 8, beta: 1, sumBatch: true },
      ...Array.from({ length: 30 }, () => randomShape(random)),
    ];
    let split = 0;
    for (const [index, shape] of shapes.entries()) {
      const strideC = shape.sumBatch ? 0 : 1;
      const call = { ...shape, a: 0, lda: 1, b: 0, ldb: 1, c: 0, ldc: 1, strideA: 0, strideB: 0, strideC };
      if (splitSgemm(call, 2).length > 1) split++;
      expect({ index, c: product(two, shape, index) }).toEqual({ index, c: product(one, shape, index) });
    }
    expect(split).toBeGreaterThan(10); // the random shapes do exercise the threaded path
  });

  it('keeps small products on the calling thread', () => {
    const call = { transA: false, transB: false, m: 63, n: 64, k: 64, a: 0, lda: 64, b: 0, ldb: 64 };
    const full = { ...call, c: 0, ldc: 64, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0 };
    expect(63 * 64 * 64).toBeLessThan(THREADED_SGEMM_MIN_WORK);
    expect(splitSgemm(full, 2)).toHaveLength(1);
    expect(splitSgemm({ ...full, m: 64 }, 2)).toHaveLength(2);
  });

  it('reports a worker that throws, stays usable, and leaks nothing', async () => {
    const kernels = await threaded(variant, 2);
    product(kernels, { m: 4, n: 4, k: 4, transA: false, transB: false, batch: 1, beta: 0 }, 0); // own scratch
    const before = kernels.allocator.stats().bytesInUse;
    const memoryBytes = kernels.memory.buffer.byteLength;
    // C's lower half (the worker's rows) lies past the end of memory: only the worker traps.
    const n = 256;
    const m = 256;
    const c = memoryBytes - (m / 2) * n * 4;
    const a = put(kernels, new Float32Array(m * 64));
    const b = put(kernels, new Float32Array(64 * n));
    expect(() => kernels.sgemm({ m, n, k: 64, a, b, c })).toThrow(
      /^matrix product on 2 threads: worker thread 1 failed: RuntimeError: memory access out of bounds/,
    );
    expect(kernels.threads).toBe(2);
    kernels.free(a);
    kernels.free(b);
    expect(
      product(kernels, { m, n, k: 64, transA: false, transB: false, batch: 1, beta: 0 }, 1),
    ).toHaveLength(m * n);
    expect(kernels.allocator.stats().bytesInUse).toBe(before);
  });

  it('gives a clear error instead of hanging when a worker stops answering, then runs on one thread', async () => {
    const kernels = await loadKernels({ variant, threads: true });
    opened.push(kernels);
    product(kernels, { m: 4, n: 4, k: 4, transA: false, transB: false, batch: 1, beta: 0 }, 0); // own scratch
    const before = kernels.allocator.stats().bytesInUse;
    await kernels.setThreads(2, { stallTimeoutMs: 300 });
    // Make worker 1 leave its loop, as a hung or crashed worker would: it never takes a job again.
    const control = (kernels as unknown as { pool: { control: Int32Array } }).pool.control;
    control[COMMAND] = STOP;
    Atomics.store(control, JOB, 1000);
    Atomics.notify(control, JOB);
    while (Atomics.load(control, DONE) !== 1000) await new Promise((resolve) => setTimeout(resolve, 1));
    const shape = { m: 128, n: 128, k: 128, transA: false, transB: false, batch: 1, beta: 0 };
    expect(() => product(kernels, shape, 2)).toThrow(
      /^matrix product on 2 threads: worker thread 1 did not finish its part within \d+ ms; multi-threading is now off$/,
    );
    expect(kernels.threads).toBe(1);
    const one = await loadKernels({ variant });
    expect(product(kernels, shape, 3)).toEqual(product(one, shape, 3));
    await kernels.setThreads(1); // waits until the broken pool is closed
    // Node and Deno know when a worker's thread has ended and free its scratch; a browser cannot
    // know whether a worker that stopped answering still runs, so that worker keeps its scratch.
    const kept = expectedRuntime() === 'chromium' ? sizeClass(kernels.raw.sgemmScratchBytes()) : 0;
    expect(kernels.allocator.stats().bytesInUse).toBe(before + kept);
  });

  it.runIf(expectedRuntime() !== 'chromium')('reports a worker thread that exited', async () => {
    const kernels = await threaded(variant, 2);
    product(kernels, { m: 4, n: 4, k: 4, transA: false, transB: false, batch: 1, beta: 0 }, 0); // own scratch
    const before = kernels.allocator.stats().bytesInUse - sizeClass(kernels.raw.sgemmScratchBytes());
    const pool = (kernels as unknown as { pool: { workers: { terminate(): Promise<boolean> }[] } }).pool;
    await pool.workers[0]!.terminate();
    await new Promise((resolve) => setTimeout(resolve, 10)); // lets the exit event arrive
    const shape = { m: 128, n: 128, k: 128, transA: false, transB: false, batch: 1, beta: 0 };
    expect(() => product(kernels, shape, 2)).toThrow(
      /^matrix product on 2 threads: worker thread 1 exited with code \d+; multi-threading is now off$/,
    );
    expect(kernels.threads).toBe(1);
    await kernels.setThreads(1);
    expect(kernels.allocator.stats().bytesInUse).toBe(before);
  });

  it('refuses threads on kernels loaded without them, and bad counts', async () => {
    const plain = await loadKernels({ variant });
    await expect(plain.setThreads(2)).rejects.toThrow(
      /setThreads: these kernels were loaded without threads/,
    );
    await expect(plain.setThreads(0)).rejects.toThrow(
      'setThreads: expected a whole number of threads ≥ 1, got 0',
    );
    await plain.setThreads(1); // always fine
    expect(plain.threads).toBe(1);
  });
});
