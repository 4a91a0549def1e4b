import { describe, expect, it } from 'vitest';
import type { Kernels } from './kernels.js';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

// Float64 references written straight from PyTorch's equations (torch.nn.LSTMCell, torch.nn.GRUCell).

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface LstmForward {
  h: Float64Array;
  c: Float64Array;
  /** Activated gates (i, f, g, o), laid out as the pre-activations. */
  act: Float64Array;
  tanhC: Float64Array;
}

function lstmRef(
  gates: ArrayLike<number>,
  cPrev: ArrayLike<number>,
  batch: number,
  hidden: number,
): LstmForward {
  const n = batch * hidden;
  const out = {
    h: new Float64Array(n),
    c: new Float64Array(n),
    act: new Float64Array(4 * n),
    tanhC: new Float64Array(n),
  };
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < hidden; j++) {
      const at = (q: number) => b * 4 * hidden + q * hidden + j;
      const i = sigmoid(gates[at(0)]!);
      const f = sigmoid(gates[at(1)]!);
      const g = Math.tanh(gates[at(2)]!);
      const o = sigmoid(gates[at(3)]!);
      const c = f * cPrev[b * hidden + j]! + i * g;
      out.c[b * hidden + j] = c;
      out.tanhC[b * hidden + j] = Math.tanh(c);
      out.h[b * hidden + j] = o * Math.tanh(c);
      [out.act[at(0)], out.act[at(1)], out.act[at(2)], out.act[at(3)]] = [i, f, g, o];
    }
  }
  return out;
}

/** Analytic gradients of L = Σ gradH·h + Σ gradC·c with respect to the pre-activation gates and cPrev. */
function lstmBackwardRef(
  gates: ArrayLike<number>,
  cPrev: ArrayLike<number>,
  gradH: ArrayLike<number>,
  gradC: ArrayLike<number>,
  batch: number,
  hidden: number,
): { gates: Float64Array; cPrev: Float64Array } {
  const { act, tanhC } = lstmRef(gates, cPrev, batch, hidden);
  const gGates = new Float64Array(4 * batch * hidden);
  const gCPrev = new Float64Array(batch * hidden);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < hidden; j++) {
      const at = (q: number) => b * 4 * hidden + q * hidden + j;
      const s = b * hidden + j;
      const [i, f, g, o] = [act[at(0)]!, act[at(1)]!, act[at(2)]!, act[at(3)]!];
      const t = tanhC[s]!;
      const dc = gradC[s]! + gradH[s]! * o * (1 - t * t);
      gGates[at(0)] = dc * g * i * (1 - i);
      gGates[at(1)] = dc * cPrev[s]! * f * (1 - f);
      gGates[at(2)] = dc * i * (1 - g * g);
      gGates[at(3)] = gradH[s]! * t * o * (1 - o);
      gCPrev[s] = dc * f;
    }
  }
  return { gates: gGates, cPrev: gCPrev };
}

function gruRef(
  gi: ArrayLike<number>,
  gh: ArrayLike<number>,
  hPrev: ArrayLike<number>,
  batch: number,
  hidden: number,
) {
  const h = new Float64Array(batch * hidden);
  const save = new Float64Array(4 * batch * hidden);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < hidden; j++) {
      const at = (q: number) => b * 3 * hidden + q * hidden + j;
      const s = b * hidden + j;
      const r = sigmoid(gi[at(0)]! + gh[at(0)]!);
      const z = sigmoid(gi[at(1)]! + gh[at(1)]!);
      const n = Math.tanh(gi[at(2)]! + r * gh[at(2)]!);
      h[s] = (1 - z) * n + z * hPrev[s]!;
      const sv = (q: number) => b * 4 * hidden + q * hidden + j;
      [save[sv(0)], save[sv(1)], save[sv(2)], save[sv(3)]] = [r, z, n, gh[at(2)]!];
    }
  }
  return { h, save };
}

