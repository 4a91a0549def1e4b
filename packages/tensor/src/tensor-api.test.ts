// The Tensor API of issue 16 item 7 (select, maskedFill, sort, topk, cumsum, cumprod, split, repeat,
// flip, roll, diag, tril, lerp, clampTensor, norm, einsum, any/all, nonzero, unique) against PyTorch
// (scripts/torch-fixtures-api.py: float64 references, gradients under a non-uniform cotangent), plus
// gradcheck, errors and memory. Tolerance as in torch-reference.test.ts: 1e-6 absolute + 2e-5 relative.
import { describe, expect, it } from 'vitest';
import { torchApiFixtures as T } from './fixtures/torch-api.generated.js';
import {
  arange,
  einsum,
  gradcheck,
  manualSeed,
  memory,
  randn,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from './index.js';

type Nested = number | readonly Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? (v as Nested[]).flatMap(flat) : [v as number]);

function expectClose(label: string, got: ArrayLike<number>, want: Nested): void {
  const w = flat(want);
  expect(got.length, `${label}: length`).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    const g = got[i]!;
    if (!(Math.abs(g - w[i]!) <= 1e-6 + 2e-5 * Math.abs(w[i]!)))
      throw new Error(`${label}[${i}]: ${g}, PyTorch ${w[i]}`);
  }
}

const mask = () => tensor(T.mask as unknown as number[][], { dtype: 'int32' });
const ties = () => tensor(T.ties as unknown as number[][]);
const input = (name: keyof typeof T.inputs) => tensor(T.inputs[name] as unknown as number[][]);

/** The same functions as the fixture script, in Myelin's API, keyed by the same case names. */
const OPS: Record<keyof typeof T.cases, (...xs: Tensor[]) => Tensor> = {
  t: (a) => a!.t(),
  'select dim 1 index -1': (a) => a!.select(1, -1),
  'select dim 0 of batch': (b) => b!.select(0, 1),
  maskedFill: (a) => a!.maskedFill(mask(), -3.5),
  'topk 2 dim 1 values': (a) => a!.topk(2, { dim: 1 })[0],
  'topk 2 smallest dim 0 values': (a) => a!.topk(2, { dim: 0, largest: false })[0],
  'sort dim 1 values': (a) => a!.sort({ dim: 1 })[0],
  'sort descending dim 0 values': (a) => a!.sort({ dim: 0, descending: true })[0],
  'cumsum dim 1': (a) => a!.cumsum(1),
  'cumsum dim 0 of batch': (b) => b!.cumsum(0),
  'cumprod dim 1': (x) => x!.cumprod(1),
  'cumprod dim 1 with zeros': (x) => x!.cumprod(1),
  'cumprod dim 0 with zeros': (x) => x!.cumprod(0),
  'split sizes [1, 3] dim 1, second': (a) => a!.split([1, 3], 1)[1]!,
  'chunk 2 dim 0, first': (a) => a!.chunk(2, 0)[0]!,
  'repeat 2,1,2': (a) => a!.repeat(2, 1, 2),
  'tile [2]': (a) => a!.tile([2]),
  'flip [0, 1]': (a) => a!.flip([0, 1]),
  'roll 1 dim 1': (a) => a!.roll(1, 1),
  'roll [-1, 2] dims [0, 1]': (a) => a!.roll([-1, 2], [0, 1]),
  'roll flattened 5': (a) => a!.roll(5),
  outer: (u, v) => u!.outer(v!),
  'diag vector': (v) => v!.diag(),
  'diag vector offset 1': (v) => v!.diag(1),
  'diag vector offset -2': (v) => v!.diag(-2),
  'diag matrix offset 1': (a) => a!.diag(1),
  'diag matrix offset -1': (a) => a!.diag(-1),
  tril: (a) => a!.tril(),
  'tril -1 batch': (b) => b!.tril(-1),
  'triu 1': (a) => a!.triu(1),
  'lerp tensor weight': (a, b, w) => a!.lerp(b!, w!),
  'lerp scalar weight': (a, b) => a!.lerp(b!, 0.3),
  'clamp tensor bounds': (a, lo, hi) => a!.clampTensor(lo, hi),
  norm: (a) => a!.norm(),
  'norm p 1 dim 1 keepDim': (a) => a!.norm(1, 1, { keepDim: true }),
  'norm p 3 dim 0': (a) => a!.norm(3, 0),
  'einsum ij,jk->ik': (a, m) => einsum('ij,jk->ik', a!, m!),
  'einsum bij,bjk->bik': (b, m) => einsum('bij,bjk->bik', b!, m!),
  'einsum ij->ji': (a) => einsum('ij->ji', a!),
  'einsum ii (trace)': (s) => einsum('ii', s!),
  'einsum ii->i (diagonal)': (s) => einsum('ii->i', s!),
  'einsum i,j->ij (outer)': (u, v) => einsum('i,j->ij', u!, v!),
  'einsum bij->j (sum)': (b) => einsum('bij->j', b!),
  'einsum ij,ij->i (row dots)': (a, b) => einsum('ij,ij->i', a!, b!),
  'einsum implicit ij,jk': (a, m) => einsum('ij,jk', a!, m!),
  'einsum i,ij,j-> (bilinear)': (u, a, v) => einsum('i,ij,j->', u!, a!, v!),
  'einsum bij,bkj->bik': (b, c) => einsum('bij,bkj->bik', b!, c!),
};

