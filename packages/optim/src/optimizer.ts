import { checkOptions, describeValue, fullLike, noGrad, Tensor, tensor } from '@myelin/tensor';
import { decodeOptimizerState, encodeOptimizerState } from './state-file.js';
import { describe, requireNonNegative } from './validate.js';

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** A group of parameters sharing options (any option not given falls back to the optimizer's defaults). */
export type ParamGroupInput<O> = { params: Iterable<Tensor> } & Partial<O>;

/** A resolved parameter group. */
export interface ParamGroup<O> {
  params: Tensor[];
  options: O;
}

/** Parameters to optimize: tensors, or groups of them with their own options. */
export type ParamsInput<O> = Iterable<Tensor> | readonly ParamGroupInput<O>[];

/** Per-parameter state: buffers (tensors owned by the optimizer) and numbers such as the step count. */
export type ParamState = Record<string, Tensor | number>;

/**
 * One entry of a parameter's state: a buffer shaped like the parameter that starts filled with
 * `fill`, a step count (a non-negative integer) or a 0/1 flag.
 */
export type StateEntry = { fill: number } | 'count' | 'flag';

/** The entries a parameter's state holds, by name (see {@link Optimizer.stateLayout}). */
export type StateLayout = Record<string, StateEntry>;

/**
 * What `saveState`/`loadState` need of a learning-rate scheduler: its name and plain-number state
 * (every {@link LRScheduler} and `ReduceLROnPlateau` is one).
 */
export interface SavableScheduler {
  readonly name: string;
  /** The optimizer it drives (checked to be the one saving or loading, when given). */
  readonly optimizer?: unknown;
  stateDict(): object;
  loadStateDict(state: Record<string, unknown>): void;
}

/** A serialisable snapshot of an optimizer (see {@link Optimizer.stateDict}). */
export interface OptimizerStateDict {
  /** State per parameter, keyed by its position across all groups. */
  state: Record<number, Record<string, number | { shape: number[]; data: number[] }>>;
  /** Each group's options and the positions of its parameters. */
  paramGroups: ({ params: number[] } & Record<string, unknown>)[];
}

function isGroupList<O>(params: ParamsInput<O>): params is readonly ParamGroupInput<O>[] {
  return (
    Array.isArray(params) &&
    params.length > 0 &&
    !(params[0] instanceof Tensor) &&
    typeof params[0] === 'object' &&
    params[0] !== null &&
    'params' in (params[0] as object)
  );
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

/** The parameter groups of `params`, each checked for unknown options and iterable `params`. */
function groupsOf<O>(name: string, params: ParamsInput<O>, keys: string[]): ParamGroupInput<O>[] {
  if (!isIterable(params) || params instanceof Tensor) {
    throw new TypeError(
      `${name}: params must be an iterable of tensors (e.g. model.parameters()) or an array of groups { params, ...options }, got ${describeValue(params)}`,
    );
  }
  if (!isGroupList(params)) return [{ params } as ParamGroupInput<O>];
  return params.map((group, g) => {
    checkOptions(`${name}: parameter group ${g}`, group, ['params', ...keys]);
    if (!isIterable(group?.params) || group.params instanceof Tensor) {
      throw new TypeError(
        `${name}: parameter group ${g} must have params, an iterable of tensors, got ${describeValue(group?.params)}`,
      );
    }
    return group;
  });
}

/**
 * Base of the optimizers: parameter groups whose missing options fall back to defaults, state
 * kept per parameter, `step()` running each parameter's fused update, `zeroGrad()`, a settable
 * learning rate and `stateDict()`/`loadStateDict()` to resume training exactly. Subclasses supply
 * the option checks, the state a parameter needs and the update.
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly paramGroups: ParamGroup<O>[];
  /** The options of groups that do not set their own: the optimizer's defaults with `options` applied. */
  readonly defaults: O;
  protected readonly state = new Map<Tensor, ParamState>();

  /**
   * Checks and resolves the parameter groups. `options` may hold only keys of `defaults` (a misspelt
   * option is an error, never silently ignored), each group only those and `params`.
   */
  protected constructor(
    /** Name used in error messages. */
    readonly name: string,
    params: ParamsInput<O>,
    defaults: O,
    options: Partial<O> | undefined,
  ) {
    const keys = Object.keys(defaults);
    checkOptions(name, options, keys);
    this.defaults = { ...defaults, ...options };
    const groups = groupsOf(name, params, keys);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((group, g) => {
      const { params: groupParams, ...overrides } = group;
      const options = { ...this.defaults, ...(overrides as unknown as Partial<O>) } as O;
      this.checkOptions(options);
      const list = [...groupParams];
      list.forEach((p, i) => {
        if (!(p instanceof Tensor) || p.isDisposed) {
          throw new TypeError(
            `${name}: parameter ${i} of group ${g} is ${p instanceof Tensor ? 'a disposed tensor' : describeValue(p)}, expected a tensor`,
          );
        }
        if (seen.has(p))
          throw new Error(`${name}: a parameter appears more than once (group ${g}, position ${i})`);
        seen.add(p);
        if (p.dtype !== 'float32' || !p.isContiguous) {
          throw new TypeError(
            `${name}: parameter ${i} of group ${g} must be a contiguous float32 tensor (shape [${p.shape.join(',')}])`,
          );
        }
      });
      return { params: list, options };
    });
    if (seen.size === 0) throw new Error(`${name}: got an empty list of parameters`);
  }

  /** The learning rate of the first group; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[0]!.options.lr;
  }

  set lr(value: number) {
    requireNonNegative(this.name, 'lr', value);
    for (const group of this.paramGroups) group.options.lr = value;
  }

  /** Validates a group's options; throws a RangeError naming the bad one. */
  protected checkOptions(options: O): void {
    requireNonNegative(this.name, 'lr', options.lr);
  }

  /** The update of one parameter with its gradient (contiguous, of the parameter's shape) and state. */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, options: O): void;

  /**
   * The entries a parameter's state holds under `options`: {@link initState} creates them and
   * {@link loadStateDict} requires exactly them.
   */
  protected abstract stateLayout(options: O): StateLayout;

  /** Buffers and counters a parameter starts with (created on its first step). */
  protected initState(param: Tensor, options: O): ParamState {
    const state: ParamState = {};
    for (const [name, entry] of Object.entries(this.stateLayout(options)))
      state[name] = typeof entry === 'string' ? 0 : fullLike(param, entry.fill).keep();
    return state;
  }

  /**
   * Updates every parameter that has a gradient (parameters without one are skipped, as in
   * PyTorch). Every gradient is checked first — a live float32 tensor of its parameter's shape —
   * so a bad one throws before anything changes. A non-contiguous gradient (e.g. an expanded
   * view) is copied to a contiguous one for the update.
   *
   * @example opt.zeroGrad(); loss.backward(); opt.step();
   */
  step(): void {
    this.checkGradients();
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (grad === null) continue;
          let state = this.state.get(param);
          if (state === undefined) {
            state = this.initState(param, group.options);
            this.state.set(param, state);
          }
          const dense = grad.isContiguous ? grad : grad.contiguous();
          try {
            this.update(param, dense, state, group.options);
          } finally {
            if (dense !== grad) dense.dispose();
          }
        }
      }
    });
  }

  /** Throws, naming the parameter, unless every parameter is live and every gradient fits it. */
  private checkGradients(): void {
    const where = `${this.name}.step`;
    this.paramGroups.forEach((group, g) => {
      group.params.forEach((param, i) => {
        // Named only when something is wrong: this runs for every parameter on every step.
        const which = () => `parameter ${i} of group ${g} (shape [${param.shape.join(',')}])`;
        if (param.isDisposed) throw new Error(`${where}: ${which()} was disposed`);
        const grad = param.grad;
        if (grad === null) return;
        if (grad.isDisposed) throw new Error(`${where}: the gradient of ${which()} was disposed`);
        if (grad.dtype !== 'float32')
          throw new TypeError(`${where}: the gradient of ${which()} is ${grad.dtype}, expected float32`);
        if (!sameShape(grad.shape, param.shape)) {
          throw new RangeError(
            `${where}: the gradient of ${which()} has shape [${grad.shape.join(',')}], expected the parameter's shape`,
          );
        }
      });
    });
  }

  /** Clears the gradients of all parameters (sets `.grad` to null, freeing it). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /**
   * A plain-data snapshot (JSON-serialisable) of the options and per-parameter state.
   *
   * @example const saved = JSON.stringify(opt.stateDict());
   */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const positions: number[] = [];
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s !== undefined) {
          state[index] = Object.fromEntries(
            Object.entries(s).map(([k, v]) => [
              k,
              typeof v === 'number' ? v : { shape: [...v.shape], data: Array.from(v.data()) },
            ]),
          );
        }
        positions.push(index++);
      }
      return { ...(group.options as object), params: positions };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a {@link stateDict} taken from an optimizer of the same kind over parameters of the
   * same shapes, in the same order. Everything is checked first — the groups and their options,
   * every state entry the options call for (buffers of the parameter's shape holding numbers, step
   * counts that are non-negative integers) and nothing else — so on any error it throws and the
   * optimizer is unchanged.
   *
   * @example opt.loadStateDict(JSON.parse(saved));
   */
  loadStateDict(dict: OptimizerStateDict): void {
    this.restore(dict, `${this.name}.loadStateDict`);
  }

  /**
   * The optimizer's state as safetensors bytes, to save beside the model's (`saveModule`) and
   * resume training exactly with {@link loadState}: every state buffer is an F32 tensor named
   * `state.<position>.<name>` (position across all groups, e.g. `state.0.expAvg`); step counts
   * (`state.0.step`), the optimizer's name and the groups' options (`param_groups`, JSON) are
   * `__metadata__` strings. The file opens with any safetensors reader.
   *
   * With `{ scheduler }` (an `LRScheduler` or `ReduceLROnPlateau` driving this optimizer) the
   * scheduler's `stateDict()` is saved too (`scheduler`, `scheduler_state` metadata), so that one
   * file resumes both, as PyTorch's checkpoint of `optimizer.state_dict()` and
   * `scheduler.state_dict()` does.
   *
   * @example await writeFile('adam.safetensors', opt.saveState({ scheduler }));
   */
  saveState(options: { scheduler?: SavableScheduler } = {}): Uint8Array {
    const where = `${this.name}.saveState`;
    const scheduler = this.schedulerOption(options, where);
    const saved = scheduler === null ? null : { name: scheduler.name, state: { ...scheduler.stateDict() } };
    return encodeOptimizerState(this.stateDict(), this.name, saved);
  }

  /**
   * Restores bytes written by {@link saveState} of an optimizer of the same kind over parameters of
   * the same shapes, in the same order. The file and everything in it are checked first, as by
   * {@link loadStateDict}; on any error it throws and the optimizer is unchanged. With
   * `{ scheduler }` the scheduler saved with the state (of the same kind) is restored as well.
   *
   * @example opt.loadState(await readFile('adam.safetensors'), { scheduler });
   */
  loadState(bytes: Uint8Array | ArrayBuffer, options: { scheduler?: SavableScheduler } = {}): void {
    const where = `${this.name}.loadState`;
    const scheduler = this.schedulerOption(options, where);
    const decoded = decodeOptimizerState(bytes, this.name, where);
    if (scheduler !== null) {
      if (decoded.scheduler === null)
        throw new RangeError(`${where}: the file holds no scheduler state (saved without { scheduler }?)`);
      if (decoded.scheduler.name !== scheduler.name)
        throw new RangeError(
          `${where}: the file holds the state of a ${describe(decoded.scheduler.name)} scheduler, expected ${scheduler.name}`,
        );
    }
    const before = this.stateDict();
    this.restore(decoded, where);
    if (scheduler === null || decoded.scheduler === null) return;
    try {
      scheduler.loadStateDict(decoded.scheduler.state);
    } catch (error) {
      this.restore(before, where); // all or nothing
      throw new RangeError(`${where}: the saved scheduler state does not fit: ${(error as Error).message}`);
    }
  }

  private schedulerOption(options: { scheduler?: SavableScheduler }, where: string): SavableScheduler | null {
    checkOptions(where, options, ['scheduler']);
    const { scheduler } = options;
    if (scheduler === undefined) return null;
    if (
      typeof scheduler?.stateDict !== 'function' ||
      typeof scheduler.loadStateDict !== 'function' ||
      typeof scheduler.name !== 'string'
    )
      throw new TypeError(
        `${where}: scheduler must be a learning-rate scheduler (e.g. new StepLR(opt, { stepSize: 10 })), got ${describe(scheduler)}`,
      );
    if (scheduler.optimizer !== undefined && scheduler.optimizer !== this)
      throw new RangeError(`${where}: the scheduler drives another optimizer than this ${this.name}`);
    return scheduler;
  }

  private restore(dict: OptimizerStateDict, where: string): void {
    if (!isRecord(dict))
      throw new TypeError(`${where}: expected an object { state, paramGroups }, got ${describe(dict)}`);
    const options = this.checkGroups(dict.paramGroups, where);
    const params = this.paramGroups.flatMap((g) => g.params);
    const optionsOf = this.paramGroups.flatMap((g, i) => g.params.map(() => options[i]!));
    const saved = dict.state as unknown;
    if (!isRecord(saved)) {
      throw new TypeError(
        `${where}: 'state' is ${describe(saved)}, expected an object keyed by parameter position`,
      );
    }
    for (const [key, entry] of Object.entries(saved)) {
      if (!/^(0|[1-9]\d{0,8})$/.test(key) || Number(key) >= params.length) {
        throw new RangeError(
          `${where}: state for parameter ${describe(key)}, but there are only ${params.length} (positions 0 to ${params.length - 1})`,
        );
      }
      const index = Number(key);
      this.checkParamState(entry, params[index]!, index, optionsOf[index]!, where);
    }
    const restored = new Map<Tensor, ParamState>();
    try {
      for (const [key, entry] of Object.entries(dict.state)) {
        const param = params[Number(key)]!;
        const s: ParamState = {};
        for (const [name, value] of Object.entries(entry))
          s[name] = typeof value === 'number' ? value : tensor(value.data, { shape: param.shape }).keep();
        restored.set(param, s);
      }
    } catch (error) {
      for (const s of restored.values()) disposeBuffers(s);
      throw error;
    }
    this.disposeState();
    for (const [p, s] of restored) this.state.set(p, s);
    options.forEach((o, i) => {
      this.paramGroups[i]!.options = o;
    });
  }

  /** Checks saved parameter groups against this optimizer's; returns each group's resolved options. */
  private checkGroups(groups: unknown, where: string): O[] {
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new Error(
        `${where}: expected ${this.paramGroups.length} parameter groups, got ${Array.isArray(groups) ? groups.length : describe(groups)}`,
      );
    }
    const defaults = this.defaults as unknown as Record<string, unknown>;
    let position = 0;
    return groups.map((group: unknown, i) => {
      const count = this.paramGroups[i]!.params.length;
      if (!isRecord(group))
        throw new TypeError(`${where}: group ${i} is ${describe(group)}, expected an object`);
      const { params: positions, ...given } = group;
      if (!Array.isArray(positions) || positions.length !== count) {
        throw new Error(
          `${where}: group ${i} has ${Array.isArray(positions) ? positions.length : 'no'} parameters, expected ${count}`,
        );
      }
      positions.forEach((p: unknown, j) => {
        if (p !== position + j) {
          throw new RangeError(
            `${where}: group ${i} lists parameter position ${describe(p)} at index ${j}, expected ${position + j}`,
          );
        }
      });
      position += count;
      for (const [key, value] of Object.entries(given)) {
        if (!Object.hasOwn(defaults, key))
          throw new RangeError(`${where}: group ${i} has an unknown option ${describe(key)}`);
        const expected = defaults[key];
        if (typeof value !== typeof expected || Array.isArray(value) !== Array.isArray(expected)) {
          throw new TypeError(
            `${where}: option '${key}' of group ${i} is ${describe(value)}, expected ${Array.isArray(expected) ? 'an array' : `a ${typeof expected}`}`,
          );
        }
        given[key] = Array.isArray(value) ? [...value] : value;
      }
      const options = { ...this.defaults, ...given } as O;
      try {
        this.checkOptions(options);
      } catch (error) {
        const reason = (error as Error).message.replace(`${this.name}: `, '');
        throw new RangeError(`${where}: group ${i}: ${reason}`, { cause: error });
      }
      return options;
    });
  }

  /** Checks one parameter's saved state: exactly the entries its layout names, each well-formed. */
  private checkParamState(entry: unknown, param: Tensor, index: number, options: O, where: string): void {
    const layout = this.stateLayout(options);
    if (!isRecord(entry))
      throw new TypeError(
        `${where}: the state of parameter ${index} is ${describe(entry)}, expected an object`,
      );
    const names = Object.keys(layout);
    for (const name of Object.keys(entry)) {
      if (!Object.hasOwn(layout, name)) {
        throw new RangeError(
          `${where}: unexpected state entry ${describe(name)} for parameter ${index} (expected ${names.join(', ') || 'none'} with these options)`,
        );
      }
    }
    for (const [name, kind] of Object.entries(layout)) {
      const value = entry[name];
      const what = `${where}: '${name}' of parameter ${index}`;
      if (value === undefined) throw new RangeError(`${what} is missing`);
      if (kind === 'count') {
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
          throw new RangeError(`${what} is ${describe(value)}, expected a non-negative integer`);
      } else if (kind === 'flag') {
        if (value !== 0 && value !== 1)
          throw new RangeError(`${what} is ${describe(value)}, expected 0 or 1`);
      } else {
        checkBuffer(value, param, what);
      }
    }
  }

  /** Frees the optimizer's state buffers (the optimizer can still step: state starts afresh). */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    for (const s of this.state.values()) disposeBuffers(s);
    this.state.clear();
  }
}

function disposeBuffers(state: ParamState): void {
  for (const v of Object.values(state)) if (typeof v !== 'number') v.dispose();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless `value` is a saved buffer `{ shape, data }` of `param`'s shape holding numbers. */
function checkBuffer(value: unknown, param: Tensor, what: string): void {
  if (!isRecord(value)) throw new TypeError(`${what} is ${describe(value)}, expected { shape, data }`);
  const { shape, data } = value;
  if (!Array.isArray(shape) || !sameShape(shape, param.shape)) {
    const found =
      Array.isArray(shape) && shape.length <= 8 ? `[${shape.map(describe).join(',')}]` : describe(shape);
    throw new RangeError(`${what} has shape ${found}, the parameter [${param.shape.join(',')}]`);
  }
  if (!Array.isArray(data) || data.length !== param.size) {
    throw new RangeError(
      `${what} has ${Array.isArray(data) ? `${data.length} values` : `data ${describe(data)}`}, expected an array of ${param.size} numbers`,
    );
  }
  const bad = data.findIndex((v) => typeof v !== 'number');
  if (bad !== -1)
    throw new TypeError(`${what} holds ${describe(data[bad])} at index ${bad}, expected numbers`);
}
