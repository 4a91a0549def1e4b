import { type KernelName, kernelSignatures } from '../kernel-table.js';
import {
  ARG_COUNT,
  ARGS,
  COMMAND,
  DONE,
  JOB,
  KERNEL,
  MAX_ARGS,
  MESSAGE,
  MESSAGE_LENGTH,
  RUN_KERNEL,
  SLOT_INTS,
  STATUS,
  STOP,
} from './protocol.js';
import { nodeWorkerSource, webWorkerSource } from './worker-source.js';

/** One kernel call for a worker: the export's name and its arguments, in its order. */
export interface KernelJob {
  kernel: KernelName;
  args: readonly number[];
}

/** The kernel names the workers know, in the order of their indices in a job. */
const kernelNames = Object.keys(kernelSignatures) as KernelName[];
const kernelIndex = new Map(kernelNames.map((name, index) => [name, index]));

/** Options of a thread pool; see {@link Kernels.setThreads}. */
export interface ThreadPoolOptions {
  /**
   * How long a thread spins on `Atomics.load` before it sleeps in `Atomics.wait` (default 0.5 ms).
   * Spinning answers back-to-back jobs in ~1 µs instead of ~12–25 µs: a training step's jobs come
   * tens to hundreds of µs apart. On a quiet 2-core machine (bench/README.md, issue 14) a LeNet-5
   * step on 2 threads ran 1.44× one thread with 0.5 ms and 1.24× with 0.2 ms; with 0.02 ms (the old
   * default) it swung between 0.9× and 1.45× from run to run.
   * But on a machine whose cores are busy with other processes a spinning thread keeps the core its
   * partner needs: measured there, a 0.2 ms spin made each round trip ~0.4 ms and a 2 ms spin ~4 ms
   * — lower it there (or run on one thread).
   */
  spinMs?: number;
  /**
   * How long the calling thread waits for a worker after finishing its own part before it declares
   * the worker dead (default 10 s, or 20× the calling thread's own time if longer).
   */
  stallTimeoutMs?: number;
}

/** A started worker, whatever the runtime's flavour of workers. */
interface WorkerHandle {
  post(message: unknown): void;
  /** Calls `listener` with each message the worker posts. */
  onMessage(listener: (message: { type: string; message?: string }) => void): void;
  /** Calls `listener` once the worker crashes or exits. */
  onFailure(listener: (reason: string) => void): void;
  /**
   * Ends the worker; resolves to whether it has surely stopped running (Node's and Deno's workers
   * have; a browser's `terminate()` does not say, and does not stop a thread in a loop).
   */
  terminate(): Promise<boolean>;
  /** Lets Node and Deno exit while the worker lives (call it after adding listeners, which re-ref it). */
  unref(): void;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: string, listener: (value: never) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** Node, Deno and Bun have `node:worker_threads`, whose workers can be unref'd so the process can exit. */
function hasNodeWorkers(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } }; document?: unknown };
  return g.Deno !== undefined || (g.process?.versions?.node !== undefined && g.document === undefined);
}

