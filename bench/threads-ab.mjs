// Issue 14: 2 threads against 1 in one process, in alternating A/B rounds (1 then 2, then 2 then 1,
// …) so that the other engineers' load on this shared 2-core machine falls on both sides alike:
// SGEMM 512³, the MLP fit of suites/fit.mjs and the LeNet-5 training step of suites/lenet.mjs.
// Both sides run the threaded build on its shared memory (setNumThreads(1) only stops the workers).
// Run: node --experimental-wasm-relaxed-simd threads-ab.mjs [rounds]   (from bench/; default 5 rounds)
// It must end by itself: the idle workers are unref'd (no process.exit here on purpose).
import { getNumThreads, kernels, setNumThreads } from '@myelin/tensor';
import { secondsPerCall } from './lib/timing.mjs';
import { fitCase } from './suites/fit.mjs';
import { gemmCase } from './suites/kernels.mjs';
import { myelinTrainStep, pytorchRound } from './suites/lenet.mjs';

const rounds = Number(process.argv[2] ?? 5);
await setNumThreads(2); // moves the kernels to the threaded build before any tensor exists
await setNumThreads(1);

const cases = [
  { name: 'SGEMM 512³ (GFLOPS)', run: async () => gemmCase(512, 512, 512, false, false).myelin(kernels) },
  { name: 'MLP fit, batch 64 (samples/s)', run: () => fitCase().myelin() },
  {
    name: 'LeNet-5 training step, batch 32 (steps/s)',
    run: async () => {
      const { step, dispose } = myelinTrainStep();
      const seconds = secondsPerCall(step);
      dispose();
      return 1 / seconds;
    },
  },
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = cases.map(() => ({ 1: [], 2: [] }));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [1, 2] : [2, 1];
  for (const threads of order) {
    await setNumThreads(threads);
    for (const [index, c] of cases.entries()) results[index][threads].push(await c.run());
  }
  console.error(`round ${round + 1}/${rounds} done (threads now ${getNumThreads()})`);
}
await setNumThreads(1);

console.log(`| ${rounds} alternating rounds, medians | 1 thread | 2 threads | 2 ÷ 1 | per-round ratios |`);
console.log('|---|---|---|---|---|');
for (const [index, c] of cases.entries()) {
  const [one, two] = [results[index][1], results[index][2]];
  const ratios = one.map((value, round) => (two[round] / value).toFixed(2)).join(', ');
  const m1 = median(one);
  const m2 = median(two);
  console.log(`| ${c.name} | ${m1.toFixed(1)} | ${m2.toFixed(1)} | ${(m2 / m1).toFixed(2)}× | ${ratios} |`);
}

// PyTorch (Debian's python3-torch, a child process) on 1 and 2 threads, the same LeNet-5 step, in
// alternating rounds — the native peer's own scaling, and Myelin's 2 threads against its 2.
const torchRates = { 1: [], 2: [] };
for (let round = 0; round < rounds; round++) {
  for (const threads of round % 2 === 0 ? [1, 2] : [2, 1]) {
    const result = pytorchRound({ threads });
    if (result !== null) torchRates[threads].push(result.train);
  }
}
if (torchRates[1].length > 0) {
  const [t1, t2] = [median(torchRates[1]), median(torchRates[2])];
  const lenet = results[2];
  console.log(
    `\nPyTorch LeNet-5 training step: ${t1.toFixed(0)} steps/s on 1 thread, ${t2.toFixed(0)} on 2 ` +
      `(${(t2 / t1).toFixed(2)}×); Myelin ÷ PyTorch: ${(median(lenet[1]) / t1).toFixed(2)}× on 1 thread, ` +
      `${(median(lenet[2]) / t2).toFixed(2)}× on 2 threads (medians of ${rounds} rounds each).`,
  );
} else {
  console.log('\n(no /usr/bin/python3 with torch: PyTorch rows skipped)');
}
