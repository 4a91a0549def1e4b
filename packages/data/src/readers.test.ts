import { describe, expect, it } from 'vitest';
import { readCSV, readIDX, readIDXSync } from './index.js';

/** An IDX file: magic, type, dims, big-endian data. */
function idx(
  type: number,
  shape: number[],
  values: number[],
  bytesPer: number,
  write: (v: DataView, at: number, x: number) => void,
): Uint8Array {
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + values.length * bytesPer);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d);
  for (const [i, x] of values.entries()) write(view, header + i * bytesPer, x);
  return bytes;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('readCSV', () => {
  const text = 'a,b,label\n1,2,0\n3.5,-4,1\n\n5,6e2,2\n';

  it('parses features and an integer label column by name or index', () => {
    const { x, y, columns } = readCSV(text, { labelColumn: 'label' });
    expect(x.toArray()).toEqual([
      [1, 2],
      [3.5, -4],
      [5, 600],
    ]);
    expect(y!.dtype).toBe('int32');
    expect(Array.from(y!.data())).toEqual([0, 1, 2]);
    expect(columns).toEqual(['a', 'b']);
    expect(readCSV('1;2\n3;4', { header: false, delimiter: ';', labelColumn: 0 }).y!.toArray()).toEqual([
      1, 3,
    ]);
    expect(readCSV(new TextEncoder().encode(text)).x.shape).toEqual([3, 3]);
    expect(readCSV('"x","y"\n"1.5","2"\n', { labelColumn: 'y' }).x.toArray()).toEqual([[1.5]]);
  });

  it('reports ragged rows and non-numeric cells by line', () => {
    expect(() => readCSV('a,b\n1,2\n3\n')).toThrow('readCSV: line 3 has 1 fields, expected 2');
    expect(() => readCSV('a,b\n1,x\n')).toThrow(`readCSV: line 2, column 'b': "x" is not a number`);
    expect(() => readCSV('a,b\n1,\n')).toThrow(/line 2, column 'b': "" is not a number/);
    expect(() => readCSV('a,b\n1,2', { labelColumn: 'c' })).toThrow(
      /label column "c" not found \(columns: a, b\)/,
    );
    expect(() => readCSV('\n\n')).toThrow('readCSV: the input has no rows');
  });
});

