// Measures the maximum relative error of every approximated kernel against float64 Math over dense
// sweeps of its domain and prints a Markdown table (the one in README.md). Run: pnpm accuracy
import { BinaryOp, loadKernels, UnaryOp } from '../dist/index.js';

const kernels = await loadKernels({ variant: 'simd' });
const N = 1_000_000;
const FLT_MIN = 1.1754943508222875e-38;

function sweep(lo, hi, log = false) {
  const x = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const t = i / (N - 1);
    x[i] = log ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
  }
  return x;
}

function measure(values, out, ref) {
  let worst = 0;
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const want = ref(i);
    if (!Number.isFinite(Math.fround(want)) || Math.abs(want) < FLT_MIN) continue;
    const e = Math.abs(out[i] - want) / Math.abs(want);
    if (e > worst) {
      worst = e;
      at = i;
    }
  }
  return { worst, at };
}

const rows = [];
function unary(name, op, domain, ref, alpha = 0) {
  const x = sweep(...domain);
  const p = kernels.allocate(N * 4);
  kernels.f32.set(x, p / 4);
  kernels.unary(op, p, p, N, alpha);
  const out = kernels.f32.slice(p / 4, p / 4 + N);
  kernels.free(p);
  const { worst, at } = measure(x, out, (i) => ref(x[i]));
  rows.push([name, `[${domain[0]}, ${domain[1]}]${domain[2] ? ' (log-spaced)' : ''}`, worst, x[at]]);
}

unary('exp', UnaryOp.Exp, [-87.3, 88.7], Math.exp);
unary('log', UnaryOp.Log, [1e-45, 3.4e38, true], Math.log);
unary('expm1', UnaryOp.Expm1, [-20, 20], Math.expm1);
unary('log1p', UnaryOp.Log1p, [-0.999999, 1e6], Math.log1p);
unary('sigmoid', UnaryOp.Sigmoid, [-87, 40], (x) => 1 / (1 + Math.exp(-x)));
unary('tanh', UnaryOp.Tanh, [-10, 10], Math.tanh);
unary('tanh (small |x|)', UnaryOp.Tanh, [1e-6, 0.7, true], Math.tanh);
unary('elu (x < 0)', UnaryOp.Elu, [-20, 0], (x) => Math.expm1(x), 1);
unary('selu (x < 0)', UnaryOp.Selu, [-20, 0], (x) => 1.0507009873554805 * 1.6732632423543772 * Math.expm1(x));

// pow(a, b) for a in [0.01, 100] (log-spaced) against b in {-3.5 .. 3.5}: exp(b·ln a).
{
  const a = sweep(0.01, 100, true);
  const b = new Float32Array(N);
  for (let i = 0; i < N; i++) b[i] = Math.fround(-3.5 + ((i * 7919) % 701) / 100);
  const pa = kernels.allocate(N * 4);
  const pb = kernels.allocate(N * 4);
  kernels.f32.set(a, pa / 4);
  kernels.f32.set(b, pb / 4);
  kernels.binary(BinaryOp.Pow, pa, pb, pa, N);
  const out = kernels.f32.slice(pa / 4, pa / 4 + N);
  const { worst, at } = measure(a, out, (i) => a[i] ** b[i]);
  rows.push(['pow (tensor exponent)', 'a ∈ [0.01, 100], b ∈ [-3.5, 3.5]', worst, `${a[at]}^${b[at]}`]);
}

const ulp = 2 ** -24;
console.log(
  '| function | domain swept (1M points) | max relative error | in units of u = 2⁻²⁴ | worst input |',
);
console.log('|---|---|---|---|---|');
for (const [name, domain, worst, x] of rows) {
  console.log(`| ${name} | ${domain} | ${worst.toExponential(2)} | ${(worst / ulp).toFixed(1)} | ${x} |`);
}
