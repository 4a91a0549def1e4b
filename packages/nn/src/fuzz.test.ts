// Fuzzing safetensors loading with mutated files (issue 12, part 4): parseSafetensors and
// loadModule start from a valid saved model, get random byte flips, truncations, insertions and
// mutations of the JSON header, and must either succeed or throw an Error naming the function
// (never a DataView RangeError or a stack overflow), leak nothing, and a failed loadModule leaves
// the model as it was. Budget: FUZZ_SCALE / FUZZ_SEED from the environment (scripts/fuzz-long.sh).
import { manualSeed, memory } from '@myelin/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Linear,
  loadModule,
  type Module,
  parseSafetensors,
  Sequential,
  saveModule,
} from './index.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const scale = Number(env['FUZZ_SCALE'] ?? 1) || 1;
const budget = (seed: number, numRuns: number) => ({
  seed: env['FUZZ_SEED'] ? Number(env['FUZZ_SEED']) | 0 : seed,
  numRuns: Math.max(1, Math.round(numRuns * scale)),
});
const timeout = 60_000 * scale;

const ENGINE_ERROR =
  /offset is out of bounds|Maximum call stack|is not a function|Cannot read propert|Invalid typed array length|Invalid array length/;

const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** Values to put into the JSON header: plausible, absurd and wrongly typed. */
const jsonValue = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(-1, 1.5, 2 ** 53, 2 ** 31, 1e308, Number.MAX_SAFE_INTEGER),
  fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'F64', 'X9', '', '__metadata__'),
  fc.constantFrom(null, true, [], {}, [1], [-1, 4], [0, 1e9], [[2]], { a: 1 }),
);

const jsonMutation = fc.record({
  /** Which node of the header tree (in a depth-first listing) is edited. */
  node: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'add'),
  value: jsonValue,
  key: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra', '__metadata__', 'w'),
});

/** Every (parent, key) pair of a JSON tree, depth first. */
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

/** Rewrites the header of a safetensors file with `edit` applied to its JSON, keeping the data. */
function editHeader(file: Uint8Array, edits: readonly ValueOf<typeof jsonMutation>[]): Uint8Array {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length)));
  for (const edit of edits) {
    const all = slots(header);
    if (all.length === 0) break;
    const [parent, key] = all[edit.node % all.length]!;
    if (edit.kind === 'replace') parent[key] = structuredClone(edit.value);
    else if (edit.kind === 'delete' && !Array.isArray(parent)) delete parent[key];
    else if (edit.kind === 'add' && typeof parent[key] === 'object' && parent[key] !== null)
      (parent[key] as Record<string, unknown>)[edit.key] = structuredClone(edit.value);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + file.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(file.subarray(8 + length), 8 + json.length);
  return out;
}

function mutateBytes(input: Uint8Array, mutations: readonly ValueOf<typeof byteMutation>[]): Uint8Array {
  let bytes = input.slice();
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + (m.kind === 'insert' ? 1 : 0));
    if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else if (m.kind === 'insert')
      bytes = Uint8Array.from([...bytes.slice(0, at), ...m.bytes, ...bytes.slice(at)]);
    else if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << m.bit);
  }
  return bytes;
}

const model = (): Module => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));

function snapshot(m: Module): Record<string, number[]> {
  return Object.fromEntries([...m.stateDict()].map(([name, t]) => [name, Array.from(t.data())]));
}

const fileArb = fc.record({
  bytes: fc.array(byteMutation, { maxLength: 3 }),
  json: fc.array(jsonMutation, { maxLength: 3 }),
  metadata: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
});

function expectClearError(error: unknown, names: readonly string[]): void {
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).not.toMatch(ENGINE_ERROR);
  expect(
    names.some((n) => message.startsWith(`${n}: `)),
    message,
  ).toBe(true);
}

describe('safetensors loading with mutated files (fuzz, issue 12)', () => {
  manualSeed(12);
  const source = model();
  const target = model();
  const targetFile = saveModule(target);

  it(
    'parseSafetensors and loadModule succeed or throw a clear error; a failed load changes nothing',
    () => {
      fc.assert(
        fc.property(fileArb, ({ bytes, json, metadata }) => {
          const file = mutateBytes(editHeader(saveModule(source, metadata), json), bytes);
          const before = memory();
          const original = snapshot(target);
          try {
            const { tensors } = parseSafetensors(file);
            for (const t of tensors.values()) t.dispose();
          } catch (error) {
            expectClearError(error, ['parseSafetensors']);
          }
          let loaded = false;
          try {
            loadModule(target, file);
            loaded = true;
          } catch (error) {
            // NOTE: a well-formed file that does not fit the model is refused by the model's own
            // loadStateDict, whose errors are named "Sequential.loadStateDict".
            expectClearError(error, ['loadModule', 'Sequential.loadStateDict']);
            expect(snapshot(target)).toEqual(original);
          }
          const after = memory();
          expect([after.tensors, after.storages, after.bytes]).toEqual([
            before.tensors,
            before.storages,
            before.bytes,
          ]);
          if (loaded) {
            // Restore the target so that later runs compare against its own values.
            loadModule(target, targetFile);
          }
        }),
        budget(0x12_0501, 600),
      );
    },
    timeout,
  );
});
