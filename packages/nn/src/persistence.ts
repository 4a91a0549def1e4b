// Saving and loading modules: safetensors bytes everywhere, files in Node and Deno.
import type { LoadStateDictOptions, Module } from './module.js';
import { readSafetensors, toSafetensors } from './safetensors.js';

/**
 * A module's parameters and buffers as safetensors bytes (save them to a file, a Blob, IndexedDB…).
 *
 * @example const blob = new Blob([saveModule(model)]); // browser download
 */
export function saveModule(module: Module, metadata: Record<string, string> = {}): Uint8Array {
  return toSafetensors(module.stateDict(), metadata);
}

/**
 * Loads safetensors bytes into a module. A corrupted, truncated or mismatched file throws a clear
 * error and leaves the module as it was.
 *
 * @example loadModule(model, new Uint8Array(await blob.arrayBuffer()));
 */
export function loadModule(
  module: Module,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadStateDictOptions = {},
): Record<string, string> {
  const { tensors, metadata } = readSafetensors(bytes, 'loadModule');
  try {
    module.loadStateDict(tensors, options);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
  return metadata;
}

async function fileSystem(): Promise<{
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  if (g.process?.versions?.node === undefined && g.Deno === undefined) {
    throw new Error(
      'saveModuleFile/loadModuleFile need Node or Deno; in a browser use saveModule()/loadModule() with a Blob',
    );
  }
  const specifier = 'node:fs/promises';
  return import(/* @vite-ignore */ specifier);
}

/** Writes a module to a .safetensors file (Node, Deno). @example await saveModuleFile(model, 'digits.safetensors') */
export async function saveModuleFile(
  module: Module,
  path: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  const fs = await fileSystem();
  await fs.writeFile(path, saveModule(module, metadata));
}

/** Reads a .safetensors file into a module (Node, Deno); see {@link loadModule}. @example await loadModuleFile(model, 'digits.safetensors') */
export async function loadModuleFile(
  module: Module,
  path: string,
  options: LoadStateDictOptions = {},
): Promise<Record<string, string>> {
  const fs = await fileSystem();
  return loadModule(module, await fs.readFile(path), options);
}
