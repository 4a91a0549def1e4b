import { type Tensor, zeros } from '@myelin/tensor';
import * as init from '../init.js';
import { Module } from '../module.js';

/**
 * Fully connected layer y = x·Wᵀ + b with W of shape [outFeatures, inFeatures] (PyTorch's layout),
 * initialised as PyTorch does: W ~ U(−1/√in, 1/√in) (Kaiming uniform with a = √5), b likewise.
 * The transposed product runs on the SGEMM kernel without materialising Wᵀ.
 *
 * @example const fc = new Linear(64, 10); fc.forward(randn([32, 64])).shape // [32, 10]
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    for (const [name, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`Linear: ${name} must be an integer >= 1, got ${v}`);
    }
    this.weight = this.addParameter(
      'weight',
      init.kaimingUniform(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5) }),
    );
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias =
      options.bias === false
        ? null
        : this.addParameter('bias', init.uniform(zeros([outFeatures]), -bound, bound));
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(
        `Linear: input of shape [${x.shape.join(',')}] does not end in inFeatures = ${this.inFeatures}`,
      );
    }
    const y = x.matmul(this.weight.transpose());
    return this.bias === null ? y : y.add(this.bias);
  }

  protected override describe(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
