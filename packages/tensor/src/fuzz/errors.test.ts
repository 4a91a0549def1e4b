// Fuzzing invalid calls (issue 12, part 3): bad dims, non-integer, negative and absurd sizes,
// mismatched shapes, wrong dtypes, strings/null/objects where numbers or tensors go, out-of-range
// indices. Every such call must throw an Error whose message starts with the called function's
// name (not an engine TypeError such as "x._check is not a function" or "Cannot read
// properties…"); afterwards memory() is back to its baseline and the sentinel tensors created
// beforehand hold their values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange,
  cat,
  eye,
  full,
  linspace,
  memory,
  ones,
  rand,
  randint,
  randn,
  stack,
  type Tensor,
  tensor,
  tidy,
  where,
  zeros,
} from '../index.js';
import { budget, fuzzTimeout, shapeArb } from '../testing/fuzz.js';

/** Messages that mean the engine, not the library, noticed the problem. */
const ENGINE_ERROR =
  /is not a function|Cannot read propert|Cannot set propert|undefined is not|null is not|is not iterable|Maximum call stack|Invalid array length|offset is out of bounds|Cannot convert/;

/** A bad value for an argument, chosen relative to the tensor it is used with. */
type Bad = (x: Tensor) => unknown;

// Symbols and BigInts are checked separately (see FIXED_BUGS below).
const notNumbers: Bad[] = [() => '1', () => null, () => ({}), (x) => [0, x.ndim + 3], () => true];
/** Dimensions that do not exist for x (and non-numbers). */
const badDims: Bad[] = [
  (x) => x.ndim + 3,
  (x) => -x.ndim - 3,
  () => 1.5,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => 2 ** 40,
  ...notNumbers,
];
/** Shapes no tensor can have. */
const badShapes: Bad[] = [
  () => [-2],
  () => [2, -3],
  () => [1.5],
  () => [Number.NaN],
  () => [Number.POSITIVE_INFINITY],
  () => ['2'],
  () => [null],
  () => [{}],
  () => 'abc',
  () => null,
  () => ({}),
];
/** Operands that are neither tensors nor numbers. */
const badOperands: Bad[] = [() => '1', () => null, () => ({}), () => [1, 2], () => true, () => undefined];

interface Case {
  /** The name the error message must start with. */
  name: string;
  bads: Bad[];
  call: (x: Tensor, bad: unknown) => unknown;
}

const any = (v: unknown) => v as never;
const int = (values: number[], shape?: number[]) => tensor(values, { dtype: 'int32', shape });

