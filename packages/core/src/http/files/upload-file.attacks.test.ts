import type { IncomingMessage } from 'node:http';
import { type LoopbackServer, listenOnLoopback } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadError } from '../../errors/files-and-batches/upload-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFileSearchStores } from '../file-search-stores/create-file-search-stores.ts';
import { createFiles } from './create-files.ts';

const KEY = 'AIzaSyAttackCore6KeyXXXXXXXXXXXXXXXXXXX';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A gateway whose start answer names `location` as the upload URL; records every request. */
async function gateway(location: string) {
  const seen: { url: string; authorization: string | undefined; command: string | undefined }[] =
    [];
  server = await listenOnLoopback((request: IncomingMessage, response) => {
    request.resume();
    request.on('end', () => {
      const command = request.headers['x-goog-upload-command'] as string | undefined;
      seen.push({ url: request.url ?? '', authorization: request.headers.authorization, command });
      if (command === 'start') {
        response.writeHead(200, {
          'x-goog-upload-url': location,
          'x-goog-upload-status': 'active',
        });
        response.end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-goog-upload-status': 'final',
      });
      response.end(JSON.stringify({ file: { name: 'files/abc' } }));
    });
  });
  return { url: server.url, seen };
}

/** Upload URLs a hostile gateway may name: other schemes, another host, userinfo. */
const LOCATIONS = [
  'data:text/plain,hello',
  'file:///etc/passwd',
  'foo://evil.test/upload?upload_id=1',
  'ws://evil.test/upload?upload_id=1',
  '//evil.test/upload?upload_id=1',
  'http://user:pass@evil.test:81/upload?upload_id=1',
  'javascript:alert(1)',
  'blob:http://evil.test/abc',
];

for (const transport of ['node', 'fetch'] as const) {
  describe(`files.upload, a hostile x-goog-upload-url, over the ${transport} transport`, () => {
    for (const location of LOCATIONS) {
      it(`sends nothing anywhere but the gateway for ${location}`, async () => {
        const { url, seen } = await gateway(location);
        const outside: string[] = [];
        const gemini = createGemini({
          apiKey: KEY,
          baseUrl: url,
          retry: false,
          transport,
          ...(transport === 'fetch'
            ? {
                fetch: (input: RequestInfo | URL, init?: RequestInit) => {
                  const target = String(input instanceof Request ? input.url : input);
                  if (!target.startsWith(url)) outside.push(target);
                  return fetch(input, init);
                },
              }
            : {}),
        });
        const files = createFiles(gemini);
        const result = await files.upload(new Uint8Array(10), { mimeType: 'text/plain' }).then(
          (file) => ({ file }),
          (error: unknown) => ({ error }),
        );
        expect(outside).toEqual([]);
        const text =
          'error' in result ? `${String(result.error)} ${JSON.stringify(result.error)}` : '';
        expect(text).not.toContain(KEY);
        // Userinfo in the upload URL is no Basic auth sent to the gateway.
        expect(seen.map((request) => request.authorization)).not.toContain(
          `Basic ${btoa('user:pass')}`,
        );
        if (!/^(https?|ws):|^\/\//.test(location)) {
          // Refused before any byte: only the start request reached the gateway.
          expect(seen.map((request) => request.command)).toEqual(['start']);
          expect(String((result as { error: Error }).error.message)).toMatch(/not http\(s\)/);
        }
      });
    }
  });
}

// Each refusal names the API the caller called: a File Search upload said "files.upload:" for the
// upload URL's own checks (they were written for files.upload before the two shared the code).
describe('a refused upload URL, named after the API the caller called', () => {
  const uploads = {
    'files.upload': (gemini: ReturnType<typeof createGemini>) =>
      createFiles(gemini).upload(new Uint8Array(10), { mimeType: 'text/plain' }),
    'fileSearchStores.upload': (gemini: ReturnType<typeof createGemini>) =>
      createFileSearchStores(gemini).upload('fileSearchStores/s1', new Uint8Array(10), {
        mimeType: 'text/plain',
      }),
  };
  for (const [method, upload] of Object.entries(uploads)) {
    for (const location of ['data:text/plain,hello', 'http://[']) {
      it(`${method}, ${location}`, async () => {
        const { url, seen } = await gateway(location);
        const gemini = createGemini({ apiKey: KEY, baseUrl: url, retry: false });
        const error = await upload(gemini).then(
          () => undefined,
          (thrown: unknown) => thrown as Error,
        );
        expect(seen.map((request) => request.command)).toEqual(['start']);
        expect(error?.message).toMatch(
          new RegExp(`^${method.replace('.', '\\.')}: the x-goog-upload-url header`),
        );
      });
    }
  }
});

