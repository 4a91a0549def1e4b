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

const GiB = 2 ** 30;
const MAX_DIM = 2 ** 31 - 1;

/** Options of {@link readIDX} and {@link readIDXSync}. */
export interface ReadIDXOptions {
  /**
   * The most bytes the (decompressed) file and the tensor it becomes may each take; default 1 GiB.
   * Checked against the size the header declares before anything that large is allocated or inflated.
   */
  maxBytes?: number;
}

interface Header {
  type: (typeof TYPES)[number];
  shape: number[];
  /** Where the elements start. */
  headerBytes: number;
  /** The whole file's size as the header declares it. */
  fileBytes: number;
}

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

function maxBytesOf(options: ReadIDXOptions): number {
  const { maxBytes = GiB } = options;
  if (!(maxBytes >= 0))
    throw new RangeError(`readIDX: maxBytes must be a non-negative number, got ${maxBytes}`);
  return maxBytes;
}

/** Whether `bytes` holds the whole header (magic, type, dimension count, dimensions). */
function hasHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes.length >= 4 + 4 * bytes[3]!;
}

/**
 * Reads and checks the header: magic number, element type, dimensions (each at most 2^31 − 1, their
 * product exact) and the declared sizes against `maxBytes`. Nothing large is allocated here.
 */
function readHeader(bytes: Uint8Array, maxBytes: number): Header {
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d));
  shape.forEach((size, d) => {
    if (size > MAX_DIM) {
      throw new RangeError(
        `readIDX: dimension ${d} (offset ${4 + 4 * d}) is ${size}, ${size | 0} as a signed 32-bit integer (expected 0 to ${MAX_DIM})`,
      );
    }
  });
  // The product of the nonzero sizes must be exact even when a zero size makes the tensor empty.
  const nonzero = shape.reduce((a, b) => (b === 0 ? a : a * b), 1);
  if (nonzero > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(
      `readIDX: shape [${shape.join(',')}] overflows: its sizes multiply to more than 2^53 - 1 elements`,
    );
  }
  const count = shape.includes(0) ? 0 : nonzero;
  const fileBytes = headerBytes + count * type.bytes;
  const tensorBytes = count * 4;
  if (Math.max(fileBytes, tensorBytes) > maxBytes) {
    throw new RangeError(
      `readIDX: shape [${shape.join(',')}] of ${type.name} makes a ${fileBytes}-byte file and a ${tensorBytes}-byte tensor, more than maxBytes (${maxBytes}); pass a larger maxBytes to read it`,
    );
  }
  return { type, shape, headerBytes, fileBytes };
}

/**
 * Parses an uncompressed IDX file. Integer element types give int32 tensors (labels; images as
 * 0..255 — convert with `.float()`), float types float32. Throws, naming the offset, on a bad magic
 * number, an unknown type, invalid dimensions (above 2^31 − 1, or overflowing when multiplied),
 * truncated data or bytes after the data, and when the file or the tensor would take more than
 * `maxBytes` (default 1 GiB) — checked before the tensor is allocated.
 *
 * @example const labels = readIDXSync(bytes); // e.g. [60000] int32
 */
export function readIDXSync(input: Uint8Array | ArrayBuffer, options: ReadIDXOptions = {}): Tensor {
  const { type, shape, data } = parseIDX(asBytes(input), options);
  const count = data.length / type.bytes;
  const values = type.float ? new Float32Array(count) : new Int32Array(count);
  if (type.name === 'uint8') {
    values.set(data); // one typed-array conversion, not a DataView read per element
  } else if (type.name === 'int8') {
    values.set(new Int8Array(data.buffer, data.byteOffset, count));
  } else {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < count; i++) values[i] = type.read(view, i * type.bytes);
  }
  return tensor(values, { shape });
}

/** An IDX file's element type, shape and element bytes (big-endian, not yet converted). */
export interface IDXBytes {
  type: (typeof TYPES)[number];
  shape: number[];
  data: Uint8Array;
}