describe('Tensor API against PyTorch (outputs and gradients of every input)', () => {
  for (const [name, ref] of Object.entries(T.cases)) {
    it(name, () => {
      const inputs = ref.inputs.map((n) => input(n as keyof typeof T.inputs).requiresGrad_());
      const out = OPS[name as keyof typeof T.cases](...inputs);
      expect(out.shape, `${name}: shape`).toEqual(ref.shape);
      expectClose(`${name} output`, out.data(), ref.output as Nested);
      out.backward(tensor([...ref.cotangent], { shape: [...ref.shape] }));
      inputs.forEach((x, i) => {
        expectClose(`${name} grad of ${ref.inputs[i]}`, x.grad!.data(), ref.grads[i] as Nested);
      });
    });
  }
});

describe('Tensor API values without a gradient against PyTorch', () => {
  const V = T.values;
  const same = (got: Tensor, want: Nested) => expect(got.toArray()).toEqual(want);
  it('topk, sort and argsort indices (stable on ties, as PyTorch with stable: true)', () => {
    same(input('a').topk(2, { dim: 1 })[1], V['topk 2 dim 1 indices']);
    same(input('a').topk(2, { dim: 0, largest: false })[1], V['topk 2 smallest dim 0 indices']);
    same(input('a').sort({ dim: 1 })[1], V['sort dim 1 indices']);
    same(input('a').sort({ dim: 0, descending: true })[1], V['sort descending dim 0 indices']);
    same(ties().argsort({ dim: 1, stable: true }), V['argsort stable ties']);
    same(ties().argsort({ dim: 1, descending: true }), V['argsort stable descending ties']);
    expect(input('a').topk(2)[1].dtype).toBe('int32');
  });
  it('any, all, nonzero, unique', () => {
    same(ties().any(1), V['any dim 1']);
    same(input('withZero').all(0), V['all dim 0']);
    same(zeros([3]).any(), V['any all']);
    same(input('withZero').nonzero(), V.nonzero);
    const [values, inverse, counts] = ties().unique({ returnInverse: true, returnCounts: true }) as Tensor[];
    same(values!, V['unique values']);
    same(inverse!, V['unique inverse']);
    same(counts!, V['unique counts']);
  });
});

describe('Tensor API: gradcheck on random and non-contiguous inputs', () => {
  manualSeed(3);
  const x = () => randn([3, 5], { requiresGrad: true });
  const cases: [string, (t: Tensor) => Tensor][] = [
    ['select', (t) => t.transpose().select(0, 2)],
    ['topk', (t) => t.transpose().topk(2, { dim: 0 })[0]],
    ['sort', (t) => t.sort({ dim: 0, descending: true })[0]],
    ['cumsum', (t) => t.transpose().cumsum(1)],
    ['cumprod', (t) => t.transpose().cumprod(0)],
    ['repeat', (t) => t.repeat(2, 1, 3)],
    ['flip', (t) => t.transpose().flip(0, 1)],
    ['roll', (t) => t.roll([2, -1], [1, 0])],
    ['diagonal', (t) => t.transpose().diag(-1)],
    ['tril', (t) => t.transpose().tril(1)],
    ['maskedFill', (t) => t.maskedFill(t.gt(0.5), 2)],
    ['einsum', (t) => einsum('ij,kj->ik', t, t)],
  ];
  for (const [name, fn] of cases) it(name, () => expect(gradcheck(fn, [x()]).ok).toBe(true));

  it('cumprod gradient with zeros, including a line starting with one and two zeros (PyTorch semantics)', () => {
    const t = tensor(
      [
        [0, 1.5, -0.5, 2],
        [1.2, 0, 0.7, 0],
        [0.9, -1.1, 1.3, 0.6],
      ],
      { requiresGrad: true },
    );
    expect(gradcheck((v) => v.cumprod(1), [t]).ok).toBe(true);
  });

  it('maskedFill with a 0-d tensor value sends it the gradient of the filled places', () => {
    const v = tensor(2, { requiresGrad: true });
    expect(
      gradcheck((a, b) => a!.maskedFill(tensor([1, 0, 1, 1, 0], { dtype: 'int32' }), b!), [x(), v]).ok,
    ).toBe(true);
  });
});

