import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.ts';

// attack20: createLogger redacted the credential keys gemloop names in lower case only, at most
// two objects deep. pino matches a path's key exactly, so the same headers as an HTTP library or
// a Headers-to-object copy writes them (`Authorization`, `X-Goog-Api-Key`, `Cookie`), a
// `password` field, and an HTTP client's error (`err.config.headers.authorization`, three deep)
// went into the log line in clear.

const SECRET = 'Bearer s3cr3t-attack20';

function logged(fields: Record<string, unknown>): string {
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line) => void lines.push(line) } });
  logger.info(fields, 'request failed');
  return lines.join('');
}

describe('createLogger redacts credentials however they are spelt', () => {
  for (const [shape, fields] of [
    ['Authorization', { headers: { Authorization: SECRET } }],
    ['Proxy-Authorization', { headers: { 'Proxy-Authorization': SECRET } }],
    ['X-Goog-Api-Key', { headers: { 'X-Goog-Api-Key': SECRET } }],
    ['X-Api-Key', { request: { headers: { 'X-Api-Key': SECRET } } }],
    ['Cookie', { headers: { Cookie: SECRET } }],
    ['a password', { user: { password: SECRET } }],
    ['an HTTP client error', { err: { config: { headers: { authorization: SECRET } } } }],
    [
      'an HTTP client error, capitalised',
      { err: { config: { headers: { Authorization: SECRET } } } },
    ],
  ] as const) {
    it(`redacts ${shape}`, () => {
      const line = logged(fields);
      expect(line).toContain('[redacted]');
      expect(line).not.toContain('s3cr3t');
    });
  }

  it('keeps the fields that hold no credential', () => {
    const line = logged({ headers: { 'Content-Type': 'application/json' }, user: { name: 'ada' } });
    expect(JSON.parse(line)).toMatchObject({
      headers: { 'Content-Type': 'application/json' },
      user: { name: 'ada' },
    });
  });
});
