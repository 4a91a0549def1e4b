// A manual loop without tidy gets a loud warning naming the user's line (issue 16 #2).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randn, setLeakWarning, type Tensor, tidy } from './index.js';

afterEach(() => {
  setLeakWarning(20_000);
  vi.restoreAllMocks();
});

describe('the leak warning', () => {
  it('warns once when live tensors pile up, naming the creating line and the fix', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    setLeakWarning(500);
    const w = randn([4, 4], { requiresGrad: true });
    const leaked: Tensor[] = [];
    for (let step = 0; step < 300; step++) {
      const doubled = w.mul(2); // a PyTorch-style step without tidy: 2 tensors per step stay alive
      leaked.push(doubled, doubled.sum());
    }
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]![0]);
    expect(message).toMatch(/^@myelin\/tensor: 50\d tensors .* alive/);
    expect(message).toMatch(/tidy\(\(\) => …\)/);
    expect(message).toMatch(/leak-warning\.test\.ts/); // the user's line, not the library's
    for (const t of leaked) t.dispose();
    w.dispose();
  });

  it('stays quiet for a loop that tidies each step, and can be turned off', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    setLeakWarning(500);
    const w = randn([4, 4], { requiresGrad: true });
    for (let step = 0; step < 1000; step++) tidy(() => w.mul(2).sum().backward());
    w.grad = null;
    expect(warn.mock.calls).toEqual([]);
    setLeakWarning(false);
    const many = Array.from({ length: 600 }, () => randn([1]));
    expect(warn).not.toHaveBeenCalled();
    for (const t of many) t.dispose();
    w.dispose();
    expect(() => setLeakWarning(0)).toThrow(/setLeakWarning: expected a positive integer or false/);
  });
});
