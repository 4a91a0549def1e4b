import { type Tensor, zeros } from '@myelin/tensor';
import * as init from '../init.js';
import { Module } from '../module.js';
import { checkOptions, requireBoolean, requireInteger, requireTensor } from '../validate.js';

/** x·Wᵀ + b (b optional), shared with nn.functional.linear. */
export function affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const y = x.matmul(weight.transpose());
  return bias === null ? y : y.add(bias);
}

/**
 * Fully connected layer y = x·Wᵀ + b with W of shape [outFeatures, inFeatures] (PyTorch's layout),
 * initialised as PyTorch does: W ~ U(−1/√in, 1/√in) (Kaiming uniform with a = √5), b likewise.
 * The transposed product runs on the SGEMM kernel without materialising Wᵀ.
 *
 * @example const fc = new Linear(64, 10); fc.forward(randn([32, 64])).shape // [32, 10]
 */
export class Linear extends Module {
  static override readonly layerName = 'Linear';
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    requireInteger('Linear', 'inFeatures', inFeatures, 1);
    requireInteger('Linear', 'outFeatures', outFeatures, 1);
    checkOptions('Linear', options, ['bias']);
    if (options.bias !== undefined) requireBoolean('Linear', 'bias', options.bias);
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
    requireTensor('Linear.forward', 'the input', x, 'float32');
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(
        `Linear.forward: input of shape [${x.shape.join(',')}] does not end in inFeatures = ${this.inFeatures}`,
      );
    }
    return affine(x, this.weight, this.bias);
  }

  protected override describe(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
