import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

/** The `.env` files looked at, in order: `examples/.env`, then the repository's `.env`. */
export const ENV_FILES: readonly string[] = [
  fileURLToPath(new URL('../.env', import.meta.url)),
  fileURLToPath(new URL('../../.env', import.meta.url)),
];

/**
 * Loads `.env` files into `env` (`process.env` unless given) with Node's own parser (`util.parseEnv`, as
 * `process.loadEnvFile` and `--env-file` read, Node 20.12+), so the examples need no dotenv
 * dependency. A byte-order mark at the start (Notepad's and PowerShell 5's "UTF-8 with BOM") is
 * dropped first: Node's parser took it into the first name, so a `GEMINI_API_KEY` on the first
 * line was set as `\uFEFFGEMINI_API_KEY` and the demo ran offline saying no key was set. A
 * variable already set in the environment wins over the file, even when it is set to an empty
 * string: that is how the tests keep a developer's real key out of offline runs. `GEMLOOP_ENV_FILE` (read from `env`) names one file to load instead, or
 * `off` for none. Read from and written to the one `env`: a test passes its own object and leaves
 * the process's environment, which every test file of a worker shares, as it was.
 *
 * @returns the files that were loaded.
 */
export function loadEnvFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env['GEMLOOP_ENV_FILE'];
  if (chosen === 'off') return [];
  if (chosen !== undefined && chosen !== '' && !existsSync(chosen)) {
    throw new Error(
      `GEMLOOP_ENV_FILE names ${chosen}, which does not exist (use "off" to load none).`,
    );
  }
  const files = chosen === undefined || chosen === '' ? ENV_FILES : [chosen];
  const loaded: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const variables = parseEnv(text.startsWith('\uFEFF') ? text.slice(1) : text);
    for (const [name, value] of Object.entries(variables)) {
      if (env[name] === undefined && value !== undefined) env[name] = value;
    }
    loaded.push(file);
  }
  return loaded;
}
