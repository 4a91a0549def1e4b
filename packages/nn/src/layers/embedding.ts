import { noGrad, randn, type Tensor } from '@myelin/tensor';
import { Module } from '../module.js';

/**
 * A lookup table of `numEmbeddings` trainable vectors of size `embeddingDim`, initialised N(0, 1)
 * as PyTorch. `forward(indices)` (int32, any shape) returns [...indices.shape, embeddingDim]; the
 * gradient scatter-adds into the rows that were looked up (repeated indices accumulate). The
 * `paddingIdx` row starts at zero and receives no gradient.
 *
 * @example const emb = new Embedding(1000, 32); emb.forward(tokenIds) // [batch, seq, 32]
 */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    readonly options: { paddingIdx?: number } = {},
  ) {
    super();
    if (
      !Number.isInteger(numEmbeddings) ||
      numEmbeddings < 1 ||
      !Number.isInteger(embeddingDim) ||
      embeddingDim < 1
    ) {
      throw new RangeError(
        `Embedding: sizes must be integers >= 1, got ${numEmbeddings} and ${embeddingDim}`,
      );
    }
    const { paddingIdx } = options;
    if (
      paddingIdx !== undefined &&
      !(Number.isInteger(paddingIdx) && paddingIdx >= 0 && paddingIdx < numEmbeddings)
    ) {
      throw new RangeError(`Embedding: paddingIdx ${paddingIdx} is not a row in 0..${numEmbeddings - 1}`);
    }
    this.weight = this.addParameter('weight', randn([numEmbeddings, embeddingDim]));
    if (paddingIdx !== undefined) noGrad(() => this.weight.slice(0, paddingIdx, paddingIdx + 1).zero_());
  }

  forward(indices: Tensor): Tensor {
    if (indices.dtype !== 'int32')
      throw new TypeError(`Embedding: indices must be int32, got ${indices.dtype}`);
    const flat = indices.reshape([-1]);
    let rows = this.weight.indexSelect(0, flat);
    const { paddingIdx } = this.options;
    if (paddingIdx !== undefined) {
      // Multiply padding lookups by 0 so that their rows receive no gradient.
      const keep = noGrad(() => flat.float().ne(paddingIdx).unsqueeze(1));
      rows = rows.mul(keep);
    }
    return rows.reshape([...indices.shape, this.embeddingDim]);
  }

  protected override describe(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
