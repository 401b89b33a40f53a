import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClientError, type ClientErrorCode } from './client-error.ts';
import { toPageMessage } from './to-page-message.ts';

// A ClientError's message is written for the developer and may quote the server: an HTTP error's
// body (`The server answered 500: <its text>`), an event's data, a run id. A page shows
// `toPageMessage(error)`: fixed words by code, as core's PAGE_MESSAGES does for a run's errors
// (test/page-messages.test.ts), so a new code without words fails here.

const SECRET = 'AIzaSyClientWords-0123456789 postgres://app:hunter2@10.0.0.5/db /srv/app/notes.md';

/** The codes `ClientErrorCode` lists, read from its source: a code added there is found here. */
function declaredCodes(): string[] {
  const source = readFileSync(new URL('./client-error.ts', import.meta.url), 'utf8');
  const union = /export type ClientErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((match) => match[1] as string);
}

describe('toPageMessage', () => {
  it("gives every ClientError code words of its own, nothing of the error's message", () => {
    const codes = declaredCodes();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    expect(codes).toContain('connection-lost');
    const seen = new Set<string>();
    for (const code of codes) {
      const error = new ClientError({
        code: code as ClientErrorCode,
        message: `The server answered: ${SECRET}`,
        cause: new Error(SECRET),
      });
      const words = toPageMessage(error);
      expect(words, code).toMatch(/^[A-Z][^\n]{10,99}\.$/);
      for (const part of SECRET.split(' ')) expect(words, code).not.toContain(part);
      expect(words, code).not.toMatch(/https?:|\/\/|[\w-]+\.(ts|js|md|json)\b/);
      seen.add(words);
    }
    // Words of their own: none falls back to the words of an error this package does not know.
    expect(seen).not.toContain(toPageMessage(new Error(SECRET)));
  });

  it('adds the HTTP status to an HTTP error, and nothing of its body', () => {
    const error = new ClientError({
      code: 'http-status',
      status: 503,
      message: `The server answered 503: ${SECRET}`,
    });
    expect(toPageMessage(error)).toBe('The server answered with an error (HTTP 503).');
    const odd = new ClientError({ code: 'http-status', status: 1e9, message: SECRET });
    expect(toPageMessage(odd)).toBe('The server answered with an error.');
  });

  it('tells a lost connection as what is known: the run had not finished', () => {
    const lost = new ClientError({ code: 'connection-lost', message: SECRET });
    expect(toPageMessage(lost)).toBe('The connection was lost before the run finished; try again.');
  });

  it("shows a server's error event as the server worded it, bounded", () => {
    // Core's toBrowserError words it for a page already (its fixed words, or exposeError's).
    expect(
      toPageMessage({
        name: 'ToolExecutionError',
        code: 'tool-execution',
        message: 'A tool failed.',
      }),
    ).toBe('A tool failed.');
    const long = toPageMessage({ name: 'Error', message: 'x'.repeat(5000) });
    expect(long.length).toBeLessThanOrEqual(1003);
  });

  it('never shows the message of an error it does not know, nor of a newer code', () => {
    const fallback = 'Something went wrong; try again.';
    expect(toPageMessage(new TypeError(SECRET))).toBe(fallback);
    expect(toPageMessage(SECRET)).toBe(fallback);
    expect(toPageMessage(undefined)).toBe(fallback);
    expect(toPageMessage(Object.create(null))).toBe(fallback);
    // A ClientError of a later copy of this package, with a code this one has no words for.
    const newer = new ClientError({ code: 'limit', message: SECRET });
    Object.defineProperty(newer, 'code', { value: 'toString' });
    expect(toPageMessage(newer)).toBe(fallback);
    // An object whose reads throw (a revoked proxy) is no reason to throw on a page.
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(toPageMessage(proxy)).toBe(fallback);
  });

  it('tells a stop by the page as a stop', () => {
    expect(toPageMessage(new DOMException('Stopped by the user.', 'AbortError'))).toBe(
      'The run was stopped.',
    );
  });
});
