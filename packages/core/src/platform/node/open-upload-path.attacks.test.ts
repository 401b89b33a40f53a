import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { createFileSearchStores } from '../../http/file-search-stores/create-file-search-stores.ts';
import { createFiles } from '../../http/files/create-files.ts';
import { filePart } from '../../http/files/file-part.ts';
import { toUploadPathError } from './open-upload-path.ts';

// upload-enoent: files.upload and fileSearchStores.upload from a path that cannot be opened threw
// Node's raw ENOENT/EACCES/ENOTDIR/ENAMETOOLONG/ELOOP (no argument, no advice, and the refusal of
// a FIFO named files.upload even for fileSearchStores.upload). A /proc file reports size 0 but
// has content: it was uploaded as an empty file.

const KEY = 'AIzaSyUploadEnoentKeyXXXXXXXXXXXXXXXXXXX';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-upload-enoent-'));
  dirs.push(dir);
  return dir;
}

/** A client whose fetch answers a resumable upload at once, recording each command and chunk. */
function uploader() {
  const commands: string[] = [];
  const chunks: Uint8Array[] = [];
  const starts: Headers[] = [];
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (_input, init) => {
      const headers = new Headers(init?.headers);
      const command = headers.get('x-goog-upload-command') ?? '';
      commands.push(command);
      if (command === 'start') {
        starts.push(headers);
        return new Response(null, {
          headers: { 'x-goog-upload-url': 'https://gw.test/upload/v1beta/files?upload_id=u' },
        });
      }
      chunks.push(new Uint8Array(await new Response(init?.body ?? null).arrayBuffer()));
      const final = command.includes('finalize');
      return Response.json(final ? { file: { name: 'files/abc' }, name: 'operations/op' } : {}, {
        headers: { 'x-goog-upload-status': final ? 'final' : 'active' },
      });
    },
  });
  return {
    files: createFiles(gemini),
    stores: createFileSearchStores(gemini),
    commands,
    chunks,
    starts,
  };
}

