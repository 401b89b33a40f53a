import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../api-call-error.ts';
import { FileNotFoundError } from './file-not-found-error.ts';
import { fileNotFoundOf } from './file-not-found-of.ts';

function apiError(status: number, apiMessage: string | undefined): ApiCallError {
  return new ApiCallError({
    message: `HTTP ${status}`,
    url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    method: 'generateContent',
    status,
    apiMessage,
    isRetryable: false,
  });
}

describe('fileNotFoundOf', () => {
  it("turns Google's 403 for an expired or deleted file into a FileNotFoundError naming it", () => {
    const cause = apiError(
      403,
      'You do not have permission to access the File abc-123 or it may not exist.',
    );
    const error = fileNotFoundOf(cause);
    expect(FileNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ fileName: 'files/abc-123', status: 403, cause });
    expect((error as Error).message).toContain('files live 48 hours');
  });

  it('reads the files/ prefix, any case, and a 404', () => {
    const error = fileNotFoundOf(
      apiError(
        404,
        'You do not have permission to access the File files/ABC-9 or it may not exist',
      ),
    );
    expect(error).toMatchObject({ fileName: 'files/abc-9', status: 404 });
  });

  it('leaves every other error as it is', () => {
    const others = [
      apiError(403, 'Permission denied on resource project x.'),
      apiError(500, 'You do not have permission to access the File abc or it may not exist.'),
      apiError(403, undefined),
      apiError(403, `access the File ${'a'.repeat(65)} or it may not exist`),
      apiError(403, 'access the File ../../etc or it may not exist'),
      new Error('You do not have permission to access the File abc or it may not exist.'),
      'text',
      undefined,
    ];
    for (const error of others) expect(fileNotFoundOf(error)).toBe(error);
  });

  it('reads a huge hostile message in linear time', () => {
    // Sized, not timed (a stopwatch fails at load 40): a pattern that may start anywhere and read
    // an unbounded id (`/([a-z0-9-]+) or it may not exist/i`) is quadratic here (5.5 s on 20,000
    // characters, 19.7 s on 40,000: about 3 hours on this million), far past the test's hang
    // guard; the literal start and the 64-character id take milliseconds.
    const message = `access the File ${'a-'.repeat(500_000)} or it may not`;
    expect(fileNotFoundOf(apiError(403, message))).toBeInstanceOf(ApiCallError);
  });
});
