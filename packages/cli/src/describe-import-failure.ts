import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { createSecretRedactor } from '@gemloop/core/internal';
import { escapeControls } from './probe/create-probe-sanitizer.ts';
import { terminalSecrets } from './terminal-secrets.ts';

/** The most of a failure's message printed: a module can throw a whole file's text. */
const MAX_SHOWN = 1_000;

/**
 * Why importing a user's module failed, as one inert line for the terminal: the error's message
 * (never its stack or its other fields, which Node's own report prints: `input` of a URL error
 * holds the URL, query key and all), every credential of `env`, of the command line and of the
 * `.env` file of the working directory replaced by `[redacted]` (see {@link terminalSecrets}),
 * every control character escaped, cut at 1,000 characters. The module is the user's, but what it
 * throws quotes what it read (`new Error(\`bad key ${process.env.GEMINI_API_KEY}\`)`, a
 * gateway URL with `?key=`), and a terminal's output is shared, recorded and pasted into issues.
 * @internal
 */
export function describeImportFailure(
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[] = process.argv.slice(2),
  cwd: string = process.cwd(),
): string {
  const secrets = terminalSecrets(env, args, cwd);
  const message = (error instanceof Error ? error.message : String(error)) + tsxCacheHint(error);
  const shown = escapeControls(createSecretRedactor(secrets)(message));
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}… (cut)` : shown;
}

/**
 * What to do when tsx (which loads a TypeScript module) could not make its cache folder,
 * `<TMPDIR>/tsx-<uid>`: a read-only or missing TMPDIR (a locked-down container, a service user)
 * failed the import with only `EACCES: permission denied, mkdir '/tmp/tsx-1000'` (attack49a).
 */
function tsxCacheHint(error: unknown): string {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof path !== 'string' || typeof code !== 'string') return '';
  if (!basename(path).startsWith('tsx-') || dirname(path) !== tmpdir()) return '';
  return ` (tsx, which loads a TypeScript module, keeps its cache in TMPDIR, ${tmpdir()}: set TMPDIR to a folder this process can write, or give gemloop the module compiled to .js or .mjs)`;
}
