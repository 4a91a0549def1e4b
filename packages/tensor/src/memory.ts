import { libraryEntry, userFrame } from './call-site.js';
import { kernels } from './runtime.js';
import { liveStats } from './storage.js';
import { debugState } from './tensor.js';

/** What {@link memory} reports. */
export interface MemoryInfo {
  /** Tensors created and not yet disposed (views count separately). */
  tensors: number;
  /** Storage blocks alive (views share one). */
  storages: number;
  /** Bytes of tensor data alive. */
  bytes: number;
  /** Bytes the kernels' allocator has handed out (tensor data, rounded to size classes, plus scratch). */
  kernelBytesInUse: number;
  /** Size of the WebAssembly linear memory. */
  memoryBytes: number;
}

/**
 * Live tensors and bytes: the number to watch for leaks (flat across training steps means none).
 *
 * @example const before = memory().tensors; step(); memory().tensors === before
 */
export function memory(): MemoryInfo {
  const stats = kernels.allocator.stats();
  return {
    tensors: liveStats.tensors,
    storages: liveStats.storages,
    bytes: liveStats.bytes,
    kernelBytesInUse: stats.bytesInUse,
    memoryBytes: stats.memoryBytes,
  };
}

/**
 * Debug mode: records where each tensor is created, so that {@link liveTensorSites} can name the
 * lines that leak. Costs a stack trace per tensor; off by default.
 *
 * @example setDebug(true); runSteps(); console.table(liveTensorSites());
 */
export function setDebug(enabled: boolean): void {
  debugState.enabled = enabled;
  if (!enabled) debugState.live.clear();
}

/** One line of {@link liveTensorSites}: where live tensors were created, and how many. */
export interface TensorSite {
  /** The stack frame in the caller's code that created them (the first frame outside Myelin). */
  site: string;
  /** The Myelin function that line called (e.g. `Tensor.matmul`), or `''` if the stack does not show it. */
  call: string;
  /** How many live tensors were created there. */
  count: number;
}

/**
 * Creation sites of the live tensors (recorded while debug mode was on), most frequent first: each
 * names the line of the calling code, not the library's frames, and the Myelin function it called.
 *
 * @example setDebug(true); loop(); const [top] = liveTensorSites(); // { site: 'at loop (train.js:12:17)', call: 'Tensor.matmul', count: 100 }
 */
export function liveTensorSites(): TensorSite[] {
  const sites = new Map<string, TensorSite>();
  for (const error of debugState.live.values()) {
    const stack = error.stack ?? '';
    const site = stack === '' ? '(no stack)' : userFrame(stack);
    const call = libraryEntry(stack);
    const key = `${site}\n${call}`;
    const entry = sites.get(key);
    if (entry) entry.count++;
    else sites.set(key, { site, call, count: 1 });
  }
  return [...sites.values()].sort((a, b) => b.count - a.count);
}
