import { type Tensor, tensor } from '@myelin/tensor';

// IDX (the format of MNIST and Fashion-MNIST): bytes 0–1 zero, byte 2 the element type, byte 3 the
// number of dimensions; then each dimension as a big-endian uint32; then the elements, big-endian.
const TYPES: Record<
  number,
  { name: string; bytes: number; read: (v: DataView, at: number) => number; float: boolean }
> = {
  8: { name: 'uint8', bytes: 1, read: (v, at) => v.getUint8(at), float: false },
  9: { name: 'int8', bytes: 1, read: (v, at) => v.getInt8(at), float: false },
  11: { name: 'int16', bytes: 2, read: (v, at) => v.getInt16(at), float: false },
  12: { name: 'int32', bytes: 4, read: (v, at) => v.getInt32(at), float: false },
  13: { name: 'float32', bytes: 4, read: (v, at) => v.getFloat32(at), float: true },
  14: { name: 'float64', bytes: 8, read: (v, at) => v.getFloat64(at), float: true },
};

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/**
 * Parses an uncompressed IDX file. Integer element types give int32 tensors (labels; images as
 * 0..255 — convert with `.float()`), float types float32. Throws on a bad magic number, an unknown
 * type or truncated data, naming the offset.
 *
 * @example const labels = readIDXSync(bytes); // e.g. [60000] int32
 */
export function readIDXSync(input: Uint8Array | ArrayBuffer): Tensor {
  const bytes = asBytes(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4)
    throw new RangeError(`readIDX: truncated: ${bytes.length} bytes, a header needs at least 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(
      `readIDX: wrong magic number 0x${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('')} (expected 0x0000 followed by a type code and a dimension count)`,
    );
  }
  const type = TYPES[bytes[2]!];
  if (type === undefined)
    throw new RangeError(`readIDX: unknown element type 0x${bytes[2]!.toString(16)} at offset 2`);
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    throw new RangeError(
      `readIDX: truncated: the header declares ${ndim} dimensions (${headerBytes} bytes) but the file has ${bytes.length}`,
    );
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d));
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = headerBytes + count * type.bytes;
  if (bytes.length < needed) {
    throw new RangeError(
      `readIDX: truncated: shape [${shape.join(',')}] of ${type.name} needs ${needed} bytes, the file has ${bytes.length} (data from offset ${headerBytes})`,
    );
  }
  const values = type.float ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) values[i] = type.read(view, headerBytes + i * type.bytes);
  return tensor(values, { shape });
}

/**
 * Parses an IDX file, raw or gzip-compressed (as MNIST is distributed), decompressing with the
 * runtime's DecompressionStream.
 *
 * @example const images = (await readIDX(await readFile('train-images-idx3-ubyte.gz'))).float().div(255);
 */
export async function readIDX(input: Uint8Array | ArrayBuffer): Promise<Tensor> {
  const bytes = asBytes(input);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    let raw: ArrayBuffer;
    try {
      raw = await new Response(stream).arrayBuffer();
    } catch (cause) {
      throw new RangeError('readIDX: the gzip data is corrupt or truncated', { cause });
    }
    return readIDXSync(new Uint8Array(raw));
  }
  return readIDXSync(bytes);
}
