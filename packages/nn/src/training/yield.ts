// Yielding to the event loop between batches, cheaply: a MessageChannel message is a macrotask
// that runs in microseconds (setTimeout(0) costs ~1–4 ms), and we only yield every `sliceMs`.

let channel: MessageChannel | null = null;
const pending: (() => void)[] = [];

type Port = MessagePort & { ref?: () => void; unref?: () => void };

function postTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (channel === null) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      // Hold Node/Deno open only while a yield is pending, so the process can exit when idle.
      if (pending.length === 1) (channel!.port1 as Port).unref?.();
      pending.shift()?.();
    };
  }
  (channel.port1 as Port).ref?.();
  return new Promise((resolve) => {
    pending.push(resolve);
    channel!.port2.postMessage(null);
  });
}

/** Yields if at least `sliceMs` passed since the last yield; returns whether it did. */
export function makeYielder(sliceMs = 15): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < sliceMs) return undefined;
    last = now;
    return postTask().then(() => {
      last = performance.now();
    });
  };
}
