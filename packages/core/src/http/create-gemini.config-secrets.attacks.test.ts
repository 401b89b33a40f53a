import { createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';

// attack14: secrets in createGemini's options other than the key. A base URL that does not parse
// was echoed whole in the error ("got '...'"), so a key put in GEMINI_BASE_URL by mistake (the
// variables swapped), or a URL whose password or `?key=` sat beside a space, reached the terminal
// and the logs (the URLs that parse were already refused without an echo:
// normalize-base-url.test.ts). `auth: 'Bearer <key>'` was echoed too, and so was a whole header
// line given as a header name (`'Authorization: Bearer <key>'`), in the message and the argument.

function refusal(options: Record<string, unknown>): InvalidArgumentError {
  try {
    createGemini(options as never);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('createGemini accepted it');
}

describe('createGemini with a base URL that holds a secret and does not parse', () => {
  it.each([
    ['the key itself (the variables swapped)', 'AIzaSyD-S3CR3T-0123456789abcdefghijklmno'],
    ['a password beside a space', 'https://user:pw-S3CR3T@ho st/'],
    ['a key query beside a space', 'ht tp://gateway/?key=k-S3CR3T'],
    ['a bearer token', 'sk-S3CR3T-0123456789'],
    ['a line break and a key', 'https://gateway\n?key=k-S3CR3T x'],
  ])('%s: refused, naming baseUrl, without the value', (_label, baseUrl) => {
    const error = refusal({ apiKey: 'k', baseUrl });
    expect(error.argument).toBe('baseUrl');
    expect(error.message).not.toContain('S3CR3T');
    // The last parses (the line break is dropped) and is refused as carrying a key.
    expect(error.message).toMatch(/absolute URL|carry credentials/);
  });

  it('still says what to fix for a host without its scheme', () => {
    const error = refusal({ apiKey: 'k', baseUrl: 'api.cometapi.com' });
    expect(error.message).toMatch(/https:\/\//);
  });

  it('a good base URL still works', () => {
    expect(createGemini({ apiKey: 'k', baseUrl: 'https://api.cometapi.com/v1beta/' }).baseUrl).toBe(
      'https://api.cometapi.com',
    );
  });
});

describe('createGemini with a secret in an option that is not the key', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['auth given the key', { apiKey: 'k', auth: 'Bearer sk-S3CR3T-0123' }, 'auth'],
    ['auth given the key alone', { apiKey: 'k', auth: 'AIzaSyS3CR3T' }, 'auth'],
    [
      'a whole header line as a name',
      { apiKey: 'k', headers: { 'Authorization: Bearer S3CR3T': '' } },
      'headers.Authorization',
    ],
    ['a name with a space', { apiKey: 'k', headers: { 'x-token S3CR3T': 'v' } }, 'headers.x-token'],
  ])('%s: refused, naming the option, without the secret', (_label, options, argument) => {
    const error = refusal(options);
    expect(error.argument).toBe(argument);
    expect(`${error.message} ${error.argument} ${JSON.stringify(error)}`).not.toContain('S3CR3T');
  });

  it('the header message still says where the name went wrong', () => {
    const error = refusal({ apiKey: 'k', headers: { 'Authorization: Bearer S3CR3T': '' } });
    expect(error.message).toMatch(/'Authorization…' is not a valid header name/);
  });
});