// An upload_id is kept out of errors like the key (attack31, held): a gateway naming the upload
// URL `?upload_id=e` does not get every "e" of the upload's errors replaced, as redaction skips
// what is shorter than the automatic key rule's 8 characters, and a real id is still scrubbed.
describe('a short upload_id', () => {
  for (const id of ['e', 'files', '1234567']) {
    it(`upload_id=${id} leaves the error readable`, async () => {
      server = await listenOnLoopback((request: IncomingMessage, response) => {
        request.resume();
        request.on('end', () => {
          if (request.headers['x-goog-upload-command'] === 'start') {
            response.writeHead(200, {
              'x-goog-upload-url': `/upload/v1beta/files?upload_id=${id}`,
            });
            response.end();
            return;
          }
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              error: {
                code: 400,
                status: 'INVALID_ARGUMENT',
                message: 'files were rejected: 1234567 bytes',
              },
            }),
          );
        });
      });
      const gemini = createGemini({ apiKey: KEY, baseUrl: server.url, retry: false });
      const error = await createFiles(gemini)
        .upload(new Uint8Array(10), { mimeType: 'text/plain' })
        .then(
          () => undefined,
          (thrown: unknown) => thrown as Error,
        );
      expect(error?.message).toContain('files were rejected: 1234567 bytes');
      expect(error?.message).not.toContain('[redacted]');
    });
  }

  it('a long upload_id is still kept out of the error', async () => {
    const id = 'AbCdEfGh0123456789-upload-capability';
    server = await listenOnLoopback((request: IncomingMessage, response) => {
      request.resume();
      request.on('end', () => {
        if (request.headers['x-goog-upload-command'] === 'start') {
          response.writeHead(200, { 'x-goog-upload-url': `/upload/v1beta/files?upload_id=${id}` });
          response.end();
          return;
        }
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 400, message: `bad upload ${id}` } }));
      });
    });
    const gemini = createGemini({ apiKey: KEY, baseUrl: server.url, retry: false });
    const error = await createFiles(gemini)
      .upload(new Uint8Array(10), { mimeType: 'text/plain' })
      .then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
    expect(error?.message).toContain('bad upload [redacted]');
    expect(`${error?.message} ${JSON.stringify(error)}`).not.toContain(id);
  });
});

// What an upload's own errors quote from the server's headers (attack31): the
// x-goog-upload-status of a chunk's answer was put in the UploadError's message as it came, so a
// gateway echoing the key there had it shown.
describe('an upload answer that echoes the key in its headers', () => {
  for (const transport of ['node', 'fetch'] as const) {
    it(`x-goog-upload-status holding the key: an UploadError without it (${transport})`, async () => {
      server = await listenOnLoopback((request: IncomingMessage, response) => {
        request.resume();
        request.on('end', () => {
          if (request.headers['x-goog-upload-command'] === 'start') {
            response.writeHead(200, { 'x-goog-upload-url': '/upload/v1beta/files?upload_id=u' });
            response.end();
            return;
          }
          response.writeHead(200, { 'x-goog-upload-status': `denied for ${KEY}` });
          response.end();
        });
      });
      const gemini = createGemini({ apiKey: KEY, baseUrl: server.url, retry: false, transport });
      const error = await createFiles(gemini)
        .upload(new Uint8Array(10), { mimeType: 'text/plain' })
        .then(
          () => undefined,
          (thrown: unknown) => thrown as Error,
        );
      expect(UploadError.isInstance(error)).toBe(true);
      expect(error?.message).toContain('denied for [redacted]');
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(KEY);
    });
  }
});

// A stream source that stalls (a body piped from another server that stops sending; attack31):
// the chunk read was never raced with the call's signal, so an abort left the upload waiting
// forever, and closing the source awaited a cancel the stream may never finish.
describe('an upload whose source stream stalls', () => {
  for (const cancelHangs of [false, true]) {
    it(`ends with the signal's reason when aborted (the stream's cancel ${cancelHangs ? 'never settles' : 'settles'})`, async () => {
      const commands: (string | undefined)[] = [];
      server = await listenOnLoopback((request: IncomingMessage, response) => {
        request.resume();
        request.on('end', () => {
          commands.push(request.headers['x-goog-upload-command'] as string | undefined);
          response.writeHead(200, {
            'x-goog-upload-url': '/upload/v1beta/files?upload_id=u',
            'x-goog-upload-status': 'active',
          });
          response.end();
        });
      });
      let cancelled = false;
      const source = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(16));
          // Then nothing more, ever.
        },
        cancel() {
          cancelled = true;
          return cancelHangs ? new Promise<void>(() => {}) : undefined;
        },
      });
      const gemini = createGemini({ apiKey: KEY, baseUrl: server.url, retry: false });
      const controller = new AbortController();
      const reason = new Error('the caller gave up');
      const upload = createFiles(gemini).upload(source, {
        mimeType: 'text/plain',
        chunkSize: 8,
        signal: controller.signal,
      });
      // Aborted once the start request was answered and the reads are waiting on the stream.
      const aborted = (async () => {
        while (commands.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 50));
        controller.abort(reason);
      })();
      const outcome = await Promise.race([
        upload.then(
          () => 'uploaded',
          (error: unknown) => error,
        ),
        // A hang guard only.
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 20_000)),
      ]);
      await aborted;
      expect(outcome).toBe(reason);
      expect(cancelled).toBe(true);
    });
  }
});

// The refusal of a scheme other than http(s) quoted up to 20 characters of it, lower-cased by
// URL (files40, found by attack31): a gateway echoing the key as the upload URL's scheme had its
// first 20 characters shown, lower-cased past the redaction that matches the key as sent.
describe('an upload URL whose scheme is the key', () => {
  for (const location of [`${KEY}:x`, `${KEY.slice(0, 20)}+${KEY.slice(20)}://evil.test/u`]) {
    it(`quotes nothing of the scheme (${location.slice(0, 8)}…)`, async () => {
      const { url, seen } = await gateway(location);
      const gemini = createGemini({ apiKey: KEY, baseUrl: url, retry: false });
      const error = await createFiles(gemini)
        .upload(new Uint8Array(10), { mimeType: 'text/plain' })
        .then(
          () => undefined,
          (thrown: unknown) => thrown as Error,
        );
      expect(UploadError.isInstance(error)).toBe(true);
      expect(error?.message).toMatch(/a scheme that is not http\(s\)/);
      expect(seen.map((request) => request.command)).toEqual(['start']);
      const text = `${String(error)} ${JSON.stringify(error)}`.toLowerCase();
      expect(text).not.toContain(KEY.slice(0, 8).toLowerCase());
    });
  }
});