async function createWorker(): Promise<WorkerHandle> {
  if (hasNodeWorkers()) {
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as {
      Worker: new (source: string, options: { eval: boolean }) => NodeWorker;
    };
    const worker = new Worker(nodeWorkerSource, { eval: true });
    return {
      unref: () => worker.unref(),
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      onFailure: (listener) => {
        worker.on('error', (error: Error) => listener(`threw ${String(error)}`));
        worker.on('exit', (code: number) => listener(`exited with code ${code}`));
      },
      terminate: async () => {
        await worker.terminate();
        return true;
      },
    };
  }
  const url = URL.createObjectURL(new Blob([webWorkerSource], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  URL.revokeObjectURL(url);
  return {
    unref: () => undefined, // a page's workers end with the page
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onFailure: (listener) => worker.addEventListener('error', (event) => listener(`threw ${event.message}`)),
    terminate: async () => {
      worker.terminate();
      return false;
    },
  };
}

/** Milliseconds on a monotonic clock. */
const now = (): number => performance.now();

/**
 * Workers that run kernel calls on the kernels' shared memory while the calling thread runs its own
 * part: each job is "call export E with these numbers", so any kernel whose work splits into
 * independent ranges (SGEMM blocks, element ranges, pooling planes) can use it. Each worker has its
 * own instance of the kernels module (with its own globals); it never allocates: scratch it needs
 * (SGEMM's) is allocated by the calling thread and passed as an argument. Created by
 * {@link Kernels.setThreads}.
 */
export class KernelThreadPool {
  /** Why the pool can no longer be used (a worker died or stalled), or undefined. */
  private failure: string | undefined;
  private closing = false;
  /** Workers whose thread has ended or whose serving loop was left by an error. */
  private readonly gone: boolean[];
  private seq = 0;
  /**
   * When the workers last finished something (a job, or starting up: they spin after either;
   * monotonic ms); see {@link KernelThreadPool.asleep}.
   */
  private lastDone = now();
  private readonly canBlock: boolean;
  /** The control block as float64s, for the jobs' arguments. */
  private readonly numbers: Float64Array;

  private constructor(
    private readonly workers: WorkerHandle[],
    private readonly control: Int32Array,
    private readonly spinMs: number,
    private readonly stallTimeoutMs: number,
  ) {
    this.numbers = new Float64Array(control.buffer);
    // Atomics.wait throws on a browser's main thread: there the caller spins instead.
    try {
      Atomics.wait(control, JOB, 1, 0);
      this.canBlock = true;
    } catch {
      this.canBlock = false;
    }
    this.gone = workers.map(() => false);
    workers.forEach((worker, index) => {
      worker.onFailure((reason) => {
        this.gone[index] = true;
        if (!this.closing) this.failure ??= `worker thread ${index + 1} ${reason}`;
      });
    });
  }

  /** Starts `count` workers and waits until each has instantiated `module` on `memory`. */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    count: number,
    options: ThreadPoolOptions = {},
  ): Promise<KernelThreadPool> {
    const control = new Int32Array(new SharedArrayBuffer(count * SLOT_INTS * 4));
    const spinMs = options.spinMs ?? 0.5;
    const workers: WorkerHandle[] = [];
    try {
      for (let slot = 0; slot < count; slot++) {
        const worker = await createWorker();
        workers.push(worker);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('did not start within 30 s')), 30_000);
          const settle = (error?: Error) => {
            clearTimeout(timer);
            if (error) reject(error);
            else resolve();
          };
          worker.onMessage((message) => {
            if (message.type === 'ready') settle();
            else if (message.type === 'error') settle(new Error(message.message));
          });
          worker.onFailure((reason) => settle(new Error(reason)));
          worker.post({ module, memory, control: control.buffer, slot, spinMs, kernels: kernelNames });
        });
      }
      for (const worker of workers) worker.unref(); // an idle pool must not keep Node or Deno running
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate())); // they never had a job
      throw new Error(`a worker thread failed to start: ${(error as Error).message}`);
    }
    return new KernelThreadPool(workers, control, spinMs, options.stallTimeoutMs ?? 10_000);
  }

  /** Number of workers (the calling thread not counted). */
  get size(): number {
    return this.workers.length;
  }

  /** Whether a worker died or stalled, so the pool must be closed. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Hands `jobs[i]` to worker i (at most {@link KernelThreadPool.size} jobs), runs `own` on the
   * calling thread, then waits for every worker. Throws if a worker's call threw (the pool stays
   * usable) or a worker died or stalled (the pool is then {@link KernelThreadPool.broken}).
   */
  /**
   * Whether the workers have likely gone to sleep: their last job ended more than the spin time
   * ago, so the next one pays a wake-up (~12–25 µs here) instead of ~1 µs.
   */
  get asleep(): boolean {
    return now() - this.lastDone > this.spinMs;
  }

  run(jobs: readonly KernelJob[], own: () => void): void {
    if (this.failure !== undefined) throw new Error(`${this.failure}; multi-threading is now off`);
    if (jobs.length > this.workers.length) {
      throw new RangeError(`${jobs.length} jobs for ${this.workers.length} worker threads`);
    }
    const kernels = jobs.map((job) => {
      const kernel = kernelIndex.get(job.kernel);
      if (kernel === undefined || job.args.length > MAX_ARGS) {
        throw new RangeError(`cannot hand '${job.kernel}' with ${job.args.length} arguments to a worker`);
      }
      return kernel;
    });
    this.seq = (this.seq + 1) | 0;
    const seq = this.seq;
    jobs.forEach((job, index) => {
      const base = index * SLOT_INTS;
      this.numbers.set(job.args, base / 2 + ARGS);
      this.control[base + KERNEL] = kernels[index]!;
      this.control[base + ARG_COUNT] = job.args.length;
      this.control[base + COMMAND] = RUN_KERNEL;
      Atomics.store(this.control, base + JOB, seq);
      Atomics.notify(this.control, base + JOB);
    });
    const started = now();
    let ownError: unknown;
    try {
      own();
    } catch (error) {
      ownError = error;
    }
    const deadline = now() + Math.max(this.stallTimeoutMs, 20 * (now() - started));
    const failures: string[] = [];
    for (let index = 0; index < jobs.length; index++) {
      const base = index * SLOT_INTS;
      if (!this.waitDone(base, seq, deadline)) {
        this.failure ??= `worker thread ${index + 1} did not finish its part within ${Math.round(deadline - started)} ms`;
        throw new Error(`${this.failure}; multi-threading is now off`);
      }
      if (this.control[base + STATUS] !== 0) {
        const length = this.control[base + MESSAGE_LENGTH]!;
        const codes = Array.from(this.control.subarray(base + MESSAGE, base + MESSAGE + length));
        failures.push(`worker thread ${index + 1} failed: ${String.fromCharCode(...codes)}`);
      }
    }
    this.lastDone = now();
    if (ownError !== undefined) throw ownError;
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  /** Waits until the worker at slot `base` has finished job `seq`; false once `deadline` passes. */
  private waitDone(base: number, seq: number, deadline: number): boolean {
    const index = base + DONE;
    const spinEnd = now() + this.spinMs;
    for (;;) {
      const done = Atomics.load(this.control, index);
      if (done === seq) return true;
      const time = now();
      if (time > deadline) return false;
      if (this.canBlock && time > spinEnd)
        Atomics.wait(this.control, index, done, Math.min(50, deadline - time));
    }
  }

  /**
   * Stops and terminates every worker. Resolves to which workers' scratch may be reused: those that
   * acknowledged the stop (a busy or stalled worker may do so up to `stallTimeoutMs` later) or
   * whose thread has surely ended. A worker that never stops keeps its scratch forever.
   */
  async close(): Promise<boolean[]> {
    this.closing = true;
    this.seq = (this.seq + 1) | 0;
    const seq = this.seq;
    for (let index = 0; index < this.workers.length; index++) {
      const base = index * SLOT_INTS;
      this.control[base + COMMAND] = STOP;
      Atomics.store(this.control, base + JOB, seq);
      Atomics.notify(this.control, base + JOB);
    }
    const deadline = now() + this.stallTimeoutMs;
    const stopped = () =>
      this.workers.map(
        (_, index) => this.gone[index] || Atomics.load(this.control, index * SLOT_INTS + DONE) === seq,
      );
    while (!stopped().every(Boolean) && now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const acknowledged = stopped();
    const ended = await Promise.all(this.workers.map((worker) => worker.terminate()));
    return acknowledged.map((ok, index) => ok || ended[index]!);
  }
}
