import { Writable } from 'node:stream';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createLogger } from './create-logger.ts';
import type { Logger } from './logger.ts';

function sink() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('returns a pino logger at the given level that fits the Logger contract', () => {
    const { lines, destination } = sink();
    const logger = createLogger({ level: 'debug', destination, name: 'app' });
    expectTypeOf(logger).toExtend<Logger>();
    logger.trace({ a: 1 }, 'hidden');
    logger.child({ component: 'x' }).debug({ b: 2 }, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 20, name: 'app', component: 'x', b: 2, msg: 'shown' });
    expect(logger.isLevelEnabled('trace')).toBe(false);
  });

  it('redacts apiKey, x-goog-api-key and authorization, nested too, plus extra paths', () => {
    const { lines, destination } = sink();
    const logger = createLogger({ level: 'info', destination, redact: ['user.password'] });
    logger.info({
      apiKey: 'k1',
      'x-goog-api-key': 'k2',
      headers: { 'x-goog-api-key': 'k3', authorization: 'Bearer k4' },
      options: { headers: { authorization: 'Bearer k5' }, apiKey: 'k6' },
      user: { password: 'k7', name: 'ok' },
    });
    const text = JSON.stringify(lines);
    for (const secret of ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'])
      expect(text).not.toContain(`"${secret}`);
    expect(lines[0]).toMatchObject({ user: { name: 'ok', password: '[redacted]' } });
  });

  it("redacts a gateway's x-api-key, proxy-authorization and cookie headers too", () => {
    const { lines, destination } = sink();
    const logger = createLogger({ level: 'info', destination });
    logger.info({
      headers: { 'x-api-key': 'k1', 'proxy-authorization': 'Basic k2', cookie: 'sid=k3' },
      options: { headers: { 'x-api-key': 'k4', cookie: 'sid=k5' } },
      'x-api-key': 'k6',
    });
    const text = JSON.stringify(lines);
    for (const secret of ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']) expect(text).not.toContain(secret);
  });

  it('rejects an unknown level', () => {
    expect(() => createLogger({ level: 'verbose' as never })).toThrow(InvalidArgumentError);
  });
});
