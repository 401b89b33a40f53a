import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import type { RetryOptions } from '../../retry/retry-options.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

// attack62b: a gateway that fails an upload's chunk with a 429 or 503, and a caller's retry
// policy. Every other call waits the server's delay (or backs off) before a retry, refuses a delay
// past `retry.maxServerDelayMs`, and sends once with `retry: false`; the chunk loop resent the
// chunk at once, three times, whatever the policy or the server said.

const KEY = 'AIzaTEST-upload-chunk-retries-0123456';

type Failure = { status: number; headers?: Record<string, string> };

/** An upload of 3 bytes whose one chunk fails with `failure` every time; the query finds none. */
function uploadWith(failure: Failure, retry: RetryOptions | false) {
  const sent: string[] = [];
  const retries: { delayMs: number; isServerDelay: boolean }[] = [];
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry,
    fetch: async (_input, init) => {
      const command = new Headers(init?.headers).get('x-goog-upload-command') ?? '';
      sent.push(command);
      if (command === 'start') {
        return new Response(null, {
          headers: { 'x-goog-upload-url': 'https://gw.test/upload?upload_id=u1' },
        });
      }
      if (command === 'query') {
        return new Response(null, {
          headers: { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': '0' },
        });
      }
      return Response.json(
        { error: { code: failure.status, message: 'busy' } },
        { status: failure.status, headers: failure.headers ?? {} },
      );
    },
  });
  const result = createFiles(gemini)
    .upload(new Uint8Array(3), {
      mimeType: 'text/plain',
      onRetry: ({ delayMs, isServerDelay }) => retries.push({ delayMs, isServerDelay }),
    })
    .then(
      () => 'uploaded',
      (error: unknown) => error,
    );
  return { result, sent, retries };
}

describe('files.upload: a failed chunk is sent again as the retry policy says', () => {
  it('retry: false sends a failed chunk once, and fails with its error', async () => {
    const { result, sent } = uploadWith({ status: 503 }, false);
    const error = await result;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(503);
    expect(sent).toEqual(['start', 'upload, finalize']);
  });

  it('a Retry-After past retry.maxServerDelayMs is not waited, nor the chunk sent again', async () => {
    const { result, sent } = uploadWith(
      { status: 429, headers: { 'retry-after': '1e12' } },
      { initialDelayMs: 0, maxDelayMs: 0 },
    );
    const error = await result;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(429);
    expect((error as ApiCallError).retryDelayMs).toBeGreaterThan(60_000);
    expect(sent.filter((command) => command === 'upload, finalize')).toHaveLength(1);
  });

  it("waits the server's delay before sending the chunk again, and tells onRetry", async () => {
    const { result, sent, retries } = uploadWith(
      { status: 503, headers: { 'retry-after-ms': '150' } },
      { initialDelayMs: 0, maxDelayMs: 0 },
    );
    const started = performance.now();
    await result;
    // A lower bound only: the two waits happened (a loaded machine only makes it longer).
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150 - 5);
    expect(retries).toEqual([
      { delayMs: 150, isServerDelay: true },
      { delayMs: 150, isServerDelay: true },
    ]);
    expect(sent.filter((command) => command === 'upload, finalize')).toHaveLength(3);
  });

  it('backs off by the policy when the server gives no delay', async () => {
    const { result, retries } = uploadWith(
      { status: 503 },
      { initialDelayMs: 20, factor: 2, jitter: false },
    );
    await result;
    expect(retries).toEqual([
      { delayMs: 20, isServerDelay: false },
      { delayMs: 40, isServerDelay: false },
    ]);
  });
});
