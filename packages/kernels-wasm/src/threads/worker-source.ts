import {
  ARG_COUNT,
  ARGS,
  COMMAND,
  DONE,
  JOB,
  KERNEL,
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
// kernels module on the shared memory, then serves jobs from its control slot (call kernel export
// number KERNEL of the names it was given with the arguments in the slot): it spins on
// `Atomics.load` for `spinMs` after each job (a job then starts in well under a microsecond), then
// sleeps in `Atomics.wait`. It never allocates in linear memory: the caller gives it its scratch.
const body = `
port.on((message) => {
  let kernels;
  try {
    const exports = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports;
    kernels = message.kernels.map((name) => exports[name]);
  } catch (error) {
    port.post({ type: 'error', message: String(error) });
    return;
  }
  port.post({ type: 'ready' });
  serve(kernels, new Int32Array(message.control, message.slot * ${SLOT_INTS * 4}, ${SLOT_INTS}), message.spinMs);
});

function serve(kernels, slot, spinMs) {
  const numbers = new Float64Array(slot.buffer, slot.byteOffset, slot.length / 2);
  const argsByCount = []; // one reused arguments array per arity: no allocation per job
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
    try {
      const count = slot[${ARG_COUNT}];
      const args = (argsByCount[count] ??= new Array(count));
      for (let i = 0; i < count; i++) args[i] = numbers[${ARGS} + i];
      Reflect.apply(kernels[slot[${KERNEL}]], undefined, args);
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

/**
 * The worker program for Node's and Deno's `worker_threads` (`new Worker(source, { eval: true })`).
 * NOTE: it takes `parentPort` through a dynamic `import()`, which works whether the worker evaluates
 * it as a script or as a module: Node evaluates it as a module when the main program was started
 * with `--input-type=module`, and then there is no `require` (the worker failed to start). Messages
 * posted before the listener is added wait in the port.
 */
export const nodeWorkerSource = `import('node:worker_threads').then(({ parentPort }) => {
const port = { on: (f) => parentPort.on('message', f), post: (m) => parentPort.postMessage(m) };
${body}
});`;

/** The worker program for a browser's module Worker (from a Blob URL). */
export const webWorkerSource = `const port = { on: (f) => { self.onmessage = (event) => f(event.data); }, post: (m) => self.postMessage(m) };
${body}`;
