import { describe, expect, it } from 'vitest';
import { liveTensorSites, memory, randn, setDebug, tensor, tidy, zeros } from './index.js';

describe('memory lifetime', () => {
  it('tidy releases everything created inside except what it returns', () => {
    const before = memory();
    const kept = tidy(() => {
      const a = randn([100, 100]);
      const b = a.matmul(a).relu();
      return { result: b.sum(), list: [a.mean()] };
    });
    expect(memory().tensors).toBe(before.tensors + 2);
    kept.result.dispose();
    kept.list[0]!.dispose();
    expect(memory()).toMatchObject({
      tensors: before.tensors,
      bytes: before.bytes,
      storages: before.storages,
    });
  });

  it('keep() exempts a tensor from tidy; dispose() is idempotent', () => {
    const before = memory().tensors;
    let kept!: ReturnType<typeof zeros>;
    tidy(() => {
      kept = zeros([3]).keep();
      zeros([3]);
    });
    expect(memory().tensors).toBe(before + 1);
    kept.dispose();
    kept.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('Symbol.dispose releases the tensor (what `using` calls at the end of a block)', () => {
    const before = memory().tensors;
    const t = zeros([4]);
    expect(memory().tensors).toBe(before + 1);
    t[Symbol.dispose]();
    expect(t.isDisposed).toBe(true);
    expect(memory().tensors).toBe(before);
  });

  it('using a disposed tensor throws an error that says so', () => {
    const t = zeros([2, 3]);
    t.dispose();
    expect(() => t.add(1)).toThrow(/add: the tensor \(shape \[2,3\]\) was disposed/);
    expect(() => t.data()).toThrow(/data: the tensor .* was disposed/);
    expect(t.toString()).toBe('tensor(<disposed>, shape=[2,3])');
  });

  it('views share storage: disposing the base keeps the view valid', () => {
    const before = memory().storages;
    const base = tensor([
      [1, 2],
      [3, 4],
    ]);
    const view = base.transpose();
    base.dispose();
    expect(view.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    view.dispose();
    expect(memory().storages).toBe(before);
  });

  it('a 10,000-step training-style loop inside tidy keeps memory flat', () => {
    const w = randn([8, 4], { requiresGrad: true });
    const x = randn([16, 8]);
    const run = () => {
      tidy(() => {
        const loss = x.matmul(w).tanh().square().mean();
        loss.backward();
      });
      w.grad = null;
    };
    run();
    const start = memory();
    for (let step = 0; step < 10_000; step++) run();
    const end = memory();
    expect(end.tensors).toBe(start.tensors);
    expect(end.bytes).toBe(start.bytes);
    expect(end.kernelBytesInUse).toBe(start.kernelBytesInUse);
  });

  it('backward releases every tensor it saved as soon as it is used', () => {
    const x = randn([5, 5], { requiresGrad: true });
    const before = memory().storages;
    const a = x.exp();
    const b = a.sigmoid();
    const c = b.matmul(x);
    const y = c.sum();
    a.dispose();
    b.dispose();
    c.dispose();
    // Now only the graph holds a, b and c's data (saved for backward): more than y's storage is alive.
    expect(memory().storages).toBeGreaterThan(before + 1);
    y.backward();
    // Left: y's own storage and x.grad's.
    expect(memory().storages).toBe(before + 2);
    y.dispose();
    x.grad = null;
    expect(memory().storages).toBe(before);
  });

  it('disposing the output of a graph that is never backpropagated frees what the graph saved', () => {
    const x = randn([4, 4], { requiresGrad: true });
    const before = memory().storages;
    const a = x.exp();
    const b = a.tanh();
    const y = b.mul(x);
    a.dispose();
    b.dispose();
    expect(memory().storages).toBeGreaterThan(before + 1); // y, plus what exp, tanh and mul saved
    y.dispose();
    expect(memory().storages).toBe(before);
  });

  it('debug mode names where live tensors were created', () => {
    setDebug(true);
    const leaked = zeros([2]);
    const sites = liveTensorSites();
    expect(sites.some((s) => s.site.includes('memory.test'))).toBe(true);
    leaked.dispose();
    setDebug(false);
  });

  it("debug mode's report names the user's line and the function it called, not library frames (issue 16 #2)", () => {
    const w = randn([3, 3]);
    setDebug(true);
    const leaked: ReturnType<typeof zeros>[] = [];
    const leakyLoop = () => {
      for (let i = 0; i < 5; i++) leaked.push(w.matmul(w).relu()); // the matmul result leaks too
    };
    leakyLoop();
    const sites = liveTensorSites();
    setDebug(false);
    // Every live tensor is reported at this file's line, never at a frame inside the library.
    expect(sites.reduce((n, s) => n + s.count, 0)).toBe(10);
    for (const { site } of sites) {
      expect(site).toContain('memory.test');
      expect(site).not.toMatch(/packages[\\/]tensor[\\/](src|dist)[\\/](?!memory\.test)/);
    }
    // Both tensors come from one line; the report tells the two calls apart.
    expect(sites.map((s) => s.count)).toEqual([5, 5]);
    expect(sites.map((s) => s.call).sort()).toEqual(['Tensor.matmul', 'Tensor.relu']);
    for (const t of leaked) t.dispose();
    w.dispose();
  });
});