function sent(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

async function caught(upload: Promise<unknown>): Promise<unknown> {
  return upload.then(
    () => 'uploaded',
    (error: unknown) => error,
  );
}

describe('files.upload from a path that cannot be opened (upload-enoent)', () => {
  const cases: [string, (dir: string) => Promise<string>, string][] = [
    ['a missing path', async (dir) => join(dir, 'no-such-file.txt'), 'ENOENT'],
    [
      'a path through a file',
      async (dir) => {
        await writeFile(join(dir, 'plain.txt'), 'x');
        return join(dir, 'plain.txt', 'inside.txt');
      },
      'ENOTDIR',
    ],
    ['a name too long', async (dir) => join(dir, `${'n'.repeat(300)}.txt`), 'ENAMETOOLONG'],
    [
      'a loop of symlinks',
      async (dir) => {
        await symlink(join(dir, 'b'), join(dir, 'a'));
        await symlink(join(dir, 'a'), join(dir, 'b'));
        return join(dir, 'a');
      },
      'ELOOP',
    ],
  ];

  for (const [what, make, code] of cases) {
    it(`${what}: a typed error naming the path as given and the method called, the system error as cause`, async () => {
      const dir = await tempDir();
      const path = await make(dir);
      for (const [method, upload] of [
        [
          'files.upload',
          (u: ReturnType<typeof uploader>) => u.files.upload(path, { mimeType: 'text/plain' }),
        ],
        [
          'fileSearchStores.upload',
          (u: ReturnType<typeof uploader>) =>
            u.stores.upload('fileSearchStores/s1', path, { mimeType: 'text/plain' }),
        ],
      ] as const) {
        const u = uploader();
        const error = await caught(upload(u));
        expect(InvalidArgumentError.isInstance(error), `${method}: ${String(error)}`).toBe(true);
        const typed = error as InvalidArgumentError;
        expect(typed.argument).toBe('source');
        expect(typed.message.startsWith(`${method}: `)).toBe(true);
        // The path as the caller wrote it (cut like every quoted name), not resolved.
        expect(typed.message).toContain(JSON.stringify(path).slice(0, 120));
        expect(typed.message).toContain(code);
        expect((typed.cause as NodeJS.ErrnoException).code).toBe(code);
        expect(u.commands).toEqual([]);
      }
    });
  }

  it('a path holding a NUL byte: typed (Node threw a raw TypeError), before any request', async () => {
    const u = uploader();
    const error = await caught(u.files.upload('notes\u0000.txt', { mimeType: 'text/plain' }));
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('source');
    expect((error as Error).message).toMatch(/^files\.upload: .*NUL byte/);
    expect(u.commands).toEqual([]);
  });

  it('no permission (EACCES, EPERM): typed, with what to do, the system error as cause', () => {
    // Root reads any file, so the refusal is built from the error Node gives a non-root user.
    for (const code of ['EACCES', 'EPERM']) {
      const system = Object.assign(new Error(`${code}: permission denied, stat '/x/secret.pdf'`), {
        code,
        syscall: 'stat',
        path: '/x/secret.pdf',
      });
      const error = toUploadPathError(system, '../secret.pdf', 'files.upload');
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      const typed = error as InvalidArgumentError;
      expect(typed.argument).toBe('source');
      expect(typed.message).toContain('"../secret.pdf"');
      expect(typed.message).toMatch(/permission/);
      expect(typed.cause).toBe(system);
    }
  });

  it('an error that is not about the path (EIO, EMFILE) is kept as it is', () => {
    for (const code of ['EIO', 'EMFILE']) {
      const system = Object.assign(new Error(code), { code });
      expect(toUploadPathError(system, 'a.txt', 'files.upload')).toBe(system);
    }
  });

  it('a refusal by kind (here a directory) names fileSearchStores.upload when that was called', async () => {
    const u = uploader();
    const error = await caught(
      u.stores.upload('fileSearchStores/s1', await tempDir(), { mimeType: 'text/plain' }),
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^fileSearchStores\.upload /);
    expect((error as Error).message).toContain('a directory');
  });
});

describe.skipIf(process.platform !== 'linux')(
  'a /proc file: size 0 by stat, content when read (upload-enoent)',
  () => {
    it('is uploaded whole, read to its end with no announced length', async () => {
      const expected = readFileSync('/proc/version');
      expect(expected.byteLength).toBeGreaterThan(0);
      const u = uploader();
      await expect(u.files.upload('/proc/version', { mimeType: 'text/plain' })).resolves.toEqual({
        name: 'files/abc',
      });
      expect(Buffer.from(sent(u.chunks)).equals(expected)).toBe(true);
      expect(u.starts[0]?.get('x-goog-upload-header-content-length')).toBeNull();
    });

    it('is inlined whole by filePart, not as an empty part', async () => {
      const expected = readFileSync('/proc/version');
      const gemini = createGemini({ apiKey: KEY, baseUrl: 'https://gw.test', retry: false });
      const part = await filePart(gemini, '/proc/version', { mimeType: 'text/plain' });
      expect(part).toEqual({
        inlineData: { mimeType: 'text/plain', data: expected.toString('base64') },
      });
    });

    it('reaches fileSearchStores.upload whole too', async () => {
      const expected = readFileSync('/proc/version');
      const u = uploader();
      await u.stores.upload('fileSearchStores/s1', '/proc/version', { mimeType: 'text/plain' });
      expect(Buffer.from(sent(u.chunks)).equals(expected)).toBe(true);
    });
  },
);

describe('an honestly empty file', () => {
  it('is announced as 0 bytes and finalised with one empty chunk, as before', async () => {
    const dir = await tempDir();
    const path = join(dir, 'empty.txt');
    await writeFile(path, '');
    const u = uploader();
    await expect(u.files.upload(path, { mimeType: 'text/plain' })).resolves.toEqual({
      name: 'files/abc',
    });
    expect(u.starts[0]?.get('x-goog-upload-header-content-length')).toBe('0');
    expect(u.commands).toEqual(['start', 'upload, finalize']);
    expect(sent(u.chunks).byteLength).toBe(0);
  });
});
