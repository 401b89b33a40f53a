import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { FileNotFoundError } from '../../errors/files-and-batches/file-not-found-error.ts';
import { FileProcessingError } from '../../errors/files-and-batches/file-processing-error.ts';
import { UnsupportedEndpointError } from '../../errors/files-and-batches/unsupported-endpoint-error.ts';
import { UploadError } from '../../errors/files-and-batches/upload-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { ResponseTooLargeError } from '../../errors/response-too-large-error.ts';
import { createBatches } from '../batches/create-batches.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from '../files/create-files.ts';
import type { CreateGeminiOptions } from '../gemini.ts';

/** A client with its Files and Batch APIs at hand, as an app that imports them holds them. */
function connect(options: CreateGeminiOptions) {
  const gemini = createGemini(options);
  return Object.assign(gemini, { files: createFiles(gemini), batches: createBatches(gemini) });
}

const KIB = 1024;
let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Bytes whose every position is recognisable, so a chunk sent twice or skipped shows. */
function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 7 + (index >> 8)) & 0xff;
  return bytes;
}

async function start(
  options: Parameters<typeof createFakeGemini>[0] = {},
  transport?: 'fetch' | 'node',
) {
  fake = createFakeGemini(options);
  const { url } = await fake.listen();
  return connect({
    baseUrl: url,
    apiKey: 'test-key',
    retry: { maxRetries: 2, initialDelayMs: 0 },
    transport,
  });
}

function uploadRequests(target: FakeGemini) {
  return target.requests.filter((request) => request.method === 'files.upload');
}