/** Analytic gradients of L = Σ gradH·h with respect to gi, gh and (directly, not through gh) hPrev. */
function gruBackwardRef(
  gi: ArrayLike<number>,
  gh: ArrayLike<number>,
  hPrev: ArrayLike<number>,
  gradH: ArrayLike<number>,
  batch: number,
  hidden: number,
) {
  const { save } = gruRef(gi, gh, hPrev, batch, hidden);
  const gGi = new Float64Array(3 * batch * hidden);
  const gGh = new Float64Array(3 * batch * hidden);
  const gHPrev = new Float64Array(batch * hidden);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < hidden; j++) {
      const at = (q: number) => b * 3 * hidden + q * hidden + j;
      const sv = (q: number) => b * 4 * hidden + q * hidden + j;
      const s = b * hidden + j;
      const [r, z, n, hn] = [save[sv(0)]!, save[sv(1)]!, save[sv(2)]!, save[sv(3)]!];
      const d = gradH[s]!;
      const dz = d * (hPrev[s]! - n) * z * (1 - z);
      const dn = d * (1 - z) * (1 - n * n);
      const dr = dn * hn * r * (1 - r);
      [gGi[at(0)], gGi[at(1)], gGi[at(2)]] = [dr, dz, dn];
      [gGh[at(0)], gGh[at(1)], gGh[at(2)]] = [dr, dz, dn * r];
      gHPrev[s] = d * z;
    }
  }
  return { gi: gGi, gh: gGh, hPrev: gHPrev };
}

