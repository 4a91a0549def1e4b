// Issue 14, second increment: elementwise kernels, the fused optimizer updates and pooling are split
// between threads through the generic "call kernel E with these numbers" job. Each is compared bit
// for bit (as uint32 patterns: NaN payloads and −0 included) with the single-threaded build, on
// sizes below the threshold (one thread), just above it, with odd tails and at random; and a
// worker's fault in such a job ends in a clear error naming the work, as SGEMM's does.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Conv2dOptions,
  conv2dGeometry,
  directPlane,
  type Pool2dOptions,
  pool2dGeometry,
} from './conv.js';
import { supportedVariants } from './features.js';
import type { Kernels } from './kernels.js';
import { loadKernels } from './load.js';
import { BinaryOp, ReduceOp, UnaryOp } from './opcodes.js';
import { put, take } from './testing/harness.js';
import { mulberry32, randomInt, uniform } from './testing/random.js';
import { COMMAND, DONE, JOB, STOP } from './threads/protocol.js';
import { THREADED_ELEMENTWISE_MIN_WORK as MIN, splitRange } from './threads/split.js';
import { nodeWorkerSource, webWorkerSource } from './threads/worker-source.js';

const opened: Kernels[] = [];
async function threaded(variant: 'simd' | 'relaxed', options = {}): Promise<Kernels> {
  const kernels = await loadKernels({ variant, threads: true });
  opened.push(kernels);
  // Workers that never fall asleep: a sleeping worker is only handed work well above the threshold
  // (see Kernels.threadsFor), and these tests check the split just above it.
  await kernels.setThreads(2, { spinMs: 60_000, ...options });
  return kernels;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((kernels) => kernels.setThreads(1)));
});

/** Counts the calls that the pool of `kernels` really shared with a worker. */
function countShared(kernels: Kernels): { count: number } {
  const pool = (kernels as unknown as { pool: { run: (...args: unknown[]) => void } }).pool;
  const run = pool.run.bind(pool);
  const counter = { count: 0 };
  pool.run = (...args) => {
    counter.count++;
    run(...args);
  };
  return counter;
}

/** The bit patterns of a float32 array, so that equality is bit-identity. */
const bits = (values: Float32Array) => new Uint32Array(values.buffer, values.byteOffset, values.length);

/**
 * Where two lists of outputs first differ, as `{ output, element }`, or null when they are bit-identical
 * (a plain loop: deep equality over millions of numbers is far too slow).
 */
function firstDifference(a: Uint32Array[], b: Uint32Array[]): { output: number; element: number } | null {
  if (a.length !== b.length) return { output: -1, element: -1 };
  for (let output = 0; output < a.length; output++) {
    const [x, y] = [a[output]!, b[output]!];
    if (x.length !== y.length) return { output, element: -1 };
    for (let element = 0; element < x.length; element++) {
      if (x[element] !== y[element]) return { output, element };
    }
  }
  return null;
}

/**
 * Runs `body` on fresh random buffers (allocated by `input`) and returns the bit patterns of the
 * buffers it names, freeing everything afterwards.
 */
function runCase(
  kernels: Kernels,
  seed: number,
  body: (input: (n: number, lo?: number, hi?: number) => number) => [number, number][],
): Uint32Array[] {
  const random = mulberry32(seed);
  const blocks: number[] = [];
  const input = (n: number, lo = -3, hi = 3) => {
    const ptr = put(kernels, uniform(random, Math.max(n, 1), lo, hi), blocks.length % 3);
    blocks.push(ptr);
    return ptr;
  };
  try {
    return body(input).map(([ptr, n]) => bits(take(kernels, ptr, n)));
  } finally {
    for (const ptr of blocks) kernels.free(ptr - (ptr % 64));
  }
}

/** Element counts: empty, tiny, odd tails around the threshold, and random large ones. */
function sizes(seed: number): number[] {
  const random = mulberry32(seed);
  const fixed = [0, 1, 3, 7, 4099, MIN - 1, MIN, MIN + 1, MIN + 3, MIN + 6, 2 * MIN + 5];
  return [...fixed, ...Array.from({ length: 2 }, () => randomInt(random, MIN, 4 * MIN))];
}

type Case = (kernels: Kernels, n: number, seed: number) => Uint32Array[];

const unaryOps = Object.values(UnaryOp).filter((op): op is UnaryOp => typeof op === 'number');
const binaryOps = Object.values(BinaryOp).filter((op): op is BinaryOp => typeof op === 'number');

