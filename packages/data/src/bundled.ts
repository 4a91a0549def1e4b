import { type Tensor, tensor } from '@myelin/tensor';
import {
  digitsBase64,
  digitsDescription,
  digitsRows,
  irisCsv,
  irisDescription,
} from './generated/bundled.js';

/** A bundled data set: features, class labels and what they mean. */
export interface BundledData {
  /** Features, float32 [samples, features]. */
  data: Tensor;
  /** Class indices, int32 [samples]. */
  target: Tensor;
  featureNames: string[];
  targetNames: string[];
  /** The data set's description, source and references (scikit-learn's text). */
  description: string;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The UCI optical hand-written digits (the 1,797-image set scikit-learn ships): 8×8 images with
 * pixel values 0..16, classes 0–9. `data` is the flat [1797, 64] form, `images` the [1797, 1, 8, 8]
 * form for convolutional networks. Bundled in the package: no download. Source: Alpaydin & Kaynak,
 * UCI Machine Learning Repository (CC BY 4.0), via scikit-learn (BSD-3); see `description`.
 *
 * @example const { data, target } = loadDigits(); // [1797, 64] float32, [1797] int32
 */
export function loadDigits(): BundledData & { images: Tensor } {
  const bytes = decodeBase64(digitsBase64);
  const pixels = new Float32Array(digitsRows * 64);
  const labels = new Int32Array(digitsRows);
  for (let r = 0; r < digitsRows; r++) {
    for (let p = 0; p < 64; p++) pixels[r * 64 + p] = bytes[r * 65 + p]!;
    labels[r] = bytes[r * 65 + 64]!;
  }
  return {
    data: tensor(pixels, { shape: [digitsRows, 64] }),
    images: tensor(pixels, { shape: [digitsRows, 1, 8, 8] }),
    target: tensor(labels),
    featureNames: Array.from({ length: 64 }, (_, i) => `pixel_${Math.floor(i / 8)}_${i % 8}`),
    targetNames: Array.from({ length: 10 }, (_, i) => String(i)),
    description: digitsDescription,
  };
}

/**
 * Fisher's Iris: 150 flowers, 4 measurements in cm, 3 species (50 each). Bundled; from scikit-learn
 * (BSD-3), see `description`.
 *
 * @example const { data, target, targetNames } = loadIris(); // [150, 4], [150], ['setosa', …]
 */
export function loadIris(): BundledData {
  const [header, ...rows] = irisCsv.split('\n');
  const targetNames = header!.split(',').slice(2);
  const values = new Float32Array(rows.length * 4);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    const cells = row.split(',').map(Number);
    values.set(cells.slice(0, 4), r * 4);
    labels[r] = cells[4]!;
  });
  return {
    data: tensor(values, { shape: [rows.length, 4] }),
    target: tensor(labels),
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    targetNames,
    description: irisDescription,
  };
}
