import type { Tensor } from './tensor.js';

const EDGE = 3;
const SUMMARISE_ABOVE = 1000;

/** PyTorch-style rendering: `tensor([[1.0000, 2.0000], ...], requiresGrad=true)`. */
export function formatTensor(t: Tensor): string {
  const values = t.data();
  const summarise = values.length > SUMMARISE_ABOVE;
  const finite = Array.from(values).filter(Number.isFinite);
  const integral = t.dtype === 'int32' || finite.every(Number.isInteger);
  const largest = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const smallest = finite.filter((v) => v !== 0).reduce((m, v) => Math.min(m, Math.abs(v)), Infinity);
  const scientific = !integral && (largest >= 1e8 || smallest < 1e-4);
  const format = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (t.dtype === 'int32') return String(v);
    if (integral) return `${v}.`;
    return scientific ? v.toExponential(4) : v.toFixed(4);
  };
  const width = Math.max(...Array.from(values.slice(0, 2000), (v) => format(v).length), 1);
  const render = (dim: number, offset: number, indent: string): string => {
    if (t.ndim === 0) return format(values[0]!);
    const size = t.shape[dim]!;
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const shown =
      summarise && size > 2 * EDGE
        ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => size - EDGE + i)]
        : [...Array(size).keys()];
    if (dim === t.ndim - 1) {
      return `[${shown.map((i) => (i < 0 ? '...' : format(values[offset + i]!).padStart(width))).join(', ')}]`;
    }
    const separator = `,${'\n'.repeat(t.ndim - dim - 1)}${indent} `;
    return `[${shown.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * stride, `${indent} `))).join(separator)}]`;
  };
  const extras: string[] = [];
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.requiresGrad) extras.push(t.gradFnName ? `gradFn=${t.gradFnName}` : 'requiresGrad=true');
  if (t.size === 0) extras.push(`shape=[${t.shape.join(',')}]`);
  return `tensor(${render(0, 0, '       ')}${extras.map((e) => `, ${e}`).join('')})`;
}
