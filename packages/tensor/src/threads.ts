import { threadsUnavailableReason } from '@myelin/kernels-wasm';
import { kernels, reloadKernels } from './runtime.js';

/**
 * Runs matrix products (matmul, linear layers, convolutions) on `count` threads: the calling thread
 * and `count − 1` Web Workers (`worker_threads` in Node and Deno) sharing the kernels' memory.
 * PyTorch's `torch.set_num_threads`. The default is 1. Products below 64³ multiply-adds stay on one
 * thread, and results are bit-identical for any count. Threads need SharedArrayBuffer: in browsers
 * the page must be cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). Going above 1 thread for the first time moves the
 * kernels to a shared memory, so call it before creating any tensor. If a worker dies, the product
 * that met it throws and Myelin goes back to one thread.
 *
 * @example
 * import { getNumThreads, setNumThreads } from '@myelin/tensor';
 * await setNumThreads(2); // first thing, before creating tensors
 * getNumThreads(); // 2
 */
export async function setNumThreads(count: number): Promise<void> {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new RangeError(`setNumThreads: expected a whole number of threads ≥ 1, got ${String(count)}`);
  }
  if (count === kernels.threads) return;
  if (count > 1) {
    const reason = threadsUnavailableReason();
    if (reason !== undefined) throw new Error(`setNumThreads: cannot run on ${count} threads: ${reason}`);
    if (!isShared(kernels.memory)) {
      await reloadKernels('setNumThreads', `call setNumThreads(${count})`, {
        variant: kernels.variant,
        threads: true,
      });
    }
  }
  try {
    await kernels.setThreads(count);
  } catch (error) {
    throw new Error(`setNumThreads: ${(error as Error).message.replace(/^setThreads: /, '')}`, {
      cause: error,
    });
  }
}

/**
 * How many threads matrix products run on (the calling thread included); PyTorch's
 * `torch.get_num_threads`. 1 unless {@link setNumThreads} raised it (or a worker died since).
 *
 * @example getNumThreads() // 1
 */
export function getNumThreads(): number {
  return kernels.threads;
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}
