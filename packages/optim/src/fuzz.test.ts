// Fuzzing Optimizer.loadStateDict with mutated state dicts (issue 12, part 4): start from a valid
// stateDict() (after a few steps, so that every state entry exists), replace, delete or add random
// nodes of its JSON tree, and load it into a fresh optimizer. Each call must either succeed or throw
// an Error named "<Optimizer>.loadStateDict" (never an engine error or a stack overflow); a failed
// load leaves the optimizer unchanged and leaks nothing. Budget: FUZZ_SCALE / FUZZ_SEED from the
// environment (scripts/fuzz-long.sh).
import { memory, randn, type Tensor, tensor } from '@myelin/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from './index.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const scale = Number(env['FUZZ_SCALE'] ?? 1) || 1;
const budget = (seed: number, numRuns: number) => ({
  seed: env['FUZZ_SEED'] ? Number(env['FUZZ_SEED']) | 0 : seed,
  numRuns: Math.max(1, Math.round(numRuns * scale)),
});
const timeout = 60_000 * scale;

const ENGINE_ERROR =
  /Maximum call stack|is not a function|Cannot read propert|Invalid typed array length|Invalid array length|is not iterable|Cannot convert/;

type AnyOptimizer = {
  name: string;
  step(): void;
  stateDict(): unknown;
  loadStateDict(dict: never): void;
};

const OPTIMIZERS: Record<string, (params: Tensor[]) => AnyOptimizer> = {
  SGD: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true }),
  Adam: (p) => new Adam(p, { lr: 0.01, amsgrad: true }),
  AdamW: (p) => new AdamW([{ params: p.slice(0, 1) }, { params: p.slice(1), lr: 0.002 }], { lr: 0.01 }),
  RMSprop: (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true }),
  Adagrad: (p) => new Adagrad(p, { lr: 0.1 }),
};

/** Values to put into the dict: plausible, absurd and wrongly typed. */
const jsonValue = fc.oneof(
  fc.integer({ min: -3, max: 10 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(-1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.constantFrom('0', 'lr', '', '__proto__', 'constructor'),
  fc.constantFrom(null, undefined, true, [], {}, [1], [2, 3], { shape: [2], data: [1, 2] }, { data: [] }),
);

const mutation = fc.record({
  node: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'add'),
  value: jsonValue,
  key: fc.constantFrom(
    '0',
    '1',
    '2',
    '7',
    'step',
    'exp_avg',
    'lr',
    'params',
    'shape',
    'data',
    'state',
    'extra',
  ),
});

function slots(tree: unknown, out: [Record<string | number, unknown>, string | number][] = []) {
  if (tree !== null && typeof tree === 'object') {
    for (const key of Object.keys(tree)) {
      const parent = tree as Record<string | number, unknown>;
      const k = Array.isArray(tree) ? Number(key) : key;
      out.push([parent, k]);
      slots(parent[k], out);
    }
  }
  return out;
}

function edit(
  tree: unknown,
  edits: readonly (typeof mutation extends fc.Arbitrary<infer M> ? M : never)[],
): unknown {
  for (const e of edits) {
    const all = slots(tree);
    if (all.length === 0) break;
    const [parent, key] = all[e.node % all.length]!;
    if (e.kind === 'replace') parent[key] = structuredClone(e.value);
    else if (e.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (typeof parent[key] === 'object' && parent[key] !== null) {
      (parent[key] as Record<string, unknown>)[e.key] = structuredClone(e.value);
    }
  }
  return tree;
}

/** Number of tensors an optimizer's state holds, from its stateDict(). */
function bufferCount(dict: unknown): number {
  const state = (dict as { state: Record<string, Record<string, unknown>> }).state;
  return Object.values(state).reduce(
    (n, s) => n + Object.values(s).filter((v) => typeof v !== 'number').length,
    0,
  );
}

describe('Optimizer.loadStateDict with mutated dicts (fuzz, issue 12)', () => {
  it(
    'loads or throws a clear error; a failed load changes nothing and leaks nothing',
    () => {
      const params = [randn([3, 2]), randn([2]), randn([])].map((p) => p.requiresGrad_().keep());
      // Valid dicts, one per optimizer, after three steps with gradients.
      const valid = Object.fromEntries(
        Object.entries(OPTIMIZERS).map(([name, make]) => {
          const opt = make(params);
          for (let i = 0; i < 3; i++) {
            for (const p of params)
              p.grad = tensor(
                Float32Array.from({ length: p.size }, (_, j) => j - i),
                { shape: p.shape },
              );
            opt.step();
          }
          return [name, JSON.stringify(opt.stateDict())];
        }),
      );
      for (const p of params) p.grad = null;
      fc.assert(
        fc.property(
          fc.constantFrom(...Object.keys(OPTIMIZERS)),
          fc.array(mutation, { maxLength: 4 }),
          (name, edits) => {
            const opt = OPTIMIZERS[name]!(params);
            opt.loadStateDict(JSON.parse(valid[name]!) as never);
            const before = memory();
            const original = JSON.stringify(opt.stateDict());
            const dict = edit(JSON.parse(valid[name]!), edits);
            try {
              opt.loadStateDict(dict as never);
              const after = opt.stateDict();
              // What was loaded replaced the old state buffer for buffer.
              expect(memory().tensors).toBe(
                before.tensors - bufferCount(JSON.parse(original)) + bufferCount(after),
              );
            } catch (error) {
              expect(error).toBeInstanceOf(Error);
              const message = (error as Error).message;
              expect(message).not.toMatch(ENGINE_ERROR);
              expect(message.startsWith(`${opt.name}.loadStateDict: `), message).toBe(true);
              expect(JSON.stringify(opt.stateDict())).toBe(original);
              const after = memory();
              expect([after.tensors, after.storages, after.bytes]).toEqual([
                before.tensors,
                before.storages,
                before.bytes,
              ]);
            }
            // Release this optimizer's state: load a dict with none.
            const empty = JSON.parse(valid[name]!);
            empty.state = {};
            opt.loadStateDict(empty as never);
          },
        ),
        budget(0x12_0601, 800),
      );
      for (const p of params) p.dispose();
    },
    timeout,
  );
});
