// LeNet-5 (issue 19): [32, 1, 28, 28] → conv 6@5×5 pad 2 → ReLU → maxpool 2 → conv 16@5×5 → ReLU →
// maxpool 2 → 400 → 120 → 84 → 10. A training step (forward, cross-entropy, backward, SGD with
// momentum 0.9) in Myelin's tensor-level functional ops, TF.js (tf.conv2d + optimizer.minimize) and
// PyTorch on one thread (scripts/bench-pytorch.py, in a child process); and the forward pass alone
// in Myelin, TF.js wasm, ONNX Runtime Web (wasm, 1 thread, SIMD) and onnxruntime-node (native, 1
// thread) running bench/assets/lenet5.onnx, which PyTorch's exporter made
// (scripts/export-lenet-onnx.py). The ONNX weights are PyTorch's, the others seeded random ones:
// only speed is measured, and no kernel here depends on the values.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SGD } from '@myelin/optim';
import { conv2d, manualSeed, maxPool2d, noGrad, randint, randn, tidy } from '@myelin/tensor';
import { useTf } from '../lib/contenders.mjs';
import { secondsPerCall } from '../lib/timing.mjs';

export const BATCH = 32;
const ONNX_MODEL = fileURLToPath(new URL('../assets/lenet5.onnx', import.meta.url));
const PYTORCH_SCRIPT = fileURLToPath(new URL('../../scripts/bench-pytorch.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** Shapes of LeNet-5's parameters, PyTorch's layout for the convolutions, [in, out] for the dense layers. */
const PARAMS = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [400, 120], [120], [120, 84], [84], [84, 10], [10]];

/** Fan-in of a parameter shape (its bias shares its weight's). */
const fanIn = (shape) => (shape.length === 4 ? shape[1] * shape[2] * shape[3] : shape[0]);

/** Myelin's LeNet-5: parameters with requiresGrad, and the forward pass in functional ops. */
function myelinLeNet() {
  manualSeed(0);
  const params = PARAMS.map((shape, i) => {
    const scale = 1 / Math.sqrt(fanIn(PARAMS[i - (i % 2)]));
    return noGrad(() => randn(shape).mul(scale)).requiresGrad_();
  });
  const forward = (x) => {
    const [c1, b1, c2, b2, f1, g1, f2, g2, f3, g3] = params;
    let h = maxPool2d(conv2d(x, c1, b1, { padding: 2 }).relu(), 2);
    h = maxPool2d(conv2d(h, c2, b2).relu(), 2).reshape([x.shape[0], 400]);
    h = h.matmul(f1).add(g1).relu();
    h = h.matmul(f2).add(g2).relu();
    return h.matmul(f3).add(g3);
  };
  return { params, forward };
}

/** One Myelin training step: the loop a user writes, memory flat across steps. */
export function myelinTrainStep() {
  const { params, forward } = myelinLeNet();
  const optimizer = new SGD(params, { lr: 0.01, momentum: 0.9 });
  const x = randn([BATCH, 1, 28, 28]);
  const y = randint(0, 10, [BATCH, 1]);
  const step = () => {
    tidy(() => {
      const loss = forward(x).logSoftmax(1).gather(1, y).neg().mean();
      loss.backward();
    });
    optimizer.step();
    optimizer.zeroGrad();
  };
  const dispose = () => {
    for (const t of [...params, x, y]) t.dispose();
  };
  return { step, dispose };
}

/** TF.js's LeNet-5 (NHWC, its only layout on wasm and cpu) as variables and tf ops. */
function tfLeNet(tf) {
  const shapes = [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [400, 120], [120], [120, 84], [84], [84, 10], [10]];
  const variables = shapes.map((shape, i) => {
    const w = shapes[i - (i % 2)];
    const fan = w.length === 4 ? w[0] * w[1] * w[2] : w[0];
    return tf.variable(tf.randomNormal(shape, 0, 1 / Math.sqrt(fan)));
  });
  const forward = (x) => {
    const [c1, b1, c2, b2, f1, g1, f2, g2, f3, g3] = variables;
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1, 1, 2), b1)), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2, 1, 'valid'), b2)), 2, 2, 'valid');
    h = tf.reshape(h, [x.shape[0], 400]);
    h = tf.relu(tf.add(tf.matMul(h, f1), g1));
    h = tf.relu(tf.add(tf.matMul(h, f2), g2));
    return tf.add(tf.matMul(h, f3), g3);
  };
  return { variables, forward };
}

