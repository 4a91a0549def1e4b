// The course notes' worked numeric examples and stated conventions (/work/shared/course, see its
// README.md) as tests for @myelin/nn. Each test names its source; where the notes print a wrong
// value, the test checks the correct one and a comment says what the notes print. The conventions
// are documented in docs/conventions.md.
import { tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  binaryCrossEntropy,
  crossEntropy,
  functional as F,
  Linear,
  multiMarginLoss,
  nllLoss,
  Perceptron,
  Sequential,
} from './index.js';

const labels = (v: number[]) => tensor(v, { dtype: 'int32' });

// 002_267a31ebb5518d37.txt §2.1 "Loss Table" and §2.3 "Softmax Loss": the table's columns are the
// scores of a cat, a rat(?) and a flower image for the classes cat, rat, flower; here one row each.
const SCORES = [
  [2.1, 3.5, -2.3],
  [1.4, 5, 2.8],
  [2.3, 2, -5],
];
const TARGETS = [0, 1, 2];

describe('The Deep Learning Guide (002_267a31ebb5518d37.txt)', () => {
  // 002_267a31ebb5518d37.txt §2.1 "Loss Table" (multiclass SVM / hinge loss)
  it('§2.1: hinge losses 2.4, 0, 16.3; their mean is 6.23 — the notes print "Final Loss 9.35"', () => {
    const C = 3;
    // multiMarginLoss divides each row by C (PyTorch); the notes' Σ_{j≠y} max(0, s_j − s_y + 1) is C× it.
    const rows = multiMarginLoss(tensor(SCORES), labels(TARGETS), { reduction: 'none' }).mul(C);
    const r = Array.from(rows.data());
    expect(r[0]).toBeCloseTo(2.4, 5);
    expect(r[1]).toBe(0);
    expect(r[2]).toBeCloseTo(16.3, 5);
    const mean = multiMarginLoss(tensor(SCORES), labels(TARGETS)).mul(C).item();
    expect(mean).toBeCloseTo(18.7 / 3, 5); // 6.2333
    // The notes' 9.35 is 18.7 / 2, not the mean over the 3 examples (nor the sum, 18.7).
    expect(18.7 / 2).toBeCloseTo(9.35, 10);
    expect(Math.abs(mean - 9.35)).toBeGreaterThan(3);
  });

  // 002_267a31ebb5518d37.txt §2.3 "Softmax Loss"
  it('§2.3: softmax losses 1.62, 0.129, 7.85 and mean 3.20 (the notes print 1.61 and 3.198)', () => {
    const probabilities = F.softmax(tensor(SCORES), 1).toArray() as number[][];
    // the notes' flower column (0.569612, 0.43, 0.000388): only 0.000388 is the softmax value
    expect(probabilities[2]![2]).toBeCloseTo(0.000388, 6);
    expect(probabilities[2]![0]).toBeCloseTo(0.57422, 4); // notes: 0.569612
    expect(probabilities[0]![0]).toBeCloseTo(0.197337, 5); // notes: 0.2 (rounded)
    const rows = Array.from(crossEntropy(tensor(SCORES), labels(TARGETS), { reduction: 'none' }).data());
    expect(rows[0]).toBeCloseTo(1.622843, 5); // notes: 1.61 = −ln 0.2 (from the rounded probability)
    expect(rows[1]).toBeCloseTo(0.129384, 5); // notes: 0.129
    expect(rows[2]).toBeCloseTo(7.854743, 4); // notes: 7.85
    const mean = crossEntropy(tensor(SCORES), labels(TARGETS)).item();
    expect(mean).toBeCloseTo(3.202323, 5);
    // notes: "Final Loss 3.198" — neither the exact mean (3.2023) nor the mean of its printed rows
    // ((1.61 + 0.129 + 7.85) / 3 = 3.1963)
    expect(Math.abs(mean - 3.198)).toBeGreaterThan(4e-3);
  });

  // 002_267a31ebb5518d37.txt §2.1 observation 3 and §2.3 "Softmax trivia" 2
  it('§2.1/§2.3: at initialisation (equal scores) hinge loss is N − 1 and softmax loss is ln N', () => {
    for (const N of [3, 10]) {
      const scores = tensor(new Float32Array(4 * N), { shape: [4, N] });
      const y = labels([0, 1, 2, 0]);
      expect(multiMarginLoss(scores, y).mul(N).item()).toBeCloseTo(N - 1, 5);
      expect(crossEntropy(scores, y).item()).toBeCloseTo(Math.log(N), 5);
    }
  });
});

