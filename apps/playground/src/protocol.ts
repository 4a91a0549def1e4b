import type { PlaygroundState } from './state.js';

/** Settings the worker applies live; every other change rebuilds the data and the network. */
export type LiveSetting = 'learningRate' | 'regularization' | 'regularizationRate' | 'batchSize';

/** Messages from the page to the training worker. */
export type ToWorker =
  | { type: 'configure'; state: PlaygroundState } // new data and/or network: resets training
  /** Training settings changed mid-training: applied to the running network without a reset. */
  | { type: 'tune'; change: Partial<Pick<PlaygroundState, LiveSetting>> }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  /** The page has drawn the updates it received: while playing, the worker posts one update per ack. */
  | { type: 'ack' }
  /** Sets one weight (from the network diagram): layer, output neuron, input neuron. */
  | { type: 'setWeight'; layer: number; out: number; in: number; value: number }
  /** Sets one bias (from the network diagram): layer (0 = first hidden layer), neuron. */
  | { type: 'setBias'; layer: number; neuron: number; value: number }
  | { type: 'export' }
  | { type: 'import'; bytes: ArrayBuffer }
  /** Runs the learning-rate range test on a copy of the current network (the network is unchanged). */
  | { type: 'findLr' };

/** A labelled point of the data set (inputs in [−6, 6]², label ±1, a class 0…k−1 or a regression target). */
export interface Point {
  x: number;
  y: number;
  label: number;
}

/** Messages from the training worker to the page. */
export type FromWorker =
  /** Sent once the worker's module (and the kernels it awaits) has loaded and it can take messages. */
  | {
      type: 'ready';
      /** Threads the kernels train on (1 unless the page is cross-origin isolated). */
      threads: number;
      /** Why training runs on one thread, when it does. */
      threadsNote?: string | undefined;
    }
  | { type: 'data'; train: Point[]; test: Point[] }
  | {
      type: 'update';
      epoch: number;
      trainLoss: number;
      testLoss: number;
      /** Share of training / test points classified right (null for regression or no points). */
      trainAccuracy: number | null;
      testAccuracy: number | null;
      /** Epochs trained per second since the previous update while playing (null when not playing). */
      epochsPerSecond: number | null;
      /**
       * The network's output on a GRID×GRID lattice over [−6, 6]², row-major from the top: one value
       * per point, or for a multi-class set each class's probability ([points × outputs] row-major).
       */
      grid: Float32Array;
      /** Output nodes: 1, or the number of classes of a multi-class set. */
      outputs: number;
      /** Each hidden layer's activations on a NEURON_GRID² lattice, [points × neurons] row-major. */
      neurons: Float32Array[];
      /** Weights of each Linear layer, [out][in]. */
      weights: number[][][];
      /** Biases of each Linear layer, [out]. */
      biases: number[][];
      /** L2 norm of each Linear layer's weight gradient at the last step (vanishing/exploding gradients). */
      gradientNorms: number[];
      learningRate: number;
      playing: boolean;
    }
  | { type: 'exported'; bytes: ArrayBuffer }
  /** The learning-rate range test: smoothed loss at each (geometrically growing) lr, and the suggested lr. */
  | { type: 'lrFinder'; lrs: number[]; losses: number[]; suggested: number }
  /** A message for the person using the page (no library or bundle-internal names). */
  | { type: 'error'; message: string };

export const GRID = 50;
/** The lattice drawn inside each neuron of the diagram. */
export const NEURON_GRID = 20;
export const EXTENT = 6;
