import { memory, randn, type Tensor, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import {
  compose,
  filter2d,
  filters,
  gaussianBlur,
  gaussianKernel,
  gaussianNoise,
  LabelEncoder,
  MinMaxScaler,
  oneHot,
  randomCrop,
  randomHorizontalFlip,
  StandardScaler,
} from './index.js';

const close = (got: number[][], want: number[][], tol = 1e-5) => {
  for (const [i, row] of got.entries()) {
    for (const [j, v] of row.entries()) expect(Math.abs(v - want[i]![j]!)).toBeLessThanOrEqual(tol);
  }
};

describe('scalers and encoders', () => {
  const x = tensor([
    [1, 10, 5],
    [3, 20, 5],
    [5, 60, 5],
  ]);

  it('scalers leave exactly their statistics and their results alive (std() intermediates used to leak 8 per fit)', () => {
    const x = randn([20, 3]);
    for (const scaler of [new StandardScaler(), new MinMaxScaler()]) {
      const before = memory().tensors;
      scaler.fit(x);
      expect(memory().tensors).toBe(before + 2); // shift and scale
      const y = scaler.transform(x);
      const back = scaler.inverseTransform(y);
      expect(memory().tensors).toBe(before + 4);
      y.dispose();
      back.dispose();
      scaler.fit(x); // refitting replaces the statistics
      expect(memory().tensors).toBe(before + 2);
      scaler.dispose();
      expect(memory().tensors).toBe(before);
    }
    x.dispose();
  });

  it('StandardScaler: zero mean, unit population std, constant features untouched; inverts exactly', () => {
    const scaler = new StandardScaler();
    const z = scaler.fitTransform(x);
    const cols = (z.toArray() as number[][])[0]!.map((_, j) => (z.toArray() as number[][]).map((r) => r[j]!));
    for (const col of cols.slice(0, 2)) {
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
      expect(Math.sqrt(col.reduce((a, b) => a + b * b, 0) / 3)).toBeCloseTo(1, 5);
    }
    expect(cols[2]).toEqual([0, 0, 0]);
    close(scaler.inverseTransform(z).toArray() as number[][], x.toArray() as number[][]);
    expect(() => new StandardScaler().transform(x)).toThrow(/call fit\(\) before transform\(\)/);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(/fitted on 3 features, got shape \[1,2\]/);
  });

  it('MinMaxScaler maps each feature onto the range and inverts exactly', () => {
    const scaler = new MinMaxScaler([-1, 1]);
    const m = scaler.fitTransform(x);
    close(m.toArray() as number[][], [
      [-1, -1, -1],
      [0, -0.6, -1],
      [1, 1, -1],
    ]);
    close(scaler.inverseTransform(m).toArray() as number[][], x.toArray() as number[][]);
  });

  it('oneHot and LabelEncoder', () => {
    expect(oneHot(tensor([2, 0], { dtype: 'int32' }), 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(() => oneHot(tensor([3], { dtype: 'int32' }), 3)).toThrow(
      'oneHot: label 3 at 0 is not a class index in 0..2',
    );
    const enc = new LabelEncoder<string>().fit(['dog', 'cat', 'dog', 'bird']);
    expect(enc.classes).toEqual(['bird', 'cat', 'dog']);
    const idx = enc.transform(['dog', 'bird']);
    expect(Array.from(idx.data())).toEqual([2, 0]);
    expect(enc.inverseTransform(idx)).toEqual(['dog', 'bird']);
    expect(() => enc.transform(['fish'])).toThrow(/label fish at 0 was not seen by fit\(\)/);
  });
});

describe('image filters', () => {
  // A vertical step edge: left half 0, right half 1.
  const step = tensor(Array.from({ length: 5 }, () => [0, 0, 0, 1, 1, 1]));

  it('Sobel x responds 4 at a vertical step edge and 0 on flat regions; Sobel y gives 0', () => {
    const gx = filter2d(step, filters.sobelX).toArray() as number[][];
    for (const row of gx) expect(row).toEqual([0, 0, 4, 4, 0, 0]);
    const gy = filter2d(step, filters.sobelY).toArray() as number[][];
    for (const row of gy) expect(row.every((v) => v === 0)).toBe(true);
  });

  it('mean blur and Gaussian 5×5 preserve a constant image and smooth the edge symmetrically', () => {
    close(
      filter2d(
        tensor([
          [2, 2, 2],
          [2, 2, 2],
        ]),
        filters.meanBlur,
      ).toArray() as number[][],
      [
        [2, 2, 2],
        [2, 2, 2],
      ],
    );
    const blurred = (filter2d(step, filters.meanBlur).toArray() as number[][])[2]!;
    close([blurred], [[0, 0, 1 / 3, 2 / 3, 1, 1]]);
    const g = (filter2d(step, filters.gaussian5x5).toArray() as number[][])[2]!;
    expect(g[2]! + g[3]!).toBeCloseTo(1, 6); // symmetric around the edge
    expect(
      gaussianKernel(5, 1)
        .flat()
        .reduce((a, b) => a + b, 0),
    ).toBeCloseTo(1, 12);
  });

  it('zero borders, channels and batches, and bad kernels', () => {
    const zero = filter2d(
      tensor([
        [1, 1],
        [1, 1],
      ]),
      filters.meanBlur,
      { border: 'zero' },
    ).toArray() as number[][];
    close(zero, [
      [4 / 9, 4 / 9],
      [4 / 9, 4 / 9],
    ]);
    expect(
      filter2d(
        tensor([
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ]),
        [[1]],
      ).shape,
    ).toEqual([2, 1, 2, 2]);
    expect(() =>
      filter2d(step, [
        [1, 2],
        [3, 4],
      ]),
    ).toThrow(/kernel must be a rectangle of odd size, got 2×2/);
  });
});

describe('filter2d as a conv2d (issue 19 item 7)', () => {
  /** The former direct loop: the reference the conv2d version must reproduce. */
  function reference(images: Tensor, kernel: number[][], border: 'replicate' | 'zero'): number[] {
    const [height, width] = images.shape.slice(-2) as [number, number];
    const input = images.data();
    const out: number[] = [];
    const [hh, hw] = [(kernel.length - 1) / 2, (kernel[0]!.length - 1) / 2];
    const clampTo = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
    for (let p = 0; p < images.size / (height * width); p++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let sum = 0;
          for (const [i, row] of kernel.entries()) {
            for (const [j, k] of row.entries()) {
              const [sy, sx] = [y + i - hh, x + j - hw];
              const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
              if (!inside && border === 'zero') continue;
              sum += k * input[p * height * width + clampTo(sy, height) * width + clampTo(sx, width)]!;
            }
          }
          out.push(sum);
        }
      }
    }
    return out;
  }

  it('gives the direct loop’s values for odd rectangular kernels, both borders, [H, W] to [N, C, H, W]', () => {
    const kernel = [
      [0.5, -1, 2, 0.25, -0.75],
      [1, 0, -2, 0.5, 1.5],
      [-0.5, 0.3, 1, -1, 0.2],
    ];
    for (const shape of [
      [7, 9],
      [3, 5, 6],
      [2, 3, 7, 9],
    ]) {
      const images = randn(shape);
      for (const border of ['replicate', 'zero'] as const) {
        const got = Array.from(filter2d(images, kernel, { border }).data());
        const want = reference(images, kernel, border);
        for (const [i, v] of got.entries()) expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5);
      }
    }
  });

  it('is differentiable, frees its intermediates, accepts int32 images and checks border', () => {
    const images = randn([1, 2, 5, 5], { requiresGrad: true });
    filter2d(images, filters.sobelX).sum().backward();
    expect(images.grad!.shape).toEqual([1, 2, 5, 5]);
    const x = randn([3, 8, 8]);
    filter2d(x, filters.gaussian5x5).dispose();
    const before = memory();
    for (let i = 0; i < 3; i++) filter2d(x, filters.gaussian5x5).dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    const ints = tensor(
      [
        [0, 0, 9],
        [0, 0, 9],
        [0, 0, 9],
      ],
      { dtype: 'int32' },
    );
    expect(filter2d(ints, filters.meanBlur).toArray()).toEqual([
      [0, 3, 6],
      [0, 3, 6],
      [0, 3, 6],
    ]);
    expect(() => filter2d(x, filters.sobelX, { border: 'wrap' as never })).toThrow(
      /filter2d: border must be 'replicate' or 'zero', got the string 'wrap'/,
    );
  });
});

