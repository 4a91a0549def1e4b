import { kernels } from './runtime.js';
import { noGrad } from './scope.js';
import type { Tensor } from './tensor.js';

/**
 * Rescales the gradients of `params` so that their joint norm is at most `maxNorm` (the remedy for
 * exploding gradients), and returns the norm before clipping, as torch.nn.utils.clip_grad_norm_:
 * scale = maxNorm / (norm + 1e-6), applied when below 1. `normType` 2 (default), Infinity or any p.
 *
 * @example loss.backward(); clipGradNorm(model.parameters(), 1.0); opt.step();
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0))
    throw new RangeError(`clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  const withGrad = [...params].filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;
  const total = noGrad(() => {
    if (normType === 2) {
      let sum = 0;
      for (const p of withGrad) {
        const g = p.grad!;
        sum += g.isContiguous ? kernels.sumSquares(g.dataPointer, g.size) : g.square().sum().item();
      }
      return Math.sqrt(sum);
    }
    if (normType === Infinity)
      return Math.max(...withGrad.map((p) => (p.grad!.size === 0 ? 0 : p.grad!.abs().max().item())));
    let sum = 0;
    for (const p of withGrad) sum += p.grad!.abs().pow(normType).sum().item();
    return sum ** (1 / normType);
  });
  const scale = maxNorm / (total + 1e-6);
  if (scale < 1) {
    noGrad(() => {
      for (const p of withGrad) p.grad = p.grad!.mul(scale);
    });
  }
  return total;
}

/**
 * Clamps every gradient element of `params` into [−clipValue, clipValue].
 *
 * @example clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue: clipValue must be >= 0, got ${clipValue}`);
  noGrad(() => {
    for (const p of params) if (p.grad !== null) p.grad = p.grad.clamp(-clipValue, clipValue);
  });
}
