// Fused elementwise parts of the LSTM and GRU cells, forward and backward, with PyTorch's gate
// order and equations (torch.nn.LSTM / torch.nn.GRU). The matrix products (x·W_ihᵀ, h·W_hhᵀ and
// their gradients) stay with sgemm; one call here replaces the ~10 unary/binary kernels between
// them. Rows are batch entries; every loop runs over the hidden dimension in vectors of 4 with a
// partial-vector tail, so results never depend on `hidden`'s remainder. Multiplies and adds are
// never fused, so both builds give identical results.

import { K_ONE, K_ZERO, k } from './simd/constants';
import { loadMasked, storeMasked } from './simd/lanes';
import { sigmoidv, tanhv } from './simd/math';

/** x·(1 − x): the sigmoid's derivative from its output. */
@inline
function sigmoidSlope(y: v128, one: v128): v128 {
  return f32x4.mul(y, f32x4.sub(one, y));
}

/** 1 − y²: tanh's derivative from its output. */
@inline
function tanhSlope(y: v128, one: v128): v128 {
  return f32x4.sub(one, f32x4.mul(y, y));
}

/** A vector at `ptr`, or zeros when `ptr` is the null pointer 0 (`present` is a compile-time constant). */
@inline
function loadOrZero(ptr: usize, present: bool, full: bool, count: usize): v128 {
  return present ? loadMasked(ptr, full, count) : k(K_ZERO);
}

// ---------------------------------------------------------------------------------------------
// LSTM

/** One vector (4 hidden units, or `count` at a row's tail) of {@link lstmCellForward}. `gates` points
 * to the i block of the row, `o` is a byte offset into the other [batch, hidden] buffers. */
@inline
function lstmForwardStep(
  gates: usize,
  gateBytes: usize,
  cPrev: usize,
  h: usize,
  c: usize,
  tanhC: usize,
  o: usize,
  save: bool,
  full: bool,
  count: usize,
): void {
  const ig = sigmoidv(loadMasked(gates, full, count));
  const fg = sigmoidv(loadMasked(gates + gateBytes, full, count));
  const gg = tanhv(loadMasked(gates + 2 * gateBytes, full, count));
  const og = sigmoidv(loadMasked(gates + 3 * gateBytes, full, count));
  const cNew = f32x4.add(f32x4.mul(fg, loadMasked(cPrev + o, full, count)), f32x4.mul(ig, gg));
  const t = tanhv(cNew);
  storeMasked(c + o, cNew, full, count);
  storeMasked(h + o, f32x4.mul(og, t), full, count);
  if (save) {
    storeMasked(gates, ig, full, count);
    storeMasked(gates + gateBytes, fg, full, count);
    storeMasked(gates + 2 * gateBytes, gg, full, count);
    storeMasked(gates + 3 * gateBytes, og, full, count);
    storeMasked(tanhC + o, t, full, count);
  }
}

@inline
function lstmForwardRows(gates: usize, cPrev: usize, h: usize, c: usize, tanhC: usize, batch: usize, hidden: usize, save: bool): void {
  const body = hidden & ~3;
  const rest = hidden - body;
  const gateBytes = hidden << 2;
  for (let b: usize = 0; b < batch; b++) {
    const row = b * hidden;
    const gatesRow = gates + ((row << 2) << 2); // rows of 4·hidden floats
    for (let j: usize = 0; j < body; j += 4) {
      lstmForwardStep(gatesRow + (j << 2), gateBytes, cPrev, h, c, tanhC, (row + j) << 2, save, true, 4);
    }
    if (rest > 0) {
      lstmForwardStep(gatesRow + (body << 2), gateBytes, cPrev, h, c, tanhC, (row + body) << 2, save, false, rest);
    }
  }
}

