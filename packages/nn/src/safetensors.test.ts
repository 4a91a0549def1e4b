import { manualSeed, memory, randn, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Linear,
  loadModule,
  loadModuleFile,
  parseSafetensors,
  ReLU,
  Sequential,
  saveModule,
  saveModuleFile,
  toSafetensors,
} from './index.js';

/** A safetensors file assembled by hand: header JSON (space-padded to 8) and raw little-endian data. */
function handMade(headerJson: string, data: Uint8Array, pad = true): Uint8Array {
  let json = headerJson;
  while (pad && (8 + json.length) % 8 !== 0) json += ' ';
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('safetensors', () => {
  it('writes the reference layout: u64 LE header length, space-padded JSON, contiguous LE data', () => {
    const bytes = toSafetensors({ a: tensor([1, 2]), b: tensor([[7]], { dtype: 'int32' }) });
    const expected = handMade(
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[1,1],"data_offsets":[8,12]}}',
      new Uint8Array([...f32([1, 2]), 7, 0, 0, 0]),
    );
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    expect((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8).toBe(0);
  });

  it('parses files as PyTorch writes them, including I64, F64, F16 and BF16, with metadata', () => {
    const i64 = new Uint8Array(new BigInt64Array([3n, -4n]).buffer);
    const f64 = new Uint8Array(new Float64Array([0.25]).buffer);
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer); // 1, −2
    const bf16 = new Uint8Array(new Uint16Array([0x3f80]).buffer); // 1
    const data = new Uint8Array([...f32([1.5]), ...i64, ...f64, ...f16, ...bf16]);
    const header =
      '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"n":{"dtype":"I64","shape":[2],"data_offsets":[4,20]},' +
      '"d":{"dtype":"F64","shape":[1],"data_offsets":[20,28]},"h":{"dtype":"F16","shape":[2],"data_offsets":[28,32]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[32,34]}}';
    const { tensors, metadata } = parseSafetensors(handMade(header, data));
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('w')!.item()).toBe(1.5);
    expect(tensors.get('n')!.dtype).toBe('int32');
    expect(Array.from(tensors.get('n')!.data())).toEqual([3, -4]);
    expect(tensors.get('d')!.toArray()).toEqual([0.25]);
    expect(tensors.get('h')!.toArray()).toEqual([1, -2]);
    expect(tensors.get('b')!.toArray()).toEqual([1]);
  });

  it('round-trips a model (parameters and buffers) through bytes', () => {
    manualSeed(1);
    const make = () => new Sequential(new Linear(4, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 2));
    const a = make();
    a.forward(randn([5, 4])); // move BatchNorm's running statistics
    const b = make();
    const metadata = loadModule(b, saveModule(a, { note: 'test' }));
    expect(metadata).toEqual({ note: 'test' });
    for (const [name, t] of a.stateDict())
      expect(Array.from(b.stateDict().get(name)!.data())).toEqual(Array.from(t.data()));
  });

  it('corrupted, truncated or mismatched files throw clearly and change nothing', () => {
    const model = new Linear(2, 2);
    const before = Array.from(model.weight.data());
    const good = saveModule(model);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /too short for the 8-byte header length/],
      [good.subarray(0, 40), /header length \d+ exceeds the file/],
      [good.subarray(0, good.length - 4), /outside the \d+ data bytes \(truncated file\?\)/],
      [handMade('{"a": nope}', new Uint8Array()), /header is not valid JSON/],
      [
        handMade('{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)),
        /unsupported dtype "Q8"/,
      ],
      [
        handMade('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', new Uint8Array(8)),
        /needs 12 bytes, its offsets span 8/,
      ],
      [
        handMade('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Uint8Array(8)),
        /starts at byte 4, expected 0/,
      ],
      [saveModule(new Linear(3, 2)), /'weight' has shape \[2,3\], expected \[2,2\]/],
      [saveModule(new Linear(2, 2, { bias: false })), /missing keys: bias/],
    ];
    for (const [bytes, error] of cases) {
      expect(() => loadModule(model, bytes)).toThrow(error);
      expect(Array.from(model.weight.data())).toEqual(before);
    }
  });

  it('saves to and loads from files in Node and Deno', async () => {
    const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
    const a = new Linear(3, 1);
    if (g.process?.versions?.node === undefined && g.Deno === undefined) {
      await expect(saveModuleFile(a, 'x.safetensors')).rejects.toThrow(
        /need Node or Deno; in a browser use saveModule/,
      );
      return;
    }
    const { tmpdir } = await import(/* @vite-ignore */ 'node:os');
    const path = `${tmpdir()}/myelin-test-${Date.now()}.safetensors`;
    await saveModuleFile(a, path, { epoch: '3' });
    const b = new Linear(3, 1);
    expect(await loadModuleFile(b, path)).toEqual({ epoch: '3' });
    expect(Array.from(b.weight.data())).toEqual(Array.from(a.weight.data()));
  });

  describe("follows the format's validation rules, creating no tensor on failure (issue 12 #12)", () => {
    /** Expects `fn` to throw `error` and to leave no tensor or byte behind. */
    const expectThrowsWithoutLeak = (fn: () => unknown, error: RegExp) => {
      const before = memory();
      expect(fn).toThrow(error);
      expect(memory().tensors).toBe(before.tensors);
      expect(memory().bytes).toBe(before.bytes);
    };
    const entry = (dtype: string, shape: string, offsets: string) =>
      `{"dtype":${dtype},"shape":${shape},"data_offsets":${offsets}}`;
    const one = (e: string, data = new Uint8Array(4)) => handMade(`{"a":${e}}`, data);
    const withByte = (bytes: Uint8Array, at: number, value: number) => {
      bytes[at] = value;
      return bytes;
    };
    const deep = (inner: string) => `${'['.repeat(100_000)}${inner}${']'.repeat(100_000)}`;

    it('an I64 value outside int32 fails after a good tensor, leaking nothing (also through loadModule)', () => {
      const big = new Uint8Array(new BigInt64Array([2n ** 40n]).buffer);
      const header = `{"a":${entry('"F32"', '[1]', '[0,4]')},"n":${entry('"I64"', '[1]', '[4,12]')}}`;
      expectThrowsWithoutLeak(
        () => parseSafetensors(handMade(header, new Uint8Array([...f32([1]), ...big]))),
        /^parseSafetensors: tensor "n" holds the I64 value 1099511627776 at index 0, which does not fit in int32$/,
      );
      const model = new Linear(1, 1);
      const before = model.weight.item();
      const file = handMade(
        `{"weight":${entry('"F32"', '[1,1]', '[0,4]')},"bias":${entry('"I64"', '[1]', '[4,12]')}}`,
        new Uint8Array([...f32([7]), ...big]),
      );
      expectThrowsWithoutLeak(
        () => loadModule(model, file),
        /^loadModule: tensor "bias" holds the I64 value/,
      );
      expect(model.weight.item()).toBe(before);
    });

    it('never stringifies untrusted values whole: a dtype nested 100,000 deep gives a short message', () => {
      expectThrowsWithoutLeak(
        () => parseSafetensors(one(entry(deep('"F32"'), '[1]', '[0,4]'))),
        /^parseSafetensors: tensor "a" has unsupported dtype an array of 1 \(expected one of F32, /,
      );
      expectThrowsWithoutLeak(
        () => parseSafetensors(one(entry('"F32"', deep('1'), '[0,4]'))),
        /has shape \[an array of 1\], expected an array of non-negative integers/,
      );
      expectThrowsWithoutLeak(
        () => parseSafetensors(one(entry('"F32"', '[1]', deep('0')))),
        /has data_offsets \[an array of 1\], expected \[begin, end\]/,
      );
      const long = 'x'.repeat(100_000);
      const error = (() => {
        try {
          parseSafetensors(one(entry(`"${long}"`, '[1]', '[0,4]')));
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(error!.length).toBeLessThan(300);
    });

    const REJECTED: [string, Uint8Array, RegExp][] = [
      [
        'data_offsets {}',
        one(entry('"F32"', '[1]', '{}')),
        /tensor "a" has data_offsets an object, expected \[begin, end\]/,
      ],
      ['data_offsets 5', one(entry('"F32"', '[1]', '5')), /tensor "a" has data_offsets 5, expected/],
      ['3-entry data_offsets', one(entry('"F32"', '[1]', '[0,4,4]')), /has data_offsets \[0,4,4\], expected/],
      ['string data_offsets', one(entry('"F32"', '[1]', '["0",4]')), /has data_offsets \["0",4\]/],
      [
        'reversed data_offsets',
        one(entry('"F32"', '[1]', '[4,0]')),
        /has data_offsets \[4,0\], expected \[begin, end\] with 0 <= begin <= end/,
      ],
      ['a missing data_offsets', one('{"dtype":"F32","shape":[1]}'), /has data_offsets undefined/],
      [
        'a shape [0, 1e300]',
        one(entry('"F32"', '[0,1e300]', '[0,0]'), new Uint8Array()),
        /has shape \[0,1e\+300\], expected/,
      ],
      [
        'a fractional dim',
        one(entry('"F32"', '[1.5]', '[0,4]')),
        /has shape \[1.5\], expected an array of non-negative integers/,
      ],
      ['a negative dim', one(entry('"F32"', '[-1]', '[0,4]')), /has shape \[-1\]/],
      ['a shape that is not an array', one(entry('"F32"', '"1"', '[0,4]')), /has shape "1"/],
      [
        'a byte count past 2^53',
        one(entry('"F32"', '[4294967296,4294967296]', '[0,4]')),
        /has more bytes than can be addressed/,
      ],
      [
        'a dtype from Object.prototype',
        one(entry('"toString"', '[1]', '[0,4]')),
        /unsupported dtype "toString"/,
      ],
      ['a tensor entry that is not an object', one('5'), /tensor "a" is described by 5, expected an object/],
      [
        'a non-string metadata value',
        handMade('{"__metadata__":{"epoch":3}}', new Uint8Array()),
        /__metadata__ "epoch" is 3, expected a string/,
      ],
      [
        'metadata that is an array',
        handMade('{"__metadata__":["x"]}', new Uint8Array()),
        /__metadata__ is an array of 1, expected an object of strings/,
      ],
      [
        'a duplicate tensor',
        handMade(
          `{"a":${entry('"F32"', '[1]', '[0,4]')},"a":${entry('"F32"', '[1]', '[0,4]')}}`,
          new Uint8Array(4),
        ),
        /the header has the key "a" twice/,
      ],
      [
        'a duplicate, spelt with an escape',
        handMade(
          `{"a":${entry('"F32"', '[1]', '[0,4]')},"\\u0061":${entry('"F32"', '[1]', '[0,4]')}}`,
          new Uint8Array(4),
        ),
        /the key "a" twice/,
      ],
      [
        'a duplicate field',
        one('{"dtype":"F32","shape":[1],"dtype":"I32","data_offsets":[0,4]}'),
        /the key "dtype" twice/,
      ],
      [
        'a duplicate metadata key',
        handMade('{"__metadata__":{"k":"1","k":"2"}}', new Uint8Array()),
        /the key "k" twice/,
      ],
      [
        'a byte-order mark',
        handMade(`\uFEFF{"a":${entry('"F32"', '[1]', '[0,4]')}}`, new Uint8Array(4)),
        /must start with '\{', found a UTF-8 byte-order mark/,
      ],
      ['an empty header', handMade('', new Uint8Array(), false), /must start with '\{'/],
      ['a JSON array header', handMade('[1]', new Uint8Array()), /must start with '\{'/],
      [
        'overlapping tensors',
        handMade(
          `{"a":${entry('"F32"', '[1]', '[0,4]')},"b":${entry('"F32"', '[1]', '[2,6]')}}`,
          new Uint8Array(6),
        ),
        /tensor "b" starts at byte 2, expected 4 \(gap or overlap\)/,
      ],
      [
        'a gap',
        handMade(
          `{"a":${entry('"F32"', '[1]', '[0,4]')},"b":${entry('"F32"', '[1]', '[8,12]')}}`,
          new Uint8Array(12),
        ),
        /starts at byte 8, expected 4/,
      ],
      [
        'data beyond the tensors',
        one(entry('"F32"', '[1]', '[0,4]'), new Uint8Array(8)),
        /the tensors cover 4 of 8 data bytes/,
      ],
      [
        'a byte length not matching the shape',
        one(entry('"BF16"', '[1]', '[0,4]')),
        /shape \[1\] and dtype BF16 needs 2 bytes, its offsets span 4/,
      ],
      [
        'invalid UTF-8',
        withByte(handMade('{"a":{}}', new Uint8Array()), 10, 0xff),
        /the header is not valid UTF-8/,
      ],
    ];
    it.each(REJECTED)('rejects %s with a clear error', (_, bytes, error) => {
      expectThrowsWithoutLeak(() => parseSafetensors(bytes), error);
    });

    it('rejects a header length beyond the file or over 100 MB before reading it', () => {
      const absurd = new Uint8Array(64);
      new DataView(absurd.buffer).setBigUint64(0, 2n ** 62n, true);
      expect(() => parseSafetensors(absurd)).toThrow(
        /^parseSafetensors: the header length 4611686018427387904 is over the 100000000-byte limit/,
      );
      new DataView(absurd.buffer).setBigUint64(0, 100_000_001n, true);
      expect(() => parseSafetensors(absurd)).toThrow(/is over the 100000000-byte limit/);
      new DataView(absurd.buffer).setBigUint64(0, 57n, true);
      expect(() => parseSafetensors(absurd)).toThrow(/the header length 57 exceeds the file \(64 bytes\)/);
      expect(() => parseSafetensors('abc' as never)).toThrow(
        /expected a Uint8Array or ArrayBuffer, got "abc"/,
      );
    });

    it('accepts tensors listed out of offset order and null metadata, as the reference does', () => {
      const header = `{"__metadata__":null,"b":${entry('"F32"', '[1]', '[4,8]')},"a":${entry('"F32"', '[1]', '[0,4]')},"e":${entry('"F32"', '[0,3]', '[8,8]')}}`;
      const { tensors, metadata } = parseSafetensors(handMade(header, f32([1, 2])));
      expect(metadata).toEqual({});
      expect(tensors.get('a')!.item()).toBe(1);
      expect(tensors.get('b')!.item()).toBe(2);
      expect(tensors.get('e')!.shape).toEqual([0, 3]);
      for (const t of tensors.values()) t.dispose();
    });
  });
});
