import { manualSeed, memory, randn, type Tensor, tensor, zeros } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from './index.js';
import { Dropout, Linear, Module, ModuleDict, ModuleList, ReLU, Sequential } from './index.js';

class WithBuffer extends Module {
  readonly scale: Tensor;
  readonly runningMean: Tensor;
  constructor() {
    super();
    this.scale = this.addParameter('scale', tensor([1, 2]));
    this.runningMean = this.addBuffer('runningMean', zeros([2]));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.scale);
  }
}

class Net extends Module {
  readonly body = this.addModule('body', new Sequential(new Linear(3, 4), new ReLU(), new Dropout(0.5)));
  readonly head = this.addModule('head', new Linear(4, 2));
  readonly extra = this.addModule('extra', new WithBuffer());
  forward(x: Tensor): Tensor {
    return this.extra.forward(this.head.forward(this.body.forward(x)));
  }
}

describe('Module', () => {
  manualSeed(0);

  it('names parameters and buffers with dotted paths, parameters apart from buffers', () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([n]) => n)).toEqual([
      'body.0.weight',
      'body.0.bias',
      'head.weight',
      'head.bias',
      'extra.scale',
    ]);
    expect([...net.namedBuffers()].map(([n]) => n)).toEqual(['extra.runningMean']);
    expect(net.numParameters()).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2);
    expect([...net.namedChildren()].map(([n]) => n)).toEqual(['body', 'head', 'extra']);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(net.buffers()[0]!.requiresGrad).toBe(false);
  });

  it('a shared parameter appears once', () => {
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, new ReLU(), shared);
    expect(model.parameters().length).toBe(2);
    expect([...model.namedParameters()].map(([n]) => n)).toEqual(['0.weight', '0.bias']);
  });

  it('train() and eval() switch every descendant; zeroGrad clears gradients', () => {
    const net = new Net();
    net.eval();
    expect([...net.namedModules()].every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.body.at(2).training).toBe(true);
    net
      .forward(randn([5, 3]))
      .sum()
      .backward();
    expect(net.head.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('stateDict → loadStateDict copies parameters and buffers', () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(a.stateDict());
    for (const [name, t] of a.stateDict())
      expect(Array.from(b.stateDict().get(name)!.data())).toEqual(Array.from(t.data()));
    const x = randn([2, 3]);
    a.eval();
    b.eval();
    expect(Array.from(b.forward(x).data())).toEqual(Array.from(a.forward(x).data()));
  });

  it('loadStateDict fails loudly on missing, unexpected and mis-shaped entries and changes nothing', () => {
    const net = new Net();
    const before = Array.from(net.head.weight.data());
    const sd = new Map(net.stateDict());
    sd.delete('head.bias');
    sd.set('head.weight', randn([3, 3]));
    sd.set('stray', zeros([1]));
    expect(() => net.loadStateDict(sd)).toThrow(
      "Net.loadStateDict: missing keys: head.bias; unexpected keys: stray; 'head.weight' has shape [3,3], expected [2,4] (nothing was loaded)",
    );
    expect(Array.from(net.head.weight.data())).toEqual(before);
    sd.set('head.weight', zeros([2, 4]));
    net.loadStateDict(sd, { strict: false }); // missing/unexpected allowed when not strict
    expect(Array.from(net.head.weight.data())).toEqual(new Array(8).fill(0));
  });

  it('containers: Sequential from a list, at(), ModuleList and ModuleDict register their parameters', () => {
    const seq = new Sequential([new Linear(2, 3), new ReLU()]);
    expect(seq.length).toBe(2);
    expect(seq.at(-1)).toBeInstanceOf(ReLU);
    expect(() => seq.at(5)).toThrow(/no module at index 5/);
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    expect(list.parameters().length).toBe(4);
    const dict = new ModuleDict({ a: new Linear(2, 1) });
    expect([...dict.namedParameters()].map(([n]) => n)).toEqual(['a.weight', 'a.bias']);
    expect(() => dict.get('b')).toThrow(/no module named 'b' \(has: a\)/);
  });

  it('toString summarises layers, output shapes and parameter counts', () => {
    const model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
    model.forward(randn([8, 64]));
    const text = model.toString();
    expect(text).toContain('(0): Linear(inFeatures=64, outFeatures=128, bias=true)');
    expect(text).toContain('[N, 128]');
    expect(text).toContain('8,320');
    expect(text).toContain('Total parameters: 9,610 (trainable 9,610)');
  });

  it('rejects duplicate or dotted names; dispose frees every parameter and buffer', () => {
    class Bad extends Module {
      constructor() {
        super();
        this.addParameter('w', zeros([1]));
        this.addParameter('w', zeros([1]));
      }
      forward(x: Tensor) {
        return x;
      }
    }
    expect(() => new Bad()).toThrow("Bad: 'w' is already registered");
    const before = memory().tensors;
    const net = new Net();
    expect(memory().tensors).toBe(before + 6);
    net.dispose();
    expect(memory().tensors).toBe(before);
  });
});

describe('Module.typeName (issue 16 #5: no minified class names in messages)', () => {
  it('every layer names itself with a string that survives minification, equal to its export name', () => {
    const layers = Object.entries(nn).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof Module,
    ) as [string, typeof Module][];
    expect(layers.length).toBeGreaterThan(40);
    for (const [exportName, layer] of layers) {
      expect(Object.hasOwn(layer, 'layerName') ? layer.layerName : '(missing)', exportName).toBe(exportName);
    }
  });

  it("messages and summary() keep the layer's name when a bundler renames the class", () => {
    const original = Object.getOwnPropertyDescriptor(Linear, 'name')!;
    Object.defineProperty(Linear, 'name', { value: 't' }); // what a minifier does
    try {
      const layer = new Linear(2, 3);
      expect(() => layer.loadStateDict(new Map())).toThrow(/^Linear\.loadStateDict: /);
      expect(layer.toString()).toMatch(/^Linear\(/);
      layer.dispose();
    } finally {
      Object.defineProperty(Linear, 'name', original);
    }
  });

  it("a user's own module, or a subclass of a layer, is named by its own class", () => {
    class Net extends Module {
      forward(x: Tensor) {
        return x;
      }
    }
    class WideLinear extends Linear {}
    expect(new Net().typeName).toBe('Net');
    const wide = new WideLinear(2, 2);
    expect(wide.typeName).toBe('WideLinear');
    wide.dispose();
  });
});
