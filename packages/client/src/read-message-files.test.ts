import { describe, expect, it } from 'vitest';
import { ClientError } from './client-error.ts';
import { readMessageFiles } from './read-message-files.ts';
import { streamAgent } from './stream-agent.ts';
import { toPageMessage } from './to-page-message.ts';

// The page's half of sending files: File/Blob/data URL in, `{ url, mediaType, filename, size }`
// out, the bytes exact; every bound checked before a byte is read; a refusal typed by its fault.
// In Node there is no FileReader, so the sliced encoder runs here; Chromium's FileReader is the
// path test/runtimes/react-media.test.ts runs.

/** Bytes 0..255 repeated: every byte value, so an encoding slip shows. */
function allBytes(length: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, index) => index % 256);
}

async function refusal(promise: Promise<unknown>): Promise<ClientError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!ClientError.isInstance(error))
    throw new Error(`expected a ClientError, got ${String(error)}`);
  return error;
}

describe('readMessageFiles', () => {
  it('reads Files and Blobs into base64 data URLs with their type, name and size, byte for byte', async () => {
    // Past one encoding slice (192 KiB) and not a multiple of 3: the slices' seams and the padding.
    const bytes = allBytes(3 * 64 * 1024 + 1001);
    const photo = new File([bytes], 'photo.png', { type: 'image/png' });
    const note = new Blob(['hello, world'], { type: 'text/plain;charset=utf-8' });
    const files = await readMessageFiles([photo, note]);
    expect(files).toEqual([
      {
        url: `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`,
        mediaType: 'image/png',
        filename: 'photo.png',
        size: bytes.length,
      },
      {
        url: `data:text/plain;base64,${Buffer.from('hello, world').toString('base64')}`,
        mediaType: 'text/plain',
        filename: undefined,
        size: 12,
      },
    ]);
  });

  it('takes a data URL and a file read before as they are, with their decoded size', async () => {
    const url = `data:application/pdf;base64,${Buffer.from('%PDF-1.7').toString('base64')}`;
    const [fromUrl, again] = await readMessageFiles([
      url,
      { url, mediaType: 'application/pdf', filename: 'a.pdf', size: 8 },
    ]);
    expect(fromUrl).toEqual({ url, mediaType: 'application/pdf', filename: undefined, size: 8 });
    expect(again).toEqual({ url, mediaType: 'application/pdf', filename: 'a.pdf', size: 8 });
  });

  it('refuses a type the doors do not take, or none, naming the file and its fault', async () => {
    for (const [file, index] of [
      [new File(['PK'], 'a.zip', { type: 'application/zip' }), 1],
      [new File(['?'], 'no-type'), 1],
      ['data:application/x-msdownload;base64,TVo=', 1],
    ] as const) {
      const error = await refusal(
        readMessageFiles([new Blob(['ok'], { type: 'text/plain' }), file]),
      );
      expect(error.code, String(file)).toBe('file-refused');
      expect(error.file).toEqual({ index, fault: 'type-not-taken' });
      expect(toPageMessage(error)).toBe('File 2: A file is of a type this chat does not take.');
    }
    // `accept` narrows (or widens) the types.
    const narrowed = await refusal(
      readMessageFiles([new Blob(['x'], { type: 'text/plain' })], {
        accept: (type) => type.startsWith('image/'),
      }),
    );
    expect(narrowed.file).toEqual({ index: 0, fault: 'type-not-taken' });
  });

  it('refuses what is neither a file nor a base64 data URL: a remote URL is never fetched', async () => {
    for (const item of [
      'https://example.com/cat.png',
      'http://169.254.169.254/latest/meta-data',
      'data:image/png,notbase64',
      'data:image/png;base64,not base64!',
      42,
      null,
      { url: 7 },
    ]) {
      const error = await refusal(readMessageFiles([item as string]));
      expect(error.file, String(item)).toEqual({ index: 0, fault: 'not-a-file' });
      expect(error.message).not.toContain('169.254');
    }
    const notAList = await refusal(readMessageFiles(5 as unknown as string[]));
    expect(notAList).toMatchObject({ code: 'invalid-option', option: 'files' });
  });

  it('checks the count and the total size before reading any file', async () => {
    const reads: number[] = [];
    /** A Blob that counts its reads: none may happen when the list is refused. */
    const counted = (index: number, size: number) => {
      const blob = new Blob([new Uint8Array(size)], { type: 'image/png' });
      const slice = blob.slice.bind(blob);
      blob.slice = (...args: Parameters<Blob['slice']>) => {
        reads.push(index);
        return slice(...args);
      };
      blob.arrayBuffer = () => {
        reads.push(index);
        return Blob.prototype.arrayBuffer.call(blob);
      };
      return blob;
    };
    const many = Array.from({ length: 11 }, (_, index) => counted(index, 1));
    const tooMany = await refusal(readMessageFiles(many));
    expect(tooMany.file).toEqual({ index: 10, fault: 'too-many-files' });
    expect(toPageMessage(tooMany)).toBe('Too many files for one message; send fewer.');
    expect((await readMessageFiles(many, { maxFiles: 11 })).length).toBe(11);
    reads.length = 0;

    const tooLarge = await refusal(
      readMessageFiles([counted(0, 3000), counted(1, 2000), counted(2, 1)], { maxBytes: 4096 }),
    );
    expect(tooLarge.file).toEqual({ index: 1, fault: 'too-large' });
    expect(toPageMessage(tooLarge)).toBe(
      'File 2: The files are too large to send; send smaller ones.',
    );
    expect(reads).toEqual([]);
    // The default: 4 MiB in all, checked by size alone (this Blob is never read).
    const big = await refusal(readMessageFiles([counted(0, 4 * 1024 * 1024 + 1)]));
    expect(big.file).toEqual({ index: 0, fault: 'too-large' });
    expect(reads).toEqual([]);
    expect(await readMessageFiles([counted(0, 4096)], { maxBytes: 4096 })).toHaveLength(1);
  });

  it('refuses a bound that is not a positive integer or Infinity, naming it', async () => {
    for (const [option, value] of [
      ['maxFiles', 0],
      ['maxFiles', 1.5],
      ['maxBytes', Number.NaN],
      ['maxBytes', -1],
    ] as const) {
      const error = await refusal(readMessageFiles([], { [option]: value }));
      expect(error).toMatchObject({ code: 'invalid-option', option });
    }
    expect(await readMessageFiles([], { maxBytes: Number.POSITIVE_INFINITY })).toEqual([]);
  });
});