for (const transport of ['node', 'fetch'] as const) {
  describe(`gemini.files over the ${transport} transport`, () => {
    it('uploads bytes in 256 KiB chunks with offsets, finalises the last, and reports progress', async () => {
      const gemini = await start({}, transport);
      const progress: number[] = [];
      const bytes = pattern(600 * KIB);
      const file = await gemini.files.upload(bytes, {
        mimeType: 'application/pdf',
        displayName: 'report',
        chunkSize: 1,
        onProgress: ({ uploadedBytes, totalBytes }) => {
          progress.push(uploadedBytes);
          expect(totalBytes).toBe(600 * KIB);
        },
      });
      expect(file).toMatchObject({
        name: expect.stringMatching(/^files\//),
        mimeType: 'application/pdf',
        displayName: 'report',
        sizeBytes: String(600 * KIB),
        state: 'ACTIVE',
      });
      expect(progress).toEqual([256 * KIB, 512 * KIB, 600 * KIB]);
      const sent = uploadRequests(fake as FakeGemini);
      expect(
        sent.map((request) => [
          request.headers['x-goog-upload-command'],
          request.headers['x-goog-upload-offset'],
        ]),
      ).toEqual([
        ['start', undefined],
        ['upload', '0'],
        ['upload', String(256 * KIB)],
        ['upload, finalize', String(512 * KIB)],
      ]);
      expect(sent[0]?.headers).toMatchObject({
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-header-content-length': String(600 * KIB),
        'x-goog-upload-header-content-type': 'application/pdf',
        'x-goog-api-key': '[redacted]',
      });
      expect(sent[0]?.body).toEqual({ file: { displayName: 'report' } });
    });

    it('resumes a broken chunk at the offset the server reports, without resending what it has', async () => {
      const gemini = await start(
        { filesApi: { breakChunks: [{ chunk: 1, keepBytes: 1000 }] } },
        transport,
      );
      const bytes = pattern(600 * KIB);
      const file = await gemini.files.upload(new Blob([bytes as BlobPart], { type: 'video/mp4' }), {
        chunkSize: 1,
      });
      const sent = uploadRequests(fake as FakeGemini).map((request) => [
        request.headers['x-goog-upload-command'],
        request.headers['x-goog-upload-offset'],
      ]);
      expect(sent).toEqual([
        ['start', undefined],
        ['upload', '0'],
        ['upload', String(256 * KIB)],
        ['query', undefined],
        ['upload', String(256 * KIB + 1000)],
        ['upload, finalize', String(512 * KIB)],
      ]);
      expect(file.mimeType).toBe('video/mp4');
      // The server holds the bytes in order, once each.
      expect(file.sizeBytes).toBe(String(600 * KIB));
    });
  });
}

describe('gemini.files', () => {
  it('uploads a path and a stream a chunk at a time', async () => {
    const gemini = await start();
    const path = join(tmpdir(), `gemloop-upload-${process.pid}.bin`);
    await writeFile(path, pattern(300 * KIB));
    const fromPath = await gemini.files
      .upload(path, { mimeType: 'audio/mpeg' })
      .finally(() => rm(path));
    expect(fromPath.sizeBytes).toBe(String(300 * KIB));
    const bytes = pattern(300 * KIB);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.byteLength; at += 10_000)
          controller.enqueue(bytes.subarray(at, at + 10_000));
        controller.close();
      },
    });
    const fromStream = await gemini.files.upload(stream, { mimeType: 'audio/mpeg' });
    expect(fromStream.sizeBytes).toBe(String(300 * KIB));
    const streamStart = uploadRequests(fake as FakeGemini).filter(
      (request) => request.headers['x-goog-upload-command'] === 'start',
    )[1];
    // A stream without `size` announces none.
    expect(streamStart?.headers['x-goog-upload-header-content-length']).toBeUndefined();
  });

  it('refuses a stream that gives fewer bytes than its announced size, before finalising', async () => {
    const gemini = await start();
    const stream = new Blob([pattern(1000) as BlobPart]).stream();
    const error = await gemini.files
      .upload(stream, { mimeType: 'text/plain', size: 2000 })
      .catch((caught: unknown) => caught);
    expect(UploadError.isInstance(error) && error.reason).toBe('size-mismatch');
  });

  it('needs a mimeType unless the Blob has one', async () => {
    const gemini = await start();
    await expect(gemini.files.upload(pattern(10))).rejects.toSatisfy(
      (error) => InvalidArgumentError.isInstance(error) && error.argument === 'options.mimeType',
    );
  });

  it('gets, lists page by page and deletes; a deleted file is a FileNotFoundError naming it', async () => {
    const gemini = await start();
    const names: string[] = [];
    for (let index = 0; index < 3; index++) {
      names.push((await gemini.files.upload(pattern(10), { mimeType: 'text/plain' })).name);
    }
    expect((await gemini.files.get(names[0] as string)).name).toBe(names[0]);
    const listed: string[] = [];
    for await (const file of gemini.files.listAll({ pageSize: 2 })) listed.push(file.name);
    expect(listed).toEqual(names);
    await gemini.files.delete(names[1] as string);
    const error = await gemini.files.get(names[1] as string).catch((caught: unknown) => caught);
    expect(FileNotFoundError.isInstance(error) && error.fileName).toBe(names[1]);
  });

  it('answers an expired file (48 h by the fake clock) as FileNotFoundError', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const gemini = await start({ now: () => now });
    const file = await gemini.files.upload(pattern(10), { mimeType: 'text/plain' });
    now += 47 * 3_600_000;
    expect((await gemini.files.get(file.name)).name).toBe(file.name);
    now += 2 * 3_600_000;
    await expect(gemini.files.get(file.name)).rejects.toSatisfy(
      (error) =>
        FileNotFoundError.isInstance(error) && error.fileName === file.name && error.status === 403,
    );
  });

  it('waits for a video to leave PROCESSING, and types a FAILED file', async () => {
    const gemini = await start({
      filesApi: { processingPolls: 2, failProcessing: ({ displayName }) => displayName === 'bad' },
    });
    const video = await gemini.files.upload(pattern(10), { mimeType: 'video/mp4' });
    expect(video.state).toBe('PROCESSING');
    const states: unknown[] = [];
    const active = await gemini.files.waitUntilActive(video, {
      pollIntervalMs: 0,
      onPoll: (file) => states.push((file as { state: string }).state),
    });
    expect(active.state).toBe('ACTIVE');
    expect(states).toEqual(['PROCESSING', 'PROCESSING', 'ACTIVE']);
    const bad = await gemini.files.upload(pattern(10), {
      mimeType: 'video/mp4',
      displayName: 'bad',
    });
    await expect(gemini.files.waitUntilActive(bad.name, { pollIntervalMs: 0 })).rejects.toSatisfy(
      (error) =>
        FileProcessingError.isInstance(error) &&
        error.fileName === bad.name &&
        error.state === 'FAILED',
    );
  });

  it("scrubs the API key from a FAILED file's reason, as from any error of the API", async () => {
    const key = 'AIzaSy-files-secret-0123456789';
    const gemini = connect({
      apiKey: key,
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async () =>
        Response.json({
          name: 'files/abc',
          state: 'FAILED',
          error: { code: 3, message: `could not fetch the media with key ${key}` },
        }),
    });
    const error = await gemini.files
      .waitUntilActive('files/abc', { pollIntervalMs: 0 })
      .catch((caught: unknown) => caught);
    expect(FileProcessingError.isInstance(error)).toBe(true);
    const failed = error as FileProcessingError;
    expect(failed.reason).toBe('could not fetch the media with key [redacted]');
    expect(`${failed.message} ${JSON.stringify(failed)}`).not.toContain(key);
  });

  it("cuts a FAILED file's long reason at a whole character, never inside an emoji", async () => {
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      // 999 units, then an emoji whose two halves would straddle the 1,000-unit bound.
      fetch: async () =>
        Response.json({
          name: 'files/abc',
          state: 'FAILED',
          error: { code: 3, message: `${'x'.repeat(999)}😀 and more` },
        }),
    });
    const error = await gemini.files
      .waitUntilActive('files/abc', { pollIntervalMs: 0 })
      .catch((caught: unknown) => caught);
    const reason = (error as FileProcessingError).reason ?? '';
    expect(reason).toBe('x'.repeat(999));
  });

  it('ends a wait when its signal aborts', async () => {
    const gemini = await start({ filesApi: { processingPolls: 1000 } });
    const video = await gemini.files.upload(pattern(10), { mimeType: 'video/mp4' });
    const controller = new AbortController();
    const waiting = gemini.files.waitUntilActive(video, {
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onPoll: () => controller.abort(new Error('stop')),
    });
    await expect(waiting).rejects.toThrow('stop');
  });

  it('refuses names that are not file names, so a model cannot aim the request elsewhere', async () => {
    const gemini = await start();
    await expect(gemini.files.get('../models/x')).rejects.toSatisfy((error) =>
      InvalidArgumentError.isInstance(error),
    );
  });

  it('bounds a download by maxBytes', async () => {
    const gemini = await start();
    const job = await gemini.batches.create({
      model: 'gemini-2.5-flash',
      requests: [{ contents: 'a' }],
      input: 'file',
    });
    const done = await gemini.batches.wait(job, { pollIntervalMs: 0 });
    const results = done.metadata?.output?.responsesFile as string;
    expect((await gemini.files.download(results)).byteLength).toBeGreaterThan(10);
    await expect(gemini.files.download(results, { maxBytes: 10 })).rejects.toSatisfy((error) =>
      ResponseTooLargeError.isInstance(error),
    );
  });

  it('is refused on Vertex AI before sending, naming the endpoint', async () => {
    const gemini = connect({
      vertex: { project: 'p', location: 'us-central1', getAccessToken: async () => 'token' },
      baseUrl: 'http://127.0.0.1:9',
    });
    const error = await gemini.files
      .upload(pattern(10), { mimeType: 'text/plain' })
      .catch((caught: unknown) => caught);
    expect(
      UnsupportedEndpointError.isInstance(error) && [error.platform, error.method, error.endpoint],
    ).toEqual(['vertex', 'files.upload', 'http://127.0.0.1:9']);
  });

  it('types a gateway that answers the upload route 404 without a Google body', async () => {
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async () =>
        new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } }),
    });
    const error = await gemini.files
      .upload(pattern(10), { mimeType: 'text/plain' })
      .catch((caught: unknown) => caught);
    expect(UnsupportedEndpointError.isInstance(error) && [error.platform, error.status]).toEqual([
      'gemini-api',
      404,
    ]);
  });

  it("sends the chunks to the client's own host whatever host the upload URL names", async () => {
    const hosts: string[] = [];
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async (input, init) => {
        const url = new URL(String(input));
        hosts.push(url.host);
        const command = new Headers(init?.headers).get('x-goog-upload-command');
        if (command === 'start') {
          return new Response('', {
            headers: {
              'x-goog-upload-url': 'https://evil.test/upload/v1beta/files?upload_id=1',
              'x-goog-upload-status': 'active',
            },
          });
        }
        return Response.json(
          { file: { name: 'files/abc' } },
          { headers: { 'x-goog-upload-status': 'final' } },
        );
      },
    });
    expect((await gemini.files.upload(pattern(10), { mimeType: 'text/plain' })).name).toBe(
      'files/abc',
    );
    expect(hosts).toEqual(['gateway.test', 'gateway.test']);
  });

  it("keeps a gateway's path prefix on the chunks, once, whatever the upload URL names", async () => {
    // A gateway served under a path (Cloudflare's `/v1/{account}/{gateway}/google-ai-studio`)
    // forwards Google's upload URL, which names Google's host and no prefix: the chunks went to
    // the gateway's root, where nothing answers (attack31).
    const baseUrl = 'https://gateway.test/v1/acct/gw/google-ai-studio';
    for (const location of [
      'https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=1',
      '/upload/v1beta/files?upload_id=1',
      'https://gateway.test/v1/acct/gw/google-ai-studio/upload/v1beta/files?upload_id=1',
    ]) {
      const urls: string[] = [];
      const gemini = connect({
        apiKey: 'k',
        baseUrl,
        retry: false,
        fetch: async (input, init) => {
          urls.push(String(input));
          const command = new Headers(init?.headers).get('x-goog-upload-command');
          if (command === 'start') {
            return new Response('', {
              headers: { 'x-goog-upload-url': location, 'x-goog-upload-status': 'active' },
            });
          }
          return Response.json(
            { file: { name: 'files/abc' } },
            { headers: { 'x-goog-upload-status': 'final' } },
          );
        },
      });
      expect((await gemini.files.upload(pattern(10), { mimeType: 'text/plain' })).name).toBe(
        'files/abc',
      );
      expect(urls.map((url) => new URL(url).pathname)).toEqual([
        '/v1/acct/gw/google-ai-studio/upload/v1beta/files',
        '/v1/acct/gw/google-ai-studio/upload/v1beta/files',
      ]);
    }
  });
});

