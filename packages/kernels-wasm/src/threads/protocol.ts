// The shared control block between the calling thread and the SGEMM workers: one slot of
// SLOT_INTS int32s per worker in a SharedArrayBuffer of its own (not in linear memory), so that a
// worker never touches the allocator's memory except through the kernels it runs.

/** Int32s per worker slot (1 KiB: slots never share a cache line). */
export const SLOT_INTS = 256;
/** Job sequence number: the caller bumps it to hand the worker a job. */
export const JOB = 0;
/** Sequence number of the last job the worker finished. */
export const DONE = 16;
/** 0: the job succeeded; 1: it threw (the message follows at MESSAGE). */
export const STATUS = 17;
/** What to do: RUN_SGEMM or STOP. */
export const COMMAND = 18;
/** The 17 arguments of the `sgemm` export, in its order (beta as float32 bits). */
export const ARGS = 32;
/** Length of the error message, then its UTF-16 code units. */
export const MESSAGE_LENGTH = 64;
export const MESSAGE = 65;
export const MESSAGE_MAX = SLOT_INTS - MESSAGE;

export const RUN_SGEMM = 1;
export const STOP = 2;
