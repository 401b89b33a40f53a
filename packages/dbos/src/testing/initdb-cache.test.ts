import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initdbKey, initialiseDataDirectory } from './initdb-cache.ts';

// What initdb leaves, in small: folders and files of mode 0700/0600 and one of 0644.
async function fakeInitdb(dataDirectory: string, text = 'cluster'): Promise<void> {
  await mkdir(join(dataDirectory, 'base', '1'), { recursive: true, mode: 0o700 });
  await writeFile(join(dataDirectory, 'PG_VERSION'), '18\n', { mode: 0o600 });
  await writeFile(join(dataDirectory, 'base', '1', '1259'), text.repeat(1000), { mode: 0o600 });
  await writeFile(join(dataDirectory, 'postgresql.conf'), '# settings\n', { mode: 0o644 });
}

/** Every entry under `folder` with its mode and content, sorted. */
async function listing(folder: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of await readdir(folder, { recursive: true })) {
    const path = join(folder, name);
    const found = await stat(path);
    const content = found.isFile() ? await readFile(path, 'utf8') : '';
    lines.push(
      `${name} ${(found.mode & 0o777).toString(8)} ${content.length}:${content.slice(0, 12)}`,
    );
  }
  return lines.sort();
}

describe('initialiseDataDirectory', () => {
  let folder: string;
  let cache: string;
  let made: number;
  let lines: string[];

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gemloop-initdb-cache-test-'));
    cache = join(folder, 'cache');
    made = 0;
    lines = [];
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  async function start(name: string, text?: string): Promise<'copied' | 'initialised'> {
    const dataDirectory = join(folder, name);
    await mkdir(dataDirectory, { mode: 0o700 });
    return initialiseDataDirectory({
      cache,
      key: 'k1',
      dataDirectory,
      owner: undefined,
      log: (line) => lines.push(line),
      initialise: async () => {
        made += 1;
        await fakeInitdb(dataDirectory, text);
      },
    });
  }

  it('runs initdb once, then copies what it made, with the modes, to every later start', async () => {
    expect(await start('first')).toBe('initialised');
    expect(await start('second')).toBe('copied');
    expect(await start('third')).toBe('copied');
    expect(made).toBe(1);
    expect(await listing(join(folder, 'second'))).toEqual(await listing(join(folder, 'first')));
    expect(await listing(join(folder, 'third'))).toContain('postgresql.conf 644 11:# settings\n');
    // Nobody else enters the cache; no half copy is left beside the kept one.
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    expect(await readdir(cache)).toEqual(['k1']);
    expect(lines).toEqual([]);
  });

  it('sweeps a half-kept cluster a killed start left an hour ago, and leaves one being kept now', async () => {
    await mkdir(join(cache, 'k0.partial-old', 'data'), { recursive: true, mode: 0o700 });
    await mkdir(join(cache, 'k0.partial-new', 'data'), { recursive: true, mode: 0o700 });
    const hourAgo = new Date(Date.now() - 61 * 60 * 1000);
    await utimes(join(cache, 'k0.partial-old'), hourAgo, hourAgo);
    expect(await start('first')).toBe('initialised');
    expect((await readdir(cache)).sort()).toEqual(['k0.partial-new', 'k1']);
  });

  it('keeps one cluster when starts run initdb at once, and every start gets a whole one', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((name) => start(name)));
    expect(results.every((result) => result === 'initialised')).toBe(true);
    expect(await readdir(cache)).toEqual(['k1']);
    expect(await start('d')).toBe('copied');
    expect(await listing(join(folder, 'd'))).toEqual(await listing(join(folder, 'a')));
  });

  it('runs initdb instead of copying a kept cluster a file went missing from (a temp cleaner), and replaces it', async () => {
    await start('first', 'old');
    await rm(join(cache, 'k1', 'data', 'base', '1', '1259'));
    expect(await start('second', 'new')).toBe('initialised');
    // initdb's own output, not mixed with what was copied before the gap was found.
    expect(await listing(join(folder, 'second'))).toContain('base/1/1259 600 3000:newnewnewnew');
    expect(lines).toEqual([`initdb cache ${join(cache, 'k1')} incomplete: removed, initdb runs`]);
    expect(await start('third')).toBe('copied');
    expect(await listing(join(folder, 'third'))).toEqual(await listing(join(folder, 'second')));
  });

  it('neither follows nor copies a link put in a kept cluster, even one its manifest counts', async () => {
    await start('first');
    // A file of PG_VERSION's size (3 bytes) in its place, as a link: the same entries and bytes.
    const secret = join(folder, 'secret');
    await writeFile(secret, 'no\n');
    await rm(join(cache, 'k1', 'data', 'PG_VERSION'));
    await symlink(secret, join(cache, 'k1', 'data', 'PG_VERSION'));
    expect(await start('second')).toBe('initialised');
    expect(await listing(join(folder, 'second'))).toEqual(await listing(join(folder, 'first')));
  });

  it('leaves a cache folder others may enter unused: initdb runs and nothing is kept there', async () => {
    await mkdir(cache);
    await chmod(cache, 0o777);
    expect(await start('first')).toBe('initialised');
    expect(await start('second')).toBe('initialised');
    expect(await readdir(cache)).toEqual([]);
    expect(lines[0]).toBe(`initdb cache ${cache} not used: another user's, or open to others`);
  });

  it('copies the files to the server user as root (the postgres user owns its data)', async () => {
    await start('first');
    const uid = process.geteuid?.() ?? 0;
    // As root, hand them to `nobody`; as another user, they stay the user's own.
    const owner = uid === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const dataDirectory = join(folder, 'second');
    await mkdir(dataDirectory, { mode: 0o700 });
    const result = await initialiseDataDirectory({
      cache,
      key: 'k1',
      dataDirectory,
      owner,
      log: (line) => lines.push(line),
      initialise: () => Promise.reject(new Error('initdb ran')),
    });
    expect(result).toBe('copied');
    for (const name of await readdir(dataDirectory, { recursive: true })) {
      expect((await stat(join(dataDirectory, name))).uid, name).toBe(owner?.uid ?? uid);
    }
  });
});

describe('initdbKey', () => {
  it('is the same for a copy of the programs and differs with the settings, the programs, or TZ', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gemloop-initdb-key-test-'));
    try {
      const programs = async (name: string, postgres: string) => {
        await mkdir(join(folder, name, 'bin'), { recursive: true });
        await writeFile(join(folder, name, 'bin', 'initdb'), 'initdb 18');
        await writeFile(join(folder, name, 'bin', 'postgres'), postgres);
        return {
          directory: join(folder, name),
          initdb: join(folder, name, 'bin', 'initdb'),
          postgres: join(folder, name, 'bin', 'postgres'),
        };
      };
      const installed = await programs('installed', 'postgres 18.4');
      const copy = await programs('copy', 'postgres 18.4');
      const other = await programs('other', 'postgres 18.5');
      const key = await initdbKey(installed, { flags: ['--auth=password'] });
      expect(await initdbKey(copy, { flags: ['--auth=password'] })).toBe(key);
      expect(await initdbKey(other, { flags: ['--auth=password'] })).not.toBe(key);
      expect(await initdbKey(installed, { flags: ['--auth=trust'] })).not.toBe(key);
      const zone = process.env['TZ'];
      process.env['TZ'] = 'Pacific/Chatham';
      try {
        expect(await initdbKey(installed, { flags: ['--auth=password'] })).not.toBe(key);
      } finally {
        if (zone === undefined) delete process.env['TZ'];
        else process.env['TZ'] = zone;
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