/** One TF.js training step (optimizer.minimize = variableGrads + momentum update). */
function tfTrainStep(tf) {
  const { variables, forward } = tfLeNet(tf);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const x = tf.randomNormal([BATCH, 28, 28, 1]);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10);
  const step = () => {
    tf.tidy(() => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward(x)), false, variables);
    });
  };
  const dispose = () => {
    optimizer.dispose();
    for (const t of [...variables, x, labels]) t.dispose();
  };
  return { step, dispose };
}

/**
 * Whether TF.js's current backend can run the training step: returns null, or the error's message
 * (the wasm backend has no kernel for the convolution's filter gradient).
 */
export function tfTrainError(tf) {
  try {
    const t = tfTrainStep(tf);
    try {
      t.step();
    } finally {
      t.dispose();
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * PyTorch on `threads` threads (default 1): {torch, train, infer} or null when /usr/bin/python3 has
 * no torch.
 */
export function pytorchRound({ seconds = 0.15, batches = 5, threads = 1 } = {}) {
  if (!existsSync(PYTHON)) return null;
  const run = spawnSync(
    PYTHON,
    [
      PYTORCH_SCRIPT,
      '--seconds',
      String(seconds),
      '--batches',
      String(batches),
      '--threads',
      String(threads),
    ],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) return null;
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    return null;
  }
}

/** ONNX Runtime sessions (web: wasm, 1 thread, SIMD; node: native cpu, 1 thread), or null if missing. */
export async function onnxSessions() {
  const bytes = await readFile(ONNX_MODEL);
  const sessions = {};
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
    sessions.web = {
      ort,
      session: await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }),
    };
  } catch {
    sessions.web = null;
  }
  try {
    const ort = (await import('onnxruntime-node')).default;
    sessions.node = {
      ort,
      session: await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      }),
    };
  } catch {
    sessions.node = null;
  }
  return sessions;
}

/** Seconds per awaited call of the async `fn`, as secondsPerCall does for synchronous ones. */
async function secondsPerAsyncCall(fn, { minSeconds = 0.15, batches = 5 } = {}) {
  await fn();
  let reps = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    if ((performance.now() - start) / 1000 >= minSeconds / 4) break;
    reps *= 2;
  }
  const perCall = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    perCall.push((performance.now() - start) / 1000 / reps);
  }
  perCall.sort((p, q) => p - q);
  return perCall[Math.floor(perCall.length / 2)];
}

/** Training steps/s of each contender that runs in this process. */
export const trainRate = {
  myelin() {
    const t = myelinTrainStep();
    const s = secondsPerCall(t.step);
    t.dispose();
    return 1 / s;
  },
  tf(tf) {
    const t = tfTrainStep(tf);
    const s = secondsPerCall(t.step);
    t.dispose();
    return 1 / s;
  },
};

/** Inference batches/s (forward at batch 32) of each contender that runs in this process. */
export const inferRate = {
  myelin() {
    const t = inferRate.myelinStep();
    const s = secondsPerCall(t.step);
    t.dispose();
    return 1 / s;
  },
  /** One Myelin forward pass under noGrad, and the disposal of its parameters and input. */
  myelinStep() {
    const { params, forward } = myelinLeNet();
    const x = randn([BATCH, 1, 28, 28]);
    return {
      step: () => noGrad(() => tidy(() => forward(x)).dispose()),
      dispose: () => {
        for (const t of [...params, x]) t.dispose();
      },
    };
  },
  tf(tf) {
    const { variables, forward } = tfLeNet(tf);
    const x = tf.randomNormal([BATCH, 28, 28, 1]);
    const s = secondsPerCall(() => tf.tidy(() => forward(x)).dispose());
    for (const t of [...variables, x]) t.dispose();
    return 1 / s;
  },
  /** An ONNX Runtime session from onnxSessions(); the input tensor is made once, outside the timing. */
  async onnx({ ort, session }) {
    const input = new ort.Tensor('float32', new Float32Array(BATCH * 784).map(Math.random), [
      BATCH,
      1,
      28,
      28,
    ]);
    const s = await secondsPerAsyncCall(() => session.run({ input }));
    return 1 / s;
  },
};

