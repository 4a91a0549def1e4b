// Fuzzing the readers with mutated inputs (issue 12, part 4): readCSV, readIDXSync and readIDX start
// from a valid file, get random byte flips, truncations and insertions, and must either succeed or
// throw an Error naming the reader (never a DataView RangeError or a stack overflow), leaking
// nothing. Budget: FUZZ_SCALE / FUZZ_SEED from the environment (scripts/fuzz-long.sh).
import { memory, type Tensor } from '@myelin/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCSV, readIDX, readIDXSync } from './index.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const scale = Number(env['FUZZ_SCALE'] ?? 1) || 1;
const budget = (seed: number, numRuns: number) => ({
  seed: env['FUZZ_SEED'] ? Number(env['FUZZ_SEED']) | 0 : seed,
  numRuns: Math.max(1, Math.round(numRuns * scale)),
});
const timeout = 60_000 * scale;

const ENGINE_ERROR =
  /offset is out of bounds|Maximum call stack|is not a function|Cannot read propert|Invalid typed array length/;

/** A random edit of a byte string: flip, truncate, insert or overwrite. */
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Mutation = ValueOf<typeof mutationArb>;

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = input.slice();
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + (m.kind === 'insert' ? 1 : 0));
    if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else if (m.kind === 'insert')
      bytes = Uint8Array.from([...bytes.slice(0, at), ...m.bytes, ...bytes.slice(at)]);
    else if (bytes.length > 0) bytes[at] = m.kind === 'set' ? m.byte : bytes[at]! ^ (1 << m.bit);
  }
  return bytes;
}

/** Calls `read`; a result's tensors are disposed; an error must be a clear one naming `name`. */
async function outcome(name: string, read: () => Tensor[] | Promise<Tensor[]>): Promise<void> {
  const before = memory();
  try {
    const tensors = await read();
    for (const t of tensors) {
      expect(t.isDisposed).toBe(false);
      t.dispose();
    }
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).not.toMatch(ENGINE_ERROR);
    expect(message.startsWith(`${name}: `), message).toBe(true);
  }
  const after = memory();
  expect([after.tensors, after.storages, after.bytes]).toEqual([
    before.tensors,
    before.storages,
    before.bytes,
  ]);
}

const csvArb = fc.record({
  rows: fc.integer({ min: 1, max: 6 }),
  cols: fc.integer({ min: 1, max: 4 }),
  values: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 24, maxLength: 24 }),
  header: fc.boolean(),
  quoted: fc.boolean(),
  label: fc.boolean(),
});

function csvText({ rows, cols, values, header, quoted }: ValueOf<typeof csvArb>): string {
  const lines: string[] = [];
  if (header)
    lines.push(Array.from({ length: cols }, (_, c) => (quoted ? `"col ${c}, x"` : `c${c}`)).join(','));
  for (let r = 0; r < rows; r++)
    lines.push(Array.from({ length: cols }, (_, c) => `${values[(r * cols + c) % 24]! / 8}`).join(','));
  return `${lines.join('\n')}\n`;
}

const IDX_TYPES = [
  { code: 0x08, bytes: 1 },
  { code: 0x09, bytes: 1 },
  { code: 0x0b, bytes: 2 },
  { code: 0x0c, bytes: 4 },
  { code: 0x0d, bytes: 4 },
  { code: 0x0e, bytes: 8 },
];

const idxArb = fc.record({
  type: fc.constantFrom(...IDX_TYPES),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }),
  fill: fc.uint8Array({ minLength: 256, maxLength: 256 }),
});

function idxFile({ type, shape, fill }: ValueOf<typeof idxArb>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * shape.length + count * type.bytes);
  const view = new DataView(out.buffer);
  out[2] = type.code;
  out[3] = shape.length;
  shape.forEach((s, i) => {
    view.setUint32(4 + 4 * i, s);
  });
  for (let i = 4 + 4 * shape.length; i < out.length; i++) out[i] = fill[i % 256]!;
  // Float types: keep the values finite so the valid file is valid.
  if (type.code === 0x0d)
    for (let i = 0; i < count; i++) view.setFloat32(4 + 4 * shape.length + 4 * i, fill[i % 256]! / 7);
  if (type.code === 0x0e)
    for (let i = 0; i < count; i++) view.setFloat64(4 + 4 * shape.length + 8 * i, fill[i % 256]! / 7);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('readers with mutated inputs (fuzz, issue 12)', () => {
  it(
    'readCSV: valid input parses; mutated input parses or throws a readCSV error; nothing leaks',
    async () => {
      await fc.assert(
        fc.asyncProperty(csvArb, fc.array(mutationArb, { maxLength: 4 }), async (csv, mutations) => {
          const text = csvText(csv);
          const options = { header: csv.header, labelColumn: csv.label ? csv.cols - 1 : undefined };
          if (mutations.length === 0) {
            const { x, y } = readCSV(text, options);
            expect(x.shape).toEqual([csv.rows, csv.cols - (csv.label ? 1 : 0)]);
            x.dispose();
            y?.dispose();
            return;
          }
          const bytes = mutate(new TextEncoder().encode(text), mutations);
          await outcome('readCSV', () => {
            const { x, y } = readCSV(bytes, options);
            expect(x.ndim).toBe(2);
            return y === undefined ? [x] : [x, y];
          });
        }),
        budget(0x12_0401, 600),
      );
    },
    timeout,
  );

  it(
    'readIDXSync: mutated files parse or throw a readIDX error; nothing leaks',
    async () => {
      await fc.assert(
        fc.asyncProperty(idxArb, fc.array(mutationArb, { maxLength: 4 }), async (idx, mutations) => {
          const file = idxFile(idx);
          if (mutations.length === 0) {
            const t = readIDXSync(file);
            expect(t.shape).toEqual(idx.shape);
            t.dispose();
            return;
          }
          await outcome('readIDX', () => [readIDXSync(mutate(file, mutations), { maxBytes: 1 << 20 })]);
        }),
        budget(0x12_0402, 800),
      );
    },
    timeout,
  );

  it(
    'readIDX: mutated gzip streams (and mutated files before compression) parse or throw a readIDX error',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          idxArb,
          fc.array(mutationArb, { maxLength: 3 }),
          fc.boolean(),
          async (idx, mutations, beforeCompression) => {
            const file = idxFile(idx);
            const input = beforeCompression
              ? await gzip(mutate(file, mutations))
              : mutate(await gzip(file), mutations);
            await outcome('readIDX', async () => [await readIDX(input, { maxBytes: 1 << 20 })]);
          },
        ),
        budget(0x12_0403, 200),
      );
    },
    timeout,
  );
});
