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

/** Creation sites of the live tensors (recorded while debug mode was on), most frequent first. */
export function liveTensorSites(): { site: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const error of debugState.live.values()) {
    const site = error.stack?.split('\n').slice(2, 6).join('\n') ?? '(no stack)';
    counts.set(site, (counts.get(site) ?? 0) + 1);
  }
  return [...counts.entries()].map(([site, count]) => ({ site, count })).sort((a, b) => b.count - a.count);
}
