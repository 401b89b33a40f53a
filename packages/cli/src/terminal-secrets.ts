import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The names whose values are credentials: the API key's (`GEMINI_API_KEY`, `GOOGLE_API_KEY`) and
 * any other whose name says so (`COMETAPI_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD`, `--api-key`,
 * `?key=`, `BASIC_AUTH`, `HTTP_AUTHORIZATION`). Not an author or an authority (`GIT_AUTHOR_NAME`,
 * `XAUTHORITY`: a name, a file's path): `gemloop chat` hides these values from the model's answer
 * too, where a commit's author is text to show (cli68).
 */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH(?!OR(?!IZ))/i;

/** The largest `.env` file read for its secrets: a bigger one is no configuration. */
const MAX_ENV_FILE_BYTES = 64 * 1024;

/**
 * The credentials a terminal line of the CLI must not show, each also URL-encoded: the values of
 * `env` whose name says they are secret; the password, user and secret-named query values
 * (`?key=`) of any URL in `env` (`DATABASE_URL=postgres://u:pw@db`) or in the command line
 * (`--base-url https://gw/?key=...`); a secret-named flag's value (`--api-key=...`); and the
 * secret-named entries of the `.env` file in `cwd`, which a module may read into its own options
 * without them reaching `process.env`. By name alone, a key given by flag or file went to the
 * terminal when the module quoted it.
 * @internal
 */
export function terminalSecrets(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
  cwd: string,
): string[] {
  const found: string[] = [];
  const named = (name: string, value: string | undefined): void => {
    if (value === undefined) return;
    if (SECRET_NAME.test(name)) found.push(value);
    found.push(...urlCredentials(value));
  };
  for (const [name, value] of Object.entries(env)) named(name, value);
  for (const [name, value] of Object.entries(envFile(cwd))) named(name, value);
  for (const [index, arg] of args.entries()) {
    const flag = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (flag === null) named('', arg);
    else
      named(
        flag[1] as string,
        flag[2] ?? (SECRET_NAME.test(flag[1] as string) ? args[index + 1] : undefined),
      );
  }
  return found.flatMap((value) => [value, encodeURIComponent(value)]);
}

/** A URL's password, user and secret-named query values; none when `value` is no URL. */
function urlCredentials(value: string): string[] {
  if (!URL.canParse(value)) return [];
  const url = new URL(value);
  const found = [url.password, url.username].map((part) => safeDecode(part));
  for (const [name, part] of url.searchParams) if (SECRET_NAME.test(name)) found.push(part);
  return found.filter((part) => part !== '');
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The `.env` file of `cwd`, parsed as Node's `--env-file` does; nothing when absent, huge or no
 * regular file. Opened without blocking and checked on the open descriptor before any read: a
 * `.env` that is a FIFO held every command that redacts (chat, eval, view, an import failure)
 * before its first line, read synchronously forever, and one linked to `/dev/zero` was read until
 * memory ran out; the size was checked only after the whole file was read.
 */
function envFile(cwd: string): Record<string, string> {
  let fd: number;
  try {
    fd = openSync(join(cwd, '.env'), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return {};
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_ENV_FILE_BYTES) return {};
    // One byte past the bound: a file grown since the stat is refused, not read whole.
    const buffer = Buffer.alloc(MAX_ENV_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_ENV_FILE_BYTES) return {};
    }
    return parseEnv(buffer.toString('utf8', 0, length)) as Record<string, string>;
  } catch {
    return {};
  } finally {
    closeSync(fd);
  }
}
