// A character-level language model on the bundled Book of Genesis (course notes
// 001_b1d89e8e5c8deb0f.txt, §24.1 "Language Modelling", §24.4 "Gradient Clipping", §25 "Long-Short
// Term Memory Networks"): Embedding → 2-layer LSTM → Linear over the vocabulary, trained to predict
// the next character with Adam and gradient clipping. After each epoch it prints the training loss,
// the validation loss and perplexity on the last 10% of the text (never trained on), and a sample
// (same seed every epoch, temperature + top-k) that visibly turns from noise into Genesis-like verse.
//
// Truncated backpropagation through time (BPTT): the text is cut into `batch` contiguous streams
// that are read side by side, `seqLength` characters at a time. The LSTM's final state [h, c] of
// one chunk is the initial state of the next, so the model sees context beyond `seqLength`; but the
// state is DETACHED (`h.detach()`), so backward stops at the chunk's start instead of running back
// through the whole text. The manual loop keeps memory flat with `tidy`: everything a step creates
// is released, except what it returns (the loss value and the detached state), and the previous
// state is disposed once the next one exists. (fit() cannot carry a state between batches.)
//
//   node examples/dist/char-lm.js [--epochs 4] [--seed 0] [--hidden 128] [--layers 2] [--embedding 32]
//                                 [--seqLength 64] [--batch 64] [--lr 0.003] [--clip 1]
//                                 [--temperature 0.8] [--topK 10] [--sampleLength 200] [--prompt 'And God said']
//                                 [--chars 0] (0: the whole text; e.g. 40000 for a quick run)
// Longer runs learn more: e.g. --epochs 20 --hidden 256 (about 10 minutes on 2 cores).
import { CharTokenizer, loadText } from '@myelin/data';
import { crossEntropy, Embedding, Linear, LSTM, Module, sampleLogits } from '@myelin/nn';
import { Adam, clipGradNorm } from '@myelin/optim';
import { Generator, kernels, manualSeed, memory, noGrad, type Tensor, tensor, tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';

/** The job's options (all can be given on the command line as --name value). */
export const defaults = {
  epochs: 4,
  seed: 0,
  hidden: 128,
  layers: 2,
  embedding: 32,
  seqLength: 64,
  batch: 64,
  lr: 3e-3,
  clip: 1,
  temperature: 0.8,
  topK: 10,
  sampleLength: 200,
  prompt: 'And God said',
  chars: 0,
  verbose: 1,
};

/** An LSTM's state: [h, c], each [layers, batch, hidden]. */
type State = [Tensor, Tensor];

/** Frees a carried state once the next one exists. */
function release(state: State | null): void {
  for (const t of state ?? []) t.dispose();
}

/** Embedding → multi-layer LSTM → Linear: next-character logits for every position. */
export class CharLM extends Module {
  readonly embed: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(vocab: number, embedding: number, hidden: number, layers: number) {
    super();
    this.embed = this.addModule('embed', new Embedding(vocab, embedding));
    this.lstm = this.addModule('lstm', new LSTM(embedding, hidden, { numLayers: layers, batchFirst: true }));
    this.head = this.addModule('head', new Linear(hidden, vocab));
  }

  /** ids int32 [batch, time] → logits [batch, time, vocab] and the final state. */
  forward(ids: Tensor, state: State | null = null): [Tensor, State] {
    const [output, next] = this.lstm.forward(this.embed.forward(ids), state);
    const [batch, time, hidden] = output.shape as [number, number, number];
    // Linear on 2-D rows (a 3-D input's backward currently fails: see the report of issue 13 item 6).
    const logits = this.head.forward(output.reshape([batch * time, hidden]));
    return [logits.reshape([batch, time, logits.shape[1]!]), next];
  }
}

/** The ids cut into `streams` contiguous rows [streams, length] (the remainder is dropped). */
function batchify(ids: Int32Array, streams: number): { rows: Int32Array; length: number } {
  const length = Math.floor(ids.length / streams);
  return { rows: ids.subarray(0, streams * length), length };
}

/** Chunk of the streams: input [streams, steps] at columns start..start+steps, target shifted by one. */
function chunk(data: { rows: Int32Array; length: number }, streams: number, start: number, steps: number) {
  const x = new Int32Array(streams * steps);
  const y = new Int32Array(streams * steps);
  for (let s = 0; s < streams; s++) {
    const row = s * data.length + start;
    x.set(data.rows.subarray(row, row + steps), s * steps);
    y.set(data.rows.subarray(row + 1, row + steps + 1), s * steps);
  }
  return [tensor(x, { shape: [streams, steps] }), tensor(y, { shape: [streams * steps] })] as const;
}

/** Mean next-character cross-entropy (nats) over `data`, carrying the state across chunks. */
function meanLoss(model: CharLM, data: { rows: Int32Array; length: number }, streams: number, steps: number) {
  let total = 0;
  let count = 0;
  let state: State | null = null;
  for (let start = 0; start + 1 < data.length; start += steps) {
    const n = Math.min(steps, data.length - 1 - start);
    const [loss, next] = tidy(() =>
      noGrad(() => {
        const [x, y] = chunk(data, streams, start, n);
        const [logits, s] = model.forward(x, state);
        return [crossEntropy(logits.reshape([streams * n, logits.shape[2]!]), y).item(), s] as const;
      }),
    );
    release(state);
    state = next;
    total += loss * n;
    count += n;
  }
  release(state);
  return total / count;
}

/** `length` characters continuing `prompt`, drawn with a generator seeded by `seed`. */
export function sample(
  model: CharLM,
  tokenizer: CharTokenizer,
  options: { prompt: string; length: number; temperature: number; topK: number; seed: number },
): string {
  const generator = new Generator(options.seed);
  const ids: number[] = [];
  let state: State | null = null;
  let input = tokenizer.encode(options.prompt);
  for (let i = 0; i < options.length; i++) {
    const [id, next] = tidy(() =>
      noGrad(() => {
        const [logits, s] = model.forward(tensor(input, { shape: [1, input.length] }), state);
        const last = logits.slice(1, -1).reshape([logits.shape[2]!]);
        const drawn = sampleLogits(last, { temperature: options.temperature, topK: options.topK, generator });
        return [drawn.item(), s] as const;
      }),
    );
    release(state);
    state = next;
    ids.push(id);
    input = Int32Array.of(id);
  }
  release(state);
  return options.prompt + tokenizer.decode(ids);
}

/** Entropy (nats) of the text's character frequencies: the loss of the best context-free model. */
export function unigramEntropy(ids: Int32Array): number {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / ids.length) * Math.log(c / ids.length);
  return h;
}