const CASES: Case[] = [
  // Dimensions.
  ...(['sum', 'mean', 'max', 'min', 'logSumExp'] as const).map(
    (name): Case => ({ name, bads: badDims, call: (x, d) => x[name](any(d)) }),
  ),
  ...(['argmax', 'argmin', 'softmax', 'logSoftmax', 'squeeze'] as const).map(
    (name): Case => ({ name, bads: badDims, call: (x, d) => x[name](any(d)) }),
  ),
  { name: 'var', bads: badDims, call: (x, d) => x.var(any(d)) },
  { name: 'unsqueeze', bads: badDims, call: (x, d) => x.unsqueeze(any(d)) },
  { name: 'transpose', bads: badDims, call: (x, d) => x.reshape(2, -1).transpose(any(d), 0) },
  { name: 'flatten', bads: badDims, call: (x, d) => x.reshape(2, -1).flatten(any(d)) },
  { name: 'slice', bads: badDims, call: (x, d) => x.reshape(2, -1).slice(any(d), 0, 1) },
  { name: 'indexSelect', bads: badDims, call: (x, d) => x.reshape(2, -1).indexSelect(any(d), int([0])) },
  { name: 'gather', bads: badDims, call: (x, d) => x.reshape(2, -1).gather(any(d), int([0], [1, 1])) },
  { name: 'cat', bads: badDims, call: (x, d) => cat([x.reshape(2, -1), x.reshape(2, -1)], any(d)) },
  { name: 'stack', bads: badDims, call: (x, d) => stack([x, x], any(d)) },
  // Sizes and shapes.
  { name: 'rand', bads: badShapes, call: (_, s) => rand(any(s)) },
  { name: 'randn', bads: badShapes, call: (_, s) => randn(any(s)) },
  { name: 'full', bads: badShapes, call: (_, s) => full(any(s), 1) },
  { name: 'randint', bads: badShapes, call: (_, s) => randint(0, 3, any(s)) },
  // shape: null counts as not given.
  {
    name: 'tensor',
    bads: badShapes.filter((b) => b(undefined as never) !== null),
    call: (_, s) => tensor(new Float32Array(4), { shape: any(s) }),
  },
  {
    name: 'reshape',
    bads: [...badShapes.filter((_, i) => i > 0), (x) => [x.size + 1], () => [-1, -1], () => [-2, 2]],
    call: (x, s) => x.reshape(any(s)),
  },
  {
    name: 'expand',
    bads: [...badShapes, (x) => [x.size + 1, 3]],
    call: (x, s) => x.reshape(2, -1).expand(any(s)),
  },
  {
    name: 'permute',
    bads: [
      () => [0, 0],
      () => [0],
      () => [0, 1, 2],
      () => [0, 1.5],
      () => ['0', '1'],
      () => null,
      () => 'ab',
    ],
    call: (x, s) => x.reshape(2, -1).permute(any(s)),
  },
  {
    name: 'arange',
    bads: [...notNumbers, () => Number.NaN, () => Number.POSITIVE_INFINITY],
    call: (_, v) => arange(any(v)),
  },
  {
    name: 'linspace',
    bads: [...notNumbers, () => -1, () => 1.5, () => Number.NaN],
    call: (_, v) => linspace(0, 1, any(v)),
  },
  { name: 'eye', bads: [...notNumbers, () => -1, () => 1.5, () => Number.NaN], call: (_, v) => eye(any(v)) },
  // Operands that are not tensors or numbers.
  ...(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'gt', 'eq'] as const).map(
    (name): Case => ({ name, bads: badOperands, call: (x, o) => x[name](any(o)) }),
  ),
  { name: 'fill_', bads: badOperands, call: (x, o) => x.clone().fill_(any(o)) },
  { name: 'copy_', bads: badOperands, call: (x, o) => x.clone().copy_(any(o)) },
  { name: 'clamp', bads: notNumbers, call: (x, o) => x.clamp(any(o)) },
  { name: 'full', bads: notNumbers, call: (_, v) => full([2], any(v)) },
  // Mismatched shapes.
  {
    name: 'add',
    bads: [() => zeros([3, 1]), () => zeros([5, 3, 1])],
    call: (x, o) => x.reshape(2, -1).add(any(o)),
  },
  {
    name: 'add_',
    bads: [(x) => zeros([3, ...x.shape]), (x) => zeros([x.size + 1])],
    call: (x, o) => x.clone().add_(any(o)),
  },
  { name: 'copy_', bads: [(x) => zeros([x.size + 1])], call: (x, o) => x.clone().copy_(any(o)) },
  {
    name: 'matmul',
    bads: [(x) => zeros([x.size / 2 + 1, 2]), (x) => zeros([x.size / 2 + 1]), () => tensor(3)],
    call: (x, o) => x.reshape(2, -1).matmul(any(o)),
  },
  { name: 'cat', bads: [(x) => zeros([3, x.size + 1])], call: (x, o) => cat([x.reshape(2, -1), any(o)], 0) },
  { name: 'stack', bads: [(x) => zeros([x.size + 1])], call: (x, o) => stack([x.reshape(-1), any(o)]) },
  { name: 'where', bads: [(x) => ones([x.size + 1])], call: (x, c) => where(any(c), x.reshape(-1), 0) },
  { name: 'item', bads: [() => 0], call: (x) => x.item() },
  // Wrong dtypes.
  {
    name: 'tensor',
    bads: [() => 'float64', () => 'int64', () => 1, () => ({})],
    call: (_, d) => tensor([1], { dtype: any(d) }),
  },
  // (int32 sum and arithmetic are supported since issue 16 #3: see integer.test.ts.)
  ...(['matmul', 'softmax', 'exp', 'requiresGrad_'] as const).map(
    (name): Case => ({
      name,
      bads: [() => 0],
      call: (x) => {
        const i = x.int().reshape(2, -1);
        return name === 'matmul' ? i.matmul(i.transpose()) : i[name]();
      },
    }),
  ),
  { name: 'indexSelect', bads: [() => tensor([0])], call: (x, i) => x.indexSelect(0, any(i)) },
  { name: 'gather', bads: [() => tensor([[0]])], call: (x, i) => x.reshape(2, -1).gather(0, any(i)) },
  { name: 'cat', bads: [(x) => x.int()], call: (x, o) => cat([x, any(o)]) },
  // Out-of-range indices.
  {
    name: 'indexSelect',
    bads: [() => int([2]), () => int([-1]), () => int([0, 1e9]), () => int([-(2 ** 31)])],
    call: (x, i) => x.reshape(2, -1).indexSelect(0, any(i)),
  },
  {
    name: 'gather',
    bads: [(x) => int([x.size], [1, 1]), () => int([-1], [1, 1])],
    call: (x, i) => x.reshape(2, -1).gather(1, any(i)),
  },
];

