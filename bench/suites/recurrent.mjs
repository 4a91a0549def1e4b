// Recurrent networks (issue 13): training steps of an LSTM sequence classifier and of a character
// language model, Myelin against PyTorch on one thread (scripts/bench-pytorch-recurrent.py, in a
// child process, when Debian's python3-torch is installed), alternating rounds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crossEntropy, Embedding, Linear, LSTM } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, randint, randn, tidy } from '@myelin/tensor';
import { secondsPerCall } from '../lib/timing.mjs';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../scripts/bench-pytorch-recurrent.py', import.meta.url));

/** Myelin's steps/s of `make()`'s step, disposing its tensors after. */
function rate(make) {
  const { step, dispose } = make();
  const s = secondsPerCall(step, { minSeconds: 0.3 });
  dispose();
  return 1 / s;
}

/** LSTM(28 → 128) over 28 steps, batch 64, last h → Linear(128 → 10), cross-entropy, Adam. */
function lstmClassifier() {
  manualSeed(0);
  const lstm = new LSTM(28, 128, { batchFirst: true });
  const head = new Linear(128, 10);
  const optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = randn([64, 28, 28]);
  const y = randint(0, 10, [64]);
  return {
    step() {
      tidy(() => {
        const [out] = lstm.forward(x);
        crossEntropy(head.forward(out.slice(1, 27, 28).squeeze(1)), y).backward();
      });
      optimizer.step();
      optimizer.zeroGrad();
    },
    dispose() {
      for (const t of [x, y]) t.dispose();
      lstm.dispose();
      head.dispose();
    },
  };
}

/** Embedding(64 → 64) → 2-layer LSTM(64 → 256) over 64 steps, batch 32 → Linear(256 → 64) per step. */
function charLM() {
  manualSeed(0);
  const vocab = 64;
  const embed = new Embedding(vocab, 64);
  const lstm = new LSTM(64, 256, { numLayers: 2, batchFirst: true });
  const head = new Linear(256, vocab);
  const optimizer = new Adam([...embed.parameters(), ...lstm.parameters(), ...head.parameters()], {
    lr: 1e-3,
  });
  const ids = randint(0, vocab, [32, 65]);
  const input = ids.slice(1, 0, 64).contiguous();
  const target = ids.slice(1, 1, 65).contiguous().reshape([-1]);
  return {
    step() {
      tidy(() => {
        const [out] = lstm.forward(embed.forward(input));
        crossEntropy(head.forward(out.reshape([-1, 256])), target).backward();
      });
      optimizer.step();
      optimizer.zeroGrad();
    },
    dispose() {
      for (const t of [ids, input, target]) t.dispose();
      for (const m of [embed, lstm, head]) m.dispose();
    },
  };
}

function pytorchRound() {
  if (!existsSync(PYTHON)) return null;
  const run = spawnSync(PYTHON, [SCRIPT], { encoding: 'utf8' });
  if (run.status !== 0) return null;
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    return null;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Prints the recurrent table: medians of `rounds` alternating rounds. */
export async function runRecurrent({ quick = false, rounds = quick ? 3 : 5 } = {}) {
  const runs = { lstm: { myelin: [], pytorch: [] }, charlm: { myelin: [], pytorch: [] } };
  let torchVersion;
  for (let r = 0; r < rounds; r++) {
    runs.lstm.myelin.push(rate(lstmClassifier));
    runs.charlm.myelin.push(rate(charLM));
    const torch = pytorchRound();
    if (torch !== null) {
      torchVersion = torch.torch;
      runs.lstm.pytorch.push(torch.lstm);
      runs.charlm.pytorch.push(torch.charlm);
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  console.log(
    `\nRecurrent networks, training steps/s, medians of ${rounds} alternating rounds` +
      (torchVersion ? ` (PyTorch ${torchVersion}, 1 thread)` : ' (PyTorch not installed)'),
  );
  console.log('\n| benchmark | myelin | pytorch | Myelin ÷ pytorch |\n|---|---:|---:|---:|');
  for (const [key, name] of [
    ['lstm', 'LSTM(28→128) × 28 steps, batch 64, + Linear, Adam'],
    ['charlm', 'char-LM: Embedding → 2-layer LSTM(256) × 64 steps, batch 32, + Linear(vocab 64), Adam'],
  ]) {
    const m = median(runs[key].myelin);
    const p = runs[key].pytorch.length > 0 ? median(runs[key].pytorch) : undefined;
    console.log(
      `| ${name} | ${m.toFixed(1)} | ${p?.toFixed(1) ?? '—'} | ${p ? `${(m / p).toFixed(2)}×` : '—'} |`,
    );
  }
}