describe('Imperial College "Neural Networks" (004_dd40d634f9b46b7b.txt)', () => {
  // 004_dd40d634f9b46b7b.txt "Feed-Forward Networks", the Keras Dense(5, input_dim=4), Dense(7), Dense(3)
  it('the Keras 4→5→7→3 network has 4·5+5 + 5·7+7 + 7·3+3 = 91 parameters and outputs 3 values', () => {
    const net = new Sequential(new Linear(4, 5), new Linear(5, 7), new Linear(7, 3));
    expect(net.numParameters()).toBe(91);
    expect(net.forward(tensor([[41, 42, 42, 43]])).shape).toEqual([1, 3]); // network.predict(...)
  });

  // 004_dd40d634f9b46b7b.txt "Classification": categorical cross-entropy example
  it('categorical cross-entropy of [0.2, 0.6, 0.2] against [0, 1, 0] is −ln 0.6 ≈ 0.511', () => {
    const logP = tensor([[0.2, 0.6, 0.2]]).log();
    expect(nllLoss(logP, labels([1])).item()).toBeCloseTo(-Math.log(0.6), 6);
    // the same with a one-hot probability target (crossEntropy applies logSoftmax: log p is unchanged)
    expect(crossEntropy(logP, tensor([[0, 1, 0]])).item()).toBeCloseTo(0.510826, 5);
    // "pushes towards [0.0001, 0.9999, 0.0001]": the loss there is −ln 0.9999 ≈ 1e-4
    expect(nllLoss(tensor([[0.0001, 0.9999, 0.0001]]).log(), labels([1])).item()).toBeCloseTo(1e-4, 6);
  });

  // 004_dd40d634f9b46b7b.txt "Classification" has BCE = −(y log a + (1 − y) log(1 − a)); 001_b1d89e8e5c8deb0f.txt
  // §8.1 "Loss function" prints J(θ) = Σ y log NN + (1 − y) log(1 − NN) without the minus sign.
  it('binary cross-entropy carries the minus sign: positive, and smaller for better predictions', () => {
    const p = tensor([0.9, 0.2]);
    const y = tensor([1, 0]);
    const bce = binaryCrossEntropy(p, y).item();
    expect(bce).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 6);
    expect(bce).toBeGreaterThan(0);
    // 001's unsigned J is the log-likelihood (≤ 0): minimising it would make predictions worse.
    const notesJ = Math.log(0.9) + Math.log(0.8);
    expect(notesJ).toBeLessThan(0);
    expect(binaryCrossEntropy(tensor([0.99, 0.01]), y).item()).toBeLessThan(bce);
  });
});