describe('augmentation', () => {
  const images = tensor([
    [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ],
    [
      [
        [7, 8, 9],
        [10, 11, 12],
      ],
    ],
  ]); // [2, 1, 2, 3]

  it('randomHorizontalFlip mirrors with probability 1 and never with 0', () => {
    expect(randomHorizontalFlip(1)(images).toArray()).toEqual([
      [
        [
          [3, 2, 1],
          [6, 5, 4],
        ],
      ],
      [
        [
          [9, 8, 7],
          [12, 11, 10],
        ],
      ],
    ]);
    expect(randomHorizontalFlip(0)(images).toArray()).toEqual(images.toArray());
  });

  it('randomCrop with padding keeps the size and takes windows of the padded image', () => {
    const out = randomCrop([2, 3], { padding: 1, seed: 0 })(images);
    expect(out.shape).toEqual([2, 1, 2, 3]);
    const values = new Set([0, ...Array.from({ length: 12 }, (_, i) => i + 1)]);
    expect(Array.from(out.data()).every((v) => values.has(v))).toBe(true);
    expect(randomCrop([2, 3])(images).toArray()).toEqual(images.toArray()); // no padding: the only window
  });

  it('gaussianNoise is seeded and has the right scale; compose chains and frees intermediates', () => {
    const zeros = tensor(new Float32Array(10_000));
    const noisy = gaussianNoise(0.5, { seed: 1 })(zeros);
    expect(noisy.std().item()).toBeCloseTo(0.5, 1);
    expect(Array.from(gaussianNoise(0.5, { seed: 1 })(zeros).data())).toEqual(Array.from(noisy.data()));
    const before = memory().tensors;
    const out = compose(randomHorizontalFlip(1), gaussianBlur(3, 1), gaussianNoise(0))(images);
    expect(memory().tensors).toBe(before + 1);
    expect(out.shape).toEqual([2, 1, 2, 3]);
  });
});
