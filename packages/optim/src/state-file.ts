// An optimizer's state as safetensors bytes (the format: 8 bytes little-endian header length N,
// N bytes of JSON { name: { dtype, shape, data_offsets }, __metadata__ }, then the tensors' bytes).
// Every state buffer is an F32 tensor `state.<position>.<name>`; step counts, flags and the
// parameter groups' options are `__metadata__` strings, and so is a learning-rate scheduler's state
// when one is saved with it (`scheduler`: its name, `scheduler_state`: its stateDict as JSON, with
// ±Infinity written as strings). optim cannot import nn's safetensors
// reader (packages depend on tensor only), hence this small F32-only codec.
import type { OptimizerStateDict } from './optimizer.js';
import { describe } from './validate.js';

/** Marks a file as an optimizer's state (`__metadata__.format`). */
const FORMAT = 'myelin.optimizer';

/**
 * Safetensors bytes of `dict` (an optimizer's {@link OptimizerStateDict}), saved by optimizer `kind`.
 *
 * @example const bytes = encodeOptimizerState(opt.stateDict(), opt.name);
 */
export function encodeOptimizerState(
  dict: OptimizerStateDict,
  kind: string,
  scheduler: SchedulerState | null = null,
): Uint8Array {
  const metadata: Record<string, string> = {
    format: FORMAT,
    optimizer: kind,
    param_groups: JSON.stringify(dict.paramGroups),
  };
  if (scheduler !== null) {
    metadata.scheduler = scheduler.name;
    metadata.scheduler_state = JSON.stringify(scheduler.state, (_, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    );
  }
  const header: Record<string, unknown> = { __metadata__: metadata };
  const payloads: Uint8Array[] = [];
  let offset = 0;
  for (const [position, entries] of Object.entries(dict.state)) {
    for (const [name, value] of Object.entries(entries)) {
      const key = `state.${position}.${name}`;
      if (typeof value === 'number') {
        metadata[key] = String(value);
        continue;
      }
      const bytes = new Uint8Array(new Float32Array(value.data).buffer);
      header[key] = { dtype: 'F32', shape: value.shape, data_offsets: [offset, offset + bytes.length] };
      payloads.push(bytes);
      offset += bytes.length;
    }
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const p of payloads) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A learning-rate scheduler's name and plain-number state, as saved beside an optimizer's. */
export interface SchedulerState {
  name: string;
  state: Record<string, unknown>;
}

/**
 * The {@link OptimizerStateDict} in bytes written by {@link encodeOptimizerState}, and the scheduler
 * state saved with it (or null), checking the file's structure (errors name `where`); the dict's
 * contents are checked by the optimizer, the scheduler's by the scheduler.
 */
export function decodeOptimizerState(
  input: unknown,
  kind: string,
  where: string,
): OptimizerStateDict & { scheduler: SchedulerState | null } {
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer))
    throw new TypeError(`${where}: expected a Uint8Array or ArrayBuffer, got ${describe(input)}`);
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { header, data } = readFile(bytes, where);
  const metadata = header['__metadata__'];
  if (!isRecord(metadata) || metadata['format'] !== FORMAT)
    throw new RangeError(`${where}: not an optimizer state file (saved by saveState?)`);
  if (metadata['optimizer'] !== kind)
    throw new RangeError(
      `${where}: the file holds the state of ${describe(metadata['optimizer'])}, expected ${kind}`,
    );
  const state: Record<number, Record<string, number | { shape: number[]; data: number[] }>> = {};
  const entry = (key: string) => {
    const match = /^state\.(0|[1-9]\d{0,8})\.([A-Za-z]\w*)$/.exec(key);
    if (match === null) throw new RangeError(`${where}: unexpected entry ${describe(key)}`);
    const position = Number(match[1]);
    state[position] ??= {};
    return { slot: state[position]!, name: match[2]! };
  };
  let paramGroups: unknown;
  let scheduler: SchedulerState | null = null;
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string')
      throw new RangeError(`${where}: __metadata__ ${describe(key)} is not a string`);
    if (key === 'format' || key === 'optimizer' || key === 'scheduler') continue;
    if (key === 'scheduler_state') {
      scheduler = { name: String(metadata['scheduler']), state: parseSchedulerState(value, where) };
      continue;
    }
    if (key === 'param_groups') {
      try {
        paramGroups = JSON.parse(value);
      } catch (cause) {
        throw new RangeError(`${where}: param_groups is not valid JSON`, { cause });
      }
      continue;
    }
    if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(value))
      throw new RangeError(`${where}: ${describe(key)} is ${describe(value)}, expected a number`);
    const { slot, name } = entry(key);
    slot[name] = Number(value);
  }
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const { slot, name } = entry(key);
    if (Object.hasOwn(slot, name)) throw new RangeError(`${where}: ${describe(key)} is given twice`);
    const { shape, begin, end } = value as TensorEntry;
    slot[name] = { shape, data: Array.from(new Float32Array(data.slice(begin, end).buffer)) };
  }
  return { state, paramGroups: paramGroups as OptimizerStateDict['paramGroups'], scheduler };
}

/** A scheduler's saved state: a JSON object whose 'Infinity'/'-Infinity' strings become numbers. */
function parseSchedulerState(json: string, where: string): Record<string, unknown> {
  let state: unknown;
  try {
    state = JSON.parse(json, (_, v) => (v === 'Infinity' || v === '-Infinity' ? Number(v) : v));
  } catch (cause) {
    throw new RangeError(`${where}: scheduler_state is not valid JSON`, { cause });
  }
  if (!isRecord(state)) throw new RangeError(`${where}: scheduler_state is not a JSON object`);
  return state;
}

interface TensorEntry {
  shape: number[];
  begin: number;
  end: number;
}

/** The header (tensor entries checked: F32, shape, offsets covering the data exactly) and the data. */
function readFile(
  bytes: Uint8Array,
  where: string,
): { header: Record<string, TensorEntry | Record<string, unknown>>; data: Uint8Array } {
  const corrupted = (why: string) => new RangeError(`${where}: ${why} (truncated or corrupted file?)`);
  if (bytes.length < 8) throw corrupted(`the file is ${bytes.length} bytes`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(bytes.length - 8)) throw corrupted(`the header length ${length} exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(length))),
    );
  } catch (cause) {
    throw new RangeError(`${where}: the header is not valid JSON (truncated or corrupted file?)`, { cause });
  }
  if (!isRecord(header)) throw corrupted('the header is not a JSON object');
  const data = bytes.subarray(8 + Number(length));
  const entries: [string, TensorEntry][] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = isRecord(value) ? value : {};
    if (dtype !== 'F32') throw corrupted(`tensor ${describe(name)} is not F32`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw corrupted(`tensor ${describe(name)} has no valid shape`);
    const size = shape.reduce((n: number, d: number) => n * d, 1);
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[1] - offsets[0] !== 4 * size
    )
      throw corrupted(`tensor ${describe(name)} has data_offsets that do not fit its shape`);
    const entry = { shape, begin: offsets[0], end: offsets[1] };
    header[name] = entry;
    entries.push([name, entry]);
  }
  let cursor = 0;
  for (const [name, e] of entries.sort(([, a], [, b]) => a.begin - b.begin)) {
    if (e.begin !== cursor)
      throw corrupted(`tensor ${describe(name)} starts at byte ${e.begin}, expected ${cursor}`);
    cursor = e.end;
  }
  if (cursor !== data.length) throw corrupted(`the tensors cover ${cursor} of ${data.length} data bytes`);
  return { header: header as Record<string, TensorEntry>, data };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
