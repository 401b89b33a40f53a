import { terminalSecrets } from '../terminal-secrets.ts';
import { createPageJson } from '../view/create-page-json.ts';

/** How deep a value is walked; past it a value is redacted as its JSON, or kept when it has none. */
const MAX_WALK_DEPTH = 64;

/**
 * Makes the redactor of what the CLI prints and writes from run files and the eval results made
 * of them (`gemloop diff`, `replay`, `eval`, `eval canary`, `eval bisect`): a copy of a value with
 * every Google key and OAuth token (by shape), every `Bearer` and `Authorization: Basic` token,
 * and every credential of this shell ({@link terminalSecrets}: secret-named variables, URL
 * passwords, secret flags, `.env`) replaced by `[redacted]` in each string and property name, as
 * `gemloop view` shows them
 * ({@link createPageJson}: the same floor of 8 characters, so `AUTH=true` cuts no `true`). A run
 * file is bytes from anywhere: a tool's output quoting a key or a database URL, a planted file.
 * The value itself when nothing in it is secret; otherwise only strings change (a number, even
 * NaN, stays what it was). Redact a diff or a result, not the runs it compares: two runs that
 * differ only in a key still differ.
 * @internal
 */
export function createReportRedactor(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
  cwd: string,
): <T>(value: T) => T {
  const json = createPageJson(terminalSecrets(env, args, cwd));
  const text = (value: string): string => {
    const shown = json(value);
    return shown === JSON.stringify(value) ? value : (JSON.parse(shown) as string);
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_WALK_DEPTH) {
      // Nested past what JSON.stringify takes (a hostile file): kept, as every printer and writer
      // of it fails on it the same way (the diff prints "nested too deep to print").
      try {
        return JSON.parse(json(value));
      } catch {
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a `__proto__` key from a file stays a key, not the copy's prototype.
      Object.defineProperty(copy, text(key), {
        value: walk(item, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  };
  return <T>(value: T): T => {
    try {
      if (json(value) === JSON.stringify(value)) return value;
    } catch {
      // Too deep for JSON.stringify somewhere: walked, and kept past the walk's depth.
    }
    return walk(value, 0) as T;
  };
}
