import { describe, expect, it } from 'vitest';
import { toPageMessage } from './to-page-message.ts';

// attack61f: a run's `error` event is shown as the server worded it (core's toBrowserError words it
// for a page). A broken or hostile server (one that exposes every error's message, a proxy that
// writes its own) put an API key, an internal address, a path or a stack into those words, and
// `toPageMessage` showed them to the page's user as they were: "Nothing forbidden reaches a page".

const FALLBACK = 'Something went wrong; try again.';
const event = (message: string) => ({ name: 'Error', code: 'tool-execution', message });

describe("toPageMessage: a server's error words that hold what a page must not show", () => {
  for (const [label, message] of [
    ['a Google API key', 'The call failed with key AIzaSyA1234567890abcdefghijklmnopqrstuv.'],
    ['an OpenAI-shaped key', 'Upstream refused sk-proj-abcdefghijklmnopqrstuvwx1234.'],
    ['a bearer token', 'Sent Authorization: Bearer abcdefghijklmnop123 and got 401.'],
    [
      'a JSON Web Token',
      'Token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnopqr expired.',
    ],
    ['a private key', 'Could not read -----BEGIN RSA PRIVATE KEY-----MIIEpAIBAAKCAQEA'],
    ['an AWS access key id', 'Access denied for AKIAIOSFODNN7EXAMPLE.'],
    ['an internal address', 'connect ECONNREFUSED 10.0.0.5:8080'],
    ['an internal URL', 'fetch to http://weather.internal/v1 failed'],
    ['a host and port', 'Could not reach db-primary.corp:5432 in time.'],
    ['localhost', 'The broker at localhost is down.'],
    ['an IPv6 loopback', 'connect ECONNREFUSED ::1:5432'],
    ['a path', "ENOENT: no such file or directory, open '/srv/app/secrets/notes.md'"],
    ['a Windows path', 'Cannot open C:\\app\\config\\keys.json'],
    ['a stack', 'TypeError: x is undefined\n    at run (app.js:10:5)'],
  ] as const) {
    it(`shows fixed words for one holding ${label}`, () => {
      expect(toPageMessage(event(message))).toBe(FALLBACK);
    });
  }

  it('still shows words worded for a page as they are', () => {
    for (const message of [
      'A tool failed.',
      'The model could not be reached.',
      'The run reached its spending limit.',
      'Try again after 10:30, or ask for 3.5 more credits.',
      'The file report-2024.pdf is not one this chat reads (use PDF/A or text/plain).',
    ]) {
      expect(toPageMessage(event(message))).toBe(message);
    }
  });
});
