import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

// attack47a: the media type goes to the server as a header (`x-goog-upload-header-content-type`).
// A 100 KB one passed options.mimeType's check (its shape, not its length) and a Blob's own type
// was not checked at all: both came back as an ApiCallError "HTTP 431: the response body was
// empty", naming neither the option nor the Blob, and a Blob typed `nonsense` was sent as is.

const KEY = 'AIzaSyAttack47aMediaTypeKeyXXXXXXXXXXXX';

async function uploader() {
  let requests = 0;
  const server = await listenOnLoopback((request, response) => {
    requests++;
    request.resume();
    response.writeHead(200, {
      'content-type': 'application/json',
      'x-goog-upload-url': '/upload?upload_id=1',
      'x-goog-upload-status': 'final',
    });
    response.end('{"file":{"name":"files/a"}}');
  });
  const files = createFiles(createGemini({ apiKey: KEY, baseUrl: server.url, retry: false }));
  return { server, files, requests: () => requests };
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('files.upload, a media type no server takes', () => {
  it.each([
    ['a 100 KB subtype', `application/${'x'.repeat(100_000)}`],
    ['a 20 KB parameter', `text/plain; x=${'y'.repeat(20_000)}`],
  ])('options.mimeType of %s: refused by name before any request', async (_label, mimeType) => {
    const { server, files, requests } = await uploader();
    await using _server = server;
    const error = await outcome(files.upload(new Uint8Array(3), { mimeType }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('options.mimeType');
    expect((error as Error).message.length).toBeLessThan(1000);
    expect(requests()).toBe(0);
  });

  it.each([
    ['a 100 KB type', `application/${'x'.repeat(100_000)}`],
    ['a type that is no media type', 'nonsense'],
  ])('a Blob of %s and no options.mimeType: refused, naming both', async (_label, type) => {
    const { server, files, requests } = await uploader();
    await using _server = server;
    const error = await outcome(files.upload(new Blob(['abc'], { type })));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('options.mimeType');
    expect((error as Error).message).toContain("the Blob's type");
    expect((error as Error).message.length).toBeLessThan(1000);
    expect(requests()).toBe(0);
  });

  it("a Blob's good type is still used, and options.mimeType still overrides a bad one (held)", async () => {
    const { server, files, requests } = await uploader();
    await using _server = server;
    expect(await files.upload(new Blob(['abc'], { type: 'text/csv' }))).toEqual({
      name: 'files/a',
    });
    expect(
      await files.upload(new Blob(['abc'], { type: 'nonsense' }), { mimeType: 'text/plain' }),
    ).toEqual({ name: 'files/a' });
    // A start and one chunk each.
    expect(requests()).toBe(4);
  });
});