/**
 * The LSTM cell after its matrix products (PyTorch's torch.nn.LSTMCell). `gates` is [batch,
 * 4·hidden], each row the pre-activations x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh in PyTorch's order
 * (i, f, g, o), each block `hidden` wide; `cPrev`, `h`, `c` are [batch, hidden]:
 *   i = σ(·), f = σ(·), g = tanh(·), o = σ(·);  c = f·cPrev + i·g;  h = o·tanh(c).
 * With `tanhC` 0 (inference) `gates` is left as it is. Otherwise `gates` is overwritten in place
 * with the activated gates (i, f, g, o) and `tanhC` ([batch, hidden]) receives tanh(c): what
 * {@link lstmCellBackward} reads. `c` may alias `cPrev`; no other buffers may overlap.
 */
export function lstmCellForward(gates: usize, cPrev: usize, h: usize, c: usize, tanhC: usize, batch: usize, hidden: usize): void {
  if (tanhC != 0) lstmForwardRows(gates, cPrev, h, c, tanhC, batch, hidden, true);
  else lstmForwardRows(gates, cPrev, h, c, tanhC, batch, hidden, false);
}

@inline
function lstmBackwardStep(
  gates: usize,
  gradGates: usize,
  gateBytes: usize,
  cPrev: usize,
  tanhC: usize,
  gradH: usize,
  gradC: usize,
  gradCPrev: usize,
  o: usize,
  hasGradH: bool,
  hasGradC: bool,
  full: bool,
  count: usize,
): void {
  const one = k(K_ONE);
  const ig = loadMasked(gates, full, count);
  const fg = loadMasked(gates + gateBytes, full, count);
  const gg = loadMasked(gates + 2 * gateBytes, full, count);
  const og = loadMasked(gates + 3 * gateBytes, full, count);
  const t = loadMasked(tanhC + o, full, count);
  const dh = loadOrZero(gradH + o, hasGradH, full, count);
  // Everything that reaches c: its own gradient and the path through h = o·tanh(c).
  const dc = f32x4.add(loadOrZero(gradC + o, hasGradC, full, count), f32x4.mul(f32x4.mul(dh, og), tanhSlope(t, one)));
  storeMasked(gradGates, f32x4.mul(f32x4.mul(dc, gg), sigmoidSlope(ig, one)), full, count);
  const cp = loadMasked(cPrev + o, full, count);
  storeMasked(gradGates + gateBytes, f32x4.mul(f32x4.mul(dc, cp), sigmoidSlope(fg, one)), full, count);
  storeMasked(gradGates + 2 * gateBytes, f32x4.mul(f32x4.mul(dc, ig), tanhSlope(gg, one)), full, count);
  storeMasked(gradGates + 3 * gateBytes, f32x4.mul(f32x4.mul(dh, t), sigmoidSlope(og, one)), full, count);
  if (gradCPrev != 0) storeMasked(gradCPrev + o, f32x4.mul(dc, fg), full, count);
}

@inline
function lstmBackwardRows(
  gates: usize,
  cPrev: usize,
  tanhC: usize,
  gradH: usize,
  gradC: usize,
  gradGates: usize,
  gradCPrev: usize,
  batch: usize,
  hidden: usize,
  hasGradH: bool,
  hasGradC: bool,
): void {
  const body = hidden & ~3;
  const rest = hidden - body;
  const gateBytes = hidden << 2;
  for (let b: usize = 0; b < batch; b++) {
    const row = b * hidden;
    const gatesRow = gates + ((row << 2) << 2);
    const gradGatesRow = gradGates + ((row << 2) << 2);
    for (let j: usize = 0; j < body; j += 4) {
      const g = j << 2;
      lstmBackwardStep(gatesRow + g, gradGatesRow + g, gateBytes, cPrev, tanhC, gradH, gradC, gradCPrev, (row + j) << 2, hasGradH, hasGradC, true, 4);
    }
    if (rest > 0) {
      const g = body << 2;
      lstmBackwardStep(gatesRow + g, gradGatesRow + g, gateBytes, cPrev, tanhC, gradH, gradC, gradCPrev, (row + body) << 2, hasGradH, hasGradC, false, rest);
    }
  }
}

