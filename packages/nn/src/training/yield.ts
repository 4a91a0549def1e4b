// Yielding to the event loop between batches, so that timers, I/O, abort signals and (in a page)
// rendering run while `fit` trains.
//
// NOTE: the yield must be a macrotask that lets the whole event loop turn. A MessageChannel message
// does not in Node: Node delivers every message posted while it is delivering messages in one go,
// so a loop that posts its next yield from the message handler never reaches timers or
// setImmediate (issue 12 #9) — and an open port keeps Deno from exiting (issue 16 #1). setImmediate
// (Node, Bun) turns the loop in microseconds and leaves no handle behind; elsewhere (browsers, Deno)
// setTimeout(0) costs ~4 ms once nested, so the slice between yields grows with the measured cost.

const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
const macrotask: (resume: () => void) => void =
  setImmediate !== undefined ? (resume) => setImmediate(resume) : (resume) => setTimeout(resume, 0);

/**
 * A function that yields to the event loop if at least a slice of time passed since its last yield
 * (returning the promise to await), or returns undefined. The slice is `sliceMs`, or ten times what
 * a yield costs when that is more (so yielding takes under ~10% of the time), at most `maxSliceMs`.
 */
export function makeYielder(sliceMs = 15, maxSliceMs = 100): () => Promise<void> | undefined {
  let last = performance.now();
  let slice = sliceMs;
  return () => {
    const now = performance.now();
    if (now - last < slice) return undefined;
    return new Promise<void>((resolve) => macrotask(resolve)).then(() => {
      last = performance.now();
      slice = Math.min(maxSliceMs, Math.max(sliceMs, 10 * (last - now)));
    });
  };
}
