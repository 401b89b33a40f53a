import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { type CreateLoggerOptions, createLogger } from './create-logger.ts';

// attack20 (attack17 left it): createLogger checked its options and then read them again, so a
// `level` getter that gave the check 'info' and pino 'loud' threw pino's plain Error ("default
// level:loud must be included in custom levels"); a redact path pino cannot parse ('a[', 'a..b',
// '') threw fast-redact's plain Error or a TypeError ("Cannot read properties of null") naming no
// option. Now each option and path is read once, and a path pino refuses is named.

const lines: string[] = [];
const destination = { write: (line: string) => void lines.push(line) };

/** `options` with `key` as `first` at the first read and `later` at every one after it. */
function shifting(key: string, first: unknown, later: unknown): CreateLoggerOptions {
  let reads = 0;
  return Object.defineProperty({ destination }, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  }) as CreateLoggerOptions;
}

describe('createLogger reads each option once', () => {
  it('keeps the level the check saw', () => {
    expect(createLogger(shifting('level', 'warn', 'loud')).level).toBe('warn');
  });

  it('keeps the redact paths the check saw', () => {
    const logger = createLogger(shifting('redact', ['user.password'], ['a[']));
    lines.length = 0;
    logger.info({ user: { password: 'hunter2' } }, 'signed in');
    expect(lines.join('')).not.toContain('hunter2');
  });

  it('keeps each redact path the check saw', () => {
    const redact = Object.defineProperty([] as string[], 0, {
      enumerable: true,
      get: (() => {
        let reads = 0;
        return () => (reads++ === 0 ? 'user.password' : 5);
      })(),
    });
    const logger = createLogger({ destination, redact });
    lines.length = 0;
    logger.info({ user: { password: 'hunter2' } }, 'signed in');
    expect(lines.join('')).not.toContain('hunter2');
  });
});

describe('createLogger names a redact path pino cannot read', () => {
  for (const path of ['a[', 'a..b', '', '[', 'a["b']) {
    it(`names redact[1] for ${JSON.stringify(path)}`, () => {
      const make = () => createLogger({ destination, redact: ['user.password', path] });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument: 'redact[1]' }));
      expect(make).toThrow(/user\.password|headers\["x-token"\]/);
    });
  }

  it('still takes the paths pino reads', () => {
    for (const path of ['user.password', '*.token', 'headers["x-token"]', 'a[0].b', '__proto__']) {
      expect(() => createLogger({ destination, redact: [path] })).not.toThrow();
    }
  });
});
