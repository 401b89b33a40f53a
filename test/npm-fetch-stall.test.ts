import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, GuardedProcessError, runGuarded } from '../scripts/run-guarded.ts';
import { npmFetchFlags } from './fixtures/npm-fetch-retry.ts';

// packed-install's `npm install` against a registry that leaves one request unanswered (as npm's
// registry once did for 180 s, bench/RESULTS.md, the twenty-seventh session's end): with
// `npmFetchFlags` npm gives the request up and asks again, and the install completes inside the
// hang guard; with npm's defaults (five minutes a request) the same stall is a hung install that
// the guard stops. A local registry on 127.0.0.1 (no internet), one tiny package, a cache of the
// test's own. The flags' timeout is shortened here (2 s, not the minute packed-install gives it) so
// the stall costs seconds: what is proved is that npm retries a stalled request with these flags.
// The two installs run side by side, each against a registry path of its own (`/<project>/`), so
// that the first's retry is done inside the second's 15 s wait: ~22 s of a worker held waiting
// was ~17 s (the file's CPU is the same: two npm installs).

const NAME = 'gemloop-stall-probe';
const TIMEOUT_MS = 2_000;

let directory: string;
/** The server's origin, `http://127.0.0.1:<port>`; a project's registry is a path below it. */
let origin: string;
/**
 * Each project's packument requests (its registry's path is the project's name), and when npm
 * closed one that was left unanswered (each project's first).
 */
const packumentRequests = new Map<string, { closedAt?: number }[]>();
const held = new Set<Socket>();
let server: ReturnType<typeof createServer>;

/** A tarball as npm packs one: `package/package.json` in a gzipped tar. */
async function packTarball(into: string): Promise<Buffer> {
  const source = join(into, 'source');
  mkdirSync(join(source, 'package'), { recursive: true });
  writeFileSync(
    join(source, 'package', 'package.json'),
    JSON.stringify({ name: NAME, version: '1.0.0' }),
  );
  const tarball = join(into, 'probe.tgz');
  await runGuarded('tar', ['-czf', tarball, '-C', source, 'package'], { idleMs: 30_000 });
  return readFileSync(tarball);
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'npm-fetch-stall-'));
  const tarball = await packTarball(directory);
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const shasum = createHash('sha1').update(tarball).digest('hex');
  server = createServer((request, response: ServerResponse) => {
    const [, project = '', ...rest] = (request.url ?? '').split('/');
    const path = `/${rest.join('/')}`;
    const registry = `${origin}/${project}/`;
    if (path === `/${NAME}`) {
      const entry: { closedAt?: number } = {};
      const requests = packumentRequests.get(project) ?? [];
      packumentRequests.set(project, requests);
      requests.push(entry);
      if (requests.length === 1) {
        // No answer at all, not even headers: what a stalled registry does.
        held.add(request.socket);
        request.socket.on('close', () => {
          entry.closedAt = Date.now();
          held.delete(request.socket);
        });
        return;
      }
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          name: NAME,
          'dist-tags': { latest: '1.0.0' },
          versions: {
            '1.0.0': {
              name: NAME,
              version: '1.0.0',
              dist: { tarball: `${registry}${NAME}/-/${NAME}-1.0.0.tgz`, integrity, shasum },
            },
          },
        }),
      );
      return;
    }
    if (path === `/${NAME}/-/${NAME}-1.0.0.tgz`) {
      response.setHeader('content-type', 'application/octet-stream');
      response.end(tarball);
      return;
    }
    response.statusCode = 404;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(directory, { recursive: true, force: true });
});

/** A fresh project that depends on the probe, with an npm cache and user config of its own. */
function project(name: string): { cwd: string; args: string[] } {
  const cwd = join(directory, name);
  mkdirSync(cwd);
  writeFileSync(
    join(cwd, 'package.json'),
    JSON.stringify({ name, private: true, dependencies: { [NAME]: '1.0.0' } }),
  );
  writeFileSync(join(cwd, '.npmrc-user'), '');
  return {
    cwd,
    args: [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      `--registry=${origin}/${name}/`,
      `--cache=${join(cwd, '.npm-cache')}`,
      `--userconfig=${join(cwd, '.npmrc-user')}`,
      '--noproxy=127.0.0.1',
    ],
  };
}

/** The environment without npm's own `npm_*` variables (set when `npm test` runs us). */
const environment = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );

describe.concurrent('a stalled registry request', () => {
  it(
    'an install whose first registry request stalls completes on npm retrying it',
    async ({ expect }) => {
      const { cwd, args } = project('with-flags');
      await runGuarded('npm', [...args, ...npmFetchFlags(TIMEOUT_MS)], {
        cwd,
        env: environment(),
        idleMs: 60_000,
      });
      const installed = JSON.parse(
        readFileSync(join(cwd, 'node_modules', NAME, 'package.json'), 'utf8'),
      );
      expect(installed).toEqual({ name: NAME, version: '1.0.0' });
      // npm itself gave the stalled request up (the server never closes it before afterAll) and
      // asked again. How long it waited is not asserted: this process's clock starts when it gets
      // to the request on a loaded machine, not when npm sent it.
      const requests = packumentRequests.get('with-flags');
      expect(requests).toHaveLength(2);
      expect(requests?.[0]?.closedAt).toBeDefined();
    },
    GUARDED_TEST_LIMIT_MS,
  );

  it(
    "with npm's own defaults the same stall hangs the install until the guard stops it",
    async ({ expect }) => {
      const { cwd, args } = project('without-flags');
      // 15 s without CPU: npm's default waits five minutes on the request. At load 47 a runnable
      // npm still gets ~4 % of a core (0.6 s in 15 s), above the guard's 0.25 s, so only the stall
      // itself can look idle. The guard samples this install's own tree, not the other test's.
      const install = runGuarded('npm', args, { cwd, env: environment(), idleMs: 15_000 });
      const error = await install.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(GuardedProcessError);
      expect((error as GuardedProcessError).failure).toEqual({ kind: 'idle' });
      expect(packumentRequests.get('without-flags')).toHaveLength(1);
    },
    GUARDED_TEST_LIMIT_MS,
  );
});