/** What {@link runCharLM} returns: per-epoch losses (nats per character) and samples. */
export interface CharLMResult {
  trainLoss: number[];
  validationLoss: number[];
  samples: string[];
  /** Entropy of the training text's character frequencies (nats): the context-free baseline. */
  unigramEntropy: number;
  parameters: number;
  /** Live tensors after each epoch (flat: the loop releases everything it creates). */
  liveTensors: number[];
}

/** Trains the character-level LSTM language model; returns its losses and samples per epoch. */
export function runCharLM(overrides: Partial<typeof defaults> = {}): CharLMResult {
  const options = { ...defaults, ...overrides };
  manualSeed(options.seed);
  const log = options.verbose > 0 ? console.log : () => {};
  const started = performance.now();

  const full = loadText('genesis').text;
  const text = options.chars > 0 ? full.slice(0, options.chars) : full;
  const tokenizer = CharTokenizer.fromText(full);
  const ids = tokenizer.encode(text);
  const cut = Math.floor(ids.length * 0.9);
  const train = batchify(ids.subarray(0, cut), options.batch);
  const validationStreams = 8; // fewer, longer streams: less of the text is read from a zero state
  const validation = batchify(ids.subarray(cut), validationStreams);
  const baseline = unigramEntropy(ids.subarray(0, cut));

  const model = new CharLM(tokenizer.vocabSize, options.embedding, options.hidden, options.layers);
  const params = model.parameters();
  const optimizer = new Adam(params, { lr: options.lr });
  const chunks = Math.ceil((train.length - 1) / options.seqLength);
  log(
    `Genesis: ${ids.length} characters, vocabulary ${tokenizer.vocabSize}; train ${cut}, validation ${ids.length - cut}; ` +
      `${options.batch} streams × ${options.seqLength} steps, ${chunks} chunks per epoch; kernels: ${kernels.variant} build`,
  );
  log(`${model.toString()}\n`);
  log(
    `A model that ignores context (character frequencies) scores ${baseline.toFixed(3)} nats/char ` +
      `(perplexity ${Math.exp(baseline).toFixed(1)}).\n`,
  );
  log(`Before training: "${sample(model, tokenizer, sampleOptions(options)).replaceAll('\n', '⏎')}"\n`);

  const progress = progressLine(options.verbose > 0);
  const result: CharLMResult = {
    trainLoss: [],
    validationLoss: [],
    samples: [],
    unigramEntropy: baseline,
    parameters: model.numParameters(),
    liveTensors: [],
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const epochStart = performance.now();
    let state: State | null = null;
    let total = 0;
    let count = 0;
    for (let start = 0, k = 0; start + 1 < train.length; start += options.seqLength, k++) {
      const steps = Math.min(options.seqLength, train.length - 1 - start);
      // One step of truncated BPTT. tidy releases the graph, the gradients' temporaries and the
      // chunk's tensors; it keeps what the callback returns: the loss value and the next state.
      const [loss, next] = tidy(() => {
        const [x, y] = chunk(train, options.batch, start, steps);
        const [logits, [h, c]] = model.forward(x, state);
        const lossTensor = crossEntropy(logits.reshape([options.batch * steps, tokenizer.vocabSize]), y);
        optimizer.zeroGrad();
        lossTensor.backward();
        clipGradNorm(params, options.clip);
        optimizer.step();
        // Detach: the next chunk starts from these values but does not backpropagate into this one.
        return [lossTensor.item(), [h.detach(), c.detach()] as State] as const;
      });
      release(state); // the previous chunk's state is no longer needed
      state = next;
      total += loss * steps;
      count += steps;
      progress(`epoch ${epoch + 1}/${options.epochs}  chunk ${k + 1}/${chunks}  loss ${loss.toFixed(3)}`);
    }
    release(state);
    const trainLoss = total / count;
    const validationLoss = meanLoss(model, validation, validationStreams, options.seqLength);
    const text = sample(model, tokenizer, sampleOptions(options));
    result.trainLoss.push(trainLoss);
    result.validationLoss.push(validationLoss);
    result.samples.push(text);
    result.liveTensors.push(memory().tensors);
    progress('');
    log(
      `epoch ${epoch + 1}/${options.epochs}  train ${trainLoss.toFixed(3)}  validation ${validationLoss.toFixed(3)} nats/char ` +
        `(perplexity ${Math.exp(validationLoss).toFixed(2)})  ${((performance.now() - epochStart) / 1000).toFixed(1)} s, ` +
        `${memory().tensors} live tensors`,
    );
    log(`  "${text.replaceAll('\n', '⏎')}"\n`);
  }
  const final = result.validationLoss.at(-1)!;
  log(
    `Validation loss ${final.toFixed(3)} nats/char = ${(final / Math.LN2).toFixed(2)} bits/char, perplexity ` +
      `${Math.exp(final).toFixed(2)} (context-free baseline ${baseline.toFixed(3)}), ${result.parameters} parameters, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  optimizer.dispose();
  model.dispose();
  return result;
}

function sampleOptions(options: typeof defaults) {
  return {
    prompt: options.prompt,
    length: options.sampleLength,
    temperature: options.temperature,
    topK: options.topK,
    seed: options.seed,
  };
}

/** Rewrites one status line in place on a terminal; does nothing elsewhere. */
function progressLine(enabled: boolean): (line: string) => void {
  const stdout = (globalThis as { process?: { stdout?: { isTTY?: boolean; write(s: string): unknown } } })
    .process?.stdout;
  if (!enabled || !stdout?.isTTY) return () => {};
  return (line) => void stdout.write(`\r${line.padEnd(60)}${line === '' ? '\r' : ''}`);
}

if (isMain(import.meta.url)) runCharLM(parseArgs(defaults));
