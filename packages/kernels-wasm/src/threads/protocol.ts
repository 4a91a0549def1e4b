// The shared control block between the calling thread and the workers: one slot of SLOT_INTS
// int32s per worker in a SharedArrayBuffer of its own (not in linear memory), so that a worker never
// touches the allocator's memory except through the kernels it runs. A job is "call kernel export
// number KERNEL (its index in the list of names the worker got at start) with ARG_COUNT arguments";
// the arguments are stored as float64s, which hold every i32, pointer (up to 4 GiB) and float the
// kernels take exactly, so the worker passes the very numbers the calling thread would have.

/** Int32s per worker slot (1 KiB: slots never share a cache line). */
export const SLOT_INTS = 256;
/** Job sequence number: the caller bumps it to hand the worker a job. */
export const JOB = 0;
/** Sequence number of the last job the worker finished. */
export const DONE = 16;
/** 0: the job succeeded; 1: it threw (the message follows at MESSAGE). */
export const STATUS = 17;
/** What to do: RUN_KERNEL or STOP. */
export const COMMAND = 18;
/** Index of the kernel export to call, in the worker's list of kernel names. */
export const KERNEL = 19;
/** How many arguments follow at ARGS. */
export const ARG_COUNT = 20;
/** First argument, as an index into the slot seen as float64s (int32 offset 32: 8-byte aligned). */
export const ARGS = 16;
/** Most arguments of one job (int32s 32–79). */
export const MAX_ARGS = 24;
/** Length of the error message, then its UTF-16 code units. */
export const MESSAGE_LENGTH = 96;
export const MESSAGE = 97;
export const MESSAGE_MAX = SLOT_INTS - MESSAGE;

export const RUN_KERNEL = 1;
export const STOP = 2;
