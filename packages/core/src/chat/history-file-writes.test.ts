import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import type { Logger } from '../logging/logger.ts';
import {
  appendLine,
  MISSING,
  openHistoryFile,
  replaceFile,
  sizeOf,
  syncDirectory,
} from './history-file-writes.ts';

// The file store's writes on a real folder: an append that never glues a line to a crash's torn
// tail and leaves the file as it was when it fails, an atomic replace that leaves no temporary
// file behind, and a store that never reads or writes through what is not a regular file.

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-history-writes-'));
  directories.push(dir);
  return dir;
}

function recordingLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger = {
    warnings,
    child: () => logger,
    debug: () => {},
    info: () => {},
    warn: (fields: unknown) => void warnings.push(fields),
    error: () => {},
  };
  return logger as unknown as Logger & { warnings: unknown[] };
}

const line = (text: string) => Buffer.from(`${text}\n`, 'utf8');

describe('sizeOf', () => {
  it('gives the size of a file and MISSING for none', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'a.jsonl'), 'abc\n');
    expect(await sizeOf(join(dir, 'a.jsonl'))).toBe(4);
    expect(await sizeOf(join(dir, 'none.jsonl'))).toBe(MISSING);
  });
});

describe('appendLine', () => {
  it('creates the folder and the file, and says the size before and after', async () => {
    const file = join(await folder(), 'deep', 'er', 's.jsonl');
    const options = { fsync: true, logger: recordingLogger(), sessionId: 's' };
    expect(await appendLine(file, line('{"a":1}'), options)).toEqual({ before: 0, after: 8 });
    expect(await appendLine(file, line('{"b":"é"}'), options)).toEqual({ before: 8, after: 19 });
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n{"b":"é"}\n');
  });

  it("cuts a crash's torn tail before appending, and warns about it", async () => {
    const file = join(await folder(), 's.jsonl');
    await writeFile(file, '{"whole":1}\n{"torn":');
    const logger = recordingLogger();
    const sizes = await appendLine(file, line('{"next":2}'), {
      fsync: false,
      logger,
      sessionId: 's',
    });
    expect(sizes).toEqual({ before: 12, after: 23 });
    expect(await readFile(file, 'utf8')).toBe('{"whole":1}\n{"next":2}\n');
    expect(logger.warnings).toHaveLength(1);
  });

  it('cuts a file that is one torn line, with no newline in it at all', async () => {
    const file = join(await folder(), 's.jsonl');
    await writeFile(file, 'x'.repeat(70_000));
    const sizes = await appendLine(file, line('{}'), {
      fsync: false,
      logger: recordingLogger(),
      sessionId: 's',
    });
    expect(sizes).toEqual({ before: 0, after: 3 });
    expect(await readFile(file, 'utf8')).toBe('{}\n');
  });

  it('appends lines far bigger than one write, whole', async () => {
    const file = join(await folder(), 's.jsonl');
    const big = line(JSON.stringify({ text: '😀'.repeat(300_000) }));
    await appendLine(file, big, { fsync: false, logger: recordingLogger(), sessionId: 's' });
    expect((await readFile(file)).equals(big)).toBe(true);
  });

  it('refuses to write through a path that is a folder, typed, naming it and the fix', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'taken.jsonl'));
    const error = await appendLine(join(dir, 'taken.jsonl'), line('{}'), {
      fsync: false,
      logger: recordingLogger(),
      sessionId: 's',
    }).catch((thrown: unknown) => thrown);
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'append', sessionId: 's', cause: { code: 'EISDIR' } });
    expect((error as Error).message).toContain(`${join(dir, 'taken.jsonl')} is a folder`);
  });
});

describe('openHistoryFile', () => {
  it('never reads or writes through a link to a device, with a typed error that says what to do', async () => {
    const dir = await folder();
    const file = join(dir, 's.jsonl');
    await symlink('/dev/null', file);
    for (const mode of ['r', 'a+'] as const) {
      const error = await openHistoryFile(file, mode, { sessionId: 's', operation: 'load' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ChatStoreError.isInstance(error)).toBe(true);
      expect((error as ChatStoreError).message).toMatch(/is not a regular file.*Move it away/);
      expect((error as ChatStoreError).sessionId).toBe('s');
    }
  });

  it('opens a regular file for reading, and fails as the file system says for a missing one', async () => {
    const dir = await folder();
    const file = join(dir, 's.jsonl');
    await writeFile(file, 'hello\n');
    const handle = await openHistoryFile(file, 'r', { sessionId: 's', operation: 'load' });
    try {
      expect((await handle.readFile('utf8')).toString()).toBe('hello\n');
    } finally {
      await handle.close();
    }
    await expect(
      openHistoryFile(join(dir, 'none.jsonl'), 'r', { sessionId: 's', operation: 'load' }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('replaceFile', () => {
  it('replaces the whole file at once and leaves no temporary file behind', async () => {
    const dir = await folder();
    const file = join(dir, 's.jsonl');
    await writeFile(file, 'old line\n');
    await replaceFile(file, 'new line\n', true);
    await replaceFile(file, 'newer line\n', false);
    expect(await readFile(file, 'utf8')).toBe('newer line\n');
    expect(await readdir(dir)).toEqual(['s.jsonl']);
  });

  it('fails without touching the old file or leaving a temporary one when the folder is gone', async () => {
    const dir = await folder();
    await expect(replaceFile(join(dir, 'gone', 's.jsonl'), 'x', false)).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('syncDirectory', () => {
  it('flushes a folder, and never throws for one that cannot be opened', async () => {
    await expect(syncDirectory(await folder())).resolves.toBeUndefined();
    await expect(syncDirectory('/no/such/folder/anywhere')).resolves.toBeUndefined();
  });
});
