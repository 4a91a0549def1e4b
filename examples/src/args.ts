/** Reads `--name value` options from the command line, with defaults (numbers stay numbers). */
export function parseArgs<T extends Record<string, number | string>>(
  defaults: T,
  argv = process.argv.slice(2),
): T {
  const out: Record<string, number | string> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!.replace(/^--/, '');
    if (!(key in defaults))
      throw new Error(
        `unknown option --${key} (options: ${Object.keys(defaults)
          .map((k) => `--${k}`)
          .join(' ')})`,
      );
    const value = argv[++i];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    out[key] = typeof defaults[key] === 'number' ? Number(value) : value;
    if (typeof defaults[key] === 'number' && !Number.isFinite(out[key]))
      throw new Error(`--${key} must be a number, got ${value}`);
  }
  return out as T;
}

/** Whether the module with this `import.meta.url` is the program being run (false in browsers and tests). */
export function isMain(moduleUrl: string): boolean {
  const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv;
  const script = argv?.[1];
  if (script === undefined) return false;
  return moduleUrl.endsWith(script.replace(/\\/g, '/').replace(/^.*\/examples\//, '/examples/'));
}