describe('a route`s refusal of a file (readPageMessage`s 400) on the page', () => {
  const answer = (status: number, body: string) => async () =>
    new Response(body, { status, headers: { 'content-type': 'application/json' } });

  it('is ClientError file-refused with the file and fault, shown in the page`s words', async () => {
    const body = JSON.stringify({
      error: {
        code: 'file-refused',
        file: 2,
        fault: 'type-not-taken',
        message: 'files[2].url is text/html at /srv/app/routes.ts, not a file this server takes.',
      },
    });
    const error = await refusal(streamAgent('http://x/chat', { fetch: answer(400, body) }));
    expect(error).toMatchObject({
      code: 'file-refused',
      status: 400,
      file: { index: 2, fault: 'type-not-taken' },
    });
    expect(toPageMessage(error)).toBe('File 3: A file is of a type this chat does not take.');
  });

  it('anything else is the plain http-status: an unknown fault, a huge index, another code, not JSON', async () => {
    for (const body of [
      '{"error":{"code":"file-refused","file":0,"fault":"toString"}}',
      '{"error":{"code":"file-refused","file":1e9,"fault":"too-large"}}',
      '{"error":{"code":"file-refused","file":-1,"fault":"too-large"}}',
      '{"error":{"code":"other","file":0,"fault":"too-large"}}',
      '<html>nope</html>',
    ]) {
      const error = await refusal(streamAgent('http://x/chat', { fetch: answer(400, body) }));
      expect(error.code, body).toBe('http-status');
      expect(error.file).toBeUndefined();
    }
    // The same body under another status is not a file's refusal.
    const teapot = await refusal(
      streamAgent('http://x/chat', {
        fetch: answer(500, '{"error":{"code":"file-refused","file":0,"fault":"too-large"}}'),
      }),
    );
    expect(teapot.code).toBe('http-status');
  });

  it('a 413 (the route`s body limit) is told as a message too large, not as the server worded it', async () => {
    const error = await refusal(
      streamAgent('http://x/chat', { fetch: answer(413, 'Body over 6291456 bytes at 10.0.0.5') }),
    );
    expect(error).toMatchObject({ code: 'http-status', status: 413 });
    expect(toPageMessage(error)).toBe(
      'The message was larger than the server takes (its files, most likely); send smaller files.',
    );
  });
});