/**
 * Gradient of {@link lstmCellForward}. `gates` holds the activated gates and `tanhC` tanh(c), as
 * the forward call saved them; `cPrev` is the forward's `cPrev`. `gradH` and `gradC` are the
 * gradients of h and c ([batch, hidden]); either may be the null pointer 0, meaning zeros. Writes
 * the gradient of the pre-activation gates into `gradGates` ([batch, 4·hidden], same layout; it may
 * alias `gates`) and of cPrev, gradC_total·f, into `gradCPrev` ([batch, hidden]; may alias `gradC`;
 * 0 skips it).
 */
export function lstmCellBackward(
  gates: usize,
  cPrev: usize,
  tanhC: usize,
  gradH: usize,
  gradC: usize,
  gradGates: usize,
  gradCPrev: usize,
  batch: usize,
  hidden: usize,
): void {
  if (gradH != 0) {
    if (gradC != 0) lstmBackwardRows(gates, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, batch, hidden, true, true);
    else lstmBackwardRows(gates, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, batch, hidden, true, false);
  } else {
    if (gradC != 0) lstmBackwardRows(gates, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, batch, hidden, false, true);
    else lstmBackwardRows(gates, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, batch, hidden, false, false);
  }
}

// ---------------------------------------------------------------------------------------------
// GRU

@inline
function gruForwardStep(
  gi: usize,
  gh: usize,
  gateBytes: usize,
  hPrev: usize,
  h: usize,
  save: usize,
  o: usize,
  saving: bool,
  full: bool,
  count: usize,
): void {
  const r = sigmoidv(f32x4.add(loadMasked(gi, full, count), loadMasked(gh, full, count)));
  const z = sigmoidv(f32x4.add(loadMasked(gi + gateBytes, full, count), loadMasked(gh + gateBytes, full, count)));
  const hn = loadMasked(gh + 2 * gateBytes, full, count);
  const n = tanhv(f32x4.add(loadMasked(gi + 2 * gateBytes, full, count), f32x4.mul(r, hn)));
  const hp = loadMasked(hPrev + o, full, count);
  // (1 − z)·n + z·hPrev, written n + z·(hPrev − n): one multiply fewer.
  storeMasked(h + o, f32x4.add(n, f32x4.mul(z, f32x4.sub(hp, n))), full, count);
  if (saving) {
    storeMasked(save, r, full, count);
    storeMasked(save + gateBytes, z, full, count);
    storeMasked(save + 2 * gateBytes, n, full, count);
    storeMasked(save + 3 * gateBytes, hn, full, count);
  }
}

@inline
function gruForwardRows(gi: usize, gh: usize, hPrev: usize, h: usize, save: usize, batch: usize, hidden: usize, saving: bool): void {
  const body = hidden & ~3;
  const rest = hidden - body;
  const gateBytes = hidden << 2;
  for (let b: usize = 0; b < batch; b++) {
    const row = b * hidden;
    const giRow = gi + ((row * 3) << 2); // rows of 3·hidden floats
    const ghRow = gh + ((row * 3) << 2);
    const saveRow = save + ((row << 2) << 2); // rows of 4·hidden floats
    for (let j: usize = 0; j < body; j += 4) {
      const g = j << 2;
      gruForwardStep(giRow + g, ghRow + g, gateBytes, hPrev, h, saveRow + g, (row + j) << 2, saving, true, 4);
    }
    if (rest > 0) {
      const g = body << 2;
      gruForwardStep(giRow + g, ghRow + g, gateBytes, hPrev, h, saveRow + g, (row + body) << 2, saving, false, rest);
    }
  }
}

