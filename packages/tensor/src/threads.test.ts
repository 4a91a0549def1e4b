// Issue 14: matrix products on several threads. Splitting a product between threads keeps every
// element's reduction order, so results on 1 and 2 threads (and on the single-threaded build) must
// be bit-identical, gradients included; threads must be turned on before tensors exist.
import { describe, expect, it, vi } from 'vitest';
import {
  conv2d,
  getKernelVariant,
  getNumThreads,
  kernels,
  manualSeed,
  randint,
  randn,
  setKernelVariant,
  setNumThreads,
  tensor,
  tidy,
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
    const batched = randn([6, 40, 50]).matmul(randn([6, 50, 30]));
    out.push(batched.data());
    return out;
  });
}

describe('setNumThreads', () => {
  it('runs products on 2 threads with results bit-identical to 1 thread', async () => {
    expect(getNumThreads()).toBe(1);
    const single = workload(); // the single-threaded build
    await setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    expect(kernels.threads).toBe(2);
    const threaded = workload();
    await setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    const back = workload(); // the threaded build on one thread
    expect(threaded).toEqual(single);
    expect(back).toEqual(single);
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
    vi.stubGlobal('crossOriginIsolated', false);
    try {
      await expect(setNumThreads(2)).rejects.toThrow(
        "setNumThreads: cannot run on 2 threads: this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers 'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'",
      );
    } finally {
      vi.unstubAllGlobals();
    }
    expect(getNumThreads()).toBe(1);
  });

  it('keeps its threads when the kernel build changes', async () => {
    await setNumThreads(2);
    await setKernelVariant('simd');
    expect(getKernelVariant()).toBe('simd');
    expect(getNumThreads()).toBe(2);
    await setNumThreads(1);
  });
});
