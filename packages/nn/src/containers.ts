import type { Tensor } from '@myelin/tensor';
import { Module } from './module.js';

/**
 * Modules applied one after another; children are named '0', '1', ….
 *
 * @example
 * const model = new Sequential(new Linear(64, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10));
 * const logits = model.forward(x);
 */
export class Sequential extends Module {
  static override readonly layerName = 'Sequential';
  private readonly layers: Module[] = [];

  constructor(...modules: Module[] | [Module[]]) {
    super();
    const list = modules.length === 1 && Array.isArray(modules[0]) ? modules[0] : (modules as Module[]);
    for (const m of list) this.append(m);
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    this.layers.push(this.addModule(String(this.layers.length), module));
    return this;
  }

  /** The module at position `index` (negative counts from the end). */
  at(index: number): Module {
    const m = this.layers.at(index);
    if (m === undefined)
      throw new RangeError(`Sequential: no module at index ${index} (it has ${this.layers.length})`);
    return m;
  }

  get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.layers) {
      out = layer.forward(out);
      layer.lastOutputShape = out.shape;
    }
    return out;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }
}

/**
 * A list of modules whose parameters belong to the owner (no forward of its own).
 *
 * @example this.blocks = this.addModule('blocks', new ModuleList([new Linear(4, 4), new Linear(4, 4)]));
 */
export class ModuleList extends Module {
  static override readonly layerName = 'ModuleList';
  private readonly items: Module[] = [];

  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  append(module: Module): this {
    this.items.push(this.addModule(String(this.items.length), module));
    return this;
  }

  at(index: number): Module {
    const m = this.items.at(index);
    if (m === undefined)
      throw new RangeError(`ModuleList: no module at index ${index} (it has ${this.items.length})`);
    return m;
  }

  get length(): number {
    return this.items.length;
  }

  forward(): Tensor {
    throw new Error('ModuleList has no forward(): iterate over its modules');
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
}

/**
 * Modules by name, whose parameters belong to the owner (no forward of its own).
 *
 * @example const heads = new ModuleDict({ digits: new Linear(64, 10), parity: new Linear(64, 2) });
 */
export class ModuleDict extends Module {
  static override readonly layerName = 'ModuleDict';
  private readonly items = new Map<string, Module>();

  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [name, m] of Object.entries(modules)) this.set(name, m);
  }

  set(name: string, module: Module): this {
    this.items.set(name, this.addModule(name, module));
    return this;
  }

  get(name: string): Module {
    const m = this.items.get(name);
    if (m === undefined)
      throw new RangeError(
        `ModuleDict: no module named '${name}' (has: ${[...this.items.keys()].join(', ')})`,
      );
    return m;
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  forward(): Tensor {
    throw new Error('ModuleDict has no forward(): pick a module with get(name)');
  }
}
