import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';
import {
  downloadOptionsDeclaration,
  pickCallOptions,
  pollOptionsDeclaration,
  uploadOptionsDeclaration,
} from './file-options.ts';

describe('files.upload options', () => {
  it('takes media types with or without parameters', () => {
    for (const mimeType of [
      'video/mp4',
      'application/vnd.ms-excel',
      'image/svg+xml',
      'text/plain; charset=utf-8',
      'text/plain;charset=UTF-8',
    ]) {
      expect(() => uploadOptionsDeclaration.check({ mimeType }), mimeType).not.toThrow();
    }
  });

  it('refuses a media type a header cannot carry, or that is no media type', () => {
    for (const mimeType of [
      'text/plain\r\nX-Injected: 1',
      'text/plain\n;x',
      'text/plain\u0000',
      'text/plain\u2028',
      'text/plain; name=ü',
      'mp4',
      '/mp4',
      'video/',
      '',
      42,
    ]) {
      expect(
        () => uploadOptionsDeclaration.check({ mimeType } as never),
        JSON.stringify(mimeType),
      ).toThrow(/options\.mimeType must be a media type/);
    }
  });

  it('refuses a bad size, chunk size, display name or callback', () => {
    const bad: Record<string, unknown>[] = [
      { size: -1 },
      { size: 1.5 },
      { chunkSize: 0 },
      { displayName: 'x'.repeat(513) },
      { displayName: 7 },
      { onProgress: 'log' },
      { mimetype: 'video/mp4' },
    ];
    for (const options of bad) {
      expect(
        () => uploadOptionsDeclaration.check(options as never),
        JSON.stringify(options),
      ).toThrow(InvalidArgumentError);
    }
  });

  it('says so before any request, not as a failure to reach the host', async () => {
    let requests = 0;
    const fetch = (async () => {
      requests += 1;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    const files = createFiles(
      createGemini({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', fetch, retry: false }),
    );
    const error = await files
      .upload(new Uint8Array([1, 2, 3]), { mimeType: 'text/plain\r\nX-Injected: 1' })
      .catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain('could not reach');
    expect(requests).toBe(0);
  });
});

describe('files.download and wait options', () => {
  it('checks maxBytes and the poll interval', () => {
    expect(() =>
      downloadOptionsDeclaration.check({ maxBytes: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
    for (const maxBytes of [0, -1, Number.NaN, '10']) {
      expect(() => downloadOptionsDeclaration.check({ maxBytes } as never)).toThrow(/maxBytes/);
    }
    expect(() => pollOptionsDeclaration.check({ pollIntervalMs: 0 })).not.toThrow();
    for (const pollIntervalMs of [-1, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => pollOptionsDeclaration.check({ pollIntervalMs })).toThrow(/pollIntervalMs/);
    }
  });

  it('picks only the call options of a method options object', () => {
    const signal = new AbortController().signal;
    expect(pickCallOptions(undefined)).toBeUndefined();
    expect(
      pickCallOptions({
        signal,
        timeoutMs: 5,
        mimeType: 'video/mp4',
        onProgress: () => {},
      } as never),
    ).toEqual({
      signal,
      timeoutMs: 5,
    });
  });
});