/** Checks an uncompressed IDX file as {@link readIDXSync} does and returns its parts. */
function parseIDX(bytes: Uint8Array, options: ReadIDXOptions): IDXBytes {
  const { type, shape, headerBytes, fileBytes } = readHeader(bytes, maxBytesOf(options));
  if (bytes.length < fileBytes) {
    throw new RangeError(
      `readIDX: truncated: shape [${shape.join(',')}] of ${type.name} needs ${fileBytes} bytes, the file has ${bytes.length} (data from offset ${headerBytes})`,
    );
  }
  if (bytes.length > fileBytes) {
    throw new RangeError(
      `readIDX: ${bytes.length - fileBytes} trailing bytes: shape [${shape.join(',')}] of ${type.name} ends at offset ${fileBytes}, the file has ${bytes.length} bytes`,
    );
  }
  return { type, shape, data: bytes.subarray(headerBytes, fileBytes) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Inflates gzip data chunk by chunk with the runtime's DecompressionStream, checking the header as
 * soon as it has arrived, and stops as soon as the output passes the size the header declares.
 * Returns the decompressed file (possibly short: {@link readIDXSync} then reports the truncation).
 */
async function gunzipIDX(gzipped: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0); // the first bytes, until the header is complete
  let header: Header | undefined;
  let file: Uint8Array = head; // then the whole file, sized as the header declares
  let filled = 0;
  // The compressed bytes are fed in slices small enough that even deflate's largest expansion
  // (~1032:1) cannot overshoot the bytes still expected by much more than 1 MiB: some runtimes
  // (Deno) inflate a whole input chunk at once, so the input's slicing is what bounds the output.
  let fed = 0;
  const source = new ReadableStream<BufferSource>(
    {
      pull(controller) {
        if (fed >= gzipped.length) {
          controller.close();
          return;
        }
        const expected = header === undefined ? 0 : file.length - filled;
        const slice = Math.min(Math.max(Math.floor((expected + 2 ** 20) / 1032), 1024), 2 ** 20);
        controller.enqueue(gzipped.slice(fed, fed + slice));
        fed += slice;
      },
    },
    { highWaterMark: 0 },
  );
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
  try {
    for (;;) {
      let chunk: Uint8Array;
      try {
        const { done, value } = await reader.read();
        if (done) break;
        chunk = value;
      } catch (cause) {
        throw new RangeError('readIDX: the gzip data is corrupt or truncated', { cause });
      }
      if (header === undefined) {
        head = concat(head, chunk);
        if (!hasHeader(head)) continue;
        header = readHeader(head, maxBytes);
        file = new Uint8Array(header.fileBytes);
        chunk = head;
      }
      if (filled + chunk.length > file.length) {
        throw new RangeError(
          `readIDX: trailing bytes: shape [${header.shape.join(',')}] of ${header.type.name} ends at offset ${file.length}, the decompressed file has at least ${filled + chunk.length} bytes`,
        );
      }
      file.set(chunk, filled);
      filled += chunk.length;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return header === undefined ? head : file.subarray(0, filled);
}

/**
 * Parses an IDX file, raw or gzip-compressed (as MNIST is distributed), decompressing with the
 * runtime's DecompressionStream. Checks what {@link readIDXSync} checks; gzip data is inflated as a
 * stream that stops as soon as its output exceeds the size the header declares, so a small
 * compressed file cannot expand into a large allocation, and a header declaring more than
 * `maxBytes` (default 1 GiB) is rejected before anything is inflated past it.
 *
 * @example const images = (await readIDX(await readFile('train-images-idx3-ubyte.gz'))).float().div(255);
 * @example const huge = await readIDX(bytes, { maxBytes: 2 * 2 ** 30 }); // allow up to 2 GiB
 */
export async function readIDX(
  input: Uint8Array | ArrayBuffer,
  options: ReadIDXOptions = {},
): Promise<Tensor> {
  return readIDXSync(await inflateIDX(input, options), options);
}

/** The IDX file itself: `input` inflated if it is gzip data, else `input`. */
async function inflateIDX(input: Uint8Array | ArrayBuffer, options: ReadIDXOptions): Promise<Uint8Array> {
  const bytes = asBytes(input);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipIDX(bytes, maxBytesOf(options)) : bytes;
}

/**
 * For loaders in this package: {@link readIDX}'s checks and inflation, returning the element bytes
 * undecoded so that a caller can convert them straight into the tensor it wants.
 */
export async function readIDXBytes(
  input: Uint8Array | ArrayBuffer,
  options: ReadIDXOptions = {},
): Promise<IDXBytes> {
  return parseIDX(await inflateIDX(input, options), options);
}
