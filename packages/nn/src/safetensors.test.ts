import { manualSeed, randn, tensor } from '@myelin/tensor';
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
});
