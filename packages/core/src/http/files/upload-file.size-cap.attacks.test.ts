import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFileSearchStores } from '../file-search-stores/create-file-search-stores.ts';
import { createFiles } from './create-files.ts';

// attack47a: a source whose size is known and past the Files API's 2 GiB a file (a 3 GB file, a
// stream with options.size). A stream of unknown size was stopped at 2 GiB, but a known size went
// to the server in the start request and the chunks followed, 8 MiB at a time, until a server
// refused: up to 2 GiB read and sent for an upload that could never be taken.

const KEY = 'AIzaSyAttack47aSizeCapKeyXXXXXXXXXXXXXX';
const GIB = 1024 ** 3;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A sparse file of `size` bytes: no disk used, its stat size as given. */
async function sparseFile(size: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-size-cap-'));
  dirs.push(dir);
  const path = join(dir, 'big.bin');
  const handle = await open(path, 'w');
  await handle.truncate(size);
  await handle.close();
  return path;
}

/** A client whose fetch answers a resumable upload at once, recording each command and byte. */
function uploader() {
  const commands: string[] = [];
  let bytes = 0;
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (_input, init) => {
      const command = new Headers(init?.headers).get('x-goog-upload-command') ?? '';
      commands.push(command);
      if (init?.body instanceof Uint8Array) bytes += init.body.byteLength;
      if (command === 'start') {
        return new Response(null, {
          headers: { 'x-goog-upload-url': 'https://gw.test/upload?upload_id=1' },
        });
      }
      return Response.json(
        { file: { name: 'files/abc' }, name: 'fileSearchStores/s/upload/operations/o' },
        { headers: { 'x-goog-upload-status': command.includes('finalize') ? 'final' : 'active' } },
      );
    },
  });
  return { gemini, commands, bytes: () => bytes };
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('files.upload of a source past the per-file maximum', () => {
  it('a 3 GB file: refused by its size before any request', async () => {
    const path = await sparseFile(3 * GIB);
    const { gemini, commands, bytes } = uploader();
    const error = await outcome(createFiles(gemini).upload(path, { mimeType: 'video/mp4' }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('files.upload');
    expect((error as Error).message).toContain('3221225472 bytes');
    expect((error as Error).message).toContain('2147483648');
    expect(commands).toEqual([]);
    expect(bytes()).toBe(0);
  });

  it('a stream announced as 3 GB: refused before any request, the stream not read', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const { gemini, commands } = uploader();
    const error = await outcome(
      createFiles(gemini).upload(stream, { mimeType: 'text/plain', size: 3 * GIB }),
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('options.size');
    expect(commands).toEqual([]);
    // A ReadableStream pulls once to fill its queue when made; nothing past that was read.
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('fileSearchStores.upload names its own method', async () => {
    const path = await sparseFile(2 * GIB + 1);
    const { gemini, commands } = uploader();
    const error = await outcome(
      createFileSearchStores(gemini).upload('fileSearchStores/s', path, {
        mimeType: 'text/plain',
      }),
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^fileSearchStores\.upload: /);
    expect(commands).toEqual([]);
  });

  it('an empty file still uploads: one start, one finalize of no bytes (held)', async () => {
    const path = await sparseFile(0);
    const { gemini, commands, bytes } = uploader();
    expect(await createFiles(gemini).upload(path, { mimeType: 'text/plain' })).toEqual({
      name: 'files/abc',
    });
    expect(commands).toEqual(['start', 'upload, finalize']);
    expect(bytes()).toBe(0);
  });
});
