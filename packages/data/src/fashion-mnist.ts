// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 70,000 28×28 grey-scale images of clothing in 10
// classes. Not bundled: read from a directory (Node, Deno; by default Debian's dataset-fashion-mnist
// package) or fetched from a URL (browsers, or any runtime with fetch).
import { describeValue, kernels, type Tensor, tensor, zeros } from '@myelin/tensor';
import { type IDXBytes, readIDXBytes } from './idx.js';

/** Fashion-MNIST's class names, indexed by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DEBIAN_ROOT = '/usr/share/datasets/fashion-mnist';

const SOURCE = 'https://github.com/zalandoresearch/fashion-mnist (folder data/fashion)';

/** Options of {@link loadFashionMNIST}. */
export interface FashionMNISTOptions {
  /**
   * A directory (Node, Deno) or a URL (`http(s):`, `file:`; in browsers also a path relative to the
   * page) holding the four files `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
   * `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz` (or the same names without `.gz`).
   * Default: Debian's `/usr/share/datasets/fashion-mnist`.
   */
  root?: string | URL;
  /** The 60,000 training images or the 10,000 test images. */
  split: 'train' | 'test';
  /** Read only the first `limit` images and labels. */
  limit?: number;
}

/** What {@link loadFashionMNIST} returns. */
export interface FashionMNIST {
  /** float32 [N, 1, 28, 28], pixel / 255 in [0, 1]. */
  images: Tensor;
  /** int32 [N], class indices 0..9. */
  labels: Tensor;
  /** The class names, indexed by label ({@link FASHION_MNIST_CLASSES}). */
  classes: string[];
}

type FileSystem = { readFile(path: string | URL): Promise<Uint8Array> };

/** Node's and Deno's `node:fs/promises`, or undefined elsewhere (browsers). */
async function fileSystem(): Promise<FileSystem | undefined> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  if (g.process?.versions?.node === undefined && g.Deno === undefined) return undefined;
  const specifier = 'node:fs/promises';
  return import(/* @vite-ignore */ specifier);
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || (error as Error | null)?.name === 'NotFound';
}

