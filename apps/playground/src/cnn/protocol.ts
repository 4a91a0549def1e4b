// Messages between the CNN view (cnn.html) and its training worker.

/** Messages from the page to the CNN worker. */
export type ToCnnWorker =
  | { type: 'play' }
  | { type: 'pause' }
  /** A new network (same seed: the same initial weights), back at epoch 0, paused. */
  | { type: 'reset' }
  /** The image to classify: 64 values 0..16, row by row (the digits data set's scale); `id` is echoed. */
  | { type: 'input'; id: number; pixels: Float32Array };

/** One convolution layer's output (after its ReLU) for the current input. */
export interface FeatureMaps {
  /** e.g. "conv1: 8 filters 3×3 → 8×8". */
  label: string;
  channels: number;
  /** Side of each (square) map. */
  size: number;
  /** [channels × size × size], channel by channel. */
  values: Float32Array;
}

/** Messages from the CNN worker to the page. */
export type FromCnnWorker =
  /** Sent once, when the worker has loaded (with the kernels) and split the data set. */
  | {
      type: 'ready';
      /** The test images, [count × 64] values 0..16, and their classes. */
      testImages: Float32Array;
      testLabels: Int32Array;
      trainSize: number;
      /** The network, one line per layer. */
      architecture: string[];
      maxEpochs: number;
    }
  /** After each epoch (and after a reset, as epoch 0), evaluated on the whole test set. */
  | {
      type: 'epoch';
      epoch: number;
      /** Mean training loss of the epoch (NaN at epoch 0). */
      loss: number;
      testLoss: number;
      testAccuracy: number;
      /** Rows: true class; columns: predicted class. */
      confusion: number[][];
      /** The predicted class of every test image. */
      testPredictions: Int32Array;
      /** The first convolution's weights, [filters × size × size]. */
      filters: Float32Array;
      filterSize: number;
    }
  /** The network's answer for the current input (after an input message, and after each epoch). */
  | {
      type: 'prediction';
      /** The id of the input classified (-1: none received yet, an empty image). */
      inputId: number;
      epoch: number;
      probabilities: number[];
      maps: FeatureMaps[];
    }
  /** `training`: an epoch is running (after a pause, until the epoch ends). */
  | { type: 'state'; playing: boolean; training: boolean }
  /** A message for the person using the page. */
  | { type: 'error'; message: string };
