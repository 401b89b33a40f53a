import type { CliIo } from '../cli-io.ts';

/** A command's io for in-process tests: what it printed is kept, `env` and `fetch` are given. */
export function captureIo(
  env: Record<string, string | undefined> = {},
  fetch?: typeof globalThis.fetch,
): CliIo & { out: () => string; err: () => string } {
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
