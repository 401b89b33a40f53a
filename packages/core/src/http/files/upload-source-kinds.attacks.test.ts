import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadError } from '../../errors/files-and-batches/upload-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

// files.upload of what is no regular file (files40, found by attack31): a FIFO blocked in open()
// on a libuv thread no signal reaches (waiting for a writer that may never come), a character
// device read as its stat size (0 for /dev/zero: an empty file uploaded), a directory failed with
// a raw EISDIR after the start request, a socket with a raw ENXIO. An endless stream went on
// sending chunks past the size it announced.

const KEY = 'AIzaSyFiles40UploadKindsKeyXXXXXXXXXXXXX';
const HANG_GUARD_MS = 20_000;

const dirs: string[] = [];
const fifos: string[] = [];
const servers: Server[] = [];
/**
 * The FIFO's rescuer: a reader still blocked in open() (the bug) holds a libuv thread until a
 * writer comes; four of them stop every fs call of the process (Vitest's threads share it).
 */
function releaseFifos(): void {
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waiting (ENXIO): nothing to release.
    }
  }
}

afterEach(async () => {
  releaseFifos();
  fifos.length = 0;
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-upload-kinds-'));
  dirs.push(dir);
  return dir;
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
          headers: { 'x-goog-upload-url': 'https://gw.test/upload/v1beta/files?upload_id=u' },
        });
      }
      const final = command.includes('finalize');
      return Response.json(final ? { file: { name: 'files/abc' } } : {}, {
        headers: { 'x-goog-upload-status': final ? 'final' : 'active' },
      });
    },
  });
  return { files: createFiles(gemini), commands };
}

/** The upload's outcome, or 'still waiting' past the hang guard. */
async function outcome(upload: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise((resolve) => {
    timer = setTimeout(() => {
      releaseFifos();
      resolve('still waiting');
    }, HANG_GUARD_MS);
  });
  try {
    return await Promise.race([
      upload.then(
        (file) => ({ file }),
        (error: unknown) => error,
      ),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const kinds: [string, RegExp, () => Promise<string>][] = [
  [
    'a FIFO with no writer',
    /is a FIFO \(named pipe\)/,
    async () => {
      const fifo = join(await tempDir(), 'pipe');
      execFileSync('mkfifo', [fifo]);
      fifos.push(fifo);
      return fifo;
    },
  ],
  ['/dev/zero', /is a character device/, async () => '/dev/zero'],
  ['a directory', /is a directory/, tempDir],
  [
    'a socket',
    /is a socket/,
    async () => {
      const path = join(await tempDir(), 'sock');
      const server = createServer();
      servers.push(server);
      await new Promise<void>((listening) => server.listen(path, listening));
      return path;
    },
  ],
  [
    'a symlink to a FIFO',
    /is a FIFO \(named pipe\)/,
    async () => {
      const dir = await tempDir();
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      fifos.push(join(dir, 'pipe'));
      await symlink(join(dir, 'pipe'), join(dir, 'link'));
      return join(dir, 'link');
    },
  ],
];

describe('files.upload of a path that is no regular file', () => {
  for (const [what, kind, make] of kinds) {
    it(`${what}: refused by kind before any request`, async () => {
      const path = await make();
      const { files, commands } = uploader();
      const result = await outcome(files.upload(path, { mimeType: 'text/plain' }));
      expect(InvalidArgumentError.isInstance(result)).toBe(true);
      expect((result as InvalidArgumentError).argument).toBe('source');
      expect((result as Error).message).toMatch(kind);
      expect((result as Error).message).toContain(JSON.stringify(path));
      expect((result as Error).message).toContain('regular file');
      expect(commands).toEqual([]);
    });
  }

  it('a regular file, and a symlink to one, still upload whole', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.txt'), 'hello');
    await mkdir(join(dir, 'sub'));
    await symlink(join(dir, 'a.txt'), join(dir, 'sub', 'link.txt'));
    for (const path of [join(dir, 'a.txt'), join(dir, 'sub', 'link.txt')]) {
      const { files, commands } = uploader();
      expect(await files.upload(path, { mimeType: 'text/plain' })).toEqual({ name: 'files/abc' });
      expect(commands).toEqual(['start', 'upload, finalize']);
    }
  });
});

describe('files.upload of an endless stream', () => {
  it('stops at the announced size: no chunk past it is sent', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(8));
      },
    });
    const { files, commands } = uploader();
    const controller = new AbortController();
    const result = await outcome(
      files.upload(endless, {
        mimeType: 'text/plain',
        size: 10,
        chunkSize: 8,
        signal: controller.signal,
      }),
    );
    controller.abort();
    expect(UploadError.isInstance(result)).toBe(true);
    expect((result as UploadError).reason).toBe('size-mismatch');
    expect((result as Error).message).toContain('more than the 10 bytes announced');
    // The first 8 bytes fit and were sent; the next 8 would pass 10: refused before sending.
    expect(commands).toEqual(['start', 'upload']);
    expect(pulled).toBeLessThan(10);
  });
});