describe('gemini.files secrets', () => {
  it("keeps the upload URL's upload_id (a capability) out of a failed chunk's error", async () => {
    const uploadId = 'AHxI1nOpaqueUploadSession0123456789';
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async (input, init) => {
        const command = new Headers(init?.headers).get('x-goog-upload-command');
        if (command === 'start') {
          return new Response('', {
            headers: {
              'x-goog-upload-url': `https://gateway.test/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`,
              'x-goog-upload-status': 'active',
            },
          });
        }
        return Response.json(
          {
            error: {
              code: 400,
              message: `Bad chunk for ${String(input)}`,
              status: 'INVALID_ARGUMENT',
            },
          },
          { status: 400 },
        );
      },
    });
    const error = await gemini.files
      .upload(pattern(10), { mimeType: 'text/plain' })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(uploadId);
    expect(String((error as Error).message)).not.toContain(uploadId);
    expect((error as ApiCallError).url).not.toContain(uploadId);
  });
});

describe('files.download, a file sent a byte at a time (attack19)', () => {
  it('is read whole, as a plain Uint8Array of exactly the file', async () => {
    const file = Uint8Array.from({ length: 20_000 }, (_, index) => index % 251);
    let index = 0;
    const gemini = connect({
      apiKey: 'k',
      retry: false,
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (index === file.byteLength) controller.close();
              else controller.enqueue(file.slice(index, ++index));
            },
          }),
        ),
    });
    const bytes = await gemini.files.download('files/abc');
    expect(bytes.constructor).toBe(Uint8Array);
    expect(bytes.buffer.byteLength).toBe(file.byteLength);
    expect(Buffer.from(bytes).equals(Buffer.from(file))).toBe(true);
  });
});
