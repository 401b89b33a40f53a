import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UploadError } from '../../errors/files-and-batches/upload-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFileSearchStores } from '../file-search-stores/create-file-search-stores.ts';
import { createFiles } from './create-files.ts';

// leftovers40: a source that fails to read part-way (a disk's EIO under a path, a stream piped
// from a file or a socket that errors after some bytes) reached the caller as the raw system
// error: no method, no source, no offset, nothing to tell it from the client's own failures.
// A path that cannot be opened was already a typed refusal naming both (upload-enoent).

const KEY = 'AIzaSyLeftovers40ReadErrorKeyXXXXXXXXXX';
const UPLOAD_ID = 'upload-id-capability-0123456789';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A Node system error as `fs` makes one (`code`, `errno`, `syscall`). */
function eio(): Error {
  return Object.assign(new Error('EIO: i/o error, read'), {
    code: 'EIO',
    errno: -5,
    syscall: 'read',
  });
}

/** A client whose fetch answers a resumable upload at once, recording each command. */
function uploader() {
  const commands: string[] = [];
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (_input, init) => {
      const command = new Headers(init?.headers).get('x-goog-upload-command') ?? '';
      commands.push(command);
      if (command === 'start') {
        return new Response(null, {
          headers: {
            'x-goog-upload-url': `https://gw.test/upload/v1beta/files?upload_id=${UPLOAD_ID}`,
          },
        });
      }
      await new Response(init?.body ?? null).arrayBuffer();
      const final = command.includes('finalize');
      return Response.json(final ? { file: { name: 'files/abc' }, name: 'operations/op' } : {}, {
        headers: { 'x-goog-upload-status': final ? 'final' : 'active' },
      });
    },
  });
  return { files: createFiles(gemini), stores: createFileSearchStores(gemini), commands };
}

/** A stream of `good` bytes in 4-byte pieces, then `failure`. */
function failingStream(good: number, failure: unknown): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= good) {
        controller.error(failure);
        return;
      }
      const piece = new Uint8Array(Math.min(4, good - sent)).fill(120);
      sent += piece.byteLength;
      controller.enqueue(piece);
    },
  });
}

function caught(upload: Promise<unknown>): Promise<unknown> {
  return upload.then(
    () => 'uploaded',
    (error: unknown) => error,
  );
}

function expectReadFailed(error: unknown, method: string, source: string, offset: number): void {
  expect(error).toBeInstanceOf(UploadError);
  const upload = error as UploadError;
  expect(upload.reason).toBe('read-failed');
  expect(upload.offset).toBe(offset);
  expect(upload.message).toContain(`${method}: `);
  expect(upload.message).toContain(source);
  expect(upload.message).toContain('(EIO)');
  expect(upload.message).toContain(`after ${offset} bytes`);
  // The system error is kept for the operator, out of the message.
  expect((upload.cause as { code?: unknown }).code).toBe('EIO');
  const shown = `${upload.message} ${JSON.stringify(upload)}`;
  expect(shown).not.toContain(KEY);
  expect(shown).not.toContain(UPLOAD_ID);
}

describe('an upload whose source fails to read part-way (leftovers40)', () => {
  it('a ReadableStream that errors with EIO after a chunk sent: UploadError naming the method and the stream', async () => {
    const { files, commands } = uploader();
    const error = await caught(
      files.upload(failingStream(20, eio()), { mimeType: 'text/plain', chunkSize: 8 }),
    );
    expectReadFailed(error, 'files.upload', 'the ReadableStream', 8);
    // Nothing finalised: the first chunk went, the read ahead of the second failed.
    expect(commands).toEqual(['start', 'upload']);
  });

  it('a ReadableStream that errors before its first byte: the same, at 0 bytes', async () => {
    const { files, commands } = uploader();
    const error = await caught(
      files.upload(failingStream(0, eio()), { mimeType: 'text/plain', chunkSize: 8, size: 20 }),
    );
    expectReadFailed(error, 'files.upload', 'the ReadableStream', 0);
    expect(commands).toEqual(['start']);
  });

  it('fileSearchStores.upload names its own method', async () => {
    const { stores } = uploader();
    const error = await caught(
      stores.upload('fileSearchStores/s1', failingStream(20, eio()), {
        mimeType: 'text/plain',
        chunkSize: 8,
      }),
    );
    expectReadFailed(error, 'fileSearchStores.upload', 'the ReadableStream', 8);
  });

  it('a path whose read fails with EIO after a chunk sent: UploadError naming the method and the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-upload-eio-'));
    dirs.push(dir);
    const path = join(dir, 'recording.bin');
    await writeFile(path, 'x'.repeat(20));
    // The disk fails under the file past its first 16 bytes (Node's FileHandle, as fs makes it).
    const probe = await open(path);
    const prototype = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => unknown };
    await probe.close();
    const read = prototype.read;
    vi.spyOn(prototype, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const position = args[3];
      if (typeof position === 'number' && position >= 16) return Promise.reject(eio());
      return read.apply(this, args);
    });
    const { files, commands } = uploader();
    const error = await caught(files.upload(path, { mimeType: 'text/plain', chunkSize: 8 }));
    expectReadFailed(error, 'files.upload', JSON.stringify(path), 8);
    expect(commands).toEqual(['start', 'upload']);
  });

  it.skipIf(process.platform !== 'linux')(
    'a path whose first read fails with a real EIO (/proc/self/mem at 0): the same, before any request',
    async () => {
      // proc(5): reading an unmapped address of /proc/[pid]/mem fails with EIO; its stat size is
      // 0, so the open's probe of its first byte meets it.
      const { files, commands } = uploader();
      const error = await caught(files.upload('/proc/self/mem', { mimeType: 'text/plain' }));
      expectReadFailed(error, 'files.upload', '"/proc/self/mem"', 0);
      expect(commands).toEqual([]);
    },
  );

  it('what the caller must fix stays its own typed error: a stream of strings is still refused by name', async () => {
    const { files } = uploader();
    const strings = new ReadableStream({
      start(controller) {
        controller.enqueue('text');
        controller.close();
      },
    }) as unknown as ReadableStream<Uint8Array>;
    const error = await caught(files.upload(strings, { mimeType: 'text/plain' }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('an abort while reading is still the caller’s abort, not a read failure', async () => {
    const { files } = uploader();
    const controller = new AbortController();
    const reason = new Error('caller stopped');
    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const upload = caught(
      files.upload(stalled, { mimeType: 'text/plain', signal: controller.signal }),
    );
    controller.abort(reason);
    expect(await upload).toBe(reason);
  });
});