const median = (values) => {
  const sorted = [...values].sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Runs the LeNet-5 cases and prints their table. The contenders alternate within each of `rounds`
 * rounds (PyTorch in a child process, one at a time, so that no two contenders share the machine)
 * and each number is the median over the rounds; TF.js cpu (seconds per training step) runs once.
 */
export async function runLeNet({ quick = false, format, rounds = quick ? 3 : 5 }) {
  const onnx = await onnxSessions();
  const wasmTrainError = tfTrainError(await useTf('wasm'));
  const train = { myelin: [], pytorch: [], 'tfjs-wasm': [] };
  const infer = { myelin: [], pytorch: [], 'tfjs-wasm': [], 'ort-web wasm': [], 'ort-node': [] };
  let torchVersion;
  for (let r = 0; r < rounds; r++) {
    train.myelin.push(trainRate.myelin());
    infer.myelin.push(inferRate.myelin());
    const torch = pytorchRound();
    if (torch !== null) {
      torchVersion = torch.torch;
      train.pytorch.push(torch.train);
      infer.pytorch.push(torch.infer);
    }
    const tf = await useTf('wasm');
    if (wasmTrainError === null) train['tfjs-wasm'].push(trainRate.tf(tf));
    infer['tfjs-wasm'].push(inferRate.tf(tf));
    if (onnx.web !== null) infer['ort-web wasm'].push(await inferRate.onnx(onnx.web));
    if (onnx.node !== null) infer['ort-node'].push(await inferRate.onnx(onnx.node));
    process.stderr.write('.');
  }
  const cpu = await useTf('cpu');
  let cpuTrain;
  if (!quick) {
    const t = tfTrainStep(cpu);
    cpuTrain = 1 / secondsPerCall(t.step, { minSeconds: 0, batches: 3 });
    t.dispose();
  }
  const cpuInfer = inferRate.tf(cpu);
  process.stderr.write('\n');

  const columns = ['myelin', 'pytorch', 'tfjs-cpu', 'tfjs-wasm', 'ort-web wasm', 'ort-node'];
  const rows = [
    { name: `LeNet-5 training step, batch ${BATCH}`, unit: 'steps/s', runs: train, cpu: cpuTrain },
    { name: `LeNet-5 inference, batch ${BATCH}`, unit: 'batches/s', runs: infer, cpu: cpuInfer },
  ];
  const value = (row, column) => {
    if (column === 'tfjs-cpu') return row.cpu;
    const runs = row.runs[column];
    return runs === undefined || runs.length === 0 ? undefined : median(runs);
  };
  const ratio = (row, column) => {
    const other = value(row, column);
    return other === undefined ? '—' : `${(value(row, 'myelin') / other).toFixed(2)}×`;
  };
  const others = columns.slice(1);
  console.log(
    `\nLeNet-5, medians of ${rounds} alternating rounds (PyTorch ${torchVersion ?? 'not found'}, 1 thread; ` +
      `onnxruntime ${onnx.web?.ort.env.versions?.web ?? '—'}, 1 thread)\n`,
  );
  console.log(
    `| benchmark | unit | ${columns.join(' | ')} | ${others.map((c) => `Myelin ÷ ${c}`).join(' | ')} |`,
  );
  console.log(`|---|---|${columns.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|`);
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.unit} | ${columns.map((c) => format(value(row, c))).join(' | ')} | ${others.map((c) => ratio(row, c)).join(' | ')} |`,
    );
  }
  console.log('\nPer round:');
  for (const row of rows) {
    for (const [column, runs] of Object.entries(row.runs)) {
      if (runs.length > 0) console.log(`- ${row.unit} ${column}: ${runs.map(format).join(', ')}`);
    }
  }
  if (wasmTrainError !== null) console.log(`- tfjs-wasm cannot train LeNet: ${wasmTrainError}`);
  if (onnx.web === null) console.log('- onnxruntime-web did not load: inference row without it');
  if (onnx.node === null) console.log('- onnxruntime-node did not load: inference row without it');
  if (torchVersion === undefined) console.log(`- ${PYTHON} with torch not found: PyTorch skipped`);
}
