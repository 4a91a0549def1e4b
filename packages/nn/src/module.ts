import { checkOptions, describeValue, noGrad, Tensor } from '@myelin/tensor';

/** A module's parameters and buffers by dotted name (see {@link Module.stateDict}). */
export type StateDict = Map<string, Tensor>;

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Fail on missing or unexpected keys (default true). Shape mismatches always fail. */
  strict?: boolean;
}

/**
 * Base of every layer and model (PyTorch's nn.Module). A module owns its parameters (trainable
 * tensors), buffers (state such as running statistics) and child modules, registered explicitly:
 *
 * ```ts
 * class TwoLayer extends Module {
 *   fc1 = this.addModule('fc1', new Linear(4, 8));
 *   fc2 = this.addModule('fc2', new Linear(8, 2));
 *   forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * ```
 *
 * Parameters and buffers are long-lived (exempt from `tidy`); `dispose()` frees them.
 */
export abstract class Module {
  /**
   * The class's name as written, for messages and `summary()`: Myelin's layers set it because an
   * app's bundler may minify class names (`Linear` would print as `t`). Your own modules need not:
   * without it, {@link Module.typeName} is the class's runtime name.
   */
  static readonly layerName: string | undefined = undefined;

  /**
   * The module's type in messages and summaries: its class's `layerName`, else its class name.
   *
   * @example new Linear(2, 3).typeName // 'Linear'
   */
  get typeName(): string {
    const type = this.constructor as typeof Module;
    return Object.hasOwn(type, 'layerName') && type.layerName !== undefined ? type.layerName : type.name;
  }

  /** Whether the module is in training mode (Dropout, BatchNorm and StochasticDepth depend on it). */
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownModules = new Map<string, Module>();
  private readonly ownAliases = new Map<string, string>();

  /**
   * Computes the module's output: usually one tensor; a recurrent layer returns `[output, state]`, as
   * PyTorch's. Subclasses declare their exact signature (typed `any` here, like PyTorch's `forward`).
   */
  // biome-ignore lint/suspicious/noExplicitAny: each subclass declares its own inputs and outputs
  abstract forward(...inputs: any[]): any;

  /** Registers `tensor` as a trainable parameter named `name` (it gets requiresGrad and is kept). */
  protected addParameter(name: string, tensor: Tensor): Tensor {
    this.checkName(name);
    if (tensor.dtype !== 'float32')
      throw new TypeError(`${this.typeName}: parameter '${name}' must be float32`);
    tensor.keep();
    if (!tensor.requiresGrad) tensor.requiresGrad_(true);
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  /** Registers `tensor` as a buffer: state saved in the state dict but not trained. */
  protected addBuffer(name: string, tensor: Tensor): Tensor {
    this.checkName(name);
    this.ownBuffers.set(name, tensor.keep());
    return tensor;
  }

  /** Replaces a registered buffer's tensor (disposing the old one), e.g. after updating statistics. */
  protected setBuffer(name: string, tensor: Tensor): Tensor {
    const old = this.ownBuffers.get(name);
    if (old === undefined) throw new Error(`${this.typeName}: no buffer named '${name}'`);
    if (old !== tensor) old.dispose();
    this.ownBuffers.set(name, tensor.keep());
    return tensor;
  }

  /**
   * Lets {@link loadStateDict} accept `alias` as another name of the parameter or buffer `name`
   * (e.g. the name an earlier version saved it under); {@link stateDict} always uses `name`.
   *
   * @example this.addStateDictAlias('runningMean', 'running_mean');
   */
  protected addStateDictAlias(alias: string, name: string): void {
    this.checkName(alias);
    if (!this.ownParameters.has(name) && !this.ownBuffers.has(name))
      throw new Error(`${this.typeName}: alias '${alias}' names no parameter or buffer '${name}'`);
    this.ownAliases.set(alias, name);
  }

  /** Registers a child module named `name`. */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    if (!(module instanceof Module)) throw new TypeError(`${this.typeName}: child '${name}' is not a Module`);
    this.ownModules.set(name, module);
    return module;
  }