/** Reads `name` (or `name` without `.gz`) under `root`; undefined when neither exists. */
async function readFromRoot(root: string | URL, name: string): Promise<Uint8Array | undefined> {
  const fs = await fileSystem();
  const isUrl = root instanceof URL || /^[a-z][a-z\d+.-]+:/i.test(root);
  const candidates = [name, name.replace(/\.gz$/, '')];
  if (fs !== undefined && (!isUrl || new URL(root).protocol === 'file:')) {
    for (const candidate of candidates) {
      const path = isUrl
        ? new URL(candidate, String(root).replace(/\/?$/, '/'))
        : `${String(root).replace(/[\\/]+$/, '')}/${candidate}`;
      try {
        return await fs.readFile(path);
      } catch (error) {
        if (!isMissing(error)) {
          throw new Error(`loadFashionMNIST: cannot read ${String(path)}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
    }
    return undefined;
  }
  const base = (globalThis as { location?: { href: string } }).location?.href;
  for (const candidate of candidates) {
    const url = new URL(candidate, new URL(String(root).replace(/\/?$/, '/'), base));
    let response: Response;
    try {
      response = await fetch(url);
    } catch (cause) {
      throw new Error(`loadFashionMNIST: fetching ${url.href} failed: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (response.ok) return new Uint8Array(await response.arrayBuffer());
    await response.body?.cancel();
    if (response.status !== 404) {
      throw new Error(`loadFashionMNIST: fetching ${url.href} failed: HTTP ${response.status}`);
    }
  }
  return undefined;
}

function missingFileMessage(root: string | URL, name: string): string {
  const where = String(root);
  const install =
    where === FASHION_MNIST_DEBIAN_ROOT
      ? `install Debian's package (apt-get install dataset-fashion-mnist), which puts the files in ${where}, or download them from ${SOURCE} and pass their directory as { root }`
      : `download the four files from ${SOURCE} into ${where}, or on Debian/Ubuntu run apt-get install dataset-fashion-mnist and leave root at its default (${FASHION_MNIST_DEBIAN_ROOT})`;
  return `loadFashionMNIST: ${name} not found in ${where}; ${install}`;
}

async function readIDXFile(root: string | URL, name: string): Promise<IDXBytes> {
  const bytes = await readFromRoot(root, name);
  if (bytes === undefined) throw new Error(missingFileMessage(root, name));
  try {
    return await readIDXBytes(bytes);
  } catch (error) {
    throw new Error(`loadFashionMNIST: ${name}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Loads the Fashion-MNIST training (60,000) or test (10,000) split: `images` float32
 * [N, 1, 28, 28] scaled to [0, 1] (pixel / 255, as torchvision's `ToTensor`), `labels` int32 [N]
 * and the 10 class names. The files are not bundled: they are read from `root`, a directory in
 * Node and Deno (default Debian's `/usr/share/datasets/fashion-mnist`, from
 * `apt-get install dataset-fashion-mnist`) or a URL fetched in any runtime (in browsers a path is
 * resolved against the page). Missing files give an error saying what to install or download.
 * The dataset is MIT-licensed, © Zalando SE (Xiao, Rasul and Vollgraf 2017, arXiv:1708.07747).
 *
 * @example
 * const { images, labels, classes } = await loadFashionMNIST({ split: 'train' });
 * const test = await loadFashionMNIST({ split: 'test', limit: 1000 });
 * const web = await loadFashionMNIST({ root: '/data/fashion-mnist/', split: 'test' }); // browser
 */
export async function loadFashionMNIST(options: FashionMNISTOptions): Promise<FashionMNIST> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `loadFashionMNIST: expected options { split: 'train' | 'test' }, got ${describeValue(options)}`,
    );
  }
  const { root = FASHION_MNIST_DEBIAN_ROOT, split, limit } = options;
  if (split !== 'train' && split !== 'test') {
    throw new RangeError(`loadFashionMNIST: split must be 'train' or 'test', got ${describeValue(split)}`);
  }
  if (limit !== undefined && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 0)) {
    throw new RangeError(`loadFashionMNIST: limit must be an integer >= 0, got ${describeValue(limit)}`);
  }
  if (!(root instanceof URL) && typeof root !== 'string') {
    throw new TypeError(
      `loadFashionMNIST: root must be a directory path or a URL, got ${describeValue(root)}`,
    );
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesName = `${prefix}-images-idx3-ubyte.gz`;
  const labelsName = `${prefix}-labels-idx1-ubyte.gz`;
  // Read both at once, but report a failure in a fixed order (images first), whichever fails first.
  const [imagesRead, labelsRead] = await Promise.allSettled([
    readIDXFile(root, imagesName),
    readIDXFile(root, labelsName),
  ]);
  if (imagesRead.status === 'rejected') throw imagesRead.reason;
  if (labelsRead.status === 'rejected') throw labelsRead.reason;
  const [images, labels] = [imagesRead.value, labelsRead.value];
  const [count = 0, height, width] = images.shape;
  if (images.type.name !== 'uint8' || images.shape.length !== 3 || height !== 28 || width !== 28) {
    throw new RangeError(
      `loadFashionMNIST: ${imagesName} holds ${images.type.name} [${images.shape.join(',')}], expected uint8 [N,28,28]`,
    );
  }
  if (labels.type.name !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new RangeError(
      `loadFashionMNIST: ${labelsName} holds ${labels.type.name} [${labels.shape.join(',')}], expected uint8 [${count}] (one label per image)`,
    );
  }
  const n = Math.min(limit ?? count, count);
  const labelBytes = labels.data.subarray(0, n);
  const bad = labelBytes.findIndex((label) => label >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0)
    throw new RangeError(`loadFashionMNIST: label ${labelBytes[bad]} at ${bad} is not a class index in 0..9`);
  return {
    images: pixelsToTensor(images.data.subarray(0, n * 28 * 28), [n, 1, 28, 28]),
    labels: tensor(Int32Array.from(labelBytes), { dtype: 'int32' }),
    classes: [...FASHION_MNIST_CLASSES],
  };
}

/** uint8 pixels → float32 pixel / 255 in one SIMD pass inside kernel memory. */
function pixelsToTensor(pixels: Uint8Array, shape: number[]): Tensor {
  const out = zeros(shape);
  const scratch = kernels.allocate(Math.max(pixels.length, 1));
  try {
    kernels.u8.set(pixels, scratch);
    kernels.u8ToF32(scratch, out.dataPointer, pixels.length, 255);
  } finally {
    kernels.free(scratch);
  }
  return out;
}