describe('readCSV strictness (issue 12 #13)', () => {
  it('rejects integer labels outside int32 instead of wrapping them', () => {
    // Before: 3000000000 became -1294967296.
    expect(() => readCSV('a,y\n1,0\n2,3000000000\n', { labelColumn: 'y' })).toThrow(
      "readCSV: line 3, column 'y': the label 3000000000 is outside the int32 range [-2147483648, 2147483647]",
    );
    expect(() => readCSV('a,y\n1,-2147483649\n', { labelColumn: 'y' })).toThrow(/outside the int32 range/);
    const edges = readCSV('a,y\n1,2147483647\n2,-2147483648\n', { labelColumn: 'y' }).y!;
    expect(edges.dtype).toBe('int32');
    expect(Array.from(edges.data())).toEqual([2147483647, -2147483648]);
  });

  it('rejects values beyond float32 range instead of making them infinite', () => {
    // Before: 1e39 became Infinity in x.
    expect(() => readCSV('a,b\n1,1e39\n')).toThrow(
      "readCSV: line 2, column 'b': 1e39 is outside the float32 range",
    );
    expect(() => readCSV('a,b\n-1e39,1\n')).toThrow(/line 2, column 'a': -1e39 is outside the float32 range/);
    expect(() => readCSV('a,y\n1,0.5\n2,4e38\n', { labelColumn: 'y' })).toThrow(
      /line 3, column 'y': 4e38 is outside the float32 range/,
    );
    expect(readCSV('a\n3.4e38\n-1e-50\n').x.toArray()).toEqual([[Math.fround(3.4e38)], [-0]]);
  });

  it('accepts only strict decimal numbers', () => {
    // Before: Number() read 0x1F, 0b11 and 0o7 as 31, 3 and 7.
    for (const cell of [
      '0x1F',
      '0b11',
      '0o7',
      '1e',
      '1e+',
      '.',
      '+',
      '1.2.3',
      '1_000',
      '--1',
      'NaN',
      'inf',
      '-Infinity',
    ]) {
      expect(() => readCSV(`a\n${cell}\n`), cell).toThrow(
        `readCSV: line 2, column 'a': ${JSON.stringify(cell)} is not a number`,
      );
    }
    expect(readCSV('a,b,c,d,e,f\n+1,-.5,2.,1E+3,  7  ,-0.25e-2\n').x.toArray()).toEqual([
      [1, -0.5, 2, 1000, 7, Math.fround(-0.0025)],
    ]);
  });

  it('follows RFC 4180 quoting in the header and in data rows', () => {
    // Before: a quoted header field holding a comma was split in two and the row counted as ragged.
    const quoted = readCSV('"size, cm","say ""hi""",label\n"1.5",2,0\n3,"4",1\n', { labelColumn: 'label' });
    expect(quoted.columns).toEqual(['size, cm', 'say "hi"']);
    expect(quoted.x.toArray()).toEqual([
      [1.5, 2],
      [3, 4],
    ]);
    // A line break inside quotes belongs to the field; errors still name the physical line.
    const multiline = readCSV('"two\nlines",b\r\n1,2\r\n3,4\r\n');
    expect(multiline.columns).toEqual(['two\nlines', 'b']);
    expect(multiline.x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => readCSV('"two\r\nlines",b\r\n1,2\r\n3,x\r\n')).toThrow(
      `readCSV: line 4, column 'b': "x" is not a number`,
    );
    expect(() => readCSV('a,b\n"1\n",2\n3\n')).toThrow('readCSV: line 4 has 1 fields, expected 2');
    // Other delimiters, blanks around quotes, a byte-order mark, empty and CR-only lines.
    expect(readCSV('\uFEFF"a;b"\t "c"\n\n1\t2\r\r\n', { delimiter: '\t' }).columns).toEqual(['a;b', 'c']);
    expect(readCSV(new TextEncoder().encode('\uFEFFa,b\n1,2')).columns).toEqual(['a', 'b']);
  });

  it('reports broken quoting and unusable delimiters by line', () => {
    expect(() => readCSV('a,b\n1,2\n"3,4\n5,6\n')).toThrow('readCSV: line 3: a quoted field is never closed');
    expect(() => readCSV('a,b\n"1"2,3\n')).toThrow(/readCSV: line 2: unexpected "2" after a closing quote/);
    expect(() => readCSV('a,b"c\n1,2\n')).toThrow(/readCSV: line 1: a quote inside an unquoted field/);
    expect(() => readCSV('a\n1', { delimiter: '' })).toThrow(/readCSV: delimiter "" is not usable/);
    expect(() => readCSV('a\n1', { delimiter: '"' })).toThrow(/delimiter "\\"" is not usable/);
  });
});

describe('readIDX', () => {
  it('round-trips a tiny uint8 image file and an int32 label file, raw and gzipped', async () => {
    const images = idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 255, 6, 7, 8, 9, 10, 11], 1, (v, at, x) =>
      v.setUint8(at, x),
    );
    const t = readIDXSync(images);
    expect(t.shape).toEqual([2, 2, 3]);
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [
        [0, 1, 2],
        [3, 4, 255],
      ],
      [
        [6, 7, 8],
        [9, 10, 11],
      ],
    ]);
    const fromGzip = await readIDX(await gzip(images));
    expect(fromGzip.toArray()).toEqual(t.toArray());
    const labels = idx(0x0c, [3], [7, -1, 70000], 4, (v, at, x) => v.setInt32(at, x));
    expect(Array.from(readIDXSync(labels).data())).toEqual([7, -1, 70000]);
    const floats = idx(0x0d, [2], [0.5, -2.25], 4, (v, at, x) => v.setFloat32(at, x));
    expect((await readIDX(floats.buffer as ArrayBuffer)).toArray()).toEqual([0.5, -2.25]);
  });

  it('rejects wrong magic, unknown types and truncated data with offsets', async () => {
    expect(() => readIDXSync(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]))).toThrow(
      /wrong magic number 0x01000801/,
    );
    expect(() => readIDXSync(new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 1, 5]))).toThrow(
      'readIDX: unknown element type 0x42 at offset 2',
    );
    const truncated = idx(0x08, [4], [1, 2, 3, 4], 1, (v, at, x) => v.setUint8(at, x)).subarray(0, 10);
    expect(() => readIDXSync(truncated)).toThrow(
      'readIDX: truncated: shape [4] of uint8 needs 12 bytes, the file has 10 (data from offset 8)',
    );
    expect(() => readIDXSync(new Uint8Array([0, 0, 8, 3, 0, 0]))).toThrow(/declares 3 dimensions/);
    const gz = await gzip(idx(0x08, [2], [1, 2], 1, (v, at, x) => v.setUint8(at, x)));
    await expect(readIDX(gz.subarray(0, gz.length - 6))).rejects.toThrow(/gzip data is corrupt or truncated/);
  });
});

