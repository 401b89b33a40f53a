import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  installKey,
  npmVersion,
  PACKED_INSTALL_KEPT,
  PACKED_INSTALL_MAX_AGE_MS,
  reuseInstall,
} from './fixtures/packed-install-cache.ts';

// packed-install.test.ts copies npm's tree from an earlier run when the tarballs and package.json
// are the same: here, on planted projects and a counting install, each changed input makes npm
// install anew, and what is reused is the very tree the install made.

const trees = mkdtempSync(join(tmpdir(), 'gemloop-packed-cache-'));
afterAll(() => rmSync(trees, { recursive: true, force: true }));

const CONTEXT = ['npm 11.0.0', 'node v20.0.0', 'install --prefer-offline'];

let planted = 0;
/**
 * A run's workspace: two tarballs in a folder of its own (as each run packs into its own) and a
 * project whose package.json names them, as the test writes it.
 */
function plantRun(tarballBytes = ['core bytes', 'tools bytes'], zod = '4.1.0') {
  planted += 1;
  const workspace = join(trees, `run-${planted}`);
  const packs = join(workspace, 'packs');
  const directory = join(workspace, 'zod4');
  mkdirSync(packs, { recursive: true });
  mkdirSync(directory, { recursive: true });
  const tarballs = tarballBytes.map((bytes, index) => {
    const tarball = join(packs, `package-${index}-1.0.0.tgz`);
    writeFileSync(tarball, bytes);
    return tarball;
  });
  writeFileSync(
    join(directory, 'package.json'),
    JSON.stringify({
      dependencies: {
        ...Object.fromEntries(tarballs.map((tarball, index) => [`p${index}`, `file:${tarball}`])),
        zod,
      },
    }),
  );
  return { directory, tarballs };
}

/** An install that writes a tree naming how many installs ran and what it read, and counts itself. */
function countingInstall(directory: string) {
  const install = async () => {
    install.runs += 1;
    mkdirSync(join(directory, 'node_modules', 'p0'), { recursive: true });
    writeFileSync(join(directory, 'node_modules', 'p0', 'index.js'), `install ${install.runs}\n`);
    writeFileSync(join(directory, 'package-lock.json'), `{"install":${install.runs}}\n`);
  };
  install.runs = 0;
  return install;
}

const installed = (directory: string) =>
  readFileSync(join(directory, 'node_modules', 'p0', 'index.js'), 'utf8');