const elementwiseCases: Record<string, Case> = {
  unary: (kernels, n, seed) =>
    runCase(kernels, seed, (input) => {
      const x = input(n);
      const out = input(n);
      return unaryOps.map((op) => {
        kernels.unary(op, x, out, n, 0.3);
        return [out, n];
      });
    }),
  unaryGrad: (kernels, n, seed) =>
    runCase(kernels, seed, (input) => {
      const [x, y, gy, gx] = [input(n), input(n), input(n), input(n)];
      return unaryOps.map((op) => {
        kernels.unary(op, x, y, n, 0.3);
        kernels.unaryGrad(op, x, y, gy, gx, n, 0.3);
        return [gx, n];
      });
    }),
  'binary, scalar operands, where': (kernels, n, seed) =>
    runCase(kernels, seed, (input) => {
      const [a, b, out, cond] = [input(n, -2, 2), input(n, -2, 2), input(n), input(n, -1, 1)];
      const scalar = input(1, 1.5, 1.5);
      const integer = input(1, 3, 3);
      const results: [number, number][] = [];
      for (const op of binaryOps) {
        const at = input(n);
        kernels.binary(op, a, b, at, n);
        const first = input(n);
        kernels.binaryScalar(op, a, scalar, first, n, true);
        const second = input(n);
        kernels.binaryScalar(op, a, scalar, second, n);
        results.push([at, n], [first, n], [second, n]);
      }
      kernels.binaryScalar(BinaryOp.Pow, a, integer, out, n); // the repeated-squaring path
      kernels.binary(BinaryOp.Add, a, b, a, n); // in place
      kernels.where(cond, b, out, cond, n); // in place on the condition
      return [...results, [out, n], [a, n], [cond, n]];
    }),
  'fused optimizer updates': (kernels, n, seed) =>
    runCase(kernels, seed, (input) => {
      const grad = input(n);
      const [sgd, buf, nesterov] = [input(n), input(n), input(n)];
      kernels.sgdUpdate(sgd, grad, buf, n, 0.1, 0.9, 0.1, 0.01, false, true);
      kernels.sgdUpdate(sgd, grad, buf, n, 0.1, 0.9, 0.1, 0.01, false, false);
      kernels.sgdUpdate(nesterov, grad, grad, n, 0.1, 0, 0, 0, true, false);
      const [adagrad, sum] = [input(n), input(n, 0, 1)];
      kernels.adagradUpdate(adagrad, grad, sum, n, 0.05, 0.01, 1e-10);
      const [rms, square, avg, rmsBuf] = [input(n), input(n, 0, 1), input(n), input(n)];
      kernels.rmspropUpdate(rms, grad, square, avg, rmsBuf, n, 0.01, 0.99, 1e-8, 0.01, 0.9, true);
      const [adam, m, v, vMax] = [input(n), input(n), input(n, 0, 1), input(n, 0, 1)];
      kernels.adamUpdate(adam, grad, m, v, vMax, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, true, true, 0.01, 0.04);
      kernels.adamUpdate(adam, grad, m, v, v, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, false, false, 0.01, 0.04);
      return [sgd, buf, nesterov, adagrad, sum, rms, square, avg, rmsBuf, adam, m, v, vMax].map((p) => [
        p,
        n,
      ]);
    }),
};

