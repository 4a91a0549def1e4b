import { describe, it } from 'vitest';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, TAIL_SIZES, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

// One step of each fused update against a float64 scalar transcription of torch.optim's algorithm.
// (Whole trajectories and the optimizer classes are tested in @myelin/optim.)

const variants = await loadAllVariants();
const f = Math.fround;
const TOL = { rel: 2e-6, abs: 1e-7 };

describe.each(variants.map((k) => [k.variant, k] as const))(
  'fused optimizer updates (%s build)',
  (_, kernels) => {
    for (const [momentum, nesterov, first, wd] of [
      [0, 0, 0, 0],
      [0.9, 0, 1, 0],
      [0.9, 0, 0, 0.01],
      [0.9, 1, 0, 0.01],
    ] as const) {
      it(`sgdUpdate momentum=${momentum} nesterov=${nesterov} first=${first} wd=${wd} at every tail size`, () => {
        const random = mulberry32(11);
        const [lr, dampening] = [0.1, 0.25];
        for (const n of TAIL_SIZES) {
          const p = uniform(random, n, -1, 1);
          const g = uniform(random, n, -1, 1);
          const b = uniform(random, n, -1, 1);
          const [pp, pg, pb] = [put(kernels, p, 1), put(kernels, g, 2), put(kernels, b, 3)];
          kernels.raw.sgdUpdate(pp, pg, pb, n, lr, momentum, dampening, wd, nesterov, first);
          const wantP = new Float64Array(n);
          const wantB = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let gi = g[i]! + f(wd) * p[i]!;
            let bi = b[i]!;
            if (momentum !== 0) {
              bi = first ? gi : f(momentum) * b[i]! + f(1 - dampening) * gi;
              gi = nesterov ? gi + f(momentum) * bi : bi;
            }
            wantB[i] = bi;
            wantP[i] = p[i]! - f(lr) * gi;
          }
          expectClose(`sgd param n=${n}`, take(kernels, pp, n), wantP, TOL);
          expectClose(`sgd buf n=${n}`, take(kernels, pb, n), wantB, TOL);
        }
      });
    }

    // Every flag combination runs its own loop in the kernel: each one is tested here.
    for (const wd of [0, 0.01]) {
      it(`adagradUpdate wd=${wd} at every tail size`, () => {
        const random = mulberry32(12);
        for (const n of TAIL_SIZES) {
          const p = uniform(random, n, -1, 1);
          const g = uniform(random, n, -1, 1);
          const s = uniform(random, n, 0, 1);
          const [pp, pg, ps] = [put(kernels, p), put(kernels, g, 1), put(kernels, s, 2)];
          kernels.raw.adagradUpdate(pp, pg, ps, n, 0.05, wd, 1e-10);
          const wantS = Float64Array.from(s, (v, i) => v + (g[i]! + f(wd) * p[i]!) ** 2);
          const wantP = Float64Array.from(
            p,
            (v, i) => v - (f(0.05) * (g[i]! + f(wd) * v)) / (Math.sqrt(wantS[i]!) + f(1e-10)),
          );
          expectClose(`adagrad sum n=${n}`, take(kernels, ps, n), wantS, TOL);
          expectClose(`adagrad param n=${n}`, take(kernels, pp, n), wantP, TOL);
        }
      });
    }

    for (const [centered, momentum, wd] of [
      [0, 0, 0.01],
      [1, 0, 0.01],
      [0, 0.9, 0.01],
      [1, 0.9, 0.01],
      [0, 0, 0],
      [1, 0, 0],
      [0, 0.9, 0],
      [1, 0.9, 0],
    ] as const) {
      it(`rmspropUpdate centered=${centered} momentum=${momentum} wd=${wd} at every tail size`, () => {
        const random = mulberry32(13);
        const [lr, alpha, eps] = [0.01, 0.99, 1e-8];
        for (const n of TAIL_SIZES) {
          const p = uniform(random, n, -1, 1);
          const g = uniform(random, n, -1, 1);
          const sq = uniform(random, n, 0.5, 1);
          const ga = uniform(random, n, -0.1, 0.1);
          const b = uniform(random, n, -1, 1);
          const ptrs = [p, g, sq, ga, b].map((a, i) => put(kernels, a, i % 4));
          kernels.raw.rmspropUpdate(
            ptrs[0]!,
            ptrs[1]!,
            ptrs[2]!,
            ptrs[3]!,
            ptrs[4]!,
            n,
            lr,
            alpha,
            eps,
            wd,
            momentum,
            centered,
          );
          const wantP = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const gi = g[i]! + f(wd) * p[i]!;
            const s = f(alpha) * sq[i]! + f(1 - alpha) * gi * gi;
            const avgGrad = ga[i]! + f(1 - alpha) * (gi - ga[i]!);
            const avg = (centered ? Math.sqrt(s - avgGrad * avgGrad) : Math.sqrt(s)) + f(eps);
            const step = momentum > 0 ? f(momentum) * b[i]! + gi / avg : gi / avg;
            wantP[i] = p[i]! - f(lr) * step;
          }
          expectClose(`rmsprop param n=${n}`, take(kernels, ptrs[0]!, n), wantP, TOL);
        }
      });
    }

    for (const [decoupled, amsgrad, wd] of [
      [0, 0, 0],
      [0, 0, 0.01],
      [1, 0, 0.01],
      [0, 1, 0.01],
      [0, 1, 0],
      [1, 1, 0.01],
    ] as const) {
      it(`adamUpdate decoupled=${decoupled} amsgrad=${amsgrad} wd=${wd} at every tail size`, () => {
        const random = mulberry32(14);
        const [lr, b1, b2, eps, t] = [0.001, 0.9, 0.999, 1e-8, 3];
        const stepSize = lr / (1 - b1 ** t);
        const bc2Sqrt = Math.sqrt(1 - b2 ** t);
        for (const n of TAIL_SIZES) {
          const p = uniform(random, n, -1, 1);
          const g = uniform(random, n, -1, 1);
          const m = uniform(random, n, -0.1, 0.1);
          const v = uniform(random, n, 0, 0.01);
          const vmax = uniform(random, n, 0, 0.02);
          const ptrs = [p, g, m, v, vmax].map((a, i) => put(kernels, a, (i + 1) % 4));
          kernels.raw.adamUpdate(
            ptrs[0]!,
            ptrs[1]!,
            ptrs[2]!,
            ptrs[3]!,
            ptrs[4]!,
            n,
            lr,
            b1,
            b2,
            eps,
            wd,
            decoupled,
            amsgrad,
            stepSize,
            bc2Sqrt,
          );
          const wantP = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let pi = p[i]!;
            let gi = g[i]!;
            if (decoupled) pi *= f(1 - lr * wd);
            else gi += f(wd) * pi;
            const mi = m[i]! + f(1 - b1) * (gi - m[i]!);
            const vi = f(b2) * v[i]! + f(1 - b2) * gi * gi;
            const vUse = amsgrad ? Math.max(vmax[i]!, vi) : vi;
            wantP[i] = pi - (f(stepSize) * mi) / (Math.sqrt(vUse) / f(bc2Sqrt) + f(eps));
          }
          expectClose(`adam param n=${n}`, take(kernels, ptrs[0]!, n), wantP, TOL);
        }
      });
    }
  },
);
