import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../logging/logger.ts';
import { createTestServer, GOOGLE } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// leftovers36: a server or gateway that quotes the key it was sent does not always quote it as
// sent. A proxy's access log lower-cases it, a gateway URL-encodes it (it read it from a query),
// another reports the `Authorization: Basic` it built, base64 of `user:key`. Each form reached the
// error's message, its body and the debug log whole: only the key as sent was redacted.

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GENERATE = `${GOOGLE}/models/gemini-2.5-flash:generateContent`;
// A gateway token with the characters each encoding changes: `/`, `+`, `=` and both cases.
const KEY = 'sk-GateWay/Token+42=Abc_def-0123456789';

const base64 = (text: string): string => Buffer.from(text).toString('base64');
const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/** What a server quoted, and what of it must not be readable after. */
const echoes: [string, string, string][] = [
  ['lower-cased', `bad key ${KEY.toLowerCase()}`, KEY.toLowerCase()],
  ['upper-cased', `BAD KEY ${KEY.toUpperCase()}`, KEY.toUpperCase()],
  ['URL-encoded', `GET /v1?key=${encodeURIComponent(KEY)} denied`, encodeURIComponent(KEY)],
  ['base64', `token ${base64(KEY)} refused`, base64(KEY).slice(0, -2)],
  ['base64url', `token ${base64url(KEY)} refused`, base64url(KEY).slice(0, -1)],
  // Inside a larger encoded value, at each of base64's three alignments.
  ...['u:', 'us:', 'use:'].map((user): [string, string, string] => [
    `base64 after ${user.length} bytes (Basic auth)`,
    `Authorization: Basic ${base64(`${user}${KEY}`)}`,
    // The characters that encode the key's bytes alone (the two ends mix in its neighbours).
    base64(`${user}${KEY}`).slice(Math.ceil((user.length * 8) / 6) + 1, -3),
  ]),
];

function renderings(error: unknown): string {
  return [
    JSON.stringify(error),
    (error as Error).message,
    String(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ].join('\n');
}

describe('createGemini with a server that echoes the key encoded', () => {
  it.each(echoes)('redacts the key %s from the error and the log', async (_, said, form) => {
    server.use(
      http.post(GENERATE, () =>
        HttpResponse.json(
          { error: { code: 401, message: said, status: 'UNAUTHENTICATED' } },
          { status: 401, headers: { 'x-echo': said } },
        ),
      ),
    );
    const lines: unknown[] = [];
    const record = (...args: unknown[]) => lines.push(args);
    const logger: Logger = {
      trace: record,
      debug: record,
      info: record,
      warn: record,
      error: record,
      child: () => logger,
      isLevelEnabled: () => true,
    } as unknown as Logger;
    const gemini = createGemini({ apiKey: KEY, auth: 'bearer', retry: false, logger });
    let error: unknown;
    try {
      await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(Error);
    expect(form.length).toBeGreaterThanOrEqual(16);
    const shown = renderings(error);
    expect(shown).toContain('[redacted]');
    expect(shown).not.toContain(form);
    expect(inspect(lines, { depth: Number.POSITIVE_INFINITY })).not.toContain(form);
  });
});
