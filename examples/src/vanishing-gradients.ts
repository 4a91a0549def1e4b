// Vanishing gradients in a recurrent network, made visible (course notes 001_b1d89e8e5c8deb0f.txt,
// §24.3 "Vanishing/Exploding Gradients" and §25 "Long-Short Term Memory Networks"). A loss that reads
// only the last step's output (as a classifier of a whole sequence does) is backpropagated through
// a long random sequence, and the chart shows ‖∂L/∂x_t‖, how much the input at step t can still
// change the loss, on a log scale.
//
// A plain tanh RNN multiplies the gradient by diag(tanh′)·W_hh at every step back, so it shrinks
// geometrically: the first step’s input gets ~10⁻²⁹ of the last one’s gradient after 100 steps. An
// LSTM's cell state c_t = f·c_{t−1} + i·g is an additive path scaled only by the forget gate f: with
// PyTorch's initialisation (biases near 0, so f ≈ 0.5) it still decays, but a forget-gate bias of 1
// (f ≈ 0.73; Jozefowicz et al. 2015, "An Empirical Exploration of Recurrent Network Architectures")
// keeps the early steps within reach, and the gate is learnable: training can open it wider (try
// --forgetBias 2 or 3). The result line gives each model's decay ‖∂L/∂x_T‖ / ‖∂L/∂x_1‖, then the
// chapter's claims are checked (✓/✗; a failed one makes the program exit non-zero).
//
//   node examples/dist/vanishing-gradients.js [--steps 100] [--hidden 32] [--input 8] [--batch 8]
//                                             [--forgetBias 1] [--seed 0] [--every 5]
import { LSTM, type Module, RNN } from '@myelin/nn';
import { manualSeed, noGrad, randn, type Tensor, tidy } from '@myelin/tensor';
import { isMain, parseArgs } from './args.js';
import { Claims, exitIfFailed } from './claims.js';

/** The job's options (all can be given on the command line as --name value). */
export const defaults = {
  steps: 100,
  hidden: 32,
  input: 8,
  batch: 8,
  forgetBias: 1,
  seed: 0,
  every: 5,
  verbose: 1,
};

/** One model's gradient norms. */
export interface GradientProfile {
  name: string;
  /** ‖∂L/∂x_t‖ for t = 1..steps (over the batch and the input features). */
  norms: number[];
  /** ‖∂L/∂x_T‖ / ‖∂L/∂x_1‖: how many times weaker the first step's gradient is than the last's. */
  decay: number;
}

/** Sets an LSTM's forget-gate biases (rows hidden..2·hidden of bias_ih, PyTorch's i, f, g, o order; bias_hh's to 0). */
function setForgetBias(lstm: LSTM, value: number): void {
  const h = lstm.hiddenSize;
  const parameters = lstm.stateDict();
  noGrad(() => {
    parameters
      .get('bias_ih_l0')!
      .slice(0, h, 2 * h)
      .fill_(value);
    parameters
      .get('bias_hh_l0')!
      .slice(0, h, 2 * h)
      .fill_(0);
  });
}

/** ‖∂L/∂x_t‖ per step for L = sum of the last step's output, x a fixed random sequence [T, batch, input]. */
function profile(name: string, model: Module, x: Tensor): GradientProfile {
  const [steps, batch, features] = x.shape as [number, number, number];
  const grad = tidy(() => {
    const input = x.detach().requiresGrad_();
    const [output] = model.forward(input) as [Tensor, unknown];
    output
      .slice(0, steps - 1)
      .sum()
      .backward();
    return input.grad!.data().slice();
  });
  const per = batch * features;
  const norms = Array.from({ length: steps }, (_, t) => Math.hypot(...grad.subarray(t * per, (t + 1) * per)));
  return { name, norms, decay: norms[steps - 1]! / norms[0]! };
}

/**
 * Measures the gradient profiles of a tanh RNN and an LSTM (PyTorch's init, then the given forget
 * bias) and checks the chapter's claims about them.
 *
 * @example const { profiles: [rnn, , lstm] } = runVanishingGradients({ verbose: 0 }); rnn!.decay > lstm!.decay; // true
 */
