// RNN vs LSTM vs GRU on a sequence task: the bundled 8×8 digits read one pixel row at a time, so each
// image is a sequence of 8 steps of 8 features and the network must remember the rows it has seen
// (course notes 001_b1d89e8e5c8deb0f.txt, §24.2 "RNN Architecture", §25 "Long-Short Term Memory
// Networks", §26 "Gated Recurrent Unit"). Each recurrent layer has the same hidden size and the same
// training (Adam, same epochs, same seed); its last hidden state feeds a Linear layer over the 10
// classes. Prints test accuracy, parameter count and seconds for each, as a table: the gated cells
// have 4× (LSTM) and 3× (GRU) the recurrent weights of the plain tanh RNN. With only 8 steps all
// three reach about 96–97%: sequences this short leave the plain RNN's gradients intact (see
// vanishing-gradients.ts for long ones, where the gates matter).
//
//   node examples/dist/sequence-classifier.js [--epochs 15] [--hidden 64] [--seed 0] [--lr 0.003] [--batch 32]
import { loadDigits, trainTestSplit } from '@myelin/data';
import { crossEntropy, evaluate, fit, GRU, Linear, LSTM, Module, RNN } from '@myelin/nn';
import { Adam } from '@myelin/optim';
import { manualSeed, type Tensor } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

/** The job's options (all can be given on the command line as --name value). */
export const defaults = { epochs: 15, hidden: 64, seed: 0, lr: 3e-3, batch: 32, verbose: 1 };

/** The three recurrent layers compared. */
export type CellKind = 'RNN' | 'LSTM' | 'GRU';

/** A recurrent layer reading an image row by row, then a Linear layer on its last hidden state. */
class RowReader extends Module {
  readonly recurrent: RNN | LSTM | GRU;
  readonly head: Linear;

  constructor(kind: CellKind, hidden: number) {
    super();
    const layer = { RNN, LSTM, GRU }[kind];
    this.recurrent = this.addModule('recurrent', new layer(8, hidden, { batchFirst: true }));
    this.head = this.addModule('head', new Linear(hidden, 10));
  }

  /** x [batch, 64] pixels → logits [batch, 10]. */
  forward(x: Tensor): Tensor {
    const rows = x.reshape([x.shape[0]!, 8, 8]); // 8 time steps of 8 pixels
    const [, state] = this.recurrent.forward(rows);
    const h = Array.isArray(state) ? state[0] : state; // LSTM: [h, c]
    return this.head.forward(h.squeeze(0)); // [1, batch, hidden] → [batch, hidden]
  }
}

/** One row of the comparison. */
export interface CellResult {
  kind: CellKind;
  accuracy: number;
  parameters: number;
  seconds: number;
}

/** Trains an RNN, an LSTM and a GRU classifier on the digits' rows; returns their test results. */
export async function runSequenceClassifier(overrides: Partial<typeof defaults> = {}): Promise<CellResult[]> {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  const { data, target } = loadDigits();
  const split = trainTestSplit(data.div(16), target, { testSize: 0.25, stratify: true, seed: options.seed });
  log(
    `Digits read row by row: ${data.shape[0]} images as sequences of 8 steps × 8 pixels; train ${split.xTrain.shape[0]}, ` +
      `test ${split.xTest.shape[0]}; hidden ${options.hidden}, ${options.epochs} epochs each`,
  );
  const results: CellResult[] = [];
  for (const kind of ['RNN', 'LSTM', 'GRU'] as const) {
    manualSeed(options.seed); // same initial random stream for each
    const started = performance.now();
    const model = new RowReader(kind, options.hidden);
    const optimizer = new Adam(model.parameters(), { lr: options.lr });
    await fit(model, [split.xTrain, split.yTrain], {
      optimizer,
      loss: crossEntropy,
      epochs: options.epochs,
      batchSize: options.batch,
      seed: options.seed,
      verbose: 0,
    });
    const test = evaluate(model, [split.xTest, split.yTest], { loss: crossEntropy, metrics: ['accuracy'] });
    const result = {
      kind,
      accuracy: test['accuracy']!,
      parameters: model.numParameters(),
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    log(`  ${kind}: test accuracy ${(result.accuracy * 100).toFixed(2)}% (${result.seconds.toFixed(1)} s)`);
    optimizer.dispose();
    model.dispose();
  }
  log('\nlayer  test accuracy  parameters  seconds');
  for (const r of results)
    log(
      `${r.kind.padEnd(5)}  ${`${(r.accuracy * 100).toFixed(2)}%`.padStart(13)}  ${String(r.parameters).padStart(10)}  ${r.seconds.toFixed(1).padStart(7)}`,
    );
  const best = results.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  log(
    `\nBest: ${best.kind} with ${(best.accuracy * 100).toFixed(2)}% on ${split.xTest.shape[0]} unseen digits`,
  );
  return results;
}

if (isMain(import.meta.url)) await runSequenceClassifier(parseArgs(defaults));
