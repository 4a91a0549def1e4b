// Runs Myelin and TensorFlow.js (wasm and cpu backends) side by side in this one process and prints
// a Markdown table with ratios, then LeNet-5 against PyTorch (1 thread), TF.js and ONNX Runtime. Run
// from the repository root: `pnpm bench` (quick: `pnpm bench --quick`; one section:
// `pnpm bench --only kernels|conv|tensor|lenet|recurrent`).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getNumThreads, setNumThreads } from '@myelin/tensor';
import { loadMyelin, useTf } from './lib/contenders.mjs';
import { convCases } from './suites/conv.mjs';
import { fitCase } from './suites/fit.mjs';
import {
  addCase,
  broadcastAddCase,
  gemmCase,
  reluCase,
  softmaxCase,
  tinyAddCase,
} from './suites/kernels.mjs';
import { runLeNet } from './suites/lenet.mjs';
import { adamStepCase } from './suites/optim.mjs';
import { runRecurrent } from './suites/recurrent.mjs';
import { mlpStepCase, tensorAddOverheadCase } from './suites/tensor.mjs';

// One thread, like the peers it is compared with (PyTorch with torch.set_num_threads(1), TF.js and
// ONNX Runtime on one): Myelin starts on every core by default. threads-ab.mjs measures 2 against 1.
if (getNumThreads() !== 1) await setNumThreads(1);

const quick = process.argv.includes('--quick');
const sections = ['kernels', 'conv', 'tensor', 'lenet', 'recurrent'];
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
if (only !== undefined && !sections.includes(only)) {
  console.error(`bench: --only takes one of ${sections.join(', ')}, got ${only}`);
  process.exit(1);
}
const runs = (section) => only === undefined || only === section;

const kernelCases = [
  ...(quick ? [256, 512] : [64, 128, 256, 512, 1024]).map((s) => gemmCase(s, s, s, false, false)),
  gemmCase(512, 512, 512, true, false),
  gemmCase(512, 512, 512, false, true),
  ...[
    [64, 256, 784],
    [64, 128, 256],
  ].flatMap(([m, n, k]) => [
    gemmCase(m, n, k, false, false),
    gemmCase(m, n, k, true, false),
    gemmCase(m, n, k, false, true),
  ]),
  addCase(1 << 16),
  reluCase(1 << 16),
  addCase(1 << 20),
  reluCase(1 << 20),
  broadcastAddCase(64, 1024, 'row'),
  broadcastAddCase(64, 1024, 'row', true),
  broadcastAddCase(256, 256, 'column'),
  broadcastAddCase(256, 256, 'column', true),
  softmaxCase(1024, 1024),
  tinyAddCase(),
];
const cases = [...(runs('kernels') ? kernelCases : []), ...(runs('conv') ? convCases() : [])];

/** Cases at the Tensor API level: Myelin's tensor package runs on one kernels instance (the best build). */
const tensorCases = runs('tensor') ? [tensorAddOverheadCase(), mlpStepCase(), adamStepCase(), fitCase()] : [];

/** TF.js's cpu backend is plain JS: skip the cases that would take minutes there. */
const tooSlowForCpu = (c) => /1024×1024\]·\[1024/.test(c.name);

const myelin = await loadMyelin();
const columns = [...myelin.map((k) => `myelin ${k.variant}`), 'tfjs-wasm', 'tfjs-cpu'];
const rows = [];
for (const c of cases) {
  const values = {};
  for (const kernels of myelin) values[`myelin ${kernels.variant}`] = c.myelin(kernels);
  values['tfjs-wasm'] = c.tf(await useTf('wasm'));
  values['tfjs-cpu'] = tooSlowForCpu(c) ? undefined : c.tf(await useTf('cpu'));
  rows.push({ c, values });
  process.stderr.write(`.`);
}
for (const c of tensorCases) {
  const values = { [`myelin ${myelin[0].variant}`]: await c.myelin() };
  values['tfjs-wasm'] = await c.tf(await useTf('wasm'));
  values['tfjs-cpu'] =
    (c.name.startsWith('MLP') || c.name.startsWith('fit')) && quick
      ? undefined
      : await c.tf(await useTf('cpu'));
  rows.push({ c, values });
  process.stderr.write('.');
}
process.stderr.write('\n');

const format = (v) =>
  v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
const best = (c, values) => {
  const mine = myelin.map((k) => values[`myelin ${k.variant}`]).filter((v) => v !== undefined);
  return c.lowerIsBetter ? Math.min(...mine) : Math.max(...mine);
};
const ratio = (c, values, other) => {
  if (other === undefined) return '—';
  const r = c.lowerIsBetter ? other / best(c, values) : best(c, values) / other;
  return `${r.toFixed(2)}×`;
};

console.log(
  `\nMyelin vs TensorFlow.js ${(await import('@tensorflow/tfjs')).version.tfjs} — ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}, single thread\n`,
);
if (rows.length > 0) {
  console.log(`| benchmark | unit | ${columns.join(' | ')} | best Myelin ÷ tfjs-wasm | ÷ tfjs-cpu |`);
  console.log(`|---|---|${columns.map(() => '---:').join('|')}|---:|---:|`);
}
for (const { c, values } of rows) {
  const unit = c.lowerIsBetter ? `${c.unit} (lower is better)` : c.unit;
  console.log(
    `| ${c.name} | ${unit} | ${columns.map((col) => format(values[col])).join(' | ')} | ${ratio(c, values, values['tfjs-wasm'])} | ${ratio(c, values, values['tfjs-cpu'])} |`,
  );
}

// Sizes of the shipped kernels.
if (runs('kernels')) {
  const require = createRequire(import.meta.url);
  const tfWasmDir = dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'),
  );
  const myelinBuild = join(dirname(require.resolve('@myelin/kernels-wasm')), '..', 'build');
  console.log('\n| wasm binary | raw KB | gzip KB |\n|---|---:|---:|');
  for (const [name, path] of [
    ['Myelin kernels-simd.wasm', join(myelinBuild, 'kernels-simd.wasm')],
    ['Myelin kernels-relaxed.wasm', join(myelinBuild, 'kernels-relaxed.wasm')],
    ['TF.js tfjs-backend-wasm-simd.wasm', join(tfWasmDir, 'tfjs-backend-wasm-simd.wasm')],
  ]) {
    const bytes = await readFile(path);
    console.log(
      `| ${name} | ${(bytes.length / 1024).toFixed(1)} | ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} |`,
    );
  }
}

if (runs('lenet')) await runLeNet({ quick, format });
if (runs('recurrent')) await runRecurrent({ quick });
