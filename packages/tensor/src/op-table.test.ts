// The op table (issue 11, Core v2 item 1): every primitive is defined once, with serialisable
// attributes, and traces see each call.
import { describe, expect, it } from 'vitest';
import { type OpCall, opTable, Tensor, tensor, tidy, traceOps } from './index.js';
import { unaryOps } from './ops/unary.js';

describe('the op table', () => {
  it('holds every primitive, and every unary row is a Tensor method', () => {
    for (const name of [
      'add',
      'mul',
      'matmul',
      'sum',
      'reshape',
      'gather',
      'clamp',
      'where',
      'softmax',
      'det',
      'solve',
      'qr',
      'svd',
      'eigh',
      'clone',
    ]) {
      expect(opTable.has(name), name).toBe(true);
    }
    for (const name of Object.keys(unaryOps)) {
      expect(opTable.has(name), name).toBe(true);
      expect(typeof (Tensor.prototype as unknown as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('traces the primitives a computation calls, with plain serialisable attributes', () => {
    const calls: OpCall[] = [];
    tidy(() =>
      traceOps(
        () =>
          tensor([[1, -2]])
            .matmul(tensor([[3], [4]]))
            .leakyRelu(0.2)
            .add(1)
            .sum(),
        (call) => calls.push(call),
      ),
    );
    expect(calls.map((c) => c.op)).toEqual(['matmul', 'leakyRelu', 'add', 'sum']);
    expect(calls[1]!.attrs).toEqual({ negativeSlope: 0.2 });
    expect(calls[2]!.attrs).toEqual({ scalar: 1 });
    expect(calls[2]!.inputs).toHaveLength(1);
    for (const call of calls) expect(JSON.parse(JSON.stringify(call.attrs))).toEqual(call.attrs);
  });

  it('names the op in errors about its inputs', () => {
    const x = tensor([1, 2]);
    x.dispose();
    expect(() => x.relu()).toThrow(/^relu: the tensor .* was disposed/);
    expect(() => tensor([1], { dtype: 'int32' }).exp()).toThrow(/^exp: expected a float32 tensor/);
    expect(() => tensor([1]).leakyRelu('0.1' as unknown as number)).toThrow(
      /^leakyRelu: negativeSlope must be a number/,
    );
  });
});
