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
  I64: { bytes: 8, into: 'int32', read: readInt64AsInt32 },
  U8: { bytes: 1, into: 'int32', read: (v, at) => v.getUint8(at) },
  I8: { bytes: 1, into: 'int32', read: (v, at) => v.getInt8(at) },
  BOOL: { bytes: 1, into: 'int32', read: (v, at) => v.getUint8(at) },
};

function readInt64AsInt32(v: DataView, at: number): number {
  const value = v.getBigInt64(at, true);
  if (value > 2147483647n || value < -2147483648n)
    throw new RangeError(`safetensors: int64 value ${value} does not fit in int32`);
  return Number(value);
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

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Parses safetensors bytes into tensors. Every structural problem — a header longer than the file,
 * invalid JSON, an unknown dtype, offsets outside the data or not matching the shape, gaps or
 * overlaps — throws a clear error before any tensor is created.
 *
 * @example const { tensors } = parseSafetensors(bytes); model.loadStateDict(tensors);
 */
export function parseSafetensors(input: Uint8Array | ArrayBuffer): SafetensorsContents {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 8)
    throw new RangeError(
      `safetensors: the file is ${bytes.length} bytes, too short for the 8-byte header length`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) {
    throw new RangeError(
      `safetensors: the header length ${headerLength} exceeds the file (${bytes.length} bytes): truncated or not a safetensors file`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (cause) {
    throw new RangeError('safetensors: the header is not valid JSON (corrupted file?)', { cause });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new RangeError('safetensors: the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata = (header['__metadata__'] ?? {}) as Record<string, string>;
  const entries: [string, HeaderEntry][] = Object.entries(header).filter(([k]) => k !== '__metadata__') as [
    string,
    HeaderEntry,
  ][];
  for (const [name, e] of entries) {
    const kind = READ_DTYPES[e?.dtype];
    if (kind === undefined)
      throw new RangeError(`safetensors: tensor '${name}' has unsupported dtype ${JSON.stringify(e?.dtype)}`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new RangeError(`safetensors: tensor '${name}' has an invalid shape`);
    const [begin, end] = e.data_offsets ?? [];
    const expected = e.shape.reduce((a, b) => a * b, 1) * kind.bytes;
    if (
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      begin! < 0 ||
      end! < begin! ||
      end! > dataLength
    ) {
      throw new RangeError(
        `safetensors: tensor '${name}' has offsets [${begin}, ${end}] outside the ${dataLength} data bytes (truncated file?)`,
      );
    }
    if (end! - begin! !== expected) {
      throw new RangeError(
        `safetensors: tensor '${name}' of shape [${e.shape.join(',')}] and dtype ${e.dtype} needs ${expected} bytes, its offsets span ${end! - begin!}`,
      );
    }
  }
  const sorted = [...entries].sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let cursor = 0;
  for (const [name, e] of sorted) {
    if (e.data_offsets[0] !== cursor)
      throw new RangeError(
        `safetensors: tensor '${name}' starts at byte ${e.data_offsets[0]}, expected ${cursor} (gap or overlap)`,
      );
    cursor = e.data_offsets[1];
  }
  if (cursor !== dataLength)
    throw new RangeError(`safetensors: the tensors cover ${cursor} of ${dataLength} data bytes`);
  const tensors = new Map<string, Tensor>();
  for (const [name, e] of entries) {
    const kind = READ_DTYPES[e.dtype]!;
    const count = e.shape.reduce((a, b) => a * b, 1);
    const values = kind.into === 'float32' ? new Float32Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++)
      values[i] = kind.read(view, dataStart + e.data_offsets[0] + i * kind.bytes);
    tensors.set(name, tensor(values, { shape: e.shape }));
  }
  return { tensors, metadata };
}
