// Fused optimizer updates (issue 11 #7): the one place optimizers write parameters, checked first.
import { describe, expect, it } from 'vitest';
import { fusedUpdates, tensor, zeros } from './index.js';

const sgdOptions = { lr: 0.5, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, first: true };

describe('fusedUpdates', () => {
  it('updates in place (SGD: w ← w − lr·g)', () => {
    const w = tensor([1, 2, 3]);
    fusedUpdates.sgd(w, tensor([2, 2, 2]), undefined, sgdOptions);
    expect(w.toArray()).toEqual([0, 1, 2]);
  });

  it('refuses state or gradients that do not match the parameter, before writing anything', () => {
    const w = tensor([1, 2, 3]);
    expect(() => fusedUpdates.sgd(w, tensor([1]), undefined, sgdOptions)).toThrow(
      /sgdUpdate: grad must be a dense float32 tensor of the parameter's shape \[3\], got float32 of shape \[1\]/,
    );
    expect(() =>
      fusedUpdates.adam(
        w,
        zeros([3]),
        { expAvg: zeros([3]), expAvgSq: zeros([2]) },
        {
          lr: 1,
          betas: [0.9, 0.999],
          eps: 1e-8,
          weightDecay: 0,
          decoupled: false,
          step: 1,
        },
      ),
    ).toThrow(/adamUpdate: expAvgSq must be/);
    expect(() => fusedUpdates.sgd(w, zeros([3, 1]).mT.reshape([3]), undefined, sgdOptions)).not.toThrow();
    expect(() =>
      fusedUpdates.sgd(
        w,
        tensor([[1, 2, 3]])
          .expand([2, 3])
          .slice(0, 0, 1)
          .reshape([3]),
        undefined,
        sgdOptions,
      ),
    ).not.toThrow();
    expect(w.toArray()).toEqual([0.5, 1, 1.5]); // the refused calls changed nothing
  });

  it('bumps the parameter version: an update between forward and backward is caught', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum(); // mul saves w
    fusedUpdates.sgd(w, tensor([1, 1]), undefined, sgdOptions);
    expect(() => loss.backward()).toThrow(/'mul' saved .* modified in place by 'SGD.step'/);
  });
});
