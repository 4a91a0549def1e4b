import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, rand, randn, type Tensor, tensor, where } from './index.js';

/** Elementwise reference check: `got` against `ref` applied to float64 copies of the inputs. */
function expectValues(got: Tensor, want: number[], rel = 0, abs = 0): void {
  const values = Array.from(got.data());
  expect(values.length).toBe(want.length);
  values.forEach((v, i) => {
    const w = Math.fround(want[i]!);
    if (Number.isNaN(w)) expect(v).toBeNaN();
    else if (!Number.isFinite(w)) expect(v).toBe(w);
    else if (Math.abs(v - w) > abs + rel * Math.abs(w))
      throw new Error(`element ${i}: ${v}, expected ${w} (rel ${rel}, abs ${abs})`);
  });
}

const flat = (t: Tensor) => Array.from(t.data());

describe('elementwise forward', () => {
  manualSeed(1);
  const sizes = [1, 3, 4, 5, 8, 17, 33];

  const binary: [string, (a: Tensor, b: Tensor | number) => Tensor, (a: number, b: number) => number][] = [
    ['add', (a, b) => a.add(b), (a, b) => a + b],
    ['sub', (a, b) => a.sub(b), (a, b) => a - b],
    ['mul', (a, b) => a.mul(b), (a, b) => a * b],
    ['div', (a, b) => a.div(b), (a, b) => a / b],
    ['maximum', (a, b) => a.maximum(b), Math.max],
    ['minimum', (a, b) => a.minimum(b), Math.min],
  ];
  for (const [name, op, ref] of binary) {
    it(`${name}: same shape at SIMD-tail sizes, broadcasting, and non-contiguous operands`, () => {
      for (const n of sizes) {
        const a = randn([n]);
        const b = randn([n]);
        expectValues(
          op(a, b),
          flat(a).map((x, i) => ref(x, flat(b)[i]!)),
        );
      }
      const a = randn([3, 1, 5]);
      const b = randn([4, 5]);
      const got = op(a, b);
      expect(got.shape).toEqual([3, 4, 5]);
      const av = flat(a);
      const bv = flat(b);
      const want: number[] = [];
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++)
          for (let k = 0; k < 5; k++) want.push(ref(av[i * 5 + k]!, bv[j * 5 + k]!));
      expectValues(got, want);
      const t = randn([5, 3]).transpose(); // non-contiguous [3, 5]
      const u = randn([3, 5]);
      const tv = t.toArray() as number[][];
      expectValues(
        op(t, u),
        tv.flat().map((x, i) => ref(x, flat(u)[i]!)),
      );
      expectValues(
        op(t, 2.5),
        tv.flat().map((x) => ref(x, 2.5)),
      );
    });
  }

  it('pow: tensor and scalar exponents, with C special cases', () => {
    const a = tensor([2, 3, 0.5, 4]);
    expectValues(a.pow(2), [4, 9, 0.25, 16]);
    expectValues(a.pow(tensor([3, 0.5, -1, 0])), [8, Math.sqrt(3), 2, 1], 1e-6);
    expectValues(tensor([-2, -2, 0]).pow(tensor([3, 0.5, 0])), [-8, Number.NaN, 1], 1e-6);
  });

  it('unary math and activations against float64 references (approximated ones to 4e-7 relative)', () => {
    const x = tensor([-3, -1, -0.25, 0, 0.25, 1, 3, 10]);
    const v = flat(x);
    const cases: [string, Tensor, (x: number) => number][] = [
      ['neg', x.neg(), (u) => -u],
      ['abs', x.abs(), Math.abs],
      ['sign', x.sign(), Math.sign],
      ['exp', x.exp(), Math.exp],
      ['square', x.square(), (u) => u * u],
      ['relu', x.relu(), (u) => Math.max(u, 0)],
      ['sigmoid', x.sigmoid(), (u) => 1 / (1 + Math.exp(-u))],
      ['tanh', x.tanh(), Math.tanh],
      ['leakyRelu', x.leakyRelu(0.1), (u) => (u < 0 ? Math.fround(0.1) * u : u)],
      ['elu', x.elu(), (u) => (u > 0 ? u : Math.expm1(u))],
      ['selu', x.selu(), (u) => 1.0507009873554805 * (u > 0 ? u : 1.6732632423543772 * Math.expm1(u))],
      ['softsign', x.softsign(), (u) => u / (1 + Math.abs(u))],
      ['step', x.step(), (u) => (u > 0 ? 1 : 0)],
      ['expm1', x.expm1(), Math.expm1],
      ['clamp', x.clamp(-1, 1), (u) => Math.min(Math.max(u, -1), 1)],
    ];
    for (const [name, got, ref] of cases) {
      try {
        expectValues(got, v.map(ref), 4e-7);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`);
      }
    }
    const positive = tensor([0.5, 1, 2, 100]);
    expectValues(positive.log(), flat(positive).map(Math.log), 2e-7);
    expectValues(positive.sqrt(), flat(positive).map(Math.sqrt));
    expectValues(
      positive.reciprocal(),
      flat(positive).map((u) => 1 / u),
    );
    expectValues(positive.log1p(), flat(positive).map(Math.log1p), 2e-7);
  });

  it('comparisons give float32 1/0 and never require grad', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([2, 2, 2]);
    expect(flat(a.gt(b))).toEqual([0, 0, 1]);
    expect(flat(a.ge(b))).toEqual([0, 1, 1]);
    expect(flat(a.lt(2))).toEqual([1, 0, 0]);
    expect(flat(a.le(2))).toEqual([1, 1, 0]);
    expect(flat(a.eq(b))).toEqual([0, 1, 0]);
    expect(flat(a.ne(b))).toEqual([1, 0, 1]);
    expect(a.gt(b).requiresGrad).toBe(false);
    expect(a.gt(b).dtype).toBe('float32');
  });

  it('where broadcasts condition and both branches', () => {
    const cond = tensor([[1], [0]]);
    expect(where(cond, tensor([1, 2, 3]), -1).toArray()).toEqual([
      [1, 2, 3],
      [-1, -1, -1],
    ]);
  });

  it('errors name the op, the shapes and what was expected', () => {
    expect(() => tensor([1, 2, 3]).add(tensor([1, 2]))).toThrow(
      'add: shapes [3] and [2] cannot be broadcast together (dimension -1: 3 vs 2)',
    );
    expect(() => tensor([1], { dtype: 'int32' }).exp()).toThrow(
      /exp: expected a float32 tensor, got int32 .*\.float\(\)/,
    );
    expect(() => tensor([1]).clamp(2, 1)).toThrow(/clamp: min 2 is greater than max 1/);
    expect(() => tensor([1]).add('x' as never)).toThrow(/add: expected a tensor or a number/);
  });

  it('int and float casts', () => {
    expect(Array.from(tensor([1.7, -1.7, 3]).int().data())).toEqual([1, -1, 3]);
    expect(tensor([1, 2], { dtype: 'int32' }).float().dtype).toBe('float32');
  });
});

describe('elementwise gradients (gradcheck against finite differences)', () => {
  manualSeed(2);
  const x = () => randn([3, 4], { requiresGrad: true });
  const positive = () => rand([3, 4]).add(0.5).requiresGrad_();
  // Inputs are kept away from kinks (relu at 0, clamp bounds, abs at 0) by construction or luck of
  // the seed; each case is deterministic under manualSeed.
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ['add with broadcasting', () => [x(), randn([4], { requiresGrad: true })], (a, b) => a!.add(b!)],
    ['sub with broadcasting', () => [x(), randn([3, 1], { requiresGrad: true })], (a, b) => a!.sub(b!)],
    ['mul with broadcasting', () => [x(), randn([1, 4], { requiresGrad: true })], (a, b) => a!.mul(b!)],
    ['div', () => [x(), positive()], (a, b) => a!.div(b!)],
    ['div by scalar', () => [x()], (a) => a!.div(3)],
    ['pow tensor^tensor', () => [positive(), randn([3, 4], { requiresGrad: true })], (a, b) => a!.pow(b!)],
    ['pow scalar exponent', () => [positive()], (a) => a!.pow(2.5)],
    ['maximum', () => [x(), randn([3, 4], { requiresGrad: true })], (a, b) => a!.maximum(b!)],
    ['minimum', () => [x(), randn([3, 4], { requiresGrad: true })], (a, b) => a!.minimum(b!)],
    ['exp', () => [x()], (a) => a!.exp()],
    ['log', () => [positive()], (a) => a!.log()],
    ['sqrt', () => [positive()], (a) => a!.sqrt()],
    ['reciprocal', () => [positive()], (a) => a!.reciprocal()],
    ['square', () => [x()], (a) => a!.square()],
    ['sigmoid', () => [x()], (a) => a!.sigmoid()],
    ['tanh', () => [x()], (a) => a!.tanh()],
    ['relu', () => [x()], (a) => a!.relu()],
    ['leakyRelu', () => [x()], (a) => a!.leakyRelu(0.2)],
    ['elu', () => [x()], (a) => a!.elu(0.7)],
    ['selu', () => [x()], (a) => a!.selu()],
    ['softsign', () => [x()], (a) => a!.softsign()],
    ['abs', () => [x()], (a) => a!.abs()],
    ['neg', () => [x()], (a) => a!.neg()],
    ['expm1', () => [x()], (a) => a!.expm1()],
    ['log1p', () => [positive()], (a) => a!.log1p()],
    ['clamp', () => [x()], (a) => a!.clamp(-0.5, 0.5)],
    ['where', () => [x(), randn([3, 4], { requiresGrad: true })], (a, b) => where(a!.gt(0), a!, b!.mul(2))],
    [
      'transposed (non-contiguous) input',
      () => [randn([4, 3], { requiresGrad: true })],
      (a) => a!.transpose().mul(2).exp(),
    ],
  ];
  for (const [name, inputs, fn] of cases) {
    it(name, () => {
      expect(gradcheck(fn, inputs()).ok).toBe(true);
    });
  }

  it('maximum splits the gradient equally on ties (as PyTorch)', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([1, 3], { requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(flat(a.grad!)).toEqual([0.5, 0]);
    expect(flat(b.grad!)).toEqual([0.5, 1]);
  });

  it('sign and step have zero gradients', () => {
    const a = tensor([1, -2], { requiresGrad: true });
    a.sign().add(a.step()).sum().backward();
    expect(flat(a.grad!)).toEqual([0, 0]);
  });
});
