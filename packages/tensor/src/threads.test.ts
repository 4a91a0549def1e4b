// Issue 14: matrix products, elementwise ops, optimizer updates and pooling on several threads.
// Splitting between threads keeps every element's computation and reduction order, so results on 1
// and 2 threads (and on the single-threaded build) must be bit-identical, gradients included;
// threads must be turned on before tensors exist.
import { describe, expect, it, vi } from 'vitest';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  fusedUpdates,
  getKernelVariant,
  getNumThreads,
  kernels,
  manualSeed,
  maxPool2d,
  randint,
  randn,
  setKernelVariant,
  setNumThreads,
  tensor,
  threadsUnavailableReason,
  tidy,
  where,
  zeros,
} from './index.js';

/** Forward and backward of a few products on random shapes (some below the threads' threshold). */
function workload(): ArrayLike<number>[] {
  manualSeed(14);
  return tidy(() => {
    const out: ArrayLike<number>[] = [];
    for (let trial = 0; trial < 12; trial++) {
      const [m, k, n] = [0, 1, 2].map(() => randint(1, trial < 4 ? 9 : 160, []).item());
      const x = randn([m!, k!], { requiresGrad: true });
      const w = randn([n!, k!], { requiresGrad: true });
      const y = x.matmul(w.mT).relu(); // A·Bᵀ forward, Aᵀ·B and A·B backward
      y.sum().backward();
      out.push(y.data(), x.grad!.data(), w.grad!.data());
    }
    const images = randn([4, 3, 20, 20], { requiresGrad: true });
    const filters = randn([16, 3, 3, 3], { requiresGrad: true });
    conv2d(images, filters, undefined, { padding: 1 }).square().sum().backward();
    out.push(images.grad!.data(), filters.grad!.data());
    // LeNet's second layer at batch 32: several chunks of images, each split between the threads
    // (im2col, the products and col2im by images; the weight gradient by its columns).
    const maps = randn([32, 6, 14, 14], { requiresGrad: true });
    const kernel = randn([16, 6, 5, 5], { requiresGrad: true });
    const bias = randn([16], { requiresGrad: true });
    const lenet = conv2d(maps, kernel, bias);
    lenet.square().sum().backward();
    out.push(lenet.data(), maps.grad!.data(), kernel.grad!.data(), bias.grad!.data());
    const batched = randn([6, 40, 50]).matmul(randn([6, 50, 30]));
    out.push(batched.data());
    return out;
  });
}

/**
 * Elementwise ops (contiguous, scalar and broadcast operands), pooling and fused optimizer updates,
 * forward and backward, at sizes above and below the threads' 64 Ki-element threshold.
 */
function elementwiseWorkload(): ArrayLike<number>[] {
  manualSeed(15);
  return tidy(() => {
    const out: ArrayLike<number>[] = [];
    for (const [batch, channels, size] of [
      [16, 8, 29], // 107,648 elements: split
      [2, 3, 9], // tiny: one thread
    ] as const) {
      const x = randn([batch, channels, size, size], { requiresGrad: true });
      const scale = randn([1, channels, 1, 1], { requiresGrad: true });
      const y = x.mul(scale).add(0.5).tanh().sub(x.exp().mul(0.01)); // broadcast, scalar, unary
      const picked = where(y.gt(0), y, y.square());
      const pooled = maxPool2d(picked, 2).add(avgPool2d(picked, 3, { stride: 2, padding: 1 }).sum());
      const adaptive = adaptiveAvgPool2d(picked, [3, 5]);
      pooled.sum().add(adaptive.square().sum()).backward();
      out.push(y.data(), pooled.data(), adaptive.data(), x.grad!.data(), scale.grad!.data());
    }
    const n = 100_003; // odd tail
    const grad = randn([n]);
    const [sgd, buf, adam, m, v] = [randn([n]), zeros([n]), randn([n]), zeros([n]), zeros([n])];
    const [rms, square, adagrad, sum] = [randn([n]), zeros([n]), randn([n]), zeros([n])];
    for (let step = 1; step <= 2; step++) {
      const o = {
        lr: 0.1,
        momentum: 0.9,
        dampening: 0,
        weightDecay: 0.01,
        nesterov: true,
        first: step === 1,
      };
      fusedUpdates.sgd(sgd, grad, buf, o);
      const betas = [0.9, 0.999] as const;
      fusedUpdates.adam(
        adam,
        grad,
        { expAvg: m, expAvgSq: v },
        { lr: 1e-3, betas, eps: 1e-8, weightDecay: 0.01, decoupled: true, step },
      );
      fusedUpdates.rmsprop(
        rms,
        grad,
        { squareAvg: square },
        { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0 },
      );
      fusedUpdates.adagrad(adagrad, grad, sum, { clr: 0.01, weightDecay: 0, eps: 1e-10 });
    }
    out.push(...[sgd, buf, adam, m, v, rms, square, adagrad, sum].map((t) => t.data()));
    return out;
  });
}

function isNode(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } }; window?: unknown };
  return g.Deno === undefined && g.process?.versions?.node !== undefined && g.window === undefined;
}

/**
 * Where two runs of the workloads first differ bit for bit (`[workload, output, element]`), or null
 * (a plain loop over bit patterns: deep equality over a million numbers is slow, and treats −0 as 0).
 */