describe('conventions where the notes and Myelin differ (docs/conventions.md)', () => {
  // 003_d258a1444254457f.txt "Activation Functions": f_step(x) = 1 for x ≥ 0;
  // 004_dd40d634f9b46b7b.txt "Perceptron": h_w(x) = 1 if w·x ≥ 0 else 0.
  it('step(0) is 0 in Myelin (x > threshold) and 1 in the notes (x ≥ 0): x.ge(0) gives the notes’ step', () => {
    const x = tensor([-1, 0, 2]);
    expect(Array.from(F.step(x).data())).toEqual([0, 0, 1]);
    expect(Array.from(x.ge(0).data())).toEqual([0, 1, 1]);
    // the perceptron follows step: with w = 0, b = 0 (z = 0) it predicts 0; the notes' rule gives 1
    const p = new Perceptron(2);
    expect(Array.from(p.predict(tensor([[1, 1]])).data())).toEqual([0]);
  });

  // 003_d258a1444254457f.txt "Activation Functions" eq. (6): ReLU′(x) = 1 for x ≥ 0;
  // 004_dd40d634f9b46b7b.txt "Back-propagation": 1 if x > 0 otherwise 0 (as PyTorch).
  it('ReLU′(0) is 0 (PyTorch, 004); 003 eq. (6) says 1', () => {
    const x = tensor([-1, 0, 1], { requiresGrad: true });
    F.relu(x).sum().backward();
    expect(Array.from(x.grad!.data())).toEqual([0, 0, 1]);
  });

  // 002_267a31ebb5518d37.txt §3.3 "Sidenote: Neuron Activation Functions": max(0.1x, x) (its text says 0.01);
  // 003_d258a1444254457f.txt "Activation Functions": 0.01x.
  it('leaky ReLU: the library default slope is 0.01; leakyRelu(x, 0.1) is the notes’ max(0.1x, x)', () => {
    const xs = [-5, -0.5, 0, 3];
    const close = (t: ArrayLike<number>, want: number[]) =>
      want.forEach((w, i) => {
        expect(t[i]).toBeCloseTo(w, 6);
      });
    close(
      F.leakyRelu(tensor(xs)).data(),
      xs.map((v) => (v < 0 ? 0.01 * v : v)),
    );
    close(
      F.leakyRelu(tensor(xs), 0.1).data(),
      xs.map((v) => Math.max(0.1 * v, v)),
    );
    expect(F.leakyRelu(tensor([-5])).item()).not.toBeCloseTo(-0.5, 3); // the default is not the notes' 0.1
  });

  // 001_b1d89e8e5c8deb0f.txt §10.1 "Label Smoothing": 1 → 1 − ε and 0 → ε/(1 − c) (printed; negative, so
  // presumably ε/(c − 1)). PyTorch/Myelin: (1 − ε)·y + ε/C, so the true class gets 1 − ε + ε/C.
  it('label smoothing: the notes’ targets (1 − ε, ε/(C − 1)) are Myelin’s with ε′ = ε·C/(C − 1)', () => {
    const logits = tensor([
      [1.5, -0.3, 0.2, 0.9],
      [0.1, 2.2, -1.0, 0.4],
    ]);
    const y = [3, 1];
    const [eps, C] = [0.1, 4];
    const notesTargets = tensor(
      y.map((t) => Array.from({ length: C }, (_, j) => (j === t ? 1 - eps : eps / (C - 1)))),
    );
    const notes = crossEntropy(logits, notesTargets).item();
    const mapped = crossEntropy(logits, labels(y), { labelSmoothing: (eps * C) / (C - 1) }).item();
    expect(mapped).toBeCloseTo(notes, 6);
    // and Myelin's own ε is not the notes' (the test above would fail without the mapping)
    expect(Math.abs(crossEntropy(logits, labels(y), { labelSmoothing: eps }).item() - notes)).toBeGreaterThan(
      1e-3,
    );
  });

  // 001_b1d89e8e5c8deb0f.txt §23 "Batch Normalization": batch variance with 1/|B| (biased) for
  // normalising, "running averages" at test time without a formula.
  it('BatchNorm: running ← (1 − m)·running + m·batch with m = 0.1 and the unbiased variance (Keras: m′ = 1 − m)', () => {
    const bn = new BatchNorm1d(1); // momentum 0.1
    const x = tensor([[1], [2], [3], [6]]); // mean 3, biased var 3.5, unbiased var 14/3
    const out = bn.forward(x);
    expect(bn.runningMean!.item()).toBeCloseTo(0.1 * 3, 6);
    expect(bn.runningVar!.item()).toBeCloseTo(0.9 * 1 + 0.1 * (14 / 3), 5);
    // normalisation itself uses the biased batch variance, as the notes: (x − 3)/√(3.5 + ε)
    expect(out.data()[3]).toBeCloseTo(3 / Math.sqrt(3.5 + 1e-5), 5);
  });
});