describe('readIDX strictness (issue 12 #14)', () => {
  const u8 = (shape: number[], values: number[]) =>
    idx(0x08, shape, values, 1, (v, at, x) => v.setUint8(at, x));

  it('rejects bytes after the data, raw and gzipped', async () => {
    // Before: anything after the declared data was silently ignored.
    const extra = new Uint8Array([...u8([2], [1, 2]), 99]);
    expect(() => readIDXSync(extra)).toThrow(
      'readIDX: 1 trailing bytes: shape [2] of uint8 ends at offset 10, the file has 11 bytes',
    );
    await expect(readIDX(await gzip(extra))).rejects.toThrow(
      'readIDX: trailing bytes: shape [2] of uint8 ends at offset 10, the decompressed file has at least 11 bytes',
    );
  });

  it('rejects dimensions above 2^31 - 1 and shapes whose product overflows, even when empty', () => {
    // Before: [2^31] with no data gave a truncation error only by luck, and [2^32 - 1, 0] was accepted.
    expect(() => readIDXSync(u8([2 ** 32 - 1, 0], []))).toThrow(
      'readIDX: dimension 0 (offset 4) is 4294967295, -1 as a signed 32-bit integer (expected 0 to 2147483647)',
    );
    expect(() => readIDXSync(u8([3, 2 ** 31], []))).toThrow(/dimension 1 \(offset 8\) is 2147483648/);
    const big = 2 ** 31 - 1;
    expect(() => readIDXSync(u8([big, big, big, 0], []))).toThrow(
      `readIDX: shape [${big},${big},${big},0] overflows: its sizes multiply to more than 2^53 - 1 elements`,
    );
    const empty = readIDXSync(u8([big, 0], []));
    expect(empty.shape).toEqual([big, 0]);
    expect(empty.size).toBe(0);
  });

  it('checks the declared size against maxBytes (default 1 GiB) before reading the data', async () => {
    // Before: there was no cap, and a header without its data was only reported as truncated.
    const header = u8([60000, 28, 28], []);
    expect(() => readIDXSync(header, { maxBytes: 1e6 })).toThrow(
      'readIDX: shape [60000,28,28] of uint8 makes a 47040016-byte file and a 188160000-byte tensor, more than maxBytes (1000000); pass a larger maxBytes to read it',
    );
    // The tensor (int32, 4 bytes per uint8 element) counts as well as the file.
    expect(() => readIDXSync(u8([4], [1, 2, 3, 4]), { maxBytes: 12 })).toThrow(
      /16-byte tensor, more than maxBytes \(12\)/,
    );
    expect(readIDXSync(u8([4], [1, 2, 3, 4]), { maxBytes: 16 }).shape).toEqual([4]);
    // The default: 3e8 uint8 elements make a 300 MB file but a 1.2 GB tensor.
    await expect(readIDX(await gzip(u8([300_000_000], [])))).rejects.toThrow(
      /more than maxBytes \(1073741824\)/,
    );
    expect(() => readIDXSync(u8([1], [1]), { maxBytes: -1 })).toThrow(
      'readIDX: maxBytes must be a non-negative number, got -1',
    );
  });

  it('stops inflating a gzip bomb as soon as it passes the declared size', async () => {
    // Before: a small gzip file was inflated whole (7.3 GiB for a 1 MiB bomb) before any check.
    const inflated = new Uint8Array(8 * 2 ** 20); // 8 MiB: the 24-byte file, then zeros
    inflated.set(u8([16], []));
    const bomb = await gzip(inflated);
    expect(bomb.length).toBeLessThan(2 ** 16);
    const error = await readIDX(bomb).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^readIDX: trailing bytes: shape \[16\] of uint8 ends at offset 24/);
    const seen = Number(/at least (\d+) bytes/.exec(error!.message)![1]);
    expect(seen).toBeLessThan(2 ** 20); // stopped after a chunk or so, not after 8 MiB
  });
});
