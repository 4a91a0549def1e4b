// loadFashionMNIST (issue 19 item 5): the loader's logic on small generated gzipped IDX files, through
// URLs (a stubbed fetch, so it runs in every runtime including the browser) and through a directory
// (Node, Deno); the real test split when Debian's dataset-fashion-mnist is installed.
import { afterEach, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_ROOT, loadFashionMNIST, readIDXSync } from './index.js';

const hasFileSystem =
  (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined ||
  (globalThis as { Deno?: unknown }).Deno !== undefined;

function idxFile(type: number, shape: number[], values: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + values.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = shape.length;
  for (const [d, size] of shape.entries()) view.setUint32(4 + 4 * d, size);
  bytes.set(Array.from(values), header);
  return bytes;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A tiny split: `n` 28×28 images with pixel (i·31 + p) mod 256 and labels i mod 10. */
function fixture(n: number) {
  const pixels = Uint8Array.from({ length: n * 784 }, (_, k) => (Math.floor(k / 784) * 31 + (k % 784)) % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return {
    pixels,
    labels,
    images: idxFile(0x08, [n, 28, 28], pixels),
    labelFile: idxFile(0x08, [n], labels),
  };
}

async function fixtureFiles(n: number, gzipped = true): Promise<Map<string, Uint8Array>> {
  const { images, labelFile } = fixture(n);
  const ext = gzipped ? '.gz' : '';
  const pack = async (b: Uint8Array) => (gzipped ? gzip(b) : b);
  return new Map([
    [`t10k-images-idx3-ubyte${ext}`, await pack(images)],
    [`t10k-labels-idx1-ubyte${ext}`, await pack(labelFile)],
  ]);
}

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Serves `files` under `base`, 404 for anything else; records the URLs asked for. */
function serve(base: string, files: Map<string, Uint8Array>, asked: string[] = []): string[] {
  globalThis.fetch = (async (input: string | URL) => {
    const url = String(input);
    asked.push(url);
    const file = url.startsWith(base) ? files.get(url.slice(base.length)) : undefined;
    return file === undefined
      ? new Response('not found', { status: 404 })
      : new Response(file as Uint8Array<ArrayBuffer>, { status: 200 });
  }) as typeof fetch;
  return asked;
}

function expectFixture(result: Awaited<ReturnType<typeof loadFashionMNIST>>, n: number, total = n): void {
  const { pixels, labels } = fixture(total);
  expect(result.images.shape).toEqual([n, 1, 28, 28]);
  expect(result.images.dtype).toBe('float32');
  expect(result.labels.dtype).toBe('int32');
  expect(Array.from(result.labels.data())).toEqual(Array.from(labels.subarray(0, n)));
  expect(Array.from(result.images.data())).toEqual(
    Array.from(pixels.subarray(0, n * 784), (v) => Math.fround(v / 255)),
  );
  expect(result.classes).toEqual([...FASHION_MNIST_CLASSES]);
}

describe('loadFashionMNIST on generated files', () => {
  it('fetches gzipped files from a URL root and scales pixels to [0, 1] exactly as pixel / 255', async () => {
    const asked = serve('https://example.test/fmnist/', await fixtureFiles(13));
    expectFixture(await loadFashionMNIST({ root: 'https://example.test/fmnist', split: 'test' }), 13);
    expect(asked.sort()).toEqual([
      'https://example.test/fmnist/t10k-images-idx3-ubyte.gz',
      'https://example.test/fmnist/t10k-labels-idx1-ubyte.gz',
    ]);
  });

  it('takes the first `limit` images, and files without .gz when the .gz ones are absent', async () => {
    serve('https://example.test/raw/', await fixtureFiles(13, false));
    const result = await loadFashionMNIST({
      root: new URL('https://example.test/raw/'),
      split: 'test',
      limit: 5,
    });
    expectFixture(result, 5, 13);
    expect(
      (await loadFashionMNIST({ root: 'https://example.test/raw/', split: 'test', limit: 99 })).labels.shape,
    ).toEqual([13]);
  });

  it('says what to download when a URL root lacks the files, and rejects bad options', async () => {
    serve('https://example.test/empty/', new Map());
    await expect(loadFashionMNIST({ root: 'https://example.test/empty/', split: 'train' })).rejects.toThrow(
      /^loadFashionMNIST: train-images-idx3-ubyte\.gz not found in https:\/\/example\.test\/empty\/; download the four files from https:\/\/github\.com\/zalandoresearch\/fashion-mnist .*apt-get install dataset-fashion-mnist/,
    );
    await expect(loadFashionMNIST({ split: 'validation' as 'test' })).rejects.toThrow(
      "loadFashionMNIST: split must be 'train' or 'test', got the string 'validation'",
    );
    await expect(loadFashionMNIST({ split: 'test', limit: -1 })).rejects.toThrow(
      'loadFashionMNIST: limit must be an integer >= 0, got -1',
    );
  });

  it('rejects files that are not 28×28 uint8 images with one label each', async () => {
    const files = await fixtureFiles(3);
    files.set('t10k-labels-idx1-ubyte.gz', await gzip(idxFile(0x08, [2], [0, 1])));
    serve('https://example.test/bad/', files);
    await expect(loadFashionMNIST({ root: 'https://example.test/bad/', split: 'test' })).rejects.toThrow(
      'loadFashionMNIST: t10k-labels-idx1-ubyte.gz holds uint8 [2], expected uint8 [3] (one label per image)',
    );
  });

  it.runIf(hasFileSystem)(
    'reads a directory (Node, Deno), and names apt-get install for the Debian default',
    async () => {
      const fs = await import(/* @vite-ignore */ 'node:fs/promises');
      const os = await import(/* @vite-ignore */ 'node:os');
      const dir = await fs.mkdtemp(`${os.tmpdir()}/fmnist-`);
      try {
        for (const [name, bytes] of await fixtureFiles(7)) await fs.writeFile(`${dir}/${name}`, bytes);
        expectFixture(await loadFashionMNIST({ root: `${dir}/`, split: 'test' }), 7);
        await expect(loadFashionMNIST({ root: dir, split: 'train' })).rejects.toThrow(
          `loadFashionMNIST: train-images-idx3-ubyte.gz not found in ${dir}; download the four files`,
        );
      } finally {
        await fs.rm(dir, { recursive: true });
      }
      if (await fs.stat(FASHION_MNIST_DEBIAN_ROOT).catch(() => undefined)) return;
      await expect(loadFashionMNIST({ split: 'test' })).rejects.toThrow(
        /^loadFashionMNIST: t10k-(images-idx3|labels-idx1)-ubyte\.gz not found in \/usr\/share\/datasets\/fashion-mnist; install Debian's package \(apt-get install dataset-fashion-mnist\)/,
      );
    },
  );

  it('readIDXSync converts uint8 and int8 elements with typed-array copies, also from a view at an odd offset', () => {
    const file = idxFile(0x09, [4], [0x80, 0xff, 0, 0x7f]);
    const padded = new Uint8Array(file.length + 1);
    padded.set(file, 1);
    expect(Array.from(readIDXSync(padded.subarray(1)).data())).toEqual([-128, -1, 0, 127]);
    expect(Array.from(readIDXSync(idxFile(0x08, [3], [255, 0, 128])).data())).toEqual([255, 0, 128]);
  });
});

describe('loadFashionMNIST on the Debian files', async () => {
  const fs = hasFileSystem ? await import(/* @vite-ignore */ 'node:fs/promises') : undefined;
  const installed =
    (await fs?.stat(`${FASHION_MNIST_DEBIAN_ROOT}/t10k-images-idx3-ubyte.gz`).catch(() => undefined)) !==
    undefined;
  if (!installed) {
    console.info(
      `loadFashionMNIST: skipping the real-data test: ${FASHION_MNIST_DEBIAN_ROOT} is absent (apt-get install dataset-fashion-mnist), or this runtime has no file system`,
    );
  }

  it.runIf(installed)('loads the test split: shape, 1,000 images per class, pixel checksums', async () => {
    const { images, labels } = await loadFashionMNIST({ split: 'test' });
    expect(images.shape).toEqual([10000, 1, 28, 28]);
    const y = labels.data();
    expect(Array.from(y.subarray(0, 8))).toEqual([9, 2, 1, 1, 6, 1, 4, 6]);
    expect(Array.from({ length: 10 }, (_, c) => y.filter((label) => label === c).length)).toEqual(
      new Array(10).fill(1000),
    );
    // The bytes back (pixel / 255 · 255 rounds to the pixel): their sum, and a sum sensitive to order.
    const x = images.data();
    let sum = 0;
    let weighted = 0;
    for (let i = 0; i < x.length; i++) {
      const byte = Math.round(x[i]! * 255);
      sum += byte;
      weighted += byte * ((i % 7) + 1);
    }
    expect([sum, weighted]).toEqual([573469082, 2304878896]); // computed with Python's gzip module
    images.dispose();
    labels.dispose();
  });
});
