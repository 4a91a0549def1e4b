import { noGrad, type Tensor, tensor } from '@myelin/tensor';
import { requireNonNegative } from './validate.js';

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
    !(params[0] as object as Tensor).shape &&
    'params' in (params[0] as object)
  );
}

/**
 * Base of the optimizers: parameter groups whose missing options fall back to defaults, state
 * kept per parameter, `step()` running each parameter's fused update, `zeroGrad()`, a settable
 * learning rate and `stateDict()`/`loadStateDict()` to resume training exactly. Subclasses supply
 * the option checks, the state a parameter needs and the update.
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly paramGroups: ParamGroup<O>[];
  protected readonly state = new Map<Tensor, ParamState>();

  protected constructor(
    /** Name used in error messages. */
    readonly name: string,
    params: ParamsInput<O>,
    readonly defaults: O,
  ) {
    const groups: ParamGroupInput<O>[] = isGroupList(params)
      ? [...params]
      : [{ params } as ParamGroupInput<O>];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((group, g) => {
      const { params: groupParams, ...overrides } = group;
      const options = { ...defaults, ...(overrides as unknown as Partial<O>) } as O;
      this.checkOptions(options);
      const list = [...groupParams];
      list.forEach((p, i) => {
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
    requireNonNegative(this.name, 'learning rate', value);
    for (const group of this.paramGroups) group.options.lr = value;
  }

  /** Validates a group's options; throws a RangeError naming the bad one. */
  protected checkOptions(options: O): void {
    requireNonNegative(this.name, 'learning rate', options.lr);
  }

  /** The update of one parameter with its (contiguous) gradient and state. */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, options: O): void;

  /** Buffers and counters a parameter starts with (created on its first step). */
  protected abstract initState(param: Tensor, options: O): ParamState;

  /**
   * Updates every parameter that has a gradient (parameters without one are skipped, as in
   * PyTorch).
   *
   * @example opt.zeroGrad(); loss.backward(); opt.step();
   */
  step(): void {
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
          this.update(param, grad, state, group.options);
        }
      }
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
   * Restores a {@link stateDict} taken from an optimizer over parameters of the same shapes, in
   * the same order. Checks everything first: on any mismatch it throws and changes nothing.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const groups = dict?.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new Error(
        `${this.name} loadStateDict: expected ${this.paramGroups.length} parameter groups, got ${Array.isArray(groups) ? groups.length : 'none'}`,
      );
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    groups.forEach((g, i) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[i]!.params.length) {
        throw new Error(
          `${this.name} loadStateDict: group ${i} has ${g.params?.length ?? 'no'} parameters, expected ${this.paramGroups[i]!.params.length}`,
        );
      }
      const { params: _positions, ...options } = g;
      this.checkOptions({ ...this.defaults, ...options } as O);
    });
    const restored = new Map<Tensor, ParamState>();
    try {
      for (const [key, entry] of Object.entries(dict.state ?? {})) {
        const param = params[Number(key)];
        if (param === undefined)
          throw new Error(
            `${this.name} loadStateDict: state for parameter ${key}, but there are only ${params.length}`,
          );
        const s: ParamState = {};
        for (const [name, value] of Object.entries(entry)) {
          if (typeof value === 'number') {
            s[name] = value;
          } else {
            const sameShape =
              value.shape.length === param.ndim && value.shape.every((d, j) => d === param.shape[j]);
            if (!sameShape) {
              throw new Error(
                `${this.name} loadStateDict: '${name}' of parameter ${key} has shape [${value.shape.join(',')}], the parameter [${param.shape.join(',')}]`,
              );
            }
            s[name] = tensor(value.data, { shape: value.shape }).keep();
          }
        }
        restored.set(param, s);
      }
    } catch (error) {
      for (const s of restored.values())
        for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
      throw error;
    }
    this.disposeState();
    for (const [p, s] of restored) this.state.set(p, s);
    groups.forEach((g, i) => {
      const { params: _positions, ...options } = g;
      this.paramGroups[i]!.options = { ...this.defaults, ...options } as O;
    });
  }

  /** Frees the optimizer's state buffers (the optimizer can still step: state starts afresh). */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    for (const s of this.state.values())
      for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
  }
}
