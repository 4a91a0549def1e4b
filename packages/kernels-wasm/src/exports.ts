// The raw exports' type now derives from the kernel table; this module keeps the old import path.
export type { KernelExports } from './kernel-table.js';