describe.each(supportedVariants())('threaded elementwise kernels, %s build', (variant) => {
  it.each(Object.keys(elementwiseCases))('%s: bit-identical on 1 and 2 threads', async (name) => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const shared = countShared(two);
    const run = elementwiseCases[name]!;
    const before = two.allocator.stats().bytesInUse;
    for (const [index, n] of sizes(name.length).entries()) {
      const differ = firstDifference(run(two, n, index), run(one, n, index));
      expect({ n, differ }).toEqual({ n, differ: null });
    }
    expect(shared.count).toBeGreaterThan(0); // the large sizes did run on two threads
    expect(two.allocator.stats().bytesInUse).toBe(before);
  });

  it('splits broadcast operands along their outermost dimension, bit-identically', async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const shared = countShared(two);
    const random = mulberry32(7);
    // [shape, strides of a, strides of b]; b broadcast (stride 0) or transposed.
    const layouts: [number[], number[], number[]][] = [
      [
        [1000, 129],
        [129, 1],
        [0, 1],
      ], // a bias row added to every row
      [
        [8, 16, 23, 25],
        [16 * 575, 575, 25, 1],
        [0, 1, 0, 0],
      ], // a per-channel value
      [
        [1, 1, 70_001],
        [0, 0, 1],
        [0, 0, 0],
      ], // split along the last dimension
      [
        [300, 301],
        [301, 1],
        [1, 300],
      ], // b transposed: the gathering path
      [
        [2, 1, 40_000],
        [40_000, 40_000, 1],
        [1, 1, 0],
      ], // odd: a column broadcast along rows
      [
        [7, 5],
        [5, 1],
        [0, 1],
      ], // tiny: one thread
    ];
    for (const [index, [shape, sa, sb]] of layouts.entries()) {
      const spanA = 1 + shape.reduce((s, d, i) => s + (d - 1) * sa[i]!, 0);
      const spanB = 1 + shape.reduce((s, d, i) => s + (d - 1) * sb[i]!, 0);
      const size = shape.reduce((p, d) => p * d, 1);
      const [a, b] = [uniform(random, spanA, -2, 2), uniform(random, spanB, -2, 2)];
      const results = [one, two].map((kernels) => {
        const [pa, pb, out] = [put(kernels, a), put(kernels, b, 1), put(kernels, new Float32Array(size))];
        kernels.binaryStrided(BinaryOp.Div, pa, sa, pb, sb, out, shape);
        const result = bits(take(kernels, out, size));
        for (const ptr of [pa, pb - 4, out]) kernels.free(ptr);
        return result;
      });
      expect({ index, differ: firstDifference([results[1]!], [results[0]!]) }).toEqual({
        index,
        differ: null,
      });
    }
    expect(shared.count).toBe(5);
  });

  it('splits pooling over planes, forward and backward, bit-identically', async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const shared = countShared(two);
    const geometries: Pool2dOptions[] = [
      { batch: 8, channels: 16, height: 28, width: 28, kernel: 2 }, // LeNet's: the SIMD 2×2 path
      { batch: 8, channels: 9, height: 33, width: 31, kernel: 3, stride: 2, padding: 1, ceilMode: true },
      { batch: 3, channels: 9, height: 50, width: 47, kernel: [2, 3], dilation: [2, 1] },
      { batch: 2, channels: 3, height: 6, width: 6, kernel: 2 }, // tiny: one thread
    ];
    for (const [index, options] of geometries.entries()) {
      const g = pool2dGeometry(options);
      const planes = g.batch * g.channels;
      const [inSize, outSize] = [planes * g.height * g.width, planes * g.outH * g.outW];
      const run: Case = (kernels) =>
        runCase(kernels, index, (input) => {
          const [x, out, gy, gx] = [input(inSize), input(outSize), input(outSize), input(inSize)];
          const indices = input(outSize);
          const results: [number, number][] = [];
          kernels.maxPool2d(x, out, indices, g);
          kernels.maxPool2dBackward(gy, indices, gx, g);
          results.push([out, outSize], [indices, outSize], [gx, inSize]);
          if (g.dilationH === 1 && g.dilationW === 1) {
            const [avg, avgGrad] = [input(outSize), input(inSize)];
            kernels.avgPool2d(x, avg, g, { countIncludePad: false });
            kernels.avgPool2dBackward(gy, avgGrad, g, { countIncludePad: false }, true);
            results.push([avg, outSize], [avgGrad, inSize]);
          }
          const [adaptive, adaptiveGrad] = [input(planes * 12), input(inSize)];
          kernels.adaptiveAvgPool2d(x, adaptive, planes, g.height, g.width, 3, 4);
          kernels.adaptiveAvgPool2dBackward(adaptive, adaptiveGrad, planes, g.height, g.width, 3, 4);
          return [...results, [adaptive, planes * 12], [adaptiveGrad, inSize]];
        });
      const differ = firstDifference(run(two, 0, 0), run(one, 0, 0));
      expect({ index, differ }).toEqual({ index, differ: null });
    }
    expect(shared.count).toBeGreaterThan(10);
  });

  it("splits im2col and col2im over images and the weight gradient's sgemmNTSum over columns, bit-identically", async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const shared = countShared(two);
    const geometries: Conv2dOptions[] = [
      { batch: 32, channels: 1, height: 28, width: 28, kernel: 5, padding: 2 }, // LeNet's layers
      { batch: 32, channels: 6, height: 14, width: 14, kernel: 5 },
      { batch: 5, channels: 3, height: 17, width: 13, kernel: 3, stride: 2, padding: 1, dilation: [1, 2] },
      { batch: 1, channels: 2, height: 5, width: 5, kernel: 3 }, // tiny: one thread
    ];
    for (const [index, options] of geometries.entries()) {
      const g = conv2dGeometry(options);
      const image = g.channels * g.height * g.width;
      const K = g.channels * g.kernelH * g.kernelW;
      const L = g.outH * g.outW;
      const cout = 7; // odd: a column range ends inside a tile of 4
      const run: Case = (kernels) =>
        runCase(kernels, index, (input) => {
          const [x, cols, gx, gy, gw] = [
            input(g.batch * image),
            input(g.batch * K * L),
            input(g.batch * image),
            input(g.batch * cout * L),
            input(cout * K),
          ];
          kernels.im2col(x, cols, g);
          kernels.col2im(cols, gx, g, true);
          // gw [cout, K] = Σ over images of gy[cout, L] · cols[K, L]ᵀ; and gwᵀ [K, cout] the other way round
          kernels.sgemmNTSum({
            m: cout,
            n: K,
            k: L,
            a: gy,
            b: cols,
            c: gw,
            batch: g.batch,
            strideA: cout * L,
          });
          const gwT = input(K * cout);
          kernels.sgemmNTSum({
            m: K,
            n: cout,
            k: L,
            a: cols,
            b: gy,
            c: gwT,
            batch: g.batch,
            strideB: cout * L,
          });
          return [
            [cols, g.batch * K * L],
            [gx, g.batch * image],
            [gw, cout * K],
            [gwT, K * cout],
          ];
        });
      const differ = firstDifference(run(two, 0, 0), run(one, 0, 0));
      expect({ index, differ }).toEqual({ index, differ: null });
    }
    expect(shared.count).toBeGreaterThan(6);
  });

  it('splits the direct convolution kernels (forward over images, weight gradient over output channels), bit-identically', async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const shared = countShared(two);
    // [batch, groups, perGroup, height, width, kernel, padding, inPerGroup]: LeNet's first layer
    // (one group: the weight gradient splits over its output channels, issue 19), a depthwise layer,
    // odd sizes, a tiny case (one thread), LeNet's second layer and groups 2 with 3 input channels each.
    const cases = [
      [32, 1, 6, 28, 28, 5, 2, 1],
      [16, 12, 1, 16, 16, 3, 1, 1],
      [7, 5, 3, 13, 11, 4, 2, 1],
      [1, 1, 2, 5, 5, 3, 0, 1],
      [32, 1, 16, 14, 14, 5, 0, 6],
      [6, 2, 5, 9, 11, 3, 1, 3],
    ] as const;
    for (const [
      index,
      [batch, groups, perGroup, height, width, kernel, padding, inPerGroup],
    ] of cases.entries()) {
      const [outH, outW] = [height + 2 * padding - kernel + 1, width + 2 * padding - kernel + 1];
      const d = {
        batch,
        groups,
        inPerGroup,
        perGroup,
        ...directPlane(outH, outW, kernel, kernel),
        kernelH: kernel,
        kernelW: kernel,
        outH,
        outW,
      };
      const cout = groups * perGroup;
      const planes = groups * inPerGroup;
      const taps = inPerGroup * kernel * kernel;
      const run: Case = (kernels) =>
        runCase(kernels, index, (input) => {
          const [x, xpad, weight, bias, y, gw, gb] = [
            input(batch * planes * height * width),
            input(batch * planes * d.planeH * d.planeW),
            input(cout * taps),
            input(cout),
            input(batch * cout * outH * outW),
            input(cout * taps),
            input(cout),
          ];
          kernels.fill(xpad, batch * planes * d.planeH * d.planeW, 0);
          kernels.padPlanes(x, xpad, batch * planes, height, width, padding, padding, d.planeH, d.planeW);
          kernels.convDirectForward(xpad, weight, bias, y, d);
          kernels.convDirectWeightGrad(xpad, y, gw, gb, d);
          return [
            [xpad, batch * planes * d.planeH * d.planeW],
            [y, batch * cout * outH * outW],
            [gw, cout * taps],
            [gb, cout],
          ];
        });
      const differ = firstDifference(run(two, 0, 0), run(one, 0, 0));
      expect({ index, differ }).toEqual({ index, differ: null });
    }
    expect(shared.count).toBeGreaterThan(3);
  });

  it('splits reductions over their independent slices, bit-identically (sum, max, min, argmax, argmin)', async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const shared = countShared(two);
    // [outer, len, inner]: rows (inner 1), columns (inner > 1, odd), a single slice (one thread), tiny.
    const shapes = [
      [2000, 97, 1],
      [37, 50, 61],
      [1, 100_000, 1],
      [3, 4, 5],
    ] as const;
    for (const [index, [outer, len, inner]] of shapes.entries()) {
      const run: Case = (kernels) =>
        runCase(kernels, index, (input) => {
          const x = input(outer * len * inner);
          return [ReduceOp.Sum, ReduceOp.Max, ReduceOp.Min, ReduceOp.ArgMax, ReduceOp.ArgMin].map((op) => {
            const out = input(outer * inner);
            kernels.reduce(op, x, out, outer, len, inner);
            return [out, outer * inner] as [number, number];
          });
        });
      const differ = firstDifference(run(two, 0, 0), run(one, 0, 0));
      expect({ index, differ }).toEqual({ index, differ: null });
    }
    expect(shared.count).toBeGreaterThanOrEqual(10); // the first two shapes, five ops each
  });

  it('keeps working when the shared memory grows while the threads run', async () => {
    const one = await loadKernels({ variant });
    const two = await threaded(variant);
    const before = two.memory.buffer.byteLength;
    const big = two.allocate(before + 64 * 2 ** 20); // forces the shared memory to grow
    expect(two.memory.buffer.byteLength).toBeGreaterThan(before);
    // Operands placed after the growth, split between the threads.
    const run: Case = (kernels) =>
      runCase(kernels, 99, (input) => {
        const [a, out] = [input(300_001), input(300_001)];
        kernels.unary(UnaryOp.Exp, a, out, 300_001, 0);
        return [[out, 300_001]];
      });
    const differ = firstDifference(run(two, 0, 0), run(one, 0, 0));
    expect(differ).toBeNull();
    two.free(big);
  });

  it('reports a worker that throws in an elementwise job, and stays usable', async () => {
    const kernels = await threaded(variant);
    const before = kernels.allocator.stats().bytesInUse;
    const n = 2 * MIN;
    const x = put(kernels, new Float32Array(n));
    // The output's second half (the worker's range) lies past the end of memory: only the worker traps.
    const out = kernels.memory.buffer.byteLength - (n / 2) * 4;
    expect(() => kernels.unary(UnaryOp.Exp, x, out, n)).toThrow(
      /^elementwise op on 2 threads: worker thread 1 failed: RuntimeError: memory access out of bounds/,
    );
    expect(kernels.threads).toBe(2);
    kernels.unary(UnaryOp.Exp, x, x, n);
    expect(take(kernels, x, n).every((v) => v === 1)).toBe(true);
    kernels.free(x);
    expect(kernels.allocator.stats().bytesInUse).toBe(before);
  });

  it('gives a clear error instead of hanging when a worker stops answering an update', async () => {
    const kernels = await threaded(variant, { stallTimeoutMs: 300 });
    const control = (kernels as unknown as { pool: { control: Int32Array } }).pool.control;
    control[COMMAND] = STOP; // worker 1 leaves its loop, as a hung worker would
    Atomics.store(control, JOB, 1000);
    Atomics.notify(control, JOB);
    while (Atomics.load(control, DONE) !== 1000) await new Promise((resolve) => setTimeout(resolve, 1));
    const n = MIN + 5;
    const [param, grad] = [
      put(kernels, new Float32Array(n).fill(1)),
      put(kernels, new Float32Array(n).fill(2)),
    ];
    expect(() => kernels.sgdUpdate(param, grad, grad, n, 0.5, 0, 0, 0, false, true)).toThrow(
      /^optimizer update on 2 threads: worker thread 1 did not finish its part within \d+ ms; multi-threading is now off$/,
    );
    expect(kernels.threads).toBe(1);
    kernels.fill(param, n, 1);
    kernels.sgdUpdate(param, grad, grad, n, 0.5, 0, 0, 0, false, true); // now on one thread
    expect(take(kernels, param, n).every((v) => v === 0)).toBe(true); // 1 − 0.5·2 everywhere
    kernels.free(param);
    kernels.free(grad);
  });
});

describe('the worker programs', () => {
  it('parse as strict code, the browser one included (only Chromium starts it)', () => {
    for (const source of [nodeWorkerSource, webWorkerSource]) {
      expect(() => new Function(`'use strict';\n${source}`)).not.toThrow();
    }
  });
});

describe('splitRange', () => {
  it('cuts into whole units and moves each pointer by its step', () => {
    expect(
      splitRange(
        [9, 1000, 2000, 100, 0.5],
        100,
        3,
        [
          [1, 4],
          [2, 4],
        ],
        2,
        4,
      ),
    ).toEqual([
      [9, 1000, 2000, 52, 0.5],
      [9, 1208, 2208, 48, 0.5],
    ]);
    expect(splitRange([0, 10], 10, 1, [[0, 8]], 3, 1)).toEqual([
      [0, 4],
      [32, 4],
      [64, 2],
    ]);
    expect(splitRange([0, 3], 3, 1, [[0, 4]], 2, 4)).toEqual([[0, 3]]); // one unit: not split
  });
});