/**
 * Invalid calls the fuzzer found that do not yet throw a clear error (issue 12 fuzz findings), each
 * with its minimal counterexample. They are left out of the property above and kept here as
 * it.fails, one per defect, until the library is fixed.
 */
/** What this fuzz campaign found and was then fixed: each stays as a regression test. */
const FIXED_BUGS: { name: string; defect: string; call: () => unknown }[] = [
  {
    name: 'std',
    defect:
      "std's errors are named 'var:' (std(5) on a 1-D tensor says \"var: dimension 5 is out of range…\")",
    call: () => arange(3).std(5),
  },
  {
    name: 'rand',
    defect:
      "rand's dtype errors are named 'tensor:' (rand([2], { dtype: 'float16' }) says \"tensor: unsupported dtype…\")",
    call: () => rand([2], { dtype: any('float16') }),
  },
  {
    name: 'view',
    defect: "view's errors are named 'reshape:' (arange(6).view([7]))",
    call: () => arange(6).view([7]),
  },
  {
    name: 'zeros',
    defect: 'zeros/ones errors are named \'full:\' (zeros([-2]) says "full: invalid shape [-2]…")',
    call: () => zeros([-2]),
  },
  {
    name: 'ones',
    defect: "ones' errors are named 'full:' (ones('abc'))",
    call: () => ones(any('abc')),
  },
  {
    name: 'full',
    defect:
      'a huge shape leaks an internal name: full([2**31, 2**31], 1) says "kernels-wasm allocate: out of memory…"',
    call: () => full([2 ** 31, 2 ** 31], 1),
  },
  {
    name: 'rand',
    defect:
      'a huge shape gives the engine\'s "Invalid typed array length" (rand([2**31, 2**31]); also randn, randint)',
    call: () => rand([2 ** 31, 2 ** 31]),
  },
  {
    name: 'add_',
    defect:
      "a non-tensor operand reaches the shape check before the type check: x.add_(null) says \"Cannot read properties of null (reading 'shape')\", x.add_('1') \"…reading 'length'\" (also sub_, mul_, div_)",
    call: () => zeros([2]).add_(any(null)),
  },
  {
    name: 'mul_',
    defect: "x.mul_('1'): \"Cannot read properties of undefined (reading 'length')\"",
    call: () => zeros([2]).mul_(any('1')),
  },
  {
    name: 'matmul',
    defect: 'a non-tensor operand: x.matmul({}) says "b._check is not a function"',
    call: () => zeros([2, 2]).matmul(any({})),
  },
  {
    name: 'where',
    defect:
      "a non-tensor, non-number operand: where(c, '1', x) says \"Cannot read properties of undefined (reading 'join')\"",
    call: () => where(zeros([2]), any('1'), zeros([2])),
  },
  {
    name: 'cat',
    defect: 'a non-tensor in the list: cat([x, 1]) says "t._check is not a function"',
    call: () => cat([zeros([2]), any(1)]),
  },
  {
    name: 'cat',
    defect:
      'a non-list: cat(null) says "Cannot read properties of null (reading \'length\')", cat({}) "tensors is not iterable" (stack too)',
    call: () => cat(any(null)),
  },
  {
    name: 'leakyRelu',
    defect:
      "a non-number slope is accepted silently: x.leakyRelu('1'), leakyRelu(null), leakyRelu({}) return a tensor",
    call: () => zeros([2]).leakyRelu(any('1')),
  },
  {
    name: 'leakyRelu',
    defect: 'a BigInt slope: "Cannot convert a BigInt value to a number"',
    call: () => zeros([2]).leakyRelu(any(10n)),
  },
  {
    name: 'unsqueeze',
    defect:
      'a Symbol as a dimension: "Cannot convert a Symbol value to a string" (normalizeDim interpolates it; also transpose, flatten, slice, indexSelect, gather, cat, stack, argmax, arange, linspace, eye)',
    call: () => zeros([2]).unsqueeze(any(Symbol('d'))),
  },
];

