// Float64 transcriptions of torch.optim's documented algorithms (the pseudo-code in PyTorch's docs),
// used as the oracle for whole trajectories. Independent of the fused kernels they check.

export type Grad = (w: Float64Array) => Float64Array;

/** Generalised Rosenbrock: Σ (1 − wᵢ)² + 10·Σ (wᵢ₊₁ − wᵢ²)²  (non-quadratic, curved valley). */
export function rosenbrock(w: ArrayLike<number>): number {
  let f = 0;
  for (let i = 0; i < w.length; i++) f += (1 - w[i]!) ** 2;
  for (let i = 0; i + 1 < w.length; i++) f += 10 * (w[i + 1]! - w[i]! ** 2) ** 2;
  return f;
}

export function rosenbrockGrad(w: Float64Array): Float64Array {
  const g = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) g[i] = -2 * (1 - w[i]!);
  for (let i = 0; i + 1 < w.length; i++) {
    const d = w[i + 1]! - w[i]! ** 2;
    g[i]! += -40 * w[i]! * d;
    g[i + 1]! += 20 * d;
  }
  return g;
}

type Rule = (w: Float64Array, g: Float64Array, t: number) => void;

export function runReference(start: ArrayLike<number>, steps: number, rule: Rule): Float64Array {
  const w = Float64Array.from(start);
  for (let t = 1; t <= steps; t++) rule(w, rosenbrockGrad(w), t);
  return w;
}

export function sgdRule(lr: number, momentum = 0, dampening = 0, wd = 0, nesterov = false): Rule {
  let buf: Float64Array | null = null;
  return (w, g0) => {
    const g = g0.map((v, i) => v + wd * w[i]!);
    if (momentum !== 0) {
      buf = buf === null ? Float64Array.from(g) : buf.map((b, i) => momentum * b + (1 - dampening) * g[i]!);
      const b = buf;
      for (let i = 0; i < g.length; i++) g[i] = nesterov ? g[i]! + momentum * b[i]! : b[i]!;
    }
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]!;
  };
}

export function adagradRule(lr: number, lrDecay = 0, wd = 0, initial = 0, eps = 1e-10): Rule {
  let sum: Float64Array | null = null;
  return (w, g0, t) => {
    sum ??= new Float64Array(w.length).fill(initial);
    const s = sum;
    const clr = lr / (1 + (t - 1) * lrDecay);
    g0.forEach((gv, i) => {
      const g = gv + wd * w[i]!;
      s[i]! += g * g;
      w[i]! -= (clr * g) / (Math.sqrt(s[i]!) + eps);
    });
  };
}

export function rmspropRule(
  lr: number,
  alpha = 0.99,
  eps = 1e-8,
  wd = 0,
  momentum = 0,
  centered = false,
): Rule {
  let sq: Float64Array | null = null;
  let ga: Float64Array | null = null;
  let buf: Float64Array | null = null;
  return (w, g0) => {
    sq ??= new Float64Array(w.length);
    ga ??= new Float64Array(w.length);
    buf ??= new Float64Array(w.length);
    const [s, a, b] = [sq, ga, buf];
    g0.forEach((gv, i) => {
      const g = gv + wd * w[i]!;
      s[i] = alpha * s[i]! + (1 - alpha) * g * g;
      let avg: number;
      if (centered) {
        a[i] = alpha * a[i]! + (1 - alpha) * g;
        avg = Math.sqrt(s[i]! - a[i]! * a[i]!) + eps;
      } else {
        avg = Math.sqrt(s[i]!) + eps;
      }
      if (momentum > 0) {
        b[i] = momentum * b[i]! + g / avg;
        w[i]! -= lr * b[i]!;
      } else {
        w[i]! -= (lr * g) / avg;
      }
    });
  };
}

export function adamRule(
  lr: number,
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
  wd = 0,
  amsgrad = false,
  decoupled = false,
): Rule {
  let m: Float64Array | null = null;
  let v: Float64Array | null = null;
  let vmax: Float64Array | null = null;
  return (w, g0, t) => {
    m ??= new Float64Array(w.length);
    v ??= new Float64Array(w.length);
    vmax ??= new Float64Array(w.length);
    const [mm, vv, vm] = [m, v, vmax];
    g0.forEach((gv, i) => {
      let g = gv;
      if (decoupled) w[i]! *= 1 - lr * wd;
      else g += wd * w[i]!;
      mm[i] = b1 * mm[i]! + (1 - b1) * g;
      vv[i] = b2 * vv[i]! + (1 - b2) * g * g;
      const bc1 = 1 - b1 ** t;
      const bc2 = 1 - b2 ** t;
      let vUse = vv[i]!;
      if (amsgrad) {
        vm[i] = Math.max(vm[i]!, vv[i]!);
        vUse = vm[i]!;
      }
      w[i]! -= ((lr / bc1) * mm[i]!) / (Math.sqrt(vUse) / Math.sqrt(bc2) + eps);
    });
  };
}
