/**
 * @myelin/data — datasets and loaders, splits and cross-validation, scalers and encoders,
 * augmentation and image filters, synthetic and bundled real data sets, CSV and IDX readers.
 *
 * @example
 * import { DataLoader, loadDigits, StandardScaler, TensorDataset, trainTestSplit } from '@myelin/data';
 * const { data, target } = loadDigits();
 * const { xTrain, yTrain } = trainTestSplit(data, target, { stratify: true, seed: 0 });
 * const loader = new DataLoader(new TensorDataset(new StandardScaler().fitTransform(xTrain), yTrain), { batchSize: 32, shuffle: true });
 *
 * @module @myelin/data
 */
export {
  compose,
  gaussianBlur,
  gaussianNoise,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  type Transform,
} from './augment.js';
export { type BundledData, loadDigits, loadIris } from './bundled.js';
export { type CSVData, type ReadCSVOptions, readCSV } from './csv.js';
export { type Dataset, Subset, TensorDataset } from './dataset.js';
export { LabelEncoder, oneHot } from './encoding.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEBIAN_ROOT,
  type FashionMNIST,
  type FashionMNISTOptions,
  loadFashionMNIST,
} from './fashion-mnist.js';
export { type FilterKernel, filter2d, filters, gaussianKernel } from './filters.js';
export { type ReadIDXOptions, readIDX, readIDXSync } from './idx.js';
export type { RandomCropOptions, RandomHorizontalFlipOptions } from './image-batch.js';
export { type Fold, type KFoldOptions, kFold } from './kfold.js';
export { type Batch, DataLoader, type DataLoaderOptions, defaultCollate } from './loader.js';
export { PCA, type PCAOptions } from './pca.js';
export { MinMaxScaler, StandardScaler } from './scalers.js';
export { randomSplit, type SplitOptions, trainTestSplit, trainValidationTestSplit } from './split.js';
export {
  and,
  circles,
  gaussian,
  gaussianBlobs,
  linearlySeparable,
  moons,
  or,
  plane,
  type SyntheticData,
  type SyntheticOptions,
  spiral,
  xor,
} from './synthetic.js';
export { type BundledText, type BundledTextName, loadText } from './text/bundled-text.js';
export { CharTokenizer } from './text/char-tokenizer.js';
export { SequenceDataset, type SequenceDatasetOptions } from './text/sequence-dataset.js';
export { PAD, Tokenizer, type TokenizerJSON, UNK, type VocabularyOptions } from './text/tokenizer.js';
export { WordTokenizer, type WordTokenizerOptions } from './text/word-tokenizer.js';