describe('invalid calls throw clear errors and corrupt nothing (fuzz, issue 12)', () => {
  it(
    'every invalid call throws an Error naming the function; memory and sentinels are unchanged',
    () => {
      const sentinels = [
        arange(7),
        tensor([
          [1, -2],
          [3, 4],
        ]),
        int([5, 6, 7]),
      ].map((t) => t.keep());
      const sentinelValues = sentinels.map((t) => Array.from(t.data()));
      // x: a float32 tensor with an even number (≥ 2) of elements, of random shape and values.
      const arb = fc.record({
        shape: shapeArb(3, 4, false).filter((s) => s.reduce((a, b) => a * b, 1) % 2 === 0),
        values: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 64, maxLength: 64 }),
        which: fc.nat(),
        pick: fc.nat(),
      });
      fc.assert(
        fc.property(arb, ({ shape, values, which, pick }) => {
          const c = CASES[which % CASES.length]!;
          const before = memory();
          let thrown: unknown;
          tidy(() => {
            const size = shape.reduce((a, b) => a * b, 1);
            const x = tensor(
              Float32Array.from({ length: size }, (_, i) => values[i % 64]!),
              { shape },
            );
            const bad = c.bads[pick % c.bads.length]!(x);
            try {
              c.call(x, bad);
            } catch (error) {
              thrown = error;
            }
          });
          const after = memory();
          expect([after.tensors, after.storages, after.bytes]).toEqual([
            before.tensors,
            before.storages,
            before.bytes,
          ]);
          sentinels.forEach((t, i) => {
            expect(Array.from(t.data())).toEqual(sentinelValues[i]);
          });
          expect(thrown, `${c.name}: no error`).toBeInstanceOf(Error);
          const message = (thrown as Error).message;
          expect(message).not.toMatch(ENGINE_ERROR);
          expect(message.startsWith(`${c.name}: `), message).toBe(true);
        }),
        budget(0x12_0201, 1500),
      );
      for (const t of sentinels) t.dispose();
    },
    fuzzTimeout,
  );

  for (const bug of FIXED_BUGS) {
    it(`fixed: ${bug.defect}`, () => {
      const before = memory().tensors;
      let thrown: unknown;
      tidy(() => {
        try {
          bug.call();
        } catch (error) {
          thrown = error;
        }
      });
      expect(memory().tensors).toBe(before);
      expect(thrown).toBeInstanceOf(Error);
      const message = (thrown as Error).message;
      expect(message).not.toMatch(ENGINE_ERROR);
      expect(message).not.toMatch(/kernels-wasm/);
      expect(message.startsWith(`${bug.name}: `), message).toBe(true);
    });
  }
});
