// Deprecated names kept so that existing code keeps compiling. TypeScript only: opcodes.ts must stay
// valid AssemblyScript, where an enum cannot be aliased.
import { UnaryOp } from './opcodes.js';

/**
 * @deprecated Use {@link UnaryOp}: `unaryGrad` takes the same op codes as `unary` (issue 11).
 *
 * @example kernels.unaryGrad(UnaryOp.Tanh, x, y, gy, gx, n); // not UnaryGradOp.Tanh
 */
export const UnaryGradOp = UnaryOp;
/** @deprecated Use {@link UnaryOp}. */
export type UnaryGradOp = UnaryOp;
