// The safetensors format (https://github.com/huggingface/safetensors): 8 bytes little-endian header
// length N, N bytes of JSON { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__? },
// then the tensors' little-endian bytes, back to back. Files written here load in Python with
// `safetensors.torch.load_file`; files from PyTorch load here.
import { type Tensor, tensor } from '@myelin/tensor';

/** What {@link parseSafetensors} returns. */
export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

const WRITE_DTYPES = { float32: 'F32', int32: 'I32' } as const;

/** Element readers for the dtypes we load, with the tensor dtype they become. */
const READ_DTYPES: Record<
  string,
  { bytes: number; into: 'float32' | 'int32'; read: (v: DataView, at: number) => number }
> = {
  F32: { bytes: 4, into: 'float32', read: (v, at) => v.getFloat32(at, true) },
  F64: { bytes: 8, into: 'float32', read: (v, at) => v.getFloat64(at, true) },
  F16: { bytes: 2, into: 'float32', read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BF16: { bytes: 2, into: 'float32', read: (v, at) => bfloatToFloat(v.getUint16(at, true)) },
  I32: { bytes: 4, into: 'int32', read: (v, at) => v.getInt32(at, true) },
  I64: { bytes: 8, into: 'int32', read: readInt64 },
  U8: { bytes: 1, into: 'int32', read: (v, at) => v.getUint8(at) },
  I8: { bytes: 1, into: 'int32', read: (v, at) => v.getInt8(at) },
  BOOL: { bytes: 1, into: 'int32', read: (v, at) => v.getUint8(at) },
};

/** An I64 element as a number (exact within int32, the only values kept: see `decode`). */
function readInt64(v: DataView, at: number): number {
  return Number(v.getBigInt64(at, true));
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloatToFloat(b: number): number {
  return new Float32Array(new Uint32Array([b << 16]).buffer)[0]!;
}

/**
 * Serialises named tensors (e.g. `model.stateDict()`) to safetensors bytes. float32 becomes F32,
 * int32 I32; the header is padded to a multiple of 8 bytes, as the reference writer does.
 *
 * @example const bytes = toSafetensors(model.stateDict(), { epoch: '10' });
 */
export function toSafetensors(
  tensors: ReadonlyMap<string, Tensor> | Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const payloads: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__')
      throw new RangeError('toSafetensors: "__metadata__" is reserved and cannot name a tensor');
    const data = t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    header[name] = {
      dtype: WRITE_DTYPES[t.dtype as keyof typeof WRITE_DTYPES],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    payloads.push(bytes);
    offset += bytes.length;
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

/** The largest header accepted, as in the reference implementation (a guard against absurd lengths). */
const MAX_HEADER_BYTES = 100_000_000;

/** A tensor's header entry, once validated. */
interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/**
 * Parses safetensors bytes into tensors, validating as the reference implementation does: a header
 * length within the file and at most 100 MB, a UTF-8 JSON object starting with `{` (no byte-order
 * mark) without duplicate keys, string-valued `__metadata__`, and for every tensor a known dtype,
 * a shape of non-negative integers and `data_offsets` `[begin, end]` spanning exactly its bytes,
 * the tensors covering the data back to back with no gap or overlap. Any problem throws a clear
 * error before a single tensor is created.
 *
 * @example const { tensors } = parseSafetensors(bytes); model.loadStateDict(tensors);
 */
export function parseSafetensors(input: Uint8Array | ArrayBuffer): SafetensorsContents {
  return readSafetensors(input, 'parseSafetensors');
}

/** @internal {@link parseSafetensors}, with errors naming `caller`. */
export function readSafetensors(input: Uint8Array | ArrayBuffer, caller: string): SafetensorsContents {
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer))
    throw new TypeError(`${caller}: expected a Uint8Array or ArrayBuffer, got ${describe(input)}`);
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { header, dataStart } = readHeader(bytes, caller);
  const dataLength = bytes.length - dataStart;
  const metadata = readMetadata(header['__metadata__'], caller);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => readEntry(name, value, dataLength, caller));
  checkLayout(entries, dataLength, caller);
  // Decode every value before creating any tensor, so that a bad value (an I64 outside int32)
  // throws with nothing to clean up.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoded = entries.map((e) => decode(e, view, dataStart, caller));
  const tensors = new Map<string, Tensor>();
  try {
    entries.forEach((e, i) => {
      tensors.set(e.name, tensor(decoded[i]!, { shape: e.shape }));
    });
  } catch (error) {
    for (const t of tensors.values()) t.dispose();
    throw error;
  }
  return { tensors, metadata };
}

/** Reads and checks the header length and the JSON header. */
function readHeader(
  bytes: Uint8Array,
  caller: string,
): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new RangeError(
      `${caller}: the file is ${bytes.length} bytes, too short for the 8-byte header length`,
    );
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new RangeError(
      `${caller}: the header length ${length} is over the ${MAX_HEADER_BYTES}-byte limit: corrupted or not a safetensors file`,
    );
  }
  const headerLength = Number(length);
  if (headerLength > bytes.length - 8) {
    throw new RangeError(
      `${caller}: the header length ${headerLength} exceeds the file (${bytes.length} bytes): truncated or not a safetensors file`,
    );
  }
  const raw = bytes.subarray(8, 8 + headerLength);
  if (raw[0] !== 0x7b) {
    const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
    throw new RangeError(
      `${caller}: the header must start with '{'${bom ? ', found a UTF-8 byte-order mark' : ''} (corrupted file?)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch (cause) {
    throw new RangeError(`${caller}: the header is not valid UTF-8 (corrupted file?)`, { cause });
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (cause) {
    throw new RangeError(`${caller}: the header is not valid JSON (corrupted file?)`, { cause });
  }
  if (!isRecord(header)) throw new RangeError(`${caller}: the header is not a JSON object`);
  const duplicate = duplicateKey(text);
  if (duplicate !== undefined)
    throw new RangeError(`${caller}: the header has the key ${describe(duplicate)} twice (corrupted file?)`);
  return { header, dataStart: 8 + headerLength };
}

function readMetadata(value: unknown, caller: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value))
    throw new RangeError(`${caller}: __metadata__ is ${describe(value)}, expected an object of strings`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw new RangeError(`${caller}: __metadata__ ${describe(key)} is ${describe(v)}, expected a string`);
  }
  return { ...(value as Record<string, string>) };
}

/** Checks one tensor's header entry against the format's rules. */
function readEntry(name: string, value: unknown, dataLength: number, caller: string): HeaderEntry {
  const what = `${caller}: tensor ${describe(name)}`;
  if (!isRecord(value))
    throw new RangeError(`${what} is described by ${describe(value)}, expected an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Object.hasOwn(READ_DTYPES, dtype)) {
    throw new RangeError(
      `${what} has unsupported dtype ${describe(dtype)} (expected one of ${Object.keys(READ_DTYPES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    const found = Array.isArray(shape)
      ? `[${shape.slice(0, 8).map(describe).join(',')}${shape.length > 8 ? ',…' : ''}]`
      : describe(shape);
    throw new RangeError(`${what} has shape ${found}, expected an array of non-negative integers`);
  }
  const itemBytes = READ_DTYPES[dtype]!.bytes;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count * itemBytes > Number.MAX_SAFE_INTEGER)
      throw new RangeError(`${what} of shape [${shape.join(',')}] has more bytes than can be addressed`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    const found =
      Array.isArray(offsets) && offsets.length <= 4
        ? `[${offsets.map(describe).join(',')}]`
        : describe(offsets);
    throw new RangeError(`${what} has data_offsets ${found}, expected [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw new RangeError(
      `${what} has offsets [${begin}, ${end}] outside the ${dataLength} data bytes (truncated file?)`,
    );
  }
  if (end - begin !== count * itemBytes) {
    throw new RangeError(
      `${what} of shape [${shape.join(',')}] and dtype ${dtype} needs ${count * itemBytes} bytes, its offsets span ${end - begin}`,
    );
  }
  return { name, dtype, shape, count, begin, end };
}

/** Checks that the tensors cover the data bytes back to back, in some order, with no gap or overlap. */
function checkLayout(entries: HeaderEntry[], dataLength: number, caller: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin !== cursor) {
      throw new RangeError(
        `${caller}: tensor ${describe(e.name)} starts at byte ${e.begin}, expected ${cursor} (gap or overlap)`,
      );
    }
    cursor = e.end;
  }
  if (cursor !== dataLength)
    throw new RangeError(`${caller}: the tensors cover ${cursor} of ${dataLength} data bytes`);
}