export function runVanishingGradients(overrides: Partial<typeof defaults> = {}): {
  profiles: GradientProfile[];
  claims: Claims;
} {
  const options = { ...defaults, ...overrides };
  const log = options.verbose > 0 ? console.log : () => {};
  manualSeed(options.seed);
  const x = randn([options.steps, options.batch, options.input]);
  const models: [string, Module][] = [];
  manualSeed(options.seed + 1);
  models.push(['RNN (tanh)', new RNN(options.input, options.hidden)]);
  manualSeed(options.seed + 1);
  models.push(['LSTM (init)', new LSTM(options.input, options.hidden)]);
  manualSeed(options.seed + 1);
  const lstm = new LSTM(options.input, options.hidden);
  setForgetBias(lstm, options.forgetBias);
  models.push([`LSTM (f bias ${options.forgetBias})`, lstm]);
  const profiles = models.map(([name, model]) => profile(name, model, x));
  x.dispose();
  for (const [, model] of models) model.dispose();

  log(
    `‖∂L/∂x_t‖ for L = sum of the last output, over ${options.steps} steps of random input ` +
      `(batch ${options.batch}, ${options.input} features, hidden ${options.hidden}); log scale, shared by the columns:\n`,
  );
  chart(profiles, options.every).forEach((line) => {
    log(line);
  });
  log('');
  log(profiles.map((p) => `${p.name}: ‖∂L/∂x_T‖ / ‖∂L/∂x_1‖ = ${p.decay.toExponential(1)}`).join('; '));

  // thresholds scale with the length: the claims are about orders of magnitude per step back
  const [rnn, lstmInit, tuned] = profiles as [GradientProfile, GradientProfile, GradientProfile];
  const steps = options.steps;
  const claims = new Claims(log);
  claims.check(
    `the plain RNN's gradient vanishes: it shrinks ${rnn.decay.toExponential(1)}× over ${steps} steps (> 10^(T/5) = 1e${steps / 5})`,
    rnn.decay > 10 ** (steps / 5),
  );
  const early = tuned.norms[0]! / rnn.norms[0]!;
  claims.check(
    `at step 1 the RNN's gradient is ${early.toExponential(1)}× below the LSTM's with forget bias ${options.forgetBias} (> 10^(T/10) = 1e${steps / 10})`,
    early > 10 ** (steps / 10),
  );
  claims.check(
    `even the LSTM at PyTorch's initialisation keeps more of it (its decay is > 10× smaller: ${(rnn.decay / lstmInit.decay).toExponential(1)}×)`,
    rnn.decay > 10 * lstmInit.decay,
  );
  claims.check(
    `the forget gate's bias is what holds memory: bias ${options.forgetBias} decays less than PyTorch's init (${tuned.decay.toExponential(1)} < ${lstmInit.decay.toExponential(1)})`,
    tuned.decay < lstmInit.decay,
  );
  return { profiles, claims };
}

/** A text chart: one row per `every` steps (and the first and last), one log-scale bar per profile. */
function chart(profiles: GradientProfile[], every: number): string[] {
  const width = 20;
  const logs = profiles.flatMap((p) => p.norms.filter((n) => n > 0).map(Math.log10));
  const low = Math.floor(Math.min(...logs));
  const high = Math.ceil(Math.max(...logs));
  const steps = profiles[0]!.norms.length;
  const cell = (n: number) => {
    const bar = n > 0 ? Math.round(((Math.log10(n) - low) / (high - low || 1)) * width) : 0;
    const value = n > 0 ? n.toExponential(0) : '0';
    return `${value.padStart(6)} ${'█'.repeat(bar).padEnd(width)}`;
  };
  const lines = [`${'step'.padStart(5)}  ${profiles.map((p) => p.name.padEnd(width + 7)).join('  ')}`];
  for (let t = 0; t < steps; t++) {
    if (t % every !== 0 && t !== steps - 1) continue;
    lines.push(`${String(t + 1).padStart(5)}  ${profiles.map((p) => cell(p.norms[t]!)).join('  ')}`);
  }
  lines.push(`${''.padStart(5)}  bars: 10^${low} (empty) … 10^${high} (full)`);
  return lines;
}

if (isMain(import.meta.url)) exitIfFailed(runVanishingGradients(parseArgs(defaults)).claims);
