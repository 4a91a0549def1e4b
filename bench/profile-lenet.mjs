// Where a Myelin LeNet-5 step spends its time: wraps every method of the tensor package's kernels
// instance with a timer (outermost calls only) and prints µs per step by kernel (SGEMMs by shape),
// then what is left for JavaScript (autograd, tidy, allocation bookkeeping, argument checks).
// Run from the repository root: `node --experimental-wasm-relaxed-simd bench/profile-lenet.mjs [infer]`.
import { getNumThreads, kernels, setNumThreads } from '@myelin/tensor';
import { inferRate, myelinTrainStep } from './suites/lenet.mjs';

if (getNumThreads() !== 1) await setNumThreads(1); // the profile times one thread's kernels

const mode = process.argv[2] === 'infer' ? 'infer' : 'train';
const STEPS = 200;

const run = mode === 'train' ? myelinTrainStep() : inferRate.myelinStep();
for (let i = 0; i < 20; i++) run.step();

const micros = new Map();
const calls = new Map();
let depth = 0;
const label = (name, args) => {
  if (name !== 'sgemm') return name;
  const o = args[0];
  return `sgemm m${o.m} n${o.n} k${o.k} ×${o.batch ?? 1}${o.transA ? ' Aᵀ' : ''}${o.transB ? ' Bᵀ' : ''}`;
};
const names = new Set([
  ...Object.keys(kernels),
  ...Object.getOwnPropertyNames(Object.getPrototypeOf(kernels)),
]);
for (const name of names) {
  const original = kernels[name];
  if (name === 'constructor' || typeof original !== 'function') continue;
  kernels[name] = function timed(...args) {
    if (depth > 0) return original.apply(this, args);
    depth++;
    const start = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      depth--;
      const key = label(name, args);
      micros.set(key, (micros.get(key) ?? 0) + (performance.now() - start) * 1000);
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
  };
}

const start = performance.now();
for (let i = 0; i < STEPS; i++) run.step();
const total = ((performance.now() - start) * 1000) / STEPS;
run.dispose();

let inKernels = 0;
console.log(`LeNet-5 ${mode} step, batch 32: µs per step by kernel (${STEPS} steps)\n`);
for (const [key, us] of [...micros].sort((p, q) => q[1] - p[1])) {
  inKernels += us / STEPS;
  if (us / STEPS >= 5)
    console.log(`${(us / STEPS).toFixed(0).padStart(6)}  ${calls.get(key) / STEPS}×  ${key}`);
}
console.log(`\n${total.toFixed(0).padStart(6)}  total (with the timers' own overhead)`);
console.log(`${inKernels.toFixed(0).padStart(6)}  in kernels`);
console.log(
  `${(total - inKernels).toFixed(0).padStart(6)}  in JavaScript (autograd, tidy, checks, the optimizer's loop)`,
);