describe('packed-install reuses npm tree only for the same tarballs and package.json', () => {
  it('reuses the tree installed for the same inputs in another run, a copy of it', async () => {
    const cache = join(trees, 'cache-same');
    const first = plantRun();
    const install = countingInstall(first.directory);
    const made = await reuseInstall({ ...first, slot: 'zod4', context: CONTEXT, cache, install });
    expect(made.reused).toBe(false);
    expect(install.runs).toBe(1);
    // A test then writes into the tree (packed-install's monorepo adds a package there).
    writeFileSync(join(first.directory, 'node_modules', 'p0', 'index.js'), 'changed by a test\n');

    const second = plantRun();
    const again = countingInstall(second.directory);
    const reused = await reuseInstall({
      ...second,
      slot: 'zod4',
      context: CONTEXT,
      cache,
      install: again,
    });
    expect(reused).toEqual({ key: made.key, reused: true });
    expect(again.runs).toBe(0);
    expect(installed(second.directory)).toBe('install 1\n');
    expect(readFileSync(join(second.directory, 'package-lock.json'), 'utf8')).toBe(
      '{"install":1}\n',
    );
  });

  it('installs anew when one byte of a tarball changed', async () => {
    const cache = join(trees, 'cache-tarball');
    const first = plantRun(['core bytes', 'tools bytes']);
    const install = countingInstall(first.directory);
    await reuseInstall({ ...first, slot: 'zod4', context: CONTEXT, cache, install });
    const changed = plantRun(['core bytes', 'tools byteS']);
    const again = countingInstall(changed.directory);
    const result = await reuseInstall({
      ...changed,
      slot: 'zod4',
      context: CONTEXT,
      cache,
      install: again,
    });
    expect(result.reused).toBe(false);
    expect(again.runs).toBe(1);
  });

  it(`keeps the newest ${PACKED_INSTALL_KEPT} trees, none past the age limit, no dead run's partial copy`, async () => {
    const cache = join(trees, 'cache-kept');
    // A run killed while it copied (pid 2**22 + 1 is above Linux's pid_max: never alive).
    mkdirSync(join(cache, `zod4-abc.${2 ** 22 + 1}.partial`), { recursive: true });
    const start = Date.parse('2026-01-01T00:00:00Z');
    const keys: string[] = [];
    for (let run = 0; run < PACKED_INSTALL_KEPT + 2; run += 1) {
      const planted = plantRun([`core bytes ${run}`]);
      const now = () => start + run * 60_000;
      const install = countingInstall(planted.directory);
      keys.push(
        (await reuseInstall({ ...planted, slot: 'zod4', context: CONTEXT, cache, install, now }))
          .key,
      );
    }
    expect(readdirSync(cache).sort()).toEqual(
      keys
        .slice(-PACKED_INSTALL_KEPT)
        .map((key) => `zod4-${key}`)
        .sort(),
    );
    // A day on, the next install leaves only itself.
    const late = plantRun(['core bytes late']);
    const now = () => start + PACKED_INSTALL_MAX_AGE_MS + 10 * 60_000;
    const { key } = await reuseInstall({
      ...late,
      slot: 'zod4',
      context: CONTEXT,
      cache,
      install: countingInstall(late.directory),
      now,
    });
    expect(readdirSync(cache)).toEqual([`zod4-${key}`]);
  });

  it('installs anew when the package.json or the context changed', async () => {
    const cache = join(trees, 'cache-inputs');
    const first = plantRun();
    await reuseInstall({
      ...first,
      slot: 'zod4',
      context: CONTEXT,
      cache,
      install: countingInstall(first.directory),
    });

    const otherZod = plantRun(undefined, '4.2.0');
    const zodInstall = countingInstall(otherZod.directory);
    await reuseInstall({ ...otherZod, slot: 'zod4', context: CONTEXT, cache, install: zodInstall });
    expect(zodInstall.runs).toBe(1);

    const otherNpm = plantRun(undefined, '4.2.0');
    const npmInstall = countingInstall(otherNpm.directory);
    const context = ['npm 11.0.1', ...CONTEXT.slice(1)];
    await reuseInstall({ ...otherNpm, slot: 'zod4', context, cache, install: npmInstall });
    expect(npmInstall.runs).toBe(1);
  });

  it('installs anew when the kept tree is a day old', async () => {
    const cache = join(trees, 'cache-age');
    const first = plantRun();
    const start = Date.parse('2026-01-01T00:00:00Z');
    await reuseInstall({
      ...first,
      slot: 'zod4',
      context: CONTEXT,
      cache,
      install: countingInstall(first.directory),
      now: () => start,
    });
    const late = plantRun();
    const install = countingInstall(late.directory);
    const now = () => start + PACKED_INSTALL_MAX_AGE_MS;
    await reuseInstall({ ...late, slot: 'zod4', context: CONTEXT, cache, install, now });
    expect(install.runs).toBe(1);
    // The tree installed just now is stamped with its own time: the next run reuses it.
    const soon = plantRun();
    const third = countingInstall(soon.directory);
    await reuseInstall({ ...soon, slot: 'zod4', context: CONTEXT, cache, install: third, now });
    expect(third.runs).toBe(0);
  });

  it('keeps nothing from an install that failed', async () => {
    const cache = join(trees, 'cache-failed');
    mkdirSync(cache, { recursive: true });
    const first = plantRun();
    const failing = async () => {
      throw new Error('npm ERR! 404');
    };
    await expect(
      reuseInstall({ ...first, slot: 'zod4', context: CONTEXT, cache, install: failing }),
    ).rejects.toThrow('npm ERR! 404');
    expect(readdirSync(cache)).toEqual([]);
  });

  it('goes on with the fresh install when its tree cannot be kept (a full or unwritable cache)', async () => {
    // The cache folder's place is a file: every write under it fails, as on a full /dev/shm.
    const cache = join(trees, 'cache-unwritable');
    writeFileSync(cache, 'not a folder');
    const first = plantRun();
    const install = countingInstall(first.directory);
    const made = await reuseInstall({ ...first, slot: 'zod4', context: CONTEXT, cache, install });
    expect(made.reused).toBe(false);
    expect(install.runs).toBe(1);
    expect(installed(first.directory)).toBe('install 1\n');
    expect(readFileSync(cache, 'utf8')).toBe('not a folder');
  });

  it('keeps each project slot under its own name', async () => {
    const cache = join(trees, 'cache-slots');
    const zod4 = plantRun();
    const zod4Result = await reuseInstall({
      ...zod4,
      slot: 'zod4',
      context: CONTEXT,
      cache,
      install: countingInstall(zod4.directory),
    });
    const zod3 = plantRun(undefined, '3.25.0');
    const zod3Result = await reuseInstall({
      ...zod3,
      slot: 'zod3',
      context: CONTEXT,
      cache,
      install: countingInstall(zod3.directory),
    });
    expect(readdirSync(cache).sort()).toEqual([`zod3-${zod3Result.key}`, `zod4-${zod4Result.key}`]);
  });

  it('keys a tarball by its bytes and name, not by the folder a run packed it into', () => {
    const one = plantRun();
    const two = plantRun();
    expect(installKey(one.directory, one.tarballs, CONTEXT)).toBe(
      installKey(two.directory, two.tarballs, CONTEXT),
    );
  });

  it("reads npm's version from the npm on PATH without starting it", () => {
    const bin = join(trees, 'npm-bin');
    const npmPackage = join(trees, 'npm-package');
    mkdirSync(join(npmPackage, 'bin'), { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(npmPackage, 'package.json'), '{"version":"11.6.2"}');
    writeFileSync(join(npmPackage, 'bin', 'npm-cli.js'), '');
    // As npm's installer links it: bin/npm -> ../lib/node_modules/npm/bin/npm-cli.js.
    symlinkSync(join(npmPackage, 'bin', 'npm-cli.js'), join(bin, 'npm'));
    expect(npmVersion(`${join(trees, 'nowhere')}:${bin}`)).toBe('npm 11.6.2');
    expect(existsSync(join(trees, 'nowhere'))).toBe(false);
  });
});
