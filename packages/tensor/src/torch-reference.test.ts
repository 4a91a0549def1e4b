// Every op's forward value and gradient checked against PyTorch itself (scripts/torch-fixtures.py; the
// generated file is committed, so no Python is needed at test time). Each case computes the op on
// fixed inputs, then backward of Σ output·cotangent with a non-uniform cotangent, and compares the
// output and the gradient of every input. PyTorch computes in float64 from the float32-rounded
// inputs, so the tolerance measures Myelin's float32 error alone: 1e-6 absolute + 2e-5 relative.
import { describe, expect, it } from 'vitest';
import { torchFixtures as T } from './fixtures/torch.generated.js';
import { cat, linalg, stack, type Tensor, tensor, where } from './index.js';

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

const index = (name: keyof typeof T.intInputs) =>
  tensor(T.intInputs[name] as unknown as number[][], { dtype: 'int32' });

/** The same functions as the fixture script, in Myelin's API, keyed by the same case names. */
const OPS: Record<keyof typeof T.cases, (...xs: Tensor[]) => Tensor> = {
  'add broadcast row': (a, r) => a!.add(r!),
  'sub broadcast column': (a, c) => a!.sub(c!),
  'mul broadcast both': (c, r) => c!.mul(r!),
  'div broadcast column': (a, c) => a!.div(c!),
  'pow scalar exponent': (p) => p!.pow(2.5),
  'pow tensor exponent': (p, r) => p!.pow(r!),
  neg: (a) => a!.neg(),
  exp: (a) => a!.exp(),
  log: (p) => p!.log(),
  sqrt: (p) => p!.sqrt(),
  reciprocal: (p) => p!.reciprocal(),
  square: (a) => a!.square(),
  abs: (a) => a!.abs(),
  clamp: (a) => a!.clamp(-0.5, 0.8),
  maximum: (a, r) => a!.maximum(r!),
  minimum: (a, c) => a!.minimum(c!),
  where: (a, r) => where(a!.gt(0), a!, r!.mul(2)),
  relu: (a) => a!.relu(),
  sigmoid: (a) => a!.sigmoid(),
  tanh: (a) => a!.tanh(),
  leakyRelu: (a) => a!.leakyRelu(0.1),
  elu: (a) => a!.elu(0.7),
  selu: (a) => a!.selu(),
  softsign: (a) => a!.softsign(),
  'sum dim 1': (a) => a!.sum(1),
  'sum dims 0,2 keepDim': (b) => b!.sum([0, 2], true),
  'mean dim 0': (a) => a!.mean(0),
  'mean all': (b) => b!.mean(),
  'max dim 1': (a) => a!.max(1),
  'min dim 0 keepDim': (a) => a!.min(0, true),
  'max all': (b) => b!.max(),
  'var dim 1': (a) => a!.var(1),
  'var dim 0 correction 0': (a) => a!.var(0, { correction: 0 }),
  'std dims 1,2': (b) => b!.std([1, 2]),
  'logSumExp dim 1': (a) => a!.logSumExp(1),
  'softmax dim 0': (a) => a!.softmax(0),
  'logSoftmax dim -1': (b) => b!.logSoftmax(-1),
  'matmul 2-D': (a, m) => a!.matmul(m!),
  'matmul batched broadcast': (b, m) => b!.matmul(m!),
  'matmul matrix-vector': (a, r) => a!.matmul(r!),
  'matmul vector-matrix': (v, a) => v!.matmul(a!),
  'transpose then reshape': (a) => a!.transpose(0, 1).reshape(2, 6),
  permute: (b) => b!.permute(2, 0, 1).mul(1),
  'slice with step': (a) => a!.slice(1, 1, 4, 2),
  expand: (c) => c!.expand(3, 5),
  'unsqueeze, squeeze': (a) => a!.unsqueeze(1).squeeze(1).unsqueeze(0),
  'cat dim 1': (a, c) => cat([a!, c!], 1),
  'stack dim 1': (a, p) => stack([a!, p!], 1),
  'gather dim 1': (a) => a!.gather(1, index('gatherIndex')),
  'indexSelect dim 0 repeated': (a) => a!.indexSelect(0, index('selectIndex')),
  'vectorNorm ord 2 dim 1': (a) => linalg.vectorNorm(a!, 2, 1),
  'vectorNorm ord 1': (a) => linalg.vectorNorm(a!, 1),
  'vectorNorm ord 3 dim 0': (a) => linalg.vectorNorm(a!, 3, 0),
  det: (s) => linalg.det(s!),
  inv: (s) => linalg.inv(s!),
  solve: (s, b) => linalg.solve(s!, b!),
  cholesky: (s) => linalg.cholesky(s!),
  'qr tall Q': (t) => linalg.qr(t!).Q,
  'qr tall R': (t) => linalg.qr(t!).R,
  'qr wide Q': (a) => linalg.qr(a!).Q,
  'qr wide R': (a) => linalg.qr(a!).R,
  'eigh eigenvalues': (s) => linalg.eigh(s!.add(s!.transpose()).div(2)).eigenvalues,
  'eigh eigenvectors squared': (s) => linalg.eigh(s!.add(s!.transpose()).div(2)).eigenvectors.square(),
  'svd S': (a) => linalg.svd(a!).S,
  'svd tall rank one': (t) => {
    const { U, S, Vh } = linalg.svd(t!);
    return U.slice(1, 0, 1)
      .mul(S.slice(0, 0, 1))
      .matmul(Vh.slice(0, 0, 1));
  },
  'svd U squared': (a) => linalg.svd(a!).U.square(),
  'svd tall Vh squared': (t) => linalg.svd(t!).Vh.square(),
};

describe('tensor ops against PyTorch (outputs and gradients of every input)', () => {
  for (const [name, ref] of Object.entries(T.cases)) {
    it(name, () => {
      const inputs = ref.inputs.map((n) =>
        tensor(T.inputs[n as keyof typeof T.inputs] as unknown as number[][], { requiresGrad: true }),
      );
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
