// Issue 11 item 2 ("one kernel table"): every shipped build exports exactly the kernels of
// `kernelSignatures`, with the parameter and result types it lists, and nothing reads a build
// that does not match.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type KernelVariant, supportedVariants } from './features.js';
import { wasmBase64 as relaxedWasmBase64 } from './generated/wasm-relaxed.js';
import { wasmBase64 as relaxedThreadsBase64 } from './generated/wasm-relaxed-threads.js';
import { wasmBase64 as simdWasmBase64 } from './generated/wasm-simd.js';
import { wasmBase64 as simdThreadsBase64 } from './generated/wasm-simd-threads.js';
import { elementIndex, type KernelExports, kernelSignatures } from './kernel-table.js';
import { Kernels } from './kernels.js';
import { loadAllVariants } from './testing/harness.js';
import { readWasm } from './testing/wasm-reader.js';

// The threaded builds (issue 14) share the single-threaded builds' sources and must match the table too.
const BUILDS: Record<string, string> = {
  simd: simdWasmBase64,
  relaxed: relaxedWasmBase64,
  'simd-threads': simdThreadsBase64,
  'relaxed-threads': relaxedThreadsBase64,
};

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The wasm value type a table type compiles to (pointers are usize, an i32 in wasm32). */
function wasmType(type: string): string {
  return type === 'ptr' ? 'i32' : type;
}

const tableNames = Object.keys(kernelSignatures).sort();

describe.each(Object.keys(BUILDS))('the %s build', (build) => {
  const variant = build.replace('-threads', '') as KernelVariant;
  // Read from the bytes, so this runs in every runtime, whether or not it can compile the build.
  const bytes = decode(BUILDS[build]!);
  const wasm = readWasm(bytes);

  it('exports every kernel of the table, and nothing that is not in it', () => {
    const exported = [...wasm.functions.keys()].sort();
    expect(exported.filter((name) => !(name in kernelSignatures))).toEqual([]); // missing from the table
    expect(tableNames.filter((name) => !wasm.functions.has(name))).toEqual([]); // missing from the wasm
    expect(wasm.otherExports).toEqual(['memory']); // the imported memory, re-exported by asc
  });

  it('gives every kernel the parameter and result types of the table', () => {
    for (const [name, signature] of Object.entries(kernelSignatures)) {
      const type = wasm.functions.get(name);
      const want = {
        params: signature.params.map((p) => wasmType(p.slice(p.indexOf(':') + 1))),
        results: signature.result === 'void' ? [] : [wasmType(signature.result)],
      };
      expect({ name, ...type }).toEqual({ name, ...want });
    }
  });

  // This is what lets one SGEMM scratch per instance be shared: no JavaScript runs during a call.
  it('imports no functions, so JavaScript cannot run in the middle of a kernel call', () => {
    expect(wasm.importedFunctions).toEqual([]);
  });

  it('agrees with WebAssembly.Module.exports where this runtime compiles it', () => {
    if (!supportedVariants().includes(variant)) {
      // The relaxed build really uses relaxed SIMD (in Node 20 without its flag): the node-relaxed
      // test project checks it compiled.
      expect(() => new WebAssembly.Module(bytes)).toThrow(WebAssembly.CompileError);
      return;
    }
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
    const functions = exports.filter((e) => e.kind === 'function').map((e) => e.name);
    expect(functions.sort()).toEqual(tableNames);
    expect(exports.filter((e) => e.kind !== 'function')).toEqual([{ name: 'memory', kind: 'memory' }]);
  });
});

describe('a loaded kernels instance', async () => {
  const variants = await loadAllVariants();

  it.each(variants.map((k) => [k.variant, k] as const))(
    'has one function per table entry taking its number of parameters (%s build)',
    (_, kernels) => {
      for (const [name, signature] of Object.entries(kernelSignatures)) {
        const fn = (kernels.raw as unknown as Record<string, unknown>)[name];
        expect([name, typeof fn]).toEqual([name, 'function']);
        expect([name, (fn as (...args: number[]) => unknown).length]).toEqual([
          name,
          signature.params.length,
        ]);
      }
    },
  );

  it('refuses a module that lacks a kernel, or has one with other parameters, naming it', () => {
    const kernels = variants[0]!;
    const { where: _, ...withoutWhere } = kernels.raw;
    expect(() => new Kernels('simd', withoutWhere as unknown as KernelExports, kernels.memory)).toThrow(
      "loadKernels: the kernels module has no 'where' function; rebuild @myelin/kernels-wasm",
    );
    const wrongFill = { ...kernels.raw, fill: (out: number, n: number) => out + n };
    expect(() => new Kernels('simd', wrongFill as unknown as KernelExports, kernels.memory)).toThrow(
      "loadKernels: the kernels module's 'fill' takes 2 parameters, expected 3",
    );
  });
});

describe('KernelExports', () => {
  it('is derived from the table: one number per parameter, a number result unless void', () => {
    expectTypeOf<Parameters<KernelExports['unary']>>().toEqualTypeOf<
      [number, number, number, number, number]
    >();
    expectTypeOf<ReturnType<KernelExports['unary']>>().toEqualTypeOf<void>();
    expectTypeOf<Parameters<KernelExports['sumSquares']>>().toEqualTypeOf<[number, number]>();
    expectTypeOf<ReturnType<KernelExports['sumSquares']>>().toEqualTypeOf<number>();
    expectTypeOf<Parameters<KernelExports['sgemm']>['length']>().toEqualTypeOf<17>();
    expect(kernelSignatures.sgemm.params).toHaveLength(17);
  });
});

// Issue 11 item 6: memory reaches 4 GiB, so a pointer may be ≥ 2^31; `ptr >> 2` goes negative there.
describe('elementIndex', () => {
  it('converts pointers at and above 2 GiB to positive indices', () => {
    expect((2 ** 31) >> 2).toBeLessThan(0); // the defect the unsigned shift avoids
    expect(elementIndex(2 ** 31)).toBe(2 ** 29);
    expect(elementIndex(2 ** 31 + 12)).toBe(2 ** 29 + 3);
    expect(elementIndex(2 ** 32 - 4)).toBe(2 ** 30 - 1);
    expect(elementIndex(64)).toBe(16);
  });
});
