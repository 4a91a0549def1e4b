// A tiny reader of a WebAssembly binary's exported functions and their types, straight from the
// bytes: unlike WebAssembly.Module, it reads a build this runtime cannot compile (relaxed SIMD in
// Node 20 without its flag), and it sees parameter types, which the JavaScript API hides.

/** Value types by their binary encoding. */
const VALUE_TYPES: Record<number, string> = { 127: 'i32', 126: 'i64', 125: 'f32', 124: 'f64', 123: 'v128' };

export interface WasmFunctionType {
  params: string[];
  results: string[];
}

export interface WasmSummary {
  /** Exported functions by name, with their types. */
  functions: Map<string, WasmFunctionType>;
  /** Names of exports that are not functions (memories, tables, globals). */
  otherExports: string[];
  /** `module.name` of every imported function. */
  importedFunctions: string[];
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('wasm reader: unexpected end of module');
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  }
  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Reads the exported functions, other exports and imported functions of a module's bytes. */
export function readWasm(bytes: Uint8Array): WasmSummary {
  const r = new Reader(bytes);
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (header.some((b, i) => bytes[i] !== b)) throw new Error('wasm reader: not a version-1 wasm module');
  r.at = header.length;
  const types: WasmFunctionType[] = [];
  const functionTypes: number[] = []; // type index of every function, imported ones first
  const importedFunctions: string[] = [];
  const exports: { name: string; kind: number; index: number }[] = [];
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error('wasm reader: unsupported type form');
        const params = Array.from({ length: r.u32() }, () => VALUE_TYPES[r.byte()] ?? '?');
        const results = Array.from({ length: r.u32() }, () => VALUE_TYPES[r.byte()] ?? '?');
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const name = `${r.name()}.${r.name()}`;
        const kind = r.byte();
        if (kind === 0) {
          functionTypes.push(r.u32());
          importedFunctions.push(name);
        } else if (kind === 1) {
          r.byte();
          r.limits();
        } else if (kind === 2) {
          r.limits();
        } else if (kind === 3) {
          r.byte();
          r.byte();
        } else {
          throw new Error(`wasm reader: unsupported import kind ${kind}`);
        }
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) functionTypes.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) exports.push({ name: r.name(), kind: r.byte(), index: r.u32() });
    }
    r.at = end;
  }
  const functions = new Map<string, WasmFunctionType>();
  const otherExports: string[] = [];
  for (const { name, kind, index } of exports) {
    if (kind === 0) functions.set(name, types[functionTypes[index]!]!);
    else otherExports.push(name);
  }
  return { functions, otherExports, importedFunctions };
}
