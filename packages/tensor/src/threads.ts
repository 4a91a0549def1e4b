import { threadsUnavailableReason as kernelsThreadsUnavailableReason } from '@myelin/kernels-wasm';
import { kernels, reloadKernels } from './runtime.js';

/**
 * Runs the kernels that split into independent parts on `count` threads: the calling thread and
 * `count − 1` Web Workers (`worker_threads` in Node and Deno) sharing the kernels' memory; PyTorch's
 * `torch.set_num_threads`. Split are matrix products (matmul, linear layers, convolutions' GEMMs;
 * from 64³ multiply-adds), elementwise ops and their gradients (contiguous, scalar and broadcast
 * operands), pooling forward and backward, and the optimizers' fused updates (from 64 Ki elements);
 * smaller work stays on the calling thread (and work below 4× those sizes goes to a worker only while
 * it is still spinning from its last job: waking a sleeping one costs more than it saves). Results are bit-identical for any count: every element
 * is computed by the same code in the same order (reductions split over their independent slices;
 * softmax stays on one thread). By
 * default Myelin starts on every core, up to 4, where threads are available (see
 * {@link getNumThreads}); `MYELIN_THREADS` (environment variable, or `globalThis.MYELIN_THREADS` set
 * before importing) picks another count at start-up. Threads need SharedArrayBuffer: in browsers the
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
 * `torch.get_num_threads`. By default the machine's cores, at most 4, where the runtime has
 * WebAssembly threads — Node, Deno and cross-origin-isolated pages — and 1 elsewhere (or after a
 * worker died). Measured on 2 cores (bench/README.md, "Threads"): SGEMM 512³ 1.98×, an MLP's `fit`
 * 1.41×, a LeNet-5 training step 1.44× against 1 thread. `MYELIN_THREADS=1` (or
 * `globalThis.MYELIN_THREADS = 1` before importing) keeps one thread, e.g. on a machine whose cores
 * are busy with other work. Where threads cannot run, {@link threadsUnavailableReason} says why,
 * e.g. "this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the
 * headers …", and setNumThreads(n > 1) throws with that reason.
 *
 * @example
 * getNumThreads(); // 2 on a 2-core machine in Node, Deno and cross-origin-isolated pages; 1 elsewhere
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
