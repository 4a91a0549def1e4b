import { threadsUnavailableReason as kernelsThreadsUnavailableReason } from '@myelin/kernels-wasm';
import { kernels, reloadKernels } from './runtime.js';

/**
 * Runs the kernels that split into independent parts on `count` threads: the calling thread and
 * `count − 1` Web Workers (`worker_threads` in Node and Deno) sharing the kernels' memory; PyTorch's
 * `torch.set_num_threads`. Split are matrix products (matmul, linear layers, convolutions' GEMMs;
 * from 64³ multiply-adds), elementwise ops and their gradients (contiguous, scalar and broadcast
 * operands), pooling forward and backward, and the optimizers' fused updates (from 64 Ki elements);
 * smaller work stays on the calling thread. Results are bit-identical for any count: every element
 * is computed by the same code in the same order (reductions and softmax stay on one thread). The
 * default is 1 (see {@link getNumThreads} for why). Threads need SharedArrayBuffer: in browsers the
 * page must be cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`); {@link threadsUnavailableReason} says what is
 * missing. Going above 1 thread for the first time moves the kernels to a shared memory, so call it
 * before creating any tensor. If a worker dies, the call that met it throws and Myelin goes back to
 * one thread. Idle workers do not keep Node or Deno running.
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
    const reason = kernelsThreadsUnavailableReason();
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
 * How many threads the kernels run on (the calling thread included); PyTorch's
 * `torch.get_num_threads`. 1 unless {@link setNumThreads} raised it (or a worker died since).
 * NOTE: threads are opt-in, even where the runtime has them (Node, Deno, cross-origin-isolated
 * pages): on the shared 2-core machine they were measured on, 2 threads were not faster than 1 on
 * every benchmark (bench/README.md, "Threads"), so Myelin does not start workers by itself. Where
 * threads cannot run, {@link threadsUnavailableReason} says why, e.g. "this page is not cross-origin
 * isolated, so it has no SharedArrayBuffer: serve it with the headers …", and setNumThreads(n > 1)
 * throws with that reason.
 *
 * @example
 * if (threadsUnavailableReason() === undefined) await setNumThreads(2); // before creating tensors
 * getNumThreads(); // 2 in Node, Deno and cross-origin-isolated pages; 1 elsewhere
 */
export function getNumThreads(): number {
  return kernels.threads;
}

/**
 * Why this runtime cannot run Myelin on several threads, as a sentence saying what to change, or
 * undefined where {@link setNumThreads} can start workers (Node, Deno, cross-origin-isolated pages).
 *
 * @example
 * const reason = threadsUnavailableReason();
 * if (reason !== undefined) console.info(`Myelin runs on one thread: ${reason}`);
 */
export function threadsUnavailableReason(): string | undefined {
  return kernelsThreadsUnavailableReason();
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}