function firstDifference(a: ArrayLike<number>[][], b: ArrayLike<number>[][]): number[] | null {
  for (let w = 0; w < Math.max(a.length, b.length); w++) {
    for (let o = 0; o < Math.max(a[w]?.length ?? 0, b[w]?.length ?? 0); o++) {
      const [x, y] = [a[w]?.[o], b[w]?.[o]];
      if (x === undefined || y === undefined || x.length !== y.length) return [w, o, -1];
      const [bx, by] = [
        new Uint32Array(Float32Array.from(x).buffer),
        new Uint32Array(Float32Array.from(y).buffer),
      ];
      for (let e = 0; e < bx.length; e++) if (bx[e] !== by[e]) return [w, o, e];
    }
  }
  return null;
}

describe('setNumThreads', () => {
  it('runs products on 2 threads with results bit-identical to 1 thread', async () => {
    expect(getNumThreads()).toBe(1);
    const single = [workload(), elementwiseWorkload()]; // the single-threaded build
    await setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    expect(kernels.threads).toBe(2);
    const threaded = [workload(), elementwiseWorkload()];
    await setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    const back = [workload(), elementwiseWorkload()]; // the threaded build on one thread
    expect(firstDifference(threaded, single)).toBeNull();
    expect(firstDifference(back, single)).toBeNull();
  });

  it('refuses to move live tensors to shared memory, and bad counts, with clear messages', async () => {
    await setKernelVariant('simd'); // back to the single-threaded build
    const alive = tensor([1, 2, 3]);
    await expect(setNumThreads(2)).rejects.toThrow(
      /^setNumThreads: 1 tensors \(12 bytes\) live in the current kernels' memory; call setNumThreads\(2\) before creating any tensor/,
    );
    expect(getNumThreads()).toBe(1);
    alive.dispose();
    await expect(setNumThreads(0)).rejects.toThrow(
      'setNumThreads: expected a whole number of threads ≥ 1, got 0',
    );
    await expect(setNumThreads(1.5)).rejects.toThrow('got 1.5');
  });

  it('says what a page lacks when it is not cross-origin isolated', async () => {
    expect(threadsUnavailableReason()).toBeUndefined(); // Node, Deno and the isolated test page
    vi.stubGlobal('crossOriginIsolated', false);
    try {
      expect(threadsUnavailableReason()).toMatch(
        /^this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers 'Cross-Origin-Opener-Policy: same-origin'/,
      );
      await expect(setNumThreads(2)).rejects.toThrow(
        "setNumThreads: cannot run on 2 threads: this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers 'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'",
      );
    } finally {
      vi.unstubAllGlobals();
    }
    expect(getNumThreads()).toBe(1);
  });

  // Issue 14: idle workers must not keep Node alive. A liveness check (the child must exit by
  // itself after running products and large elementwise ops on 2 threads), not a timing assertion.
  // It also covers a defect it found: under `node --input-type=module` the workers evaluated their
  // program as a module, where the `require` it used does not exist, so setNumThreads(2) failed.
  // (Deno's and Chromium's runs of the other tests start their workers from the same program.)
  it.runIf(isNode())('lets a Node process that used threads exit by itself', async () => {
    const { execFile } = await import(/* @vite-ignore */ 'node:child_process');
    const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url');
    const script = `
      import { getNumThreads, randn, setNumThreads } from './dist/index.js';
      await setNumThreads(2);
      const x = randn([300001]);
      const y = x.exp().add(x).relu().mul(randn([1])); // split between the threads
      randn([256, 256]).matmul(randn([256, 256]));
      console.log(getNumThreads(), y.size);`;
    const result = await new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000 },
        (_error, stdout, stderr) =>
          resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
      );
    });
    expect(result).toEqual({ code: 0, signal: null, stdout: '2 300001\n', stderr: '' });
  });

  // Threads are on by default where the runtime has them (issue 14): a fresh process without
  // MYELIN_THREADS starts min(cores, 4) kernel threads, trains with them and still exits by itself;
  // MYELIN_THREADS picks the count, and a bad value is a clear error.
  it.runIf(isNode())('starts on every core (up to 4) by default; MYELIN_THREADS overrides it', async () => {
    const { execFile } = await import(/* @vite-ignore */ 'node:child_process');
    const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url');
    const { availableParallelism } = await import(/* @vite-ignore */ 'node:os');
    const script = `
      import { getNumThreads, randn } from './dist/index.js';
      const y = randn([300001]).exp().relu(); // split between the threads
      randn([256, 256]).matmul(randn([256, 256]));
      console.log(getNumThreads(), y.size);`;
    const run = (threads: string | undefined) =>
      new Promise((resolve) => {
        const env = { ...process.env };
        delete env.MYELIN_THREADS;
        if (threads !== undefined) env.MYELIN_THREADS = threads;
        const child = execFile(
          process.execPath,
          ['--input-type=module', '-e', script],
          { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000, env },
          (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
        );
      });
    const cores = Math.min(4, availableParallelism());
    expect(await run(undefined)).toEqual({ code: 0, stdout: `${cores} 300001\n`, stderr: '' });
    expect(await run('1')).toEqual({ code: 0, stdout: '1 300001\n', stderr: '' });
    expect(await run('2')).toEqual({ code: 0, stdout: '2 300001\n', stderr: '' });
    expect(await run('lots')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("MYELIN_THREADS must be 'auto' or a whole number ≥ 1, got 'lots'"),
    });
  });

  it('keeps its threads when the kernel build changes', async () => {
    await setNumThreads(2);
    await setKernelVariant('simd');
    expect(getKernelVariant()).toBe('simd');
    expect(getNumThreads()).toBe(2);
    await setNumThreads(1);
  });
});
