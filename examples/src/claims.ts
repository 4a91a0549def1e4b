/**
 * The claims a course-path example checks: each is printed with ✓ or ✗, and a program whose claim
 * failed exits non-zero (see {@link exitIfFailed}).
 *
 * @example const claims = new Claims(console.log); claims.check('2 + 2 = 4', 2 + 2 === 4);
 */
export class Claims {
  readonly results: { claim: string; passed: boolean }[] = [];

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Records and prints one claim; returns whether it held. */
  check(claim: string, passed: boolean): boolean {
    this.results.push({ claim, passed });
    this.log(`${passed ? '✓' : '✗'} ${claim}`);
    return passed;
  }

  /** Whether every claim held. */
  get allPassed(): boolean {
    return this.results.every((r) => r.passed);
  }
}

/** Sets a failing exit code (and says so) when a claim of the chapter did not hold. */
export function exitIfFailed(claims: Claims): void {
  if (claims.allPassed) return;
  const failed = claims.results.filter((r) => !r.passed).map((r) => r.claim);
  console.error(`${failed.length} claim(s) of the chapter failed: ${failed.join('; ')}`);
  process.exitCode = 1;
}
