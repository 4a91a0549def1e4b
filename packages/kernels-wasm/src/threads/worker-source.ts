import {
  ARGS,
  COMMAND,
  DONE,
  JOB,
  MESSAGE,
  MESSAGE_LENGTH,
  MESSAGE_MAX,
  SLOT_INTS,
  STATUS,
  STOP,
} from './protocol.js';

// The worker's program, as source text: it is started from a string (Node and Deno
// `worker_threads` with `eval`, a Blob URL in browsers) so that it needs no file of its own, works
// the same from the sources and from dist/, and needs no bundler configuration. It instantiates the
// kernels module on the shared memory, then serves SGEMM jobs from its control slot: it spins on
// `Atomics.load` for `spinMs` after each job (a job then starts in well under a microsecond), then
// sleeps in `Atomics.wait`. It never allocates in linear memory: the caller gives it its scratch.
const body = `
port.on((message) => {
  let kernels;
  try {
    kernels = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports;
  } catch (error) {
    port.post({ type: 'error', message: String(error) });
    return;
  }
  port.post({ type: 'ready' });
  serve(kernels, new Int32Array(message.control, message.slot * ${SLOT_INTS * 4}, ${SLOT_INTS}), message.spinMs);
});

function serve(kernels, slot, spinMs) {
  const floats = new Float32Array(slot.buffer, slot.byteOffset, slot.length);
  let last = 0; // the caller's first job is 1, possibly stored before this line runs
  for (;;) {
    let seq;
    const spinEnd = performance.now() + spinMs;
    while ((seq = Atomics.load(slot, ${JOB})) === last) {
      if (performance.now() > spinEnd) Atomics.wait(slot, ${JOB}, last);
    }
    last = seq;
    if (slot[${COMMAND}] === ${STOP}) {
      Atomics.store(slot, ${DONE}, seq); // the caller may now reuse this worker's scratch
      Atomics.notify(slot, ${DONE});
      return;
    }
    const a = ${ARGS};
    try {
      kernels.sgemm(slot[a], slot[a + 1], slot[a + 2], slot[a + 3], slot[a + 4], slot[a + 5], slot[a + 6],
        slot[a + 7], slot[a + 8], slot[a + 9], slot[a + 10], floats[a + 11], slot[a + 12], slot[a + 13],
        slot[a + 14], slot[a + 15], slot[a + 16]);
      slot[${STATUS}] = 0;
    } catch (error) {
      const text = String(error).slice(0, ${MESSAGE_MAX});
      for (let i = 0; i < text.length; i++) slot[${MESSAGE} + i] = text.charCodeAt(i);
      slot[${MESSAGE_LENGTH}] = text.length;
      slot[${STATUS}] = 1;
    }
    Atomics.store(slot, ${DONE}, seq);
    Atomics.notify(slot, ${DONE});
  }
}
`;

/** The worker program for Node's and Deno's `worker_threads` (`new Worker(source, { eval: true })`). */
export const nodeWorkerSource = `const { parentPort } = require('node:worker_threads');
const port = { on: (f) => parentPort.on('message', f), post: (m) => parentPort.postMessage(m) };
${body}`;

/** The worker program for a browser's module Worker (from a Blob URL). */
export const webWorkerSource = `const port = { on: (f) => { self.onmessage = (event) => f(event.data); }, post: (m) => self.postMessage(m) };
${body}`;
