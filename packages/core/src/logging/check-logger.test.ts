import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkLogger, guardLogger } from './check-logger.ts';
import { isLevelEnabled, type Logger, silentLogger } from './logger.ts';
import { loggerOption } from './logger-option.ts';

type Line = {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
  bindings: Record<string, unknown>;
};

/** A pino-like logger that records its lines; `this` must be itself, as pino's methods need. */
function recordingLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const logger = {
    bindings,
    child(more: Record<string, unknown>): Logger {
      return recordingLogger(lines, { ...bindings, ...more });
    },
    debug(
      this: { bindings: Record<string, unknown> },
      fields: Record<string, unknown>,
      message?: string,
    ) {
      lines.push({ level: 'debug', fields, message, bindings: this.bindings });
    },
    info(
      this: { bindings: Record<string, unknown> },
      fields: Record<string, unknown>,
      message?: string,
    ) {
      lines.push({ level: 'info', fields, message, bindings: this.bindings });
    },
    warn(
      this: { bindings: Record<string, unknown> },
      fields: Record<string, unknown>,
      message?: string,
    ) {
      lines.push({ level: 'warn', fields, message, bindings: this.bindings });
    },
    error(
      this: { bindings: Record<string, unknown> },
      fields: Record<string, unknown>,
      message?: string,
    ) {
      lines.push({ level: 'error', fields, message, bindings: this.bindings });
    },
  };
  return logger as Logger;
}

function refusal(value: unknown): InvalidArgumentError {
  try {
    checkLogger(value, 'logger');
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('checkLogger', () => {
  it('gives the silent logger when none was given', () => {
    expect(checkLogger(undefined, 'logger')).toBe(silentLogger);
  });

  it('names each method that is missing', () => {
    const error = refusal({ child() {}, info() {}, debug: 'not a function' });
    expect(error.argument).toBe('logger');
    expect(error.message).toContain('missing debug, warn, error.');
    expect(refusal(console).message).toContain('missing child');
  });

  it('refuses values that are not objects, including null, naming every method', () => {
    for (const value of [null, 'pino', 42, () => {}]) {
      expect(refusal(value).message).toContain('missing child, debug, info, warn, error');
    }
  });

  it('is what the logger option of createGemini and createAgent runs', () => {
    expect(() => loggerOption({}, 'createAgent({ logger })')).toThrow(
      /createAgent\(\{ logger \}\) must have child/,
    );
    expect(() => loggerOption(undefined, 'logger')).not.toThrow();
  });

  it('passes the fields, the message and `this` through to the logger', () => {
    const lines: Line[] = [];
    const logger = checkLogger(recordingLogger(lines), 'logger');
    logger.child({ component: 'http' }).warn({ status: 503 }, 'retrying');
    expect(lines).toEqual([
      {
        level: 'warn',
        fields: { status: 503 },
        message: 'retrying',
        bindings: { component: 'http' },
      },
    ]);
  });
});

describe('guardLogger', () => {
  it('wraps once: a guarded logger and the silent one come back as they are', () => {
    const guarded = guardLogger(recordingLogger([]));
    expect(guardLogger(guarded)).toBe(guarded);
    expect(guardLogger(silentLogger)).toBe(silentLogger);
  });

  it('keeps trace absent on a logger without it, so trace is reported off', () => {
    const guarded = guardLogger(recordingLogger([]));
    expect(guarded.trace).toBeUndefined();
    expect(isLevelEnabled(guarded, 'trace')).toBe(false);
    expect(isLevelEnabled(guarded, 'debug')).toBe(true);
  });

  it('reports a level off when isLevelEnabled throws, and asks the logger with itself as this', () => {
    const asked: unknown[] = [];
    const logger = {
      ...recordingLogger([]),
      isLevelEnabled(this: unknown, level: string) {
        asked.push(this);
        if (level === 'debug') throw new Error('broken');
        return level === 'warn';
      },
    };
    const guarded = guardLogger(logger);
    expect(isLevelEnabled(guarded, 'debug')).toBe(false);
    expect(isLevelEnabled(guarded, 'warn')).toBe(true);
    expect(isLevelEnabled(guarded, 'info')).toBe(false);
    expect(asked.every((self) => self === logger)).toBe(true);
  });

  it('falls back to the silent logger when child() throws', () => {
    const logger = {
      ...recordingLogger([]),
      child: () => {
        throw new Error('no children');
      },
    };
    expect(guardLogger(logger).child({ a: 1 })).toBe(silentLogger);
  });

  it('keeps logging when child() returns something that is not a logger', () => {
    for (const child of [undefined, null, {}, { info() {} }, 'logger']) {
      const lines: Line[] = [];
      const parent = recordingLogger(lines);
      const logger = guardLogger({ ...parent, child: () => child as unknown as Logger });
      const made = logger.child({ component: 'agent' });
      expect(() => {
        made.debug({ step: 1 }, 'step');
        made.info({}, 'info');
        made.warn({}, 'warn');
        made.error({}, 'error');
        made.child({ more: true }).warn({}, 'deeper');
      }).not.toThrow();
      // Through the parent, without the bindings the broken child would have added.
      expect(lines.map((line) => line.message)).toEqual([
        'step',
        'info',
        'warn',
        'error',
        'deeper',
      ]);
    }
  });
});
