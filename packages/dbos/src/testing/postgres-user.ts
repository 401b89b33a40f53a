import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import type { ServerUser } from './reach-postgres-binaries.ts';

const run = promisify(execFile);

/**
 * The user Postgres runs as: this process's own (`undefined`), or, as root, the `postgres`
 * system user, created when missing (`groupadd`, `useradd`), since Postgres refuses to run as
 * root.
 * @throws {@link EmbeddedPostgresError} when that user cannot be found or created.
 * @internal
 */
export async function resolveServerUser(): Promise<ServerUser | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const found = await lookUp();
  if (found !== undefined) return found;
  try {
    await run('groupadd', ['postgres']).catch(() => {});
    await run('useradd', ['-g', 'postgres', 'postgres']);
  } catch (error) {
    throw new EmbeddedPostgresError({
      message: `Postgres cannot run as root, and creating a postgres user failed (${error instanceof Error ? error.message : String(error)}). Create one (useradd postgres), run as another user, or set DATABASE_URL to a Postgres of your own.`,
      output: [],
      cause: error,
    });
  }
  const created = await lookUp();
  if (created === undefined) {
    throw new EmbeddedPostgresError({
      message:
        'Postgres cannot run as root, and the postgres user could not be found after creating it. Create one (useradd postgres), or set DATABASE_URL to a Postgres of your own.',
      output: [],
    });
  }
  return created;
}

async function lookUp(): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', 'postgres']).then(({ stdout }) => Number.parseInt(stdout, 10)),
      run('id', ['-g', 'postgres']).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