describe('Tensor API: semantics and errors', () => {
  it('views share storage: select, diagonal, split, chunk, t', () => {
    const x = arange(12).reshape(3, 4);
    expect(x.select(0, 1).toArray()).toEqual([4, 5, 6, 7]);
    expect(x.diagonal().toArray()).toEqual([0, 5, 10]);
    expect(x.split(3, 1).map((p) => p.shape)).toEqual([
      [3, 3],
      [3, 1],
    ]);
    expect(
      arange(5)
        .chunk(3)
        .map((p) => p.toArray()),
    ).toEqual([[0, 1], [2, 3], [4]]);
    expect(arange(6).chunk(4).length).toBe(3); // as PyTorch: ceil(6/4) = 2 per piece
    expect(x.t().t().toArray()).toEqual(x.toArray());
    expect(arange(3).t().toArray()).toEqual([0, 1, 2]);
  });

  it('repeat of a 9-D tensor works when few dimensions repeat (only those are interleaved)', () => {
    const x = arange(2).reshape(1, 1, 1, 1, 1, 1, 1, 1, 2);
    const r = x.repeat(1, 1, 1, 1, 1, 1, 1, 2, 3);
    expect(r.shape).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 6]);
    expect(Array.from(r.data())).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('int32 tensors: sort, flip, diag, unique keep the dtype', () => {
    const i = tensor([3, 1, 2], { dtype: 'int32' });
    expect(i.sort()[0].dtype).toBe('int32');
    expect(i.sort()[0].toArray()).toEqual([1, 2, 3]);
    expect(i.flip(0).toArray()).toEqual([2, 1, 3]);
    expect(i.diag().dtype).toBe('int32');
    expect((i.unique() as Tensor).dtype).toBe('int32');
  });

  it('NaN sorts as the largest value; any/all treat NaN as nonzero', () => {
    const x = tensor([1, Number.NaN, -1]);
    expect(x.sort()[0].toArray()).toEqual([-1, 1, Number.NaN]);
    expect(x.topk(1)[1].toArray()).toEqual([1]);
    expect(tensor([Number.NaN]).all().item()).toBe(1);
    expect(zeros([0]).all().item()).toBe(1);
    expect(zeros([0]).any().item()).toBe(0);
  });

  it('tril of an infinite element outside the triangle is 0, not NaN', () => {
    expect(
      tensor([
        [1, Number.POSITIVE_INFINITY],
        [2, 3],
      ])
        .tril()
        .toArray(),
    ).toEqual([
      [1, 0],
      [2, 3],
    ]);
  });

  it('any, all, unique, nonzero and the indices give no gradient', () => {
    const x = randn([2, 3], { requiresGrad: true });
    expect(x.any().requiresGrad).toBe(false);
    expect(x.all(1).requiresGrad).toBe(false);
    expect(x.nonzero().requiresGrad).toBe(false);
    expect(x.topk(1)[1].requiresGrad).toBe(false);
    expect(x.sort()[1].requiresGrad).toBe(false);
    expect(x.argsort().requiresGrad).toBe(false);
    expect((x.unique() as Tensor).requiresGrad).toBe(false);
  });

  it('bad input gets errors in the method’s own name', () => {
    const x = arange(6).reshape(2, 3);
    expect(() => x.select(1, 3)).toThrow(
      'select: index 3 is out of range for dimension 1 of size 3 (expected -3..2)',
    );
    expect(() => x.select(2, 0)).toThrow(/^select: dimension 2 is out of range/);
    expect(() => x.topk(4)).toThrow('topk: k = 4 is out of range for dimension 1 of size 3 (expected 0..3)');
    expect(() => x.sort({ descending: 'yes' } as never)).toThrow(
      "sort: descending must be a boolean, got the string 'yes'",
    );
    expect(() => x.sort({ dimension: 0 } as never)).toThrow(/sort: unknown option 'dimension'/);
    expect(() => x.split([1, 1], 1)).toThrow(
      'split: the sizes [1,1] add up to 2, but dimension 1 has size 3',
    );
    expect(() => x.chunk(0)).toThrow('chunk: chunks must be a positive integer, got 0');
    expect(() => x.repeat(2)).toThrow(/repeat: got 1 repeat counts for a tensor with 2 dimensions/);
    expect(() => x.flip(0, 0)).toThrow(/flip: dims .* repeat a dimension/);
    expect(() => x.roll([1, 2], 0)).toThrow('roll: got 2 shifts for 1 dims (give one shift per dimension)');
    expect(() => x.outer(x)).toThrow('outer: expected two 1-D tensors, got shapes [2,3] and [2,3]');
    expect(() => arange(24).reshape(2, 3, 4).diag()).toThrow(
      'diag: expected a 1-D or 2-D tensor, got shape [2,3,4]',
    );
    expect(() => arange(24).reshape(2, 3, 4).t()).toThrow(/^t: expected a tensor with at most 2 dimensions/);
    expect(() => arange(3).tril()).toThrow(
      'tril: expected a tensor with at least 2 dimensions, got shape [3]',
    );
    expect(() => x.maskedFill(zeros([3, 3]), 0)).toThrow(/^maskedFill: /);
    expect(() => x.maskedFill(zeros([3]), 'a' as never)).toThrow(
      "maskedFill: value must be a number or a 0-d tensor, got the string 'a'",
    );
    expect(() => x.clampTensor()).toThrow('clampTensor: give at least one of min and max');
    expect(() => x.clampTensor(zeros([2]))).toThrow(
      /^clampTensor: shapes \[2,3\] and \[2\] cannot be broadcast/,
    );
    expect(() => x.lerp(x, zeros([4]))).toThrow(/^lerp: shapes \[2,3\] and \[4\] cannot be broadcast/);
    expect(() => x.lerp(x, 'half' as never)).toThrow(
      "lerp: weight must be a number or a tensor, got the string 'half'",
    );
    expect(() => x.any(0, { keepDim: 1 } as never)).toThrow('any: keepDim must be a boolean, got 1');
    expect(() => x.norm(2, 0, { keepdim: true } as never)).toThrow(/norm: unknown option 'keepdim'/);
    expect(() => x.cumsum(2)).toThrow(/^cumsum: dimension 2 is out of range/);
    expect(() => x.norm('nuc' as never)).toThrow("norm: p must be a number or 'fro', got the string 'nuc'");
    expect(() => x.unique({ sorted: 1 } as never)).toThrow('unique: sorted must be a boolean, got 1');
  });

  it('einsum: errors for unsupported or inconsistent equations', () => {
    const a = zeros([2, 3]);
    expect(() => einsum('...ij->ij', a)).toThrow(/einsum: ellipsis \('...'\) is not supported/);
    expect(() => einsum('ij,jk->ik', a, a)).toThrow("einsum: subscript 'j' has size 3 and 2 in 'ij,jk->ik'");
    expect(() => einsum('ij->ik', a)).toThrow(
      "einsum: the output subscript 'k' in 'ij->ik' appears in no operand",
    );
    expect(() => einsum('ijk', a)).toThrow(
      "einsum: operand 0 has shape [2,3] but subscripts 'ijk' (3 dimensions)",
    );
    expect(() => einsum('ij,jk', a)).toThrow(/has 2 operand subscripts but 1 operands were given/);
    expect(() => einsum('i1', a)).toThrow(/invalid subscript '1'/);
    expect(() => einsum('ij->ii', a)).toThrow(/appears more than once/);
  });

  it('memory stays flat over repeated tidy’d forward and backward steps', () => {
    const w = randn([4, 5], { requiresGrad: true });
    const step = () =>
      tidy(() => {
        const s = w.sort({ dim: 1 })[0].cumsum(1).cumprod(0).topk(3)[0];
        const e = einsum(
          'ij,kj->ik',
          w.flip(0).roll(1, 1).repeat(1, 2).slice(1, 0, 5),
          w.tril().lerp(w.triu(), 0.5),
        );
        const y = s
          .sum()
          .add(e.diag().sum())
          .add(w.select(0, 1).outer(w.select(1, 2)).sum())
          .add(w.norm());
        y.backward();
        w.any();
        w.unique({ returnCounts: true });
        w.nonzero();
        w.grad!.dispose();
        w.grad = null;
      });
    step();
    const before = memory();
    for (let i = 0; i < 10; i++) step();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});