/**
 * The GRU cell after its matrix products (PyTorch's torch.nn.GRUCell). `gi` = x·W_ihᵀ + b_ih and
 * `gh` = hPrev·W_hhᵀ + b_hh are [batch, 3·hidden], each row in PyTorch's order (r, z, n); `hPrev`
 * and `h` are [batch, hidden]:
 *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n), h = (1 − z)·n + z·hPrev.
 * With `save` nonzero, writes [batch, 4·hidden] rows (r, z, n, gh_n) there for
 * {@link gruCellBackward}; 0 saves nothing. `h` may alias `hPrev`; no other buffers may overlap.
 */
export function gruCellForward(gi: usize, gh: usize, hPrev: usize, h: usize, save: usize, batch: usize, hidden: usize): void {
  if (save != 0) gruForwardRows(gi, gh, hPrev, h, save, batch, hidden, true);
  else gruForwardRows(gi, gh, hPrev, h, save, batch, hidden, false);
}

@inline
function gruBackwardStep(
  save: usize,
  gradGi: usize,
  gradGh: usize,
  gateBytes: usize,
  hPrev: usize,
  gradH: usize,
  gradHPrev: usize,
  o: usize,
  full: bool,
  count: usize,
): void {
  const one = k(K_ONE);
  const r = loadMasked(save, full, count);
  const z = loadMasked(save + gateBytes, full, count);
  const n = loadMasked(save + 2 * gateBytes, full, count);
  const hn = loadMasked(save + 3 * gateBytes, full, count);
  const dh = loadMasked(gradH + o, full, count);
  const hp = loadMasked(hPrev + o, full, count);
  const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(hp, n)), sigmoidSlope(z, one));
  const dn = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), tanhSlope(n, one));
  const dr = f32x4.mul(f32x4.mul(dn, hn), sigmoidSlope(r, one));
  storeMasked(gradGi, dr, full, count);
  storeMasked(gradGi + gateBytes, dz, full, count);
  storeMasked(gradGi + 2 * gateBytes, dn, full, count);
  storeMasked(gradGh, dr, full, count);
  storeMasked(gradGh + gateBytes, dz, full, count);
  storeMasked(gradGh + 2 * gateBytes, f32x4.mul(dn, r), full, count);
  if (gradHPrev != 0) storeMasked(gradHPrev + o, f32x4.mul(dh, z), full, count);
}

/**
 * Gradient of {@link gruCellForward}, from its `save` rows (r, z, n, gh_n), its `hPrev` and the
 * gradient `gradH` of h ([batch, hidden]). Writes the gradients of the forward's `gi` and `gh` into
 * `gradGi` and `gradGh` ([batch, 3·hidden] each; they differ only in the n block, which for `gh` is
 * scaled by r) and the direct part of hPrev's gradient, gradH·z, into `gradHPrev` ([batch, hidden];
 * may alias `gradH`; 0 skips it): the caller adds the path through gh's matrix product,
 * gradGh·W_hh, to it. No other buffers may overlap.
 */
export function gruCellBackward(
  save: usize,
  hPrev: usize,
  gradH: usize,
  gradGi: usize,
  gradGh: usize,
  gradHPrev: usize,
  batch: usize,
  hidden: usize,
): void {
  const body = hidden & ~3;
  const rest = hidden - body;
  const gateBytes = hidden << 2;
  for (let b: usize = 0; b < batch; b++) {
    const row = b * hidden;
    const saveRow = save + ((row << 2) << 2);
    const giRow = gradGi + ((row * 3) << 2);
    const ghRow = gradGh + ((row * 3) << 2);
    for (let j: usize = 0; j < body; j += 4) {
      const g = j << 2;
      gruBackwardStep(saveRow + g, giRow + g, ghRow + g, gateBytes, hPrev, gradH, gradHPrev, (row + j) << 2, true, 4);
    }
    if (rest > 0) {
      const g = body << 2;
      gruBackwardStep(saveRow + g, giRow + g, ghRow + g, gateBytes, hPrev, gradH, gradHPrev, (row + body) << 2, false, rest);
    }
  }
}
