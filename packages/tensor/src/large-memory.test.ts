// Tensors beyond 2 GiB of WebAssembly memory (issue 11 #6, issue 12 #1): every pointer-to-index
// conversion must be unsigned. With a signed `>> 2`, pointers past 2^31 became negative indices and
// reads returned 0 or another tensor's values. Node only: it holds ~2.3 GiB for a moment.
import { describe, expect, inject, it } from 'vitest';
import { eye, full, kernels, memory, type Tensor, tensor, tidy, zeros } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runtime: 'node' | 'deno' | 'chromium';
  }
}

const MiB = 1024 * 1024;

describe.runIf(inject('runtime') === 'node')('more than 2 GiB of live tensors', () => {
  it('reads, writes and indexes tensors placed past 2 GiB correctly', () => {
    const before = memory();
    const ballast: Tensor[] = [];
    // 9 × 256 MiB: everything allocated after these lives above 2^31 bytes.
    for (let i = 0; i < 9; i++) ballast.push(full([64 * MiB], i + 1));
    try {
      tidy(() => {
        const probe = tensor([1, 2, 3]);
        expect(probe.dataPointer).toBeGreaterThan(2 ** 31);
        expect(probe.toArray()).toEqual([1, 2, 3]);
        expect(probe.sum().item()).toBe(6);
        expect(tensor(4.5).item()).toBe(4.5);
        expect(eye(2).toArray()).toEqual([
          [1, 0],
          [0, 1],
        ]);
        const labels = tensor([2, 0], { dtype: 'int32' });
        expect(probe.indexSelect(0, labels).toArray()).toEqual([3, 1]);
        expect(probe.unsqueeze(0).gather(1, labels.unsqueeze(0)).toArray()).toEqual([[3, 1]]);
        const w = zeros([2, 3]).fill_(5);
        expect(w.slice(1, 1, 2).mul_(2).toArray()).toEqual([[10], [10]]);
        expect(kernels.f32[w.dataPointer >>> 2]).toBe(5);
        const x = tensor([1, 2], { requiresGrad: true });
        x.mul(x).sum().backward();
        expect(x.grad!.toArray()).toEqual([2, 4]);
        x.grad = null;
      });
      // The ballast kept its own values (nothing was written through a wrapped index).
      for (let i = 0; i < ballast.length; i++) {
        const t = ballast[i]!;
        expect(tidy(() => t.slice(0, 64 * MiB - 1).item())).toBe(i + 1);
      }
    } finally {
      for (const t of ballast) t.dispose();
    }
    expect(memory().tensors).toBe(before.tensors);
  });
});