function decode(
  e: HeaderEntry,
  view: DataView,
  dataStart: number,
  caller: string,
): Float32Array | Int32Array {
  const kind = READ_DTYPES[e.dtype]!;
  const values = kind.into === 'float32' ? new Float32Array(e.count) : new Int32Array(e.count);
  const at = dataStart + e.begin;
  for (let i = 0; i < e.count; i++) {
    const value = kind.read(view, at + i * kind.bytes);
    if (kind.into === 'int32' && (value > 2147483647 || value < -2147483648)) {
      throw new RangeError(
        `${caller}: tensor ${describe(e.name)} holds the ${e.dtype} value ${value} at index ${i}, which does not fit in int32`,
      );
    }
    values[i] = value;
  }
  return values;
}

/**
 * The first key that appears twice in one object of `json` (valid JSON text): `JSON.parse` keeps
 * the last silently, the reference implementation rejects the file. Iterative, so any nesting
 * depth is fine.
 */
function duplicateKey(json: string): string | undefined {
  const open: (Set<string> | null)[] = []; // the keys seen in each open object; null for an array
  let expectingKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (expectingKey && keys) {
        const key: string = JSON.parse(json.slice(i, end + 1));
        if (keys.has(key)) return key;
        keys.add(key);
        expectingKey = false;
      }
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      expectingKey = true;
    } else if (c === '[') {
      open.push(null);
    } else if (c === '}' || c === ']') {
      open.pop();
      expectingKey = false;
    } else if (c === ',') {
      expectingKey = open[open.length - 1] instanceof Set;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A short description of an untrusted header value for an error message: numbers and short strings
 * as they are, anything else by its kind — never stringified whole (it could be nested 100,000 deep).
 */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === null || ['number', 'boolean', 'bigint', 'undefined'].includes(typeof value))
    return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
