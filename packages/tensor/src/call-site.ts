// Where user code called into Myelin, read from a stack trace: the leak warning, anomaly mode and
// debug mode all report the user's line rather than the library's frames (issue 16 #2).

/** A frame inside one of Myelin's own packages (installed as `@myelin/…` or in this repository). */
const OWN_FRAME = /[\\/](?:@myelin[\\/]|packages[\\/](?:tensor|nn|optim|data|kernels-wasm|onnx)[\\/])/;
/** Test files inside the repository count as user code. */
const TEST_FILE = /\.test\.[jt]s/;

const isOwn = (frame: string): boolean => OWN_FRAME.test(frame) && !TEST_FILE.test(frame);

/**
 * An `Error` whose stack reaches past the library's own frames (V8 keeps 10 by default). Its stack
 * is only formatted when read, so taking one is cheap enough for debug mode's one per tensor.
 *
 * @example const where = deepError(); // later: userFrame(where.stack ?? '')
 */
export function deepError(): Error {
  const v8 = Error as { stackTraceLimit?: number };
  const limit = v8.stackTraceLimit;
  v8.stackTraceLimit = 60;
  const error = new Error();
  v8.stackTraceLimit = limit;
  return error;
}

/** The frames of `stack`, without the message line, trimmed. */
function frames(stack: string): string[] {
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at ') || line.includes('@'));
}

/**
 * The first frame of `stack` outside Myelin's packages (the user's line), or the innermost frame
 * when every frame is the library's.
 *
 * @example userFrame(deepError().stack ?? '') // 'at train (file:///home/me/train.js:12:17)'
 */
export function userFrame(stack: string): string {
  const all = frames(stack);
  return all.find((frame) => !isOwn(frame)) ?? all[0] ?? '(unknown)';
}

/**
 * The library function the user's line called: the outermost Myelin frame just inside the user's
 * frame (e.g. `Tensor.matmul`), or `''` when the stack shows none.
 *
 * @example libraryEntry(deepError().stack ?? '') // 'Tensor.matmul'
 */
export function libraryEntry(stack: string): string {
  const all = frames(stack);
  const user = all.findIndex((frame) => !isOwn(frame));
  if (user <= 0) return '';
  const entry = all[user - 1] ?? '';
  const name = /^at (?:async )?(?:new )?([^\s(]+) \(/.exec(entry) ?? /^([^@\s]+)@/.exec(entry);
  return name?.[1] ?? '';
}

/**
 * Where user code called into the library, as one stack frame.
 *
 * @example console.warn(`created ${callSite()}`)
 */
export function callSite(): string {
  return userFrame(deepError().stack ?? '');
}
