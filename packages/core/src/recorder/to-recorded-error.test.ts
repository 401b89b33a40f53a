import { describe, expect, it } from 'vitest';
import { GemloopError } from '../errors/gemloop-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { recordedError } from './live-line-bounds.ts';
import { recordedCode, toRecordedError } from './to-recorded-error.ts';

// errors43: a run file's and a live session file's error record a gemloop error's `code`, as
// code in process branches on it; nothing else's, and never a throw of its own.

class CodedError extends GemloopError {
  override readonly code: string;
  constructor(code: string) {
    super({ message: 'failed' });
    this.code = code;
  }
}

describe('recordedCode', () => {
  it("records a gemloop error's code in a run file and in a live session file", () => {
    const stream = new StreamError({
      reason: 'malformed-json',
      message: 'quiet',
      chunksDelivered: 3,
    });
    expect(toRecordedError(stream)).toMatchObject({ name: 'StreamError', code: 'stream' });
    expect(recordedError(stream)).toMatchObject({ name: 'StreamError', code: 'stream' });
  });

  it("records no code for another error's, a thrown value, or a code that is no text", () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const thrown of [driver, 'text', 42, null, undefined, { code: 'plugin' }]) {
      expect(toRecordedError(thrown)).not.toHaveProperty('code');
      expect(recordedError(thrown)).not.toHaveProperty('code');
    }
    expect(recordedCode(new CodedError(''))).toBeUndefined();
    expect(recordedCode(Object.assign(new CodedError('x'), { code: 7 }))).toBeUndefined();
  });

  it('cuts a code at 100 characters, and a getter that throws gives none', () => {
    expect(recordedCode(new CodedError('c'.repeat(10_000)))).toBe('c'.repeat(100));
    const hostile = new CodedError('x');
    Object.defineProperty(hostile, 'code', {
      get() {
        throw new Error('read');
      },
    });
    expect(recordedCode(hostile)).toBeUndefined();
  });
});
