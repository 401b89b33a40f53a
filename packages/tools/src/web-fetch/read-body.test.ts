import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBody } from './read-body.ts';
import { WebFetchError } from './web-fetch-error.ts';

// The body is the server's: endless, compressed a thousandfold, cut in the middle or encoded in
// a way nobody speaks. readBody keeps at most maxBytes of it in memory and says what went wrong.

const url = 'https://example.com/page';

/** A response whose body is `chunks`, sent as they come, then ended (unless `open`). */
function response(
  chunks: Buffer[],
  headers: Record<string, string> = {},
  { open = false, fail }: { open?: boolean; fail?: Error } = {},
): IncomingMessage & PassThrough {
  const stream = new PassThrough() as PassThrough & { headers: Record<string, string> };
  stream.headers = headers;
  for (const chunk of chunks) stream.write(chunk);
  if (fail !== undefined) queueMicrotask(() => stream.destroy(fail));
  else if (!open) stream.end();
  return stream as unknown as IncomingMessage & PassThrough;
}

const live = () => new AbortController().signal;

async function failure(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('readBody', () => {
  it('reads a plain body whole, and one of exactly maxBytes is not cut', async () => {
    const body = Buffer.from('hello world');
    const result = await readBody({
      response: response([body]),
      url,
      maxBytes: 11,
      signal: live(),
    });
    expect(result.bytes.toString()).toBe('hello world');
    expect(result.truncated).toBe(false);
  });

  it('stops one byte past the limit and closes the connection', async () => {
    const source = response([Buffer.alloc(6, 'a'), Buffer.alloc(6, 'b')], {}, { open: true });
    const result = await readBody({ response: source, url, maxBytes: 8, signal: live() });
    expect(result.bytes.toString()).toBe('aaaaaabb');
    expect(result.truncated).toBe(true);
    expect(source.destroyed).toBe(true);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    [' GZIP ', gzipSync],
  ])('decompresses a %s body', async (encoding, compress) => {
    const text = 'Grüße, 世界! '.repeat(100);
    const result = await readBody({
      response: response([compress(Buffer.from(text))], { 'content-encoding': encoding }),
      url,
      maxBytes: 1_000_000,
      signal: live(),
    });
    expect(result.bytes.toString('utf8')).toBe(text);
  });

  it('stops a decompression bomb at maxBytes of output', async () => {
    // 16 MB of zeros compress to about 16 KB: only the first 1,000 bytes are ever kept.
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const result = await readBody({
      response: response([bomb], { 'content-encoding': 'gzip' }),
      url,
      maxBytes: 1_000,
      signal: live(),
    });
    expect(result).toMatchObject({ truncated: true });
    expect(result.bytes.length).toBe(1_000);
  });

  it('names an encoding it cannot read, quoting at most 40 characters of it', async () => {
    for (const encoding of ['compress', 'gzip, br', 'zstd', 'x'.repeat(10_000)]) {
      const source = response([Buffer.from('data')], { 'content-encoding': encoding });
      const error = await failure(
        readBody({ response: source, url, maxBytes: 100, signal: live() }),
      );
      expect(WebFetchError.isInstance(error)).toBe(true);
      expect((error as WebFetchError).reason).toBe('network');
      expect((error as Error).message).toContain('is not supported (gzip, deflate, br are)');
      expect((error as Error).message.length).toBeLessThan(200);
      expect(source.destroyed).toBe(true);
    }
  });

  it('says a corrupt compressed body is corrupt', async () => {
    const error = await failure(
      readBody({
        response: response([Buffer.from('not gzip at all')], { 'content-encoding': 'gzip' }),
        url,
        maxBytes: 100,
        signal: live(),
      }),
    );
    expect((error as WebFetchError).reason).toBe('network');
    expect((error as Error).message).toMatch(
      /^The response from https:\/\/example\.com\/page broke off or is corrupt/,
    );
  });

  it('says a body that broke off broke off', async () => {
    const error = await failure(
      readBody({
        response: response([Buffer.from('partial')], {}, { fail: new Error('aborted') }),
        url,
        maxBytes: 100,
        signal: live(),
      }),
    );
    expect((error as WebFetchError).reason).toBe('network');
    expect((error as Error).message).toContain('(aborted)');
  });

  it("hands back the signal's reason when the read was aborted", async () => {
    const controller = new AbortController();
    const source = response([Buffer.from('first')], {}, { open: true });
    const reading = readBody({ response: source, url, maxBytes: 100, signal: controller.signal });
    const reason = new Error('the run was cancelled');
    controller.abort(reason);
    source.destroy(new Error('socket closed'));
    expect(await failure(reading)).toBe(reason);
  });

  it('reads an empty body as empty', async () => {
    const result = await readBody({ response: response([]), url, maxBytes: 10, signal: live() });
    expect(result).toEqual({ bytes: Buffer.alloc(0), truncated: false });
  });

  it('reads a page sent a byte at a time whole (each byte its own read)', async () => {
    const page = Buffer.from(`<p>${'ß'.repeat(10_000)}</p>`);
    const stream = new PassThrough() as PassThrough & { headers: Record<string, string> };
    stream.headers = {};
    let index = 0;
    const next = (): void => {
      if (index === page.byteLength) return void stream.end();
      stream.write(page.subarray(index, ++index));
      setImmediate(next);
    };
    next();
    const { bytes, truncated } = await readBody({
      response: stream as unknown as IncomingMessage,
      url,
      maxBytes: 1_000_000,
      signal: live(),
    });
    expect(truncated).toBe(false);
    expect(bytes.equals(page)).toBe(true);
  });
});
