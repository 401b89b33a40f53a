import { terminalSecrets } from '../terminal-secrets.ts';
import { createPageJson } from '../view/create-page-json.ts';

/** How far a value too deep for `JSON.stringify` is walked into, to redact what is above it. */
const MAX_WALK_DEPTH = 8;

/**
 * Makes the redactor of what `gemloop diff` and `gemloop replay` print and write from run files:
 * a copy of a value with every Google key and OAuth token (by shape) and every credential of this
 * shell ({@link terminalSecrets}: secret-named variables, URL passwords, secret flags, `.env`)
 * replaced by `[redacted]` in each string and property name, as `gemloop view` shows them
 * ({@link createPageJson}: the same floor of 8 characters, so `AUTH=true` cuts no `true`). A run
 * file is bytes from anywhere: a tool's output quoting a key or a database URL, a planted file.
 * Redact the diff, not the runs: two runs that differ only in a key still differ.
 * @internal
 */
export function createReportRedactor(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
  cwd: string,
): <T>(value: T) => T {
  const json = createPageJson(terminalSecrets(env, args, cwd));
  const redact = (value: unknown, depth: number): unknown => {
    if (value === undefined) return undefined;
    try {
      return JSON.parse(json(value));
    } catch {
      // Nested past what JSON.stringify takes (a hostile file): the levels above are redacted,
      // the rest is kept, as every printer and writer of it fails on it the same way (the diff
      // prints "nested too deep to print").
      if (depth >= MAX_WALK_DEPTH || typeof value !== 'object' || value === null) return value;
      if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const name = JSON.parse(json(key)) as string;
        Object.defineProperty(copy, name, {
          value: redact(item, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
  };
  return <T>(value: T): T => redact(value, 0) as T;
}
