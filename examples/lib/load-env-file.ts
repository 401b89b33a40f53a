import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `.env` files looked at, in order: `examples/.env`, then the repository's `.env`. */
export const ENV_FILES: readonly string[] = [
  fileURLToPath(new URL('../.env', import.meta.url)),
  fileURLToPath(new URL('../../.env', import.meta.url)),
];

/**
 * Loads `.env` files into `process.env` with Node's own parser (`process.loadEnvFile`, Node
 * 20.12+), so the examples need no dotenv dependency. A variable already set in the environment
 * wins over the file, even when it is set to an empty string: that is how the tests keep a
 * developer's real key out of offline runs. `GEMLOOP_ENV_FILE` names one file to load instead, or
 * `off` for none.
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
    process.loadEnvFile(file);
    loaded.push(file);
  }
  return loaded;
}
