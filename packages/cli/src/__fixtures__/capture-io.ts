import type { CliIo } from '../cli-io.ts';

/** A command's io for an in-process test: what it printed on each stream, read back whole. */
export type CapturedIo = CliIo & { out: () => string; err: () => string };

/** An io that keeps what a command prints, with `env` and, when given, `fetch`. */
export function captureIo(
  env: Record<string, string | undefined> = {},
  fetch?: typeof globalThis.fetch,
): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env,
    ...(fetch === undefined ? {} : { fetch }),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