/** Central finite difference (step 1e-6, float64) of `loss` with respect to each element of `x`. */
function numericGradient(x: ArrayLike<number>, loss: (x: Float64Array) => number): Float64Array {
  const eps = 1e-6;
  const xs = Float64Array.from(x);
  const out = new Float64Array(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const keep = xs[k]!;
    xs[k] = keep + eps;
    const up = loss(xs);
    xs[k] = keep - eps;
    const down = loss(xs);
    xs[k] = keep;
    out[k] = (up - down) / (2 * eps);
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** An output buffer of `n` floats followed by 4 guard floats that `expectGuards` checks afterwards. */
function output(kernels: Kernels, n: number, misalign: number): number {
  return put(kernels, new Float32Array(n + 4).fill(GUARD), misalign);
}
const GUARD = 12345;
function expectGuards(kernels: Kernels, label: string, ptr: number, n: number): void {
  expect(Array.from(take(kernels, ptr + 4 * n, 4)), `${label} wrote past its end`).toEqual([
    GUARD,
    GUARD,
    GUARD,
    GUARD,
  ]);
}

// Tolerances, |got − want| ≤ abs + rel·|want|: every value here passed at rel = abs = 3e-7 (the
// vector sigmoid/tanh are within a few ulp and the gradients multiply at most four such factors);
// about 3× margin on that.
const FORWARD = { rel: 1e-6, abs: 1e-6 };
const BACKWARD = { rel: 1e-6, abs: 1e-6 };
// The float64 reference against its own central difference: truncation and rounding, ~1e-9.
const NUMERIC = { rel: 1e-6, abs: 1e-7 };

const HIDDEN = [1, 3, 4, 7, 8, 33];
const BATCH = [1, 2, 3, 4, 5];
const CASES = HIDDEN.flatMap((hidden) => BATCH.map((batch) => [batch, hidden] as const));

const variants = await loadAllVariants();

describe.each(variants.map((k) => [k.variant, k] as const))(
  'fused RNN cell kernels (%s build)',
  (_, kernels) => {
    describe('lstmCellForward / lstmCellBackward', () => {
      for (const [batch, hidden] of CASES) {
        it(`match the float64 reference and its finite differences at batch ${batch}, hidden ${hidden}`, () => {
          const n = batch * hidden;
          const random = mulberry32(batch * 101 + hidden);
          const gates = uniform(random, 4 * n, -4, 4);
          const cPrev = uniform(random, n, -2, 2);
          const gradH = uniform(random, n, -1, 1);
          const gradC = uniform(random, n, -1, 1);
          const misalign = (batch + hidden) % 4;
          const ref = lstmRef(gates, cPrev, batch, hidden);

          const pGates = put(kernels, gates, misalign);
          const pCPrev = put(kernels, cPrev, 3 - misalign);
          const [h, c, tanhC] = [output(kernels, n, 1), output(kernels, n, 2), output(kernels, n, misalign)];
          kernels.lstmCellForward(pGates, pCPrev, h, c, tanhC, batch, hidden);
          expectClose('h', take(kernels, h, n), ref.h, FORWARD);
          expectClose('c', take(kernels, c, n), ref.c, FORWARD);
          expectClose('tanh(c)', take(kernels, tanhC, n), ref.tanhC, FORWARD);
          expectClose('activated gates', take(kernels, pGates, 4 * n), ref.act, FORWARD);
          for (const [label, ptr] of [
            ['h', h],
            ['c', c],
            ['tanh(c)', tanhC],
          ] as const)
            expectGuards(kernels, label, ptr, n);

          const gradGates = output(kernels, 4 * n, 3);
          const gradCPrev = output(kernels, n, 0);
          kernels.lstmCellBackward(
            pGates,
            pCPrev,
            tanhC,
            put(kernels, gradH, 1),
            put(kernels, gradC, 2),
            gradGates,
            gradCPrev,
            batch,
            hidden,
          );
          const want = lstmBackwardRef(gates, cPrev, gradH, gradC, batch, hidden);
          expectClose('gradient of gates', take(kernels, gradGates, 4 * n), want.gates, BACKWARD);
          expectClose('gradient of cPrev', take(kernels, gradCPrev, n), want.cPrev, BACKWARD);
          expectGuards(kernels, 'gradient of gates', gradGates, 4 * n);
          expectGuards(kernels, 'gradient of cPrev', gradCPrev, n);

          // The reference's gradients are those of L = Σ gradH·h + Σ gradC·c: check by central difference.
          const loss = (g: ArrayLike<number>, cp: ArrayLike<number>) => {
            const r = lstmRef(g, cp, batch, hidden);
            return dot(gradH, r.h) + dot(gradC, r.c);
          };
          const numGates = numericGradient(gates, (g) => loss(g, cPrev));
          const numCPrev = numericGradient(cPrev, (cp) => loss(gates, cp));
          expectClose('reference gradient of gates vs finite difference', want.gates, numGates, NUMERIC);
          expectClose('reference gradient of cPrev vs finite difference', want.cPrev, numCPrev, NUMERIC);
          expectClose(
            'gradient of gates vs finite difference',
            take(kernels, gradGates, 4 * n),
            numGates,
            BACKWARD,
          );
        });
      }

      it('leave the gates alone without tanhC, and treat null gradients as zeros', () => {
        const [batch, hidden] = [3, 7];
        const n = batch * hidden;
        const random = mulberry32(7);
        const gates = uniform(random, 4 * n, -3, 3);
        const cPrev = uniform(random, n, -1, 1);
        const gradH = uniform(random, n, -1, 1);
        const gradC = uniform(random, n, -1, 1);
        const zeros = new Float64Array(n);
        const pGates = put(kernels, gates);
        const [h, c] = [output(kernels, n, 0), output(kernels, n, 0)];
        kernels.lstmCellForward(pGates, put(kernels, cPrev), h, c, 0, batch, hidden);
        expect(take(kernels, pGates, 4 * n)).toEqual(gates);
        const ref = lstmRef(gates, cPrev, batch, hidden);
        expectClose('h without saving', take(kernels, h, n), ref.h, FORWARD);
        expectClose('c without saving', take(kernels, c, n), ref.c, FORWARD);

        const saved = put(kernels, ref.act);
        const tanhC = put(kernels, ref.tanhC);
        const pCPrev = put(kernels, cPrev);
        for (const [label, gh, gc] of [
          ['gradH null', null, gradC],
          ['gradC null', gradH, null],
          ['both null', null, null],
        ] as const) {
          const gradGates = output(kernels, 4 * n, 1);
          const gradCPrev = output(kernels, n, 2);
          const pgh = gh ? put(kernels, gh) : 0;
          const pgc = gc ? put(kernels, gc) : 0;
          kernels.lstmCellBackward(saved, pCPrev, tanhC, pgh, pgc, gradGates, gradCPrev, batch, hidden);
          const want = lstmBackwardRef(gates, cPrev, gh ?? zeros, gc ?? zeros, batch, hidden);
          expectClose(`${label}: gradient of gates`, take(kernels, gradGates, 4 * n), want.gates, BACKWARD);
          expectClose(`${label}: gradient of cPrev`, take(kernels, gradCPrev, n), want.cPrev, BACKWARD);
        }
        // A null gradCPrev skips it; the gates' gradient is unchanged.
        const gradGates = output(kernels, 4 * n, 0);
        kernels.lstmCellBackward(saved, pCPrev, tanhC, put(kernels, gradH), 0, gradGates, 0, batch, hidden);
        const want = lstmBackwardRef(gates, cPrev, gradH, zeros, batch, hidden);
        expectClose('gradient of gates, no gradCPrev', take(kernels, gradGates, 4 * n), want.gates, BACKWARD);
      });

      it('run in place (c over cPrev, the gates gradient over the saved gates, gradCPrev over gradC)', () => {
        const [batch, hidden] = [2, 9];
        const n = batch * hidden;
        const random = mulberry32(8);
        const gates = uniform(random, 4 * n, -3, 3);
        const cPrev = uniform(random, n, -1, 1);
        const gradH = uniform(random, n, -1, 1);
        const gradC = uniform(random, n, -1, 1);
        const ref = lstmRef(gates, cPrev, batch, hidden);
        const [pGates, state, h, tanhC] = [
          put(kernels, gates),
          put(kernels, cPrev),
          output(kernels, n, 0),
          output(kernels, n, 0),
        ];
        kernels.lstmCellForward(pGates, state, h, state, tanhC, batch, hidden);
        expectClose('c in place', take(kernels, state, n), ref.c, FORWARD);
        expectClose('h', take(kernels, h, n), ref.h, FORWARD);
        const pGradC = put(kernels, gradC);
        kernels.lstmCellBackward(
          pGates,
          put(kernels, cPrev),
          tanhC,
          put(kernels, gradH),
          pGradC,
          pGates,
          pGradC,
          batch,
          hidden,
        );
        const want = lstmBackwardRef(gates, cPrev, gradH, gradC, batch, hidden);
        expectClose('gradient of gates in place', take(kernels, pGates, 4 * n), want.gates, BACKWARD);
        expectClose('gradient of cPrev in place', take(kernels, pGradC, n), want.cPrev, BACKWARD);
      });

      it('saturate cleanly for huge pre-activations', () => {
        const gates = Float32Array.from([100, -100, 100, -100, -100, 100, -100, 100, 30, 30, -30, 30]);
        const cPrev = Float32Array.from([50, -50, 0]);
        const [h, c, tanhC] = [output(kernels, 3, 0), output(kernels, 3, 0), output(kernels, 3, 0)];
        const pGates = put(kernels, gates);
        // batch 3, hidden 1: each row is (i, f, g, o).
        kernels.lstmCellForward(pGates, put(kernels, cPrev), h, c, tanhC, 3, 1);
        const ref = lstmRef(gates, cPrev, 3, 1);
        expectClose('h saturated', take(kernels, h, 3), ref.h, FORWARD);
        expectClose('c saturated', take(kernels, c, 3), ref.c, FORWARD);
        const gradGates = output(kernels, 12, 0);
        kernels.lstmCellBackward(
          pGates,
          put(kernels, cPrev),
          tanhC,
          put(kernels, [1, 1, 1]),
          put(kernels, [1, 1, 1]),
          gradGates,
          0,
          3,
          1,
        );
        const want = lstmBackwardRef(gates, cPrev, [1, 1, 1], [1, 1, 1], 3, 1);
        expectClose('gradient saturated', take(kernels, gradGates, 12), want.gates, BACKWARD);
      });
    });

    describe('gruCellForward / gruCellBackward', () => {
      for (const [batch, hidden] of CASES) {
        it(`match the float64 reference and its finite differences at batch ${batch}, hidden ${hidden}`, () => {
          const n = batch * hidden;
          const random = mulberry32(batch * 211 + hidden);
          const gi = uniform(random, 3 * n, -3, 3);
          const gh = uniform(random, 3 * n, -3, 3);
          const hPrev = uniform(random, n, -1, 1);
          const gradH = uniform(random, n, -1, 1);
          const misalign = (batch * hidden) % 4;
          const ref = gruRef(gi, gh, hPrev, batch, hidden);

          const [pGi, pGh, pHPrev] = [
            put(kernels, gi, misalign),
            put(kernels, gh, 1),
            put(kernels, hPrev, 2),
          ];
          const [h, save] = [output(kernels, n, 3), output(kernels, 4 * n, misalign)];
          kernels.gruCellForward(pGi, pGh, pHPrev, h, save, batch, hidden);
          expectClose('h', take(kernels, h, n), ref.h, FORWARD);
          expectClose('saved (r, z, n, gh_n)', take(kernels, save, 4 * n), ref.save, FORWARD);
          expectGuards(kernels, 'h', h, n);
          expectGuards(kernels, 'save', save, 4 * n);
          expect(take(kernels, pGi, 3 * n)).toEqual(gi);
          expect(take(kernels, pGh, 3 * n)).toEqual(gh);

          const [gradGi, gradGh, gradHPrev] = [
            output(kernels, 3 * n, 1),
            output(kernels, 3 * n, 2),
            output(kernels, n, 3),
          ];
          kernels.gruCellBackward(
            save,
            pHPrev,
            put(kernels, gradH, misalign),
            gradGi,
            gradGh,
            gradHPrev,
            batch,
            hidden,
          );
          const want = gruBackwardRef(gi, gh, hPrev, gradH, batch, hidden);
          expectClose('gradient of gi', take(kernels, gradGi, 3 * n), want.gi, BACKWARD);
          expectClose('gradient of gh', take(kernels, gradGh, 3 * n), want.gh, BACKWARD);
          expectClose('gradient of hPrev', take(kernels, gradHPrev, n), want.hPrev, BACKWARD);
          expectGuards(kernels, 'gradient of gi', gradGi, 3 * n);
          expectGuards(kernels, 'gradient of gh', gradGh, 3 * n);
          expectGuards(kernels, 'gradient of hPrev', gradHPrev, n);

          const loss = (a: ArrayLike<number>, b: ArrayLike<number>, hp: ArrayLike<number>) =>
            dot(gradH, gruRef(a, b, hp, batch, hidden).h);
          const numGi = numericGradient(gi, (x) => loss(x, gh, hPrev));
          const numGh = numericGradient(gh, (x) => loss(gi, x, hPrev));
          // hPrev enters only directly here (gh is held fixed), so this is the kernel's gradHPrev.
          const numHPrev = numericGradient(hPrev, (x) => loss(gi, gh, x));
          expectClose('reference gradient of gi vs finite difference', want.gi, numGi, NUMERIC);
          expectClose('reference gradient of gh vs finite difference', want.gh, numGh, NUMERIC);
          expectClose('reference gradient of hPrev vs finite difference', want.hPrev, numHPrev, NUMERIC);
          expectClose('gradient of gh vs finite difference', take(kernels, gradGh, 3 * n), numGh, BACKWARD);
        });
      }

      it('run without saving, in place, and without gradHPrev', () => {
        const [batch, hidden] = [4, 6];
        const n = batch * hidden;
        const random = mulberry32(9);
        const gi = uniform(random, 3 * n, -3, 3);
        const gh = uniform(random, 3 * n, -3, 3);
        const hPrev = uniform(random, n, -1, 1);
        const gradH = uniform(random, n, -1, 1);
        const ref = gruRef(gi, gh, hPrev, batch, hidden);
        const state = put(kernels, hPrev);
        kernels.gruCellForward(put(kernels, gi), put(kernels, gh), state, state, 0, batch, hidden);
        expectClose('h in place, not saved', take(kernels, state, n), ref.h, FORWARD);

        const save = put(kernels, ref.save);
        const pHPrev = put(kernels, hPrev);
        const want = gruBackwardRef(gi, gh, hPrev, gradH, batch, hidden);
        const [gradGi, gradGh] = [output(kernels, 3 * n, 0), output(kernels, 3 * n, 0)];
        const pGradH = put(kernels, gradH);
        kernels.gruCellBackward(save, pHPrev, pGradH, gradGi, gradGh, pGradH, batch, hidden);
        expectClose('gradient of hPrev over gradH', take(kernels, pGradH, n), want.hPrev, BACKWARD);
        expectClose('gradient of gi', take(kernels, gradGi, 3 * n), want.gi, BACKWARD);
        kernels.gruCellBackward(save, pHPrev, put(kernels, gradH), gradGi, gradGh, 0, batch, hidden);
        expectClose('gradient of gh, no gradHPrev', take(kernels, gradGh, 3 * n), want.gh, BACKWARD);
      });
    });

    it('write nothing for an empty batch or hidden size', () => {
      const buf = output(kernels, 0, 0);
      kernels.lstmCellForward(buf, buf, buf, buf, buf, 0, 5);
      kernels.lstmCellBackward(buf, buf, buf, buf, buf, buf, buf, 3, 0);
      kernels.gruCellForward(buf, buf, buf, buf, buf, 0, 5);
      kernels.gruCellBackward(buf, buf, buf, buf, buf, buf, 3, 0);
      expectGuards(kernels, 'empty call', buf, 0);
    });
  },
);

describe('fused RNN cell kernels across builds', () => {
  it('give bitwise identical results in every build (no fused multiply-add)', () => {
    const [batch, hidden] = [3, 13];
    const n = batch * hidden;
    const random = mulberry32(10);
    const gates = uniform(random, 4 * n, -5, 5);
    const cPrev = uniform(random, n, -2, 2);
    const gradH = uniform(random, n, -1, 1);
    const results = variants.map((kernels) => {
      const pGates = put(kernels, gates);
      const pCPrev = put(kernels, cPrev);
      const [h, c, tanhC, gradGates] = [
        output(kernels, n, 0),
        output(kernels, n, 0),
        output(kernels, n, 0),
        output(kernels, 4 * n, 0),
      ];
      kernels.lstmCellForward(pGates, pCPrev, h, c, tanhC, batch, hidden);
      kernels.lstmCellBackward(pGates, pCPrev, tanhC, put(kernels, gradH), 0, gradGates, 0, batch, hidden);
      return [...take(kernels, h, n), ...take(kernels, c, n), ...take(kernels, gradGates, 4 * n)];
    });
    for (const r of results) expect(r).toEqual(results[0]);
  });
});