  private checkName(name: string): void {
    if (name === '' || name.includes('.'))
      throw new RangeError(`${this.typeName}: invalid name '${name}' (non-empty, no dots)`);
    if (
      this.ownParameters.has(name) ||
      this.ownBuffers.has(name) ||
      this.ownModules.has(name) ||
      this.ownAliases.has(name)
    ) {
      throw new Error(`${this.typeName}: '${name}' is already registered`);
    }
  }

  /** Direct children with their names. */
  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.ownModules.entries();
  }

  /** Direct children. */
  *children(): IterableIterator<Module> {
    yield* this.ownModules.values();
  }

  /** This module and all descendants with dotted names ('' for this one), each once. */
  *namedModules(prefix = '', seen = new Set<Module>()): IterableIterator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.ownModules)
      yield* child.namedModules(prefix === '' ? name : `${prefix}.${name}`, seen);
  }

  /**
   * Parameters with dotted names ('fc1.weight'), recursively; a parameter shared by several
   * modules appears once, under its first name.
   *
   * @example for (const [name, p] of model.namedParameters()) console.log(name, p.shape);
   */
  *namedParameters(): IterableIterator<[string, Tensor]> {
    yield* this.namedTensors('parameters');
  }

  /** All parameters, each once (what an optimizer takes). @example new Adam(model.parameters()) */
  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Buffers with dotted names, recursively. */
  *namedBuffers(): IterableIterator<[string, Tensor]> {
    yield* this.namedTensors('buffers');
  }

  /** All buffers. */
  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  private *namedTensors(kind: 'parameters' | 'buffers'): IterableIterator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      const own = kind === 'parameters' ? module.ownParameters : module.ownBuffers;
      for (const [name, t] of own) {
        if (seen.has(t)) continue;
        seen.add(t);
        yield [prefix === '' ? name : `${prefix}.${name}`, t];
      }
    }
  }

  /** Total number of parameter elements (shared parameters counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): Dropout off, BatchNorm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Parameters and buffers by dotted name (the module's own tensors, not copies: read them, do not
   * dispose them), in PyTorch's order: each module's own parameters, then its own buffers, then its
   * children's in registration order (BatchNorm: `weight`, `bias`, `running_mean`, `running_var`,
   * `num_batches_tracked`). Save it with `toSafetensors(model.stateDict())`, or the whole module with
   * `saveModule(model)` / `saveModuleFile(model, path)`.
   *
   * @example [...new Sequential(new Linear(2, 2), new BatchNorm1d(2)).stateDict().keys()] // ['0.weight', '0.bias', '1.weight', …]
   */
  stateDict(): StateDict {
    const state: StateDict = new Map();
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, t] of [...module.ownParameters, ...module.ownBuffers]) {
        if (seen.has(t)) continue;
        seen.add(t);
        state.set(prefix === '' ? name : `${prefix}.${name}`, t);
      }
    }
    return state;
  }

  /**
   * Copies values from `state` into the parameters and buffers of the same names. Everything is
   * checked first — missing or unexpected keys (when `strict`), shape or dtype mismatches — and on
   * any problem it throws one error listing them all and changes nothing. A key may also be an
   * alias a layer declares for an older name (BatchNorm's `runningMean` for `running_mean`), so
   * files saved by earlier versions still load.
   *
   * @example model.loadStateDict(parseSafetensors(bytes).tensors);
   */
  loadStateDict(
    state: ReadonlyMap<string, Tensor> | Record<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): void {
    const where = `${this.typeName}.loadStateDict`;
    checkOptions(where, options, ['strict']);
    const { strict = true } = options;
    if (typeof strict !== 'boolean')
      throw new TypeError(`${where}: strict must be true or false, got ${describeValue(strict)}`);
    if (typeof state !== 'object' || state === null)
      throw new TypeError(
        `${where}: expected a Map or an object of tensors by name, got ${describeValue(state)}`,
      );
    const given: ReadonlyMap<string, Tensor> =
      state instanceof Map ? state : new Map(Object.entries(state as Record<string, Tensor>));
    const own = this.stateDict();
    const problems: string[] = [];
    const incoming = this.resolveAliases(given, own, problems);
    const missing = [...own.keys()].filter((k) => !incoming.has(k));
    const unexpected = [...incoming.keys()].filter((k) => !own.has(k));
    if (strict && missing.length > 0) problems.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length > 0) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    for (const [name, target] of own) {
      const source = incoming.get(name);
      if (source === undefined) continue;
      if (!(source instanceof Tensor)) problems.push(`'${name}' is ${describeValue(source)}, not a tensor`);
      else if (source.isDisposed) problems.push(`'${name}' is a disposed tensor`);
      else if (source.dtype !== target.dtype)
        problems.push(`'${name}' has dtype ${source.dtype}, expected ${target.dtype}`);
      else if (
        source.shape.length !== target.shape.length ||
        source.shape.some((d, i) => d !== target.shape[i])
      ) {
        problems.push(
          `'${name}' has shape [${source.shape.join(',')}], expected [${target.shape.join(',')}]`,
        );
      }
    }
    if (problems.length > 0)
      throw new Error(`${this.typeName}.loadStateDict: ${problems.join('; ')} (nothing was loaded)`);
    noGrad(() => {
      for (const [name, target] of own) {
        const source = incoming.get(name);
        if (source === undefined) continue;
        target.copy_(source);
      }
    });
  }

  /** `state` with every alias key renamed to its current name; a key given under both goes into `problems`. */
  private resolveAliases(
    state: ReadonlyMap<string, Tensor>,
    own: StateDict,
    problems: string[],
  ): ReadonlyMap<string, Tensor> {
    const aliases = new Map<string, string>();
    for (const [prefix, module] of this.namedModules()) {
      const dotted = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
      for (const [alias, name] of module.ownAliases) aliases.set(dotted(alias), dotted(name));
    }
    if (aliases.size === 0) return state;
    const resolved = new Map<string, Tensor>();
    for (const [key, value] of state) {
      const name = own.has(key) ? undefined : aliases.get(key);
      if (name === undefined) resolved.set(key, value);
      else if (state.has(name)) problems.push(`'${key}' and '${name}' are the same tensor, given twice`);
      else resolved.set(name, value);
    }
    return resolved;
  }

  /** Frees all parameters and buffers of this module and its descendants. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const b of this.buffers()) b.dispose();
  }

  /** A one-line description of this module's configuration (e.g. `inFeatures=4, outFeatures=2`). */
  protected describe(): string {
    return '';
  }

  /** Shape of the last output computed by this module inside a Sequential, if any (for summaries). */
  lastOutputShape: readonly number[] | undefined;

  /**
   * A readable summary: the module tree with each layer's configuration, output shape (when a
   * forward pass through a Sequential has run) and parameter count, then the totals.
   */
  toString(): string {
    const lines: string[] = [];
    const render = (module: Module, name: string, depth: number) => {
      const own = [...module.ownParameters.values()].reduce((n, p) => n + p.size, 0);
      const label = `${'  '.repeat(depth)}${name === '' ? '' : `(${name}): `}${module.typeName}(${module.describe()})`;
      // The batch dimension varies between calls: shown as N.
      const shape = module.lastOutputShape ? `[${['N', ...module.lastOutputShape.slice(1)].join(', ')}]` : '';
      lines.push(
        `${label.padEnd(60)} ${shape.padEnd(16)} ${own > 0 ? own.toLocaleString('en-US') : ''}`.trimEnd(),
      );
      for (const [childName, child] of module.ownModules) render(child, childName, depth + 1);
    };
    render(this, '', 0);
    const total = this.numParameters();
    const trainable = this.parameters()
      .filter((p) => p.requiresGrad)
      .reduce((n, p) => n + p.size, 0);
    lines.push(
      `Total parameters: ${total.toLocaleString('en-US')} (trainable ${trainable.toLocaleString('en-US')})`,
    );
    return lines.join('\n');
  }
}
